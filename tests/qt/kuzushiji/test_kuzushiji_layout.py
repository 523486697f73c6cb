"""The Kuzushiji tab's layout and controls as a user sees them: nothing jumps, labels fit, views agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.results import NetResult
from explorer.qt.kuzushiji.plots import RunCurves
from tests.qt.kuzushiji.test_kuzushiji_tab import WAIT_MS, folder, make_tab  # noqa: F401 - fixture

MODELS = {name: nets.create(name, seed=7) for name in nets.NETS}


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(20)


@pytest.fixture
def bare_tab(qtbot):
    """A newcomer's tab: nothing stored, nothing trained."""
    tab = make_tab(qtbot, load_at_start=False)
    yield tab
    assert tab.shutdown()


@pytest.mark.parametrize("size", [(1024, 700), (1280, 860)])
def test_every_confusion_matrix_label_shows_without_overlap(bare_tab, qtbot, size):
    bare_tab.resize(*size)
    bare_tab.pages.setCurrentWidget(bare_tab.evaluation_page)
    matrix = bare_tab.evaluation_page.matrix
    qtbot.waitUntil(matrix.isVisible)
    settle(qtbot)
    below = matrix.shown_tick_labels("bottom")
    assert [text for text, _ in below] == [f"{kana}\n{romaji}" for kana, romaji in CLASSES]  # を wo included
    assert not matrix.colorbar.axis.style["showValues"]  # nothing evaluated: no scale to read
    rects = [rect for _, rect in below]
    assert all(a.right() <= b.left() for a, b in zip(rects, rects[1:], strict=False)), "labels run together"
    assert [text for text, _ in matrix.shown_tick_labels("left")] == [f"{k} {r}" for k, r in CLASSES]


@pytest.mark.parametrize("size", [(1024, 700), (1440, 920)])
def test_the_draw_page_does_not_grow_the_window_or_jump(bare_tab, qtbot, size):
    tab = bare_tab
    tab.resize(*size)
    settle(qtbot)
    before = tab.size()
    tab.pages.setCurrentWidget(tab.draw_holder)
    panel = tab.draw_page
    settle(qtbot)
    assert tab.size() == before
    assert tab.draw_holder.scroll.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    assert "Export…" in [a.text() for a in panel.insides.maps_page.figure.actions()]
    assert tab.figures()["drawing_feature_maps"].title.startswith("NetConv feature maps")
    canvas, undo = panel.canvas.size(), panel.undo_button.width()
    panel.characters.buttons[9][0].click()  # a real を
    settle(qtbot)
    assert panel.undo_button.text() == "Undo"
    assert panel.undo_button.defaultAction().toolTip() == "Undo Put a real wo on the canvas (Ctrl+Z)"
    assert panel.undo_button.width() == undo and panel.canvas.size() == canvas
    panel.undo_button.click()
    settle(qtbot)
    assert panel.canvas.is_empty() and panel.redo_button.text() == "Redo"
    assert "Put a real wo on the canvas" in panel.redo_button.defaultAction().toolTip()
    assert panel.canvas.size() == canvas and tab.size() == before


def test_the_banner_keeps_its_place_when_all_three_nets_are_trained(bare_tab, qtbot):
    tab = bare_tab
    settle(qtbot)
    assert tab.banner.isVisible()
    top = tab.pages.geometry().top()
    for name in nets.NETS:
        tab.results[name] = NetResult(name, MODELS[name], TrainConfig(net=name), source="test")
    tab._show_results()
    settle(qtbot)
    assert tab.banner.isVisible() and "All three nets are trained" in tab.banner_text.text()
    assert tab.pages.geometry().top() == top


def test_empty_curves_have_no_tick_numbers_and_the_log_axis_gets_1_2_5_ticks(qtbot):
    curves = RunCurves()
    qtbot.addWidget(curves)
    curves.resize(700, 500)
    curves.show()
    for plot in (curves.loss_plot, curves.accuracy_plot):
        assert not plot.getAxis("left").style["showValues"] and not plot.getAxis("bottom").style["showValues"]
    curves.start_run("r", "#1 NetLin")
    for i, loss in enumerate(np.geomspace(2.3, 0.3, 50)):
        curves.add_batch("r", i / 50, float(loss))
    curves.add_epoch("r", 1, 0.35, 80.0)
    curves.loss_plot.vb.autoRange()
    settle(qtbot)
    assert curves.loss_plot.getAxis("left").style["showValues"]
    major = [label for _, label in curves.loss_plot.getAxis("left")._tickLevels[0]]
    assert {"0.5", "1", "2"} <= set(major), major  # pyqtgraph alone labels only 1 and 2 here
    curves.clear_runs()
    assert not curves.loss_plot.getAxis("left").style["showValues"]


def test_the_real_thing_dropdown_follows_the_heading_and_an_empty_canvas_asks_for_a_drawing(panel, qtbot):
    panel.set_models(MODELS)
    maps = panel.insides.maps_page
    assert maps.currentWidget() is maps.note
    assert maps.note.text() == "Draw a character to see NetConv's feature maps."
    assert "Train" not in panel.insides.hidden_page.note.text()
    panel.characters.buttons[4][0].click()
    qtbot.waitUntil(lambda: panel.preprocessed is not None)
    top = int(np.argmax(panel.probabilities["conv"]))
    kana, romaji = CLASSES[top]
    title = panel.prediction.examples_title.text()
    assert f"answer: {kana} ({romaji})" in title and title.startswith(panel.prediction.whose_answer(top))
    assert panel.prediction.sample_class.currentData() == top
    assert maps.currentWidget() is maps.figure
    panel.set_models({})
    assert maps.note.text() == "Train NetConv to see its feature maps."


def test_the_import_dialog_opens_at_home_then_in_the_last_folder(bare_tab, qtbot, folder, monkeypatch):  # noqa: F811
    starts = []

    def fake_dialog(parent, caption, start="", *args):
        starts.append(start)
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", fake_dialog)
    with qtbot.waitSignal(bare_tab.data_page.data_changed, timeout=WAIT_MS):
        bare_tab.data_page.ask_import_folder()
    bare_tab.data_page.ask_import_folder()
    assert starts[0] == str(Path.home())
    assert starts[1] == str(folder)
    qtbot.waitUntil(lambda: bare_tab.data_page.task is None, timeout=WAIT_MS)
