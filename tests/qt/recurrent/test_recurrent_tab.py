"""The recurrent tab as a user drives it: strings, stepping, playing, training, files, export."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from explorer.core.errors import UserError
from explorer.core.recurrent.languages import parse_string
from explorer.core.recurrent.models import trace
from tests.qt.recurrent.driver import RecurrentUser
from tests.qt.recurrent.helpers import wait_machine


@pytest.fixture
def tab(qtbot):
    from explorer.qt.recurrent.tab import RecurrentTab

    widget = RecurrentTab()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    yield widget
    assert widget.shutdown()


def _type(qtbot, tab, text: str) -> None:
    edit = tab.sequence_bar.edit
    edit.setText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_starts_alive_with_the_pretrained_net(tab):
    user = RecurrentUser(tab)
    assert "pretrained" in user.description()
    assert "100.0 %" in user.accuracy()
    assert tab.generalisation.per_n[1] == 100.0 and max(tab.generalisation.per_n) == 12  # n up to 3L
    assert len(tab.views.pairs.views) == 1 and tab.views.pairs.views[0].pair == (0, 1)
    assert tab.views.pairs.views[0].initial.data.size == 1  # the SRN's initial state ×


def test_invalid_symbol_is_refused_naming_its_position(qtbot, tab):
    before = tab.sequence_bar.text
    _type(qtbot, tab, "AABXBBA")
    message = tab.sequence_bar.message
    assert message.isVisibleTo(tab)
    assert "'X'" in message.text() and "position 4" in message.text()
    assert tab.sequence_bar.text == before
    _type(qtbot, tab, "AABBBBA")
    assert not message.isVisibleTo(tab)
    assert tab.sequence_bar.strip.text == "AABBBBA"


def test_arrow_keys_step_and_show_the_traced_values(qtbot, tab):
    text = "AABBBBAAABBBBBBA"
    _type(qtbot, tab, text)
    strip = tab.sequence_bar.strip
    for _ in range(3):
        qtbot.keyClick(strip, Qt.Key.Key_Right)
    assert strip.position == 3 and tab.sequence_bar.where.text() == "step 4 / 15"
    qtbot.keyClick(strip, Qt.Key.Key_Left)
    assert strip.position == 2
    expected = trace(tab.state.model, parse_string("anb2n", text).inputs)
    shown = tab.step_panel.shown
    np.testing.assert_allclose(shown["hidden"], expected.hidden[2], atol=1e-6)
    np.testing.assert_allclose(shown["probabilities"], expected.probabilities[2], atol=1e-6)
    np.testing.assert_allclose(shown["target"], [0.0, 1.0])  # after the first B, another B is certain
    assert shown["read"] == "B" and shown["next"] == "B"
    assert f"{expected.hidden[2][0]:+.3f}" in tab.step_panel.numbers.text()
    # the path in the 2-D view runs from the initial state to the current step
    path_x, _ = tab.views.pairs.views[0].path.getData()
    assert len(path_x) == 4 and path_x[-1] == pytest.approx(expected.hidden[2][0])


def test_clicking_a_token_jumps_there(qtbot, tab):
    strip = tab.sequence_bar.strip
    rect = strip.token_rect(5)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert tab.sequence_bar.position == 5 and tab.step_panel.shown["step"] == 5


def test_lstm_shows_cell_state_and_gates(qtbot, tab):
    from explorer.core.recurrent.weights import untrained_state

    tab.change("lstm", untrained_state("anb2nc3n", "lstm", 3))
    assert len(tab.views.pairs.views) == 3  # 01, 02, 12
    text = "AABBBBCCCCCCA"
    _type(qtbot, tab, text)
    qtbot.keyClick(tab.sequence_bar.strip, Qt.Key.Key_End)
    last = len(text) - 2
    expected = trace(tab.state.model, parse_string("anb2nc3n", text).inputs)
    shown = tab.step_panel.shown
    assert tab.step_panel.cell_plot.isVisibleTo(tab) and tab.step_panel.gates_plot.isVisibleTo(tab)
    np.testing.assert_allclose(shown["cell"], expected.cell[last], atol=1e-6)
    for gate in "ifo":
        np.testing.assert_allclose(shown["gates"][gate], expected.gates[gate][last], atol=1e-6)
    assert "c = " in tab.step_panel.numbers.text() and "f = " in tab.step_panel.numbers.text()
    tab.views.which.setCurrentIndex(1)  # cell state in the views
    x, _ = tab.views.pairs.views[0].current.getData()
    assert x[0] == pytest.approx(expected.cell[last][0])
    tab.undo_stack.undo()
    assert tab.state.kind == "srn" and not tab.step_panel.cell_plot.isVisibleTo(tab)


def test_play_advances_and_pause_stops(qtbot, tab):
    bar = tab.sequence_bar
    bar.speed.setValue(30)
    bar.set_position(0)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.position >= 3, timeout=3000)
    qtbot.keyClick(bar.strip, Qt.Key.Key_Space)
    assert not bar.is_playing() and bar.play_button.text() == "Play"
    stopped = bar.position
    qtbot.wait(150)
    assert bar.position == stopped


def test_fast_training_draws_the_loss_curve_and_ends(qtbot, tab):
    user = RecurrentUser(tab, qtbot)
    user.set_sequences(320)
    user.train()
    assert not user.can_train()
    with qtbot.waitSignal(tab.task.finished, timeout=30000):
        pass
    assert tab.controls.curves.points("training") >= 2
    assert len(tab.controls.curves.accuracy_points[0]) >= 2
    assert "trained" in user.description()
    assert user.can_train()
    assert tab.undo_stack.count() == 1


def test_cancel_keeps_the_last_weights(qtbot, tab):
    user = RecurrentUser(tab, qtbot)
    user.set_learning_rate(0.0001)  # never solves: it must be cancelled
    user.set_sequences(1_000_000)
    tab.start_training()
    qtbot.waitUntil(lambda: tab._latest is not None, timeout=20000)
    user.escape_cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=20000)
    assert "cancelled" in user.description()
    kept, seen, _ = tab._latest
    assert f"{seen:,} sequences" in user.description()
    assert all(torch.equal(kept[k], v) for k, v in tab.state.model.state_dict().items())


def test_save_and_open_course_and_app_weights(qtbot, tab, tmp_path):
    course = tmp_path / "anb2n_srn2_7.pth"
    tab.save_weights(course)
    app_file = tmp_path / "mine.pt"
    tab.save_weights(app_file)
    original = {k: v.clone() for k, v in tab.state.model.state_dict().items()}
    from explorer.core.recurrent.weights import untrained_state

    tab.change("scramble", untrained_state("anb2n", "srn", 2, seed=3))
    tab.open_weights(course)
    assert all(torch.equal(original[k], v) for k, v in tab.state.model.state_dict().items())
    user = RecurrentUser(tab, qtbot)
    assert "anb2n_srn2_7.pth" in user.description()
    tab.open_weights(app_file)
    assert "100.0 %" in user.accuracy()
    with pytest.raises(UserError, match="LSTM-3|lstm"):
        tab.open_weights(course.rename(tmp_path / "anb2nc3n_lstm3_7.pth"))


def test_export_all_writes_course_names(tab, tmp_path):
    from explorer.core.recurrent.weights import untrained_state

    tab.change("srn4", untrained_state("anb2nc3n", "srn", 4))
    names = {p.name for p in tab.export_all(tmp_path)}
    pairs = {f"anb2nc3n_srn4_{j}{k}.png" for j, k in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]}
    assert pairs <= names
    assert all((tmp_path / n).stat().st_size > 1000 for n in pairs)
    assert "anb2nc3n_srn4_per_n.png" in names


def test_generate_and_one_block(qtbot, tab):
    from explorer.core.recurrent.languages import string_for_n

    bar = tab.sequence_bar
    bar.block_n.setValue(9)  # beyond L = 4: a length-generalisation probe
    qtbot.mouseClick(bar.block_button, Qt.MouseButton.LeftButton)
    assert bar.strip.text == string_for_n("anb2n", 9) and bar.edit.text() == bar.strip.text
    assert tab.step_panel.shown["step"] == 0
    qtbot.mouseClick(bar.generate_button, Qt.MouseButton.LeftButton)
    text = bar.strip.text
    blocks = text.replace("BA", "B|A").split("|")
    assert text[0] == "A" and text[-1] == "A" and len(blocks) == 6  # five blocks and the next A
    assert all(b.count("B") == 2 * b.count("A") <= 8 for b in blocks[:-1])


def test_without_shipped_weights_the_net_is_labelled_untrained(qtbot, monkeypatch):
    import explorer.core.recurrent.weights as recurrent_state
    from explorer.qt.recurrent.tab import RecurrentTab

    monkeypatch.setattr(recurrent_state, "shipped_weights", lambda *args: None)
    widget = RecurrentTab()
    qtbot.addWidget(widget)
    user = RecurrentUser(widget, qtbot)
    assert "untrained" in user.description()
    assert "not solved" in user.accuracy()
    assert widget.shutdown()  # its machine is still being extracted in a child process: ended here


def test_clicking_a_batch_point_steps_through_its_string(tab):
    view = tab.views.pairs.views[0]
    row = int(tab.batch.offsets[2]) + 5  # the sixth step of the third batch string
    spot = view.points.points()[row]
    assert "string 3, step 6" in spot.data()
    view.points.sigClicked.emit(view.points, [spot], None)
    assert tab.sequence_bar.text == tab.batch.sequences[2].text
    assert tab.sequence_bar.position == 5
    np.testing.assert_allclose(tab.step_panel.shown["hidden"], tab.batch.hidden[row], atol=1e-6)


def test_train_stops_the_extraction_of_the_net_it_replaces(qtbot, tab):
    """The shipped net's machine is still being extracted when Train is pressed: that work stops
    (issue 20: it took CPU from the training) and the machine page says why there is no machine."""
    assert tab.machine.busy()  # just opened: the shipped SRN-2's machine is on its way
    user = RecurrentUser(tab, qtbot)
    user.set_learning_rate(0.0001)
    user.set_sequences(1_000_000)
    user.train()
    assert not tab.machine.busy() and tab.machine.study is None
    assert tab.machine_panel.summary.text().startswith("Training")
    qtbot.waitUntil(lambda: tab._latest is not None, timeout=20000)
    user.escape_cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=20000)
    wait_machine(qtbot, tab)  # the cancelled net's machine, extracted after all
    assert "cancelled" in user.description()


def test_step_panel_follows_a_net_of_the_same_size_and_one_of_another_kind(qtbot, tab):
    """A net of the same kind and size (every training) keeps the panel's axes (issue 20: set again, every
    axis was redrawn) and its bars show the new net's step; an LSTM brings the cell plot, an SRN takes it away."""
    from explorer.core.recurrent.weights import untrained_state

    panel = tab.step_panel
    tab.change("another SRN-2", untrained_state("anb2n", "srn", 2, seed=5))
    assert panel.hidden_plot.getAxis("bottom")._tickLevels == [[(0, "0"), (1, "1")]]  # no counting mark yet
    tab.sequence_bar.set_position(3)
    np.testing.assert_allclose(panel.hidden_bars.opts["height"], tab.trace.hidden[3])
    np.testing.assert_allclose(panel.predicted.opts["height"], tab.trace.probabilities[3])
    user = RecurrentUser(tab, qtbot)
    user.choose_model("lstm")
    assert panel.cell_plot.isVisibleTo(panel) and panel.gates_plot.isVisibleTo(panel)
    assert len(panel.hidden_plot.getAxis("bottom")._tickLevels[0]) == tab.state.hidden
    user.choose_model("srn")
    assert not panel.cell_plot.isVisibleTo(panel) and not panel.gates_plot.isVisibleTo(panel)


