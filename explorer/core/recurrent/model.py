"""The recurrent experiment as one Qt-free object: what the tab shows and what it was made from.

:class:`RecurrentModel` holds the nets kept per language/model/size, the net on
display and the configuration its run used (``state.hyperparameters``), the
training history the chart shows (typed :class:`TrainingRecord` rows), the
user's selections that figures depend on (the string and step, hidden or cell
state, units or principal components, the pair views' zoom, the 3-D axes and camera, the overlays,
the counting unit) and the results computed from the net on display
(:class:`NetResults`, the string's trace, the machine study and the counting
probe). The tab observes and renders it; figures, the report and the command
line read it, never a widget.

:meth:`RecurrentModel.from_store` builds it from the user's stored work
(:mod:`explorer.core.recurrent.work`), :meth:`RecurrentModel.compute` computes
every result synchronously (the command line's export cannot wait for the
window's background tasks), :func:`net_results` is the heavy part as a plain
function (the tab runs it in a task after training).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

import numpy as np

from explorer.core.errors import UserError
from explorer.core.progress import Progress, ProgressGenerator, run_to_end
from explorer.core.recurrent.analysis import (
    Coordinates,
    Trajectories,
    coordinates,
    one_thread,
    trajectories,
)
from explorer.core.recurrent.evaluation import accuracy, accuracy_per_n, chance_per_n
from explorer.core.recurrent.languages import (
    Language,
    Sequence,
    get_language,
    parse_string,
    random_sequence,
    sequence_for_ns,
)
from explorer.core.recurrent.models import RecurrentNet, Trace, make_model, trace
from explorer.core.recurrent.snapshots import Snapshot
from explorer.core.recurrent.training import TrainResult, train
from explorer.core.recurrent.weights import NetState, shipped_state, untrained_state
from explorer.core.recurrent.work import KeptRun, load_work_runs, save_choice, save_net_state

#: Strings in the batch whose every step is plotted.
BATCH_SIZE = 8
BATCH_SEED = 1234
#: The string on display when a language is first shown.
DEFAULT_NS = (2, 3, 1)
#: The choice when nothing is kept: the course's first net.
DEFAULT_CHOICE = ("anb2n", "srn", 2, 4)
#: The machine's overlays in the state views, by key (all shown at first).
OVERLAY_KEYS = ("centroids", "transitions", "regions")
#: The report's settings taken from the run's configuration, in order.
RUN_SETTINGS = ("recipe", "optimizer", "lr", "sequences", "init_std")


@dataclass(frozen=True)
class TrainingRecord:
    """One point of the training chart: the loss after ``sequences``, and the accuracy where checked."""

    sequences: int
    loss: float
    accuracy: float | None = None


def history_of(run: KeptRun | None) -> list[TrainingRecord]:
    """A kept run's curves as training records (an accuracy check without a loss row is kept as one)."""
    if run is None:
        return []
    checks = {int(x): float(y) for x, y in run.accuracy}
    records = [TrainingRecord(int(x), float(y), checks.pop(int(x), None)) for x, y in run.loss]
    records += [TrainingRecord(x, float("nan"), y) for x, y in checks.items()]
    return sorted(records, key=lambda r: r.sequences)


def loss_points(history: list[TrainingRecord]) -> tuple[list[int], list[float]]:
    """(sequences, loss) of every record with a loss."""
    rows = [(r.sequences, r.loss) for r in history if not np.isnan(r.loss)]
    return [x for x, _ in rows], [y for _, y in rows]


def accuracy_points(history: list[TrainingRecord]) -> tuple[list[int], list[float]]:
    """(sequences, accuracy %) of every accuracy check."""
    rows = [(r.sequences, r.accuracy) for r in history if r.accuracy is not None]
    return [x for x, _ in rows], [y for _, y in rows]


def run_of(history: list[TrainingRecord], snapshots: list[Snapshot]) -> KeptRun:
    """The run to keep beside its net: the history's curves and ``snapshots``."""
    xs, losses = loss_points(history)
    acc_x, acc_y = accuracy_points(history)
    return KeptRun([[x, y] for x, y in zip(xs, losses, strict=True)],
                   [[x, y] for x, y in zip(acc_x, acc_y, strict=True)], list(snapshots))


