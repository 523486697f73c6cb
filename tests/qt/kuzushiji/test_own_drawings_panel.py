"""A class's own drawings through the window (issue 21): keep drawings from the Draw page's canvas as
examples of chosen classes, see them after a restart, relabel and delete them (undoably), evaluate a
trained net on them, export the numbers and the figure, and export the set as an image folder that
the folder import reads back. A damaged store is set aside with one message."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from explorer.core import paths
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.kuzushiji.image_folder import read_image_folder
from explorer.core.kuzushiji.own_drawings import OwnDrawings, net_classifier
from explorer.core.progress import run_to_end
from explorer.qt.kuzushiji.drawing_panel import DrawingPanel
from explorer.qt.kuzushiji.own_drawings_evaluation import evaluation_row
from explorer.qt.kuzushiji.tab import KuzushijiTab
from explorer.qt.widgets import figure_export
from explorer.qt.workers import wait_for_tasks
from tests.core.kuzushiji import fakedata
from tests.qt.kuzushiji.test_drawing_canvas import BAR, HOOK, draw
from tests.qt.showing import shown

WAIT_MS = 30_000
SU, HA = KMNIST.class_names.index("su"), KMNIST.class_names.index("ha")


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "kmnist"
    fakedata.write_kmnist_folder(path, "idx.gz", 300, 100, learnable=True)
    return path


def make_tab(qtbot) -> KuzushijiTab:
    return shown(qtbot, KuzushijiTab(), 1440, 920)


def open_draw_page(tab, qtbot) -> DrawingPanel:
    tab.pages.setCurrentWidget(tab.draw_holder)
    panel = tab.draw_page
    assert panel is not None
    qtbot.waitUntil(lambda: not panel.own_drawings.is_loading(), timeout=WAIT_MS)
    return panel


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def keep(qtbot, panel: DrawingPanel, strokes, label: int) -> None:
    """Clear the canvas, draw ``strokes`` with the mouse, choose the class and click Keep."""
    panel.canvas.clear()
    for points in strokes:
        draw(qtbot, panel.canvas, points)
    panel.keep_class.setCurrentIndex(panel.keep_class.findData(label))
    with qtbot.waitSignal(panel.own_drawings.changed):
        click(qtbot, panel.keep_button)


def click_thumbnail(qtbot, own, number: int) -> None:
    """Click the thumbnail of drawing ``number`` (selecting it alone)."""
    row = [n for n, _ in own.shown_drawings()].index(number)
    rect = own.list.visualItemRect(own.list.item(row))
    qtbot.mouseClick(own.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert own.selected_ids() == [number]


def labels_shown(panel: DrawingPanel) -> list[str]:
    return [text for _number, text in panel.own_drawings.shown_drawings()]


def error_boxes(widget) -> list[QMessageBox]:
    return [b for b in widget.findChildren(QMessageBox) if b.objectName() == "errorBox"]


def on_disk(own) -> OwnDrawings:
    """The kept drawings as their file holds them, once the changes made so far are written (off the GUI thread)."""
    assert own.wait_for_writes(30)
    return OwnDrawings(own.store.key, own.store.class_names)


def test_keep_restart_relabel_delete_evaluate_and_export(qtbot, folder, tmp_path, monkeypatch):
    tab = make_tab(qtbot)
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)
    torch.manual_seed(0)
    tab.controls.net.setCurrentIndex(tab.controls.net.findData("lin"))
    tab.controls.epochs.setValue(1)
    click(qtbot, tab.controls.train_button)
    with qtbot.waitSignal(tab.task.finished, timeout=WAIT_MS):
        pass
    assert "lin" in tab.results

    panel = open_draw_page(tab, qtbot)
    assert panel.keep_class.count() == KMNIST.num_classes and panel.keep_class.itemText(SU) == "す su"
    keep(qtbot, panel, [BAR], SU)
    keep(qtbot, panel, [HOOK], SU)
    keep(qtbot, panel, [BAR, HOOK], HA)
    own = panel.own_drawings
    assert labels_shown(panel) == ["す su", "す su", "は ha"]
    assert own.count_label.text() == "3 kept drawings of 2 classes"
    assert panel.insides.tabText(panel.insides.indexOf(own)) == "Kept (3)"
    # Keeping is a step of the tab's undo stack, like the strokes.
    assert tab.undo_stack.undoText() == "Keep the drawing as は ha"
    tab.undo_stack.undo()
    assert labels_shown(panel) == ["す su", "す su"]
    tab.undo_stack.redo()
    assert labels_shown(panel) == ["す su", "す su", "は ha"]
    # Filter by class.
    own.show_class(HA)
    assert labels_shown(panel) == ["は ha"] and own.count_label.text().endswith(", 1 shown")
    own.show_class(-1)
    assert tab.shutdown()
    tab.close()

    # After a restart the three drawings are back, from the data folder.
    tab = make_tab(qtbot)
    assert wait_for_tasks([tab])
    panel = open_draw_page(tab, qtbot)
    own = panel.own_drawings
    assert labels_shown(panel) == ["す su", "す su", "は ha"]
    stored = OwnDrawings.of(KMNIST)
    assert [d.label for d in stored.drawings()] == [SU, SU, HA]
    assert stored.drawings()[2].strokes is not None and stored.drawings()[2].original.shape == (280, 280)

    # Relabel the second す as は, then delete the first は (Delete; Undo brings it back).
    numbers = [number for number, _ in own.shown_drawings()]
    panel.insides.setCurrentWidget(own)
    qtbot.waitUntil(own.list.isVisible)
    click_thumbnail(qtbot, own, numbers[1])
    own.relabel_class.setCurrentIndex(HA)
    click(qtbot, own.relabel_button)
    assert labels_shown(panel) == ["す su", "は ha", "は ha"]
    assert [d.label for d in on_disk(own).drawings()] == [SU, HA, HA]
    click_thumbnail(qtbot, own, numbers[1])
    click(qtbot, own.delete_button)
    assert labels_shown(panel) == ["す su", "は ha"] and len(on_disk(own)) == 2
    tab.undo_stack.undo()
    assert len(on_disk(own)) == 3
    tab.undo_stack.undo()  # the relabel, on the drawing the delete's undo brought back
    assert sorted(d.label for d in on_disk(own).drawings()) == [SU, SU, HA]
    tab.undo_stack.redo()
    tab.undo_stack.redo()
    assert sorted(d.label for d in on_disk(own).drawings()) == [SU, HA]
    assert labels_shown(panel) == ["す su", "は ha"]

    # Evaluate: the table and the matrix show own_drawings' own numbers for the trained net.
    with qtbot.waitSignal(own.evaluated, timeout=WAIT_MS):
        click(qtbot, own.evaluate_button)
    result = tab.results["lin"]
    expected = on_disk(own).evaluate(net_classifier(result.model), result.accuracy)
    assert expected.count == 2 and expected.gap is not None
    shown = [own.table.item(0, c).text() for c in range(own.table.columnCount())]
    assert shown == evaluation_row("lin", expected)
    assert shown[2] == f"{expected.accuracy:.1f} %" and shown[3] == f"{expected.balanced_accuracy:.1f} %"
    assert shown[4] == f"{result.accuracy:.1f} %" and shown[5] == f"{expected.gap:+.1f}"
    assert np.array_equal(own.matrix.matrix, expected.confusion)
    assert own.matrix.cell_text(SU, int(expected.predictions[0])) != "·"
    assert expected.describe() in own.matrix_title.text()

    # The numbers as CSV (the app's one table export), the matrix as a figure (own menu and File menu).
    target = tmp_path / "kept.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, own.csv_button)
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0][:3] == ["Net", "Drawings", "Accuracy"] and rows[1] == shown
    name = "kuzushiji_own_drawings_lin_confusion_matrix"
    assert name in tab.figures()
    written = figure_export.export_all([tab.figures()[name]], tmp_path / "figures", ("png",))
    assert [p.name for p in written] == [f"{name}.png"] and written[0].stat().st_size > 1000

    # Export as an image folder and read it back as a folder data set.
    exported = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(exported))
    with qtbot.waitSignal(own.exported, timeout=WAIT_MS):
        click(qtbot, own.export_button)
    assert "Exported 2 pictures into 2 class folders" in own.status.text()
    back = run_to_end(read_image_folder(exported, preparation="resize"))
    assert back.class_names == ("ha", "su") and sum(back.counts) == 2 and not back.unreadable
    assert error_boxes(tab) == []
    assert tab.shutdown()


def test_changes_after_an_evaluation_are_said_and_nothing_runs_without_a_net(panel, qtbot):
    own = panel.own_drawings
    qtbot.waitUntil(lambda: not own.is_loading(), timeout=WAIT_MS)
    assert not own.evaluate_button.isEnabled() and not own.export_button.isEnabled()
    draw(qtbot, panel.canvas, BAR)
    panel.keep_class.setCurrentIndex(SU)
    click(qtbot, panel.keep_button)
    draw(qtbot, panel.canvas, HOOK)
    panel.keep_class.setCurrentIndex(HA)
    click(qtbot, panel.keep_button)
    assert not own.evaluate_button.isEnabled()  # no net yet: the tooltip says to train one
    assert "Train a net first" in own.evaluate_button.toolTip()
    torch.manual_seed(0)
    from explorer.core.kuzushiji import nets

    model = nets.create("conv", seed=1)
    panel.set_models({"conv": model}, {"conv": "untrained"}, {"conv": 62.5})
    with qtbot.waitSignal(own.evaluated, timeout=WAIT_MS):
        click(qtbot, own.evaluate_button)
    expected = on_disk(own).evaluate(net_classifier(model), 62.5)
    assert [own.table.item(0, c).text() for c in range(6)] == evaluation_row("conv", expected)
    assert "62.5 %" in own.table.item(0, 4).text()
    panel.insides.setCurrentWidget(own)
    own.views.setCurrentIndex(0)
    qtbot.waitUntil(own.list.isVisible)
    click_thumbnail(qtbot, own, own.shown_drawings()[0][0])
    own.list.setFocus()
    qtbot.keyClick(own.list, Qt.Key.Key_Delete)  # the Delete key deletes the selected drawing
    assert len(own.shown_drawings()) == 1
    assert own.is_stale() and "changed since this evaluation" in own.status.text()


def test_an_empty_canvas_is_not_kept(panel, qtbot):
    qtbot.waitUntil(lambda: not panel.own_drawings.is_loading(), timeout=WAIT_MS)
    click(qtbot, panel.keep_button)
    qtbot.waitUntil(lambda: bool(error_boxes(panel)))
    assert "draw a character first" in error_boxes(panel)[0].text()
    assert len(OwnDrawings.of(KMNIST)) == 0 and panel.own_drawings.shown_drawings() == []


def test_a_damaged_store_is_set_aside_with_one_message_and_new_drawings_are_kept(qtbot):
    store = paths.data_dir() / "drawings" / "kmnist" / "drawings.npz"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"PK\x03\x04 this is no archive")
    panel = DrawingPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitUntil(lambda: not panel.own_drawings.is_loading(), timeout=WAIT_MS)
    boxes = error_boxes(panel)
    assert len(boxes) == 1 and "renamed to drawings.npz.damaged" in boxes[0].text()
    assert (store.parent / "drawings.npz.damaged").read_bytes().startswith(b"PK\x03\x04 this")
    assert "set aside" in panel.own_drawings.status.text()
    draw(qtbot, panel.canvas, BAR)
    panel.keep_class.setCurrentIndex(SU)
    click(qtbot, panel.keep_button)
    assert [d.label for d in on_disk(panel.own_drawings).drawings()] == [SU]
    assert len(error_boxes(panel)) == 1


def test_the_kept_set_follows_the_data_set_in_use(qtbot):
    """The Draw page keeps drawings of the tab's data set: Kuzushiji-49's 49 classes have a set of their own."""
    from PySide6.QtGui import QUndoStack

    from explorer.core.kuzushiji.datasets import K49
    from explorer.core.kuzushiji.model import KuzushijiModel
    from explorer.qt.kuzushiji.draw_page import DrawPage

    model = KuzushijiModel()
    page = DrawPage(QUndoStack(), model)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    panel = page.ensure()
    qtbot.waitUntil(lambda: not panel.own_drawings.is_loading(), timeout=WAIT_MS)
    draw(qtbot, panel.canvas, BAR)
    panel.keep_class.setCurrentIndex(SU)
    click(qtbot, panel.keep_button)
    assert labels_shown(panel) == ["す su"]

    model.dataset = K49.key  # as the tab's data-set choice does
    page.feed(None, {})
    qtbot.waitUntil(lambda: not panel.own_drawings.is_loading(), timeout=WAIT_MS)
    assert panel.keep_class.count() == 49 and panel.keep_class.itemText(48) == "ゝ odoriji"
    assert labels_shown(panel) == []
    panel.keep_class.setCurrentIndex(48)
    click(qtbot, panel.keep_button)
    assert labels_shown(panel) == ["ゝ odoriji"]
    assert panel.own_drawings.wait_for_writes(30)
    assert [d.label for d in OwnDrawings.of(K49).drawings()] == [48]
    assert [d.label for d in OwnDrawings.of(KMNIST).drawings()] == [SU]


def test_a_store_that_cannot_be_written_says_why_and_leaves_no_undo_step(qtbot):
    """A folder where the store should be (or a full disk): keeping fails with a message, nothing is shown
    as kept and Undo undoes the stroke, not a keep that never happened (the write fails a moment later, off
    the GUI thread: the drawing shown at once goes again)."""
    store = paths.data_dir() / "drawings" / "kmnist" / "drawings.npz"
    store.mkdir(parents=True)
    panel = DrawingPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitUntil(lambda: not panel.own_drawings.is_loading(), timeout=WAIT_MS)
    assert len(error_boxes(panel)) == 1 and "left where it is" in error_boxes(panel)[0].text()
    draw(qtbot, panel.canvas, BAR)
    stroke_step = panel.canvas.undo_stack.undoText()
    panel.keep_class.setCurrentIndex(SU)
    click(qtbot, panel.keep_button)
    qtbot.waitUntil(lambda: len(error_boxes(panel)) == 2, timeout=WAIT_MS)
    boxes = error_boxes(panel)
    assert len(boxes) == 2 and boxes[1].windowTitle() == "Could not keep the drawing as す su"
    assert panel.own_drawings.shown_drawings() == [] and store.is_dir()
    assert panel.canvas.undo_stack.undoText() == stroke_step


def test_a_folder_data_set_keeps_its_own_set_and_its_class_names_stay_text(qtbot):
    """A folder data set's classes are its folders' names (a stranger's): each folder's classes get a store of
    their own, and a name that looks like markup is shown as the text it is."""
    from PySide6.QtGui import QUndoStack

    from explorer.core.kuzushiji.datasets import DataSet
    from explorer.qt.kuzushiji.own_drawings_panel import OwnDrawingsPanel, store_key

    names = ("<b>loud</b>", "plain")
    folder = DataSet(key="folder", title="my shapes", class_names=names, glyphs=names, files=(), layouts=(),
                     train_size=0, test_size=0, mirrors=(), mirrors_env="")
    stack = QUndoStack()
    own = OwnDrawingsPanel(stack)
    qtbot.addWidget(own)
    own.show()
    own.set_data_set(folder)
    qtbot.waitUntil(lambda: not own.is_loading(), timeout=WAIT_MS)
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 12:16] = 255
    own.keep(image, 0)
    assert own.shown_drawings() == [(1, "<b>loud</b>")] and own.wait_for_writes(30)
    assert "<" not in stack.undoText() and stack.undoText() == "Keep the drawing as ‹b›loud‹/b›"
    assert own.list.item(0).toolTip().startswith("Drawing 1: an example of &lt;b&gt;loud&lt;/b&gt;")
    assert own.count_label.textFormat() == Qt.TextFormat.PlainText
    key = store_key(folder)
    assert key.startswith("folder-") and (paths.data_dir() / "drawings" / key / "drawings.npz").is_file()
    other = DataSet(key="folder", title="other", class_names=("x", "y"), glyphs=("x", "y"), files=(), layouts=(),
                    train_size=0, test_size=0, mirrors=(), mirrors_env="")
    assert store_key(other) != key
    own.set_data_set(other)
    qtbot.waitUntil(lambda: not own.is_loading(), timeout=WAIT_MS)
    assert own.shown_drawings() == [] and error_boxes(own) == []
