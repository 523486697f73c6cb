"""Training stand-ins for the GUI tests (importable by a training child process)."""

from __future__ import annotations

from explorer.core.progress import Progress


def interrupted(*_args, **_kwargs):
    """What a child hit by Ctrl+C before its first record hands back: ``KeyboardInterrupt``."""
    raise KeyboardInterrupt
    yield Progress(done=0)  # never reached: it makes this a generator
