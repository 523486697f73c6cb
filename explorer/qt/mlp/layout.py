"""The MLP tab's layout: splitters with sensible stretch, readable from 1024×700 up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QSplitter, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from explorer.qt.mlp.tab import MLPTab


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
            self.updateGeometry()  # the splitter asks again how narrow the column may be
        return super().eventFilter(watched, event)


def build_layout(tab: MLPTab) -> None:
    """Controls on the left; heading, timeline and region plots above the table and the curves on the right."""
    left = ControlsColumn(tab.controls)

    plots = QScrollArea()
    plots.setWidgetResizable(True)
    plots.setWidget(tab.region_grid)

    right = QSplitter(Qt.Orientation.Vertical)
    right.setChildrenCollapsible(False)
    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    top_layout.addWidget(tab.accuracy_label)
    top_layout.addWidget(tab.timeline)
    top_layout.addWidget(plots, 1)
    curves_box = QWidget()
    curves_layout = QVBoxLayout(curves_box)
    curves_layout.setContentsMargins(0, 0, 0, 0)
    # A wrapped label's minimum is one line; keep two so the curves below it are never pushed out.
    tab.curves_note.setMinimumHeight(2 * tab.curves_note.fontMetrics().lineSpacing() + 2)
    curves_layout.addWidget(tab.curves_note)
    curves_layout.addWidget(tab.curves, 1)
    bottom = QSplitter(Qt.Orientation.Horizontal)
    bottom.setChildrenCollapsible(False)
    bottom.addWidget(tab.table)
    bottom.addWidget(curves_box)
    # The curves are what a student watches while training: they get the larger share.
    bottom.setSizes([440, 500])
    bottom.setStretchFactor(0, 1)
    bottom.setStretchFactor(1, 1)
    right.addWidget(top)
    right.addWidget(bottom)
    right.setSizes([520, 340])
    right.setStretchFactor(0, 3)
    right.setStretchFactor(1, 2)

    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(1, 1)
    layout = QHBoxLayout(tab)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(split)
