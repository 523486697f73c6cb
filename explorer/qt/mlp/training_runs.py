"""Training from the MLP tab: following a run (started by ``MLPTab.start_training``), and what it leaves behind.

:class:`TrainingRuns` is a mixin of :class:`~explorer.qt.mlp.tab.MLPTab` (it uses
the tab's ``model``, ``controls``, ``curves``, ``timeline``, ``stagger``, ``change`` and ``refresh``).
The run lives in the model: ``model.live`` while it goes (its configuration, the
records and weight snapshots received), then ``model.run`` (with the settings it
used, its history and timeline); a cancelled or diverged run keeps its last finite
weights and the snapshots received so far, and says so.
"""

from __future__ import annotations

import pyqtgraph as pg
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
        self._panel_record = epoch
        if not self._panel_timer.isActive():  # else shown when the timer ends (the newest record then)
            self._show_panel_record()
            self._panel_timer.start()
        if not self._curves_timer.isActive():  # else the records wait in the model for the timer
            self._feed_curves()
            self._curves_timer.start()

    @Slot()
    def _feed_curves(self) -> None:
        """Hand the curves the live run's records they do not have yet (at most every CURVES_REFRESH_MS).

        Every redraw of the curves replays their four axes (ticks, labels, grid): about
        15 ms of the GUI thread, which at the curves' own five redraws a second was the
        largest thing the window did while a net trained.
        """
        live = self.model.live
        if live is None:
            return
        for record in live.history[self.curves.points("loss"):]:
            self.curves.add_point("loss", record.epoch, record.loss, record.accuracy)

    @Slot()
    def _show_panel_record(self) -> None:
        """The Train box's line and bar show the newest record not shown yet (at most every PANEL_REFRESH_MS).

        Each new line re-lays out the controls, and a busy (indeterminate) bar animates
        all the time (about 5 % of a core in the Fusion style): the bar shows the epochs
        done against the run's cap instead. No time left is given: the stopping rule
        cannot be foreseen.
        """
        epoch, self._panel_record = getattr(self, "_panel_record", None), None
        live = self.model.live
        if epoch is None or live is None:
            return
        c = live.config
        panel = self.controls.train.task_panel
        panel.show_progress(  # (only what changed; the bar repainted with the window, not at once)
            f"epoch {epoch.epoch:,}: loss {epoch.loss:.4f}, accuracy {epoch.accuracy:.0f} % · stops after "
            f"{c.stable_epochs:,} epochs at 100 %, at most {c.max_epochs:,} epochs",
            min(1000, epoch.epoch * 1000 // max(c.max_epochs, 1)), f"epoch {epoch.epoch:,} of at most {c.max_epochs:,}")

    def _end_panel_records(self) -> None:
        """The run ended: its last record is shown now (the Train box's line, the curves), before the panel says
        how it ended."""
        self._panel_timer.stop()
        self._show_panel_record()
        self._curves_timer.stop()
        self._feed_curves()
        self.curves.flush()

    @Slot()
    def _refresh_live(self) -> None:
        # Not while another tab is in front: the next record after it comes back starts the timer again.
        if self.task is not None and self.model.showing_live() and self.isVisible():
            self.refresh(live=True)

    def _keep_run(self, text: str, weights: MLPWeights, outcome: str, result: TrainResult | None = None) -> None:
        """Keep the run with the settings it used, then show the net it gave as one undoable step."""
        live = self.model.live
        run = live.ended(weights, outcome, result)
        live.weights = None  # the views show the kept net now, not the last record
        self.model.set_run(run, tell=False)  # the change below redraws and keeps both
        self.timeline.set_snapshots(list(run.timeline))
        self.change(text, weights=weights, activation="sigmoid")
        # Every plot has the kept net now; the screen repaints them one per turn of the event loop,
        # not all in one with the controls the run's end enabled again (60-80 ms of the window's thread).
        self.stagger.hold(self.findChildren(pg.GraphicsView))

    @Slot(object)
    def _on_trained(self, result: TrainResult) -> None:
        self._end_panel_records()
        verdict = "reached 100 %" if result.stopped_by_rule else f"stopped at {result.accuracy:.0f} %"
        self._keep_run("train", result.weights, "finished", result)
        self.status_message.emit(f"Training {verdict} after {result.epochs:,} epochs, loss {result.loss:.4f}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end_panel_records()
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
        self._end_panel_records()
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
