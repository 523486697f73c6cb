"""The generic background worker: progress, throttling, cancel, errors, join."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
import weakref

import numpy as np
import pytest
from PySide6.QtWidgets import QPushButton

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
    seen, results = [], []
    task.progress.connect(seen.append)
    task.succeeded.connect(results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert task.outcome == "succeeded" and results == [500]
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
    assert task.outcome == "cancelled"
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


def test_a_tab_closed_right_after_starting_a_task_in_the_running_app_closes(qtbot):
    """In the app an event loop always runs; a task started there and closed at once (a net chosen,
    then the window closed) used to wait out the whole time-out for a start that never came."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    closed: list[bool] = []

    def inside_the_event_loop() -> None:
        Task(counting(100_000, delay=0.001), name="chosen", parent=owner).start()
        closed.append(shutdown_tasks(owner, timeout=5))

    QTimer.singleShot(0, inside_the_event_loop)
    qtbot.waitUntil(lambda: bool(closed), timeout=15_000)
    assert closed == [True]


def interrupted():
    yield Progress(1, 2, "first")
    raise KeyboardInterrupt


def big_result(megabytes: int):
    yield Progress(0, 1)
    return np.ones(megabytes * 2**20, dtype=np.uint8)


def test_a_base_exception_fails_the_task_and_finished_still_comes(qtbot):
    """Ctrl+C reaching a child comes back as KeyboardInterrupt: the task must still end."""
    button = QPushButton("Train")
    qtbot.addWidget(button)
    failures = []
    task = Task(interrupted(), name="interrupted").bind(failed=failures.append, disable=[button])
    assert not button.isEnabled()
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert failures == ["interrupted (Ctrl+C)"] and task.outcome == "failed"
    assert button.isEnabled()


def test_bind_wires_the_panel_and_the_handlers_in_one_call(qtbot):
    from explorer.qt.widgets.task_panel import TaskPanel

    panel = TaskPanel()
    qtbot.addWidget(panel)
    seen, results = [], []
    task = Task(counting, 20, name="count", parent=panel).bind(
        progress=seen.append, succeeded=results.append, panel=panel, message="Counting…")
    assert panel.label.text() == "Counting…" and panel.cancel_button.isEnabled()
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert results == [200] and seen[-1].done == 20
    assert panel.bar.value() == 1000 and not panel.cancel_button.isEnabled()


def test_work_runs_in_a_child_process_when_asked(qtbot):
    from tests.core import runner_jobs

    records, results = [], []
    task = Task(runner_jobs.counting, 3, name="child", process=True).bind(
        progress=records.append, succeeded=results.append)
    with qtbot.waitSignal(task.finished, timeout=60000):
        task.start()
    assert results == [3]
    assert records and records[-1].data["pid"] != os.getpid()


def test_a_killed_child_fails_the_task_with_a_readable_message(qtbot):
    from tests.core import runner_jobs

    records, failures = [], []
    task = Task(runner_jobs.counting, 100_000, pause=0.01, name="child", process=True).bind(
        progress=records.append, failed=failures.append)
    with qtbot.waitSignal(task.finished, timeout=60000):
        task.start()
        qtbot.waitUntil(lambda: bool(records), timeout=60000)
        os.kill(records[0].data["pid"], signal.SIGKILL)
    assert task.outcome == "failed"
    assert "stopped unexpectedly" in failures[0] and "SIGKILL" in failures[0]


def test_finished_tasks_are_released_with_their_results(qtbot):
    """Five tasks returning 8 MB each must not keep 40 MB: the result is handed over and the task deleted."""
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    sizes, refs = [], []
    for _ in range(5):
        task = Task(big_result(8), name="big", parent=owner)
        task.succeeded.connect(lambda value: sizes.append(value.nbytes))
        refs.append(weakref.ref(task))
        with qtbot.waitSignal(task.finished, timeout=5000):
            task.start()
        del task
    qtbot.waitUntil(lambda: not owner.findChildren(Task), timeout=5000)
    gc.collect()
    assert sizes == [8 * 2**20] * 5
    assert [r() for r in refs] == [None] * 5


def test_records_waiting_for_a_busy_window_arrive_as_one_update(qtbot):
    """While the GUI thread is busy, ordinary records are superseded (the newest kept), kept ones all arrive."""
    produced = threading.Event()

    def burst():
        for i in range(1, 101):
            yield Progress(done=i, keep=i == 50)
        produced.set()
        return "done"

    task = Task(burst(), name="burst", min_interval=0.0)  # no throttling: only the coalescing is left
    seen = []
    task.progress.connect(seen.append)
    task.start()
    assert produced.wait(10)  # the window is "busy": no events are handled until all 100 records were made
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert [r.done for r in seen] == [49, 50, 100]  # one update before the kept record, one after it
