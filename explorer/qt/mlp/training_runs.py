"""Training from the MLP tab: following a run (started by ``MLPTab.start_training``), and what it leaves behind.

:class:`TrainingRuns` is a mixin of :class:`~explorer.qt.mlp.tab.MLPTab` (it uses
the tab's ``model``, ``controls``, ``curves``, ``timeline``, ``change`` and ``refresh``).
The run lives in the model: ``model.live`` while it goes (its configuration, the
records and weight snapshots received), then ``model.run`` (with the settings it
used, its history and timeline); a cancelled or diverged run keeps its last finite
weights and the snapshots received so far, and says so.
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
        epoch = self.model.record(record.data)  # the model's live run; its observer starts the live timer
        self.curves.add_point("loss", epoch.epoch, epoch.loss, epoch.accuracy)
        c = self.model.live.config
        self.controls.train.task_panel.on_progress(Progress(epoch.epoch, 0, (
            f"epoch {epoch.epoch:,}: loss {epoch.loss:.4f}, accuracy {epoch.accuracy:.0f} % · stops after "
            f"{c.stable_epochs:,} epochs at 100 %, at most {c.max_epochs:,} epochs")))

    @Slot()
    def _refresh_live(self) -> None:
        if self.task is not None and self.model.showing_live():
            self.refresh(live=True)

    def _keep_run(self, text: str, weights: MLPWeights, outcome: str, result: TrainResult | None = None) -> None:
        """Keep the run with the settings it used, then show the net it gave as one undoable step."""
        live = self.model.live
        run = live.ended(weights, outcome, result)
        live.weights = None  # the views show the kept net now, not the last record
        self.model.set_run(run, tell=False)  # the change below redraws and keeps both
        self.timeline.set_snapshots(list(run.timeline))
        self.change(text, weights=weights, activation="sigmoid")

    @Slot(object)
    def _on_trained(self, result: TrainResult) -> None:
        verdict = "reached 100 %" if result.stopped_by_rule else f"stopped at {result.accuracy:.0f} %"
        self._keep_run("train", result.weights, "finished", result)
        self.status_message.emit(f"Training {verdict} after {result.epochs:,} epochs, loss {result.loss:.4f}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        # A diverged run carries its last finite weights: keep them rather than lose the run.
        kept = getattr(self.task.error if self.task is not None else None, "weights", None)
        live = self.model.live
        if not isinstance(kept, MLPWeights) and live is not None and live.weights is not None \
                and "diverged" in message:
            kept = live.weights
        if isinstance(kept, MLPWeights) and live is not None:
            self._keep_run("train (diverged)", kept, "diverged")
            message += "\n\nThe last finite weights are kept (Undo brings back the net from before)."
        show_error(self, "Training failed", message)
        self.refresh()

    @Slot()
    def _on_cancelled(self) -> None:
        live = self.model.live
        if live is not None and live.weights is not None:
            epoch = live.epoch
            self._keep_run("train (cancelled)", live.weights, "cancelled")
            self.status_message.emit(f"Training cancelled at epoch {epoch:,}; its weights are kept")

    @Slot()
    def _on_finished(self) -> None:
        self.task = None
        self._live_timer.stop()
        self.model.end_run()
        self.refresh()
