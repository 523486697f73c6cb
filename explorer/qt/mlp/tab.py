"""The two-layer MLP on a 9-point grid: train, hand-design, see regions and the table.

The tab shows an :class:`~explorer.core.mlp.model.MLPModel` (issue 18): the data set,
the weights, the activation, the rescale factor, the last run with the settings it
used, and the timeline moment shown all live there; the tab observes it and
redraws. The spin boxes of the Train box are only the next run's inputs. On a large
data set the net is evaluated in a background task, so the window never waits for it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)

from explorer.core.errors import UserError
from explorer.core.mlp import data as mlp_data
from explorer.core.mlp import weights_io
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.model import Evaluation, MLPModel, MLPState, evaluate_steps
from explorer.core.mlp.network import MLPWeights, reference_step_network
from explorer.core.mlp.training import train
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
from explorer.qt.widgets.stagger import StaggeredRepaint
from explorer.qt.widgets.training_curves import TrainingCurves
from explorer.qt.workers import Task

#: While training, the region plots follow the weights a few times a second (the
#: curves follow every record); more would take the GIL from the training loop.
LIVE_REFRESH_MS = 400
#: The Train box's line and bar follow a run at most this often (records come ~20 times a second).
PANEL_REFRESH_MS = 250
#: The training curves take a run's new records at most this often (each redraw replays their axes).
CURVES_REFRESH_MS = 500
#: Over this many points the net is evaluated in a background task (a million took ~0.7 s on the GUI thread).
BACKGROUND_POINTS = 20_000


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
        #: What the tab shows: the data set and weights of the last session, its last run, the moment shown.
        self.model = MLPModel.from_store(self.work)
        self.keeper = WorkKeeper(self.work, self.keep, self.status_message.emit, self)
        self.task: Task | None = None
        self.load_task: Task | None = None  # a large CSV being read
        self.eval_task: Task | None = None  # a large data set being evaluated
        self._eval_live = False  # whether the newest evaluation asked for is drawn coarse (while training)
        self.controls = MLPControls()
        self.curves = TrainingCurves("epoch")
        install_export_action(self.curves, lambda: mlp_figures.curves_figure(self.model, self.curves))
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
        self.stagger = StaggeredRepaint(self)  # a run's kept net: its plots repaint one per turn
        self._live_timer = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self._refresh_live)
        self._panel_timer = QTimer(self, singleShot=True, interval=PANEL_REFRESH_MS)
        self._panel_timer.timeout.connect(self._show_panel_record)
        self._curves_timer = QTimer(self, singleShot=True, interval=CURVES_REFRESH_MS)
        self._curves_timer.timeout.connect(self._feed_curves)
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
        self.model.scale = factor.value()  # quietly: everything is drawn once below
        settings.bind("bottom_page", self.bottom)  # the table or the curves, as last looked at
        if self.model.run is not None:  # the last run's curves and timeline, to scrub again after a restart
            self.timeline.set_snapshots(list(self.model.timeline))
            self._draw_curves()
        self.model.observe(self._on_model_changed)
        self._sync_controls()
        self.refresh()
        self.keeper.keep(self.model.state, self.model.run)  # a damaged store set aside is written afresh
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
        self.timeline.index_chosen.connect(self._on_moment_chosen)

    # the model ----------------------------------------------------------------
    @property
    def state(self) -> MLPState:
        """The data set, weights and activation shown (the model's)."""
        return self.model.state

    @property
    def scale(self) -> int:
        return self.model.scale

    def _on_model_changed(self, part: str) -> None:
        """Redraw what a change of the model touches (``part``: state, scale, moment, run or live)."""
        if part == "live":
            if self.model.showing_live() and not self._live_timer.isActive():
                self._live_timer.start()
            return
        if part == "state":
            self._sync_controls()
        if part == "run":
            self.timeline.set_snapshots(list(self.model.timeline))
            self._draw_curves()
        self.refresh()
        if part in ("state", "run"):
            self.keeper.keep(self.model.state, self.model.run)

    def _sync_controls(self) -> None:
        """The network box shows the weights being edited (quietly: the model already holds them)."""
        state = self.model.state
        net = self.controls.network
        net.hidden.blockSignals(True)
        net.hidden.setValue(state.weights.hidden)
        net.hidden.blockSignals(False)
        net.activation.blockSignals(True)
        net.activation.setCurrentIndex(net.activation.findData(state.activation))
        net.activation.blockSignals(False)
        net.editor.set_weights(state.weights)
        net.refusal.setText("")  # an old refusal does not belong to the net now shown

    def _draw_curves(self) -> None:
        """The curves widget draws the model's curve rows afresh."""
        self.curves.start_run("loss")
        for epoch, loss, accuracy in self.model.curve_rows():
            self.curves.add_point("loss", epoch, loss, accuracy)
        self.curves.flush()

    @Slot(int)
    def _on_moment_chosen(self, index: int) -> None:
        self.model.show_moment(index)

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
        """Undo and redo show a state: the model takes it, and its observer redraws and keeps it."""
        self.model.set_state(state)

    @property
    def region_plots(self) -> list[RegionPlot]:
        """The plots shown: one per hidden unit, then the output's."""
        return self.region_grid.plots

    def network(self) -> MLPWeights:
        """The network as edited, times the rescale factor."""
        return self.model.network()

    def shown_weights(self) -> MLPWeights:
        """What the views show: the live training weights, a timeline moment, or :meth:`network`."""
        return self.model.shown_weights()

    def moment_text(self) -> str:
        """Which moment the views show, when it is not simply the net being edited."""
        return self.model.moment_text()

    # recomputing the views ----------------------------------------------------------
    def refresh(self, live: bool = False) -> None:
        """Show the model's evaluation of :meth:`shown_weights` in the plots, table and heading, all at once.

        Every view is updated from the same evaluation in one call, so the heading,
        the titles, the shading, the red rings and the table always agree. ``live``
        (while training) draws the regions coarser. Over :data:`BACKGROUND_POINTS`
        points the evaluation is computed in a task and drawn when it is done.
        """
        ready = self.model.evaluation_ready()
        if ready is not None or len(self.model.state.dataset) <= BACKGROUND_POINTS:
            self._draw(ready if ready is not None else self.model.evaluate(), live)
        else:
            self._evaluate_in_background(live)
        if not live:
            self._update_run_views()

    def _draw(self, evaluation: Evaluation, live: bool) -> None:
        model = self.model
        weights, activation, dataset = evaluation.key[0], evaluation.key[1], evaluation.key[2]
        self.table.show_evaluation(evaluation)
        self.accuracy_label.setText(model.accuracy_text(evaluation))
        self.region_grid.show_network(weights, activation, dataset, evaluation.correct, evaluation.accuracy, live,
                                      model.scale, model.moment_text(), evaluation.bounds,
                                      stagger=len(dataset) > BACKGROUND_POINTS)
        if not live:
            self.controls.rescale.readout.setText(
                f"Largest |sigmoid − step| output difference over the points at ×{evaluation.key[4]}: "
                f"{evaluation.step_difference:.4f}")

    def _evaluate_in_background(self, live: bool) -> None:
        """Evaluate in a task; only the newest request waits while one runs."""
        self._eval_live = live
        if self.eval_task is not None:
            return  # when it ends, the newest state is evaluated (see _on_evaluation_finished)
        self.eval_task = Task(evaluate_steps, *self.model.evaluation_inputs(), name="mlp-evaluate",
                              parent=self).bind(
            succeeded=self._on_evaluated, finished=self._on_evaluation_finished,
            failed=lambda message: self.status_message.emit(f"Could not evaluate the net: {message}"),
        ).start()

    @Slot(object)
    def _on_evaluated(self, evaluation: Evaluation) -> None:
        self.model.remember(evaluation)
        if self.model.evaluation_ready() is evaluation:  # still what is shown
            self._draw(evaluation, self._eval_live)

    @Slot()
    def _on_evaluation_finished(self) -> None:
        self.eval_task = None
        if self.model.evaluation_ready() is None and len(self.model.state.dataset) > BACKGROUND_POINTS:
            self._evaluate_in_background(self._eval_live)  # the state changed while it ran

    def _update_run_views(self) -> None:
        model = self.model
        owns = model.owns_run()
        self.curves_note.setText(model.curves_note())
        earlier = model.live is None and model.run is not None and model.run.history and not owns
        self.curves_note.setToolTip("The net shown has been edited, loaded or undone since that run, "
                                    "so these curves do not describe it." if earlier else "")
        has_curves = bool(model.run is not None and model.run.history)
        self.curves.setVisible(has_curves or self.task is not None)  # no empty axes with made-up ticks
        self.timeline.setVisible(owns and len(model.timeline) > 1 and self.task is None)
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
        elif not owns and self.model.run is not None:
            if stale is None:
                self._run_panel = (panel.label.text(), panel.bar.value(), panel.bar.format())
            how = self.CHANGED_HOW.get(getattr(self, "_changing", None) or "", "changed")
            end = f" (epoch {self.model.run.epochs:,})" if self.model.run.history else ""
            panel.label.setText(f"Idle · the weights were {how} after the last run{end}; its numbers do not"
                                " describe the net shown (Undo brings the trained net back)")
            panel.bar.setValue(0)
            panel.bar.setFormat("")

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
        self.model.set_scale(factor)

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
        self.model.start_run(config)  # the settings this run uses, kept with it (not the spin boxes later)
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
        # run): the stopping rule cannot be foreseen, so it gets epochs and accuracy, no ETA
        # (TrainingRuns._show_panel_record).
        self.task.progress.disconnect(panel.on_progress)
        self._update_run_views()

    # files ------------------------------------------------------------------------------
    def open_data(self, path: Path) -> None:
        """Open a CSV: at once when small, in a background task with progress over 10,000 lines."""
        path = Path(path)
        if mlp_data.reads_at_once(path):
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
            try:
                mlp_data.save_csv(self.state.dataset, path)
            except UserError as exc:
                show_error(self, "Could not save the data", str(exc))

    def shutdown(self) -> bool:
        """Join the background tasks, then write the newest work still waiting to be kept."""
        done = super().shutdown()
        self.keeper.flush()
        return done

    # figures ----------------------------------------------------------------------------
    def figures(self) -> dict[str, object]:
        """The region plots under the course's names (``hid_<H>_<j>``, ``out_<H>``), then the curves."""
        return {figure.name: figure for figure in mlp_figures.figures(self.model)}

    def has_figures(self) -> bool:
        return True  # every net has its region plots (figures() draws them: 160-175 ms at each tab change)

    def export_all(self, folder: Path, formats=("png", "svg"), size=None) -> list[Path]:
        """Every plot under the course's names (PNG and SVG by default), the curves and their CSV, the table as CSV."""
        return mlp_figures.export_all(self.model, Path(folder), formats, size)

    def report_sections(self) -> list:
        """The MLP section of the lab report: weights, lines, table, region plots, the run's settings and seed."""
        return mlp_figures.report_sections(self.model)


if __name__ == "__main__":  # a quick look at this tab alone
    run_alone(MLPTab, 1300, 850)
