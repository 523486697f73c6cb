"""Per-class accuracy of one net: a table and the same numbers as bars.

The table is what a report quotes (and exports as CSV / copies as TSV); the
bars show at a glance which characters a net finds hard.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.evaluation import Evaluation

BAR_COLOR = (66, 133, 194)
Y_TOP = 108
"""The bars' y range ends here: 100 % plus half a label's height of headroom."""


class PerClassView(QTabWidget):
    """Two pages: "Table" (class, accuracy, right / images) and "Bars"."""

    def __init__(self, font: QFont | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(len(CLASSES), 3)
        self.table.setObjectName("perClassAccuracy")
        self.table.setHorizontalHeaderLabels(["Class", "Accuracy", "Right / images"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        if font is not None:
            self.table.setFont(font)
        header = self.table.horizontalHeader()
        # Class and accuracy as wide as they need; "Right / images" takes the rest and wraps its
        # header onto two lines when the side column is narrow (it read "ght / imag" at 1024 px).
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        # sectionResized comes before the header stores the new size: measure once it has.
        self._header_fit_due = False
        header.sectionResized.connect(self._fit_header_soon)
        self.table.setToolTip("Share of each class's test images the net gets right (right-click: copy, CSV)")
        self.glyphs = [kana for kana, _ in CLASSES]
        for i, (kana, romaji) in enumerate(CLASSES):
            self.table.setItem(i, 0, QTableWidgetItem(f"{kana} ({romaji})"))

        self.bars = pg.PlotWidget()
        self.bars.setObjectName("perClassBars")
        self.bars.setBackground("w")
        self.bars.setMenuEnabled(False)
        self.bars.setMouseEnabled(x=False, y=False)
        self.bars.hideButtons()
        plot = self.bars.getPlotItem()
        plot.setLabel("left", "accuracy", units="%")
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.setLabel("bottom", "true class")
        # Room above 100 for the top tick's label ("100" was cut in half at the top edge).
        plot.setYRange(0, Y_TOP, padding=0)
        plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 25)]])
        plot.getAxis("left").setStyle(textFillLimits=[(0, 0.95)])  # all five, on a short chart too
        plot.setXRange(-0.6, 9.6, padding=0)
        bottom = plot.getAxis("bottom")
        bottom.setTicks([[(i, kana) for i, (kana, _) in enumerate(CLASSES)]])
        # Ticks a point smaller than the table's kana, and a minimum that holds: ten kana side by
        # side beside a narrow left axis (fits the side column at 1024 px).
        tick_font = QFont(font) if font is not None else QFont()
        tick_font.setPointSizeF(max(7.0, tick_font.pointSizeF() - 1))
        bottom.setStyle(tickFont=tick_font)
        per_bar = max(QFontMetrics(tick_font).horizontalAdvance(kana) for kana, _ in CLASSES) + 2
        plot.getAxis("left").setWidth(40)
        self.bars.setMinimumWidth(40 + int((len(CLASSES) + 0.2) * per_bar) + 8)
        self.bar_item = pg.BarGraphItem(x=np.arange(len(CLASSES)), height=np.zeros(len(CLASSES)), width=0.7,
                                        brush=BAR_COLOR, pen=None)
        plot.addItem(self.bar_item)
        self._tick_key: tuple | None = None
        plot.vb.sigResized.connect(self._fit_ticks)
        self.addTab(self.table, "Table")
        self.addTab(self.bars, "Bars")
        self.show_evaluation(None)

    def set_classes(self, labels: list[str], glyphs: list[str]) -> None:
        """Show the classes ``labels`` (table rows) with ``glyphs`` under the bars, e.g. 49 for Kuzushiji-49."""
        n = len(labels)
        self.glyphs = list(glyphs)
        self.table.setRowCount(n)
        for i, label in enumerate(labels):
            self.table.setItem(i, 0, QTableWidgetItem(label))
        plot = self.bars.getPlotItem()
        plot.setXRange(-0.6, n - 0.4, padding=0)
        self.bar_item.setOpts(x=np.arange(n), height=np.zeros(n))
        self._tick_key = None
        self._fit_ticks()
        self.show_evaluation(None)

    def tick_labels(self) -> list[tuple[int, str]]:
        """(class, text) of every tick shown under the bars."""
        levels = self.bars.getPlotItem().getAxis("bottom")._tickLevels
        return [(int(i), str(t)) for i, t in levels[0]] if levels else []

    def _fit_ticks(self, *_) -> None:
        """Every class's glyph under its bar where they fit side by side, else every step-th one.

        Ten kana always fit (the chart's minimum width holds them); Kuzushiji-49's 49 in a narrow
        column do not. A folder's class names (its glyphs are its names) are elided to a few letters
        first; the table names every class whole.
        """
        axis = self.bars.getPlotItem().getAxis("bottom")
        n = len(self.glyphs)
        if not n:
            axis.setTicks([[]])
            return
        metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
        width = axis.width() if axis.width() > 1 else self.bars.minimumWidth() - 48
        per_bar = max(width / (n + 0.2), 1.0)  # the x range is -0.6 … n - 0.4
        names = list(self.glyphs)
        if any(len(name) > 2 for name in names):  # a folder's names, not kana
            room = max(int(per_bar) - 4, metrics.horizontalAdvance("Ab…"))
            names = [metrics.elidedText(name, Qt.TextElideMode.ElideRight, room) for name in names]
        widest = max(metrics.horizontalAdvance(name) for name in names)
        step = max(1, int(np.ceil((widest + 3) / per_bar)))
        key = (step, tuple(names))
        if key == self._tick_key:
            return
        self._tick_key = key
        axis.setTicks([[(i, name) for i, name in enumerate(names) if i % step == 0]])

    def header_lines(self) -> int:
        """Lines the column headers need at their current widths (1, or 2 when one must wrap)."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        texts = [self.table.horizontalHeaderItem(c).text() for c in range(self.table.columnCount())]
        padding = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        fits = all(metrics.horizontalAdvance(t) + padding <= header.sectionSize(c) for c, t in enumerate(texts))
        return 1 if fits else 2

    def _fit_header_soon(self, *_) -> None:
        if not self._header_fit_due:
            self._header_fit_due = True
            QTimer.singleShot(0, self, self._fit_header)

    def _fit_header(self) -> None:
        self._header_fit_due = False
        header = self.table.horizontalHeader()
        lines = self.header_lines()
        header.setMinimumHeight(lines * header.fontMetrics().lineSpacing() + 8 if lines > 1 else 0)

    def show_evaluation(self, evaluation: Evaluation | None) -> None:
        """Fill the table and the bars from ``evaluation`` (dashes and no bars without one)."""
        n = self.table.rowCount()
        if evaluation is not None and len(evaluation.confusion) != n:
            evaluation = None  # of another data set's classes
        heights = np.zeros(n)
        for i in range(n):
            if evaluation is None or not evaluation.confusion[i].sum():
                texts = ("–", "–")
            else:
                row = evaluation.confusion[i]
                heights[i] = float(evaluation.per_class_accuracy[i])
                texts = (f"{evaluation.per_class_accuracy[i]:.1f} %", f"{int(row[i]):,} / {int(row.sum()):,}")
            for c, text in enumerate(texts, start=1):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)
        self.bar_item.setOpts(height=heights)
        # No bars, no numbers: an empty chart's 0–100 ticks would suggest 0 % everywhere.
        self.bars.getPlotItem().getAxis("left").setStyle(showValues=evaluation is not None)

    def heights(self) -> list[float]:
        """The bar heights shown (percent per class)."""
        return [float(h) for h in self.bar_item.opts["height"]]
