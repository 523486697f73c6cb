"""The MLP tab's training timeline: a slider over the weight snapshots of the last run (issue 10).

Scrubbing shows that moment's network in every region plot and the activation
table without changing the network being edited; the end of the slider is the
trained net itself. The bar hides while there is no timeline (a hand-designed net).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from explorer.core.mlp.timeline import WeightSnapshot


class TimelineBar(QWidget):
    """Slider + readout; emits :attr:`moment_chosen` with the snapshot (``None`` at the end: the net itself)
    and :attr:`index_chosen` with its place (the model's ``moment``)."""

    moment_chosen = Signal(object)
    index_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mlpTimeline")
        self.snapshots: list[WeightSnapshot] = []
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setToolTip("Training timeline: drag to see the regions and the table at that epoch; "
                               "the right end is the trained net")
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel scrolls the page unless focused
        self.label = QLabel()
        self.label.setObjectName("timelineLabel")
        self.label.setMinimumWidth(230)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Training timeline"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._on_moved)
        self.set_snapshots([])

    def set_snapshots(self, snapshots: list[WeightSnapshot]) -> None:
        """Show a new run's timeline (at its end), or hide the bar for none."""
        self.snapshots = list(snapshots)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self.snapshots) - 1, 0))
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self.setVisible(len(self.snapshots) > 1)
        self._say()

    def at_end(self) -> bool:
        return self.slider.value() == self.slider.maximum()

    def current(self) -> WeightSnapshot | None:
        """The snapshot shown, or ``None`` at the end (the trained net) or without a timeline."""
        if not self.snapshots or self.at_end():
            return None
        return self.snapshots[self.slider.value()]

    def scrub_to(self, index: int) -> None:
        """Move to snapshot ``index`` (negative counts from the end), as dragging the slider does."""
        self.slider.setValue(index % len(self.snapshots) if self.snapshots else 0)

    @Slot(int)
    def _on_moved(self, _value: int) -> None:
        self._say()
        self.index_chosen.emit(self.slider.value())
        self.moment_chosen.emit(self.current())

    def _say(self) -> None:
        if not self.snapshots:
            self.label.setText("")
            return
        snap = self.snapshots[self.slider.value()]
        last = self.snapshots[-1].epoch
        where = "the trained net" if self.at_end() else f"{self.slider.value() + 1} of {len(self.snapshots)}"
        self.label.setText(f"epoch {snap.epoch:,} of {last:,} ({where})")
