"""The progress record every long-running core generator yields.

Training, downloading and evaluation are plain generators that ``yield``
:class:`Progress` records and ``return`` their result. The GUI runs them in
:mod:`explorer.qt.workers` (throttled, cancellable at the next ``yield``); the
command line simply iterates them.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R")


@dataclass
class Progress:
    """One step of a long task.

    Parameters
    ----------
    done, total
        Work finished so far and in all, in any unit (batches, bytes, epochs).
        ``total`` of 0 means unknown.
    message
        Short human text for a status line, e.g. ``"epoch 3/10"``.
    data
        Anything the caller wants to plot (loss, accuracy, a weight snapshot).
    keep
        ``True`` for records that must reach the GUI even when it is
        throttled (epoch summaries, checkpoints); ordinary per-batch records
        may be dropped when they come faster than the GUI can draw.
    """

    done: float
    total: float = 0
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    keep: bool = False

    @property
    def fraction(self) -> float | None:
        """Share finished in [0, 1], or ``None`` when the total is unknown."""
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))


ProgressGenerator = Generator[Progress, None, R]


def run_to_end(gen: Generator[Progress, None, R], on_progress=None) -> R:
    """Drive a progress generator to its end and return its result."""
    while True:
        try:
            record = next(gen)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(record)
