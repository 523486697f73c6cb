"""A progress bar with a message, time left and a Cancel button for one Task."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal, Slot
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
    """Shows the running task's progress; Cancel (Esc) stops it at its next step."""

    bound = Signal()
    """A new task is followed from now on."""
    record_shown = Signal(object)
    """A progress record was shown (for widgets beside the panel that tell more of it, e.g. the speed)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.task: Task | None = None
        self._started_at = 0.0
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
        self.label.setText(message)
        self.bar.setRange(0, 0)  # busy until the first record says how much there is
        self.bar.setFormat("")
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
        fraction = record.fraction
        text = record.message
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
            elapsed = time.monotonic() - self._started_at
            left = ""
            if 0.02 < fraction < 1 and elapsed > 1:
                left = f" · {format_seconds(elapsed * (1 - fraction) / fraction)} left"
            self.bar.setFormat(f"{fraction * 100:.0f}%{left}")
        if text:
            self.label.setText(text)
        self.record_shown.emit(record)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.label.setText(f"Failed: {message}")

    @Slot()
    def on_cancelled(self) -> None:
        self.label.setText("Cancelled")

    @Slot()
    def on_finished(self) -> None:
        self.cancel_button.setEnabled(False)
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1000)
        if self.task is not None and self.task.outcome == "succeeded":
            self.bar.setValue(1000)
            self.bar.setFormat("100%")
            if self.label.text().startswith(("Working", "Cancelling")):
                self.label.setText("Done")
        self.task = None
