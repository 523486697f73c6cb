"""Issue 22 in the window: GRU and Dyck-1 chosen like the others, the counting units, the counterexample, the comparison."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.core.recurrent.languages import parse_string
from explorer.core.recurrent.models import trace


@pytest.fixture
def tab(qtbot):
    from explorer.qt.recurrent.tab import RecurrentTab

    widget = RecurrentTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    yield widget
    assert widget.shutdown()


def _choose(combo, data) -> None:
    """Pick the item holding ``data`` as a user does (the combo's ``activated``)."""
    index = combo.findData(data)
    assert index >= 0, f"{data} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _type(qtbot, tab, text: str) -> None:
    edit = tab.sequence_bar.edit
    edit.setText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_model_combo_offers_every_kind(tab):
    from explorer.core.recurrent.kinds import MODEL_KINDS

    combo = tab.controls.network.model
    assert [combo.itemData(i) for i in range(combo.count())] == list(MODEL_KINDS)
    assert any(combo.itemText(i).startswith("GRU") for i in range(combo.count()))


def test_gru_chosen_and_stepped_shows_its_three_gates(qtbot, tab):
    _choose(tab.controls.network.model, "gru")
    assert tab.state.kind == "gru" and tab.state.hidden == 2
    assert "pretrained" in tab.controls.network.describe.text()  # the shipped GRU-2 on a^n b^2n
    assert "GRU-2" in tab.controls.network.describe.text()
    text = "AABBBBA"
    _type(qtbot, tab, text)
    qtbot.keyClick(tab.sequence_bar.strip, Qt.Key.Key_Right)
    qtbot.keyClick(tab.sequence_bar.strip, Qt.Key.Key_Right)
    panel = tab.step_panel
    assert panel.gates_plot.isVisibleTo(tab) and not panel.cell_plot.isVisibleTo(tab)
    shown_bars = [g for g, item in panel.gate_bars.items() if item.isVisible()]
    assert shown_bars == ["r", "z", "n"]
    expected = trace(tab.state.model, parse_string("anb2n", text).inputs)
    for gate in "rzn":
        np.testing.assert_allclose(panel.shown["gates"][gate], expected.gates[gate][2], atol=1e-6)
        heights = panel.gate_bars[gate].opts["height"]
        np.testing.assert_allclose(heights, expected.gates[gate][2], atol=1e-6)
    assert "z = " in panel.numbers.text() and "c = " not in panel.numbers.text()
    assert ">r<" in panel.gates_plot.getPlotItem().titleLabel.text
    # back to the LSTM: its own gates, and the GRU's are hidden again
    _choose(tab.controls.network.model, "lstm")
    assert [g for g, item in panel.gate_bars.items() if item.isVisible()] == ["i", "f", "o"]
    assert panel.cell_plot.isVisibleTo(tab)


def test_gru_on_the_c_language_is_the_shipped_gru3(qtbot, tab):
    _choose(tab.controls.network.language, "anb2nc3n")
    _choose(tab.controls.network.model, "gru")
    assert (tab.state.language.name, tab.state.kind, tab.state.hidden) == ("anb2nc3n", "gru", 3)
    assert "pretrained" in tab.controls.network.describe.text()
    assert "100.0 %" in tab.controls.network.accuracy.text()


def test_dyck1_steps_with_brackets(qtbot, tab):
    _choose(tab.controls.network.language, "dyck1")
    assert tab.state.language.name == "dyck1"
    _type(qtbot, tab, "(()())(")
    assert tab.sequence_bar.text == "AABABBA"  # brackets read as A and B
    qtbot.keyClick(tab.sequence_bar.strip, Qt.Key.Key_End)
    assert tab.step_panel.shown["step"] == 5
    assert len(tab.views.pairs.views) >= 1
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)
    assert tab.machine.study.found.visited.language.name == "dyck1"
