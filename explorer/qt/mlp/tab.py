"""The two-layer MLP on a 9-point grid: train, hand-design, see regions and the table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.core.errors import UserError
from explorer.core.mlp import analysis, weights_io
from explorer.core.mlp import data as mlp_data
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights, reference_step_network
from explorer.core.mlp.training import TrainResult, initial_weights, train
from explorer.core.mlp.work import load_work, save_work
from explorer.core.progress import Progress
from explorer.core.work_store import WorkStore
from explorer.qt.messages import show_error
from explorer.qt.mlp.activation_table import ActivationTable
from explorer.qt.mlp.controls import MLPControls
from explorer.qt.mlp.region_grid import RegionGrid
from explorer.qt.mlp.region_plot import RegionPlot
from explorer.qt.settings import SettingsBinder
from explorer.qt.tab import ExperimentTab, run_alone
from explorer.qt.undo import SetState
from explorer.qt.widgets.figure_export import export_figure
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


class MLPTab(ExperimentTab):
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
        self.state = MLPState(*kept) if kept else MLPState(mlp_data.checkerboard(), initial_weights(5, 0.15, 0),
                                                           "sigmoid")
        self.scale = 1
        self.task: Task | None = None
        self.last_record: dict | None = None  # the newest progress data: what Cancel keeps
        self.controls = MLPControls()
        self.curves = TrainingCurves("epoch")
        self.accuracy_label = QLabel()
        self.accuracy_label.setObjectName("accuracyLabel")
        self.accuracy_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.table = ActivationTable()
        self.region_grid = RegionGrid()
        self._live_weights: MLPWeights | None = None
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self._refresh_live)
        self._build_layout()
        self._connect()
        settings = SettingsBinder("mlp")
        for name in ("init_std", "lr", "max_epochs", "seed"):
            settings.bind(name, getattr(self.controls.train, name))
        self._set_state(self.state)
        self.report_problems(self.work)

    # layout -------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QScrollArea()
        left.setWidgetResizable(True)
        left.setWidget(self.controls)
        left.setMinimumWidth(430)

        plots = QScrollArea()
        plots.setWidgetResizable(True)
        plots.setWidget(self.region_grid)

        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.accuracy_label)
        top_layout.addWidget(plots, 1)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.table)
        bottom.addWidget(self.curves)
        bottom.setSizes([520, 420])
        right.addWidget(top)
        right.addWidget(bottom)
        right.setSizes([560, 300])

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

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

    # state and undo -------------------------------------------------------------
    def change(self, text: str, *, dataset=None, weights=None, activation=None) -> None:
        """Apply a change the user made, as one undoable step."""
        after = MLPState(
            dataset if dataset is not None else self.state.dataset,
            weights if weights is not None else self.state.weights,
            activation if activation is not None else self.state.activation,
        )
        self.undo_stack.push(SetState(self, text, self.state, after))

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
        self.refresh()
        self.keep("the MLP work", save_work, self.work, state.dataset, state.weights, state.activation)

    @property
    def region_plots(self) -> list[RegionPlot]:
        """The plots shown: one per hidden unit, then the output's."""
        return self.region_grid.plots

    def network(self) -> MLPWeights:
        """The network as shown: the edited weights times the rescale factor."""
        return self.state.weights.scaled(self.scale) if self.scale != 1 else self.state.weights

    # recomputing the views ----------------------------------------------------------
    def refresh(
        self, weights: MLPWeights | None = None, activation: str | None = None, live: bool = False
    ) -> None:
        """Recompute plots, table and accuracy (for ``weights`` if given, e.g. during training).

        ``live`` (while training) draws coarser regions and hands them to the
        event loop one plot at a time, so no single update stalls the window.
        """
        weights = weights if weights is not None else self.network()
        activation = activation or self.state.activation
        dataset = self.state.dataset
        rows = analysis.activation_table(weights, dataset, activation)
        correct = np.array([r.correct for r in rows], dtype=bool)
        acc = analysis.accuracy(weights, dataset, activation)
        self.accuracy_label.setText(
            f"Accuracy {acc:.0f} %  ({int(correct.sum())}/{len(rows)} points, {activation}, ×{self.scale})"
        )
        if not live:  # ~150 Qt calls: while training it would hold up the window (see configure_runtime)
            self.table.show_rows(rows)
        self.region_grid.show_network(weights, activation, dataset, correct, acc, live)
        if not live:
            self._update_scale_readout()

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
        QGuiApplication.clipboard().setText(weights_io.to_python_block(self.state.weights))
        self.status_message.emit("Copied the weights as Python")

    @Slot()
    def paste_python(self) -> None:
        try:
            weights = weights_io.parse_python_block(QGuiApplication.clipboard().text())
        except UserError as exc:
            show_error(self, "Could not paste the weights", str(exc))
            return
        self.change("paste weights", weights=weights)

    # training ---------------------------------------------------------------------------
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
        self.curves.start_run("loss")
        # A child process: this numpy loop would otherwise hold the GIL the window needs.
        self.task = Task(train, self.state.dataset, config, process=True, name="mlp-train", parent=self).bind(
            progress=self._on_progress, succeeded=self._on_trained, failed=self._on_failed,
            cancelled=self._on_cancelled, finished=self._on_finished, panel=self.controls.train.task_panel,
            message=f"Training {config.hidden} hidden units…", disable=[self.controls.train.train_button],
        ).start()

    @Slot(object)
    def _on_progress(self, record: Progress) -> None:
        d = record.data
        self.curves.add_point("loss", d["epoch"], d["loss"], d["accuracy"])
        self._live_weights = d["weights"]
        self.last_record = d
        if not self._live_timer.isActive():
            self._live_timer.start()

    @Slot()
    def _refresh_live(self) -> None:
        if self.task is not None and self._live_weights is not None:
            self.refresh(self._live_weights, "sigmoid", live=True)

    @Slot(object)
    def _on_trained(self, result: TrainResult) -> None:
        verdict = "reached 100 %" if result.stopped_by_rule else f"stopped at {result.accuracy:.0f} %"
        self.change("train", weights=result.weights, activation="sigmoid")
        self.status_message.emit(f"Training {verdict} after {result.epochs:,} epochs, loss {result.loss:.4f}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        show_error(self, "Training failed", message)
        self.refresh()

    @Slot()
    def _on_cancelled(self) -> None:
        if self.last_record is not None:
            self.change("train (cancelled)", weights=self.last_record["weights"], activation="sigmoid")
            self.status_message.emit(f"Training cancelled at epoch {self.last_record['epoch']:,}; its weights are kept")

    @Slot()
    def _on_finished(self) -> None:
        self.task = None
        self._live_timer.stop()
        self._live_weights = None

    # files ------------------------------------------------------------------------------
    def open_data(self, path: Path) -> None:
        dataset = mlp_data.load_csv(path)
        if len(dataset) < 2:
            raise UserError(f"{Path(path).name}: needs at least 2 points")
        self.change(f"open {Path(path).name}", dataset=dataset)

    def open_weights(self, path: Path) -> None:
        weights, activation = weights_io.load_weights_file(path)
        self.change(f"open {Path(path).name}", weights=weights, activation=activation or self.state.activation)

    def save_weights(self, path: Path) -> None:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".pt":
            weights_io.save_checkpoint(self.state.weights, path, self.state.activation)
        elif suffix in (".py", ".txt"):
            path.write_text(weights_io.to_python_block(self.state.weights) + "\n", encoding="utf-8")
        else:
            weights_io.save_json(self.state.weights, path if suffix == ".json" else path.with_suffix(".json"),
                                 self.state.activation)

    def _ask_open_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open data", "", self.data_filter)
        if path:
            try:
                self.open_data(Path(path))
            except UserError as exc:
                show_error(self, "Could not open the data", str(exc))

    def _ask_save_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save data", "points.csv", "CSV files (*.csv)")
        if path:
            mlp_data.save_csv(self.state.dataset, path)

    # figures ----------------------------------------------------------------------------
    def figures(self) -> dict[str, QWidget]:
        """The region plots under the course's names (``hid_<H>_<j>``, ``out_<H>``), then the curves."""
        names = [Path(n).stem for n in analysis.plot_file_names(self.state.weights.hidden)]
        named: dict[str, QWidget] = dict(zip(names, self.region_plots, strict=False))
        named["training_curves"] = self.curves
        return named

    def export_all(self, folder: Path) -> list[Path]:
        """The course's names: ``hid_<H>_<j>.png`` per hidden unit and ``out_<H>.png``."""
        return [
            export_figure(widget, Path(folder) / f"{name}.png")
            for name, widget in self.figures().items()
            if name != "training_curves"
        ]


if __name__ == "__main__":  # a quick look at this tab alone
    run_alone(MLPTab, 1300, 850)
