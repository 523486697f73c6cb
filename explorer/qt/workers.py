"""Run background work for the GUI: a core progress generator, in a thread or a child process.

:class:`Task` is the one way the tabs run work. It adds what the app needs
everywhere:

* where it runs is an option: a pool thread by default, or a child process
  (``process=True``, :func:`explorer.core.subprocess_runner.in_subprocess`)
  for pure-Python loops that would hold the GIL the window needs;
* throttling by :class:`explorer.core.progress.Throttle`, the same rule the
  child processes use: ordinary records at most every ``min_interval``,
  ``keep`` records always, the newest dropped record before the end;
* coalescing: records wait in the worker's mailbox and the GUI thread takes
  all that arrived in one turn of its event loop; an ordinary record not yet
  taken is replaced by a newer one, so a window that was busy for a moment
  catches up with one update, not a burst of stale ones;
* cancellation at the next ``yield``: the generator is *closed* in the worker
  thread, so its ``finally`` blocks run there;
* every exception, ``BaseException`` included (a ``KeyboardInterrupt`` coming
  back from a child on Ctrl+C), ends the task with :attr:`Task.failed` and a
  readable one-line message, and :attr:`Task.finished` always follows, so a
  tab's Train button always comes back;
* one call wires it: :meth:`Task.bind` connects the tab's handlers, the task
  panel and the widgets to disable while it runs;
* release: a finished task hands its result over by signal, drops its
  generator and is ``deleteLater``-ed; it keeps no reference to the work.
  While running it is a child of the widget that started it;
  :func:`shutdown_tasks` cancels and joins all of a widget's tasks on close.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator, Iterable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget
from superqt.utils import WorkerBase
from superqt.utils._qthreading import GeneratorWorkerSignals

from explorer.core.errors import UserError
from explorer.core.progress import DEFAULT_INTERVAL, Progress, Throttle
from explorer.core.subprocess_runner import in_subprocess, stop_training_children
from explorer.core.threads import training_threads, use_training_threads

log = logging.getLogger(__name__)


def describe_error(exc: BaseException) -> str:
    """One readable line for a failure: the message alone for a UserError."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl+C)"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _ThrottledGeneratorWorker(WorkerBase):
    """Iterates a generator in a pool thread, emitting throttled ``yielded`` signals."""

    def __init__(self, generator: Generator, min_interval: float, threads: int | None):
        super().__init__(SignalsClass=GeneratorWorkerSignals)
        self._gen: Generator | None = generator
        self._throttle = Throttle(min_interval)
        self._threads = threads
        self.done = threading.Event()
        self._mailbox: list = []  # records not yet taken by the GUI thread
        self._mail_lock = threading.Lock()
        self._announced = False  # a "records are waiting" signal is on its way

    def _post(self, record: Any) -> None:
        """Leave ``record`` for the GUI thread; signal only when the mailbox was empty."""
        with self._mail_lock:
            box = self._mailbox
            if box and not getattr(record, "keep", False) and not getattr(box[-1], "keep", False):
                box[-1] = record  # the GUI has not drawn the older one yet: the newer supersedes it
            else:
                box.append(record)
            if self._announced:
                return
            self._announced = True
        self.yielded.emit(None)

    def take(self) -> list:
        """The records that arrived since the last call (GUI thread)."""
        with self._mail_lock:
            records, self._mailbox, self._announced = self._mailbox, [], False
        return records

    def start(self) -> None:
        """Into the thread pool now. superqt's ``start`` queues it on a 1 ms timer whenever an event
        loop runs (in the app: always), so a tab closed before that timer fired waited its whole
        time-out for a task that never reached the pool. A :class:`Task` connects every signal
        before it starts, so nothing is missed by starting at once."""
        if self in self._worker_set:
            raise RuntimeError("This worker is already started!")
        self._worker_set.add(self)
        self._finished.connect(self._set_discard)
        QThreadPool.globalInstance().start(self)

    def run(self) -> None:  # noqa: D102 - Qt calls this in the pool thread
        # Not superqt's run: it lets a BaseException escape without `errored` or `finished`.
        self.started.emit()
        self._running = True
        try:
            result = self.work()
            if not self.abort_requested:
                self.returned.emit(result)
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt too must end the task visibly
            if self.abort_requested:  # cancelled, and its child process was ended under it: no failure
                self.aborted.emit()
            else:
                self.errored.emit(exc)
        finally:
            self._gen = None  # the work's frames (models, data) are freed with the task's end
            self._running = False
            self.finished.emit()
            self._finished.emit(self)
            self.done.set()

    def work(self) -> Any:
        if self._threads:
            use_training_threads(self._threads)
        gen = self._gen
        try:
            while True:
                if self.abort_requested:
                    gen.close()
                    self.aborted.emit()
                    return None
                try:
                    record = next(gen)
                except StopIteration as stop:
                    for pending in self._throttle.flush():
                        self._post(pending)
                    return stop.value
                for ready in self._throttle.offer(record):
                    self._post(ready)
        except BaseException:
            gen.close()
            raise


