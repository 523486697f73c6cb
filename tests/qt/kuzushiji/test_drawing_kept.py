"""The drawing on the Kuzushiji Draw page comes back after a restart (issue 19 item 10).

A user draws with the mouse, closes the app and opens it again: the canvas
shows the same picture. The kept file is input from a stranger: a name outside
the store touches nothing, a picture of the wrong shape is set aside.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.core.kuzushiji.work import CANVAS_SIDE, load_drawing, save_drawing
from explorer.core.work_store import WorkNameError, WorkStore
from explorer.qt.kuzushiji.drawing_canvas import RESOLUTION
from explorer.qt.kuzushiji.tab import KuzushijiTab
from tests.qt.kuzushiji.test_drawing_canvas import BAR, HOOK, draw
from tests.qt.showing import shown


def _build(qtbot) -> KuzushijiTab:
    return shown(qtbot, KuzushijiTab(), 1280, 860)


def test_the_drawing_is_back_after_a_restart(qtbot):
    assert CANVAS_SIDE == RESOLUTION
    tab = _build(qtbot)
    panel = tab.ensure_draw_page()
    tab.pages.setCurrentWidget(tab.draw_holder)
    qtbot.wait(50)
    draw(qtbot, panel.canvas, BAR)
    draw(qtbot, panel.canvas, HOOK)
    drawn = panel.canvas.image()
    assert (drawn > 0).sum() > 100
    assert tab.shutdown()
    tab.close()

    again = _build(qtbot)
    try:
        canvas = again.ensure_draw_page().canvas
        assert np.array_equal(canvas.image(), drawn)
        assert again.undo_stack.count() == 0  # restored, not an undoable step of this session
        canvas.clear()  # an empty canvas is kept as empty
    finally:
        assert again.shutdown()
    assert load_drawing(WorkStore("kuzushiji")) is None


def test_a_kept_drawing_from_a_stranger(tmp_path):
    store = WorkStore("kuzushiji", tmp_path)
    save_drawing(store, np.full((CANVAS_SIDE, CANVAS_SIDE), 7, np.uint8))
    assert load_drawing(store)[0, 0] == 7
    meta = json.loads((tmp_path / "work.json").read_text())
    (tmp_path.parent / "outside.npz").write_bytes(b"x")
    meta["work"]["drawing"] = "../outside.npz"
    (tmp_path / "work.json").write_text(json.dumps(meta))
    with pytest.raises(WorkNameError, match="not a plain file name"):
        load_drawing(WorkStore("kuzushiji", tmp_path))
    assert (tmp_path.parent / "outside.npz").read_bytes() == b"x"
    meta["work"]["drawing"] = "drawing.npz"
    (tmp_path / "work.json").write_text(json.dumps(meta))
    np.savez(tmp_path / "drawing.npz", canvas=np.zeros((5000, 3), np.float64))
    fresh = WorkStore("kuzushiji", tmp_path)
    assert load_drawing(fresh) is None
    assert "280×280 grey pixels" in fresh.problems[0] and list(tmp_path.glob("drawing.npz*.damaged*"))
