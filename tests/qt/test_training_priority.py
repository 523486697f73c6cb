"""A training child leaves the window the CPU: a lower scheduling priority and a core left free."""

from __future__ import annotations

import os

import pytest

from explorer.core.subprocess_runner import CHILD_NICENESS
from explorer.core.threads import available_cores
from explorer.qt.workers import Task
from tests.qt.task_jobs import report_priority_and_threads

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no nice values on this OS")


def test_a_training_child_runs_below_the_window_and_leaves_a_core(qtbot, monkeypatch):
    monkeypatch.delenv("EXPLORER_THREADS", raising=False)  # the app's own rule, not a pinned count
    task = Task(report_priority_and_threads, process=True, name="priority-probe")
    seen = []
    task.progress.connect(seen.append)
    with qtbot.waitSignal(task.progress, timeout=60_000):
        task.start()
    child = seen[0].data
    assert child["pid"] != os.getpid()
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    # The OS's own view of the running child, not only what it says of itself:
    assert os.getpriority(os.PRIO_PROCESS, child["pid"]) == child["nice"] == min(19, ours + CHILD_NICENESS)
    assert child["nice"] > ours
    assert child["threads"] == max(1, available_cores() - 1)  # one core left for the window
    with qtbot.waitSignal(task.finished, timeout=30_000):
        task.cancel()
    assert task.outcome == "cancelled"
