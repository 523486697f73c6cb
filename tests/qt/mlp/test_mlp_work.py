"""The MLP tab's work survives a restart; training over hand-made weights can be undone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from explorer.core.mlp.network import reference_step_network
from explorer.qt.main_window import MainWindow
from explorer.qt.mlp.tab import MLPTab
from tests.qt.mlp.driver import MLPUser


def open_window(qtbot) -> tuple[MainWindow, MLPTab]:
    window = MainWindow(tabs=[MLPTab()])
    qtbot.addWidget(window)
    window.show()
    return window, window.current_tab()


def test_weights_and_data_set_are_back_after_a_restart(qtbot):
    window, tab = open_window(qtbot)
    user = MLPUser(tab, qtbot)
    user.press_reference()
    tab.add_point(0.3, 0.7, Qt.KeyboardModifier.NoModifier)
    user.set_learning_rate(0.25)
    dataset = tab.state.dataset
    window.close()

    window, tab = open_window(qtbot)
    user = MLPUser(tab, qtbot)
    assert tab.state.weights == reference_step_network() and tab.state.activation == "step"
    assert tab.state.dataset == dataset and len(tab.state.dataset) == 10
    assert tab.accuracy_label.text().startswith("Accuracy")
    assert user.learning_rate() == pytest.approx(0.25)
    window.close()


def test_training_over_hand_made_weights_can_be_undone_and_the_result_is_kept(qtbot):
    window, tab = open_window(qtbot)
    user = MLPUser(tab, qtbot)
    user.press_reference()
    hand_made = tab.state.weights
    user.set_max_epochs(300)
    with qtbot.waitSignal(tab.undo_stack.indexChanged, timeout=120_000):
        user.train()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    trained = tab.state.weights
    assert trained != hand_made and tab.undo_stack.undoText().startswith("train")
    window.close()

    window, tab = open_window(qtbot)
    assert tab.state.weights == trained  # the newest work, trained, is what comes back
    window.close()

    window, tab = open_window(qtbot)
    user = MLPUser(tab, qtbot)
    user.press_reference()
    user.set_max_epochs(300)
    with qtbot.waitSignal(tab.undo_stack.indexChanged, timeout=120_000):
        user.train()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    tab.undo_stack.undo()
    assert tab.state.weights == hand_made
    window.close()


def test_a_damaged_store_is_set_aside_with_a_message(qtbot, user_data_dir):
    folder = user_data_dir / "work" / "mlp"
    folder.mkdir(parents=True)
    (folder / "work.json").write_text('{"format": 1, "work": {"dataset": {"points": [[0, 0]]', encoding="utf-8")
    window, tab = open_window(qtbot)
    assert len(tab.state.dataset) == 9  # the checkerboard: a fresh start
    assert (folder / "work.json.damaged").is_file()
    qtbot.waitUntil(lambda: any(b.objectName() == "errorBox" for b in window.findChildren(QMessageBox)))
    box = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"][-1]
    assert "work.json" in box.text() and "work.json.damaged" in box.text()
    assert (folder / "work.json").is_file()  # and the tab's work is kept again from now on
    window.close()


def test_a_killed_training_child_fails_the_task_and_train_comes_back(qtbot):
    import os
    import signal

    window, tab = open_window(qtbot)
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(1)  # cannot solve the checkerboard: runs until stopped
    tab.start_training()
    assert not user.can_train()
    qtbot.waitUntil(lambda: tab.curves.points("loss") >= 2, timeout=60_000)
    children = _training_children()
    assert children
    with qtbot.waitSignal(tab.task.finished, timeout=30_000):
        for pid in children:
            os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: user.can_train(), timeout=5_000)
    assert tab.task is None
    box = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"][-1]
    assert "stopped unexpectedly" in box.text()
    window.close()


def _training_children() -> list[int]:
    """Training child processes of this test process running a job now (not the warm one waiting)."""
    import multiprocessing

    from explorer.core.subprocess_runner import CHILD_NAME, default_runner

    runner = default_runner()
    runner.wait_for_refill(60)
    warm = runner.warm_pid()
    return [p.pid for p in multiprocessing.active_children() if p.name == CHILD_NAME and p.pid != warm]


def test_opening_weights_over_hand_made_ones_can_be_undone(qtbot, tmp_path):
    from explorer.core.mlp import weights_io

    window, tab = open_window(qtbot)
    user = MLPUser(tab, qtbot)
    user.edit_cell(0, 0, "2.5")  # a hand-made change
    hand_made = tab.state.weights
    path = weights_io.save_json(reference_step_network(), tmp_path / "ref.json", "step")
    assert window._run_file_action("Could not open the weights", tab.open_weights, path)
    assert tab.state.weights == reference_step_network()
    window.undo_action.trigger()
    assert tab.state.weights == hand_made
    window.close()
