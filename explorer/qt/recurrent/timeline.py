"""The training timeline: a slider over the snapshots a training run kept.

Training keeps a bounded, evenly thinned list of weight snapshots
(:class:`~explorer.core.recurrent.snapshots.SnapshotLog`, ending at the
returned weights). Scrubbing picks one; the tab then shows that moment's
trajectories, machine, diagram and length chart. The bar hides itself for a
net that has no timeline (shipped or opened from a file).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from explorer.core.recurrent.snapshots import Snapshot


class TimelineBar(QWidget):
    """``Training timeline [slider] after N sequences [Latest]``."""

    #: The user chose snapshot ``index`` (the last one is the trained net).
    snapshot_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.snapshots: list[Snapshot] = []
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setToolTip("Scrub through training: the views show the net as it was after that many sequences")
        self.slider.setTracking(False)  # each moment costs an extraction: follow the release, not every pixel
        self.slider.valueChanged.connect(self._on_value)
        self.slider.sliderMoved.connect(self._describe)
        self.where = QLabel("")
        self.where.setMinimumWidth(170)
        self.latest = QPushButton("Latest")
        self.latest.setToolTip("Back to the trained net")
        self.latest.clicked.connect(self.go_latest)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Training timeline"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.where)
        layout.addWidget(self.latest)
        self.setVisible(False)

    def set_snapshots(self, snapshots: list[Snapshot]) -> None:
        """A new run's snapshots (oldest first); none hides the bar. Starts at the latest."""
        self.snapshots = list(snapshots)
        self.setVisible(len(self.snapshots) > 1)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self.snapshots) - 1, 0))
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self._describe(self.slider.value())

    @property
    def index(self) -> int:
        return self.slider.value()

    def at_latest(self) -> bool:
        return not self.snapshots or self.index == len(self.snapshots) - 1

    def choose(self, index: int) -> None:
        """Move to snapshot ``index`` (as if scrubbed there)."""
        self.slider.setValue(index)

    @Slot()
    def go_latest(self) -> None:
        self.choose(self.slider.maximum())

    def label(self) -> str:
        """``after 1,200 sequences`` for the snapshot on display (for figure titles)."""
        if not self.snapshots:
            return ""
        return f"after {self.snapshots[self.index].sequences:,} sequences"

    @Slot(int)
    def _describe(self, index: int) -> None:
        if self.snapshots:
            last = " (trained net)" if index == len(self.snapshots) - 1 else ""
            self.where.setText(f"after {self.snapshots[index].sequences:,} sequences{last}")

    @Slot(int)
    def _on_value(self, index: int) -> None:
        self._describe(index)
        self.snapshot_chosen.emit(index)