@dataclass(frozen=True)
class NetResults:
    """What is computed once per net shown: the batch's trajectories, the accuracy and the length chart."""

    net: RecurrentNet
    L: int
    batch: Trajectories
    accuracy: float
    per_n: dict[int, float]
    chance: float
    chance_per_n: dict[int, float]
    #: Traces of strings already stepped through this net, by string (after training: the string on
    #: display, traced in the training child so the window does not run the net again).
    traces: dict[str, Trace] = field(default_factory=dict)

    @property
    def headline(self) -> str:
        verdict = "solves the language" if self.accuracy >= 100 else "not solved"
        return f"Accuracy (n = 1..{self.L}): {self.accuracy:.1f} % — {verdict}"

    @property
    def chance_note(self) -> str:
        return f"chance: {self.chance:.0f} % (always the most common next symbol)"

    @property
    def accuracy_text(self) -> str:
        """The accuracy readout as plain text (the report's)."""
        return f"{self.headline}; {self.chance_note}"


def batch_sequences(language: Language, L: int) -> list[Sequence]:
    """The batch whose every step is plotted: a fixed set of training-like strings per language and L."""
    rng = np.random.default_rng(BATCH_SEED)
    return [random_sequence(language, rng, L) for _ in range(BATCH_SIZE)]


def net_results(net: RecurrentNet, language: Language, L: int, sequences: list[Sequence]) -> NetResults:
    """Trajectories of ``sequences``, accuracy on n = 1..L and per n up to 3L (one torch thread: tiny nets)."""
    with one_thread():
        batch = trajectories(net, language, sequences)
        acc = accuracy(net, language, L)
        per_n = accuracy_per_n(net, language, 3 * L, L)
    chance, chance_n = chance_per_n(language, 3 * L, L)
    return NetResults(net, L, batch, acc, dict(per_n), chance, dict(chance_n))


def train_and_measure(config, shown: str | None = None) -> ProgressGenerator[tuple[TrainResult, NetResults]]:
    """Train (:func:`~explorer.core.recurrent.training.train`), then compute the trained net's results in the
    same worker: the window only draws them (issue 20: they took 0.4 s of its thread). ``shown``: the string
    the window shows, traced here too (the window's thread spent 8-10 ms running the net along it)."""
    result = yield from train(config)
    language = get_language(config.lang)
    results = net_results(result.model, language, config.L, batch_sequences(language, config.L))
    if shown is not None:
        try:
            sequence = parse_string(language, shown)
            results.traces[sequence.text] = trace_of(result.model, sequence)
        except UserError:  # not a string of this language: the window traces what it shows itself
            pass
    return result, results


def live_results(net: RecurrentNet, language: Language, L: int, sequences: list[Sequence]
                 ) -> ProgressGenerator[NetResults]:
    """:func:`net_results` as a task (the views following a net while it trains)."""
    yield Progress(0, 1, "following the training net…")
    return net_results(net, language, L, sequences)


def trace_of(net: RecurrentNet, sequence: Sequence) -> Trace:
    with one_thread():
        return trace(net, sequence.inputs)


@dataclass
class ViewChoices:
    """The user's choices that the views and figures depend on."""

    state_kind: str = "hidden"  # "hidden" or "cell" (LSTM)
    coordinates: str = "units"  # "units" or "pca"
    axes: tuple[int, int, int] | None = None  # 3-D axes: coordinate indices, the last index = the state value
    overlays: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(OVERLAY_KEYS, True))
    camera: dict | None = None  # the 3-D camera (center, distance, elevation, azimuth); None = fitted
    #: The pair views' ranges as shown, by pair: ``{(j, k): ((x0, x1), (y0, y1))}`` (a zoom or pan; empty = fitted).
    pair_ranges: dict[tuple[int, int], tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=dict)


def default_axes(count: int) -> tuple[int, int, int]:
    """The first three coordinates; with fewer, the state value as the missing axis (then repeats of 0)."""
    axes = list(range(min(3, count)))
    if len(axes) < 3:
        axes.append(count)
    while len(axes) < 3:
        axes.append(0)
    return tuple(axes)


def with_state(coords: np.ndarray, states, L: float) -> np.ndarray:
    """Append the state value, scaled from 0..L onto −1..1 like the tanh units (the 3-D view's last axis)."""
    return np.column_stack([coords, 2 * np.asarray(states, float) / max(float(L), 1e-6) - 1])


