"""The kept drawings of the Draw page: browse, relabel, delete, evaluate every net, export as a folder.

The drawings themselves live in :class:`~explorer.core.kuzushiji.own_drawings.OwnDrawings` (the data
folder, one store per data set). This panel shows them as thumbnails with their class, filterable by
class; keeping, deleting and relabelling are steps on the tab's undo stack (the same Ctrl+Z as the
drawing's strokes). Each change shows at once, only the thumbnails it changes redrawn; its write (each
holds every drawing: ~0.85 s for 2,000 with their originals) runs on the panel's
:class:`~explorer.qt.store_writer.StoreWriter` thread, in order, and closing the tab waits for it. A write
that fails is said as before, and the drawings go back to what their file holds: the changes it lacks
leave the undo stack, as a change that failed at once does. "Evaluate every net" reads the kept set with
each trained net in a background task and shows accuracy, balanced accuracy and the gap to the net's
test accuracy in a table (CSV with ``save_table_as``) and the chosen net's confusion matrix (right-click
Export… as a figure).
"Export as image folder…" writes the ImageFolder layout that the Data page imports back.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import DataSet
from explorer.core.kuzushiji.own_drawings import Drawing, DrawingsEvaluation, OwnDrawings, store_key
from explorer.core.progress import Progress, ProgressGenerator
from explorer.qt.dialogs import choose_folder
from explorer.qt.kuzushiji.own_drawings_evaluation import DrawingsEvaluationView, evaluate_nets_on
from explorer.qt.kuzushiji.prediction_panel import grey_pixmap, kana_font
from explorer.qt.messages import show_error
from explorer.qt.store_writer import StoreWriter
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.workers import Task

if TYPE_CHECKING:
    from torch import nn

THUMB_ZOOM = 2
ALL_CLASSES = -1


def class_label(data_set: DataSet, i: int) -> str:
    """Class ``i`` as ``"お o"`` (as the confusion matrix and the tables label it); a folder's class by its name."""
    glyph, name = data_set.glyphs[i], data_set.class_names[i]
    return name if glyph == name else f"{glyph} {name}"


def undo_name(data_set: DataSet, i: int) -> str:
    """Class ``i``'s label for an undo step's text, which the Undo button's tooltip shows as rich text when it
    looks like markup: a folder's class name cannot bring tags into it (angle brackets become ‹ ›)."""
    return class_label(data_set, i).replace("<", "‹").replace(">", "›").replace("&", "+")


# background work (no Qt) ---------------------------------------------------------------------------
def load_store(key: str, class_names: tuple[str, ...]) -> ProgressGenerator[OwnDrawings]:
    """The kept drawings of data set ``key`` (a damaged store is set aside; its message is in ``notes``)."""
    yield Progress(0, 1, "reading your kept drawings")
    return OwnDrawings(key, class_names)


def export_store(store: OwnDrawings, folder: str) -> ProgressGenerator[list]:
    """Write the kept drawings as an image folder (``folder/<class>/drawing-<n>.png``)."""
    yield Progress(0, len(store), f"writing {len(store):,} pictures")
    return store.export(folder)


# undo steps ------------------------------------------------------------------------------------------
class _Change(QUndoCommand):
    """One change of a store (keep, delete, relabel), undone by its opposite; the panel redraws after."""

    def __init__(self, panel: OwnDrawingsPanel, text: str, do: Callable[[], None], undo: Callable[[], None]):
        super().__init__(text)
        self.panel, self._do, self._undo = panel, do, undo

    def redo(self) -> None:
        # A change that failed (a full disk, the most drawings a set holds) leaves the stack: its
        # opposite would undo nothing.
        self.setObsolete(not self.panel._apply(self._do, self.text(), self, "redo"))

    def undo(self) -> None:
        self.setObsolete(not self.panel._apply(self._undo, f"Undo {self.text()}", self, "undo"))


def _could_not(what: str) -> str:
    """A failed change's title: "Keep the drawing as す su" → "Could not keep the drawing as す su"."""
    return f"Could not {what[0].lower()}{what[1:]}"


