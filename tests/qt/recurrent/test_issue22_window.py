"""Issue 22 in the window: GRU and Dyck-1 chosen like the others, the counting units, the counterexample, the comparison."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.core.recurrent.languages import parse_string
from explorer.core.recurrent.models import trace
from explorer.qt.recurrent.counting_panel import unit_name
from tests.qt.recurrent.driver import RecurrentUser, machine_found


@pytest.fixture
def tab(qtbot):
    from explorer.qt.recurrent.tab import RecurrentTab

    widget = RecurrentTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    yield widget
    assert widget.shutdown()


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
    user = RecurrentUser(tab, qtbot)
    user.choose_model("gru")
    assert tab.state.kind == "gru" and tab.state.hidden == 2
    assert "pretrained" in user.description()  # the shipped GRU-2 on a^n b^2n
    assert "GRU-2" in user.description()
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
    user.choose_model("lstm")
    assert [g for g, item in panel.gate_bars.items() if item.isVisible()] == ["i", "f", "o"]
    assert panel.cell_plot.isVisibleTo(tab)


def test_gru_on_the_c_language_is_the_shipped_gru3(qtbot, tab):
    user = RecurrentUser(tab, qtbot)
    user.choose_language("anb2nc3n")
    user.choose_model("gru")
    assert (tab.state.language.name, tab.state.kind, tab.state.hidden) == ("anb2nc3n", "gru", 3)
    assert "pretrained" in user.description()
    assert "100.0 %" in user.accuracy()


def test_dyck1_steps_with_brackets(qtbot, tab):
    RecurrentUser(tab).choose_language("dyck1")
    assert tab.state.language.name == "dyck1"
    _type(qtbot, tab, "(()())(")
    assert tab.sequence_bar.text == "AABABBA"  # brackets read as A and B
    qtbot.keyClick(tab.sequence_bar.strip, Qt.Key.Key_End)
    assert tab.step_panel.shown["step"] == 5
    assert len(tab.views.pairs.views) >= 1
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)
    assert machine_found(tab).visited.language.name == "dyck1"


def _wait_probe(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: not tab.counting.busy() and tab.counting_panel.probe is not None, timeout=60_000)


def test_counting_page_describes_the_shipped_lstm3s_cell_unit_2(qtbot, tab, tmp_path):
    from explorer.qt.widgets.table_export import export_table_csv

    user = RecurrentUser(tab, qtbot)
    user.choose_language("anb2nc3n")
    user.choose_model("lstm")
    assert (tab.state.kind, tab.state.hidden) == ("lstm", 3)
    _wait_probe(qtbot, tab)
    panel = tab.counting_panel
    tab.bottom.setCurrentWidget(panel)
    sentence = panel.sentence.text()
    assert "cell unit 2 counts" in sentence and "per A" in sentence and "per B" in sentence
    assert "holds to n =" in sentence
    # the chart: points for every symbol read, and a fitted line per phase
    assert panel.chart.point_count() > 50
    assert set(panel.chart.lines) == {"A", "B", "C"}
    for line in panel.chart.lines.values():
        xs, ys = line.getData()
        assert len(xs) == 2 and np.all(np.isfinite(ys))
    assert panel.chart.getAxis("left").labelText == "cell unit 2"
    # the table: every hidden and cell unit, the best in the first column's text
    assert panel.table.rowCount() == 6
    units = [panel.table.item(r, 0).text() for r in range(6)]
    assert units[:3] == ["hidden 0", "hidden 1", "hidden 2"] and units[5] == "cell 2"
    path = export_table_csv(panel.table, tmp_path / "units.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "unit,counts,R²,per A,per B,per C,holds to n"
    assert "cell 2,#B − 2·#A," in text
    # the counting unit is marked in the step panel and, with cell states shown, in the views
    cell_plot = tab.step_panel.cell_plot
    assert "◆ 2" in cell_plot.getPlotItem().titleLabel.text and "cell unit 2 counts" in cell_plot.toolTip()
    # The marked title must not widen the plot past its view (the last bars were cut off).
    assert cell_plot.getPlotItem().sceneBoundingRect().width() <= cell_plot.viewport().width() + 1
    assert "2 ◆" in [label for _, label in tab.step_panel.cell_plot.getAxis("bottom")._tickLevels[0]]
    tab.views.which.setCurrentIndex(1)  # cell states
    labels = [view.getAxis(side).labelText for view in tab.views.pairs.views for side in ("bottom", "left")]
    assert "cell 2 ◆ counts" in labels
    assert "cell 0 ◆ counts" not in labels and "cell 0" in labels
    assert "cell 2 ◆ counts" in tab.views.view3d.axis_names()
    # clicking another row charts that unit
    panel.table.selectRow(0)
    assert panel.chart.getAxis("left").labelText == "hidden unit 0"
    assert panel.fit.unit == 0 and panel.fit.state == "hidden"


def test_the_counting_page_opened_after_two_nets_shows_the_second(qtbot, tab):
    """The chart and table are drawn when the page is opened (issue 20): the newest net's units."""
    tab.bottom.setCurrentWidget(tab.step_panel)
    _wait_probe(qtbot, tab)  # the shipped SRN-2, its page not shown
    RecurrentUser(tab).choose_model("gru")
    _wait_probe(qtbot, tab)
    panel = tab.counting_panel
    probe = panel.probe
    tab.bottom.setCurrentWidget(panel)
    assert panel.table.rowCount() == len(probe.units) == 2
    assert panel.chart.getAxis("left").labelText == unit_name(probe.best)
    assert panel.chart.point_count() > 0 and panel.table.currentRow() == probe.units.index(probe.best)


