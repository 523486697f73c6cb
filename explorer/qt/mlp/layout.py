"""The MLP tab's layout: every column of the activation table in view, the region plots whole, from 1024×700 up.

Left: the controls, in a column that scrolls only up and down. Right, top to
bottom: the heading and the training timeline, the region plots (three to a
row, scaled to the room there is: no scrollbar of their own while they fit in
two rows, i.e. up to five hidden units), and under them, at the full width of
the right side, the activation table and the training curves as two pages of
one tab widget (issue 19: beside the curves the table showed x, y, h0 and h1
at 1024 px and lost its output, target and ✓ columns at 1280). The table page
is as tall as the data set's rows (up to nine); a splitter lets the user move
the room between the plots and the table.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

#: Rows of region plots that are always shown whole (more hidden units scroll).
WHOLE_ROWS = 2
#: The training curves' height at least (loss above accuracy).
CURVES_AT_LEAST = 190
#: The share of the right side's height the curves page gets when there is room (the plots keep their minimum).
CURVES_SHARE = 0.4


class ControlsColumn(QScrollArea):
    """The control column: always as wide as its controls need now, so nothing is cut off at the side.

    Its minimum follows the controls (a rescale row or a longer message can widen
    them after the tab is built); the column scrolls only up and down.
    """

    def __init__(self, controls: QWidget):
        super().__init__()
        self.setWidgetResizable(True)
        self.setWidget(controls)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        controls.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        need = self.widget().minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 4
        return QSize(max(hint.width(), need), hint.height())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            _tell_if_changed(self)  # the splitter asks again how narrow the column may be
        return super().eventFilter(watched, event)


class PlotsArea(QScrollArea):
    """The region plots: scaled to the room, whole (no scrollbar) up to :data:`WHOLE_ROWS` rows.

    Its minimum is the grid's own up to two rows, so the layout never squeezes
    the plots into a scroll of their own; more hidden units (up to 30) scroll
    up and down, never sideways.
    """

    def __init__(self, grid: QWidget):
        super().__init__()
        self.setObjectName("regionPlots")
        self.setWidgetResizable(True)
        self.setWidget(grid)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        grid.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        grid = self.widget()
        need = grid.minimumSizeHint()
        rows = max(1, grid.rows()) if hasattr(grid, "rows") else 1
        height = need.height() if rows <= WHOLE_ROWS else need.height() * WHOLE_ROWS // rows
        return QSize(need.width(), height)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.minimumSizeHint()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            _tell_if_changed(self)  # plots added or removed: the room they need changed
        return super().eventFilter(watched, event)


def _tell_if_changed(area: QScrollArea) -> None:
    """``area.updateGeometry()``, only when the room it asks for changed.

    Every new line of text inside (the Train box's epoch line while a net trains,
    a plot's title) sends a layout request; passing each one up made the whole
    window lay itself out again, about 2 ms of the GUI thread every time, twenty
    times a second while training.
    """
    hint = area.minimumSizeHint()
    if getattr(area, "_told_hint", None) != hint:
        area._told_hint = hint
        area.updateGeometry()


class _TableWhole(QObject):
    """Sizes the plots and the page under them on show, resize and a change of page.

    The table page gets the height of its rows (up to nine), the curves page up
    to :data:`CURVES_SHARE` of the height; the plots the rest, never less than
    their minimum. Once the user drags the splitter their choice stands.
    """

    def __init__(self, splitter: QSplitter, bottom: QTabWidget, table):
        super().__init__(splitter)
        self.splitter, self.bottom, self.table = splitter, bottom, table
        self.user_sized = False
        splitter.splitterMoved.connect(self._user_moved)
        bottom.currentChanged.connect(self.fit)

    def _user_moved(self, *_args) -> None:
        self.user_sized = True
        self.splitter.removeEventFilter(self)

    def fit(self, *_args) -> None:
        if self.user_sized or self.splitter.height() <= 0:
            return
        total = self.splitter.height() - self.splitter.handleWidth()
        top = self.splitter.widget(0).minimumSizeHint().height()
        need = self.bottom.tabBar().sizeHint().height() + self.table.sizeHint().height() + 4
        if self.bottom.currentWidget() is not self.table:
            need = max(need, int(total * CURVES_SHARE))
        below = max(self.bottom.minimumSizeHint().height(), min(need, total - top))
        self.splitter.blockSignals(True)  # not the user's move
        self.splitter.setSizes([max(total - below, 0), below])
        self.splitter.blockSignals(False)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Show, QEvent.Type.Resize):
            self.fit()
        return False


def build_layout(tab: QWidget) -> None:
    """Controls on the left; heading, timeline and region plots above the table and the curves on the right.

    ``tab`` is the MLP tab (its ``controls``, ``accuracy_label``, ``timeline``, ``region_grid``,
    ``table``, ``curves`` and ``curves_note``); not imported here, so the tab and its layout form no cycle.
    """
    left = ControlsColumn(tab.controls)

    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    top_layout.addWidget(tab.accuracy_label)
    top_layout.addWidget(tab.timeline)
    top_layout.addWidget(PlotsArea(tab.region_grid), 1)

    curves_box = QWidget()
    curves_layout = QVBoxLayout(curves_box)
    curves_layout.setContentsMargins(2, 2, 2, 2)
    curves_layout.addWidget(tab.curves_note)
    curves_layout.addWidget(tab.curves, 1)
    # Full width here, so a little shorter than the shared default: the page, the heading and two rows
    # of region plots fit a 1024×700 window (the window grew to 737 px with 220).
    tab.curves.setMinimumHeight(CURVES_AT_LEAST)
    bottom = QTabWidget()
    bottom.setObjectName("mlpBottom")
    bottom.addTab(tab.table, "Activation table")
    bottom.addTab(curves_box, "Training curves")
    bottom.setTabToolTip(0, "Each point's hidden activations, output, target and whether it is right")
    bottom.setTabToolTip(1, "Loss and accuracy of the last training run (shown when Train is pressed)")
    tab.bottom = bottom

    right = QSplitter(Qt.Orientation.Vertical)
    right.setObjectName("mlpRight")
    right.setChildrenCollapsible(False)
    right.addWidget(top)
    right.addWidget(bottom)
    right.setStretchFactor(0, 1)
    right.setStretchFactor(1, 0)
    right.installEventFilter(_TableWhole(right, bottom, tab.table))

    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(1, 1)
    layout = QHBoxLayout(tab)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(split)
