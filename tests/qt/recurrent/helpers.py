"""Helpers for the recurrent tab's tests."""

from __future__ import annotations


def wait_machine(qtbot, tab) -> None:
    """Until the tab's background extraction has shown a machine."""
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)
