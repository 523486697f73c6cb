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

import dataclasses
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from explorer.core.divergence import TrainingDiverged
from explorer.core.errors import UserError
from explorer.core.kuzushiji import engine, nets
from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.engine import EpochRecord, TrainConfig, TrainResult
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.kuzushiji.results import NetResult, load_result, save_result
from explorer.core.progress import Progress
from explorer.core.work_store import WorkStore
from explorer.qt.kuzushiji import exports
from explorer.qt.kuzushiji.banner import GettingStartedBanner
from explorer.qt.kuzushiji.controls import SETTINGS_KEYS
from explorer.qt.kuzushiji.data_page import DataPage
from explorer.qt.kuzushiji.draw_page import DrawPage
from explorer.qt.kuzushiji.drawing_panel import DrawingPanel
from explorer.qt.kuzushiji.evaluation_page import EvaluationPage
from explorer.qt.kuzushiji.evaluator import NetEvaluator
from explorer.qt.kuzushiji.keeping import keep_drawing, keep_run
from explorer.qt.kuzushiji.train_page import TrainPage
from explorer.qt.messages import show_error
from explorer.qt.preloading import torch_is_loaded, when_torch_is_loaded
from explorer.qt.settings import SettingsBinder
from explorer.qt.store_writer import StoreWriter
from explorer.qt.tab import ExperimentTab, run_alone
from explorer.qt.workers import Task, shutdown_tasks

