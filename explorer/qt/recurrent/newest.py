"""Background work of which only the newest request counts (the machine views, the counting probe).

:class:`NewestTask` runs one :class:`~explorer.qt.workers.Task` at a time.
Each request gets a generation number; a newer one cancels the task that is
running (it stops at its next ``yield``) and starts once that one has
finished (never two k-means at once), and a result or failure reaches the
owner only when it answers the newest request. Nothing waits on the GUI
thread: a result that comes too late is simply ignored.

``process=True`` runs the work in a training child process rather than a
pool thread: seconds of small-array Python (the machine's k-means search)
in a thread of the window's process hold the GIL its event loop needs
(issue 20: 100-400 ms gaps after every training); a child runs at a lower
priority and holds none of the window's.

``delay_ms`` starts a request's work that long after it was asked for (a
newer request in the meantime replaces it): work that would share the GIL
with the window's busiest turns, those in which a trained net is drawn,
starts after them instead (issue 20: the counting probe, whose torch steps
in a thread lengthened the longest gap after a training by about 20 ms; in a
child process it cost a child start per net instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

from explorer.qt.workers import Task


class NewestTask(QObject):
    """One background job at a time; only the newest request's outcome is handed on."""

    def __init__(self, owner: QObject, name: str, work: Callable, shown: Callable[[Any], None],
                 failed: Callable[[str], None], *, process: bool = False, delay_ms: int = 0):
        super().__init__(owner)
        self.owner, self.name, self.work, self.process = owner, name, work, process
        self._shown, self._failed = shown, failed
        self.generation = 0
        self.request: tuple | None = None  # the newest request's arguments (None once dropped)
        self.task: Task | None = None
        self._running = 0  # the generation the running task answers
        self._pending: tuple[int, tuple] | None = None
        self._closed = False
        self._delay = QTimer(self, singleShot=True, interval=delay_ms)
        self._delay.timeout.connect(self._start_pending)

    def ask(self, *args) -> None:
        """Run ``work(*args)`` in the background; any older request still running is cancelled."""
        self.generation += 1
        self.request = args
        if self._closed:
            return
        if self.task is not None:
            self.task.cancel()  # it stops at its next yield; its result, if any, is ignored
            self._pending = (self.generation, args)
            return
        if self._delay.interval() > 0:
            self._pending = (self.generation, args)  # busy() from now: exports compute it at once (ensure)
            self._delay.start()
            return
        self._start(self.generation, args)

    @Slot()
    def _start_pending(self) -> None:
        if self._pending is not None and self.task is None and not self._closed:
            (generation, args), self._pending = self._pending, None
            if generation == self.generation:
                self._start(generation, args)

    def drop(self) -> None:
        """Forget every request: whatever is running is cancelled and its outcome ignored."""
        self.generation += 1
        self.request, self._pending = None, None
        self._delay.stop()
        if self.task is not None:
            self.task.cancel()

    def busy(self) -> bool:
        """Whether a request is still to be answered."""
        return self.request is not None and (self.task is not None or self._pending is not None)

    def stop(self) -> None:
        """The owner is closing: start nothing more (its shutdown joins the running task)."""
        self._closed, self._pending = True, None
        self._delay.stop()

    def _start(self, generation: int, args: tuple) -> None:
        self._running = generation
        self.task = Task(self.work, *args, name=self.name, parent=self.owner, threads=1, process=self.process)
        self.task.bind(succeeded=self._on_succeeded, failed=self._on_failed, finished=self._on_finished).start()

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        if self._running == self.generation and self.request is not None:
            self.request = None  # answered
            self._shown(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._running == self.generation and self.request is not None:
            self.request = None
            self._failed(message)

    @Slot()
    def _on_finished(self) -> None:
        self.task = None
        if self._pending is not None and not self._closed:
            (generation, args), self._pending = self._pending, None
            if generation == self.generation:
                self._start(generation, args)
