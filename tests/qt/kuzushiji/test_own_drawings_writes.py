"""The kept drawings are written off the GUI thread (issue 20: ~80 ms per change with 2,000 drawings): each
change shows at once, the writes keep their order, undo and redo still work, a failed write says why as a failed
change always did and leaves the file as it was, and closing the tab waits for the last change to be written."""

from __future__ import annotations

import contextlib
import errno
import threading

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from explorer.core.kuzushiji import own_drawings as own_drawings_module
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.kuzushiji.own_drawings import OwnDrawings
from explorer.qt.kuzushiji.own_drawings_panel import OwnDrawingsPanel

WAIT_MS = 30_000
SU, HA, OH = (KMNIST.class_names.index(n) for n in ("su", "ha", "o"))


def picture(column: int) -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[4:24, column : column + 4] = 255
    return image


def from_disk() -> list[tuple[int, int]]:
    """(number, class) of each drawing in the store file, read afresh."""
    return [(d.id, d.label) for d in OwnDrawings.of(KMNIST).drawings()]


def shown(own) -> list[tuple[int, int]]:
    return [(d.id, d.label) for d in own.store.drawings()]


def error_boxes(widget) -> list[QMessageBox]:
    return [b for b in widget.findChildren(QMessageBox) if b.objectName() == "errorBox"]


@pytest.fixture
def slow_disk(monkeypatch):
    """The store's disk answers only once the test sets the returned event (the GUI thread would hang here if it
    wrote itself: after 10 s it writes anyway, and the test sees the file written too soon)."""
    gate, real = threading.Event(), own_drawings_module.atomic_write
    gate.files = []  # each file written

    def write(path, *args, **kwargs):
        gate.wait(10)
        gate.files.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(own_drawings_module, "atomic_write", write)
    return gate


def _panel(qtbot, width: int, height: int) -> OwnDrawingsPanel:
    """The Kept page's panel on Kuzushiji-MNIST, shown, its store (in the test's data folder) read."""
    panel = OwnDrawingsPanel(QUndoStack())
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    panel.set_data_set(KMNIST)
    qtbot.waitUntil(lambda: not panel.is_loading(), timeout=WAIT_MS)
    return panel


@pytest.fixture
def own(qtbot):
    """The Kept page's panel on Kuzushiji-MNIST, its store (in the test's data folder) read."""
    panel = _panel(qtbot, 800, 500)
    yield panel
    assert panel.wait_for_writes(30)


def test_changes_show_at_once_and_are_written_in_order_off_the_gui_thread(own, slow_disk):
    own.keep(picture(4), SU)
    own.keep(picture(12), HA)
    own.select_ids([1])
    own.relabel_selected(OH)
    own.select_ids([2])
    own.delete_selected()
    assert shown(own) == [(1, OH)]  # the view has every change already
    assert [text for _, text in own.shown_drawings()] == ["お o"]
    assert own.undo_stack.undoText() == "Delete a kept drawing"
    assert from_disk() == [] and own.writer.busy()  # nothing written yet: the GUI thread did not wait
    slow_disk.set()
    assert own.wait_for_writes(30)
    assert from_disk() == [(1, OH)]  # the last change asked for is the one kept, not an earlier one
    assert len(slow_disk.files) == 2  # the first change's, then the last's: the two between had nothing to add
    own.undo_stack.undo()  # the delete
    own.undo_stack.undo()  # the relabel
    assert shown(own) == [(1, SU), (3, HA)]  # the deleted drawing is back (under a new number)
    assert own.wait_for_writes(30) and from_disk() == [(1, SU), (3, HA)]
    own.undo_stack.redo()
    assert own.wait_for_writes(30) and from_disk() == [(1, OH), (3, HA)]
    assert error_boxes(own) == []


