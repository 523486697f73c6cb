"""A rotatable, zoomable OpenGL view of points in three dimensions.

Used for hidden-unit trajectories: coloured points for every step of a batch,
the current sequence's path as a line, the current step as a large marker.
Items are created once and updated with ``setData``.
"""

from __future__ import annotations

import logging

import numpy as np

from explorer.qt.widgets.gl_export import load_triton_first

log = logging.getLogger(__name__)

load_triton_first()  # before pyqtgraph.opengl: see there
import pyqtgraph.opengl as gl  # noqa: E402 - after triton, see load_triton_first
from PySide6.QtCore import QTimer, Signal  # noqa: E402
from PySide6.QtGui import QColor, QVector3D, QVector4D  # noqa: E402

PRESETS = {
    # name: (elevation, azimuth) in degrees
    "front": (0, 0),
    "side": (0, 90),
    "top": (90, 0),
}
DEFAULT_VIEW = (25, 45)
#: The x, y and z axes' colours (0-255), for the lines, their tip letters and the caption that names them.
AXIS_RGB = ((204, 26, 26), (26, 153, 26), (26, 51, 204))
AXIS_LETTERS = "xyz"


class Scatter3DView(gl.GLViewWidget):
    """Drag to rotate, wheel to zoom; :meth:`reset_view` and :meth:`preset` for fixed angles."""

    #: Camera distance at reset, in multiples of the points' extent (smaller: closer).
    distance_factor = 2.6
    #: The camera moved or the view was resized (emitted once the event loop is back, never from paintGL).
    camera_moved = Signal()
    #: The :class:`~explorer.qt.widgets.gl_display.GLDisplay` that shows this view in a window (the view
    #: itself never joins one), or ``None``.
    displayed_by = None

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setBackgroundColor(QColor(255, 255, 255))
        self.setMinimumSize(320, 320)
        self._extent = 1.0
        self._center = np.zeros(3)
        self.axes = gl.GLLinePlotItem(mode="lines", width=2, antialias=True)
        self.addItem(self.axes)
        # Each axis's tip carries a short "x", "y" or "z" in its colour; the names are in a caption
        # beside the view (issue 19: "unit 0" at a tip near the edge was cut to "unit ‘").
        self.labels = [gl.GLTextItem(color=QColor(*rgb)) for rgb in AXIS_RGB]
        for label in self.labels:
            self.addItem(label)
        self.points = gl.GLScatterPlotItem(size=7, pxMode=True)
        self.points.setGLOptions("translucent")
        self.addItem(self.points)
        self.path = gl.GLLinePlotItem(width=2, color=(0.1, 0.1, 0.1, 0.9), antialias=True)
        self.addItem(self.path)
        self.current = gl.GLScatterPlotItem(size=18, pxMode=True, color=(0, 0, 0, 1))
        self.current.setGLOptions("translucent")  # opaque black vanishes under the default blending
        self.current.setVisible(False)
        self.addItem(self.current)
        self.marker = gl.GLScatterPlotItem(size=14, pxMode=True, color=(0, 0, 0, 1))
        self.marker.setGLOptions("translucent")
        self.marker.setVisible(False)
        self.addItem(self.marker)
        self.set_axis_labels("unit 0", "unit 1", "unit 2")
        self.reset_view()

    def set_axis_labels(self, x: str, y: str, z: str) -> None:
        """What each axis shows (named in :meth:`axes_caption`; the tips carry x, y, z)."""
        self._names = (x, y, z)
        self._place_axes()

    def axis_names(self) -> tuple[str, str, str]:
        return self._names

    def axes_caption(self) -> str:
        """Rich text naming each axis in its colour: "x unit 0 · y unit 1 · z state"."""
        from html import escape

        return " · ".join(f"<b style='color:#{r:02x}{g:02x}{b:02x}'>{letter}</b> {escape(name)}"
                          for letter, (r, g, b), name in zip(AXIS_LETTERS, AXIS_RGB, self._names, strict=True))

    def set_points(self, positions: np.ndarray, colors: np.ndarray) -> None:
        """All points (N×3) with RGBA colours (N×4, in [0, 1]); fits the view around them."""
        positions = np.asarray(positions, dtype=np.float32).reshape(-1, 3)
        self.points.setData(pos=positions, color=np.asarray(colors, dtype=np.float32))
        if len(positions):
            lo, hi = positions.min(axis=0), positions.max(axis=0)
            self._center = (lo + hi) / 2
            self._extent = float(max(np.max(hi - lo), 1e-3))
        self._place_axes()

    def set_path(self, positions: np.ndarray) -> None:
        positions = np.asarray(positions, dtype=np.float32).reshape(-1, 3)
        self.path.setData(pos=positions if len(positions) > 1 else np.zeros((0, 3), np.float32))

    def set_current(self, position: np.ndarray | None, color=(0, 0, 0, 1)) -> None:
        self._set_single(self.current, position, color)

    def set_marker(self, position: np.ndarray | None) -> None:
        """A separate black marker, e.g. the SRN's initial state."""
        self._set_single(self.marker, position, (0, 0, 0, 1))

    @staticmethod
    def _set_single(item: gl.GLScatterPlotItem, position, color) -> None:
        # An empty point list makes some GL drivers complain: hide the item instead.
        item.setVisible(position is not None)
        if position is not None:
            item.setData(pos=np.asarray(position, np.float32).reshape(1, 3), color=color)

    def _place_axes(self) -> None:
        c, e = self._center, self._extent * 0.6
        lo = c - e
        ends = []
        colors = []
        for axis, rgb in enumerate(tuple(v / 255 for v in rgb) for rgb in AXIS_RGB):
            tip = lo.copy()
            tip[axis] = c[axis] + e
            ends += [lo, tip]
            colors += [(*rgb, 1.0)] * 2
            self.labels[axis].setData(pos=tip, text=AXIS_LETTERS[axis])
        self.axes.setData(pos=np.array(ends, np.float32), color=np.array(colors, np.float32))

    def to_screen(self, positions: np.ndarray) -> np.ndarray:
        """Where points (N×3) are drawn, in the widget's pixels (N×2; NaN behind the camera)."""
        viewport = self.getViewport()
        mvp = self.projectionMatrix(viewport, viewport) * self.viewMatrix()
        out = np.full((len(positions), 2), np.nan)
        for i, (x, y, z) in enumerate(np.asarray(positions, float).reshape(-1, 3)):
            v = mvp.map(QVector4D(float(x), float(y), float(z), 1.0))
            if v.w() > 1e-9:
                out[i] = ((v.x() / v.w() + 1) / 2 * self.width(), (1 - v.y() / v.w()) / 2 * self.height())
        return out

    def _camera_changed(self) -> None:
        """Say, once the event loop is back, that the camera moved (labels are thinned then)."""
        if not getattr(self, "_camera_pending", False):
            self._camera_pending = True
            QTimer.singleShot(0, self._emit_camera)

    def _emit_camera(self) -> None:
        self._camera_pending = False
        self.camera_moved.emit()

    def setCameraPosition(self, *args, **kwargs) -> None:  # noqa: N802 - pyqtgraph override
        super().setCameraPosition(*args, **kwargs)
        self._camera_changed()

    def orbit(self, azim, elev) -> None:
        super().orbit(azim, elev)
        self._camera_changed()

    def pan(self, *args, **kwargs) -> None:
        super().pan(*args, **kwargs)
        self._camera_changed()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().wheelEvent(event)
        self._camera_changed()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._camera_changed()

    def display_resized(self) -> None:
        """The display showing this view took a new size (and gave it to the view)."""
        self._camera_changed()

    def update(self, *args) -> None:  # noqa: D102 - Qt override
        # pyqtgraph's view and items ask for a repaint here; the display paints the new frame.
        super().update(*args)
        if self.displayed_by is not None:
            self.displayed_by.view_changed()

    def reset_view(self) -> None:
        self.preset_angles(*DEFAULT_VIEW)

    def preset(self, name: str) -> None:
        self.preset_angles(*PRESETS[name])

    def preset_angles(self, elevation: float, azimuth: float) -> None:
        self.setCameraPosition(
            pos=QVector3D(*map(float, self._center)), distance=self._extent * self.distance_factor,
            elevation=elevation, azimuth=azimuth,
        )
