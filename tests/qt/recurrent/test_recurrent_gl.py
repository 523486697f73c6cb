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
