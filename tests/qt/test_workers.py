"""The generic background worker: progress, throttling, cancel, errors, join."""

from __future__ import annotations

import threading
import time

import pytest

from explorer.core.errors import UserError
from explorer.core.progress import Progress
from explorer.qt.workers import Task, shutdown_tasks


def counting(n, delay=0.0, keep_every=0, cleanup=None):
    try:
        for i in range(1, n + 1):
            if delay:
                time.sleep(delay)
            yield Progress(i, n, f"step {i}", data={"i": i}, keep=bool(keep_every and i % keep_every == 0))
        return n * 10
    finally:
        if cleanup is not None:
            cleanup.append(threading.current_thread().name)


def failing():
    yield Progress(1, 2, "first")
    raise RuntimeError("the matrix was singular")


def refusing():
    yield Progress(0, 1)
    raise UserError("train.csv line 3: target must be 0 or 1, not 7")


def test_result_and_last_progress_arrive(qtbot):
    task = Task(counting(50), name="count")
    seen = []
    task.progress.connect(seen.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert task.outcome == "succeeded" and task.result == 500
    assert seen[-1].done == 50  # the newest record is never lost to throttling


def test_fast_records_are_throttled_but_kept_ones_all_arrive(qtbot):
    task = Task(counting(20000, keep_every=1000), name="fast", min_interval=0.05)
    seen = []
    task.progress.connect(seen.append)
    with qtbot.waitSignal(task.finished, timeout=20000):
        task.start()
    assert len(seen) < 2000
    assert [r.done for r in seen if r.keep] == list(range(1000, 20001, 1000))


def test_cancel_stops_at_next_step_and_runs_cleanup_in_worker(qtbot):
    cleanup = []
    task = Task(counting(10_000, delay=0.005, cleanup=cleanup), name="slow")
    seen = []
    task.progress.connect(seen.append)
    task.start()
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    assert task.wait(5)
    assert task.outcome == "cancelled" and task.result is None
    assert seen[-1].done < 10_000
    assert cleanup and cleanup[0] != threading.main_thread().name


@pytest.mark.parametrize(
    ("gen", "message"),
    [(failing, "RuntimeError: the matrix was singular"), (refusing, "train.csv line 3: target must be 0 or 1, not 7")],
)
def test_exceptions_become_one_line_messages(qtbot, gen, message):
    task = Task(gen(), name="bad")
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.start()
    assert blocker.args == [message]
    assert task.wait(5) and task.outcome == "failed"


def test_shutdown_cancels_and_joins_all_tasks_of_an_owner(qtbot):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    tasks = [Task(counting(100_000, delay=0.001), name=f"t{i}", parent=owner).start() for i in range(2)]
    qtbot.waitUntil(lambda: all(t.is_running() for t in tasks), timeout=5000)
    assert shutdown_tasks(owner, timeout=5)
    assert not any(t.is_running() for t in tasks)
