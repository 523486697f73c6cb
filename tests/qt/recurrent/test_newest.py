"""Background work of which only the newest request counts (the machine views, the counting probe, the live views)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from explorer.core.progress import Progress
from explorer.qt.recurrent.newest import NewestTask


def square_when_let(x: int, gate: threading.Event):
    """x², once ``gate`` is set (a slow extraction, held as long as the test wants)."""
    yield Progress(0, 1, "waiting")
    gate.wait(30)
    yield Progress(1, 2, "squaring")
    return x * x


def test_a_newer_request_wins_and_the_older_result_is_ignored(qtbot):
    owner = QObject()
    shown, failed = [], []
    jobs = NewestTask(owner, "test-newest", square_when_let, shown.append, failed.append)
    first, second = threading.Event(), threading.Event()
    jobs.ask(2, first)
    jobs.ask(3, second)  # the user moved on before the first was done
    assert jobs.busy()
    first.set()
    second.set()
    qtbot.waitUntil(lambda: not jobs.busy() and jobs.task is None, timeout=30_000)
    assert shown == [9] and failed == []


def test_dropped_work_shows_nothing(qtbot):
    owner = QObject()
    shown = []
    jobs = NewestTask(owner, "test-newest", square_when_let, shown.append, shown.append)
    gate = threading.Event()
    jobs.ask(4, gate)
    task = jobs.task
    jobs.drop()  # e.g. training started: the result would be for a net no longer shown
    assert not jobs.busy()
    gate.set()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert shown == []


def pid_and_square(x: int):
    """x² and the process it was computed in."""
    import os

    yield Progress(0, 1, "squaring")
    return os.getpid(), x * x


def test_work_in_a_process_runs_beside_the_window_and_comes_back(qtbot):
    """process=True (the machine's extraction): the work runs in a child process, its result shown here."""
    import os

    owner = QObject()
    shown, failed = [], []
    jobs = NewestTask(owner, "test-newest-process", pid_and_square, shown.append, failed.append, process=True)
    jobs.ask(5)
    qtbot.waitUntil(lambda: not jobs.busy() and jobs.task is None, timeout=60_000)
    assert failed == [] and len(shown) == 1
    pid, square = shown[0]
    assert square == 25 and pid != os.getpid()


def squared(x: int):
    yield Progress(0, 1, "squaring")
    return x * x


def test_a_delayed_request_starts_later_and_only_the_newest_runs(qtbot):
    """The counting probe starts after the turns that draw a trained net (issue 20)."""
    owner = QObject()
    shown: list[int] = []
    jobs = NewestTask(owner, "test-newest", squared, shown.append, shown.append, delay_ms=300)
    jobs.ask(2)
    assert jobs.task is None and jobs.busy()  # asked for, not started: an export would compute it now
    jobs.ask(3)  # a newer net arrives meanwhile: only it is worked on
    qtbot.waitUntil(lambda: jobs.task is not None or bool(shown), timeout=5_000)
    qtbot.waitUntil(lambda: not jobs.busy() and jobs.task is None, timeout=30_000)
    assert shown == [9]
    jobs.ask(4)
    jobs.drop()  # dropped before it started: nothing runs, nothing is shown
    assert not jobs.busy()
    qtbot.wait(500)
    assert jobs.task is None and shown == [9]
