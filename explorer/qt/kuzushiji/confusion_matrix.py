"""A 10×10 confusion matrix: rows true class, columns predicted, counts in the cells.

One ``ImageItem`` (row-major, so ``matrix[true, predicted]`` is drawn at row
``true``) with a fixed white-to-blue colour map and a colour bar, plus one
``TextItem`` per cell created once and updated with ``setText``. Clicking a
cell emits :attr:`ConfusionMatrixView.cell_clicked` ``(true, predicted)``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsRectItem

COLORS = pg.ColorMap([0.0, 0.5, 1.0], [(255, 255, 255), (107, 174, 214), (8, 48, 107)])
"""White (no images) to dark blue (the largest cell)."""
DARK_FROM = 0.55
"""Cells above this share of the colour scale get white text."""


class ConfusionMatrixView(pg.GraphicsLayoutWidget):
    """Counts of test images by (true class, predicted class), with labelled axes."""

    cell_clicked = Signal(int, int)

    def __init__(self, labels: list[str], font: QFont | None = None, parent=None):
        super().__init__(parent=parent)
        self.labels = list(labels)
        n = len(self.labels)
        self.matrix = np.zeros((n, n), dtype=np.int64)
        self.selected: tuple[int, int] | None = None
        self.setMinimumSize(320, 300)
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.invertY(True)
        self.plot.setRange(xRange=(0, n), yRange=(0, n), padding=0)
        self.plot.vb.setLimits(xMin=0, xMax=n, yMin=0, yMax=n)
        self.plot.setLabel("left", "true class")
        self.plot.setLabel("bottom", "predicted class")
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setTicks([[(i + 0.5, self.tick_label(side, i)) for i in range(n)]])
            # pyqtgraph drops a level of labels that fills over 80 % of the axis; these must all show.
            # and one whose text passes the axis end ("を wo", last): let it overhang a little.
            axis.setStyle(textFillLimits=[(0, 1.0)], autoExpandTextSpace=True, hideOverlappingLabels=20)
            if font is not None:
                axis.setStyle(tickFont=font)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=COLORS, interactive=False, label="images")
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        cell_font = QFont(font) if font is not None else QFont()
        cell_font.setPointSizeF(9)
        self.texts: list[list[pg.TextItem]] = []
        for r in range(n):
            row = []
            for c in range(n):
                text = pg.TextItem("", anchor=(0.5, 0.5))
                text.setFont(cell_font)
                text.setPos(c + 0.5, r + 0.5)
                self.plot.addItem(text)
                row.append(text)
            self.texts.append(row)
        self.highlight = QGraphicsRectItem(0, 0, 1, 1)
        self.highlight.setPen(pg.mkPen((220, 30, 30), width=3, cosmetic=True))
        self.highlight.setVisible(False)
        self.plot.addItem(self.highlight)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.set_matrix(self.matrix)

    def tick_label(self, side: str, i: int) -> str:
        """Class ``i``'s label: "を wo" on the left, kana over romaji below.

        Stacked, a column label is as wide as its romaji: ten fit under a
        matrix 300 px wide, where "を wo" side by side ran together.
        """
        return self.labels[i].replace(" ", "\n", 1) if side == "bottom" else self.labels[i]

    def shown_tick_labels(self, side: str = "bottom") -> list[tuple[str, QRectF]]:
        """The tick labels pyqtgraph draws now on ``side`` and where (those it drops are missing)."""
        axis = self.plot.getAxis(side)
        image = QImage(8, 8, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        try:
            specs = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        return [(text, rect) for rect, _flags, text in specs[2]] if specs else []

    def set_matrix(self, matrix: np.ndarray) -> None:
        """Show ``matrix`` (int counts, rows true, columns predicted)."""
        self.matrix = np.asarray(matrix, dtype=np.int64)
        top = max(1, int(self.matrix.max()))
        n = len(self.labels)
        self.image.setImage(self.matrix.astype(np.float32), levels=(0, top), rect=QRectF(0, 0, n, n))
        self.colorbar.setLevels((0, top))
        # An empty matrix (nothing evaluated yet) has no scale to read: a 0–1 key would mean nothing.
        self.colorbar.axis.setStyle(showValues=bool(self.matrix.any()))
        for r, row in enumerate(self.texts):
            for c, text in enumerate(row):
                count = int(self.matrix[r, c])
                text.setText(str(count) if count or r == c else "·")
                dark = count / top > DARK_FROM
                text.setColor((255, 255, 255) if dark else (20, 20, 20))

    def cell_text(self, true: int, predicted: int) -> str:
        """The text shown in one cell (for tests and accessibility)."""
        return self.texts[true][predicted].toPlainText()

    def select(self, true: int | None, predicted: int | None = None) -> None:
        """Outline one cell, or none."""
        if true is None or predicted is None:
            self.selected = None
            self.highlight.setVisible(False)
            return
        self.selected = (true, predicted)
        self.highlight.setRect(predicted, true, 1, 1)
        self.highlight.setVisible(True)

    def cell_position(self, true: int, predicted: int):
        """Where cell (true, predicted) lies in this widget's viewport (to click it)."""
        scene = self.plot.vb.mapViewToScene(QPointF(predicted + 0.5, true + 0.5))
        return self.mapFromScene(scene)

    def _on_scene_clicked(self, event) -> None:
        point = self.plot.vb.mapSceneToView(event.scenePos())
        col, row = int(np.floor(point.x())), int(np.floor(point.y()))
        n = len(self.labels)
        if 0 <= row < n and 0 <= col < n:
            self.select(row, col)
            self.cell_clicked.emit(row, col)
