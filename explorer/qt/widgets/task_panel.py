"""A progress bar with a message, time left and a Cancel button for one Task."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from explorer.core.progress import Progress
from explorer.qt.workers import Task


def format_seconds(seconds: float) -> str:
    """``"1:05"`` / ``"1:02:03"`` for a duration in seconds."""
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class TaskPanel(QWidget):
    """Shows the running task's progress; Cancel (Esc) stops it at its next step.

    Records are shown at most every :data:`SHOW_MS` (the newest one; the last one always,
    before the panel says how the task ended), and only what changed is set: while a net
    trains, each record shown set the bar (which repaints itself at once, outside Qt's
    coalesced painting) and re-laid out the word-wrapped message, 0.3-0.4 ms of the
    window's thread for each of a recurrent training's 13 records a second (issue 20).
    """

    #: Least time between two records shown (ms): four a second read as smooth progress.
    SHOW_MS = 250
    #: The bar's text from the start of a task until its first record.
    STARTING = "starting…"
    #: A task with no record after this long (ms) gets the busy bar. Not at once: Qt animates a
    #: busy bar 60 times a second, repainting the panels under it (60-65 ms of the window's thread
    #: per second), and a training child's first record comes within a second or two.
    BUSY_AFTER_MS = 3000

    bound = Signal()
    """A new task is followed from now on."""
    record_shown = Signal(object)
    """A progress record was shown (for widgets beside the panel that tell more of it, e.g. the speed)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.task: Task | None = None
        self._started_at = 0.0
        self._pending: Progress | None = None  # the newest record not shown yet
        self._own_text = ""  # the message the panel last showed (not the tab's own words since)
        self._shown_at = float("-inf")
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self.show_pending)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(self.BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._still_starting)
        self.label = QLabel("Idle")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setTextVisible(True)
        self.bar.setFormat("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop at the next step, keeping what was finished (Esc)")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(row)

    def bind(self, task: Task, message: str = "Working…") -> None:
        """Follow ``task`` until it finishes."""
        self.task = task
        self._started_at = time.monotonic()
        self._pending, self._shown_at = None, float("-inf")
        self._show_timer.stop()
        self.show_progress(message, 0, self.STARTING)  # an empty bar until the first record says how much there is
        self._busy_timer.start()
        self.cancel_button.setEnabled(True)
        task.progress.connect(self.on_progress)
        task.finished.connect(self.on_finished)
        task.failed.connect(self.on_failed)
        task.cancelled.connect(self.on_cancelled)
        self.bound.emit()

    @Slot()
    def cancel(self) -> None:
        if self.task is not None and self.task.is_running():
            self.label.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.task.cancel()

    @Slot(object)
    def on_progress(self, record: Progress) -> None:
        """Show ``record`` now, or the newest record when :data:`SHOW_MS` has passed since the last one shown."""
        self._pending = record
        wait = self.SHOW_MS - (time.monotonic() - self._shown_at) * 1000
        if wait <= 0:
            self.show_pending()
        elif not self._show_timer.isActive():
            self._show_timer.start(max(1, int(wait)))

    @Slot()
    def _still_starting(self) -> None:
        """No record yet, and nothing else set the bar (the MLP tab shows its own): busy."""
        bar = self.bar
        if self.task is not None and (bar.maximum(), bar.value(), bar.format()) == (1000, 0, self.STARTING):
            self.show_progress(None, None, "")

    @Slot()
    def show_pending(self) -> None:
        """Show the newest record not shown yet (if any)."""
        self._show_timer.stop()
        self._busy_timer.stop()
        record, self._pending = self._pending, None
        if record is None:
            return
        self._shown_at = time.monotonic()
        fraction = record.fraction
        # A record held back until the task ended does not cover what its tab said of the outcome.
        text = record.message if record.message and self.label.text() == self._own_text else None
        if fraction is None:
            self.show_progress(text, None)
        else:
            elapsed = time.monotonic() - self._started_at
            left = ""
            if 0.02 < fraction < 1 and elapsed > 1:
                left = f" · {format_seconds(elapsed * (1 - fraction) / fraction)} left"
            self.show_progress(text, int(fraction * 1000), f"{fraction * 100:.0f}%{left}")
        self.record_shown.emit(record)

    def show_progress(self, text: str | None, value: int | None, bar_text: str | None = None) -> None:
        """The message (None: kept), the bar's value out of 1000 (None: busy) and its text (None: kept).

        Only what changed is set, and the bar is repainted with the window's next paint
        (QProgressBar.setValue repaints at once), so callers may call it with every record.
        """
        if text is not None:
            self._own_text = text
            if text != self.label.text():
                self.label.setText(text)
        bar = self.bar
        maximum = 0 if value is None else 1000
        changes = (bar.maximum() != maximum or (value is not None and bar.value() != value)
                   or (bar_text is not None and bar.format() != bar_text))
        if not changes:
            return
        bar.setUpdatesEnabled(False)  # one update() when enabled again, not a repaint() per change
        try:
            if bar.maximum() != maximum or bar.minimum() != 0:
                bar.setRange(0, maximum)
            if value is not None and bar.value() != value:
                bar.setValue(value)
            if bar_text is not None and bar.format() != bar_text:
                bar.setFormat(bar_text)
        finally:
            bar.setUpdatesEnabled(True)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.show_pending()
        self.label.setText(f"Failed: {message}")

    @Slot()
    def on_cancelled(self) -> None:
        self.show_pending()
        self.label.setText("Cancelled")

    @Slot()
    def on_finished(self) -> None:
        self.show_pending()
        self._busy_timer.stop()
        self.cancel_button.setEnabled(False)
        succeeded = self.task is not None and self.task.outcome == "succeeded"
        value = 1000 if succeeded else (0 if self.bar.maximum() == 0 else self.bar.value())
        bar_text = "100%" if succeeded else ("" if self.bar.format() == self.STARTING else None)
        self.show_progress(None, value, bar_text)
        if succeeded:
            if self.label.text().startswith(("Working", "Cancelling")):
                self.label.setText("Done")
        self.task = None
