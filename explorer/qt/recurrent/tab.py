"""Recurrent dynamics: train SRNs/LSTMs on a^n b^2n (c^3n), step through strings, see the hidden states.

The tab is alive on first launch with the shipped a^n b^2n SRN-2. Each net
change computes the batch's trajectories and the current string's trace once;
stepping only indexes into them.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QWidget

from explorer.core.errors import UserError
from explorer.core.progress import Progress
from explorer.core.recurrent.languages import (
    Sequence,
    get_language,
    parse_string,
    random_sequence,
    sequence_for_ns,
)
from explorer.core.recurrent.model import (
    DEFAULT_NS,
    NetResults,
    RecurrentModel,
    TrainingRecord,
    batch_sequences,
    live_results,
    net_results,
    run_of,
    trace_of,
    train_and_measure,
)
from explorer.core.recurrent.models import RecurrentNet, make_model
from explorer.core.recurrent.training import TrainResult
from explorer.core.recurrent.weights import (
    NetState,
    open_state,
    save_state,
    shipped_state,
    shipped_weights,
)
from explorer.core.recurrent.work import KeptRun, save_choice, save_net_state
from explorer.core.work_store import WorkStore
from explorer.qt.messages import show_error
from explorer.qt.recurrent import figures as recurrent_figures
from explorer.qt.recurrent.compare_panel import CompareController
from explorer.qt.recurrent.controls import GeneralisationChart, RecurrentControls
from explorer.qt.recurrent.counting_panel import CountingController, CountingPanel
from explorer.qt.recurrent.drawing import (
    ViewSet,
    camera_of,
    configure_step,
    draw_step,
    show_history,
)
from explorer.qt.recurrent.fsm_panel import MachinePanel, StatesNeededChart
from explorer.qt.recurrent.layout import build_layout
from explorer.qt.recurrent.machine_view import MachineController
from explorer.qt.recurrent.newest import NewestTask
from explorer.qt.recurrent.parting import PartingFinder
from explorer.qt.recurrent.sequence_bar import SequenceBar
from explorer.qt.recurrent.step_panel import StepPanel
from explorer.qt.recurrent.timeline import TimelineBar
from explorer.qt.recurrent.views import StateViews
from explorer.qt.settings import SettingsBinder
from explorer.qt.store_writer import StoreWriter
from explorer.qt.tab import ExperimentTab, run_alone
from explorer.qt.undo import SetState
from explorer.qt.widgets.stagger import StaggeredRepaint
from explorer.qt.workers import Task

#: While training, the views follow the newest weights about once a second.
LIVE_REFRESH_MS = 1000
MAX_STRING = 1000
#: Milliseconds a trained net's files wait, so that the window draws it first (issue 20).
SAVE_DELAY_MS = 100
#: What Train runs in its child process: the training, then the trained net's results (issue 20).
train = train_and_measure
#: What the machine and counting pages say while a training moves the net.
MACHINE_WAITS = "Training: the machine is extracted when training ends (or is cancelled)."
COUNTING_WAITS = "Training: the units are fitted to the counts when training ends."


class RecurrentTab(ExperimentTab):
    title = "Recurrent dynamics"
    weights_filter = "Weights (*.pt *.pth);;All files (*)"
    save_weights_filter = "App checkpoint (*.pt);;Course state dict (*.pth)"
    supports_weights = True

    def __init__(self, parent: QWidget | None = None, *, pretrained: bool = True):
        super().__init__(parent)
        self.task: Task | None = None
        self._precomputed: NetResults | None = None  # a trained net's results, computed in its training task
        self._latest: tuple[dict, int, float] | None = None
        self._rng = np.random.default_rng()
        # The experiment's state: nets kept (by stem) with their runs, the net on display, the user's
        # choices and the results computed from it. The widgets below show it; exports read it.
        self.work = WorkStore("recurrent")
        self.model = RecurrentModel.from_store(self.work, pretrained)
        self.controls = RecurrentControls()
        self.sequence_bar = SequenceBar()
        self.step_panel = StepPanel()
        self.views = StateViews()
        self.generalisation = GeneralisationChart()
        self.machine_panel = MachinePanel()
        self.needed_chart = StatesNeededChart()
        self.timeline = TimelineBar()
        self.counting_panel = CountingPanel()
        self.machine = MachineController(self, self.views, self.machine_panel, self.needed_chart, self.model)
        self.shown_views = ViewSet(self.views, self.machine_panel, self.generalisation, self.needed_chart,
                                   self.step_panel, self.controls.curves, self.counting_panel)
        self._live_timer = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self._refresh_live)
        # The live net's results are computed in a thread; only the newest snapshot's are drawn.
        self.live_jobs = NewestTask(self, "recurrent-live", live_results, self._show_live, self._on_live_failed)
        self.stagger = StaggeredRepaint(self)  # the trained net's views repaint one per turn
        # Writes to the store wait here, in order, while a trained net is first drawn (see _store).
        self._unsaved: list[tuple[str, object, tuple]] = []
        self.writer = StoreWriter(self, "recurrent-store")  # the writes themselves run off the GUI thread, in order
        self.writer.failed.connect(self._on_write_failed)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._flush_store)
        build_layout(self)
        self._connect()
        self.counting = CountingController(self, self.counting_panel, self.views, self.step_panel, self.model)
        self.parting = PartingFinder(self)  # "Find where they part" under the machine
        self.compare = CompareController(self, self.counting_panel.buttons)  # SRN, GRU and LSTM compared
        self._restore_settings()
        state = self.model.state
        if self.model.history:
            show_history(self.controls.curves, self.model)
        self._set_state(state)
        self.report_problems(self.work)

    # the model's parts, under the names the tab has always used ---------------------------------
    @property
    def state(self) -> NetState:
        return self.model.state

    @state.setter
    def state(self, state: NetState) -> None:
        self.model.state = state

    @property
    def kept(self) -> dict[str, NetState]:
        return self.model.kept

    @property
    def runs(self) -> dict[str, KeptRun]:
        return self.model.runs

    @property
    def timelines(self):
        return self.model.timelines

    @property
    def sequence(self) -> Sequence:
        return self.model.sequence

    @property
    def trace(self):
        return self.model.trace

    @property
    def batch(self):
        return self.model.results.batch

    @property
    def accuracy_text(self) -> str:
        """The accuracy readout as plain text (the report's)."""
        return self.model.results.accuracy_text if self.model.results is not None else ""

    def _connect(self) -> None:
        net, tr = self.controls.network, self.controls.train
        net.net_changed.connect(self._on_net_choice)
        net.L_changed.connect(self._on_L_changed)
        net.shipped_button.clicked.connect(self.load_shipped)
        tr.train_button.clicked.connect(self.start_training)
        bar = self.sequence_bar
        bar.string_entered.connect(self.show_string)
        bar.generate_requested.connect(self.generate_string)
        bar.block_requested.connect(self.show_block)
        bar.position_changed.connect(self._on_position)
        bar.install_shortcuts(self)
        self.views.settings_changed.connect(self._on_view_settings)
        self.views.point_clicked.connect(self.show_batch_point)
        self.timeline.snapshot_chosen.connect(self.show_snapshot)
        self.machine.machine_shown.connect(self._on_machine_shown)
        for box in self.views.axis_boxes:
            box.currentIndexChanged.connect(self._on_axes)
        self.views.view3d.camera_moved.connect(self._on_camera)
        self.views.pair_ranges_changed.connect(self._on_pair_ranges)

    def _restore_settings(self) -> None:
        settings = SettingsBinder("recurrent")
        settings.bind("speed", self.sequence_bar.speed)
        settings.bind("recipe", self.controls.train.preset)
        # The view choices (issue 19 item 10: "cell state" was lost on restart). Restored quietly: the
        # net and its batch come after this, and they read these choices.
        views = self.views
        for name, widget in (("state_kind", views.which), ("coordinates", views.mode),
                             ("charts_page", self.controls.charts), ("bottom_page", self.bottom),
                             *((f"overlay_{key}", box) for key, box in self.machine_panel.boxes.items())):
            widget.blockSignals(True)
            settings.restore(name, widget)
            widget.blockSignals(False)
            settings.bind(name, widget, restore=False)
        for key, box in self.machine_panel.boxes.items():
            self.machine.shown[key] = box.isChecked()
        self.model.views.state_kind, self.model.views.coordinates = views.state_kind, views.coordinate_mode

    # state and undo -------------------------------------------------------------
    def change(self, text: str, state: NetState) -> None:
        """Show another net, as one undoable step."""
        self.undo_stack.push(SetState(self, text, self.state, state))

    def _set_state(self, state: NetState, results: NetResults | None = None) -> None:
        """Show ``state``'s net; ``results``: its results, already computed (after training, off the GUI thread)."""
        same_language = self.state.language == state.language
        self.state = state
        self.model.snapshot, self.model.snapshot_net = None, None
        self.timeline.set_snapshots(self.timelines.get(state.model, []))
        self.controls.network.show_choice(state.language.name, state.kind, state.hidden, state.L)
        self.controls.train.follow_net(state.language.name, state.kind, state.hidden)
        configure_step(self.step_panel, self.model)
        self.views.set_lstm(state.kind == "lstm")
        self.model.views.state_kind = self.views.state_kind
        hp = state.hyperparameters or {}
        how = f" · {hp['recipe']} recipe, seed {hp.get('seed', 0)}" if hp.get("recipe") else ""
        self.controls.network.describe.setText(  # the label and seed may come from a stranger's file
            f"<b>{state.kind.upper()}-{state.hidden}</b> on {escape(state.language.title)} — {escape(state.label)}"
            f"{escape(how)}"
        )
        self.refresh_net(state.model, results=results)
        ours = self.task is not None or self.model.history_net is state.model
        self.controls.follow_net_shown(state.language.name, state.kind, state.hidden, curves_ours=ours)
        self._store("the net choice", save_choice, self.work, state.language.name, state.kind, state.hidden, state.L)
        if same_language:  # keep the string and the step; a new language starts on its own example
            self._show_sequence(parse_string(state.language, self.sequence.text), self.sequence_bar.position)
        else:
            self._show_sequence(sequence_for_ns(state.language, list(DEFAULT_NS)), 0)

    def _keep(self, state: NetState, run: KeptRun | None = None, later: bool = False) -> NetState:
        """Keep a trained or opened net for its (language, model, hidden), in the model and in the store.

        ``run``: the training run that gave it (curves and timeline, kept beside it across restarts);
        ``later``: written once the window has drawn it (after training: the drawing first, then the files).
        """
        self.model.keep(None, state, run)
        # A copy of the kept nets as they are now: the write runs on the store's thread.
        self._store("the trained net", save_net_state, self.work, state, dict(self.kept), run, later=later)
        return state

    def _store(self, what: str, save, *args, later: bool = False) -> None:
        """Write to the store now, or (``later``) once the window has drawn what it shows.

        Writes keep their order: one asked for while others wait joins them. They run on the
        store writer's thread (:class:`StoreWriter`); closing the tab waits until all are written.
        """
        self._unsaved.append((what, save, args))
        if later:
            self._save_timer.start()
        elif not self._save_timer.isActive():
            self._flush_store()

    @Slot()
    def _flush_store(self) -> None:
        self._save_timer.stop()
        unsaved, self._unsaved = self._unsaved, []
        for what, save, args in unsaved:
            self.writer.write(what, save, *args)

    @Slot(str, str)
    def _on_write_failed(self, what: str, message: str) -> None:
        self.status_message.emit(f"Could not keep {what}: {message}")

    def _run_record(self, snapshots) -> KeptRun:
        """The run the training chart shows, with ``snapshots``, to keep beside its net."""
        return run_of(self.model.history, snapshots)

    def current_model(self) -> RecurrentNet:
        """The net the views show: the live training snapshot while training, else the state's."""
        return self.model.net

    def batch_sequences(self) -> list[Sequence]:
        """The batch whose every step is plotted: a fixed set of training-like strings per language and L."""
        return self.model.batch_sequences()

    def refresh_net(self, model: RecurrentNet, refit: bool = True, extract: bool = True,
                    results: NetResults | None = None) -> None:
        """Recompute the batch trajectories, accuracy and length chart for ``model`` (once per net).

        ``extract``: also extract its machine (in the background); live training views skip it.
        ``results``: already computed for ``model`` (after training, in a task), else computed here.
        """
        lang, L = self.state.language, self.state.L
        results = results or self._precomputed
        if results is None or results.net is not model or results.L != L:
            results = net_results(model, lang, L, self.batch_sequences())
        self.model.results = results
        self.views.set_batch(results.batch, L, srn=model.kind == "srn", refit=refit)
        self._note_axes()
        recurrent_figures.install_actions(self.shown_views, self.model, self)  # new pair views get Export…
        self.controls.network.accuracy.setText(f"{escape(results.headline)}<br><span style='font-size: 9pt;"
                                               f" font-weight: normal;'>{escape(results.chance_note)}</span>")
        self.generalisation.show_accuracy(results.per_n, L, results.chance_per_n)
        if extract:
            self.machine.extract(model, lang, L, self.views.state_kind)
            self.counting.follow(model, lang, L)
        elif self.machine.study is not None:  # the net moves on: the old machine would mislead
            self.machine.suspend(MACHINE_WAITS)
        if not extract:
            self.counting.suspend(COUNTING_WAITS)

    def _note_axes(self) -> None:
        """The 3-D axes the views show, in the model (they change with the coordinates)."""
        self.model.views.axes = tuple(self.views.axes())

    @Slot(int)
    def _on_axes(self, _index: int) -> None:
        self._note_axes()

    @Slot()
    def _on_camera(self) -> None:
        self.model.views.camera = camera_of(self.views.view3d)

    @Slot()
    def _on_pair_ranges(self) -> None:
        """The pair views' ranges as shown (a zoom or pan), so File → Export figures… draws them so too."""
        self.model.views.pair_ranges = self.views.pairs.ranges()

    # strings and stepping ------------------------------------------------------------
    def show_sequence(self, sequence: Sequence, position: int = 0) -> None:
        """Trace ``sequence`` once and show it at step ``position``; stepping then only indexes into the trace."""
        self._show_sequence(sequence, position)

    def _show_sequence(self, sequence: Sequence, position: int = 0) -> None:
        m = self.model
        m.sequence, m.position = sequence, position
        net, ready = self.current_model(), self._precomputed
        # After training the string on display was traced in the training child (8-10 ms less here).
        known = ready.traces.get(sequence.text) if ready is not None and ready.net is net else None
        m.trace = known if known is not None else trace_of(net, sequence)
        self.views.set_sequence(sequence, m.trace)
        self.machine.follow(sequence.text)
        self.sequence_bar.set_sequence(sequence.text, position)
        self.sequence_bar.strip.set_marks(self.machine.disagreements())

    @Slot(str)
    def show_string(self, text: str) -> None:
        """Show a typed string; an invalid one is refused with a message naming the symbol."""
        try:
            if len(text.strip()) > MAX_STRING:
                raise UserError(f"the string is too long ({len(text.strip())} symbols; at most {MAX_STRING})")
            sequence = parse_string(self.state.language, text)
        except UserError as exc:
            self.sequence_bar.show_refusal(f"Refused: {exc}")
            self.status_message.emit(f"String refused: {exc}")
            return
        self._show_sequence(sequence, 0)

    @Slot()
    def generate_string(self) -> None:
        self._show_sequence(random_sequence(self.state.language, self._rng, self.state.L), 0)

    @Slot(int)
    def show_block(self, n: int) -> None:
        self._show_sequence(sequence_for_ns(self.state.language, [n]), 0)

    @Slot(int)
    def _on_position(self, position: int) -> None:
        if not 0 <= position < len(self.trace.hidden):
            return
        self.model.position = position
        draw_step(self.step_panel, self.model)
        self.views.set_position(position)
        self.machine.step(position)

    @Slot(int)
    def show_batch_point(self, row: int) -> None:
        """Step through the batch string that a clicked point belongs to, at that point's step."""
        offsets = self.batch.offsets
        string = int(np.searchsorted(offsets, row, side="right")) - 1
        self.sequence_bar.pause()
        self._show_sequence(self.batch.sequences[string], row - int(offsets[string]))

    @Slot()
    def _on_view_settings(self) -> None:
        self.model.views.state_kind, self.model.views.coordinates = self.views.state_kind, self.views.coordinate_mode
        self.views.set_batch(self.batch, self.state.L, srn=self.state.kind == "srn")
        self._note_axes()
        self.views.set_sequence(self.sequence, self.trace)
        study = self.machine.study
        if study is None or study.found.visited.state != self.views.state_kind:
            self.machine.extract(self.current_model(), self.state.language, self.state.L, self.views.state_kind)
        else:
            self.machine.refresh_overlays()

    @Slot()
    def _on_machine_shown(self) -> None:
        """Underline the steps of the string where the new machine and the net part ways."""
        self.sequence_bar.strip.set_marks(self.machine.disagreements())

    @Slot(int)
    def show_snapshot(self, index: int) -> None:
        """Show the net as it was at timeline snapshot ``index``: trajectories, machine, diagram, length chart."""
        if not self.model.choose_snapshot(index):
            return
        self.refresh_net(self.current_model(), refit=False)
        self._show_sequence(self.sequence, self.sequence_bar.position)

    # network choice --------------------------------------------------------------------
    @Slot()
    def _on_net_choice(self) -> None:
        lang, model, hidden = self.controls.network.choice()
        kept = self.kept.get(f"{lang}_{model}{hidden}")
        state = kept if kept is not None else shipped_state(lang, model, hidden, self.state.L)
        self.change(f"{model.upper()}-{hidden} on {lang}", state)

    @Slot(int)
    def _on_L_changed(self, L: int) -> None:
        s = self.state
        self.change(f"L = {L}", NetState(s.model, s.language, L, s.label, s.hyperparameters))

    @Slot()
    def load_shipped(self) -> None:
        lang, model, hidden = self.controls.network.choice()
        if shipped_weights(lang, model, hidden) is None:
            show_error(self, "No pretrained net", f"No pretrained {model.upper()}-{hidden} on {lang} is shipped;"
                       " train one with the Train button.")
            return
        self.change("pretrained net", shipped_state(lang, model, hidden, self.state.L))

    # training ---------------------------------------------------------------------------
    @Slot()
    def start_training(self) -> None:
        if self.task is not None:
            return
        lang, model, hidden = self.controls.network.choice()
        try:
            config = self.controls.train.config(lang, model, hidden, self.state.L)
            config.validate()
        except UserError as exc:
            show_error(self, "Cannot train", str(exc))
            return
        self._config = config
        self._latest = None
        self.sequence_bar.pause()
        self.model.history, self.model.history_net, self.model.training = [], None, True
        self.controls.curves.start()
        self.controls.curves.set_note("")
        self.controls.charts.setCurrentWidget(self.controls.curves)
        # An extraction still running for the net shown would only take CPU from the training
        # (its views follow the training net within a second, and its machine would mislead then).
        if self.machine.busy():
            self.machine.suspend(MACHINE_WAITS)
        if self.counting.busy():
            self.counting.suspend(COUNTING_WAITS)
        # A child process: small-tensor training holds the GIL the window needs (see subprocess_runner).
        # The trained net's trajectories and accuracy are computed there too: the window only draws them.
        # The string on display goes along: the child traces it with the trained net (see _show_sequence).
        self.task = Task(train, config, self.sequence.text, process=True, name="recurrent-train", parent=self).bind(
            progress=self._on_progress, succeeded=self._on_trained, failed=self._on_failed,
            cancelled=self._on_cancelled, finished=self._on_finished, panel=self.controls.train.task_panel,
            message=f"Training {model.upper()}-{hidden} on {lang}…",
            disable=[self.controls.train.train_button, self.controls.network],
        ).start()

    @Slot(object)
    def _on_progress(self, record: Progress) -> None:
        d = record.data
        self.model.history.append(TrainingRecord(int(d["sequences"]), float(d["loss"]), d.get("accuracy")))
        self.controls.curves.add(d["sequences"], d["loss"], d.get("accuracy"))
        if "state_dict" in d:
            self._latest = (d["state_dict"], d["sequences"], d["accuracy"])
            if not self._live_timer.isActive():
                self._live_timer.start()

    def _model_from(self, state_dict: dict) -> RecurrentNet:
        c = self._config
        net = make_model(c.model, get_language(c.lang).size, c.hidden)
        net.load_state_dict(state_dict)
        net.eval()
        return net

    @Slot()
    def _refresh_live(self) -> None:
        if self.task is None or self._latest is None or not self._shows_training():
            return  # (another net was opened meanwhile: leave it on display)
        c = self._config
        language = get_language(c.lang)
        self.live_jobs.ask(self._model_from(self._latest[0]), language, c.L, batch_sequences(language, c.L))

    def _shows_training(self) -> bool:
        c, s = self._config, self.state
        return (c.lang, c.model, c.hidden) == (s.language.name, s.kind, s.hidden)

    def _show_live(self, results: NetResults) -> None:
        """The views follow the newest weights (their results computed in the background)."""
        if self.task is None or not self._shows_training():
            return
        self.model.live_net = results.net
        live = NetState(results.net, get_language(self._config.lang), self._config.L, "training…")
        saved, self.state = self.state, live
        try:
            self.refresh_net(results.net, refit=False, extract=False, results=results)
            self._show_sequence(self.sequence, self.sequence_bar.position)
        finally:
            self.state = saved

    @Slot(str)
    def _on_live_failed(self, message: str) -> None:
        self.status_message.emit(f"The views could not follow the training: {message}")

    def _trained_state(self, model: RecurrentNet, label: str) -> NetState:
        c = self._config
        from dataclasses import asdict

        return NetState(model, get_language(c.lang), c.L, label, asdict(c))

    def _training_over(self, net: RecurrentNet | None) -> None:
        """The training chart's run belongs to ``net`` now (None: to no net)."""
        self.live_jobs.drop()  # a live result still on its way is for the net before
        self.controls.curves.flush()  # the last records drawn now, not at the chart's next timer
        self.model.live_net, self.model.training, self.model.history_net = None, False, net

    @Slot(object)
    def _on_trained(self, outcome: tuple[TrainResult, NetResults]) -> None:
        result, results = outcome
        self._training_over(result.model)
        verdict = "solved" if result.solved else f"not solved ({result.accuracy:.1f} %)"
        label = f"trained: {verdict} after {result.sequences:,} sequences, {result.seconds:.0f} s"
        self._precomputed = results
        try:
            self.change("train", self._keep(self._trained_state(result.model, label),
                                            self._run_record(result.snapshots), later=True))
        finally:
            self._precomputed = None
            # Every view has the trained net now; the screen repaints them one per turn of the event
            # loop, not all in one (60-130 ms of the window's thread without a pause).
            self.stagger.hold(self.findChildren(pg.GraphicsView))
        self.status_message.emit(f"Training {verdict} after {result.sequences:,} sequences")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._training_over(None)
        show_error(self, "Training failed", message)
        self._set_state(self.state)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._latest is None:
            self._training_over(None)
            self._set_state(self.state)
            return
        state_dict, seen, acc = self._latest
        label = f"training cancelled after {seen:,} sequences ({acc:.1f} %); its weights are kept"
        model = self._model_from(state_dict)
        self._training_over(model)
        self.change("train (cancelled)", self._keep(self._trained_state(model, label), self._run_record([])))
        self.status_message.emit(label)

    @Slot()
    def _on_finished(self) -> None:
        self.task = None
        self._live_timer.stop()

    # files ------------------------------------------------------------------------------
    def open_weights(self, path: Path) -> None:
        """An app checkpoint or a course ``.pth`` (language and model from its name, else the current choice)."""
        lang, model, _ = self.controls.network.choice()
        self.change(f"open {Path(path).name}", self._keep(open_state(path, lang, model)))

    def save_weights(self, path: Path) -> None:
        """``.pth``: the course's bare state dict; anything else: the app's checkpoint (``.pt``)."""
        note = save_state(path, self.state)
        if note:
            self.status_message.emit(note)

    # figures: functions of the model (see :mod:`.figures`) ---------------------------------------
    def ready_model(self) -> RecurrentModel:
        """The model with every result of the net on display (a result still in the background is made now)."""
        self.machine.ensure()
        self.counting.ensure()
        return self.model

    def figures(self) -> dict:
        """Every view as a titled figure, by the course's file names."""
        return {f.name: f for f in recurrent_figures.figures(self.ready_model())}

    def has_figures(self) -> bool:
        return True  # every net has its state views (figures() draws them all: 360-430 ms at each tab change)

    def export_all(self, folder: Path, formats=("png", "svg"), size=None) -> list[Path]:
        """The pair views as ``anb2n_srn2_01.png`` …, the 3-D view at three angles, diagram, charts and CSVs.

        Without OpenGL (a remote session) the 3-D view cannot be captured: the
        other figures are still written and the status bar says so.
        """
        return recurrent_figures.export_all(self.ready_model(), Path(folder), formats=formats, size=size,
                                            say=self.status_message.emit)

    def report_sections(self) -> list:
        return recurrent_figures.report_sections(self.ready_model())

    def shutdown(self) -> bool:
        self._flush_store()  # nothing the user made is lost
        self.writer.wait()
        self.live_jobs.stop()
        self.machine.stop()
        self.counting.stop()
        self.sequence_bar.pause()
        self._live_timer.stop()
        return super().shutdown()


if __name__ == "__main__":  # a quick look at this tab alone
    run_alone(RecurrentTab, 1440, 920)
