"""Every GUI test must leave no background work behind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool


@pytest.fixture(autouse=True)
def no_task_left_running():
    yield
    pool = QThreadPool.globalInstance()
    # A finished worker may still be unwinding its last signal; give it a moment.
    assert pool.waitForDone(3000), f"{pool.activeThreadCount()} background task(s) left running after the test"
