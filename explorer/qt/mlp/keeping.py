"""Keeping the MLP tab's work without freezing the window on a large data set.

A few hundred points are kept at once, as before. Over
:data:`~explorer.core.mlp.work.INLINE_POINTS` the arrays are compressed and
written in a background Task (a million points took seconds, on every point
edit); one write at a time, and only the newest state waits, so an older
write can never land after a newer one. Closing the tab joins the write.
A training run of over :data:`INLINE_RECORDS` records is written in the
background too: the 2,000 records and weight snapshots of a 200,000-epoch
run took 50-90 ms of JSON on the window's thread, the longest pause of the
turn in which the run ended (issue 20).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from explorer.core.mlp.model import MLPRun, MLPState, save_parts
from explorer.core.mlp.work import INLINE_POINTS
from explorer.core.progress import Progress
from explorer.core.work_store import WorkStore
from explorer.qt.workers import Task

#: A run with more records than this is written in the background.
INLINE_RECORDS = 500


def _save_steps(store: WorkStore, state: MLPState, run: MLPRun | None, written: list):
    # Saves before its one yield: a cancel (closing the window) once it runs waits for the write. A cancel
    # before the pool ran it at all leaves ``written`` empty, and WorkKeeper.flush writes it then.
    save_parts(store, state, run)
    written.append(True)
    yield Progress(1, 1, "work kept", keep=True)


class WorkKeeper(QObject):
    """``keep(state, run)``: at once when small, in the background when large."""

    def __init__(self, store: WorkStore, keep_now: Callable, report: Callable[[str], None], parent: QObject):
        super().__init__(parent)
        self.store, self._keep_now, self._report = store, keep_now, report
        self._owner = parent
        self.task: Task | None = None
        self._waiting: tuple | None = None
        self._writing: tuple | None = None  # the running write's (state, run) and its ``written`` flag

    def keep(self, state: MLPState, run: MLPRun | None = None) -> None:
        """Keep the model's ``state`` and last ``run`` (see :func:`~explorer.core.mlp.model.save_parts`)."""
        if self.task is None and _small(state, run):
            self._writing = None  # an earlier write that did not happen is older than this one
            self._keep_now("the MLP work", save_parts, self.store, state, run)
            return
        self._waiting = (state, run)
        if self.task is None:
            self._start()

    def flush(self) -> None:
        """Write the newest state not yet written now (on close, after the running write was joined).

        That is the waiting state, else the running write's own state if closing cancelled it
        before it ran (a write asked for just before the window closed).
        """
        writing, self._writing = self._writing, None
        if writing is not None and not writing[2] and self._waiting is None:
            self._waiting = writing[:2]
        if self._waiting is not None:
            args, self._waiting = self._waiting, None
            self._keep_now("the MLP work", save_parts, self.store, *args)

    def _start(self) -> None:
        args, self._waiting = self._waiting, None
        written: list = []
        self._writing = (*args, written)
        self.task = Task(_save_steps, self.store, *args, written, name="mlp-keep-work", parent=self._owner).bind(
            failed=lambda message: self._report(f"Could not keep the MLP work: {message}"),
            finished=self._on_finished,
        ).start()

    def _on_finished(self) -> None:
        self.task = None
        if self._writing is not None and self._writing[2]:
            self._writing = None
        if self._waiting is not None:
            if _small(*self._waiting):
                self.keep(*self._waiting)
                self._waiting = None
            else:
                self._start()


def _small(state: MLPState, run: MLPRun | None) -> bool:
    """Whether writing ``state`` and ``run`` is quick enough for the window's thread."""
    return len(state.dataset) <= INLINE_POINTS and (run is None or len(run.history) <= INLINE_RECORDS)
