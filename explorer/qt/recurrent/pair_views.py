"""2-D scatter views of pairs of hidden units (or principal components).

Each view holds a batch's points coloured by state, the SRN's initial state as
a black ×, the current string's path as a line and the current step as a ring.
The items are created once; stepping only moves the path and the ring.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QGridLayout, QWidget

from explorer.qt.widgets.axes import plain_axes

MAX_COLUMNS = 3
#: The smallest pair view that reads (issue 19: six SRN-4 views shrank to ~150×100 px at 1024).
MIN_VIEW = (200, 150)


def brushes(colors: np.ndarray) -> list:
    """One QBrush per RGBA row (values in [0, 1])."""
    rgba = [tuple(row) for row in (np.asarray(colors) * 255).astype(int).tolist()]
    shared = {color: pg.mkBrush(*color) for color in set(rgba)}  # few states: few distinct brushes
    return [shared[color] for color in rgba]


def _tip(x: float, y: float, data) -> str:
    return f"{data}\n({x:.3f}, {y:.3f})" if data is not None else f"({x:.3f}, {y:.3f})"


class PairView(pg.PlotWidget):
    """One pair of coordinates: points, path, current step and initial-state ×."""

    #: The row of the batch point the user clicked.
    point_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumSize(*MIN_VIEW)
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.2)
        self.points = pg.ScatterPlotItem(size=7, pen=None, hoverable=True, tip=_tip)
        self.points.sigClicked.connect(self._on_points_clicked)
        self.path = pg.PlotDataItem(pen=pg.mkPen((20, 20, 20, 200), width=1.5))
        self.current = pg.ScatterPlotItem(size=17, pen=pg.mkPen((220, 0, 220), width=3), brush=None, symbol="o")
        self.initial = pg.ScatterPlotItem(size=15, symbol="x", pen=pg.mkPen((0, 0, 0), width=1), brush=(0, 0, 0))
        for item in (self.points, self.path, self.current, self.initial):
            self.addItem(item)
        self.initial.setToolTip("the SRN's initial state tanh(H0)")
        plain_axes(self, all_axes=True)  # activations have no unit: never "unit 1 (x0.001)"
        self.pair: tuple[int, int] = (0, 1)

    def set_axes(self, pair: tuple[int, int], x_name: str, y_name: str, title: str) -> None:
        self.pair = pair
        self.setLabel("bottom", x_name)
        self.setLabel("left", y_name)
        self.setTitle(title, size="10pt")

    def set_points(
        self, xy: np.ndarray, point_brushes: list, initial: np.ndarray | None, labels: list[str] | None = None
    ) -> None:
        """All of a batch's steps (N×2) with their brushes and hover texts, and the initial state (or None)."""
        self.points.setData(pos=np.asarray(xy, float), brush=point_brushes, data=labels)
        if initial is None:
            self.initial.setData(pos=np.zeros((0, 2)))
        else:
            self.initial.setData(pos=np.asarray(initial, float).reshape(1, 2))
        self.autoRange(padding=0.08)

    @Slot(object, object, object)
    def _on_points_clicked(self, _item, points, _event) -> None:
        if len(points):
            self.point_clicked.emit(int(points[0].index()))

    def set_step(self, path: np.ndarray, current: np.ndarray | None) -> None:
        """The current string's path so far (M×2) and its current point."""
        path = np.asarray(path, float).reshape(-1, 2)
        self.path.setData(path[:, 0], path[:, 1])
        self.current.setData(pos=np.zeros((0, 2)) if current is None else np.asarray(current, float).reshape(1, 2))


class PairGrid(QWidget):
    """A grid of :class:`PairView`, one per pair; views are reused when the count changes."""

    #: A batch point was clicked in any view (its row).
    point_clicked = Signal(int)
    #: Any view's range changed (zoom, pan or a fit to new points).
    ranges_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.views: list[PairView] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self.width_for = 3 * MIN_VIEW[0]  # the width the grid is given (its scroll area's): sets the columns

    def columns(self) -> int:
        """As many columns as views of :data:`MIN_VIEW` width fit, at most three."""
        fit = max(1, (self.width_for + self.grid.spacing()) // (MIN_VIEW[0] + self.grid.spacing()))
        return int(min(max(len(self.views), 1), MAX_COLUMNS, fit))

    def fit_width(self, width: int) -> None:
        """Lay the views out for ``width`` pixels: fewer per row when narrow, never sideways scrolling."""
        if width > 0 and width != self.width_for:
            before = self.columns()
            self.width_for = width
            if self.columns() != before:
                self._place()

    def _place(self) -> None:
        for view in self.views:
            self.grid.removeWidget(view)
        columns = self.columns()
        for i, view in enumerate(self.views):
            self.grid.addWidget(view, i // columns, i % columns)

    def ensure(self, count: int) -> list[PairView]:
        """Exactly ``count`` views, laid out in up to three columns."""
        while len(self.views) < count:
            view = PairView()
            view.point_clicked.connect(self.point_clicked)
            view.sigRangeChanged.connect(self._on_range)
            self.views.append(view)
        while len(self.views) > count:
            view = self.views.pop()
            self.grid.removeWidget(view)
            # Hidden and unparented at once: deleteLater waits for the event loop, and until then the
            # view stayed where it was, over the new net's views ("units 2 and 3" beside an LSTM-2).
            view.hide()
            view.setParent(None)
            view.deleteLater()
        self._place()
        return self.views

    @Slot(object, object)
    def _on_range(self, _view, _range) -> None:
        self.ranges_changed.emit()

    def ranges(self) -> dict[tuple[int, int], tuple[tuple[float, float], tuple[float, float]]]:
        """Each view's range as shown, ``((x0, x1), (y0, y1))`` by its pair (kept in the model's view choices)."""
        found = {}
        for view in self.views:
            (x0, x1), (y0, y1) = view.viewRange()
            found[view.pair] = ((float(x0), float(x1)), (float(y0), float(y1)))
        return found

    def set_ranges(self, ranges: dict) -> None:
        """Show each view at its pair's range in ``ranges`` (as the user left it); a pair not in it stays fitted."""
        for view in self.views:
            shown = ranges.get(view.pair)
            if shown is not None:
                view.setRange(xRange=shown[0], yRange=shown[1], padding=0)