@dataclass(eq=False)  # one experiment is itself, not equal to another with the same fields
class RecurrentModel:
    """The whole recurrent experiment, no Qt (see the module's docstring)."""

    state: NetState
    kept: dict[str, NetState] = field(default_factory=dict)
    runs: dict[str, KeptRun] = field(default_factory=dict)
    sequence: Sequence | None = None
    position: int = 0
    views: ViewChoices = field(default_factory=ViewChoices)
    # Which net is drawn: a timeline snapshot (its index and net), the live training net, else the state's.
    snapshot: int | None = None
    snapshot_net: RecurrentNet | None = None
    live_net: RecurrentNet | None = None
    # The training chart's run, the net it gave (None while training) and its note.
    history: list[TrainingRecord] = field(default_factory=list)
    history_net: RecurrentNet | None = None
    training: bool = False
    # Derived results, for the net drawn.
    results: NetResults | None = None
    trace: Trace | None = None
    study: object | None = None  # MachineStudy
    lockstep: object | None = None  # Lockstep
    probe: object | None = None  # CountingProbe
    counting_unit: int | None = None  # index into probe.units of the unit charted (None: the best)
    comparison: object | None = None  # the last finished SRN/GRU/LSTM Comparison
    notes: list[str] = field(default_factory=list)
    timelines: WeakKeyDictionary = field(default_factory=WeakKeyDictionary)

    # construction and the store -------------------------------------------------------------
    @classmethod
    def from_store(cls, store, pretrained: bool = True) -> RecurrentModel:
        """The model of the user's stored work (a damaged file set aside, its message in ``notes``).

        ``pretrained``: with no kept net for the choice, the shipped net (else untrained weights).
        """
        choice, kept, runs = load_work_runs(store)
        lang, kind, hidden, L = choice or DEFAULT_CHOICE
        stem = f"{lang}_{kind}{hidden}"
        if stem in kept:
            state = kept[stem]
        elif pretrained:
            state = shipped_state(lang, kind, hidden, L)
        else:
            state = untrained_state(lang, kind, hidden, L)
        model = cls(state, kept=kept, runs=runs, notes=list(store.problems))
        for each_stem, run in runs.items():  # each kept run's timeline comes back with its net
            if run.snapshots and each_stem in kept:
                model.timelines[kept[each_stem].model] = list(run.snapshots)
        run = model.run_of_state()
        if run is not None and run.loss:
            model.history, model.history_net = history_of(run), state.model
        model.sequence = sequence_for_ns(state.language, list(DEFAULT_NS))
        return model

    def save_choice(self, store) -> None:
        """Remember the net on display (language, model, size and L)."""
        s = self.state
        save_choice(store, s.language.name, s.kind, s.hidden, s.L)

    def keep(self, store, state: NetState, run: KeptRun | None = None) -> NetState:
        """Keep a trained or opened net for its (language, model, hidden), here and in ``store``.

        ``run``: the training run that gave it (curves and timeline); ``None`` for an opened net.
        Raises :class:`UserError` when the store cannot be written (the net is kept here all the same).
        """
        self.kept[state.stem] = state
        if run is None:
            self.runs.pop(state.stem, None)
        else:
            self.runs[state.stem] = run
            if run.snapshots:
                self.timelines[state.model] = list(run.snapshots)
        if store is not None:
            save_net_state(store, state, self.kept, run)
        return state

    def run_of_state(self) -> KeptRun | None:
        """The kept run that gave the net on display, if it was trained here."""
        return self.runs.get(self.state.stem) if self.kept.get(self.state.stem) is self.state else None

    # what is drawn ---------------------------------------------------------------------------
    @property
    def net(self) -> RecurrentNet:
        """The net the views show: the live training net, a timeline snapshot, else the state's."""
        if self.live_net is not None:
            return self.live_net
        return self.snapshot_net if self.snapshot_net is not None else self.state.model

    @property
    def snapshots(self) -> list[Snapshot]:
        """The timeline of the net on display (none for an opened or shipped net)."""
        return self.timelines.get(self.state.model, [])

    def choose_snapshot(self, index: int) -> bool:
        """Draw timeline snapshot ``index`` (the last one is the trained net); ``False`` when out of range."""
        snapshots = self.snapshots
        if not 0 <= index < len(snapshots):
            return False
        if index == len(snapshots) - 1:
            self.snapshot, self.snapshot_net = None, None
        else:
            s = self.state
            net = make_model(s.kind, s.language.size, s.hidden)
            net.load_state_dict(snapshots[index].state_dict)
            net.eval()
            self.snapshot, self.snapshot_net = index, net
        return True

    @property
    def moment(self) -> str:
        """Which net the views show: the trained net, a timeline snapshot, or the live training net."""
        if self.live_net is not None:
            return "during training"
        if self.snapshot_net is not None and self.snapshot is not None:
            return f"training snapshot after {self.snapshots[self.snapshot].sequences:,} sequences"
        return self.state.label

    @property
    def heading(self) -> str:
        s = self.state
        return f"{s.language.title} · {s.kind.upper()}-{s.hidden} · L = {s.L}"

    @property
    def history_note(self) -> str:
        """The training chart's note: its curves belong to an earlier run than the net on display."""
        if not self.history or self.training or self.history_net is self.state.model:
            return ""
        return "an earlier training run, not the net on display"

    def run_settings(self) -> dict:
        """The settings the run of the net on display used (nothing for a shipped or opened net without them)."""
        hp = self.state.hyperparameters or {}
        return {key: hp[key] for key in RUN_SETTINGS if key in hp}

    @property
    def seed(self) -> int | None:
        return (self.state.hyperparameters or {}).get("seed")

    def batch_sequences(self) -> list[Sequence]:
        return batch_sequences(self.state.language, self.state.L)

    @property
    def state_kind(self) -> str:
        """The state plotted: the user's choice for an LSTM, the hidden state for the others (no cell)."""
        return self.views.state_kind if self.net.kind == "lstm" else "hidden"

    def coordinates(self) -> Coordinates | None:
        """The batch in the chosen coordinates (None before the results are computed)."""
        r = self.results
        if r is None:
            return None
        return coordinates(r.batch, self.state_kind, self.views.coordinates, self.state.L, self.net.kind == "srn")

    def axes(self, count: int) -> tuple[int, int, int]:
        """The 3-D axes for ``count`` coordinates: the user's where they still exist, else the defaults."""
        chosen = self.views.axes
        if chosen is not None and all(0 <= a <= count for a in chosen):
            return tuple(chosen)
        return default_axes(count)

    def counting_fit(self):
        """The unit the counting chart shows (the best counter unless the user chose another)."""
        probe = self.probe
        if probe is None:
            return None
        if self.counting_unit is not None and 0 <= self.counting_unit < len(probe.units):
            return probe.units[self.counting_unit]
        return probe.best

    # computing the results ---------------------------------------------------------------------
    def compute_results(self) -> NetResults:
        self.results = net_results(self.net, self.state.language, self.state.L, self.batch_sequences())
        return self.results

    def compute_trace(self) -> Trace:
        if self.sequence is None:
            self.sequence = sequence_for_ns(self.state.language, list(DEFAULT_NS))
        self.trace = trace_of(self.net, self.sequence)
        self.position = max(min(self.position, len(self.trace.hidden) - 1), 0)
        return self.trace

    def compute_machine(self) -> None:
        """The machine study of the net drawn (a few seconds); a net with no machine leaves a note."""
        from explorer.core.recurrent.machine_study import study_machine

        try:
            self.study = run_to_end(study_machine(self.net, self.state.language, self.state.L, self.state_kind))
        except UserError as exc:
            self.study = None
            self.notes.append(f"No machine extracted: {exc}")
        self.follow()

    def follow(self) -> None:
        """Run the machine beside the net over the string on display."""
        from explorer.core.recurrent.fsm_lockstep import follow_string

        self.lockstep = None
        if self.study is not None and self.sequence is not None:
            try:
                self.lockstep = follow_string(self.study.found, self.net, self.sequence.text)
            except UserError:
                self.lockstep = None  # a string the machine cannot start on: nothing to follow

    def compute_counting(self) -> None:
        from explorer.core.recurrent.counting import probe_counting

        try:
            self.probe = probe_counting(self.net, self.state.language, self.state.L)
        except UserError as exc:
            self.probe = None
            self.notes.append(f"No counting probe: {exc}")

    def compute(self) -> RecurrentModel:
        """Every result the tab computes for the net on display, now (the command line's export)."""
        self.compute_results()
        self.compute_trace()
        self.compute_machine()
        self.compute_counting()
        return self


def load_model(store, pretrained: bool = True) -> RecurrentModel:
    """The model of ``store``'s work with every result computed."""
    return RecurrentModel.from_store(store, pretrained).compute()
