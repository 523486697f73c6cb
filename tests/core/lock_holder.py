"""A second real process that holds a data folder's lock, as a second window would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

_HOLD = """
import sys
from explorer.core.instance_lock import DataFolderLock
lock = DataFolderLock(sys.argv[1], sys.argv[2])
print("held" if lock.acquire() else "refused", flush=True)
sys.stdin.read()  # hold until told (or killed)
"""


@contextlib.contextmanager
def held_by_another_process(folder, mechanism: str = "flock"):
    """Run a process holding ``folder``'s lock; yields it (kill it to play a crash)."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen([sys.executable, "-c", _HOLD, str(folder), mechanism], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=root, env=env)
    try:
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdin.close()
        process.stdout.close()
