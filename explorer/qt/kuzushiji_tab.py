"""Kuzushiji-MNIST: get the data, train NetLin / NetFull / NetConv, evaluate them, draw.

Four pages: Data (download or import, a gallery), Train (settings, live
curves of every run, the comparison table), Evaluate (confusion matrix with
its cells' images, per-class accuracy, most confused pairs, epoch replay) and
Draw (the drawing panel fed with the trained nets). A banner offers a
newcomer one action that gets the data and trains all three nets with the
course settings. Trained weights are saved automatically and the last ones
per net are loaded at the next start.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from pathlib import Path

import torch
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.kuzushiji import engine, nets, trained
from explorer.core.kuzushiji import evaluation as kmnist_eval
from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.engine import EpochRecord, TrainConfig, TrainResult
from explorer.core.progress import Progress
from explorer.qt.kuzushiji_controls import PARAMETERS, TrainingControls
from explorer.qt.kuzushiji_data import DataPage
from explorer.qt.kuzushiji_evaluation import EvaluationPage, NetResult, evaluate_nets
from explorer.qt.kuzushiji_plots import RunCurves
from explorer.qt.messages import show_error
from explorer.qt.tab import ExperimentTab
from explorer.qt.widgets.results_table import ResultRow, ResultsTable
from explorer.qt.workers import Task, shutdown_tasks

try:  # the drawing panel (issue 4) is built alongside this tab
    from explorer.qt.drawing_panel import DrawingPanel
except ImportError:  # pragma: no cover - only while it is missing
    DrawingPanel = None

log = logging.getLogger(__name__)

ALL_NETS = tuple(nets.NETS)
GET_STARTED_TEXT = (
    "<b>New here?</b> One click gets the KMNIST data and trains NetLin, NetFull and NetConv one after "
    "another with the course settings (10 epochs each, a few minutes on a laptop). You end at the comparison "
    "table, and can then draw a character for the nets to read."
)


class KuzushijiTab(ExperimentTab):
    """The Kuzushiji-MNIST experiment: data, training, evaluation and the drawing canvas."""

    title = "Kuzushiji-MNIST"
    data_filter = "KMNIST files (*.gz *-ubyte *.npz);;All files (*)"
    weights_filter = "Weights (*.pt *.pth);;All files (*)"
    save_weights_filter = "Checkpoint with settings (*.pt);;Course state dict (*.pth)"
    supports_data = True
    supports_weights = True

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        download_md5s: dict[str, str] | None = None,
        load_at_start: bool = True,
    ):
        """``download_md5s`` replaces torchvision's sums (tests serve fake files); ``load_at_start``
        loads the stored data and the last trained weights."""
        super().__init__(parent)
        self.data: KMNIST | None = None
        self.results: dict[str, NetResult] = {}
        self.task: Task | None = None
        self.eval_task: Task | None = None
        self.queue: list[str] = []
        self.queue_config: TrainConfig | None = None
        self.first_run = False
        self.run_key = ""
        self.run_config: TrainConfig | None = None
        self.run_history: list[EpochRecord] = []
        self._runs = 0
        self._run_note = ""
        self.banner_mode = "start"
        self._evaluating: dict[str, torch.nn.Module] = {}
        self._evaluating_data: KMNIST | None = None
        self._build(download_md5s)
        self._connect()
        self._restore_settings()
        if load_at_start:
            self._load_latest_weights()
            self.data_page.load_stored_async()
        self._update_banner()
        self.pages.setCurrentWidget(self.train_page if self.results else self.data_page)
        if self.results:  # a returning user gets the page they left (a newcomer starts at the data)
            from explorer.qt.main_window import app_settings

            page = int(app_settings().value("kuzushiji/page", 1))
            self.pages.setCurrentIndex(page if 0 <= page < self.pages.count() else 1)

    # layout ----------------------------------------------------------------------------------
    def _build(self, download_md5s) -> None:
        self.banner_text = QLabel(GET_STARTED_TEXT)
        self.banner_text.setWordWrap(True)
        self.get_started_button = QPushButton("Get started: download and train all three")
        self.get_started_button.setObjectName("getStartedButton")
        self.get_started_button.setToolTip("Get the data if needed, then train the three nets with the course "
                                           "settings, one after another (Ctrl+G)")
        self.get_started_button.setShortcut("Ctrl+G")
        self.get_started_button.setStyleSheet("font-weight: bold; padding: 6px 14px;")
        self.draw_button = QPushButton("Draw a character →")
        self.draw_button.setToolTip("See what the trained nets read in your drawing")
        self.draw_button.setVisible(False)
        self.banner = QFrame()
        self.banner.setObjectName("gettingStartedBanner")
        self.banner.setStyleSheet("#gettingStartedBanner { background: #eef4fb; border: 1px solid #b7cde6; "
                                  "border-radius: 4px; }")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.get_started_button)
        banner_layout.addWidget(self.draw_button)

        self.data_page = DataPage(download_md5s)
        self.controls = TrainingControls()
        self.curves = RunCurves()
        self.results_table = ResultsTable()
        self.results_table.setObjectName("resultsTable")
        left = QScrollArea()
        left.setWidgetResizable(True)
        left.setWidget(self.controls)
        left.setMinimumWidth(360)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.curves)
        right.addWidget(self.results_table)
        right.setSizes([560, 170])
        self.train_page = QSplitter(Qt.Orientation.Horizontal)
        self.train_page.addWidget(left)
        self.train_page.addWidget(right)
        self.train_page.setStretchFactor(1, 1)
        self.train_page.setSizes([380, 1000])
        self.evaluation_page = EvaluationPage()
        # The drawing panel is built when its page is first shown (it is the slowest part to build).
        self.draw_page = None
        self.draw_holder = QWidget()
        QVBoxLayout(self.draw_holder).setContentsMargins(0, 0, 0, 0)

        self.pages = QTabWidget()
        self.pages.setObjectName("kuzushijiPages")
        self.pages.addTab(self.data_page, "Data")
        self.pages.addTab(self.train_page, "Train")
        self.pages.addTab(self.evaluation_page, "Evaluate")
        if DrawingPanel is not None:
            self.pages.addTab(self.draw_holder, "Draw")
            self.pages.setTabToolTip(3, "Draw a character and see what each trained net reads")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

    def _connect(self) -> None:
        self.get_started_button.clicked.connect(self._on_get_started_clicked)
        self.draw_button.clicked.connect(self._show_draw_page)
        self.data_page.data_changed.connect(self._on_data_changed)
        self.data_page.data_failed.connect(self._on_data_failed)
        self.controls.train_button.clicked.connect(self._on_train_clicked)
        self.controls.train_all_button.clicked.connect(self.train_all)
        self.controls.clear_button.clicked.connect(self.curves.clear_runs)
        self.results_table.row_selected.connect(self.evaluation_page.select_net)
        self.pages.currentChanged.connect(self._on_page_changed)

    def _restore_settings(self) -> None:
        from explorer.qt.main_window import app_settings

        self.controls.restore(app_settings())

    # data ---------------------------------------------------------------------------------------
    @Slot(object)
    def _on_data_changed(self, data: KMNIST) -> None:
        self.data = data
        self.controls.data_note.setVisible(False)
        self.status_message.emit(f"KMNIST data: {data.describe()}")
        self._feed_draw_page()
        n_test = len(data.test_images)
        stale = {}
        for name, result in self.results.items():
            if result.evaluation is None or result.evaluation.total != n_test:
                result.history, result.evaluation = [], None
                stale[name] = result.model
        self._show_results()
        if stale:
            self._evaluate(stale)
        if self.queue and self.task is None:
            self._next_step()

    @Slot(str)
    def _on_data_failed(self, message: str) -> None:
        if self.queue:
            self.queue.clear()
            self.first_run = False
            self.status_message.emit(f"Getting started stopped: no data ({message})")
        self._update_banner()

    def _evaluate(self, models: dict[str, torch.nn.Module]) -> None:
        """Evaluate ``models`` (name → the model held now) on the test images in the background."""
        if self.data is None or self.eval_task is not None:
            return
        copies = {name: copy.deepcopy(model) for name, model in models.items()}
        self._evaluating = dict(models)
        self._evaluating_data = self.data
        self.eval_task = Task(evaluate_nets(copies, self.data), name="kmnist-evaluate", parent=self)
        self.eval_task.succeeded.connect(self._on_evaluated)
        self.eval_task.failed.connect(self._on_evaluate_failed)
        self.eval_task.finished.connect(self._on_evaluate_finished)
        self.eval_task.start()

    @Slot(object)
    def _on_evaluated(self, found: dict) -> None:
        if self._evaluating_data is not self.data:  # the data changed meanwhile: evaluated again next
            return
        for name, evaluation in found.items():
            result = self.results.get(name)
            if result is not None and result.model is self._evaluating.get(name):
                result.evaluation = evaluation
        self._show_results()

    @Slot(str)
    def _on_evaluate_failed(self, message: str) -> None:
        show_error(self, "Could not evaluate the nets", message)

    @Slot()
    def _on_evaluate_finished(self) -> None:
        failed = self.eval_task.outcome != "succeeded"
        self.eval_task = None
        if failed:
            return
        missing = {n: r.model for n, r in self.results.items() if r.evaluation is None}
        if missing and self.data is not None:
            self._evaluate(missing)

    # training -------------------------------------------------------------------------------------
    @Slot()
    def _on_train_clicked(self) -> None:
        self.start_training()

    def start_training(self, config: TrainConfig | None = None) -> bool:
        """Train one net from fresh weights (the controls' settings unless ``config`` is given)."""
        if self.task is not None:
            return False
        if self.data is None:
            show_error(self, "No data to train on",
                       "Download or import the KMNIST data first (Data page), or click Get started.")
            self.pages.setCurrentWidget(self.data_page)
            return False
        config = config or self.controls.config(device=self.device)
        try:
            config.check()
        except UserError as exc:
            show_error(self, "Cannot train", str(exc))
            return False
        if not self.queue:
            from explorer.qt.main_window import app_settings

            self.controls.save(app_settings())
        self._runs += 1
        display = nets.display_name(config.net)
        label = f"{display} · {config.optimizer.upper()} lr {config.lr:g}, batch {config.batch}"
        self.run_key = f"run{self._runs}"
        self.run_config = config
        self.run_history = []
        self._run_note = ""
        self.curves.start_run(self.run_key, f"#{self._runs} {label}")
        model = nets.create(config.net, seed=config.seed)
        self.task = Task(engine.train(model, self.data, config, self.run_history), name="kmnist-train", parent=self)
        self.task.progress.connect(self._on_progress)
        self.task.succeeded.connect(self._on_trained)
        self.task.failed.connect(self._on_train_failed)
        self.task.cancelled.connect(self._on_train_cancelled)
        self.task.finished.connect(self._on_train_finished)
        self.controls.task_panel.bind(self.task, f"Training {display} ({config.epochs} epochs)…")
        self.controls.set_running(True)
        self.get_started_button.setEnabled(False)
        self.pages.setCurrentWidget(self.train_page)
        self.task.start()
        return True

    @Slot()
    def stop_training(self) -> None:
        """Stop at the next batch, keeping the weights of the last finished epoch."""
        self.controls.task_panel.cancel()

    @Slot(object)
    def _on_progress(self, record: Progress) -> None:
        d = record.data
        if record.keep:
            self.curves.add_epoch(self.run_key, d["epoch"], d["test_loss"], d["accuracy"])
        elif "loss" in d:
            self.curves.add_batch(self.run_key, d["epoch"] - 1 + d["batch"] / d["batches"], d["loss"])

    @Slot(object)
    def _on_trained(self, result: TrainResult) -> None:
        self._keep_run(result.history, result.seconds, stopped=False)

    @Slot()
    def _on_train_cancelled(self) -> None:
        self.queue.clear()
        self.first_run = False
        self._keep_run(list(self.run_history), sum(r.seconds for r in self.run_history), stopped=True)

    @Slot(str)
    def _on_train_failed(self, message: str) -> None:
        self.queue.clear()
        self.first_run = False
        show_error(self, "Training failed", message)

    @Slot()
    def _on_train_finished(self) -> None:
        self.task = None
        if self._run_note:  # after the panel's own "Cancelled" / last epoch line
            self.controls.task_panel.label.setText(self._run_note)
            self._run_note = ""
        self.curves.stop_updates()
        self.controls.set_running(False)
        self.get_started_button.setEnabled(True)
        if self.queue:
            self._next_step()
        elif self.first_run:
            self.first_run = False
            self._update_banner(finished_first_run=True)

    def _keep_run(self, history: list[EpochRecord], seconds: float, stopped: bool) -> None:
        config = self.run_config
        display = nets.display_name(config.net)
        if not history:
            self._run_note = f"{display} stopped before its first epoch finished: nothing kept"
            self.status_message.emit(self._run_note)
            return
        last = history[-1]
        if stopped:  # the weights kept are those of fewer epochs than asked for
            config = dataclasses.replace(config, epochs=last.epoch)
        model = nets.create(config.net)
        model.load_state_dict(last.state_dict)
        model.eval()
        result = NetResult(config.net, model, config, last.evaluation, list(history), seconds)
        try:
            path = kmnist_eval.save_trained(model, config.net, config, last.evaluation, seconds)
            result.source = f"trained here, saved as {path.name}"
        except (UserError, OSError) as exc:
            result.source = "trained here (not saved)"
            show_error(self, "Could not save the trained weights", str(exc))
        self.results[config.net] = result
        self._show_results(select=config.net)
        what = f"stopped; kept epoch {last.epoch}'s weights" if stopped else f"{last.epoch} epochs"
        self._run_note = f"{display}: {what}, test accuracy {last.accuracy:.2f} %"
        self.status_message.emit(self._run_note)

    # several runs ------------------------------------------------------------------------------------
    @Slot()
    def _on_get_started_clicked(self) -> None:
        self.get_started()

    def get_started(self, epochs: int | None = None) -> None:
        """Get the data if needed, then train all three nets with the course settings."""
        if self.task is not None:
            return
        self.controls.reset_to_course()
        config = TrainConfig(device=self.device)
        if epochs is not None:
            config = dataclasses.replace(config, epochs=epochs)
        self.first_run = True
        if self.data_page.busy():  # data is on its way: training starts when it arrives
            self.queue_config, self.queue = config, list(ALL_NETS)
            self.status_message.emit("Training starts as soon as the data is ready")
        else:
            self._queue(config, ["download"] if self.data is None else [])

    @Slot()
    def train_all(self) -> None:
        """Train NetLin, NetFull and NetConv one after another with the controls' settings."""
        if self.task is None:
            self._queue(self.controls.config(device=self.device), [])

    def _queue(self, config: TrainConfig, before: list[str]) -> None:
        self.queue_config = config
        self.queue = [*before, *ALL_NETS]
        self._next_step()

    def _next_step(self) -> None:
        if not self.queue:
            return
        step = self.queue.pop(0)
        if step == "download":
            self.pages.setCurrentWidget(self.data_page)
            self.data_page.start_download()
        elif not self.start_training(dataclasses.replace(self.queue_config, net=step)):
            self.queue.clear()
            self.first_run = False

    # showing results -----------------------------------------------------------------------------------
    def _show_results(self, select: str | None = None) -> None:
        for name in ALL_NETS:
            result = self.results.get(name)
            if result is None:
                continue
            self.results_table.set_row(name, ResultRow(
                name=nets.display_name(name),
                parameters=PARAMETERS[name],
                accuracy=result.accuracy,
                test_loss=result.test_loss,
                seconds=result.seconds if result.seconds is not None else result.extra.get("seconds"),
                epochs=len(result.history) if result.history else result.config.epochs,
                source=result.source,
            ))
        self.evaluation_page.set_results(self.results, self.data.test_images if self.data is not None else None)
        if select is not None:
            self.evaluation_page.select_net(select)
        self._feed_draw_page()
        self._update_banner()

    def _update_banner(self, finished_first_run: bool = False) -> None:
        if finished_first_run:
            self.banner_mode = "done"
            self.banner_text.setText("<b>All three nets are trained.</b> Compare them in the table below, look at "
                                     "their mistakes on the Evaluate page, or draw a character for them to read.")
            self.get_started_button.setVisible(False)
            self.draw_button.setVisible(DrawingPanel is not None)
            self.pages.setCurrentWidget(self.train_page)
        if self.banner_mode == "start":
            self.get_started_button.setText(
                "Get started: " + ("download and train all three" if self.data is None else "train all three")
            )
            self.banner.setVisible(self.first_run or len(self.results) < len(ALL_NETS))
        else:
            self.banner.setVisible(self.banner_mode == "done")

    @Slot(int)
    def _on_page_changed(self, index: int) -> None:
        from explorer.qt.main_window import app_settings

        app_settings().setValue("kuzushiji/page", index)
        if self.pages.widget(index) is self.draw_holder:
            self.ensure_draw_page()

    def ensure_draw_page(self):
        """The drawing panel, built now if it was not yet (``None`` while its module is missing)."""
        if self.draw_page is None and DrawingPanel is not None:
            self.draw_page = DrawingPanel(undo_stack=self.undo_stack)
            self.draw_holder.layout().addWidget(self.draw_page)
            self._feed_draw_page()
        return self.draw_page

    def _feed_draw_page(self) -> None:
        if self.draw_page is None:
            return
        if self.data is not None:
            self.draw_page.set_dataset(self.data)
        self.draw_page.set_models({n: r.model for n, r in self.results.items()},
                                  {n: r.source for n, r in self.results.items()})

    @Slot()
    def _show_draw_page(self) -> None:
        if DrawingPanel is not None:
            self.pages.setCurrentWidget(self.draw_holder)
        self.banner_mode = "hidden"
        self._update_banner()

    def _load_latest_weights(self) -> None:
        for name in ALL_NETS:
            try:
                found = kmnist_eval.load_latest(name)
            except UserError as exc:
                log.warning("ignoring the saved %s weights: %s", name, exc)
                continue
            if found is not None:
                model, ckpt = found
                self.results[name] = NetResult.from_checkpoint(name, model, ckpt, "the last training")
        if self.results:
            self._show_results()

    # File menu ---------------------------------------------------------------------------------------------
    def open_data(self, path: Path) -> None:
        """Import the folder holding ``path`` (any of the four KMNIST files, or the folder itself)."""
        path = Path(path)
        folder = path if path.is_dir() else path.parent
        self.pages.setCurrentWidget(self.data_page)
        self.data_page.import_folder(folder)

    def open_weights(self, path: Path) -> None:
        """Load a Kuzushiji net's weights; the file says which net (a bare state dict by its shapes)."""
        found = trained.load_weights(path)
        ckpt = checkpoints.load(path)
        result = NetResult.from_checkpoint(found.name, found.model, ckpt, Path(path).name)
        self.results[found.name] = result
        self._show_results(select=found.name)
        if self.data is not None:
            self._evaluate({found.name: found.model})
        self.status_message.emit(f"Loaded {nets.display_name(found.name)} from {Path(path).name}")

    def save_weights(self, path: Path) -> None:
        """Save the net chosen on the Evaluate page (``.pth``: a bare state dict as the course writes)."""
        result = self.evaluation_page.current()
        if result is None:
            raise UserError("no trained net to save yet: train one first")
        path = Path(path)
        if path.suffix.lower() == ".pth":
            checkpoints.save_state_dict(path, result.model.state_dict())
        elif result.evaluation is not None:
            kmnist_eval.save_trained(result.model, result.name, result.config, result.evaluation, result.seconds,
                                     path=path if path.suffix else path.with_suffix(".pt"))
        else:
            checkpoints.save(path, result.model.state_dict(), experiment=kmnist_eval.EXPERIMENT,
                             architecture=nets.display_name(result.name),
                             hyperparameters=result.config.as_dict(), extra=result.extra)

    def figures(self) -> dict[str, QWidget]:
        named: dict[str, QWidget] = {
            "kuzushiji_loss_curves": self.curves,
            "kuzushiji_confusion_matrix": self.evaluation_page.matrix,
            "kuzushiji_results_table": self.results_table,
        }
        if self.evaluation_page.gallery.count():
            named["kuzushiji_cell_images"] = self.evaluation_page.gallery
        if self.data_page.gallery.count():
            named["kuzushiji_training_images"] = self.data_page.gallery
        if self.draw_page is not None:
            named.update(self.draw_page.figures())
        return named

    # app-wide -----------------------------------------------------------------------------------------------
    def set_device(self, device: str) -> None:
        super().set_device(device)
        self.controls.set_device(device)

    def shutdown(self) -> bool:
        self.queue.clear()
        self.curves.stop_updates()
        return shutdown_tasks(self)


if __name__ == "__main__":  # a quick look at this tab alone
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    tab = KuzushijiTab()
    tab.resize(1440, 920)
    tab.show()
    sys.exit(app.exec())
