"""Closing the window while a net trains in a child process leaves no process behind and does not hang.

A real MLP training through the real tab in the real window (a child process
started by the fork server, or spawned where there is none); the window is
closed as a user closes it; the test then checks what a user (or ``ps``)
would see: the training child, the warm child and the fork server are gone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from explorer.core import subprocess_runner
from explorer.qt.main_window import MainWindow
from explorer.qt.mlp.tab import MLPTab
from tests.qt.mlp.driver import MLPUser


def _gone(pid: int) -> bool:
    """No such process (or only its exit status is left, a zombie nobody has collected yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" in status.read_text()
    except OSError:
        return True


def _all_gone(pids: list[int], within: float) -> list[int]:
    """Wait up to ``within`` seconds (turning the event loop); the pids still alive then."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        alive = [pid for pid in pids if not _gone(pid)]
        if not alive:
            return []
        QApplication.processEvents()
        time.sleep(0.02)
    return [pid for pid in pids if not _gone(pid)]


def test_closing_the_window_mid_training_ends_the_training_processes(qtbot):
    window = MainWindow([MLPTab()])
    qtbot.addWidget(window)
    window.show()
    tab = window.tabs.widget(0)
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(1)  # one line cannot solve the checkerboard: runs until stopped
    tab.start_training()
    qtbot.waitUntil(lambda: tab.curves.points("loss") >= 2, timeout=120_000)  # the child is training
    runner = subprocess_runner.default_runner()
    children = runner.pids()
    assert children, "the training runs in a child process"
    server = subprocess_runner.fork_server_pid() if runner.start_method == "forkserver" else None
    processes = children + ([server] if server else [])
    assert not [pid for pid in processes if _gone(pid)]

    window.close()

    assert not window.isVisible()
    assert tab.task is None or not tab.task.is_running()  # the worker thread was joined, not left behind
    # "Within 1 s" is what the window does (SIGTERM, SIGKILL after 0.3 s); the bound here is generous
    # because the test machine is shared and busy.
    assert _all_gone(processes, within=10.0) == []
    assert subprocess_runner.fork_server_pid() is None
    assert runner.pids() == []


@pytest.mark.parametrize("stage", ["starting", "warm"])
def test_closing_the_window_before_the_child_is_ready_ends_it_too(qtbot, stage):
    # The first Train click of a session waits for the fork server to import torch (seconds):
    # closing then must not wait for that import to finish.
    subprocess_runner.stop_training_children()  # no fork server, no warm child: the slow first start
    window = MainWindow([MLPTab()])
    qtbot.addWidget(window)
    window.show()
    tab = window.tabs.widget(0)
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(1)
    runner = subprocess_runner.default_runner()
    if stage == "warm":
        runner.warm_up()
    tab.start_training()
    qtbot.waitUntil(lambda: bool(runner.pids() or subprocess_runner.fork_server_pid()), timeout=60_000)
    processes = runner.pids() + [pid for pid in [subprocess_runner.fork_server_pid()] if pid]

    window.close()

    assert tab.task is None or not tab.task.is_running()
    assert _all_gone(processes, within=10.0) == []
    assert runner.pids() == []