# the panel -------------------------------------------------------------------------------------------
class OwnDrawingsPanel(QWidget):
    """The kept drawings of the data set in use, and how every trained net reads them.

    Signals
    -------
    changed()
        The kept set on show changed (loaded, kept, deleted, relabelled, undone).
    evaluated()
        New evaluations are shown.
    exported(list)
        The files an export wrote.
    """

    changed = Signal()
    evaluated = Signal()
    exported = Signal(list)

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.data_set: DataSet | None = None
        self.store: OwnDrawings | None = None
        self.models: dict[str, nn.Module] = {}
        self.test_accuracy: dict[str, float | None] = {}
        self.evaluations: dict[str, DrawingsEvaluation] = {}
        self.version = 0
        """Counts the changes of the kept set: an evaluation of an older one is said to be so."""
        self._evaluated_version = -1
        self._aliases: dict[int, dict[int, int]] = {}
        """Per store (``id``), a drawing's first number → its number since an undo brought it back."""
        self.load_task: Task | None = None
        self.evaluate_task: Task | None = None
        self.export_task: Task | None = None
        self._note = ""
        """What the status line says while there is no evaluation (a store set aside)."""
        self.writer = StoreWriter(self, "kept-drawings-store")
        self.writer.failed.connect(self._on_write_failed)
        self._doing = ""
        """The change being made (its undo text), for a failed write's message."""
        self._listed: list[tuple[int, int]] = []
        """(number, class) of each thumbnail in the list, in its order; of the store ``_listed_store``."""
        self._listed_store: OwnDrawings | None = None
        self._unwritten: list[tuple[_Change, str, OwnDrawings, int]] = []
        """The undo steps made since the file was last written: (step, "redo"/"undo", store, its change number)."""
        self._build()

    # layout ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.filter = QComboBox()
        self.filter.setToolTip("Show the drawings of one class, or all")
        self.filter.setFont(kana_font(10))
        self.filter.currentIndexChanged.connect(self._show_drawings)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)  # class names may come from a stranger's folders
        self.count_label.setObjectName("keptCount")
        self.relabel_class = QComboBox()
        self.relabel_class.setFont(kana_font(10))
        self.relabel_class.setToolTip("The class the selected drawings become")
        self.relabel_button = QPushButton("Relabel as")
        self.relabel_button.setToolTip("Make the selected drawings examples of the class beside")
        self.relabel_button.clicked.connect(self._on_relabel_clicked)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected drawings (Delete key; Undo brings them back)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button = QPushButton("Export as image folder…")
        self.export_button.setToolTip("Write the drawings as PNGs in one folder per class: the Data page's "
                                      "folder import reads them back, merged with other pupils' folders")
        self.export_button.clicked.connect(self._ask_export)

        self.list = QListWidget()
        self.list.setObjectName("keptDrawings")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setIconSize(QSize(28 * THUMB_ZOOM, 28 * THUMB_ZOOM))
        self.list.setGridSize(QSize(28 * THUMB_ZOOM + 24, 28 * THUMB_ZOOM + 30))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setFont(kana_font(9))
        self.list.itemSelectionChanged.connect(self._update_buttons)
        delete_key = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)

        self.evaluation = DrawingsEvaluationView()
        self.evaluate_button = self.evaluation.evaluate_button
        self.evaluate_button.clicked.connect(self.evaluate)
        self.csv_button, self.status, self.table = self.evaluation.csv_button, self.evaluation.status, self.evaluation.table
        self.matrix_title = self.evaluation.matrix_title

        # Two short rows rather than one long one: the panel fits the Draw page of a 1024-pixel window.
        top = QHBoxLayout()
        for w in (QLabel("Show"), self.filter, self.count_label):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.export_button)
        edit = QHBoxLayout()
        for w in (self.relabel_button, self.relabel_class, self.delete_button):
            edit.addWidget(w)
        edit.addStretch(1)
        browse = QWidget()
        browse_layout = QVBoxLayout(browse)
        browse_layout.setContentsMargins(0, 0, 0, 0)
        browse_layout.addLayout(top)
        browse_layout.addWidget(self.list, 1)
        browse_layout.addLayout(edit)

        # The drawings and how the nets read them are two pages: each gets the whole height.
        self.views = QTabWidget()
        self.views.setObjectName("keptViews")
        self.views.setDocumentMode(True)
        self.views.addTab(browse, "Drawings")
        self.views.addTab(self.evaluation, "How the nets read them")
        self.views.setTabToolTip(1, "Accuracy, balanced accuracy and the gap to the test images, per net, and "
                                    "the confusion matrix of the net chosen in the table")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.views)
        self._update_buttons()

    # the data set and the nets ----------------------------------------------------------------------
    def set_data_set(self, data_set: DataSet) -> None:
        """Show the kept drawings of ``data_set`` (read in the background; a damaged store is said once)."""
        if self.data_set is not None and store_key(self.data_set) == store_key(data_set):
            return
        self.data_set, self.store = data_set, None
        self.evaluations.clear()
        self._fill_class_combos()
        self.evaluation.set_classes([class_label(data_set, i) for i in range(data_set.num_classes)])
        self._show_table()
        self._show_drawings()
        self.status.setText("Reading your kept drawings…")
        # A change made a moment ago may still be on its way to a file read now (this set's, chosen again).
        self.writer.wait()
        self.load_task = Task(load_store, store_key(data_set), tuple(data_set.class_names), name="kept-drawings-load",
                              parent=self).bind(succeeded=self._on_loaded, failed=self._on_load_failed)
        self.load_task.start()

    def set_nets(self, models: dict[str, nn.Module], test_accuracy: dict[str, float | None]) -> None:
        """The trained nets of the data set in use (name → module) and their test accuracy (percent)."""
        order = [name for name in nets.NETS if name in models]
        self.models = {name: models[name] for name in order}
        self.test_accuracy = {name: test_accuracy.get(name) for name in order}
        self._update_buttons()

    def is_loading(self) -> bool:
        return self.load_task is not None

    @Slot(object)
    def _on_loaded(self, store: OwnDrawings) -> None:
        if self.sender() is not self.load_task:  # a newer data set was chosen meanwhile
            return
        self.load_task = None
        self.store = store
        store.writes = self._queue_write  # written off the GUI thread, in order
        self._note = ""
        if store.notes:
            show_error(self, "Your kept drawings were set aside", "\n\n".join(store.notes))
            self._note = "Your earlier kept drawings could not be read and were set aside; new ones are kept."
        self._changed()

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        if self.sender() is self.load_task:
            self.load_task = None
            self.status.setText("")
            show_error(self, "Could not read your kept drawings", message)

    # changes: each one an undo step ----------------------------------------------------------------
    def keep(self, image: np.ndarray, label: int, *, original: np.ndarray | None = None,
             strokes: np.ndarray | None = None) -> None:
        """Keep a 28×28 input as an example of class ``label`` (one undo step)."""
        store = self._ready("Keep the drawing")
        if store is None:
            return
        kept: dict[str, int] = {}

        def do() -> None:
            drawing = store.add(image, label, original=original, strokes=strokes)
            if "id" in kept:  # brought back by Redo: the number it first had leads to its new one
                self._aliases.setdefault(id(store), {})[kept["id"]] = drawing.id
            else:
                kept["id"] = drawing.id

        def undo() -> None:
            store.delete(self._current_id(store, kept["id"]))

        text = f"Keep the drawing as {undo_name(self.data_set, label)}"
        self.undo_stack.push(_Change(self, text, do, undo))

    def delete_selected(self) -> None:
        """Delete the selected drawings (one undo step)."""
        store = self._ready("Delete")
        ids = self.selected_ids()
        if store is None or not ids:
            return
        old = [store.get(i) for i in ids]

        def do() -> None:
            for drawing in old:
                store.delete(self._current_id(store, drawing.id))

        def undo() -> None:
            aliases = self._aliases.setdefault(id(store), {})
            for drawing in old:
                back = store.add(drawing.image, drawing.label, original=drawing.original, strokes=drawing.strokes)
                aliases[self._current_id(store, drawing.id)] = back.id

        what = "a kept drawing" if len(old) == 1 else f"{len(old)} kept drawings"
        self.undo_stack.push(_Change(self, f"Delete {what}", do, undo))

    def relabel_selected(self, label: int) -> None:
        """Make the selected drawings examples of class ``label`` (one undo step)."""
        store = self._ready("Relabel")
        ids = self.selected_ids()
        if store is None or not ids:
            return
        before = {i: store.get(i).label for i in ids}
        if all(old == label for old in before.values()):
            return

        def do() -> None:
            for i in before:
                store.relabel(self._current_id(store, i), label)

        def undo() -> None:
            for i, old in before.items():
                store.relabel(self._current_id(store, i), old)

        what = "a kept drawing" if len(ids) == 1 else f"{len(ids)} kept drawings"
        self.undo_stack.push(_Change(self, f"Relabel {what} as {undo_name(self.data_set, label)}", do, undo))

    def _current_id(self, store: OwnDrawings, number: int) -> int:
        aliases = self._aliases.get(id(store), {})
        while number in aliases:
            number = aliases[number]
        return number

    def _ready(self, what: str) -> OwnDrawings | None:
        if self.store is None:
            show_error(self, what, "your kept drawings are still being read: try again in a moment")
        return self.store

    def _apply(self, change: Callable[[], None], what: str, step: _Change | None = None, way: str = "redo") -> bool:
        """Run one change of a store; a failure (a class out of range…) is said, and the view shows the store as
        it is. The change's write is queued (:meth:`_queue_write`): a failure of it comes back later."""
        store = self.store
        self._doing = what
        try:
            change()
            done = True
        except (UserError, OSError) as exc:
            show_error(self, _could_not(what), str(exc))
            done = False
        finally:
            self._doing = ""
        if done and step is not None and store is not None and store.writes is not None:
            self._unwritten = [u for u in self._unwritten if u[2] is store and u[3] > store.changes_written]
            self._unwritten.append((step, way, store, store.changes))
        self._changed()
        return done

    def _queue_write(self, write: Callable[[], None]) -> None:
        """A change's write, after every one asked for before it, on the writer's thread."""
        self.writer.write(self._doing or "Keep your drawings", write)

    @Slot(str, str)
    def _on_write_failed(self, what: str, message: str) -> None:
        """A write failed (a full disk, a read-only folder): say so as a failed change always was, and show the
        drawings as their file holds them, the changes it lacks gone from the undo stack."""
        show_error(self, _could_not(what), message)
        self.writer.wait()  # the writes asked for just after it (rarely any): settle once they are done
        store = self.store
        if store is None or not store.unwritten():
            self._unwritten.clear()  # a later write kept them all
            return
        lost = [(step, way) for step, way, kept, number in self._unwritten
                if kept is store and number > store.changes_written]
        self._unwritten.clear()
        stack = self.undo_stack
        for step, way in reversed(lost):
            at = stack.index() - 1 if way == "redo" else stack.index()
            if 0 <= at < stack.count() and stack.command(at) is step:
                step.setObsolete(True)  # the stack drops an obsolete step without running it
                (stack.undo if way == "redo" else stack.redo)()
        store.revert_to_written()
        self._changed()

    def wait_for_writes(self, timeout: float = 60.0) -> bool:
        """Block until every change is written (closing); ``False`` if some are still going after ``timeout`` s."""
        return self.writer.wait(timeout)

    def _changed(self) -> None:
        self.version += 1
        self._show_drawings()
        self._show_table()
        self.changed.emit()

    # showing the drawings -----------------------------------------------------------------------------
    def _fill_class_combos(self) -> None:
        chosen = self.relabel_class.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem("All classes", ALL_CLASSES)
        self.relabel_class.clear()
        for i in range(self.data_set.num_classes):
            self.filter.addItem(class_label(self.data_set, i), i)
            self.relabel_class.addItem(class_label(self.data_set, i), i)
        self.filter.blockSignals(False)
        if chosen is not None and 0 <= chosen < self.data_set.num_classes:
            self.relabel_class.setCurrentIndex(chosen)

    def shown_class(self) -> int:
        data = self.filter.currentData()
        return ALL_CLASSES if data is None else int(data)

    def show_class(self, label: int) -> None:
        """Show only class ``label``'s drawings (:data:`ALL_CLASSES`: every one)."""
        self.filter.setCurrentIndex(max(0, self.filter.findData(label)))

    @Slot()
    def _show_drawings(self) -> None:
        store, data_set = self.store, self.data_set
        drawings = store.drawings() if store is not None else []
        shown = self.shown_class()
        if store is not None:
            counts = store.counts()
            for i in range(data_set.num_classes):  # each class's count, in the filter's list
                self.filter.setItemText(i + 1, f"{class_label(data_set, i)} ({counts[i]})")
        # Grouped by class, oldest first within a class.
        self._list_drawings(sorted((d for d in drawings if shown in (ALL_CLASSES, d.label)),
                                   key=lambda d: (d.label, d.id)))
        if store is None:
            self.count_label.setText("")
        else:
            classes = len({d.label for d in drawings})
            self.count_label.setText(f"{len(drawings)} kept drawing{'s' if len(drawings) != 1 else ''} "
                                     f"of {classes} class{'es' if classes != 1 else ''}"
                                     + (f", {self.list.count()} shown" if shown != ALL_CLASSES else ""))
        self._update_buttons()

    def _list_drawings(self, drawings: list[Drawing]) -> None:
        """Make the thumbnails ``drawings`` (in that order), changing only those that changed: a keep, relabel or
        delete among 2,000 drawings is not 2,000 new thumbnails (~0.1 s), and the list stays where it was
        scrolled to, its other selections kept."""
        keys = [(d.id, d.label) for d in drawings]
        if self._listed_store is not self.store:  # another data set's: same numbers, other drawings
            self.list.clear()
            self._listed, self._listed_store = [], self.store
        wanted = set(keys)
        for row in reversed(range(len(self._listed))):
            if self._listed[row] not in wanted:
                self.list.takeItem(row)
                del self._listed[row]
        # What is left is in the order wanted (both are sorted alike): put each missing one in its place.
        for row, (drawing, key) in enumerate(zip(drawings, keys, strict=True)):
            if row >= len(self._listed) or self._listed[row] != key:
                self.list.insertItem(row, self._thumbnail(drawing))
                self._listed.insert(row, key)

    def _thumbnail(self, drawing: Drawing) -> QListWidgetItem:
        data_set = self.data_set
        item = QListWidgetItem(QIcon(grey_pixmap(drawing.image, THUMB_ZOOM)), class_label(data_set, drawing.label))
        item.setData(Qt.ItemDataRole.UserRole, drawing.id)
        item.setToolTip(html.escape(f"Drawing {drawing.id}: an example of {data_set.label(drawing.label)}"))
        return item

    def shown_drawings(self) -> list[tuple[int, str]]:
        """``(drawing number, label text)`` of each thumbnail, in the order shown."""
        return [(int(self.list.item(r).data(Qt.ItemDataRole.UserRole)), self.list.item(r).text())
                for r in range(self.list.count())]

    def selected_ids(self) -> list[int]:
        return [int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()]

    def select_ids(self, ids: list[int]) -> None:
        """Select the thumbnails of drawings ``ids`` (as a click and Ctrl+clicks would)."""
        self.list.clearSelection()
        for r in range(self.list.count()):
            item = self.list.item(r)
            if int(item.data(Qt.ItemDataRole.UserRole)) in ids:
                item.setSelected(True)

    @Slot()
    def _update_buttons(self) -> None:
        ready = self.store is not None
        selected = bool(self.list.selectedItems())
        for button in (self.relabel_button, self.delete_button):
            button.setEnabled(ready and selected)
        self.export_button.setEnabled(ready and len(self.store) > 0 and self.export_task is None)
        self.evaluate_button.setEnabled(ready and bool(self.models) and len(self.store) > 0
                                        and self.evaluate_task is None)
        if not self.models:
            self.evaluate_button.setToolTip("Train a net first (Train page): then every trained net reads "
                                            "your kept drawings")
        else:
            self.evaluate_button.setToolTip("Read the kept drawings with each trained net: accuracy, balanced "
                                            "accuracy and the gap to its test accuracy")

    @Slot()
    def _on_relabel_clicked(self) -> None:
        label = self.relabel_class.currentData()
        if label is not None:
            self.relabel_selected(int(label))

    # evaluation -----------------------------------------------------------------------------------
    @Slot()
    def evaluate(self) -> Task | None:
        """Read the kept drawings with every trained net, in the background."""
        store = self._ready("Evaluate")
        if store is None or self.evaluate_task is not None:
            return None
        if not self.models:
            show_error(self, "Evaluate", "no trained net yet: train one on the Train page first")
            return None
        if not len(store):
            show_error(self, "Evaluate", "no kept drawings yet: keep some from the canvas first")
            return None
        copies = {name: copy.deepcopy(model) for name, model in self.models.items()}
        self._evaluating = (self.version, store, dict(self.test_accuracy))
        self.status.setText("Every net reads your drawings…")
        self.evaluate_task = Task(evaluate_nets_on, store, copies, dict(self.test_accuracy),
                                  name="kept-drawings-evaluate", parent=self)
        self.evaluate_task.bind(succeeded=self._on_evaluated, failed=self._on_evaluate_failed,
                                finished=self._on_evaluate_finished, disable=[self.evaluate_button])
        return self.evaluate_task.start()

    @Slot(object)
    def _on_evaluated(self, found: dict) -> None:
        version, store, _ = self._evaluating
        if store is not self.store:  # another data set meanwhile
            return
        self.evaluations = dict(found)
        self._evaluated_version = version
        self._show_table()
        self.views.setCurrentIndex(1)
        self.evaluated.emit()

    @Slot(str)
    def _on_evaluate_failed(self, message: str) -> None:
        show_error(self, "Could not evaluate the nets on your drawings", message)

    @Slot()
    def _on_evaluate_finished(self) -> None:
        self.evaluate_task = None
        self._update_buttons()

    def is_stale(self) -> bool:
        """Whether the evaluations shown are of an earlier kept set."""
        return bool(self.evaluations) and self._evaluated_version != self.version

    def _show_table(self) -> None:
        self.evaluation.show_evaluations(self.evaluations, self.is_stale())
        if self.is_stale():
            self.status.setText("Your kept drawings changed since this evaluation: Evaluate every net again.")
        elif self.evaluations:
            self.status.setText(f"{next(iter(self.evaluations.values())).count} drawings read by "
                                f"{len(self.evaluations)} net{'s' if len(self.evaluations) != 1 else ''}")
        elif self.store is not None and self.load_task is None:
            self.status.setText(self._note)
        self._update_buttons()

    @property
    def matrix(self):
        """The kept drawings' confusion matrix (a new one for each data set)."""
        return self.evaluation.matrix

    def table_rows(self) -> tuple[list[str], list[list[str]]]:
        return self.evaluation.table_rows()

    def figures(self) -> dict[str, Figure]:
        """Exportable views by file name."""
        return self.evaluation.figures()

    # export as a folder -----------------------------------------------------------------------------
    @Slot()
    def _ask_export(self) -> None:
        folder = choose_folder(self, "Export your kept drawings into a folder (one sub-folder per class)", "export")
        if folder:
            self.export_folder(folder)

    def export_folder(self, folder: str) -> Task | None:
        """Write the kept drawings into ``folder`` in the background (files there already are kept)."""
        store = self._ready("Export")
        if store is None or self.export_task is not None:
            return None
        self.status.setText(f"Writing {len(store):,} pictures into {folder}…")
        self.export_task = Task(export_store, store, str(folder), name="kept-drawings-export", parent=self)
        self.export_task.bind(succeeded=self._on_exported, failed=self._on_export_failed,
                              finished=self._on_export_finished, disable=[self.export_button])
        return self.export_task.start()

    @Slot(object)
    def _on_exported(self, written: list) -> None:
        folders = len({path.parent for path in written})
        self.status.setText(f"Exported {len(written):,} pictures into {folders} class folder"
                            f"{'s' if folders != 1 else ''}; the Data page imports the folder back")
        self.exported.emit(list(written))

    @Slot(str)
    def _on_export_failed(self, message: str) -> None:
        self.status.setText("")
        show_error(self, "Could not export your kept drawings", message)

    @Slot()
    def _on_export_finished(self) -> None:
        self.export_task = None
        self._update_buttons()

