"""Training from the MLP tab: following a run (started by ``MLPTab.start_training``), and what it leaves behind.

:class:`TrainingRuns` is a mixin of :class:`~explorer.qt.mlp.tab.MLPTab` (it uses
the tab's ``controls``, ``curves``, ``timeline``, ``change`` and ``refresh``).
A run keeps its curves' numbers (``history``) and a timeline of its weights;
a cancelled or diverged run keeps its last finite weights and the snapshots
received so far, and says so.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from explorer.core.mlp.network import MLPWeights
from explorer.core.mlp.training import TrainResult
from explorer.core.progress import Progress
from explorer.qt.messages import show_error


class TrainingRuns:
    """Follow, cancel and keep a run (mixed into the MLP tab)."""

    # training ---------------------------------------------------------------------------
    @Slot(object)
    def _on_progress(self, record: Progress) -> None:
        d = record.data
        self.curves.add_point("loss", d["epoch"], d["loss"], d["accuracy"])
        self.history.append((d["epoch"], d["loss"], d["accuracy"]))
        self._run_timeline.record(d["epoch"], d["weights"], d["loss"], d["accuracy"])
        self._live_weights = d["weights"]
        self.last_record = d
        c = self._config
        self.controls.train.task_panel.on_progress(Progress(d["epoch"], 0, (
            f"epoch {d['epoch']:,}: loss {d['loss']:.4f}, accuracy {d['accuracy']:.0f} % · stops after "
            f"{c.stable_epochs:,} epochs at 100 %, at most {c.max_epochs:,} epochs")))
        if not self._live_timer.isActive():
            self._live_timer.start()

    @Slot()
    def _refresh_live(self) -> None:
        if self.task is not None and self._live_weights is not None:
            self.refresh(live=True)

    def _keep_run(self, text: str, weights: MLPWeights, snapshots, history=None) -> None:
        self._trained = weights
        if history is not None:
            self.history = list(history)
        self._live_weights = None
        self.timeline.set_snapshots(snapshots)
        self.change(text, weights=weights, activation="sigmoid")

    def _collected_snapshots(self, weights: MLPWeights) -> list:
        epoch = self.last_record["epoch"] if self.last_record else 0
        self._run_timeline.record(epoch, weights, final=True)
        return self._run_timeline.snapshots

    @Slot(object)
    def _on_trained(self, result: TrainResult) -> None:
        verdict = "reached 100 %" if result.stopped_by_rule else f"stopped at {result.accuracy:.0f} %"
        self._keep_run("train", result.weights, result.timeline or self._collected_snapshots(result.weights),
                       result.history or None)
        self.status_message.emit(f"Training {verdict} after {result.epochs:,} epochs, loss {result.loss:.4f}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        # A diverged run carries its last finite weights: keep them rather than lose the run.
        kept = getattr(self.task.error if self.task is not None else None, "weights", None)
        if not isinstance(kept, MLPWeights) and self.last_record is not None and "diverged" in message:
            kept = self.last_record["weights"]
        if isinstance(kept, MLPWeights):
            self._keep_run("train (diverged)", kept, self._collected_snapshots(kept))
            message += "\n\nThe last finite weights are kept (Undo brings back the net from before)."
        show_error(self, "Training failed", message)
        self.refresh()

    @Slot()
    def _on_cancelled(self) -> None:
        if self.last_record is not None:
            weights = self.last_record["weights"]
            self._keep_run("train (cancelled)", weights, self._collected_snapshots(weights))
            self.status_message.emit(f"Training cancelled at epoch {self.last_record['epoch']:,}; its weights are kept")

    @Slot()
    def _on_finished(self) -> None:
        self.task = None
        self._live_timer.stop()
        self._live_weights = None
        self.refresh()