def test_counting_follows_the_net_and_goes_into_exports_and_report(qtbot, tab, tmp_path):
    _wait_probe(qtbot, tab)  # the shipped SRN-2
    assert tab.counting_panel.probe.units[0].state == "hidden" and len(tab.counting_panel.probe.units) == 2
    RecurrentUser(tab).choose_model("gru")
    assert tab.counting_panel.probe is None or tab.counting.busy()  # the SRN's fit is not shown beside the GRU
    _wait_probe(qtbot, tab)
    assert tab.counting_panel.probe.units and "hidden unit" in tab.counting_panel.sentence.text()
    assert "anb2n_gru2_counting" in tab.figures()
    written = {p.name for p in tab.export_all(tmp_path, formats=("svg",))}
    assert {"anb2n_gru2_counting.svg", "anb2n_gru2_counting_units.csv", "anb2n_gru2_counting_points.csv"} <= written
    sections = tab.report_sections()
    counting = [s for s in sections if s.title.startswith("Counting units")]
    assert counting and counting[0].tables[0].rows and counting[0].figures


def test_find_where_they_part_puts_the_string_in_the_stepper(qtbot, machine_tab):
    tab = machine_tab  # the shipped SRN-2, its machine extracted from n <= 4
    finder = tab.parting
    tab.bottom.setCurrentWidget(tab.machine_panel)
    assert finder.button.isVisible() and not finder.step_button.isEnabled()
    qtbot.mouseClick(finder.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finder.task is None and finder.result is not None, timeout=60_000)
    assert finder.result.text == "AAAAABBBBBBBBBBA"
    assert "AAAAABBBBBBBBBBA" in finder.label.text() and f"step {finder.result.step + 1}" in finder.label.text()
    qtbot.mouseClick(finder.step_button, Qt.MouseButton.LeftButton)
    assert tab.sequence_bar.text == "AAAAABBBBBBBBBBA"
    step = finder.result.step
    assert tab.sequence_bar.position == step and tab.step_panel.shown["step"] == step
    assert step in tab.machine.disagreements()  # the stepper's mark: they part right here
    scored = parse_string("anb2n", "AAAAABBBBBBBBBBA").scored
    agree = tab.machine.lockstep.agree
    assert all(agree[t] for t in range(step) if scored[t])  # the first scored step where they differ


