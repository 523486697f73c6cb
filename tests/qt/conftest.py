"""Every GUI test must leave no background work behind."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QThreadPool

if os.environ.get("QT_QPA_PLATFORM", "xcb") not in ("offscreen", "minimal"):
    # The OpenGL tests: triton's LLVM must load before Mesa's, whichever test makes the first context.
    from explorer.qt.widgets.gl_export import load_triton_first

    load_triton_first()


@pytest.fixture(scope="session", autouse=True)
def garbage_collected_on_the_gui_thread(qapp):
    """As the app runs: Python's cycle collector only on the GUI thread (see app.collect_garbage_on_the_gui_thread)."""
    import gc

    from explorer.qt.app import collect_garbage_on_the_gui_thread

    collect_garbage_on_the_gui_thread()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def no_task_left_running():
    yield
    pool = QThreadPool.globalInstance()
    # A finished worker may still be unwinding its last signal; give it a moment (on a loaded
    # machine, with the suite on two workers, a few seconds).
    assert pool.waitForDone(10_000), f"{pool.activeThreadCount()} background task(s) left running after the test"