def test_after_a_training_the_views_repaint_one_per_turn_and_all_come_back(qtbot, tab):
    """The trained net's views all have it at once; their repaints are spread over turns (issue 20)."""
    import pyqtgraph as pg

    user = RecurrentUser(tab, qtbot)
    user.set_sequences(320)
    held_at_end: list[int] = []
    user.train()
    tab.task.finished.connect(lambda: held_at_end.append(tab.stagger.held()))
    with qtbot.waitSignal(tab.task.finished, timeout=30000):
        pass
    assert "trained" in user.description()
    assert held_at_end and held_at_end[0] >= 2  # the visible views wait for their turns
    qtbot.waitUntil(lambda: tab.stagger.held() == 0, timeout=5000)
    assert all(view.updatesEnabled() for view in tab.findChildren(pg.GraphicsView))
    # The training chart, repainted in its turn, shows the run that just ended.
    assert tab.controls.curves.points("training") >= 2
    assert not tab.controls.curves.grab().isNull()


def test_the_string_on_display_comes_back_traced_by_the_training_child(qtbot, tab, monkeypatch):
    """The window does not run the trained net along the string it shows: the child did (issue 20)."""
    from explorer.qt.recurrent import tab as tab_module

    user = RecurrentUser(tab, qtbot)
    _type(qtbot, tab, "aaabbbbbb")
    user.set_sequences(320)
    traced_here: list[str] = []
    real = tab_module.trace_of
    monkeypatch.setattr(tab_module, "trace_of", lambda net, seq: traced_here.append(seq.text) or real(net, seq))
    user.train()
    with qtbot.waitSignal(tab.task.finished, timeout=30000):
        pass
    assert "trained" in user.description() and tab.sequence.text == "AAABBBBBB"
    assert traced_here == []
    again = trace(tab.current_model(), tab.sequence.inputs)  # what the window would have computed
    assert np.array_equal(tab.trace.hidden, again.hidden)
    assert np.array_equal(tab.trace.log_probs, again.log_probs)
    # Another string is traced here as before.
    _type(qtbot, tab, "aabbbb")
    assert traced_here == ["AABBBB"] and len(tab.trace.hidden) == len("AABBBB") - 1
