"""One unit's region of the input plane, its dividing line and the data points."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QImage

from explorer.core.mlp.analysis import DividingLine, RegionGrid
from explorer.qt.widgets.axes import plain_axes
from explorer.qt.widgets.export_dialog import install_export_action
from explorer.qt.widgets.figure_export import Figure

# Off = pale grey, on = pale blue; the same two colours in every region plot.
REGION_MAP = pg.ColorMap([0.0, 1.0], [QColor(236, 236, 236), QColor(150, 190, 240)])
TARGET_BRUSHES = (pg.mkBrush(255, 255, 255), pg.mkBrush(20, 20, 20))
WRONG_PEN = pg.mkPen(220, 30, 30, width=3)
RIGHT_PEN = pg.mkPen(40, 40, 40, width=1.2)
#: Points drawn per plot at most: a million scatter points would freeze the window on every
#: change; beyond this an even sample is drawn and the title says so.
MAX_SHOWN_POINTS = 2_000
LEGEND = (("unit on (output ≥ 0.5)", QColor(150, 190, 240)), ("unit off", QColor(236, 236, 236)),
          ("black dot: target 1", QColor(20, 20, 20)), ("white dot: target 0", QColor(255, 255, 255)),
          ("red ring: misclassified", QColor(220, 30, 30)))


class RegionImage(pg.ImageItem):
    """The shading, kept as an RGB32 picture: the format Qt paints fastest.

    pyqtgraph turns a float image with a colour table into an indexed 8-bit QImage,
    which Qt converts to RGB at every paint: 0.28 ms against 0.04 ms for RGB32 for a
    60x60 image drawn at 400x300 px here (0.37 against 0.05 ms at 120x120), every
    plot, every repaint. The region colours are opaque, so the picture is converted
    once, when it changes.
    """

    def render(self) -> None:
        super().render()
        if self.qimage is not None and self.qimage.format() != QImage.Format.Format_RGB32:
            self.qimage = self.qimage.convertToFormat(QImage.Format.Format_RGB32)


class RegionPlot(pg.PlotWidget):
    """Shaded where the unit is on, the line where it switches, points on top.

    Points are hollow (target 0) or filled (target 1); a thick red ring marks
    a point the network gets wrong. Clicking a point emits
    :attr:`point_clicked`; clicking elsewhere emits :attr:`plane_clicked`.
    """

    point_clicked = Signal(int)
    plane_clicked = Signal(float, float, object)

    def __init__(self, title: str = "", parent=None):
        super().__init__(parent=parent)
        # Three to a row beside the controls at 1024 px, two rows above the table and curves at 1024×700.
        self.setMinimumSize(165, 140)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().setTitle(title)
        self.image = RegionImage(levels=(0.0, 1.0))
        self.image.setLookupTable(REGION_MAP.getLookupTable(nPts=256))
        self.addItem(self.image)
        self.line = pg.PlotDataItem(pen=pg.mkPen(30, 60, 160, width=2, style=Qt.PenStyle.DashLine))
        self.addItem(self.line)
        # One scatter item per look (target 0/1 × right/wrong), each with one pen and brush: styling
        # 2,000 points one by one took ~35 ms a plot, on the GUI thread, on every change of the net.
        self.point_items: dict[tuple[int, bool], pg.ScatterPlotItem] = {}
        for target in (0, 1):
            for right in (True, False):
                item = pg.ScatterPlotItem(size=13, hoverable=True, hoverSize=16, brush=TARGET_BRUSHES[target],
                                          pen=RIGHT_PEN if right else WRONG_PEN)
                item.sigClicked.connect(self._on_points_clicked)
                self.addItem(item)
                self.point_items[(target, right)] = item
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.setLabel("bottom", "x")
        self.setLabel("left", "y")
        plain_axes(self)
        for side in ("left", "bottom"):
            # Room for the tick labels only grows (from pyqtgraph's 30 px): shrinking it to fit "0 1 2", then
            # growing it for "-3 -2" re-laid out the plot and drew every axis twice on a new data set.
            self.getAxis(side).setStyle(autoReduceTextSpace=False)
        self.getPlotItem().vb.disableAutoRange()
        self._point_hit = False
        self._shown: dict[str, object] = {}
        #: The export title and note (unit, activation, scale, equation); set by the grid.
        self.export_title = title
        self.export_note = ""
        install_export_action(self, self.figure)

    def figure(self) -> Figure:
        """This plot as a report figure: title, note, axis labels and the legend of its colours."""
        return Figure(self, title=self.export_title, note=self.export_note, x_label="x", y_label="y",
                      legend=LEGEND, aspect=1.3)

    def title_text(self) -> str:
        """The title shown above the plot."""
        return self.getPlotItem().titleLabel.text

    def show_region(
        self,
        grid: RegionGrid,
        points: np.ndarray,
        targets: np.ndarray,
        correct: np.ndarray | None,
        line: DividingLine | None = None,
        title: str | None = None,
    ) -> None:
        """Update every item in place (nothing is re-created)."""
        x0, x1, y0, y1 = grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1]
        self.image.setImage(grid.values.astype(np.float32), levels=(0.0, 1.0), autoLevels=False)
        rect = (x0, y0, x1 - x0, y1 - y0)
        # Always: setImage with a new resolution (live 60 px, then 120 px) keeps the old
        # per-pixel scale, so a cached rect left the shading on part of the view only.
        self.image.setRect(pg.QtCore.QRectF(*rect))
        if self._shown.get("rect") != rect:
            self.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
            self._shown["rect"] = rect
        segment = line.segment((x0, x1), (y0, y1)) if line is not None else None
        if segment is None:
            self.line.setData([], [])
        else:
            (ax, ay), (bx, by) = segment
            self.line.setData([ax, bx], [ay, by])
        # Points change far less often than the region: only touch the items whose points do. The
        # keys are made of the points drawn (at most MAX_SHOWN_POINTS), not of a million points' bytes.
        shown = shown_points(len(targets))
        ok = np.ones(len(shown), bool) if correct is None else np.asarray(correct, bool)[shown]
        drawn_targets = targets[shown]
        for look, item in self.point_items.items():
            picked = shown[(drawn_targets == look[0]) & (ok == look[1])]
            xy = points[picked]
            key = (picked.tobytes(), xy.tobytes())
            if self._shown.get(look) != key:
                item.setData(x=xy[:, 0], y=xy[:, 1], data=picked)
                item.setVisible(len(picked) > 0)  # an empty item still costs its bounds and a paint call every repaint
                self._shown[look] = key
        if title is not None and self._shown.get("title") != title:
            self.getPlotItem().setTitle(title, size="8pt")  # "h0: y = 0.3623·x + 0.1295" fits 165 px
            self._shown["title"] = title

    def rings(self) -> int:
        """How many of the points drawn carry the red ring of a point the net gets wrong."""
        return sum(len(item.data) for (_target, right), item in self.point_items.items() if not right)

    def visible_region(self) -> tuple[float, float, float, float]:
        """``(x0, y0, width, height)`` the shading covers, in data units."""
        r = self.image.mapRectToParent(self.image.boundingRect())
        return r.x(), r.y(), r.width(), r.height()

    def _on_points_clicked(self, _item, spots, _event=None) -> None:
        if len(spots):
            self._point_hit = True
            self.point_clicked.emit(int(spots[0].data()))

    def _on_scene_clicked(self, event) -> None:
        if self._point_hit:
            self._point_hit = False
            return
        if event.button() != Qt.MouseButton.LeftButton or event.isAccepted():
            return
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        pos: QPointF = vb.mapSceneToView(event.scenePos())
        self.plane_clicked.emit(float(pos.x()), float(pos.y()), event.modifiers())


def shown_points(n: int) -> np.ndarray:
    """Indices of the points drawn: all of them, or an even sample of :data:`MAX_SHOWN_POINTS`."""
    if n <= MAX_SHOWN_POINTS:
        return np.arange(n)
    # Steps of (n - 1) / (MAX_SHOWN_POINTS - 1) > 1 never repeat an index once floored, so no np.unique
    # (its sort let go of the GIL and the window waited for a worker to hand it back, on every redraw).
    return np.linspace(0, n - 1, MAX_SHOWN_POINTS).astype(np.int64)
