"""The start-up's background work: one mechanism (Preloader), torch warmed off the GUI thread, failures only logged."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

from explorer.qt.app import Preloader


def test_a_failed_step_is_logged_and_the_next_ones_still_run(caplog):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("no such thing")

    with caplog.at_level(logging.WARNING, logger="explorer.qt.app"):
        preloader = Preloader(
            [("a broken step", broken), ("loading json", "json"), ("after it", lambda: ran.append(threading.current_thread().name))],
            name="test-preload",
        )
        assert preloader.done.wait(60)
    assert ran == ["test-preload"]  # on the background thread, after the failure
    assert "could not preload a broken step" in caplog.text and "no such thing" in caplog.text


def test_the_warm_up_readies_torch_the_training_child_every_tab_and_scipy_off_the_gui_thread():
    code = (
        "import sys, threading\n"
        "from explorer.qt.app import warm_up_torch\n"
        "from explorer.qt.exports import tab_slots\n"
        "from explorer.core import subprocess_runner\n"
        "warm = warm_up_torch()\n"
        "print(warm._thread.name, warm._thread is not threading.main_thread(), warm._thread.daemon)\n"
        "print(warm.done.wait(300))\n"
        "print(all(m in sys.modules for s in tab_slots() for m in s.preload), 'torch.optim' in sys.modules,\n"
        "      'scipy.ndimage' in sys.modules)\n"
        "print(subprocess_runner.default_runner().warm_pid() is not None)\n"
        "subprocess_runner.stop_training_children()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=400)
    assert out.stdout.split() == ["torch-warm-up", "True", "True", "True", "True", "True", "True", "True"], out.stderr