def test_find_where_they_part_says_when_they_agree(qtbot, tab):
    user = RecurrentUser(tab, qtbot)
    user.choose_language("anb2nc3n")
    user.choose_model("lstm")
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)
    finder = tab.parting
    qtbot.mouseClick(finder.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finder.task is None and finder.result is not None, timeout=60_000)
    if finder.result.found:  # the shipped LSTM-3's machine from n <= 4 may part beyond it
        assert finder.result.text in finder.label.text() and finder.step_button.isEnabled()
    else:
        assert "agrees with the net on all" in finder.label.text() and "up to length" in finder.label.text()
        assert not finder.step_button.isEnabled()
    # a new machine (another net) clears the result
    user.choose_model("gru")
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)
    assert finder.result is None and not finder.step_button.isEnabled()


def test_compare_runs_the_three_models_to_the_end(qtbot, tab, tmp_path):
    from explorer.qt.menus import ActionsMenu

    # The Actions menu lists it with its key (the tab's keyed buttons), and choosing it opens the dialog.
    menu = ActionsMenu("Actions", lambda: tab)
    entry = next(a for a in menu.rebuild() if a.text().startswith("Compare SRN, GRU and LSTM"))
    assert "Ctrl+Shift+M" in entry.text()
    entry.trigger()
    dialog = tab.compare.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.language.currentData() == "anb2n" and dialog.L.value() == 4
    dialog.sequences.setValue(64)  # tiny: a few steps each, solved or not
    dialog.L.setValue(2)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=240_000)
    assert dialog.comparison is not None, dialog.note.text()
    table = dialog.table
    assert table.rowCount() == 3
    assert [table.item(r, 0).text().split("-")[0] for r in range(3)] == ["SRN", "GRU", "LSTM"]
    for r in range(3):
        assert table.item(r, 1).text() in ("yes", "no")
        assert table.item(r, 6).text().replace(".", "").isdigit()  # the counting unit's R²
    assert dialog.export_button.isEnabled() and dialog.start_button.isEnabled()
    dialog.export_csv(tmp_path / "compare.csv")
    lines = (tmp_path / "compare.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("model,hidden,solved,accuracy,generalises_to,accuracy_n1")
    assert [line.split(",")[0] for line in lines[1:]] == ["srn", "gru", "lstm"]
    sections = [s for s in tab.report_sections() if s.title.startswith("SRN, GRU and LSTM compared")]
    assert sections and len(sections[0].tables[0].rows) == 3 and sections[0].seed == 0
    dialog.close()


def test_compare_cancel_stops_and_keeps_what_finished(qtbot, tab):
    dialog = tab.compare.open()
    dialog.sequences.setValue(200_000)  # long enough to be cancelled while the SRN trains
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task_panel.cancel_button.isEnabled(), timeout=30_000)
    qtbot.mouseClick(dialog.task_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert "Cancelled" in dialog.note.text() and dialog.comparison is None
    assert tab.compare.report_section() is None and dialog.start_button.isEnabled()


def test_dyck1_gets_a_depth_count_and_a_parting_search(qtbot, tab):
    RecurrentUser(tab).choose_language("dyck1")
    _wait_probe(qtbot, tab)
    probe = tab.counting_panel.probe
    assert probe.language.name == "dyck1" and {u.counter for u in probe.units} == {"depth"}
    tab.bottom.setCurrentWidget(tab.counting_panel)  # the chart is drawn when its page is shown
    assert set(tab.counting_panel.chart.lines) == {"(", ")"}
    assert "per (" in tab.counting_panel.sentence.text() or "does not count" in tab.counting_panel.sentence.text()
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)
    finder = tab.parting
    qtbot.mouseClick(finder.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finder.task is None and finder.result is not None, timeout=60_000)
    text = finder.label.text()
    assert ("agrees with the net on all" in text) or (finder.result.text in text)
    if finder.result.found:
        qtbot.mouseClick(finder.step_button, Qt.MouseButton.LeftButton)
        assert tab.sequence_bar.position == finder.result.step
