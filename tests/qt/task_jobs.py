"""Training stand-ins for the GUI tests (importable by a training child process)."""

from __future__ import annotations

from explorer.core.progress import Progress


def interrupted(*_args, **_kwargs):
    """What a child hit by Ctrl+C before its first record hands back: ``KeyboardInterrupt``."""
    raise KeyboardInterrupt
    yield Progress(done=0)  # never reached: it makes this a generator


def report_priority_and_threads(*_args, **_kwargs):
    """Says its process id, ``nice`` value and torch thread count, then waits to be cancelled (60 s at most)."""
    import os
    import time

    import torch

    yield Progress(done=0, keep=True, data={"pid": os.getpid(), "nice": os.getpriority(os.PRIO_PROCESS, 0),
                                            "threads": torch.get_num_threads()})
    end = time.monotonic() + 60
    while time.monotonic() < end:
        time.sleep(0.02)
        yield Progress(done=1)
