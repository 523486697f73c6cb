"""The 3-D view's display without OpenGL (Qt's offscreen platform has no QOpenGLWidget): it says so, once (issue 20)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QApplication

from explorer.qt.widgets.gl_display import GLDisplay


@pytest.fixture
def views(qtbot):
    if QApplication.platformName() != "offscreen":
        pytest.skip("about a platform without OpenGL widgets (the OpenGL tests cover a real context)")
    from explorer.qt.recurrent.views import StateViews

    views = StateViews()
    qtbot.addWidget(views)
    views.resize(930, 520)
    views.show()
    qtbot.waitExposed(views)
    return views


def test_without_opengl_the_display_says_so_and_stops_trying(views, qtbot, monkeypatch):
    display = views.display3d
    tries = []
    grab = views.view3d.grabFramebuffer
    monkeypatch.setattr(views.view3d, "grabFramebuffer", lambda: tries.append(1) or grab())
    display.no_opengl = False
    assert isinstance(display, GLDisplay) and not views.findChildren(QOpenGLWidget)  # the view stays out
    image = display.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert display.no_opengl and display.frames == 0
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)[..., :3]
    assert (rgb.sum(axis=2) < 200).sum() > 50  # the sentence, in the window's text colour
    views.view3d.reset_view()  # the view asks for a frame: the display repaints without trying OpenGL again
    display.repaint()
    assert display.frames == 0 and len(tries) == 1 and display.view.size() == display.size()
