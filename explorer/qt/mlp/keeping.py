"""Keeping the MLP tab's work without freezing the window on a large data set.

A few hundred points are kept at once, as before. Over
:data:`~explorer.core.mlp.work.INLINE_POINTS` the arrays are compressed and
written in a background Task (a million points took seconds, on every point
edit); one write at a time, and only the newest state waits, so an older
write can never land after a newer one. Closing the tab joins the write.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from explorer.core.mlp.model import MLPRun, MLPState, save_parts
from explorer.core.mlp.work import INLINE_POINTS
from explorer.core.progress import Progress
from explorer.core.work_store import WorkStore
from explorer.qt.workers import Task


def _save_steps(store: WorkStore, state: MLPState, run: MLPRun | None):
    # Saves before its one yield: a cancel (closing the window) waits for the write, never drops it.
    save_parts(store, state, run)
    yield Progress(1, 1, "work kept", keep=True)


class WorkKeeper(QObject):
    """``keep(state, run)``: at once when small, in the background when large."""

    def __init__(self, store: WorkStore, keep_now: Callable, report: Callable[[str], None], parent: QObject):
        super().__init__(parent)
        self.store, self._keep_now, self._report = store, keep_now, report
        self._owner = parent
        self.task: Task | None = None
        self._waiting: tuple | None = None

    def keep(self, state: MLPState, run: MLPRun | None = None) -> None:
        """Keep the model's ``state`` and last ``run`` (see :func:`~explorer.core.mlp.model.save_parts`)."""
        if len(state.dataset) <= INLINE_POINTS and self.task is None:
            self._keep_now("the MLP work", save_parts, self.store, state, run)
            return
        self._waiting = (state, run)
        if self.task is None:
            self._start()

    def flush(self) -> None:
        """Write the newest waiting state now (on close, after the running write was joined)."""
        if self._waiting is not None:
            args, self._waiting = self._waiting, None
            self._keep_now("the MLP work", save_parts, self.store, *args)

    def _start(self) -> None:
        args, self._waiting = self._waiting, None
        self.task = Task(_save_steps, self.store, *args, name="mlp-keep-work", parent=self._owner).bind(
            failed=lambda message: self._report(f"Could not keep the MLP work: {message}"),
            finished=self._on_finished,
        ).start()

    def _on_finished(self) -> None:
        self.task = None
        if self._waiting is not None:
            if len(self._waiting[0].dataset) <= INLINE_POINTS:
                self.keep(*self._waiting)
                self._waiting = None
            else:
                self._start()
