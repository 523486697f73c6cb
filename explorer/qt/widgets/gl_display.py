"""An OpenGL view shown as a picture in an ordinary widget (issue 20).

A ``QOpenGLWidget`` anywhere in a window makes Qt compose the whole window
through OpenGL from then on. With a software renderer (Mesa's llvmpipe: virtual
machines, remote desktops, computers without a GPU driver) every repaint of any
widget in any tab then cost 15-36 ms instead of 0.4, the window's process used a
third of a core while a net trained, and the MLP trained at 0.71 of its speed.

So the 3-D view never joins the window. It stays a hidden top-level
``GLViewWidget`` that renders off screen (``grabFramebuffer`` renders a hidden
widget in a context and framebuffer of its own), and :class:`GLDisplay`, an
ordinary widget in the layout, paints its frames and hands it the mouse, the
wheel and the keys. The window stays raster-composed; the view keeps its size,
camera, items and exports as before. Without OpenGL the display says so.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import QApplication, QWidget

NO_OPENGL = "The 3-D view needs OpenGL, which this display does not offer"


class GLDisplay(QWidget):
    """Shows ``view`` (a hidden pyqtgraph ``GLViewWidget`` that calls :meth:`view_changed` from its ``update``)."""

    def __init__(self, view, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.frames = 0  # frames the view rendered for us
        self._frame = None  # the last one, painted again while the view has not changed (another widget's repaint)
        self.no_opengl = False  # the view could not render here (found at the first try; not tried again)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is the view's
        view.displayed_by = self
        view.setMinimumSize(1, 1)  # our size, whatever the layout gives us
        # The view has no parent (a parent in the window would bring the OpenGL composition back): it goes with us.
        self.destroyed.connect(view.deleteLater)

    def view_changed(self) -> None:
        """The view's contents or camera changed: paint a new frame with the window's next repaint."""
        self._frame = None
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(320, 320)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._frame = None
        old = self.view.size()
        self.view.resize(event.size())
        if self.view.isValid():
            # A hidden widget gets its resize event only when shown, which this one never is: the view's
            # framebuffer and projection follow our size now. (Not before its first frame: the event would
            # make its OpenGL context, which a figure drawn by the command line must not have.)
            QApplication.sendEvent(self.view, QResizeEvent(event.size(), old))
        resized = getattr(self.view, "display_resized", None)
        if resized is not None:
            resized()

    def frame(self):
        """The view rendered at our size (a ``QImage``), or ``None`` where there is no OpenGL."""
        if self._frame is not None:
            return self._frame
        if self.no_opengl or self.width() <= 0 or self.height() <= 0:
            return None
        image = self.view.grabFramebuffer()
        if image.isNull():
            # No context could be made (each try would only say so again); a context that gave no frame
            # this once is tried again at the next repaint.
            self.no_opengl = not self.view.isValid()
            return None
        self.frames += 1
        self._frame = image
        return image

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        try:
            image = self.frame()
            if image is None:
                painter.fillRect(self.rect(), self.palette().window())
                painter.drawText(self.rect().adjusted(8, 8, -8, -8),
                                 Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, NO_OPENGL)
            else:
                painter.drawImage(self.rect(), image)
        finally:
            painter.end()

    # The view turns and zooms as before: its handlers get our events (the same coordinates: same size).
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.mouseReleaseEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.wheelEvent(event)
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.keyReleaseEvent(event)
