"""The OpenGL 3-D view renders for real (Xvfb + Mesa): points appear in their colours."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.gl


def _pixels(view) -> np.ndarray:
    image = view.grabFramebuffer()
    ptr = image.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return arr[:, : image.width(), :3][..., ::-1]  # BGRA → RGB


def test_points_render_in_their_colours(qtbot):
    from explorer.core.recurrent.analysis import jet
    from explorer.qt.recurrent.scatter3d import Scatter3DView

    view = Scatter3DView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    view.show()
    qtbot.waitExposed(view)
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(300, 3))
    states = np.r_[np.zeros(150), np.full(150, 4.0)]  # blue and red halves
    view.points.setData(size=14)
    view.set_points(pos, jet(states, 0, 4))
    view.set_path(pos[:20])
    view.set_current(pos[19])
    qtbot.wait(50)
    rgb = _pixels(view).astype(int)
    blue = (rgb[..., 2] > 120) & (rgb[..., 0] < 60) & (rgb[..., 1] < 60)
    red = (rgb[..., 0] > 120) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)
    assert blue.sum() > 50 and red.sum() > 50
    assert (rgb.sum(axis=2) < 700).mean() > 0.01  # not a blank white frame


def test_preset_angles_change_the_picture(qtbot):
    from explorer.qt.recurrent.scatter3d import Scatter3DView

    view = Scatter3DView()
    qtbot.addWidget(view)
    view.resize(300, 300)
    view.show()
    qtbot.waitExposed(view)
    pos = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float)
    view.set_points(pos, np.tile([0.0, 0.0, 1.0, 1.0], (4, 1)))
    view.preset("top")
    top = _pixels(view).copy()
    view.preset("side")
    side = _pixels(view)
    assert np.abs(top.astype(int) - side.astype(int)).sum() > 1000
    view.reset_view()
    assert view.opts["elevation"] == 25
