"""Choosing the data set through the window (issue 21): Kuzushiji-49, a folder of images, any class count.

Real files in the real layouts: Kuzushiji-49's four ``.npz`` (key ``arr_0``, 49 imbalanced classes)
and a folder of shapes in class sub-folders with one file that is no picture. The Data page is
driven as a user drives it (the combo box, the buttons), a tiny net trained one epoch, and what
the user sees is checked: class counts, balanced accuracy, the matrix's size, the files left out,
and a restart that keeps the chosen data set.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from explorer.core.kuzushiji import trained
from explorer.core.kuzushiji.datasets import K49, KMNIST
from explorer.core.kuzushiji.folder_data import FOLDER_KEY
from explorer.core.kuzushiji.metrics import balanced_accuracy
from explorer.qt.kuzushiji.plots import BALANCED_KEY
from explorer.qt.kuzushiji.tab import KuzushijiTab
from tests.core.kuzushiji import fakedata
from tests.core.kuzushiji.shapes import SHAPES, write_shapes_folder

WAIT_MS = 60_000


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
def k49_folder(tmp_path):
    path = tmp_path / "k49"
    arrays = fakedata.write_k49_folder(path)
    return path, arrays


@pytest.fixture
def shapes_folder(tmp_path):
    root = tmp_path / "shapes"
    write_shapes_folder(root, per_class=6)
    (root / "circle" / "notes.png").write_bytes(b"this is no picture at all")
    return root


def choose(tab, qtbot, key: str) -> None:
    """Pick data set ``key`` in the Data page's combo box, as a user would with the keyboard."""
    combo = tab.data_page.dataset_choice
    tab.pages.setCurrentWidget(tab.data_page)
    combo.setFocus()
    while combo.currentData() != key:
        index = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.findData(key) > index else Qt.Key.Key_Up)
        assert combo.currentIndex() != index, "the combo box did not move"


def import_k49(tab, qtbot, folder) -> None:
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)  # what Import folder… does once the folder is chosen


def train_one_epoch(tab, qtbot, net: str = "lin", weighted: bool = False):
    torch.manual_seed(0)
    tab.controls.net.setCurrentIndex(tab.controls.net.findData(net))
    tab.controls.epochs.setValue(1)
    tab.controls.batch.setValue(32)
    tab.controls.class_weighted.setChecked(weighted)
    qtbot.mouseClick(tab.controls.train_button, Qt.MouseButton.LeftButton)
    assert tab.task is not None
    with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
        pass
    return tab.results[net]


