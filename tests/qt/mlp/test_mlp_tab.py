"""The MLP tab as a user drives it: edit weights, train, cancel, load bad data."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from explorer.core.mlp.network import reference_step_network
from explorer.qt.main_window import MainWindow
from explorer.qt.mlp.tab import MLPTab
from tests.qt.mlp.driver import MLPUser


def test_reference_net_classifies_all_nine_points(tab, qtbot):
    qtbot.mouseClick(tab.controls.network.reference_button, Qt.MouseButton.LeftButton)
    assert tab.state.activation == "step"
    assert tab.accuracy_label.text().startswith("Accuracy 100 %")
    assert tab.table.column_texts("correct") == ["✓"] * 9
    assert len(tab.region_plots) == 5  # four hidden units and the output
    assert tab.region_plots[0].getPlotItem().titleLabel.text == "h0: y = x - 1.4"


def test_editing_a_weight_cell_changes_table_and_accuracy_at_once(tab, qtbot):
    tab.load_reference()
    # output weight of hidden unit 1 from 1.1 to -1.1: the points where only unit 1 differs flip
    MLPUser(tab).edit_cell(1, 3, "-1.1")
    assert tab.model.state.weights.hid_out_weight[0, 1] == -1.1
    marks = tab.table.column_texts("correct")
    assert "✗" in marks
    wrong = marks.count("✗")
    assert tab.accuracy_label.text().startswith(f"Accuracy {round(100 * (9 - wrong) / 9)} %")
    # and undo brings the reference back
    tab.undo_stack.undo()
    assert tab.table.column_texts("correct") == ["✓"] * 9


def test_invalid_cell_is_refused_with_a_message_and_last_net_stays(tab):
    user = MLPUser(tab)
    tab.load_reference()
    before = tab.model.state.weights
    for text in ("abc", "nan", "inf"):
        user.edit_cell(0, 2, text)
        assert tab.model.state.weights == before
        assert user.cell(0, 2) == "-1.4"
        assert "not a finite number" in user.refusal()


def test_hidden_count_adds_and_removes_rows(tab):
    user = MLPUser(tab)
    tab.load_reference()
    user.set_hidden(6)
    assert user.editor_rows() == 7
    assert tab.accuracy_label.text().startswith("Accuracy 100 %")  # new units are all zero weights
    user.set_hidden(2)
    assert user.editor_rows() == 3 and len(tab.region_plots) == 3


def test_rescaled_sigmoid_approaches_the_step_net(tab):
    user = MLPUser(tab)
    tab.load_reference()
    user.set_activation("sigmoid")
    user.set_scale(1)
    readout_1 = float(user.scale_readout().rsplit(" ", 1)[1])
    user.slide_scale(10)
    assert user.scale() == 10 and tab.model.scale == 10
    readout_10 = float(user.scale_readout().rsplit(" ", 1)[1])
    assert readout_10 < readout_1 < 1
    assert tab.accuracy_label.text().startswith("Accuracy 100 %")


def test_training_runs_to_the_end_through_the_worker(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_hidden(5)
    user.set_seed(0)
    with qtbot.waitSignal(tab.undo_stack.indexChanged, timeout=120_000):
        user.train()
        assert tab.task is not None
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    assert tab.state.activation == "sigmoid"
    assert tab.accuracy_label.text().startswith("Accuracy 100 %")
    assert tab.curves.points("loss") > 2
    assert user.progress() == 1000


def test_cancel_keeps_the_last_weights(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(1)  # one line cannot solve the checkerboard: runs until cancelled
    start = tab.model.state.weights
    tab.start_training()
    qtbot.waitUntil(lambda: tab.curves.points("loss") >= 3, timeout=30_000)
    with qtbot.waitSignal(tab.task.cancelled, timeout=10_000):
        user.cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    assert tab.state.weights != start
    assert tab.undo_stack.undoText() == "train (cancelled)"
    run = tab.model.run  # the run as it is kept: the timeline of what was received
    assert run.outcome == "cancelled" and run.trained == tab.model.state.weights
    assert run.timeline[-1].weights == tab.model.state.weights
    assert run.timeline[0].epoch < run.timeline[-1].epoch
    assert tab.timeline.snapshots == list(run.timeline)  # and the timeline bar offers it to scrub
    assert user.can_train()


def test_bad_csv_gets_a_message_naming_the_line_and_data_stays(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    tab = window.current_tab()
    assert isinstance(tab, MLPTab)
    bad = tmp_path / "points.csv"
    bad.write_text("x, y, t\n0, 0, 0\n1, 1, 7\n2, 2, 0\n")
    assert not window._run_file_action("Could not open the data", tab.open_data, bad)
    box = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"][-1]
    assert "points.csv" in box.text() and "line 3" in box.text()
    assert len(tab.state.dataset) == 9  # the checkerboard is still there


def test_clicking_points_toggles_and_adds(tab):
    tab.toggle_point(0)
    assert tab.state.dataset.targets[0] == 1
    tab.add_point(0.5, 0.5, Qt.KeyboardModifier.NoModifier)
    assert len(tab.state.dataset) == 10 and tab.table.rowCount() == 10
    tab.undo_stack.undo()
    tab.undo_stack.undo()
    assert len(tab.state.dataset) == 9 and tab.state.dataset.targets[0] == 0


def test_weights_round_trip_through_json_and_python_block(tab, tmp_path, qtbot):
    user = MLPUser(tab, qtbot)
    tab.load_reference()
    path = tmp_path / "net.json"
    tab.save_weights(path)
    assert json.loads(path.read_text())["hid_bias"] == [-1.4, -0.6, 0.6, 1.4]
    user.set_hidden(2)
    tab.open_weights(path)
    assert tab.state.weights == reference_step_network() and tab.state.activation == "step"
    tab.copy_python()
    user.set_hidden(3)
    tab.paste_python()
    assert tab.state.weights == reference_step_network()


def test_export_all_writes_course_names(tab, tmp_path):
    tab.load_reference()
    written = tab.export_all(tmp_path)
    names = sorted(p.name for p in written)
    plots = ["hid_4_0", "hid_4_1", "hid_4_2", "hid_4_3", "out_4"]  # no run yet: no training curves
    assert names == sorted([f"{n}.{fmt}" for n in plots for fmt in ("png", "svg")] + ["activation_table.csv"])
    assert all(p.stat().st_size > 1000 for p in written if p.suffix == ".png")
    assert "<svg" in (tmp_path / "hid_4_0.svg").read_text()[:500]


def test_training_settings_are_remembered(qtbot):
    first = MLPTab()
    qtbot.addWidget(first)
    user = MLPUser(first)
    user.set_learning_rate(0.005)
    user.set_seed(42)
    assert first.shutdown()
    again = MLPTab()
    qtbot.addWidget(again)
    user = MLPUser(again)
    assert user.learning_rate() == 0.005 and user.seed() == 42
