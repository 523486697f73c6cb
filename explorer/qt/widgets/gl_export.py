"""Render an OpenGL 3-D view offscreen at any size, from its current camera.

API:

- :func:`render_view(view, width, height) <render_view>` -- a ``QImage`` of
  ``width`` × ``height`` pixels drawn by :meth:`GLViewWidget.renderToArray`
  (an offscreen framebuffer, not a screen grab), and the screen positions of
  the view's text labels (``GLTextItem``), which are hidden during the render
  so that they can be painted crisply on top with :func:`paint_labels`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QVector4D

from explorer.core.errors import UserError


def _text_items(view) -> list:
    import pyqtgraph.opengl as gl

    return [item for item in view.items if isinstance(item, gl.GLTextItem) and item.visible() and item.text]


def _initialise_offscreen(view) -> None:
    """Give a never-shown view its OpenGL context (the command line exports without a window).

    Only a view with no parent can be shown for this: one inside a hidden tab
    would need its whole window on screen.
    """
    if view.parentWidget() is None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.show()
        QApplication.processEvents()
        view.hide()
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
    if not view.isValid():
        raise UserError("the 3-D view has no OpenGL context yet: show it once, then export")


def render_view(view, width: int, height: int, scale: float = 1.0) -> tuple[QImage, list]:
    """Draw ``view`` into a ``width`` × ``height`` image; also return its labels' pixel positions.

    Points sized in pixels are drawn ``scale`` times larger, as the text is, so
    that a 2× file looks like the screen rather than like a sprinkling of dots.
    Labels come back as ``(x, y, text, QColor)`` in the image's pixels.

    Raises
    ------
    UserError
        When the view has never been shown (no OpenGL context yet) or OpenGL fails.
    """
    if not view.isValid():
        _initialise_offscreen(view)
    import pyqtgraph.opengl as gl

    labels = _text_items(view)
    for item in labels:
        item.setVisible(False)
    sized = [item for item in view.items if isinstance(item, gl.GLScatterPlotItem) and item.pxMode]
    sizes = [item.size for item in sized]
    for item, size in zip(sized, sizes, strict=True):
        item.setData(size=np.asarray(size, np.float32) * scale if isinstance(size, np.ndarray) else size * scale)
    try:
        array = view.renderToArray((width, height))
    except Exception as exc:  # noqa: BLE001 - PyOpenGL raises many types; the user needs one line
        raise UserError(f"the 3-D view could not be drawn offscreen: {exc}") from exc
    finally:
        for item in labels:
            item.setVisible(True)
        for item, size in zip(sized, sizes, strict=True):
            item.setData(size=size)
        view.update()
    # glReadPixels gave BGRA bytes, which is QImage's ARGB32 layout on little-endian machines;
    # on big-endian ones the bytes must be turned round. Alpha is forced opaque: blending
    # leaves it below 255 where translucent points are, and the page behind is white.
    array = np.ascontiguousarray(array)
    if np.little_endian is False:
        array = np.ascontiguousarray(array[..., ::-1])
    array[..., 3] = 255
    image = QImage(array.data, width, height, 4 * width, QImage.Format.Format_ARGB32).copy()
    matrix = view.projectionMatrix((0, 0, width, height), (0, 0, width, height)) * view.viewMatrix()
    placed = []
    for item in labels:
        x, y, z = (float(v) for v in item.pos)
        clip = matrix.map(QVector4D(x, y, z, 1.0))
        if clip.w() <= 0:
            continue  # behind the camera
        sx = (clip.x() / clip.w() + 1) / 2 * width
        sy = (1 - clip.y() / clip.w()) / 2 * height
        placed.append((sx, sy, item.text, QColor(item.color)))
    return image, placed


def paint_labels(painter: QPainter, labels, origin: QPointF, factor: float, pixel_size: int = 13) -> None:
    """Paint labels (pixel positions in the rendered image) onto the page.

    ``origin`` is where the image's top-left corner sits on the page and
    ``factor`` the page units per image pixel.
    """
    painter.save()
    font = QFont()
    font.setPixelSize(pixel_size)
    painter.setFont(font)
    for sx, sy, text, color in labels:
        painter.setPen(color)
        painter.drawText(QPointF(origin.x() + sx * factor + 3, origin.y() + sy * factor - 3), text)
    painter.restore()
