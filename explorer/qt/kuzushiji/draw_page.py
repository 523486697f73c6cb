"""The Kuzushiji Draw page: the drawing panel, built the first time the page is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.datasets import FOLDER_KEY
from explorer.qt.kuzushiji.drawing_panel import DrawingPanel

if TYPE_CHECKING:
    from explorer.core.kuzushiji.model import KuzushijiModel


class DrawPage(QWidget):
    """Holds the :class:`DrawingPanel` (the slowest part of the tab to build) once it is needed.

    :meth:`feed` may be called before the panel exists; the panel gets the
    newest data and nets when it is built. The panel sits in a scroll area:
    its minimum size would otherwise become the window's the moment it is
    built, and the window would grow when the Draw page first opens.
    """

    def __init__(self, undo_stack: QUndoStack, model: KuzushijiModel | None = None, parent: QWidget | None = None):
        """``model`` is the tab's: the data set in use is its (whose classes drawings are kept as)."""
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.model = model
        self.panel: DrawingPanel | None = None
        self._data: KMNIST | None = None
        self._results: dict = {}
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Up and down only: the panel fits the width of the smallest window (1024 px).
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

    def ensure(self) -> DrawingPanel:
        """The drawing panel, built now if it was not yet."""
        if self.panel is None:
            self.panel = DrawingPanel(undo_stack=self.undo_stack)
            self.scroll.setWidget(self.panel)
            # The tab's Data page loads the stored data (a task) and feeds it here: the panel loads none itself.
            self.panel.set_dataset(self._data)
            self.panel.own_drawings.changed.connect(self._on_kept_changed)
            self.panel.own_drawings.evaluated.connect(self._on_kept_changed)
            self.feed(self._data, self._results)
        return self.panel

    @Slot()
    def _on_kept_changed(self) -> None:
        """The model knows the kept drawings and their evaluation, so File → Export figures… and the report
        include them; an evaluation of an earlier kept set is not exported as this one's."""
        own = self.panel.own_drawings
        if self.model is not None:
            self.model.drawings = own.store
            self.model.drawings_evaluations = {} if own.is_stale() else dict(own.evaluations)

    def feed(self, data: KMNIST | None, results: dict) -> None:
        """The data set and the nets (name → ``NetResult``) the panel shows."""
        self._data, self._results = data, results
        if self.panel is None:
            return
        if data is not None:
            self.panel.set_dataset(data)
        described = self.model.description if self.model is not None else getattr(data, "dataset", None)
        if described is not None:
            self.panel.set_data_set(described)
        # Only nets of the data set in use read its kept drawings (another's classes mean other things).
        in_use = self.panel.own_drawings.data_set
        mine = {n: r for n, r in results.items() if r.dataset.class_names == in_use.class_names}
        self.panel.set_models({n: r.model for n, r in results.items()}, {n: r.source for n, r in results.items()},
                              {n: r.accuracy for n, r in mine.items()},
                              {n: r.extra.get("preparation", "drawing") for n, r in results.items()
                               if r.dataset.key == FOLDER_KEY})  # checked on loading a folder net's file
