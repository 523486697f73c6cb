"""A confusion matrix of any number of classes: rows true class, columns predicted, counts in the cells.

One ``ImageItem`` (row-major, so ``matrix[true, predicted]`` is drawn at row
``true``) with a fixed white-to-blue colour map and a colour bar, plus the cells' numbers: a
pool of ``TextItem`` s for the cells in view only (at most about :data:`NUMBERS_UP_TO` squared,
whatever the class count: a folder data set of 300 classes would otherwise make 90,000 items and
take minutes). Clicking a cell emits :attr:`ConfusionMatrixView.cell_clicked` ``(true, predicted)``.

Past :data:`NUMBERS_UP_TO` classes (Kuzushiji-49's 49×49) the cells' numbers are hidden until the
user zooms in (mouse wheel; drag to pan; the view's numbers come back once few enough cells show), the
axes show glyphs only, and the classes may be put in an order that brings often-confused classes
together (:meth:`ConfusionMatrixView.set_order`, from ``metrics.confusion_order``).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QGraphicsRectItem

COLORS = pg.ColorMap([0.0, 0.5, 1.0], [(255, 255, 255), (107, 174, 214), (8, 48, 107)])
"""White (no images) to dark blue (the largest cell)."""
DARK_FROM = 0.55
"""Cells above this share of the colour scale get white text."""
NUMBERS_UP_TO = 16
"""Most rows (or columns) in view for the cells' numbers to be drawn."""