class Task(QObject):
    """One long action (training, download…) running in the background.

    Parameters
    ----------
    work
        A progress generator, or a function returning one (called with
        ``args``/``kwargs``; required with ``process=True``).
    name
        For the log and :func:`shutdown_tasks`' messages.
    parent
        The widget that owns the task while it runs.
    process
        Run ``work(*args, **kwargs)`` in a child process rather than a thread
        (``work``, its arguments, records and result must be picklable).
    min_interval
        Seconds between two ordinary progress records reaching the GUI.
    threads
        Torch threads in the worker thread (default: the app's policy).

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
        work: Generator[Progress, Any, Any] | Callable[..., Generator[Progress, Any, Any]],
        *args: Any,
        name: str,
        parent: QObject | None = None,
        process: bool = False,
        min_interval: float = DEFAULT_INTERVAL,
        threads: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.name = name
        self.error: BaseException | None = None
        self.outcome: str | None = None  # "succeeded", "failed" or "cancelled"
        self.process = process
        if process:
            generator = in_subprocess(work, *args, **kwargs)
        elif callable(work) and not isinstance(work, Generator):
            generator = work(*args, **kwargs)
        else:
            generator = work
        self._worker = _ThrottledGeneratorWorker(generator, min_interval, threads or training_threads())
        self._worker.setAutoDelete(False)
        self._worker.yielded.connect(self._on_yielded)
        self._worker.returned.connect(self._on_returned)
        self._worker.errored.connect(self._on_errored)
        self._worker.aborted.connect(self._on_aborted)
        self._worker.finished.connect(self._on_finished)
        self._started = False
        self._disabled: list[QWidget] = []

    def bind(
        self,
        *,
        progress: Callable[[Progress], Any] | None = None,
        succeeded: Callable[[Any], Any] | None = None,
        failed: Callable[[str], Any] | None = None,
        cancelled: Callable[[], Any] | None = None,
        finished: Callable[[], Any] | None = None,
        panel=None,
        message: str = "Working…",
        disable: Iterable[QWidget] = (),
    ) -> Task:
        """Connect a tab to this task in one call.

        ``panel`` (a :class:`~explorer.qt.widgets.task_panel.TaskPanel`) follows
        it with ``message``; the ``disable`` widgets are disabled now and
        enabled again when it finishes, whatever the outcome.
        """
        for signal, slot in ((self.progress, progress), (self.succeeded, succeeded), (self.failed, failed),
                             (self.cancelled, cancelled)):
            if slot is not None:
                signal.connect(slot)
        self._disabled = list(disable)
        for widget in self._disabled:
            widget.setEnabled(False)
        if panel is not None:
            panel.bind(self, message)
        if finished is not None:
            self.finished.connect(finished)
        return self

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
    def _on_yielded(self, _ping: object) -> None:
        for record in self._worker.take():
            self.progress.emit(record)

    @Slot(object)
    def _on_returned(self, value: object) -> None:
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
        for widget in self._disabled:
            widget.setEnabled(True)
        self._disabled = []
        self.finished.emit()
        self.deleteLater()  # released: the owner's handlers have run and took what they need


def shutdown_tasks(owner: QObject, timeout: float = 10.0) -> bool:
    """Cancel and join every task owned by ``owner``; ``False`` if one would not stop.

    A task running in a child process is not waited for politely: the training
    children are ended at once (:func:`~explorer.core.subprocess_runner.stop_training_children`),
    so closing never waits for a child to reach its next record or for torch to load.
    """
    tasks = owner.findChildren(Task)
    for task in tasks:
        task.cancel()
    if any(task.process and task.is_running() for task in tasks):
        stop_training_children()
    return all(task.wait(timeout) for task in tasks)


def wait_for_tasks(owners: Iterable[QObject], timeout: float = 60.0) -> bool:
    """Turn the event loop until no task owned by ``owners`` runs (a tab just built restoring its work).

    ``False`` when one still runs after ``timeout`` seconds. Nothing else's tasks
    are waited for: a training in another tab goes on.
    """
    import time

    from PySide6.QtCore import QCoreApplication, QEventLoop

    owners = list(owners)
    deadline = time.monotonic() + timeout
    while any(task.is_running() for owner in owners for task in owner.findChildren(Task)):
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)
    QCoreApplication.processEvents()  # their last results, delivered by queued signals
    return True
