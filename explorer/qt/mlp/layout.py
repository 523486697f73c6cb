"""The MLP tab's layout: splitters with sensible stretch, readable from 1024×700 up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QSplitter, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from explorer.qt.mlp.tab import MLPTab


def build_layout(tab: MLPTab) -> None:
    """Controls on the left; heading, timeline and region plots above the table and the curves on the right."""
    left = QScrollArea()
    left.setWidgetResizable(True)
    left.setWidget(tab.controls)
    # As wide as the controls need, and no sideways scrolling: the column keeps its scroll bar for height only.
    left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    left.setMinimumWidth(tab.controls.minimumSizeHint().width() + left.verticalScrollBar().sizeHint().width() + 4)

    plots = QScrollArea()
    plots.setWidgetResizable(True)
    plots.setWidget(tab.region_grid)

    right = QSplitter(Qt.Orientation.Vertical)
    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    top_layout.addWidget(tab.accuracy_label)
    top_layout.addWidget(tab.timeline)
    top_layout.addWidget(plots, 1)
    curves_box = QWidget()
    curves_layout = QVBoxLayout(curves_box)
    curves_layout.setContentsMargins(0, 0, 0, 0)
    curves_layout.addWidget(tab.curves_note)
    curves_layout.addWidget(tab.curves, 1)
    bottom = QSplitter(Qt.Orientation.Horizontal)
    bottom.addWidget(tab.table)
    bottom.addWidget(curves_box)
    bottom.setSizes([520, 420])
    right.addWidget(top)
    right.addWidget(bottom)
    right.setSizes([560, 300])

    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(1, 1)
    layout = QHBoxLayout(tab)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(split)
