"""Live curves of Kuzushiji training runs, overlaid in distinct colours.

Loss (top): each run's per-batch training loss, smoothed, as a solid line
and its per-epoch test loss as a dashed line with dots. Test accuracy
(bottom) per epoch. The x axis is epochs (a batch halfway through epoch 3 is
at 2.5). Curves are created once per run and updated with ``setData``; the
GUI redraws at most a few times a second (:meth:`RunCurves.flush`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from html import escape

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer

log = logging.getLogger(__name__)

SMOOTHING = 0.1
"""Weight of the newest batch in the exponential moving average of the training loss."""
REDRAW_MS = 250
LOG_STEPS = (1, 2, 3, 5)
"""Mantissas of the log loss axis's ticks: 0.2, 0.3, 0.5, 1, 2, 3…"""
PALETTE = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14),
           (23, 190, 207), (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34)]


@dataclass
class _Run:
    train: pg.PlotDataItem
    test: pg.PlotDataItem
    accuracy: pg.PlotDataItem
    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    epoch_x: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    smoothed: float | None = None
    dirty: bool = True
    label: str = ""


class RunCurves(pg.GraphicsLayoutWidget):
    """Training loss, test loss and test accuracy of every run this session."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumHeight(260)
        self.loss_plot = self.addPlot(row=0, col=0)
        self.loss_plot.setTitle("Loss: solid = training (smoothed), dashed ● = test")
        self.loss_plot.setLabel("left", "NLL loss")
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        self.accuracy_plot = self.addPlot(row=1, col=0)
        self.accuracy_plot.setTitle("Test accuracy")
        self.accuracy_plot.setLabel("left", "accuracy", units="%")
        self.accuracy_plot.setLabel("bottom", "epoch")
        self.accuracy_plot.setYRange(0, 100)
        self.accuracy_plot.showGrid(x=True, y=True, alpha=0.3)
        self.accuracy_plot.setXLink(self.loss_plot)
        # Accuracy rises, so the lower right of its plot is where the legend hides the least.
        self.legend = self.accuracy_plot.addLegend(offset=(-10, -10))
        self.runs: dict[str, _Run] = {}
        self.note = ""
        self.loss_plot.vb.sigYRangeChanged.connect(self._update_log_ticks)
        self._show_values(False)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.flush)

    def _show_values(self, shown: bool) -> None:
        """Tick labels only when there is something to read (an empty plot's 0.1–0.9 means nothing)."""
        for plot in (self.loss_plot, self.accuracy_plot):
            for side in ("left", "bottom"):
                plot.getAxis(side).setStyle(showValues=shown)
        if not shown:
            self.loss_plot.getAxis("left").setTicks(None)

    def _update_log_ticks(self, *_) -> None:
        """1-2-5 ticks on the log loss axis (pyqtgraph alone gives only 1 and 2 over 0.3–2.3)."""
        low, high = self.loss_plot.vb.viewRange()[1]
        if not self.runs or not (math.isfinite(low) and math.isfinite(high)) or high <= low:
            return
        values = [m * 10.0 ** e for e in range(math.floor(low) - 1, math.ceil(high) + 1) for m in LOG_STEPS]
        inside = [v for v in values if low <= math.log10(v) <= high]
        major = inside
        for keep in ((1, 2, 5), (1,)):  # fewer labels when the range spans many decades
            if len(major) <= 8:
                break
            major = [v for v in inside if round(v / 10.0 ** math.floor(math.log10(v) + 1e-9)) in keep]
        self.loss_plot.getAxis("left").setTicks([
            [(math.log10(v), f"{v:g}") for v in major],
            [(math.log10(v), "") for v in inside if v not in major],
        ])

    def set_note(self, note: str) -> None:
        """A line under the loss title saying what the curves are (e.g. that a loaded net has none)."""
        self.note = note
        title = "Loss: solid = training (smoothed), dashed ● = test"
        self.loss_plot.setTitle(f"{title}<br><span style='color:#a05a00'>{escape(note)}</span>" if note else title)

    def mark_run(self, key: str, tag: str) -> None:
        """Add ``tag`` (e.g. "diverged") to a run's name in the legend."""
        run = self.runs.get(key)
        if run is None:
            return
        run.label = f"{run.label} ({tag})"
        for sample, label in self.legend.items:
            if sample.item is run.accuracy:
                label.setText(run.label)

    def start_run(self, key: str, label: str) -> tuple[int, int, int]:
        """Begin curves for a new run called ``label`` in the legend; returns its colour."""
        self.set_note("")
        self._show_values(True)
        color = PALETTE[len(self.runs) % len(PALETTE)]
        pen = pg.mkPen(color, width=2)
        run = _Run(
            train=self.loss_plot.plot(pen=pen),
            test=self.loss_plot.plot(pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                                     symbol="o", symbolSize=6, symbolBrush=color, symbolPen=None),
            accuracy=self.accuracy_plot.plot(pen=pen, symbol="o", symbolSize=6, symbolBrush=color, symbolPen=None,
                                             name=label),
        )
        run.label = label
        self.runs[key] = run
        self._timer.start()
        return color

    def runs_data(self) -> list[dict]:
        """Every run's curves as plain lists, oldest first (what :meth:`add_run_data` takes)."""
        return [{"label": r.label, "batch_x": r.batch_x, "batch_loss": r.batch_loss, "epoch_x": r.epoch_x,
                 "test_loss": r.test_loss, "accuracy": r.accuracies} for r in self.runs.values()]

    def add_runs_data(self, runs: list[dict]) -> None:
        """Draw runs kept from an earlier session; a malformed one is skipped with a warning."""
        for data in runs:
            try:
                self.add_run_data(f"kept{len(self.runs) + 1}", data)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("ignoring the kept curves of %r: %s", data.get("label"), exc)

    def add_run_data(self, key: str, data: dict) -> None:
        """Draw a run kept from an earlier session (``data`` as :meth:`runs_data` gives it)."""
        self.start_run(key, str(data["label"]))
        run = self.runs[key]
        run.batch_x, run.batch_loss = [float(v) for v in data["batch_x"]], [float(v) for v in data["batch_loss"]]
        run.epoch_x, run.test_loss = [float(v) for v in data["epoch_x"]], [float(v) for v in data["test_loss"]]
        run.accuracies = [float(v) for v in data["accuracy"]]
        self.stop_updates()

    def add_batch(self, key: str, x: float, loss: float) -> None:
        """One training-loss value at ``x`` epochs (smoothed before it is drawn)."""
        run = self.runs[key]
        run.smoothed = loss if run.smoothed is None else (1 - SMOOTHING) * run.smoothed + SMOOTHING * loss
        run.batch_x.append(x)
        run.batch_loss.append(max(run.smoothed, 1e-6))
        run.dirty = True

    def add_epoch(self, key: str, epoch: int, test_loss: float, accuracy: float) -> None:
        """The test loss and accuracy after ``epoch``."""
        run = self.runs[key]
        run.epoch_x.append(float(epoch))
        run.test_loss.append(max(test_loss, 1e-6))
        run.accuracies.append(accuracy)
        run.dirty = True
        self.flush()

    def flush(self) -> None:
        """Draw what arrived since the last redraw."""
        for run in self.runs.values():
            if run.dirty:
                run.train.setData(run.batch_x, run.batch_loss)
                run.test.setData(run.epoch_x, run.test_loss)
                run.accuracy.setData(run.epoch_x, run.accuracies)
                run.dirty = False

    def stop_updates(self) -> None:
        """No more redraws until the next run starts (nothing is training)."""
        self.flush()
        self._timer.stop()

    def clear_runs(self) -> None:
        """Remove every run's curves."""
        for run in self.runs.values():
            for item in (run.train, run.test):
                self.loss_plot.removeItem(item)
            self.accuracy_plot.removeItem(run.accuracy)
        self.legend.clear()
        self.runs.clear()
        self._show_values(False)
