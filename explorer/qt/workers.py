"""Run a core progress generator on a worker thread.

A thin layer over superqt's worker (a QRunnable on Qt's thread pool) that
adds what the app needs everywhere:

* throttling: at most one ordinary record per ``min_interval`` reaches the
  GUI (records marked ``keep`` always do, and the newest dropped record is
  delivered before the task ends), so a fast training loop cannot flood the
  event loop;
* cancellation at the next ``yield``: the generator is *closed* in the worker
  thread, so its ``finally`` blocks run there;
* every exception from the generator, ``RuntimeError`` included, becomes the
  :attr:`Task.failed` signal with a readable one-line message;
* ownership: a task is a child of the widget that started it; :meth:`wait`
  joins it, and :func:`shutdown_tasks` cancels and joins all of a widget's
  tasks when it closes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from superqt.utils import WorkerBase
from superqt.utils._qthreading import GeneratorWorkerSignals

from explorer.core.errors import UserError
from explorer.core.progress import Progress

log = logging.getLogger(__name__)

#: ~20 progress updates a second at most reach the GUI.
DEFAULT_INTERVAL = 0.05


def worker_threads() -> int:
    """Torch threads for a worker: all cores but one, which is left for the GUI."""
    return max(1, (os.cpu_count() or 2) - 1)


def describe_error(exc: BaseException) -> str:
    """One readable line for a failure: the message alone for a UserError."""
    if isinstance(exc, UserError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _ThrottledGeneratorWorker(WorkerBase):
    """Iterates a generator in a pool thread, emitting throttled ``yielded`` signals."""

    def __init__(self, generator: Generator, min_interval: float, threads: int | None):
        super().__init__(SignalsClass=GeneratorWorkerSignals)
        self._gen = generator
        self._min_interval = min_interval
        self._threads = threads
        self.done = threading.Event()

    def run(self) -> None:  # noqa: D102 - Qt calls this in the pool thread
        try:
            super().run()
        finally:
            self.done.set()

    def work(self) -> Any:
        if self._threads:
            import torch

            torch.set_num_threads(self._threads)
        last_emit = 0.0
        pending = None
        try:
            while True:
                if self.abort_requested:
                    self._gen.close()
                    self.aborted.emit()
                    return None
                try:
                    record = next(self._gen)
                except StopIteration as stop:
                    if pending is not None:
                        self.yielded.emit(pending)
                    return stop.value
                now = time.monotonic()
                keep = getattr(record, "keep", False)
                if keep or now - last_emit >= self._min_interval:
                    if pending is not None and keep:
                        self.yielded.emit(pending)
                    self.yielded.emit(record)
                    pending = None
                    last_emit = now
                else:
                    pending = record
        except BaseException:
            self._gen.close()
            raise


class Task(QObject):
    """One long action (training, download…) running in the background.

    Signals
    -------
    progress(Progress)
        Throttled progress records.
    succeeded(object)
        The generator's return value.
    failed(str)
        A one-line message; the exception itself is kept in :attr:`error`.
    cancelled()
        The task stopped at a ``yield`` because :meth:`cancel` was called.
    finished()
        Always emitted last, whatever the outcome.
    """

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self,
        generator: Generator[Progress, Any, Any],
        *,
        name: str,
        parent: QObject | None = None,
        min_interval: float = DEFAULT_INTERVAL,
        threads: int | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.name = name
        self.error: BaseException | None = None
        self.result: Any = None
        self.outcome: str | None = None  # "succeeded", "failed" or "cancelled"
        self._worker = _ThrottledGeneratorWorker(generator, min_interval, threads or worker_threads())
        self._worker.setAutoDelete(False)
        self._worker.yielded.connect(self._on_yielded)
        self._worker.returned.connect(self._on_returned)
        self._worker.errored.connect(self._on_errored)
        self._worker.aborted.connect(self._on_aborted)
        self._worker.finished.connect(self._on_finished)
        self._started = False

    def start(self) -> Task:
        log.info("task %s started", self.name)
        self._started = True
        self._worker.start()
        return self

    def cancel(self) -> None:
        """Ask the task to stop at its next ``yield``."""
        if self.is_running():
            log.info("task %s: cancel requested", self.name)
        self._worker.quit()

    def is_running(self) -> bool:
        return self._started and not self._worker.done.is_set()

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until the worker thread is done; ``False`` on time-out."""
        if not self._started:
            return True
        return self._worker.done.wait(timeout)

    @Slot(object)
    def _on_yielded(self, record: object) -> None:
        self.progress.emit(record)

    @Slot(object)
    def _on_returned(self, value: object) -> None:
        self.result = value
        self.outcome = "succeeded"
        self.succeeded.emit(value)

    @Slot(object)
    def _on_errored(self, exc: BaseException) -> None:
        self.error = exc
        self.outcome = "failed"
        if isinstance(exc, UserError):
            log.warning("task %s failed: %s", self.name, exc)
        else:
            log.error("task %s failed", self.name, exc_info=(type(exc), exc, exc.__traceback__))
        self.failed.emit(describe_error(exc))

    @Slot()
    def _on_aborted(self) -> None:
        self.outcome = "cancelled"
        log.info("task %s cancelled", self.name)
        self.cancelled.emit()

    @Slot()
    def _on_finished(self) -> None:
        self.finished.emit()


def shutdown_tasks(owner: QObject, timeout: float = 10.0) -> bool:
    """Cancel and join every task owned by ``owner``; ``False`` if one would not stop."""
    tasks = owner.findChildren(Task)
    for task in tasks:
        task.cancel()
    return all(task.wait(timeout) for task in tasks)
