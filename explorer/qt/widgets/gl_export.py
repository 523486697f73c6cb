"""Render an OpenGL 3-D view offscreen at any size, from its current camera.

API:

- :func:`render_view(view, width, height) <render_view>` -- a ``QImage`` of
  ``width`` × ``height`` pixels drawn by :meth:`GLViewWidget.renderToArray`
  (an offscreen framebuffer, not a screen grab), and the screen positions of
  the view's text labels (``GLTextItem``), which are hidden during the render
  so that they can be painted crisply on top with :func:`paint_labels`.
  A view never shown (the command line's, a renderer's) is drawn in a context of its own.
- :func:`opengl_available` -- whether this process can draw 3-D views at all, found by making an
  OpenGL context for real (Qt's ``offscreen`` platform has one through GLX when a display is set;
  ``xcb`` may have none), not from the platform's name.
"""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QSurfaceFormat, QVector4D

from explorer.core.errors import UserError

log = logging.getLogger(__name__)


@functools.cache
def load_triton_first() -> None:
    """Load triton's LLVM before Mesa's (llvmpipe) OpenGL: the other order crashes the process.

    torch's optimisers import torch._dynamo, and with it triton, on first use;
    if an OpenGL context is already up, loading libtriton then segfaults. So it
    must run before the first context, not at it: the 3-D view's module calls it
    on import, the command line imports that before its QApplication, and the
    OpenGL tests' conftest calls it first.
    """
    try:
        import triton  # noqa: F401
    except (ImportError, OSError, RuntimeError) as exc:  # absent or broken: then nothing can clash
        log.debug("triton not loaded before OpenGL: %s", exc)


def _text_items(view) -> list:
    import pyqtgraph.opengl as gl

    return [item for item in view.items if isinstance(item, gl.GLTextItem) and item.visible() and item.text]


def opengl_available() -> bool:
    """Whether an OpenGL context can be made and used here (found once per process, on the GUI thread,
    once the application object exists; ``False`` before)."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        return False
    return _make_a_context()


@functools.cache
def _make_a_context() -> bool:
    try:
        with _private_context():
            return True
    except UserError:
        return False


@contextmanager
def _private_context():
    """A current OpenGL context on an offscreen surface, in the app's share group (pyqtgraph keeps its
    shaders per class, so every context that draws its items must share). Raises :class:`UserError`."""
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    context = QOpenGLContext()
    share = QOpenGLContext.globalShareContext()
    if share is not None:
        context.setShareContext(share)
    if not context.create():
        raise UserError("there is no OpenGL here (no display, or one without GLX)")
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not surface.isValid() or not context.makeCurrent(surface):
            raise UserError("OpenGL could not draw offscreen here")
        vao = None
        if context.format().profile() == QSurfaceFormat.OpenGLContextProfile.CoreProfile:
            from PySide6.QtOpenGL import QOpenGLVertexArrayObject

            vao = QOpenGLVertexArrayObject()  # a core profile draws nothing without one bound
            vao.create()
            vao.bind()
        try:
            yield context
        finally:
            if vao is not None:
                vao.destroy()
            context.doneCurrent()
    finally:
        surface.destroy()


def _render_unshown(view, width: int, height: int):
    """``view.renderToArray`` in a private context: a view never shown has none of its own, and Qt's
    ``offscreen`` platform cannot give it one (no QOpenGLWidget there) though it can make contexts."""
    with _private_context():
        for item in view.items:
            if not item.isInitialized():
                item.initialize()
        # QOpenGLWidget.makeCurrent does nothing on a widget never initialised: ours stays current.
        return view.renderToArray((width, height))


def render_view(view, width: int, height: int, scale: float = 1.0) -> tuple[QImage, list]:
    """Draw ``view`` into a ``width`` × ``height`` image; also return its labels' pixel positions.

    Points sized in pixels are drawn ``scale`` times larger, as the text is, so
    that a 2× file looks like the screen rather than like a sprinkling of dots.
    Labels come back as ``(x, y, text, QColor)`` in the image's pixels.

    Raises
    ------
    UserError
        When there is no OpenGL here (:func:`opengl_available`) or it fails.
    """
    unshown = not view.isValid()
    if unshown and not opengl_available():
        raise UserError("there is no OpenGL here (no display, or one without GLX)")
    import pyqtgraph.opengl as gl

    labels = _text_items(view)
    for item in labels:
        item.setVisible(False)
    sized = [item for item in view.items if isinstance(item, gl.GLScatterPlotItem) and item.pxMode]
    sizes = [item.size for item in sized]
    for item, size in zip(sized, sizes, strict=True):
        item.setData(size=np.asarray(size, np.float32) * scale if isinstance(size, np.ndarray) else size * scale)
    try:
        array = _render_unshown(view, width, height) if unshown else view.renderToArray((width, height))
    except UserError:
        raise
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