class ConfusionMatrixView(pg.GraphicsLayoutWidget):
    """Counts of test images by (true class, predicted class), with labelled axes."""

    cell_clicked = Signal(int, int)

    def __init__(self, labels: list[str], font: QFont | None = None, parent=None):
        super().__init__(parent=parent)
        self.labels: list[str] = []
        self.order: list[int] = []
        """Display position → class: the classes in the order shown."""
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self.selected: tuple[int, int] | None = None
        self.setMinimumSize(320, 300)
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.setLabel("left", "true class")
        self.plot.setLabel("bottom", "predicted class")
        self.tick_font = font
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=COLORS, interactive=False, label="images")
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.cell_font = QFont(font) if font is not None else QFont()
        self.cell_font.setPointSizeF(9)
        self._pool: list[pg.TextItem] = []
        """Text items for the cells' numbers, placed on the cells in view."""
        self._placed: tuple | None = None
        """What the pool shows now (rows, columns and the matrix's version), to skip redundant updates."""
        self._version = 0
        self._labels_set = False
        self._ticks_key: tuple | None = None
        """What the axes' ticks were set for (labels, order, label steps, labels in full)."""
        self.highlight = QGraphicsRectItem(0, 0, 1, 1)
        self.highlight.setPen(pg.mkPen((220, 30, 30), width=3, cosmetic=True))
        self.highlight.setVisible(False)
        self.plot.addItem(self.highlight)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.plot.vb.sigRangeChanged.connect(self._on_range_changed)
        self.plot.vb.sigResized.connect(self._set_ticks)
        self.set_labels(labels)

    @property
    def size_in_classes(self) -> int:
        """How many classes (rows and columns) the matrix has."""
        return len(self.labels)

    def set_labels(self, labels: list[str]) -> None:
        """Use these classes (their number sets the matrix's size), in their own order, with empty counts."""
        if list(labels) == self.labels and self._labels_set:
            return
        self._labels_set = True
        self.labels = list(labels)
        n = len(self.labels)
        self.order = list(range(n))
        self.matrix = np.zeros((n, n), dtype=np.int64)
        self.select(None)
        zoomable = n > NUMBERS_UP_TO
        self.plot.setMouseEnabled(x=zoomable, y=zoomable)
        self.plot.vb.setLimits(xMin=0, xMax=max(n, 1), yMin=0, yMax=max(n, 1), minXRange=min(n, 4) or 1,
                               minYRange=min(n, 4) or 1)
        self.plot.setRange(xRange=(0, max(n, 1)), yRange=(0, max(n, 1)), padding=0)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            # pyqtgraph drops a level of labels that fills over 80 % of the axis; these must all show.
            # and one whose text passes the axis end ("を wo", last): let it overhang a little.
            axis.setStyle(textFillLimits=[(0, 1.0)], autoExpandTextSpace=True, hideOverlappingLabels=20)
            if self.tick_font is not None:
                axis.setStyle(tickFont=self.tick_font)
        self._set_ticks()
        self.set_matrix(self.matrix)

    def set_order(self, order: list[int] | None) -> None:
        """Show the classes in ``order`` (display position → class; ``None``: their own order)."""
        n = len(self.labels)
        order = list(range(n)) if order is None else [int(i) for i in order]
        if sorted(order) != list(range(n)):
            raise ValueError("the order must hold every class once")
        selected = self.selected
        self.order = order
        self._version += 1
        self._set_ticks()
        self.set_matrix(self.matrix)
        self.select(*(selected or (None, None)))

    def _set_ticks(self, *_) -> None:
        """Every class's label, or past :data:`NUMBERS_UP_TO` classes every step-th one when the
        cells in view are too small for all of them side by side (Kuzushiji-49 zoomed out in a
        small window: 49 glyphs would run into each other)."""
        steps = tuple(self._tick_step(side) for side in ("left", "bottom"))
        key = (tuple(self.labels), tuple(self.order), steps,
               len(self.labels) > NUMBERS_UP_TO and self.numbers_shown())
        if key == self._ticks_key:
            return
        self._ticks_key = key
        for side, step in zip(("left", "bottom"), steps, strict=True):
            self.plot.getAxis(side).setTicks(
                [[(i + 0.5, self.tick_label(side, k)) for i, k in enumerate(self.order) if i % step == 0]])

    def _tick_step(self, side: str) -> int:
        """Label every how-many-th class on ``side`` so that the labels do not overlap."""
        if len(self.labels) <= NUMBERS_UP_TO:
            return 1
        axis = self.plot.getAxis(side)
        metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        cells = (x1 - x0) if side == "bottom" else (y1 - y0)
        length = self.plot.vb.width() if side == "bottom" else self.plot.vb.height()
        if length <= 1 or cells <= 0:
            return 1
        low, high = (x0, x1) if side == "bottom" else (y0, y1)
        labels = [self.tick_label(side, k) for i, k in enumerate(self.order) if low - 1 <= i <= high] or [""]
        if side == "bottom":
            size = max(metrics.horizontalAdvance(line) for label in labels for line in label.split("\n"))
        else:
            size = metrics.height()
        return max(1, math.ceil((size + 3) / (length / cells)))

    def _position(self, cls: int) -> int:
        return self.order.index(cls)

    @Slot()
    def _on_range_changed(self, *_) -> None:
        self._show_numbers()

    def numbers_shown(self) -> bool:
        """Whether the cells' numbers are drawn (few enough cells in view)."""
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        return max(x1 - x0, y1 - y0) <= NUMBERS_UP_TO + 0.5

    def _show_numbers(self) -> None:
        self._set_ticks()  # zoomed in: room for "あ a" again, and for every class in view
        self._place_numbers(self.numbers_shown())

    def _place_numbers(self, shown: bool) -> None:
        """Put the pool's items on the cells in view (none when too many cells show)."""
        n = len(self.labels)
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        if shown and n:
            rows = range(max(0, math.floor(y0)), min(n, math.ceil(y1)))
            cols = range(max(0, math.floor(x0)), min(n, math.ceil(x1)))
        else:
            rows = cols = range(0)
        key = (rows, cols, self._version)
        if key == self._placed:
            return
        self._placed = key
        while len(self._pool) < len(rows) * len(cols):
            text = pg.TextItem("", anchor=(0.5, 0.5))
            text.setFont(self.cell_font)
            self.plot.addItem(text)
            self._pool.append(text)
        top = max(1, int(self.matrix.max())) if self.matrix.size else 1
        used = 0
        for r in rows:
            for c in cols:
                true, predicted = self.order[r], self.order[c]
                count = int(self.matrix[true, predicted])
                text = self._pool[used]
                used += 1
                text.setPos(c + 0.5, r + 0.5)
                text.setText(self._number(true, predicted))
                text.setColor((255, 255, 255) if count / top > DARK_FROM else (20, 20, 20))
                text.setVisible(True)
        for text in self._pool[used:]:
            text.setVisible(False)

    def _number(self, true: int, predicted: int) -> str:
        count = int(self.matrix[true, predicted])
        return str(count) if count or true == predicted else "·"

    def zoom_to(self, true: int, predicted: int, cells: int = 8) -> None:
        """Zoom in around cell (true, predicted), ``cells`` rows and columns in view."""
        n = len(self.labels)
        r, c = self._position(true), self._position(predicted)
        # whole cells only, so that every tick label in view belongs to a whole row or column
        x0 = min(max(0, c - cells // 2), max(0, n - cells))
        y0 = min(max(0, r - cells // 2), max(0, n - cells))
        self.plot.setRange(xRange=(x0, x0 + cells), yRange=(y0, y0 + cells), padding=0)

    def zoom_out(self) -> None:
        """Show the whole matrix."""
        n = max(len(self.labels), 1)
        self.plot.setRange(xRange=(0, n), yRange=(0, n), padding=0)

    def tick_label(self, side: str, i: int) -> str:
        """Class ``i``'s label: "を wo" on the left, kana over romaji below.

        Stacked, a column label is as wide as its romaji: ten fit under a
        matrix 300 px wide, where "を wo" side by side ran together. Past
        :data:`NUMBERS_UP_TO` classes only the glyph ("を"), so that more of them fit.
        """
        label = self.labels[i]
        if len(self.labels) > NUMBERS_UP_TO and not self.numbers_shown():
            return label.split(" ", 1)[0]
        return label.replace(" ", "\n", 1) if side == "bottom" else label

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
        n = len(self.labels)
        if self.matrix.shape != (n, n):
            raise ValueError(f"a {n}×{n} matrix is needed, not {self.matrix.shape}")
        top = max(1, int(self.matrix.max())) if self.matrix.size else 1
        # No classes yet (a folder data set before its import): one empty cell, as pyqtgraph cannot scale 0×0.
        shown = self.matrix[np.ix_(self.order, self.order)] if n else np.zeros((1, 1), np.int64)
        self.image.setImage(shown.astype(np.float32), levels=(0, top), rect=QRectF(0, 0, max(n, 1), max(n, 1)))
        self.colorbar.setLevels((0, top))
        # An empty matrix (nothing evaluated yet) has no scale to read: a 0–1 key would mean nothing.
        self.colorbar.axis.setStyle(showValues=bool(self.matrix.any()))
        self._version += 1
        self._show_numbers()

    def cell_text(self, true: int, predicted: int) -> str:
        """The text of cell (true class, predicted class), wherever the order puts it (for tests and accessibility)."""
        return self.numbers_drawn().get((true, predicted)) or self._number(true, predicted)

    def numbers_drawn(self) -> dict[tuple[int, int], str]:
        """The numbers on screen now, by (true class, predicted class)."""
        found = {}
        for text in self._pool:
            if text.isVisible():
                pos = text.pos()
                found[(self.order[int(pos.y())], self.order[int(pos.x())])] = text.toPlainText()
        return found

    def select(self, true: int | None, predicted: int | None = None) -> None:
        """Outline one cell, or none."""
        if true is None or predicted is None:
            self.selected = None
            self.highlight.setVisible(False)
            return
        self.selected = (true, predicted)
        self.highlight.setRect(self._position(predicted), self._position(true), 1, 1)
        self.highlight.setVisible(True)

    def cell_position(self, true: int, predicted: int):
        """Where cell (true, predicted) lies in this widget's viewport (to click it)."""
        scene = self.plot.vb.mapViewToScene(QPointF(self._position(predicted) + 0.5, self._position(true) + 0.5))
        return self.mapFromScene(scene)

    def _on_scene_clicked(self, event) -> None:
        point = self.plot.vb.mapSceneToView(event.scenePos())
        col, row = int(np.floor(point.x())), int(np.floor(point.y()))
        n = len(self.labels)
        if 0 <= row < n and 0 <= col < n:
            true, predicted = self.order[row], self.order[col]
            self.select(true, predicted)
            self.cell_clicked.emit(true, predicted)
