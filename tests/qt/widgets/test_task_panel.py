"""The task panel: a real Task's records on the panel, at most a few a second, the last one always."""

from __future__ import annotations

import time

from explorer.core.progress import Progress
from explorer.qt.widgets.task_panel import TaskPanel
from explorer.qt.workers import Task
from tests.qt.showing import shown


def quick_steps(n):
    """``n`` records as fast as they come (a recurrent training sends a dozen a second)."""
    for i in range(1, n + 1):
        yield Progress(i, n, f"{i:,} sequences", keep=True)
    return n


def slow_steps(n, delay):
    for i in range(1, n + 1):
        time.sleep(delay)
        yield Progress(i, n + 1, f"step {i}", keep=True)
    return n


def panel_with(qtbot) -> TaskPanel:
    return shown(qtbot, TaskPanel(), 400, 80)


def test_a_burst_of_records_shows_fewer_and_ends_on_the_last(qtbot):
    panel = panel_with(qtbot)
    shown: list[str] = []
    panel.record_shown.connect(lambda record: shown.append(panel.label.text()))
    task = Task(quick_steps, 200, name="burst").bind(panel=panel, message="Working…")
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
    # The last record was shown before the panel said the task was done: all 200 counted.
    assert shown and shown[-1] == "200 sequences"
    assert len(shown) < 200
    assert panel.bar.maximum() == 1000 and panel.bar.value() == 1000 and panel.bar.format() == "100%"
    assert not panel.cancel_button.isEnabled()


def test_records_further_apart_than_the_pace_are_each_shown_at_once(qtbot):
    panel = panel_with(qtbot)
    shown: list[str] = []
    panel.record_shown.connect(lambda record: shown.append(record.message))
    task = Task(slow_steps, 3, TaskPanel.SHOW_MS / 1000 + 0.15, name="slow").bind(panel=panel)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
        qtbot.waitUntil(lambda: panel.label.text() == "step 1", timeout=10_000)
        assert panel.bar.value() == 250 and panel.bar.format().startswith("25%")
    assert shown == ["step 1", "step 2", "step 3"]


def test_a_failure_after_held_records_still_says_failed(qtbot):
    panel = panel_with(qtbot)

    def failing():
        for i in range(1, 50):
            yield Progress(i, 100, f"step {i}", keep=True)
        raise RuntimeError("the matrix was singular")

    task = Task(failing, name="failing").bind(panel=panel)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
    assert panel.label.text().startswith("Failed:") and "singular" in panel.label.text()
    assert panel.bar.value() == 490  # the last record reached the bar before the failure was said


def test_show_progress_sets_only_what_changed(qtbot):
    panel = panel_with(qtbot)
    panel.show_progress("epoch 10", 5, "epoch 10 of 100")
    assert (panel.label.text(), panel.bar.maximum(), panel.bar.value(), panel.bar.format()) == (
        "epoch 10", 1000, 5, "epoch 10 of 100")
    changed: list[int] = []
    panel.bar.valueChanged.connect(changed.append)
    panel.show_progress(None, 5, None)  # nothing new: message and bar text kept
    assert changed == [] and panel.label.text() == "epoch 10" and panel.bar.format() == "epoch 10 of 100"
    panel.show_progress(None, None)  # busy
    assert panel.bar.maximum() == 0 and panel.bar.updatesEnabled()


def silent_then_steps(started, delay):
    started.append(True)
    time.sleep(delay)
    yield Progress(1, 2, "halfway", keep=True)
    time.sleep(0.5)  # the record is looked at before the task ends
    return 1


def test_an_empty_bar_not_a_busy_one_until_the_first_record(qtbot):
    """Qt animates a busy bar 60 times a second: a task that is only starting shows an empty bar."""
    panel = panel_with(qtbot)
    started: list[bool] = []
    task = Task(silent_then_steps, started, 1.0, name="starting").bind(panel=panel, message="Training…")
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
        qtbot.waitUntil(lambda: bool(started), timeout=10_000)
        assert (panel.bar.maximum(), panel.bar.value(), panel.bar.format()) == (1000, 0, "starting…")
        assert panel.label.text() == "Training…"
        qtbot.waitUntil(lambda: panel.label.text() == "halfway", timeout=10_000)
        assert panel.bar.value() == 500 and panel.bar.format().startswith("50%")
    assert panel.label.text() == "halfway" and panel.bar.format() == "100%"  # the last message stays


class QuickToBusyPanel(TaskPanel):
    BUSY_AFTER_MS = 200


def test_a_task_silent_for_long_gets_the_busy_bar(qtbot):
    panel = QuickToBusyPanel()
    qtbot.addWidget(panel)
    panel.show()
    started: list[bool] = []
    task = Task(silent_then_steps, started, 1.5, name="silent").bind(panel=panel)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
        qtbot.waitUntil(lambda: panel.bar.maximum() == 0, timeout=5_000)  # busy: nothing better known
        assert panel.bar.format() == ""
        qtbot.waitUntil(lambda: panel.label.text() == "halfway", timeout=10_000)
        assert panel.bar.maximum() == 1000 and panel.bar.value() == 500


def test_a_task_failing_before_any_record_leaves_no_starting_text(qtbot):
    panel = panel_with(qtbot)

    def refusing():
        raise RuntimeError("no such file")
        yield  # a generator

    task = Task(refusing, name="refusing").bind(panel=panel)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
    assert panel.label.text().startswith("Failed:") and panel.bar.format() == ""


def test_what_the_tab_says_of_the_outcome_stays_over_a_held_record(qtbot):
    """A tab's own line when the task succeeds (the data page's "Downloaded, ...") is not covered by
    the last record, held back because it came right after the one before."""
    panel = panel_with(qtbot)
    task = Task(quick_steps, 50, name="then-said").bind(panel=panel)
    task.succeeded.connect(lambda _result: panel.label.setText("Downloaded, checked and stored"))
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()
    assert panel.label.text() == "Downloaded, checked and stored"
    assert panel.bar.value() == 1000
