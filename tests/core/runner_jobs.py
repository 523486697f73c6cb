"""Progress generators for the process-runner tests (importable by a spawned child)."""

from __future__ import annotations

import os
import time

from explorer.core.progress import Progress


def counting(n: int, pause: float = 0.0, stop_file: str | None = None):
    """Yield ``n`` records carrying the child's process id, a kept one last; return ``n``.

    When cancelled, the ``finally`` block writes ``stop_file``: proof that the
    generator was closed in the child, not just killed.
    """
    try:
        for i in range(n):
            yield Progress(done=i + 1, total=n, data={"pid": os.getpid(), "i": i}, keep=i == n - 1)
            if pause:
                time.sleep(pause)
        return n
    finally:
        if stop_file is not None:
            with open(stop_file, "w") as f:
                f.write("closed")


def interrupted():
    """Raise ``KeyboardInterrupt`` (a ``BaseException``) after one record."""
    yield Progress(done=1, data={"pid": os.getpid()})
    raise KeyboardInterrupt("stopped from the keyboard")


def environment(name: str):
    """Return the child's value of environment variable ``name``."""
    yield Progress(done=1)
    return os.environ.get(name)


def threads():
    """Return the child's torch thread count."""
    import torch

    yield Progress(done=1)
    return torch.get_num_threads()
