"""The extracted machine drawn over the state views: centroids, transitions and cluster regions.

:class:`PairOverlay` adds to one 2-D pair/PCA view: each machine state's
centroid as a square labelled with its number, its cluster's region as a
2-σ ellipse of its points, and each transition as an arrow between centroids
coloured by the symbol read (:data:`~explorer.qt.recurrent.fsm_diagram.SYMBOL_COLOURS`).
:class:`GLOverlay` does the same in the OpenGL view with ``GLScatterPlotItem``,
``GLLinePlotItem`` (arrows: a thin shaft and a thick head segment) and
``GLTextItem`` labels, so they rotate with the view. Both ring the
machine's state at the current step (red where machine and net disagree)
and emphasise a hovered state. Items are made once and kept: a new machine
reuses those of the machine before (the ones it does not need are hidden),
since making and adding pyqtgraph items cost the window 100 ms and more after
every training (issue 20); stepping only moves the ring.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal, Slot
from PySide6.QtGui import QBrush, QTransform
from PySide6.QtWidgets import QGraphicsEllipseItem

from explorer.qt.recurrent.fsm_diagram import AGREE_RING, DISAGREE_RING, state_colour, symbol_colour


def _rgba(colour, alpha: float = 1.0) -> tuple[float, float, float, float]:
    return (colour.redF(), colour.greenF(), colour.blueF(), alpha)


class PairOverlay(QObject):
    """Machine items over one :class:`~explorer.qt.recurrent.pair_views.PairView`."""

    #: The user hovers a centroid (its state) or leaves (-1).
    state_hovered = Signal(int)

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.centres = pg.ScatterPlotItem(size=12, symbol="s", pen=pg.mkPen((0, 0, 0), width=1.2), hoverable=True)
        self.centres.setZValue(30)
        self.centres.sigHovered.connect(self._on_hovered)
        self.ring = pg.ScatterPlotItem(size=24, symbol="o", brush=None, pen=pg.mkPen(AGREE_RING, width=3))
        self.ring.setZValue(31)
        self.cross = pg.ScatterPlotItem(size=16, symbol="x", pen=None, brush=pg.mkBrush(DISAGREE_RING))
        self.cross.setZValue(32)
        for item in (self.centres, self.ring, self.cross):
            view.addItem(item)
        # The machine's items (the ones shown); the pools hold every item made, shown or not.
        self.labels: list[pg.TextItem] = []
        self.regions: list[QGraphicsEllipseItem] = []
        self.arrows: list[tuple[pg.PlotDataItem, pg.ArrowItem, np.ndarray, np.ndarray]] = []
        self._label_pool: list[pg.TextItem] = []
        self._region_pool: list[QGraphicsEllipseItem] = []
        self._arrow_pool: list[tuple[pg.PlotDataItem, pg.ArrowItem]] = []
        self.xy = np.zeros((0, 2))
        self.shown = {"centroids": True, "transitions": True, "regions": True}
        self.crowded: set[int] = set()  # states whose number would overlap another's: not written
        view.getViewBox().sigTransformChanged.connect(self._aim_heads)
        view.getViewBox().sigTransformChanged.connect(self._thin_labels)

    def clear(self) -> None:
        """Show no machine (its items are hidden, kept for the next one)."""
        for item in [*self.labels, *self.regions, *(a for pair in self.arrows for a in pair[:2])]:
            item.setVisible(False)
        self.labels, self.regions, self.arrows = [], [], []
        self.crowded = set()
        self.xy = np.zeros((0, 2))
        self.centres.setData(pos=np.zeros((0, 2)))
        self.set_current(None)

    def set_machine(self, centroids: np.ndarray, clouds: list[np.ndarray], transitions: list[tuple[int, int, str]]) -> None:
        """Centroids (S, 2), each state's points (for its region) and ``(source, target, symbol)`` moves."""
        self.clear()
        count = len(centroids)
        self.xy = np.asarray(centroids, float).reshape(-1, 2)
        colours = [state_colour(s, count) for s in range(count)]
        self.centres.setData(pos=self.xy, brush=[pg.mkBrush(c) for c in colours], data=list(range(count)))
        span = np.ptp(np.vstack([*clouds, self.xy]), axis=0) if count else np.ones(2)
        floor = 0.015 * max(float(span.max()), 1e-3)
        for s in range(count):
            if s < len(self._label_pool):
                label = self._label_pool[s]
                label.setText(str(s))
            else:
                label = pg.TextItem(str(s), color=(0, 0, 0), anchor=(-0.2, 1.1))
                label.setZValue(33)
                self.view.addItem(label)
                self._label_pool.append(label)
            label.setPos(*self.xy[s])
            self.labels.append(label)
            self.regions.append(self._region(s, clouds[s], colours[s], floor))
        for source, target, symbol in transitions:
            if source == target:
                continue  # a self-loop has no length between centroids; the diagram shows it
            p, q = self.xy[source], self.xy[target]
            colour = symbol_colour(symbol)
            tip = p + 0.85 * (q - p)  # stop short of the centroid square
            if len(self.arrows) < len(self._arrow_pool):
                line, head = self._arrow_pool[len(self.arrows)]
                line.setData([p[0], tip[0]], [p[1], tip[1]])
                line.setPen(pg.mkPen(colour, width=1.6))
                head.setPos(*tip)
                head.setStyle(brush=colour)
            else:
                line = pg.PlotDataItem([p[0], tip[0]], [p[1], tip[1]], pen=pg.mkPen(colour, width=1.6))
                line.setZValue(25)
                head = pg.ArrowItem(pos=tuple(tip), headLen=11, tipAngle=35, pen=None, brush=colour)
                head.setZValue(26)
                self.view.addItem(line)
                self.view.addItem(head)
                self._arrow_pool.append((line, head))
            self.arrows.append((line, head, p, tip))
        self._aim_heads()
        self._thin_labels()

    def label_rect(self, state: int):
        """Where state ``state``'s number is drawn, in the view's pixels (``None`` before the view is laid out)."""
        label = self.labels[state]
        at = self.view.getViewBox().mapViewToDevice(pg.Point(*self.xy[state]))
        if at is None:
            return None
        size = label.textItem.boundingRect()
        ax, ay = label.anchor.x(), label.anchor.y()
        return QRectF(at.x() - ax * size.width(), at.y() - ay * size.height(), size.width(), size.height())

    @Slot()
    def _thin_labels(self, *_args) -> None:
        """Write a state's number only where it overlaps no number already written (issue 19: they piled up).

        Lower states first (the start and the counting states); a hidden number is still in the
        centroid's hover text and in the diagram.
        """
        placed: list[QRectF] = []
        crowded = set()
        for state in range(len(self.labels)):
            rect = self.label_rect(state)
            if rect is None:
                continue
            if any(rect.adjusted(1, 1, -1, -1).intersects(other) for other in placed):
                crowded.add(state)
            else:
                placed.append(rect)
        self.crowded = crowded
        self.apply_visibility()

    def _region(self, state: int, cloud: np.ndarray, colour, floor: float) -> QGraphicsEllipseItem:
        """The 2-σ ellipse of ``cloud`` (M, 2): a unit circle mapped by the covariance's square root."""
        cloud = np.asarray(cloud, float).reshape(-1, 2)
        centre = cloud.mean(axis=0) if len(cloud) else np.zeros(2)
        cov = np.cov(cloud.T) if len(cloud) > 2 else np.zeros((2, 2))
        values, vectors = np.linalg.eigh(np.atleast_2d(cov))
        m = vectors @ np.diag(np.maximum(2 * np.sqrt(np.clip(values, 0, None)), floor))
        if state < len(self._region_pool):
            item = self._region_pool[state]
        else:
            item = QGraphicsEllipseItem(QRectF(-1, -1, 2, 2))
            item.setZValue(-5)  # under the points
            self.view.addItem(item)
            self._region_pool.append(item)
        item.setTransform(QTransform(m[0, 0], m[1, 0], m[0, 1], m[1, 1], centre[0], centre[1]))
        colour = pg.mkColor(colour)
        item.setPen(pg.mkPen(colour, width=1.5))
        fill = pg.mkColor(colour)
        fill.setAlpha(45)
        item.setBrush(QBrush(fill))
        return item

    @Slot()
    def _aim_heads(self, *_args) -> None:
        """Arrow heads are drawn in pixels: aim each along its line as it appears on screen now."""
        box = self.view.getViewBox()
        for _line, head, p, tip in self.arrows:
            a, b = box.mapViewToDevice(pg.Point(*p)), box.mapViewToDevice(pg.Point(*tip))
            if a is None or b is None:
                continue
            # pyqtgraph's arrow points left at angle 0 and turns clockwise on screen.
            head.setStyle(angle=math.degrees(math.atan2(b.y() - a.y(), b.x() - a.x())) + 180)

    def show(self, what: str, visible: bool) -> None:
        self.shown[what] = visible
        self.apply_visibility()

    def apply_visibility(self) -> None:
        self.centres.setVisible(self.shown["centroids"])
        for state, label in enumerate(self.labels):
            label.setVisible(self.shown["centroids"] and state not in self.crowded)
        for line, head, *_ in self.arrows:
            line.setVisible(self.shown["transitions"])
            head.setVisible(self.shown["transitions"])
        for region in self.regions:
            region.setVisible(self.shown["regions"])

    def set_current(self, state: int | None, agree: bool = True) -> None:
        """Ring the current machine state's centroid; a red ring and × where machine and net disagree."""
        if state is None or not 0 <= state < len(self.xy):
            self.ring.setData(pos=np.zeros((0, 2)))
            self.cross.setData(pos=np.zeros((0, 2)))
            return
        self.ring.setData(pos=self.xy[state : state + 1], pen=pg.mkPen(AGREE_RING if agree else DISAGREE_RING, width=3))
        self.cross.setData(pos=np.zeros((0, 2)) if agree else self.xy[state : state + 1])

    def set_hovered(self, state: int | None) -> None:
        """Emphasise the hovered state's region (the others fade)."""
        for s, region in enumerate(self.regions):
            colour = region.pen().color()
            fill = pg.mkColor(colour)
            fill.setAlpha(120 if s == state else (20 if state is not None else 45))
            region.setBrush(QBrush(fill))
            region.setPen(pg.mkPen(colour, width=3.5 if s == state else 1.5))

    @Slot(object, object, object)
    def _on_hovered(self, _item, points, _event) -> None:
        self.state_hovered.emit(int(points[0].data()) if len(points) else -1)