@contextlib.contextmanager
def full_disk(path, *args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")
    yield  # pragma: no cover - a generator, so that it is a context manager


def test_a_failed_write_says_why_and_the_file_and_the_view_stay_as_they_were(own, qtbot, monkeypatch):
    own.keep(picture(4), SU)
    qtbot.waitUntil(lambda: from_disk() == [(1, SU)], timeout=WAIT_MS)
    before = own.store.path.read_bytes()
    kept_step = own.undo_stack.undoText()

    room = own_drawings_module.atomic_write
    monkeypatch.setattr(own_drawings_module, "atomic_write", full_disk)
    own.keep(picture(12), HA)
    assert shown(own) == [(1, SU), (2, HA)]  # at once, before the write is tried
    qtbot.waitUntil(lambda: bool(error_boxes(own)), timeout=WAIT_MS)
    (box,) = error_boxes(own)
    assert box.windowTitle() == "Could not keep the drawing as は ha"
    assert "disk full" in box.text() and str(own.store.path) in box.text()
    assert shown(own) == [(1, SU)] and [text for _, text in own.shown_drawings()] == ["す su"]
    assert own.undo_stack.undoText() == kept_step  # no undo step for a keep that never happened
    assert own.store.path.read_bytes() == before and from_disk() == [(1, SU)]  # the file is whole

    own.select_ids([1])
    own.delete_selected()  # an undo step's write that fails: the drawing comes back
    assert shown(own) == []
    qtbot.waitUntil(lambda: len(error_boxes(own)) == 2, timeout=WAIT_MS)
    assert error_boxes(own)[1].windowTitle() == "Could not delete a kept drawing"
    assert shown(own) == [(1, SU)] and own.undo_stack.undoText() == kept_step

    monkeypatch.setattr(own_drawings_module, "atomic_write", room)  # room again: the next change is written
    own.keep(picture(20), HA)
    assert own.wait_for_writes(30) and from_disk() == [(1, SU), (3, HA)]  # a number is never used twice


def test_closing_the_tab_waits_for_the_last_change(qtbot, slow_disk):
    from explorer.qt.kuzushiji.tab import KuzushijiTab

    tab = KuzushijiTab()
    qtbot.addWidget(tab)
    tab.resize(1440, 920)
    tab.show()
    tab.pages.setCurrentWidget(tab.draw_holder)
    own = tab.draw_page.own_drawings
    qtbot.waitUntil(lambda: not own.is_loading(), timeout=WAIT_MS)
    own.keep(picture(4), HA)
    assert from_disk() == []
    threading.Timer(0.3, slow_disk.set).start()  # the disk answers while the window is closing
    assert tab.shutdown()
    assert not own.writer.busy() and from_disk() == [(1, HA)]


def test_a_set_chosen_again_is_read_with_its_last_change(own, qtbot, slow_disk):
    """Kuzushiji-49 and back at once: the Kuzushiji-MNIST file is read again only once its last change is in it."""
    from explorer.core.kuzushiji.datasets import K49

    own.keep(picture(4), HA)
    threading.Timer(0.3, slow_disk.set).start()
    own.set_data_set(K49)
    qtbot.waitUntil(lambda: not own.is_loading(), timeout=WAIT_MS)
    assert shown(own) == []
    own.set_data_set(KMNIST)
    qtbot.waitUntil(lambda: not own.is_loading(), timeout=WAIT_MS)
    assert shown(own) == [(1, HA)] and from_disk() == [(1, HA)]
    own.keep(picture(12), SU)  # the next change keeps the first one too
    assert own.wait_for_writes(30) and from_disk() == [(1, HA), (2, SU)]


def test_a_change_leaves_the_other_thumbnails_as_they_were(qtbot):
    """Keeping or deleting a drawing in a long list changes that thumbnail only (not 2,000 new ones, ~0.1 s): the
    list stays where it was scrolled to and the drawings the user had selected stay selected."""
    store = OwnDrawings.of(KMNIST)
    for n in range(240):
        store.add(picture(n % 24), n % 10)
    panel = _panel(qtbot, 700, 420)
    bar = panel.list.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() * 3 // 4)
    where = bar.value()
    row = panel.list.indexAt(panel.list.viewport().rect().center()).row()
    number = panel.shown_drawings()[row][0]
    panel.select_ids([number])
    panel.delete_selected()
    assert number not in [n for n, _ in panel.shown_drawings()] and len(panel.shown_drawings()) == 239
    assert bar.value() == where and panel.selected_ids() == []
    panel.select_ids([7, 8])  # chosen to be relabelled; meanwhile a drawing from the canvas is kept
    panel.keep(picture(3), 9)
    assert len(panel.shown_drawings()) == 240 and bar.value() == where
    assert sorted(panel.selected_ids()) == [7, 8] and panel.relabel_button.isEnabled()
    assert panel.wait_for_writes(30) and len(from_disk()) == 240
