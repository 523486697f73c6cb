"""Switching the language as a user does, after the state machine of the language left has been computed (issue 19).

The machine view held the previous language's machine when the new language's
string arrived, and following it raised "mat1 and mat2 shapes cannot be
multiplied" from the language combo box's ``activated`` handler.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from explorer.core.recurrent.languages import sequence_for_ns
from explorer.qt.recurrent.tab import DEFAULT_NS, RecurrentTab
from tests.qt.recurrent.driver import RecurrentUser, machine_found
from tests.qt.recurrent.helpers import wait_machine


def _error_boxes(widget) -> list:
    return [box for box in widget.window().findChildren(QMessageBox) if box.isVisible()]


@pytest.mark.parametrize("kind", ["srn", "lstm"])
def test_switching_language_after_the_machine_is_computed(qtbot, kind):
    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    user = RecurrentUser(tab)
    if kind == "lstm":
        user.choose_model("lstm")
    wait_machine(qtbot, tab)
    tab.bottom.setCurrentWidget(tab.machine_panel)  # the user looks at the state machine
    assert tab.model.study is not None and tab.model.lockstep is not None

    for lang in ("anb2nc3n", "anb2n"):
        user.choose_language(lang)
        assert not _error_boxes(tab)
        language = tab.state.language
        assert language.name == lang and tab.state.kind == kind
        expected = sequence_for_ns(language, DEFAULT_NS).text
        assert tab.sequence_bar.edit.text().replace(" ", "") == expected
        points = tab.views.pairs.views[0].points
        assert points.data.size > 0  # the 2-D view shows the new net's batch
        assert tab.model.lockstep is None or tab.model.lockstep.text == expected
        wait_machine(qtbot, tab)  # the new language's machine follows, beside its own string
        assert machine_found(tab).visited.language.name == lang
        assert tab.model.lockstep is not None and tab.model.lockstep.text == expected
    assert tab.shutdown()


def test_states_needed_says_computing_until_the_new_nets_machine_is_there(qtbot):
    """Loading the LSTM-3 on a^n b^2n c^3n: the chart drops the last net's line and says it is computing."""
    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    wait_machine(qtbot, tab)
    chart = tab.needed_chart
    tab.controls.charts.setCurrentWidget(chart)
    assert "computing" not in chart.plotItem.titleLabel.text and chart.net.getData()[0].size
    user = RecurrentUser(tab)
    user.choose_language("anb2nc3n")
    user.choose_model("lstm")  # the course's LSTM-3, shipped
    assert tab.state.kind == "lstm" and tab.state.hidden == 3
    assert "computing…" in chart.plotItem.titleLabel.text
    assert all(line.getData()[0] is None or not len(line.getData()[0])
               for line in (chart.net, chart.language, chart.untrained))  # not the SRN-2's line
    wait_machine(qtbot, tab)
    assert "computing" not in chart.plotItem.titleLabel.text
    assert chart.rows and len(chart.net.getData()[0]) == len(chart.rows)  # the LSTM-3's own rows
    assert tab.shutdown()


def test_choosing_lstm_on_anb2n_shows_the_shipped_trained_net(qtbot):
    """Issue 19 item 12: LSTM on a^n b^2n was 'untrained: random weights' with Shipped net greyed out."""
    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.show()
    user = RecurrentUser(tab)
    user.choose_model("lstm")
    assert (tab.state.language.name, tab.state.kind, tab.state.hidden) == ("anb2n", "lstm", 2)
    assert "pretrained" in user.description() and "untrained" not in user.description()
    assert user.can_load_shipped()
    assert "100.0 %" in user.accuracy() and "solves the language" in user.accuracy()
    assert all(tab.generalisation.per_n[n] == 100.0 for n in range(1, 9))  # right up to twice L
    wait_machine(qtbot, tab)
    assert tab.shutdown()


def test_a_view_setting_during_extraction_does_not_extract_the_same_machine_twice(qtbot):
    """Once a language switch drops the old machine, switching to PCA while the new one is computed waits for it."""
    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.show()
    wait_machine(qtbot, tab)
    started = []
    real_start = tab.machine.jobs._start
    tab.machine.jobs._start = lambda generation, request: (started.append(request), real_start(generation, request))
    RecurrentUser(tab).choose_language("anb2nc3n")
    assert tab.machine.busy() and tab.model.study is None
    mode = tab.views.mode
    mode.setCurrentIndex(mode.findData("pca"))  # a view setting: same net, same state kind
    wait_machine(qtbot, tab)
    assert len(started) == 1  # one extraction for the new net, not a second one queued behind it
    assert machine_found(tab).visited.language.name == "anb2nc3n"
    assert tab.model.lockstep is not None
    assert tab.shutdown()