class GLOverlay:
    """Machine items in the OpenGL view: they are scene items, so they turn with the camera."""

    def __init__(self, view):
        import pyqtgraph.opengl as gl
        from PySide6.QtGui import QColor

        self.gl, self.view, self._qcolor = gl, view, QColor
        self.centres = gl.GLScatterPlotItem(size=14, pxMode=True)
        self.shafts = gl.GLLinePlotItem(mode="lines", width=2, antialias=True)
        self.heads = gl.GLLinePlotItem(mode="lines", width=7, antialias=True)
        self.ring = gl.GLScatterPlotItem(size=28, pxMode=True)
        self.hover = gl.GLScatterPlotItem(size=22, pxMode=True, color=(0, 0, 0, 1))
        for item in (self.centres, self.shafts, self.heads, self.ring, self.hover):
            item.setGLOptions("translucent")
            item.setVisible(False)
            view.addItem(item)
        self.labels: list = []
        self.xyz = np.zeros((0, 3), np.float32)
        self.shown = {"centroids": True, "transitions": True}
        self.segments = 0
        self.crowded: set[int] = set()  # states whose number would sit on another's on screen: not written
        if hasattr(view, "camera_moved"):
            view.camera_moved.connect(self.thin_labels)

    def thin_labels(self) -> None:
        """Write a state's number only where no lower state's number is on screen (issue 19: they piled up)."""
        if not len(self.xyz) or not hasattr(self.view, "to_screen") or self.view.width() <= 0 \
                or self.view.height() <= 0:
            return  # not laid out yet: thinned on its first resize
        at = self.view.to_screen(self.xyz)
        placed: list[np.ndarray] = []
        crowded = set()
        for state, point in enumerate(at):
            if np.isnan(point).any() or any(abs(point[0] - q[0]) < 16 and abs(point[1] - q[1]) < 13 for q in placed):
                crowded.add(state)
            else:
                placed.append(point)
        if crowded != self.crowded:
            self.crowded = crowded
            self.apply_visibility()

    def set_machine(self, centroids: np.ndarray, transitions: list[tuple[int, int, str]]) -> None:
        """Centroids (S, 3) in the view's current axes, and the ``(source, target, symbol)`` moves."""
        self.xyz = np.asarray(centroids, np.float32).reshape(-1, 3)
        count = len(self.xyz)
        colours = np.array([_rgba(state_colour(s, count)) for s in range(count)], np.float32).reshape(-1, 4)
        if count:
            self.centres.setData(pos=self.xyz, color=colours)
        while len(self.labels) < count:
            label = self.gl.GLTextItem(color=self._qcolor(0, 0, 0))
            self.view.addItem(label)
            self.labels.append(label)
        for s, label in enumerate(self.labels):
            if s < count:
                label.setData(pos=self.xyz[s], text=str(s))
        self.crowded = set()
        shafts, heads, colour_rows = [], [], []
        for source, target, symbol in transitions:
            if source == target:
                continue
            p, q = self.xyz[source], self.xyz[target]
            tip, neck = p + 0.88 * (q - p), p + 0.7 * (q - p)
            shafts += [p, neck]
            heads += [neck, tip]
            colour_rows += [_rgba(symbol_colour(symbol))] * 2
        self.segments = len(shafts) // 2
        if shafts:
            c = np.array(colour_rows, np.float32)
            self.shafts.setData(pos=np.array(shafts, np.float32), color=c)
            self.heads.setData(pos=np.array(heads, np.float32), color=c)
        self.apply_visibility()
        self.thin_labels()

    def show(self, what: str, visible: bool) -> None:
        if what in self.shown:
            self.shown[what] = visible
            self.apply_visibility()

    def apply_visibility(self) -> None:
        has = len(self.xyz) > 0
        self.centres.setVisible(has and self.shown["centroids"])
        for s, label in enumerate(self.labels):
            visible = has and s < len(self.xyz) and self.shown["centroids"] and s not in self.crowded
            if label.visible() != visible:  # each change repaints the view
                label.setVisible(visible)
        for item in (self.shafts, self.heads):
            item.setVisible(self.segments > 0 and self.shown["transitions"])

    def set_current(self, state: int | None, agree: bool = True) -> None:
        visible = state is not None and 0 <= state < len(self.xyz)
        self.ring.setVisible(visible)
        if visible:
            colour = tuple(c / 255 for c in (AGREE_RING if agree else DISAGREE_RING)) + (0.55,)
            self.ring.setData(pos=self.xyz[state : state + 1], color=colour)

    def set_hovered(self, state: int | None) -> None:
        visible = state is not None and 0 <= state < len(self.xyz)
        self.hover.setVisible(visible)
        if visible:
            self.hover.setData(pos=self.xyz[state : state + 1])
