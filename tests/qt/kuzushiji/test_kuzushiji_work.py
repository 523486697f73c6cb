"""After a restart the Kuzushiji tab shows the last nets with their loss curves and epoch replay."""

from __future__ import annotations

import torch
from PySide6.QtCore import Qt

from explorer.qt.kuzushiji.tab import KuzushijiTab
from explorer.qt.main_window import MainWindow
from tests.core.kuzushiji import fakedata

WAIT_MS = 30_000


def open_window(qtbot) -> tuple[MainWindow, KuzushijiTab]:
    window = MainWindow(tabs=[KuzushijiTab()])
    qtbot.addWidget(window)
    window.show()
    return window, window.current_tab()


def test_curves_and_epoch_replay_are_back_after_a_restart(qtbot, tmp_path):
    folder = tmp_path / "kmnist"
    fakedata.write_kmnist_folder(folder, "idx.gz", 300, 100, learnable=True)
    window, tab = open_window(qtbot)
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)
    torch.manual_seed(0)
    tab.controls.net.setCurrentIndex(tab.controls.net.findData("lin"))
    tab.controls.epochs.setValue(3)
    qtbot.mouseClick(tab.controls.train_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
        pass
    before = tab.results["lin"]
    curves = tab.curves.runs_data()
    confusions = [r.evaluation.confusion.copy() for r in before.history]
    window.close()

    window, tab = open_window(qtbot)
    qtbot.waitUntil(lambda: tab.data is not None, timeout=WAIT_MS)  # the stored data loads in the background
    result = tab.results["lin"]
    assert len(result.history) == 3 and result.accuracy == before.accuracy
    assert [run["label"] for run in tab.curves.runs_data()] == [c["label"] for c in curves]
    assert tab.curves.runs_data()[0]["accuracy"] == curves[0]["accuracy"]
    assert tab.curves.runs_data()[0]["batch_loss"] == curves[0]["batch_loss"]
    page = tab.evaluation_page
    page.select_net("lin")
    assert page.epoch.maximum() == 3
    for epoch, confusion in enumerate(confusions, start=1):
        page.epoch.setValue(epoch)
        assert (page.evaluation.confusion == confusion).all()
        assert f"after epoch {epoch} of 3" in page.summary.text()
    window.close()


def test_a_damaged_store_is_set_aside_and_the_nets_still_load(qtbot, user_data_dir):
    folder = user_data_dir / "work" / "kuzushiji"
    folder.mkdir(parents=True)
    (folder / "work.json").write_bytes(b"\x00\xff not json")
    window, tab = open_window(qtbot)
    assert (folder / "work.json.damaged").is_file()
    assert tab.curves.runs_data() == []
    window.close()
