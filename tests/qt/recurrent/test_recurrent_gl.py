"""The recurrent tab's OpenGL 3-D view renders for real (Xvfb + Mesa) in the states' jet colours."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gl


def _pixels(view) -> np.ndarray:
    image = view.grabFramebuffer()
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return arr[:, : image.width(), :3][..., ::-1].astype(int)  # BGRA → RGB


def test_3d_view_shows_the_batch_in_jet_colours(qtbot, tmp_path):
    from explorer.qt.recurrent.tab import RecurrentTab

    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 850)
    tab.show()
    qtbot.waitExposed(tab)
    view = tab.views.view3d
    view.points.setData(size=12)
    qtbot.wait(50)
    rgb = _pixels(view)
    assert (rgb.sum(axis=2) < 700).mean() > 0.01  # not a blank white frame
    blue = (rgb[..., 2] > 110) & (rgb[..., 0] < 70) & (rgb[..., 1] < 90)  # state 0..1: jet blues
    warm = (rgb[..., 0] > 150) & (rgb[..., 2] < 80)  # state 3..4: jet oranges and reds
    assert blue.sum() > 30 and warm.sum() > 30
    before = rgb
    qtbot.mouseClick(tab.views.preset_buttons["top"], Qt.MouseButton.LeftButton)
    assert np.abs(_pixels(view) - before).sum() > 1000
    assert "anb2n_srn2_3d.png" in {p.name for p in tab.export_all(tmp_path)}
    assert tab.shutdown()


def _display_pixels(display) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = display.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return arr[:, : image.width(), :3][..., ::-1].astype(int)


def test_the_window_shows_the_3d_view_as_a_picture_and_a_drag_or_the_wheel_turns_it(qtbot):
    """No OpenGL widget joins the window (it would compose every repaint through OpenGL, issue 20); the
    display paints the view's frames and hands it the mouse."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtOpenGLWidgets import QOpenGLWidget
    from PySide6.QtWidgets import QApplication

    from explorer.qt.recurrent.tab import RecurrentTab

    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    qtbot.waitExposed(tab)
    assert not tab.findChildren(QOpenGLWidget)
    display, view = tab.views.display3d, tab.views.view3d
    qtbot.waitUntil(lambda: display.frames > 0, timeout=5000)
    assert display.isVisible() and view.size() == display.size() and display.width() > 150
    rgb = _display_pixels(display)
    blue = (rgb[..., 2] > 110) & (rgb[..., 0] < 70) & (rgb[..., 1] < 90)
    warm = (rgb[..., 0] > 150) & (rgb[..., 2] < 80)
    assert blue.sum() > 30 and warm.sum() > 30  # the batch in jet colours, on screen
    azimuth, frames = view.opts["azimuth"], display.frames
    centre = display.rect().center()
    qtbot.mousePress(display, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(display, centre + QPoint(80, 0))
    qtbot.mouseRelease(display, Qt.MouseButton.LeftButton, pos=centre + QPoint(80, 0))
    assert view.opts["azimuth"] != azimuth  # the drag turned the camera
    qtbot.waitUntil(lambda: display.frames > frames, timeout=5000)  # ... and the picture with it
    assert np.abs(_display_pixels(display) - rgb).sum() > 1000
    distance = view.opts["distance"]
    wheel = QWheelEvent(QPointF(centre), QPointF(display.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(display, wheel)
    assert view.opts["distance"] < distance  # the wheel zooms in
    tab.resize(1100, 760)
    qtbot.waitUntil(lambda: view.size() == display.size(), timeout=5000)
    assert tab.shutdown()