ALL_NETS = tuple(nets.NETS)
LOADING_NETS = "Loading PyTorch… the trained nets appear when it is ready"


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
        self.model = KuzushijiModel()
        """What the tab shows: nets, their runs' settings and histories, results, the user's selection."""
        self.task: Task | None = None
        self.queue: list[str] = []
        self.queue_config: TrainConfig | None = None
        self.first_run = False
        self.evaluator = NetEvaluator(self.model.results, self)
        self.settings = SettingsBinder("kuzushiji")
        self.work = WorkStore("kuzushiji")
        self._build(download_md5s)
        self._connect()
        self._restore_settings()
        self.pages.setCurrentWidget(self.data_page)  # a newcomer starts at the data
        if load_at_start:
            # Reading the trained nets and the stored data needs torch: at start-up it is still loading
            # in the background, and the tab is up and usable meanwhile (its modules import no torch).
            # No task waits on the import either, so quitting meanwhile is not held up.
            if not torch_is_loaded():
                self.controls.task_panel.label.setText(LOADING_NETS)
            when_torch_is_loaded(self, self._restore_work)
            when_torch_is_loaded(self, self.data_page.load_stored_async)
        self._update_banner()

    def _restore_work(self) -> None:
        """The last trained nets and runs; a returning user then gets the page they left."""
        on_first_page = self.pages.currentWidget() is self.data_page
        self._load_latest_weights()
        if self.controls.task_panel.label.text() == LOADING_NETS:
            self.controls.task_panel.label.setText("Idle")
        if self.results and on_first_page:  # (unless they went elsewhere while torch loaded)
            self.pages.setCurrentWidget(self.train_page)
            self.settings.restore("page", self.pages)

    @property
    def results(self) -> dict[str, NetResult]:
        """The nets as last trained or loaded (the model's, by name)."""
        return self.model.results

    @property
    def run_key(self) -> str:
        """The curves' key of the run under way (or the last one)."""
        return self.model.run_key

    # layout ----------------------------------------------------------------------------------
    def _build(self, download_md5s) -> None:
        self.banner = GettingStartedBanner()
        self.get_started_button = self.banner.get_started_button
        self.draw_button = self.banner.draw_button
        self.banner_text = self.banner.text
        self.data_page = DataPage(download_md5s)
        self.train_page = TrainPage()
        self.controls = self.train_page.controls
        self.curves = self.train_page.curves
        self.results_table = self.train_page.results_table
        self.evaluation_page = EvaluationPage()
        # The drawing panel is built when its page is first shown (it is the slowest part to build).
        self.draw_holder = DrawPage(self.undo_stack, self.model)

        self.pages = QTabWidget()
        self.pages.setObjectName("kuzushijiPages")
        self.pages.addTab(self.data_page, "Data")
        self.pages.addTab(self.train_page, "Train")
        self.pages.addTab(self.evaluation_page, "Evaluate")
        self.pages.addTab(self.draw_holder, "Draw")
        self.pages.setTabToolTip(3, "Draw a character and see what each trained net reads")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

    def _connect(self) -> None:
        self.get_started_button.clicked.connect(lambda: self.get_started())
        self.draw_button.clicked.connect(self._show_draw_page)
        self.data_page.data_changed.connect(self._on_data_changed)
        self.data_page.data_failed.connect(self._on_data_failed)
        self.data_page.dataset_chosen.connect(self._on_dataset_chosen)
        self.controls.train_button.clicked.connect(self._on_train_clicked)
        self.controls.train_all_button.clicked.connect(self.train_all)
        self.results_table.row_selected.connect(self.evaluation_page.select_net)
        self.pages.currentChanged.connect(self._on_page_changed)
        self.controls.clear_button.clicked.connect(self._on_curves_cleared)
        self.evaluation_page.selection_changed.connect(self.model.select)
        self.evaluator.evaluated.connect(self._show_results)
        self.evaluator.failed.connect(self._on_evaluate_failed)
        self.evaluation_page.send_to_draw.connect(self._put_on_canvas)
        exports.install(self.train_page, self.evaluation_page, self.data_page)

    def _restore_settings(self) -> None:
        for key in SETTINGS_KEYS:
            self.settings.bind(key, getattr(self.controls, key))
        self.settings.bind("page", self.pages, restore=False)
        choice = self.data_page.dataset_choice
        choice.blockSignals(True)  # the chosen data set is taken up once, below, not piecemeal while restoring
        try:
            self.settings.bind("dataset", choice)
        finally:
            choice.blockSignals(False)
        self.data_page.show_choice()
        self._use_dataset(self.data_page.description(), restore=False)

    # data ---------------------------------------------------------------------------------------
    @Slot(object)
    def _on_dataset_chosen(self, description) -> None:
        """The user chose another data set: its own nets (and, once loaded, its data) from now on."""
        self._use_dataset(description)

    def _use_dataset(self, description, restore: bool = True) -> None:
        self.data = self.evaluator.data = None
        self.model.use_dataset(description, self.work if restore else None)
        self.evaluation_page.set_dataset(description)
        self.controls.set_classes(description.num_classes)
        self._show_results()
        if restore:
            self.report_problems(self.work)

    @Slot(object)
    def _on_data_changed(self, data: KMNIST) -> None:
        if data.dataset != self.model.description:  # an import of another data set, or a folder's new classes
            self._use_dataset(data.dataset)
        self.data = self.evaluator.data = data
        self.controls.data_note.setVisible(False)
        self.status_message.emit(f"{data.dataset.title} data: {data.describe()}")
        self._feed_draw_page()
        stale = self.model.forget_stale(len(data.test_images))
        self._show_results()
        if stale:
            self.evaluator.evaluate(stale)
        if self.queue and self.task is None:
            self._next_step()

    @Slot(str)
    def _on_data_failed(self, message: str) -> None:
        if self.queue:
            self.queue.clear()
            self.first_run = False
            self.status_message.emit(f"Getting started stopped: no data ({message})")
        self._update_banner()

    @Slot(str)
    def _on_evaluate_failed(self, message: str) -> None:
        show_error(self, "Could not evaluate the nets", message)

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
                       f"Download or import the {self.model.description.title} data first (Data page), "
                       "or click Get started.")
            self.pages.setCurrentWidget(self.data_page)
            return False
        config = config or self.controls.config(device=self.device)
        try:
            config.validate()
        except UserError as exc:
            show_error(self, "Cannot train", str(exc))
            return False
        display = nets.display_name(config.net)
        curve = self.model.start_run(config)
        self.curves.start_run(self.model.run_key, curve.label, curve)
        model = nets.create(config.net, seed=config.seed, dataset=self.data.dataset)
        self.task = Task(engine.train, model, self.data, config, name="kmnist-train", parent=self)
        self.task.bind(progress=self._on_progress, succeeded=self._on_trained, failed=self._on_train_failed,
                       cancelled=self._on_train_cancelled, finished=self._on_train_finished,
                       panel=self.controls.task_panel, message=f"Training {display} ({config.epochs} epochs)…",
                       disable=[*self.controls.run_buttons(), self.get_started_button, self.data_page.dataset_choice])
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
        if record.keep:  # an epoch's EpochRecord: what Stop keeps
            self.model.add_epoch(d)
            self.curves.changed(self.model.run_key, now=True)
        elif "loss" in d:
            self.model.add_batch(d["epoch"] - 1 + d["batch"] / d["batches"], d["loss"])
            self.curves.changed(self.model.run_key)

    @Slot(object)
    def _on_trained(self, result: TrainResult) -> None:
        self._keep_run(result.history, result.seconds, stopped=False)

    @Slot()
    def _on_train_cancelled(self) -> None:
        self.queue.clear()
        self.first_run = False
        self._keep_run(list(self.model.run_history), self.model.history_seconds(), stopped=True)

    @Slot(str)
    def _on_train_failed(self, message: str) -> None:
        self.queue.clear()
        self.first_run = False
        error = self.task.error if self.task is not None else None
        if isinstance(error, TrainingDiverged) and self.model.run_history:
            # The epochs before the blow-up are good weights: offer them like a stopped run's.
            self._keep_run(list(self.model.run_history), self.model.history_seconds(), stopped=True, why=message)
            self.model.mark_run("diverged")
            self.curves.relabel()
            return
        show_error(self, "Training failed", message)

    @Slot()
    def _on_train_finished(self) -> None:
        self.task = None
        self._keep_curves()
        if self.model.run_note:  # after the panel's own "Cancelled" / last epoch line
            self.controls.task_panel.label.setText(self.model.run_note)
            self.model.run_note = ""
        self.curves.stop_updates()
        if self.queue:
            self._next_step()
        elif self.first_run:
            self.first_run = False
            self._update_banner(finished_first_run=True)

    def _keep_run(self, history: list[EpochRecord], seconds: float, stopped: bool, why: str = "") -> None:
        """Keep the run's last finished epoch (asking first if it would replace a better stored net)."""
        kept = keep_run(self, self.model, self.work, history, seconds, stopped, why)
        if kept is not None:
            self._show_results(select=kept.name)

    # several runs ------------------------------------------------------------------------------------
    def get_started(self, epochs: int | None = None) -> None:
        """Get the data if needed, then train all three nets with the course settings."""
        if self.task is not None:
            return
        self.controls.reset_to_course()
        config = TrainConfig(device=self.device)
        if epochs is not None:
            config = dataclasses.replace(config, epochs=epochs)
        if self.data is None and not self.data_page.busy() and not self.data_page.can_download():
            show_error(self, "No images to train on",
                       "Choose a folder of images on the Data page and import it first.")
            self.pages.setCurrentWidget(self.data_page)
            return
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
        self.train_page.show_results(self.model)
        self.evaluation_page.set_results(self.results, self.data.test_images if self.data is not None else None)
        if select is not None:
            self.evaluation_page.select_net(select)
        self._feed_draw_page()
        self._update_banner()

    def _update_banner(self, finished_first_run: bool = False) -> None:
        if finished_first_run:
            self.banner.finish()
            self.pages.setCurrentWidget(self.train_page)
        self.banner.show_mode(has_data=self.data is not None,
                              wanted=self.first_run or len(self.results) < len(ALL_NETS),
                              trained=[nets.display_name(n) for n in ALL_NETS if n in self.results])

    @Slot(int)
    def _on_page_changed(self, index: int) -> None:
        if self.pages.widget(index) is self.draw_holder:
            self.ensure_draw_page()
            if self.banner.mode == "done":
                # The banner's last suggestion is the Draw page: here it has been followed, and the
                # page needs the height for the looks inside the nets.
                self.banner.mode = "hidden"
                self._update_banner()

    @property
    def draw_page(self) -> DrawingPanel | None:
        """The drawing panel, ``None`` until the Draw page was first shown."""
        return self.draw_holder.panel

    def ensure_draw_page(self) -> DrawingPanel:
        if self.draw_holder.panel is None:
            exports.install_draw_page(self.draw_holder.ensure())
            keep_drawing(self, self.work, self.draw_holder.panel)  # the last session's drawing, kept from now on
        return self.draw_holder.panel

    def _feed_draw_page(self) -> None:
        self.draw_holder.feed(self.data, self.results)

    @Slot(object, str)
    def _put_on_canvas(self, image, text: str) -> None:
        self.ensure_draw_page().canvas.set_background(image, text)
        self.pages.setCurrentWidget(self.draw_holder)

    @Slot()
    def _show_draw_page(self) -> None:
        self.pages.setCurrentWidget(self.draw_holder)
        self.banner.mode = "hidden"
        self._update_banner()

    def _load_latest_weights(self) -> None:
        """The last trained nets with their epoch replay, and the curves of the last runs."""
        self.model.restore(self.work)
        self.curves.show_runs(self.model.runs)
        if self.results:
            self._show_results()
        self.report_problems(self.work)

    @Slot()
    def _keep_curves(self) -> None:
        self.keep("the training curves", self.model.save_runs, self.work)

    @Slot()
    def _on_curves_cleared(self) -> None:
        self.model.clear_runs()
        self._keep_curves()

    # File menu ---------------------------------------------------------------------------------------------
    def open_data(self, path: Path) -> None:
        """Import the folder holding ``path`` (any of the four KMNIST files, or the folder itself)."""
        path = Path(path)
        folder = path if path.is_dir() else path.parent
        self.pages.setCurrentWidget(self.data_page)
        self.data_page.import_folder(folder)

    def open_weights(self, path: Path) -> None:
        """Load a Kuzushiji net's weights; the file says which net (a bare state dict by its shapes)."""
        result = load_result(path)
        self.model.set_result(result)
        self._show_results(select=result.name)
        if self.data is not None:
            self.evaluator.evaluate({result.name: result.model})
        display, file = nets.display_name(result.name), Path(path).name
        if self.curves.runs:  # the curves on show are not of the net now loaded: say so
            self.curves.set_note(f"{display} is now the one from {file}; these curves are of earlier runs")
        self.controls.task_panel.label.setText(f"Loaded {display} from {file}")
        self.status_message.emit(f"Loaded {display} from {file}")

    def save_weights(self, path: Path) -> None:
        """Save the net chosen on the Evaluate page (``.pth``: a bare state dict as the course writes)."""
        result = self.evaluation_page.current()
        if result is None:
            raise UserError("no trained net to save yet: train one first")
        save_result(result, path)

    def figures(self) -> dict[str, QWidget]:
        """The views on screen, for File → Export figure… (the one on show first)."""
        return exports.view_figures(self.train_page, self.evaluation_page, self.data_page, self.draw_page)

    def export_all(self, folder: Path, formats=("png", "svg"), size=None) -> list[Path]:
        """Per net its loss curves and confusion matrix (PNG and SVG), and the curves as CSV."""
        return exports.export_all(self.model, folder, formats, size)

    def report_sections(self) -> list:
        """The lab report's sections: one per net, with the results table's numbers."""
        return exports.report_sections(self.model)

    # app-wide -----------------------------------------------------------------------------------------------
    def set_device(self, device: str) -> None:
        super().set_device(device)
        self.controls.set_device(device)

    def shutdown(self) -> bool:
        self.queue.clear()
        self.curves.stop_updates()
        self.data_page.cancel()  # a download ends now, not after its read timeout
        written = all(writer.wait() for writer in self.findChildren(StoreWriter))  # the kept drawings' last change
        return shutdown_tasks(self) and written


if __name__ == "__main__":  # a quick look at this tab alone
    run_alone(KuzushijiTab, 1440, 920)
