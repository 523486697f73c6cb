"""The two-layer MLP on a 9-point grid: train, hand-design, see regions and the table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)

from explorer.core.errors import UserError
from explorer.core.mlp import analysis, weights_io
from explorer.core.mlp import data as mlp_data
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights, reference_step_network
from explorer.core.mlp.timeline import WeightTimeline
from explorer.core.mlp.training import initial_weights, train
from explorer.core.mlp.work import load_run, load_work
from explorer.core.work_store import WorkStore
from explorer.qt.dialogs import open_file, save_file
from explorer.qt.messages import show_error
from explorer.qt.mlp import figures as mlp_figures
from explorer.qt.mlp.activation_table import ActivationTable
from explorer.qt.mlp.controls import MLPControls
from explorer.qt.mlp.keeping import WorkKeeper
from explorer.qt.mlp.layout import build_layout
from explorer.qt.mlp.region_grid import RegionGrid
from explorer.qt.mlp.region_plot import RegionPlot
from explorer.qt.mlp.timeline_bar import TimelineBar
from explorer.qt.mlp.training_runs import TrainingRuns
from explorer.qt.settings import SettingsBinder
from explorer.qt.tab import ExperimentTab, run_alone
from explorer.qt.undo import SetState
from explorer.qt.widgets.export_dialog import install_export_action
from explorer.qt.widgets.training_curves import TrainingCurves
from explorer.qt.workers import Task

#: While training, the region plots follow the weights a few times a second (the
#: curves follow every record); more would take the GIL from the training loop.
LIVE_REFRESH_MS = 400


@dataclass(frozen=True)
class MLPState:
    """Everything an undo step restores."""

    dataset: Dataset2D
    weights: MLPWeights
    activation: str


class MLPTab(TrainingRuns, ExperimentTab):
    title = "MLP on a grid"
    data_filter = "CSV files (*.csv *.txt);;All files (*)"
    weights_filter = "Weights (*.json *.pt *.pth *.py *.txt);;All files (*)"
    save_weights_filter = "JSON weights (*.json);;Torch checkpoint (*.pt);;Course Python block (*.py)"
    supports_data = True
    supports_weights = True

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.work = WorkStore("mlp")
        kept = load_work(self.work)  # the data set and weights of the last session
        self.keeper = WorkKeeper(self.work, self.keep, self.status_message.emit, self)
        self.state = MLPState(*kept) if kept else MLPState(mlp_data.checkerboard(), initial_weights(5, 0.15, 0),
                                                           "sigmoid")
        self.scale = 1
        self.task: Task | None = None
        self.last_record: dict | None = None  # the newest progress data: what Cancel keeps
        self.load_task: Task | None = None  # a large CSV being read
        #: The last run: its curves' numbers, its snapshots (collected from the records
        #: as they come, for a cancelled or diverged run) and the net it gave. The curves
        #: and the timeline belong to that net; next to any other they are labelled so.
        self.history: list[tuple[int, float, float]] = []
        self._run_timeline = WeightTimeline()
        self._trained: MLPWeights | None = None
        self.controls = MLPControls()
        self.curves = TrainingCurves("epoch")
        install_export_action(self.curves, lambda: mlp_figures.curves_figure(self))
        self.curves_note = QLabel()
        self.curves_note.setObjectName("curvesNote")
        self.curves_note.setWordWrap(True)
        self.timeline = TimelineBar()
        self.accuracy_label = QLabel()
        self.accuracy_label.setObjectName("accuracyLabel")
        self.accuracy_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.accuracy_label.setWordWrap(True)  # "· timeline: epoch …" must not widen the window
        self.table = ActivationTable()
        self.region_grid = RegionGrid()
        self._live_weights: MLPWeights | None = None
        self._live_timer = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self._refresh_live)
        build_layout(self)
        self._connect()
        settings = SettingsBinder("mlp")
        for name in ("init_std", "lr", "max_epochs", "seed"):
            settings.bind(name, getattr(self.controls.train, name))
        # The rescale (issue 19 item 10: ×10 came back as 1×), restored quietly: the views come next.
        factor = self.controls.rescale.factor
        factor.blockSignals(True)
        settings.restore("rescale", factor)
        factor.blockSignals(False)
        self.controls.rescale.slider.setValue(factor.value())
        settings.bind("rescale", factor, restore=False)
        self.scale = factor.value()
        settings.bind("bottom_page", self.bottom)  # the table or the curves, as last looked at
        run = load_run(self.work)  # the last run's curves, and the net it gave
        if run is not None:
            self.history, self._trained = list(run[0]), run[1]
            self.timeline.set_snapshots(run[2])  # the run's timeline, to scrub again after a restart
            self.curves.start_run("loss")
            for epoch, loss, accuracy in self.history:
                self.curves.add_point("loss", epoch, loss, accuracy)
            self.curves.flush()
        self._set_state(self.state)
        self.report_problems(self.work)

    # layout -------------------------------------------------------------------
    def _connect(self) -> None:
        c = self.controls
        c.data.sets.activated.connect(self._on_builtin_set)
        c.data.open_button.clicked.connect(self._ask_open_csv)
        c.data.save_button.clicked.connect(self._ask_save_csv)
        c.train.train_button.clicked.connect(self.start_training)
        c.network.hidden.valueChanged.connect(self._on_hidden_changed)
        c.network.activation.currentIndexChanged.connect(self._on_activation_changed)
        c.network.editor.edited.connect(self._on_weights_edited)
        c.network.editor.refused.connect(self._on_refused)
        c.network.reference_button.clicked.connect(self.load_reference)
        c.network.copy_button.clicked.connect(self.copy_python)
        c.network.paste_button.clicked.connect(self.paste_python)
        c.rescale.factor.valueChanged.connect(self._on_scale_changed)
        self.region_grid.point_clicked.connect(self.toggle_point)
        self.region_grid.plane_clicked.connect(self.add_point)
        self.timeline.moment_chosen.connect(lambda _snapshot: self.refresh())

    # state and undo -------------------------------------------------------------
    def change(self, text: str, *, dataset=None, weights=None, activation=None) -> None:
        """Apply a change the user made, as one undoable step."""
        after = MLPState(
            dataset if dataset is not None else self.state.dataset,
            weights if weights is not None else self.state.weights,
            activation if activation is not None else self.state.activation,
        )
        self._changing = text  # the Train box names the change (the stack knows it only after the push)
        try:
            self.undo_stack.push(SetState(self, text, self.state, after))
        finally:
            self._changing = None

    def _set_state(self, state: MLPState) -> None:
        self.state = state
        net = self.controls.network
        for widget, value in ((net.hidden, state.weights.hidden),):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        net.activation.blockSignals(True)
        net.activation.setCurrentIndex(net.activation.findData(state.activation))
        net.activation.blockSignals(False)
        net.editor.set_weights(state.weights)
        net.refusal.setText("")  # an old refusal does not belong to the net now shown
        self.refresh()
        run = ((self.history, self._trained, self.timeline.snapshots)
               if self.history and self._trained is not None else None)
        self.keeper.keep(state.dataset, state.weights, state.activation, run)

    @property
    def region_plots(self) -> list[RegionPlot]:
        """The plots shown: one per hidden unit, then the output's."""
        return self.region_grid.plots

    def network(self) -> MLPWeights:
        """The network as edited, times the rescale factor."""
        return self.state.weights.scaled(self.scale) if self.scale != 1 else self.state.weights

    def _owns_run(self) -> bool:
        """Whether the net being edited is the one the last training run gave (its curves, its timeline)."""
        return self._trained is not None and self.state.weights == self._trained

    def shown_weights(self) -> MLPWeights:
        """What the views show: the live training weights, a timeline moment, or :meth:`network`."""
        if self.task is not None and self._live_weights is not None:
            return self._live_weights
        snapshot = self.timeline.current() if self._owns_run() else None
        if snapshot is not None:
            return snapshot.weights.scaled(self.scale) if self.scale != 1 else snapshot.weights
        return self.network()

    def moment_text(self) -> str:
        """Which moment the views show, when it is not simply the net being edited."""
        if self.task is not None and self._live_weights is not None and self.last_record is not None:
            return f"training, epoch {self.last_record['epoch']:,}"
        snapshot = self.timeline.current() if self._owns_run() else None
        if snapshot is not None:
            return f"timeline: epoch {snapshot.epoch:,} of {self.timeline.snapshots[-1].epoch:,}"
        return ""

    # recomputing the views ----------------------------------------------------------
    def refresh(self, live: bool = False) -> None:
        """Recompute plots, table and accuracy for :meth:`shown_weights`, all at once.

        Every view is updated from the same weights in this one call, so the heading,
        the titles, the shading, the red rings and the table always agree. ``live``
        (while training) draws the regions coarser and keeps the curves as they are.
        """
        weights = self.shown_weights()
        activation = "sigmoid" if live else self.state.activation
        dataset = self.state.dataset
        moment = self.moment_text()
        correct = self.table.show_network(weights, dataset, activation)
        acc = float(np.mean(correct) * 100) if len(correct) else 0.0
        at = f" · {moment}" if moment else ""
        self.accuracy_label.setText(
            f"Accuracy {acc:.0f} %  ({int(correct.sum()):,}/{len(correct):,} points, {activation}, ×{self.scale}){at}"
        )
        self.region_grid.show_network(weights, activation, dataset, correct, acc, live, self.scale, moment)
        if not live:
            self._update_scale_readout()
            self._update_run_views()

    def _update_run_views(self) -> None:
        owns = self._owns_run()
        if self.task is not None:  # the curves fill in as the run goes (issue 19: not "No training run yet")
            self.curves_note.setText("Training: the curves follow the run as it goes.")
            self.curves_note.setToolTip("")
        elif not self.history:
            self.curves_note.setText("No training run yet: Train draws the loss and accuracy curves here.")
        elif owns:
            self.curves_note.setText(f"Curves of the run that gave the net shown ({self.history[-1][0]:,} epochs).")
            self.curves_note.setToolTip("")
        else:
            # Short enough for two lines beside the table at 1024 px (the layout keeps two lines for it).
            self.curves_note.setText("Curves of an earlier run: the net shown has changed since.")
            self.curves_note.setToolTip("The net shown has been edited, loaded or undone since that run, "
                                        "so these curves do not describe it.")
        self.curves.setVisible(bool(self.history) or self.task is not None)  # no empty axes with made-up ticks
        self.timeline.setVisible(owns and len(self.timeline.snapshots) > 1 and self.task is None)
        self._update_train_panel(owns)
        copy = self.controls.network.copy_button
        copy.setText("Copy as Python" if self.scale == 1 else f"Copy as Python (×{self.scale})")
        copy.setToolTip(f"Copy the weights the plots show ({self.moment_text() or 'the net'}, ×{self.scale}) "
                        "as the course's four Python lists (Ctrl+Shift+C)")

    #: What the Train box says of a run once the net shown is no longer its net, by the change's undo text.
    CHANGED_HOW = {"edit weight": "edited by hand", "paste weights": "pasted in",
                   "reference step network": "replaced by the reference step net"}

    def _update_train_panel(self, owns: bool) -> None:
        """The Train box speaks of the net shown: a run's last line ("epoch 26,090 … 100 %") only beside its net."""
        panel = self.controls.train.task_panel
        if self.task is not None or self.load_task is not None:
            return
        stale = getattr(self, "_run_panel", None)  # (label, bar value, bar format) the run left, while set aside
        if owns and stale is not None:
            panel.label.setText(stale[0])
            panel.bar.setValue(stale[1])
            panel.bar.setFormat(stale[2])
            self._run_panel = None
        elif not owns and panel.label.text().startswith("Failed"):
            panel.label.setText("Idle")  # an old run's error does not belong next to another net
        elif not owns and self._trained is not None:
            if stale is None:
                self._run_panel = (panel.label.text(), panel.bar.value(), panel.bar.format())
            how = self.CHANGED_HOW.get(getattr(self, "_changing", None) or "", "changed")
            end = f" (epoch {self.history[-1][0]:,})" if self.history else ""
            panel.label.setText(f"Idle · the weights were {how} after the last run{end}; its numbers do not"
                                " describe the net shown (Undo brings the trained net back)")
            panel.bar.setValue(0)
            panel.bar.setFormat("")

    def _update_scale_readout(self) -> None:
        diff = analysis.max_sigmoid_step_difference(self.state.weights, self.state.dataset, self.scale)
        self.controls.rescale.readout.setText(
            f"Largest |sigmoid − step| output difference over the points at ×{self.scale}: {diff:.4f}"
        )

    # slots: user edits ----------------------------------------------------------------
    @Slot(int)
    def _on_builtin_set(self, index: int) -> None:
        name = self.controls.data.sets.itemText(index)
        maker = mlp_data.BUILTIN_SETS.get(name)
        if maker is not None:
            self.change(f"use {name}", dataset=maker())

    @Slot(int)
    def _on_hidden_changed(self, hidden: int) -> None:
        self.change(f"{hidden} hidden units", weights=self.state.weights.with_hidden(hidden))

    @Slot(int)
    def _on_activation_changed(self, _index: int) -> None:
        self.change("change activation", activation=self.controls.network.activation.currentData())

    @Slot(object)
    def _on_weights_edited(self, weights: MLPWeights) -> None:
        self.controls.network.refusal.setText("")
        self.bottom.setCurrentWidget(self.table)  # a typed weight changes the table: show it
        self.change("edit weight", weights=weights)

    @Slot(str)
    def _on_refused(self, message: str) -> None:
        self.controls.network.refusal.setText(message)
        self.status_message.emit(message)

    @Slot(int)
    def _on_scale_changed(self, factor: int) -> None:
        self.scale = factor
        self.refresh()

    @Slot(int)
    def toggle_point(self, index: int) -> None:
        self.change("flip a target", dataset=mlp_data.with_toggled(self.state.dataset, index))

    @Slot(float, float, object)
    def add_point(self, x: float, y: float, modifiers) -> None:
        target = 0 if modifiers & Qt.KeyboardModifier.ShiftModifier else 1
        self.change("add a point", dataset=mlp_data.with_point(self.state.dataset, round(x, 2), round(y, 2), target))

    @Slot()
    def load_reference(self) -> None:
        self.change("reference step network", weights=reference_step_network(), activation="step")

    @Slot()
    def copy_python(self) -> None:
        """Copy the weights the view shows; the block's first line says which (scale, moment)."""
        moment = self.moment_text()
        what = f"every weight and bias ×{self.scale} (the edited net times the rescale factor)" \
            if self.scale != 1 else "as edited (×1)"
        comment = f"# MLP weights as shown: {what}" + (f", {moment}" if moment else "")
        QGuiApplication.clipboard().setText(comment + "\n" + weights_io.to_python_block(self.shown_weights()))
        self.status_message.emit(f"Copied the weights as Python ({what})")

    @Slot()
    def paste_python(self) -> None:
        try:
            weights = weights_io.parse_python_block(QGuiApplication.clipboard().text())
        except UserError as exc:
            show_error(self, "Could not paste the weights", str(exc))
            return
        self.change("paste weights", weights=weights)

    # training (the run's handlers are in TrainingRuns) -------------------------------------
    @Slot()
    def start_training(self) -> None:
        if self.task is not None:
            return
        try:
            config = self.controls.train.config(self.controls.network.hidden.value()).validate()
        except UserError as exc:
            show_error(self, "Cannot train", str(exc))
            return
        self.last_record = None
        self.history = []
        self._run_timeline = WeightTimeline(every=config.report_every)
        self._config = config
        self.curves.start_run("loss")
        self.bottom.setCurrentWidget(self.curves.parentWidget())  # the curves are what a run draws: show them
        self._run_panel = None  # a new run: the Train box follows it
        panel = self.controls.train.task_panel
        # A child process: this numpy loop would otherwise hold the GIL the window needs.
        self.task = Task(train, self.state.dataset, config, process=True, name="mlp-train", parent=self).bind(
            progress=self._on_progress, succeeded=self._on_trained, failed=self._on_failed,
            cancelled=self._on_cancelled, finished=self._on_finished, panel=panel,
            message=f"Training {config.hidden} hidden units…", disable=[self.controls.train.train_button],
        ).start()
        # The panel would time the bar against the 200,000-epoch cap ("1:52 left" for an 8 s
        # run): the stopping rule cannot be foreseen, so it gets epochs and accuracy, no ETA.
        self.task.progress.disconnect(panel.on_progress)
        self._update_run_views()

    # files ------------------------------------------------------------------------------
    def open_data(self, path: Path) -> None:
        """Open a CSV: at once when small, in a background task with progress over 10,000 lines."""
        path = Path(path)
        if mlp_data.count_lines(path) <= mlp_data.LARGE_CSV_ROWS:
            self._use_data(path, mlp_data.load_csv(path))
            return
        if self.load_task is not None:
            raise UserError(f"{path.name}: another file is still being read")
        panel = self.controls.train.task_panel if self.task is None else None
        self.load_task = Task(mlp_data.load_csv_steps, path, name="mlp-read-csv", parent=self).bind(
            succeeded=lambda dataset: self._use_data(path, dataset),
            failed=lambda message: show_error(self, "Could not open the data", message),
            finished=self._on_load_finished, panel=panel, message=f"Reading {path.name}…",
            disable=[self.controls.data.open_button],
        ).start()

    def _use_data(self, path: Path, dataset: Dataset2D) -> None:
        if len(dataset) < 2:
            show_error(self, "Could not open the data", f"{path.name}: needs at least 2 points")
            return
        self.change(f"open {path.name}", dataset=dataset)

    @Slot()
    def _on_load_finished(self) -> None:
        self.load_task = None

    def open_weights(self, path: Path) -> None:
        weights, activation = weights_io.load_weights_file(path)
        self.change(f"open {Path(path).name}", weights=weights, activation=activation or self.state.activation)

    def save_weights(self, path: Path) -> None:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".pt":
            weights_io.save_checkpoint(self.state.weights, path, self.state.activation)
        elif suffix in (".py", ".txt"):
            weights_io.save_python_block(self.state.weights, path)
        else:
            weights_io.save_json(self.state.weights, path if suffix == ".json" else path.with_suffix(".json"),
                                 self.state.activation)

    def _ask_open_csv(self) -> None:
        path = open_file(self, "Open data", "data", self.data_filter)
        if path:
            try:
                self.open_data(Path(path))
            except UserError as exc:
                show_error(self, "Could not open the data", str(exc))

    def _ask_save_csv(self) -> None:
        path = save_file(self, "Save data", "data", "points.csv", "CSV files (*.csv)")
        if path:
            mlp_data.save_csv(self.state.dataset, path)

    def shutdown(self) -> bool:
        """Join the background tasks, then write the newest work still waiting to be kept."""
        done = super().shutdown()
        self.keeper.flush()
        return done

    # figures ----------------------------------------------------------------------------
    def figures(self) -> dict[str, object]:
        """The region plots under the course's names (``hid_<H>_<j>``, ``out_<H>``), then the curves."""
        return {figure.name: figure for figure in mlp_figures.figures(self)}

    def export_all(self, folder: Path, formats=("png", "svg"), size=None) -> list[Path]:
        """Every plot under the course's names (PNG and SVG by default), the curves and their CSV, the table as CSV."""
        return mlp_figures.export_all(self, Path(folder), formats, size)

    def report_sections(self) -> list:
        """The MLP section of the lab report: weights, lines, table, region plots, settings, seed."""
        return [mlp_figures.report_section(self)]


if __name__ == "__main__":  # a quick look at this tab alone
    run_alone(MLPTab, 1300, 850)