def test_k49_chosen_imported_and_trained_shows_49_classes_and_balanced_accuracy(tab, qtbot, k49_folder):
    folder, arrays = k49_folder
    choose(tab, qtbot, K49.key)
    page = tab.data_page
    assert "No Kuzushiji-49 data yet" in page.status.text() and "balanced accuracy" in page.status.text()
    assert page.download_button.isVisible() and page.import_button.isVisible()
    assert not page.folder_panel.isVisible()
    assert tab.controls.net.itemText(0) == "NetLin  ·  38,465 parameters"  # 49 outputs
    import_k49(tab, qtbot, folder)
    assert "Kuzushiji-49 data ready" in page.status.text() and "49 classes" in page.status.text()

    # the imbalance, as the user sees it: one row per class with its training and test images
    counts = page.class_counts.counts()
    assert len(counts) == 49
    assert counts[0] == ("あ (a)", 2, 1) and counts[48] == ("ゝ (odoriji)", int(2 + 48 // 4), int(1 + 48 // 12))
    assert [c[1] for c in counts] == np.bincount(arrays["train_labels"], minlength=49).tolist()
    assert "smallest" in page.class_counts.summary and "7.0× fewer" in page.class_counts.summary
    assert page.class_counts.summary_label.text() == page.class_counts.summary
    assert page.class_counts.heights() == [c[1] for c in counts]
    # the Bars page: 49 kana under 49 bars would run together; every few are written, none overlap, at any width
    from tests.qt.test_layout import _crowded_ticks

    bars = page.class_counts.bars
    page.class_counts.pages.setCurrentWidget(bars)
    for size in ((1440, 920), (1008, 660)):
        tab.resize(*size)
        qtbot.waitUntil(lambda: not _crowded_ticks(bars), timeout=WAIT_MS)
        labels = [text for _, text in bars.getAxis("bottom")._tickLevels[0]]
        assert labels[0] == "あ" and 5 <= len(labels) <= 49
    tab.resize(1440, 920)

    result = train_one_epoch(tab, qtbot, "lin", weighted=True)
    assert result.dataset is K49 and result.model.linear.out_features == 49
    assert result.config.class_weighted
    # its checkpoint is Kuzushiji-49's own: KMNIST's NetLin is untouched
    assert trained.checkpoint_path(K49, "lin").is_file()
    assert not trained.checkpoint_path(KMNIST, "lin").exists()

    evaluation = result.evaluation
    balanced = 100 * balanced_accuracy(evaluation.confusion)
    row = tab.results_table.row_texts("lin")
    assert row["Test accuracy"] == f"{evaluation.accuracy:.2f} %"
    assert row["Balanced accuracy"] == f"{balanced:.2f} %"
    # the accuracy chart: the run's balanced accuracy dotted beside its accuracy, said in the legend
    curves = tab.curves
    run = curves.runs[tab.model.run_key]
    assert list(run.balanced.getData()[1]) == pytest.approx([balanced])
    assert BALANCED_KEY in [label.text for _, label in curves.legend.items]
    assert "test balanced accuracy (%)" in tab.model.curves_csv().splitlines()[0]
    evaluate = tab.evaluation_page
    tab.pages.setCurrentWidget(evaluate)
    assert f"balanced accuracy <b>{balanced:.2f} %</b>" in evaluate.summary.text()
    assert evaluate.matrix.size_in_classes == 49 and evaluate.matrix.matrix.shape == (49, 49)
    assert evaluate.per_class.rowCount() == 49
    assert evaluate.per_class.item(48, 0).text() == "ゝ (odoriji)"
    # 49×49 stays readable: numbers only once zoomed in
    assert not evaluate.matrix.numbers_shown()
    qtbot.mouseClick(evaluate.zoom_button, Qt.MouseButton.LeftButton)
    assert evaluate.matrix.numbers_shown()
    qtbot.mouseClick(evaluate.whole_button, Qt.MouseButton.LeftButton)
    assert not evaluate.matrix.numbers_shown()


def test_confusion_order_click_and_pairs_on_49_classes(tab, qtbot, k49_folder):
    folder, _ = k49_folder
    choose(tab, qtbot, K49.key)
    import_k49(tab, qtbot, folder)
    result = train_one_epoch(tab, qtbot, "lin")
    evaluate = tab.evaluation_page
    tab.pages.setCurrentWidget(evaluate)
    confusion = result.evaluation.confusion
    # the most confused pairs, named with the description's glyphs and names
    pairs = [evaluate.pairs.item(i).text() for i in range(evaluate.pairs.count())]
    assert pairs, "a one-epoch net on 49 classes confuses some"
    off = confusion.copy()
    np.fill_diagonal(off, 0)
    assert pairs[0].endswith(f": {off.max()}") and " → " in pairs[0]
    # ordered by confusion, a click on a cell still opens that cell's images
    evaluate.order_choice.setCurrentIndex(evaluate.order_choice.findData("confusion"))
    matrix = evaluate.matrix
    assert sorted(matrix.order) == list(range(49)) and matrix.order != list(range(49))
    true, predicted = divmod(int(np.argmax(off)), 49)
    evaluate.zoom_button.click()
    matrix.zoom_to(true, predicted)
    qtbot.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton, pos=matrix.cell_position(true, predicted))
    assert evaluate.cell == (true, predicted)
    assert matrix.cell_text(true, predicted) == str(confusion[true, predicted])
    assert evaluate.gallery.count() == confusion[true, predicted]
    assert K49.label(true) in evaluate.gallery_title.text()
    # back to KMNIST (no data here): no caption of a Kuzushiji-49 cell is left over the empty gallery
    choose(tab, qtbot, KMNIST.key)
    tab.pages.setCurrentWidget(evaluate)
    assert evaluate.gallery.count() == 0
    assert evaluate.gallery_title.text() == "Click a cell of the matrix to see its test images."


def test_the_chosen_data_set_and_its_nets_come_back_after_a_restart(qtbot, k49_folder):
    folder, _ = k49_folder
    first = make_tab(qtbot)
    choose(first, qtbot, K49.key)
    import_k49(first, qtbot, folder)
    trained_lin = train_one_epoch(first, qtbot, "lin")
    assert first.shutdown()

    # the command line's export/report build the chosen data set's model, no tab
    from explorer.qt.kuzushiji import exports

    model = exports.load_model()
    assert model.dataset == K49.key and model.names() == ["lin"]
    section = exports.report_sections(model)[0]
    assert section.title == "Kuzushiji-49: NetLin"
    balanced = 100 * balanced_accuracy(trained_lin.evaluation.confusion)
    assert f"balanced accuracy {balanced:.2f} %" in section.text[0]
    assert section.tables[0].headers[3] == "Balanced accuracy"

    again = make_tab(qtbot)
    try:
        assert again.data_page.dataset_choice.currentData() == K49.key
        if again.data is None:
            with qtbot.waitSignal(again.data_page.data_changed, timeout=WAIT_MS):
                pass
        assert again.data.dataset is K49
        assert again.model.dataset == K49.key and "lin" in again.results
        assert again.results["lin"].dataset is K49
        assert again.evaluation_page.matrix.size_in_classes == 49
        assert len(again.data_page.class_counts.counts()) == 49
        # back to KMNIST: no K49 net shown among KMNIST's, and the 10×10 matrix
        choose(again, qtbot, KMNIST.key)
        assert again.results == {} and again.results_table.rowCount() == 0
        assert again.evaluation_page.matrix.size_in_classes == 10
        assert "No Kuzushiji-MNIST data yet" in again.data_page.status.text()
    finally:
        assert again.shutdown()


def test_a_folder_of_images_imports_with_its_unreadable_file_listed(tab, qtbot, shapes_folder):
    choose(tab, qtbot, FOLDER_KEY)
    page = tab.data_page
    panel = page.folder_panel
    assert panel.isVisible() and not page.download_button.isVisible()
    assert "No folder of images yet" in page.status.text()
    # Get started cannot download a folder: it says what to do instead of waiting for ever
    qtbot.mouseClick(tab.get_started_button, Qt.MouseButton.LeftButton)
    assert tab.task is None and page.task is None and not tab.first_run
    boxes = [b for b in tab.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert boxes and "Choose a folder of images" in boxes[-1].text()
    panel.set_folder(shapes_folder)  # what Choose folder… does once the folder is picked
    qtbot.waitUntil(lambda: panel.examples.count() > 0, timeout=WAIT_MS)
    # each example shown both ways
    captions = panel.examples.captions()
    assert captions[:2] == ["drawing", "resize"] and len(captions) == 2 * len(SHAPES)
    panel.preparation_choice.setCurrentIndex(panel.preparation_choice.findData("resize"))
    panel.seed_box.setValue(7)
    with qtbot.waitSignal(page.data_changed, timeout=WAIT_MS):
        qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    data = tab.data
    assert data.dataset.class_names == SHAPES and data.dataset.key == FOLDER_KEY
    assert "(resize)" in data.source
    # the file it could not read, in a plain list with its reason
    lines = [panel.unreadable_list.item(i).text() for i in range(panel.unreadable_list.count())]
    assert len(lines) == 1 and lines[0].startswith("circle/notes.png: ")
    assert panel.unreadable_list.isVisible() and "(1)" in panel.unreadable_title.text()
    counts = page.class_counts.counts()
    assert [c[0] for c in counts] == list(SHAPES)
    assert [c[1] + c[2] for c in counts] == [6, 6, 6]  # the file that is no picture is not counted

    result = train_one_epoch(tab, qtbot, "lin")
    assert result.model.linear.out_features == 3
    assert trained.checkpoint_path(data.dataset, "lin").name == "kuzushiji_folder_lin.pt"
    assert tab.evaluation_page.matrix.size_in_classes == 3
    assert tab.evaluation_page.per_class.item(2, 0).text() == "triangle"
    assert tab.results_table.row_texts("lin")["Balanced accuracy"].endswith(" %")


def test_the_folder_data_set_and_its_left_out_files_come_back_after_a_restart(qtbot, shapes_folder):
    first = make_tab(qtbot)
    choose(first, qtbot, FOLDER_KEY)
    first.data_page.folder_panel.set_folder(shapes_folder)
    with qtbot.waitSignal(first.data_page.data_changed, timeout=WAIT_MS):
        qtbot.mouseClick(first.data_page.folder_panel.import_button, Qt.MouseButton.LeftButton)
    assert first.shutdown()
    again = make_tab(qtbot)
    try:
        assert again.data_page.dataset_choice.currentData() == FOLDER_KEY
        if again.data is None:
            with qtbot.waitSignal(again.data_page.data_changed, timeout=WAIT_MS):
                pass
        assert again.data.dataset.class_names == SHAPES
        assert again.data_page.folder_panel.unreadable_list.count() == 1
        assert again.evaluation_page.matrix.size_in_classes == 3
    finally:
        assert again.shutdown()


def test_a_folder_without_class_folders_is_refused_and_nothing_changes(tab, qtbot, tmp_path):
    empty = tmp_path / "flat"
    empty.mkdir()
    (empty / "one.png").write_bytes(b"x")
    choose(tab, qtbot, FOLDER_KEY)
    panel = tab.data_page.folder_panel
    panel.set_folder(empty)
    qtbot.waitUntil(lambda: panel.task is None, timeout=WAIT_MS)
    with qtbot.waitSignal(tab.data_page.data_failed, timeout=WAIT_MS):
        panel.import_button.click()
    assert "at least two class folders" in tab.data_page.error.text()
    assert tab.data is None


def test_k49_downloads_through_the_data_page_from_a_loopback_mirror(qtbot, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    fakedata.write_k49_folder(mirror)
    with fakedata.serve_folder(mirror) as url:
        monkeypatch.setenv(K49.mirrors_env, url)
        tab = make_tab(qtbot, download_md5s=fakedata.md5s_of(mirror))
        try:
            choose(tab, qtbot, K49.key)
            page = tab.data_page
            with qtbot.waitSignal(page.data_changed, timeout=WAIT_MS):
                qtbot.mouseClick(page.download_button, Qt.MouseButton.LeftButton)
                # no switching while it downloads (a quick loopback download may already be over)
                assert page.task is None or not page.dataset_choice.isEnabled()
            assert tab.data.dataset is K49 and "Kuzushiji-49 data ready" in page.status.text()
            assert page.task_panel.label.text() == "Downloaded, checked and stored"
            assert page.dataset_choice.isEnabled() and len(page.class_counts.counts()) == 49
        finally:
            assert tab.shutdown()


def test_cancel_stops_a_k49_download_and_keeps_nothing(qtbot, tmp_path, monkeypatch):
    with fakedata.streaming_server(length=10**6, head_only=True) as url:
        monkeypatch.setenv(K49.mirrors_env, url)
        tab = make_tab(qtbot)
        try:
            choose(tab, qtbot, K49.key)
            page = tab.data_page
            qtbot.mouseClick(page.download_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: page._cancel is not None and page._cancel.connections > 0, timeout=WAIT_MS)
            with qtbot.waitSignal(page.data_failed, timeout=WAIT_MS) as failed:
                qtbot.mouseClick(page.task_panel.cancel_button, Qt.MouseButton.LeftButton)
            assert failed.args == ["cancelled"]
            qtbot.waitUntil(lambda: page.task is None, timeout=WAIT_MS)
            assert tab.data is None and "No Kuzushiji-49 data yet" in page.status.text()
            assert page.dataset_choice.isEnabled() and page.download_button.isEnabled()
        finally:
            assert tab.shutdown()


def test_a_damaged_stored_folder_set_is_said_and_the_choice_stays(qtbot):
    from explorer.core.kuzushiji.folder_data import folder_path

    target = folder_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"PK\x03\x04 not really a zip")
    tab = make_tab(qtbot)
    try:
        choose(tab, qtbot, FOLDER_KEY)
        qtbot.waitUntil(lambda: tab.data_page.task is None, timeout=WAIT_MS)
        assert tab.data is None
        assert tab.data_page.task_panel.label.text() == "The stored data could not be read: import the folder again"
        assert tab.data_page.dataset_choice.currentData() == FOLDER_KEY
        assert target.read_bytes().startswith(b"PK")  # the file is left as it was
    finally:
        assert tab.shutdown()


def test_cancel_stops_a_folder_import_and_keeps_the_folder_imported_before(tab, qtbot, tmp_path, shapes_folder):
    from explorer.core.kuzushiji.folder_data import folder_path

    choose(tab, qtbot, FOLDER_KEY)
    page, panel = tab.data_page, tab.data_page.folder_panel
    panel.set_folder(shapes_folder)
    qtbot.waitUntil(lambda: panel.task is None, timeout=WAIT_MS)
    with qtbot.waitSignal(page.data_changed, timeout=WAIT_MS):
        panel.import_button.click()
    before = folder_path().read_bytes()
    big = tmp_path / "many"
    write_shapes_folder(big, per_class=400)
    panel.set_folder(big)
    qtbot.waitUntil(lambda: panel.task is None, timeout=WAIT_MS)
    panel.import_button.click()
    qtbot.waitUntil(lambda: "reading pictures" in page.task_panel.label.text(), timeout=WAIT_MS)
    with qtbot.waitSignal(page.data_failed, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(page.task_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["cancelled"]
    qtbot.waitUntil(lambda: page.task is None, timeout=WAIT_MS)
    assert folder_path().read_bytes() == before  # the folder imported before is kept, whole
    assert tab.data.dataset.class_names == SHAPES and len(tab.data.train_images) + len(tab.data.test_images) == 18
    assert page.dataset_choice.isEnabled() and panel.import_button.isEnabled()


def test_importing_kmnist_files_while_k49_is_chosen_switches_the_choice_to_kmnist(tab, qtbot, tmp_path):
    folder = tmp_path / "kmnist"
    fakedata.write_kmnist_folder(folder, "npz", 120, 40)
    choose(tab, qtbot, K49.key)
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)
    assert tab.data_page.dataset_choice.currentData() == KMNIST.key
    assert tab.data.dataset is KMNIST and tab.model.dataset == KMNIST.key
    assert "Kuzushiji-MNIST data ready" in tab.data_page.status.text()
    assert tab.evaluation_page.matrix.size_in_classes == 10 and len(tab.data_page.class_counts.counts()) == 10
    assert tab.controls.net.itemText(0) == "NetLin  ·  7,850 parameters"
