"""The Train page tells how fast training goes (issue 20): images/s and the time of an epoch."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from explorer.core.kuzushiji import engine
from explorer.qt.kuzushiji.tab import KuzushijiTab
from tests.core.kuzushiji import fakedata

WAIT_MS = 30_000
RATE = re.compile(r"([\d,]+) images/s")
EPOCH_TIME = r"(\d+ ms|\d+\.\d s|\d+:\d\d)"


@pytest.fixture
def tab(qtbot, tmp_path):
    folder = tmp_path / "kmnist"
    fakedata.write_kmnist_folder(folder, "idx.gz", 640, 100, learnable=True)
    tab = KuzushijiTab()
    qtbot.addWidget(tab)
    tab.resize(1440, 920)
    tab.show()
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)
    yield tab
    assert tab.shutdown()


def test_training_shows_images_per_second_and_the_epoch_time(tab, qtbot):
    controls = tab.controls
    label = controls.speed_label
    seen: list[str] = []  # what the label said after each record reached the page
    controls.task_panel.record_shown.connect(lambda record: seen.append(label.text()))
    controls.net.setCurrentIndex(controls.net.findData("conv"))
    controls.epochs.setValue(2)
    qtbot.mouseClick(controls.train_button, Qt.MouseButton.LeftButton)
    assert tab.task is not None
    assert label.isVisible() and label.text() == "Speed: measuring…"
    with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
        pass

    # during the first epoch: the live rate and the epoch time it points to
    live = [t for t in seen if "an epoch takes about" in t]
    assert live, seen
    assert RATE.search(live[0]) and re.search(rf"an epoch takes about {EPOCH_TIME} \(2 epochs ≈ {EPOCH_TIME}\)", live[0])

    # at the end: the last epoch's own rate and time, the very numbers of its record
    last = tab.results["conv"].history[-1]
    text = label.text()
    assert text == f"Speed: {engine.speed({'epoch': 2, 'images_per_second': last.images_per_second, 'seconds': last.seconds}).text(2)}"
    assert RATE.search(text).group(1) == f"{last.images_per_second:,.0f}"
    assert re.search(rf"epoch 2 took {EPOCH_TIME}", text)
    assert int(RATE.search(text).group(1).replace(",", "")) > 0


def test_a_second_run_starts_measuring_afresh(tab, qtbot):
    controls = tab.controls
    controls.net.setCurrentIndex(controls.net.findData("lin"))
    controls.epochs.setValue(1)
    for _ in range(2):
        qtbot.mouseClick(controls.train_button, Qt.MouseButton.LeftButton)
        assert controls.speed_label.text() == "Speed: measuring…"
        with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
            pass
        assert re.fullmatch(rf"Speed: [\d,]+ images/s · epoch 1 took {EPOCH_TIME}", controls.speed_label.text())
