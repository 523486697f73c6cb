"""The Kuzushiji tab as a user drives it: get the data, train, stop, evaluate, save and load."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.kuzushiji import dataset, engine, trained
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.qt.kuzushiji.tab import KuzushijiTab
from tests.core.kuzushiji import fakedata

N_TRAIN, N_TEST = 300, 100
WAIT_MS = 30_000


@pytest.fixture
def folder(tmp_path):
    """Small learnable KMNIST files in the published .gz form."""
    path = tmp_path / "kmnist"
    fakedata.write_kmnist_folder(path, "idx.gz", N_TRAIN, N_TEST, learnable=True)
    return path


def make_tab(qtbot, **kwargs) -> KuzushijiTab:
    tab = KuzushijiTab(**kwargs)
    qtbot.addWidget(tab)
    tab.resize(1440, 920)
    tab.show()
    return tab


@pytest.fixture
def tab(qtbot):
    tab = make_tab(qtbot)
    yield tab
    assert tab.shutdown()


@pytest.fixture
def tab_with_data(tab, qtbot, folder):
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)
    return tab


def train(tab, qtbot, net="lin", epochs=2):
    torch.manual_seed(0)
    tab.controls.net.setCurrentIndex(tab.controls.net.findData(net))
    tab.controls.epochs.setValue(epochs)
    qtbot.mouseClick(tab.controls.train_button, Qt.MouseButton.LeftButton)
    assert tab.task is not None
    with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
        pass
    return tab.results[net]


def test_without_data_the_tab_says_so_and_offers_both_ways(tab, qtbot):
    page = tab.data_page
    assert "No Kuzushiji-MNIST data yet" in page.status.text()
    assert page.download_button.isEnabled() and page.download_button.isVisible()
    assert page.import_button.isEnabled() and page.import_button.isVisible()
    assert tab.get_started_button.isVisible()
    # The first screen is alive (issue 19 item 11): the shipped real examples, not an empty grey panel.
    assert page.gallery.count() == 30 and page.gallery_box.isEnabled()
    assert page.gallery_box.title() == "Real KMNIST examples (shipped with the app)"
    assert page.gallery.captions()[:3] == ["お o"] * 3 and "Download or import" in page.gallery_note.text()
    # training without data explains what to do instead of failing
    tab.pages.setCurrentWidget(tab.train_page)
    qtbot.mouseClick(tab.controls.train_button, Qt.MouseButton.LeftButton)
    assert tab.task is None
    assert tab.pages.currentWidget() is page
    assert not tab.controls.data_note.isHidden()
    boxes = [w for w in tab.findChildren(object) if w.objectName() == "errorBox"]
    assert boxes and "Download or import" in boxes[-1].text()


def test_import_shows_the_data_and_a_labelled_gallery(tab_with_data):
    tab = tab_with_data
    page = tab.data_page
    assert f"{N_TRAIN:,}" in page.status.text() and f"{N_TEST:,}" in page.status.text()
    assert page.task_panel.label.text() == "Imported and stored"
    assert tab.controls.data_note.isHidden()
    assert page.gallery.count() == page.count.value()
    assert page.gallery_box.title() == "Random training images"
    labels = tab.data.train_labels.numpy()
    for index, caption in zip(page.gallery.indices, page.gallery.captions(), strict=True):
        kana, romaji = CLASSES[labels[index]]
        assert caption == f"{kana} {romaji}"
    before = list(page.gallery.indices)
    page.shuffle_button.click()
    assert page.gallery.count() == page.count.value() and page.gallery.indices != before


def test_a_bad_folder_is_refused_naming_the_file_and_the_old_data_stays(tab_with_data, qtbot, tmp_path):
    tab = tab_with_data
    good = tab.data
    arrays = fakedata.make_kmnist_arrays(50, 20)
    arrays["train_labels"] = arrays["train_labels"][:-1]  # one label short
    bad = tmp_path / "bad"
    fakedata.write_kmnist_folder(bad, "idx.gz", arrays=arrays)
    with qtbot.waitSignal(tab.data_page.data_failed, timeout=WAIT_MS):
        tab.open_data(bad / "train-labels-idx1-ubyte.gz")  # File → Open data picks any of the files
    message = tab.data_page.error.text()
    assert "train-images-idx3-ubyte.gz has 50 images but train-labels-idx1-ubyte.gz has 49 labels" in message
    assert "still in use" in message
    assert tab.data is good
    assert dataset.load_stored().counts == (N_TRAIN, N_TEST)


def test_download_through_the_tab_from_a_loopback_mirror(qtbot, folder, monkeypatch):
    with fakedata.serve_folder(folder) as url:
        monkeypatch.setenv("EXPLORER_KMNIST_MIRRORS", url)
        tab = make_tab(qtbot, download_md5s=fakedata.md5s_of(folder))
        seen = []
        with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
            qtbot.mouseClick(tab.data_page.download_button, Qt.MouseButton.LeftButton)
            tab.data_page.task.progress.connect(seen.append)
        assert tab.shutdown()
    assert any(r.data.get("bytes") and " kB (" in r.message for r in seen)  # bytes and percent per file
    assert tab.data.counts == (N_TRAIN, N_TEST)
    assert "downloaded from 127.0.0.1" in tab.data_page.status.text()
    assert tab.data_page.task_panel.bar.format() == "100%"
    assert tab.data_page.gallery.count() > 0


def test_training_updates_the_plots_the_table_and_the_evaluation(tab_with_data, qtbot):
    tab = tab_with_data
    result = train(tab, qtbot, "lin", epochs=2)
    last = result.history[-1]
    run = tab.curves.runs[tab.run_key]
    assert run.epoch_x == [1.0, 2.0] and run.accuracies == [h.accuracy for h in result.history]
    assert len(run.batch_x) > 0
    row = tab.results_table.row_texts("lin")
    assert row["Parameters"] == "7,850"
    assert row["Test accuracy"] == f"{last.accuracy:.2f} %" and row["Epochs"] == "2"
    assert last.accuracy > 50  # learnable data, well above chance
    page = tab.evaluation_page
    assert f"{last.accuracy:.2f} %" in page.summary.text()
    # the matrix counts every test image once
    shown = np.array([[int(page.matrix.cell_text(r, c).replace("·", "0")) for c in range(10)] for r in range(10)])
    assert shown.sum() == N_TEST
    np.testing.assert_array_equal(shown, last.confusion)
    # the epoch slider replays the matrix of epoch 1
    page.epoch.setValue(1)
    np.testing.assert_array_equal(page.matrix.matrix, result.history[0].confusion)
    assert f"{result.history[0].accuracy:.2f} %" in page.summary.text()
    # weights were saved automatically
    saved = checkpoints.load(trained.checkpoint_path(KMNIST, "lin"))
    assert saved.extra["accuracy"] == pytest.approx(last.accuracy)

    # a cell click shows exactly that cell's test images (epoch 1's matrix is on show)
    tab.pages.setCurrentWidget(page)
    matrix = page.matrix.matrix.copy()
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    true, predicted = np.unravel_index(np.argmax(off), off.shape) if off.any() else (3, 3)
    qtbot.waitUntil(lambda: page.matrix.isVisible())
    with qtbot.waitSignal(page.matrix.cell_clicked, timeout=5000) as clicked:
        qtbot.mouseClick(page.matrix.viewport(), Qt.MouseButton.LeftButton,
                         pos=page.matrix.cell_position(int(true), int(predicted)))
    assert clicked.args == [true, predicted]
    evaluation = page.evaluation
    expected = np.flatnonzero((evaluation.labels == true) & (evaluation.predictions == predicted))
    assert page.gallery.count() == matrix[true, predicted] == len(expected)
    assert sorted(page.gallery.indices) == expected.tolist()
    assert all(caption.endswith("%") for caption in page.gallery.captions())
    assert f"{matrix[true, predicted]} test images" in page.gallery_title.text()


def test_stop_after_the_first_epoch_keeps_its_weights(tab_with_data, qtbot, monkeypatch):
    import threading

    tab = tab_with_data
    released = threading.Event()
    real_train = engine.train

    def train_that_waits_after_each_epoch(*args, **kwargs):
        gen = real_train(*args, **kwargs)
        try:
            for record in gen:
                yield record
                if record.keep:  # hold the worker until the GUI has asked to stop
                    released.wait(10)
                    released.clear()
        finally:
            gen.close()

    monkeypatch.setattr(engine, "train", train_that_waits_after_each_epoch)

    def stop_after_epoch_1(record):
        if record.keep and record.data.epoch == 1:
            tab.stop_training()
        if record.keep:
            released.set()

    tab.controls.epochs.setValue(4)
    tab.start_training()
    tab.task.progress.connect(stop_after_epoch_1)
    with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
        pass
    result = tab.results["lin"]
    assert [h.epoch for h in result.history] == [1]
    first = result.history[0]
    assert tab.results_table.row_texts("lin")["Test accuracy"] == f"{first.accuracy:.2f} %"
    assert tab.results_table.row_texts("lin")["Epochs"] == "1"
    assert f"{first.accuracy:.2f} %" in tab.evaluation_page.summary.text()
    assert "kept epoch 1's weights" in tab.controls.task_panel.label.text()
    for key, value in result.model.state_dict().items():
        torch.testing.assert_close(value, first.state_dict[key])
    saved = checkpoints.load(trained.checkpoint_path(KMNIST, "lin"))
    assert saved.extra["accuracy"] == pytest.approx(first.accuracy)


def test_trained_weights_come_back_at_the_next_start(tab_with_data, qtbot, folder):
    result = train(tab_with_data, qtbot, "full", epochs=1)
    again = make_tab(qtbot)
    try:
        assert again.results_table.row_texts("full")["Test accuracy"] == f"{result.accuracy:.2f} %"
        assert again.results_table.row_texts("full")["Parameters"] == "101,770"
        # once the stored data is loaded the net is evaluated again: same numbers, a full matrix
        qtbot.waitUntil(lambda: again.results["full"].evaluation is not None, timeout=WAIT_MS)
        assert again.evaluation_page.matrix.matrix.sum() == N_TEST
        assert again.results["full"].evaluation.accuracy == pytest.approx(result.accuracy)
    finally:
        assert again.shutdown()


def test_open_save_weights_and_export_figures(tab_with_data, qtbot, tmp_path):
    tab = tab_with_data
    train(tab, qtbot, "lin", epochs=1)
    target = tab.results["lin"]
    tab.save_weights(tmp_path / "mine.pt")
    tab.save_weights(tmp_path / "course.pth")
    assert checkpoints.load(tmp_path / "mine.pt").architecture == "NetLin"
    assert set(checkpoints.load(tmp_path / "course.pth").state_dict) == set(target.model.state_dict())
    tab.open_weights(tmp_path / "course.pth")  # a bare state dict: its shapes say which net
    assert tab.results["lin"].source.startswith("course.pth")
    other = checkpoints.save(tmp_path / "mlp.pt", {"w": torch.zeros(2)}, experiment="mlp", architecture="MLP 2-5-1")
    with pytest.raises(UserError, match="not for a Kuzushiji net"):
        tab.open_weights(other)
    # File → Export all figures
    written = tab.export_all(tmp_path / "figures")
    names = {p.name for p in written}
    assert {"kuzushiji_lin_loss_curves.png", "kuzushiji_confusion_matrix.png", "kuzushiji_results_table.png"} <= names
    assert all(p.stat().st_size > 1000 for p in written if p.suffix != ".csv"), [(p.name, p.stat().st_size) for p in written]


def test_get_started_downloads_and_trains_all_three(qtbot, folder, monkeypatch):
    with fakedata.serve_folder(folder) as url:
        monkeypatch.setenv("EXPLORER_KMNIST_MIRRORS", url)
        tab = make_tab(qtbot, download_md5s=fakedata.md5s_of(folder))
        qtbot.mouseClick(tab.get_started_button, Qt.MouseButton.LeftButton)
        course = tab.queue_config
        # one epoch each to keep the test short (the download has not finished: nothing trains yet)
        assert tab.task is None and tab.data is None
        tab.queue_config = dataclasses.replace(course, epochs=1)
        qtbot.waitUntil(lambda: len(tab.results) == 3 and tab.task is None, timeout=60_000)
    assert (course.lr, course.momentum, course.batch, course.epochs, course.optimizer) == (0.01, 0.5, 64, 10, "sgd")
    params = [tab.results_table.row_texts(n)["Parameters"] for n in ("lin", "full", "conv")]
    assert params == ["7,850", "101,770", "431,242"]
    assert "All three nets are trained" in tab.banner_text.text()
    assert tab.pages.currentWidget() is tab.train_page
    tab.draw_button.click()
    assert set(tab.ensure_draw_page().models) == {"lin", "full", "conv"}
    assert tab.shutdown()


def test_in_the_main_window_the_file_menu_acts_on_the_tab(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from explorer.qt.main_window import MainWindow

    window = MainWindow(tabs=[KuzushijiTab()])
    qtbot.addWidget(window)
    assert window.open_data_action.isEnabled() and window.open_weights_action.isEnabled()
    assert window.export_all_action.isEnabled()
    other = checkpoints.save(tmp_path / "mlp.pt", {"w": torch.zeros(2)}, experiment="mlp", architecture="MLP 2-5-1")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    window.open_weights_action.trigger()
    boxes = [w for w in window.findChildren(object) if w.objectName() == "errorBox"]
    assert boxes and "mlp.pt holds weights for MLP 2-5-1 (mlp), not for a Kuzushiji net" in boxes[-1].text()
    assert window.current_tab().shutdown()
