"""The machine's 3-D overlay under a real OpenGL context (Xvfb + Mesa): it exists, moves with the stepper, follows k."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.recurrent.fsm_lockstep import follow_string
from tests.qt.recurrent.driver import machine_found

pytestmark = pytest.mark.gl


@pytest.fixture
def tab(qtbot, machine_tab):
    qtbot.waitExposed(machine_tab)
    return machine_tab


def test_3d_overlay_follows_the_stepper_and_k(tab):
    overlay, found = tab.machine.gl_overlay, machine_found(tab)
    assert overlay.centres.visible() and len(overlay.centres.pos) == found.machine.size
    # Every state's number is written, except where it would sit on a lower state's number on screen.
    shown = [s for s, label in enumerate(overlay.labels[:found.machine.size]) if label.visible()]
    assert set(shown) | overlay.crowded == set(range(found.machine.size)) and 0 in shown
    at = tab.views.view3d.to_screen(overlay.xyz[shown])
    assert not any(abs(a[0] - b[0]) < 16 and abs(a[1] - b[1]) < 13 for i, a in enumerate(at) for b in at[i + 1:])
    assert overlay.shafts.visible() and overlay.segments > 0
    expected = follow_string(found, tab.state.model, tab.sequence.text)
    places = []
    for position in (0, 1, 2, 3):
        tab.sequence_bar.set_position(position)
        state = expected.machine_states[position]
        np.testing.assert_allclose(overlay.ring.pos[0], overlay.xyz[state])
        places.append(tuple(overlay.ring.pos[0]))
    assert len(set(places)) > 1
    tab.machine_panel.boxes["transitions"].setChecked(False)
    assert not overlay.shafts.visible() and not overlay.heads.visible()
    tab.machine_panel.slider.setValue(4)
    assert len(overlay.centres.pos) == machine_found(tab).machine.size < found.machine.size
    image = tab.views.view3d.grabFramebuffer()
    assert image.width() > 0


def test_3d_exports_at_three_preset_angles(tab, tmp_path):
    from PySide6.QtGui import QImage

    names = {p.name for p in tab.export_all(tmp_path, formats=("png",), size=(500, 400))}
    angles = {f"anb2n_srn2_3d_{a}.png" for a in ("front", "side", "top")}
    assert angles | {"anb2n_srn2_3d.png"} <= names
    images = [QImage(str(tmp_path / name)) for name in sorted(angles)]
    assert all((im.width(), im.height()) == (500, 400) for im in images)
    assert images[0] != images[2]  # the camera really moved
