"""The progress record every long-running core generator yields.

Training, downloading and evaluation are plain generators that ``yield``
:class:`Progress` records and ``return`` their result. The GUI runs them in
:mod:`explorer.qt.workers` (throttled, cancellable at the next ``yield``); the
command line simply iterates them. :class:`Throttle` is the one rule for which
records reach the GUI, used alike by the worker threads and by the training
children of :mod:`explorer.core.subprocess_runner`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
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
        Anything the caller wants to plot (loss, accuracy, a weight snapshot): a
        dict, or a typed record such as the Kuzushiji engine's ``EpochRecord``.
    keep
        ``True`` for records that must reach the GUI even when it is
        throttled (epoch summaries, checkpoints); ordinary per-batch records
        may be dropped when they come faster than the GUI can draw.
    """

    done: float
    total: float = 0
    message: str = ""
    data: Any = field(default_factory=dict)
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


#: ~20 progress updates a second at most: what the GUI can usefully draw.
DEFAULT_INTERVAL = 0.05


class Throttle:
    """Decides which progress records are delivered and which may be dropped.

    A fast loop can yield thousands of records a second; drawing (or pickling
    through a pipe) each one is wasted work. An ordinary record is delivered
    when ``min_interval`` seconds have passed since the last delivery, else it
    is held as the *pending* record, replacing any older pending one. A record
    whose ``keep`` attribute is true (epoch summaries, checkpoints) is always
    delivered, right after the pending one so the order is kept. At the end,
    :meth:`flush` gives the pending record, so the last state is never lost.

    Parameters
    ----------
    min_interval
        Seconds between two deliveries of ordinary records.
    clock
        Returns the current time in seconds; tests pass a fake one.

    Examples
    --------
    >>> now = [0.0]
    >>> throttle = Throttle(0.05, clock=lambda: now[0])
    >>> throttle.offer("a"), throttle.offer("b")
    (['a'], [])
    >>> throttle.flush()
    ['b']
    """

    def __init__(self, min_interval: float = DEFAULT_INTERVAL, clock: Callable[[], float] = time.monotonic):
        self.min_interval = min_interval
        self._clock = clock
        self._last: float | None = None
        self._pending: Any = None
        self._has_pending = False

    def offer(self, record: Any) -> list:
        """The records to deliver now (possibly none) after ``record`` arrived."""
        now = self._clock()
        if getattr(record, "keep", False):
            out = self._take_pending()
            out.append(record)
            self._last = now
            return out
        if self._last is None or now - self._last >= self.min_interval:
            # The newer record supersedes the pending one: only the latest state matters.
            self._take_pending()
            self._last = now
            return [record]
        self._pending, self._has_pending = record, True
        return []

    def flush(self) -> list:
        """The pending record, if any, to deliver when the stream ends."""
        return self._take_pending()

    def _take_pending(self) -> list:
        if not self._has_pending:
            return []
        record, self._pending, self._has_pending = self._pending, None, False
        return [record]
