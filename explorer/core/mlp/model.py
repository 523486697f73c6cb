"""The MLP experiment as one Qt-free object: what the tab shows and what it was made from (issue 18).

:class:`MLPModel` holds

- ``state`` (:class:`MLPState`): the data set, the weights being edited and their
  activation -- what one undo step restores;
- ``scale``: the rescale factor the views multiply every weight by;
- ``run`` (:class:`MLPRun`): the last training run -- the configuration it actually
  used, its :class:`EpochRecord` history, its weight timeline, the net it gave and
  how it ended; ``live`` (:class:`LiveRun`) while a run is going;
- ``moment``: the timeline snapshot shown (``None``: the net itself);
- ``notes``: one line per piece of stored work that was damaged and set aside.

Observers (:meth:`MLPModel.observe`) are told which part changed. Everything the
tab, the figures, the report and the command line show is computed from here
(:meth:`MLPModel.shown_weights`, :meth:`MLPModel.evaluate`, :meth:`MLPModel.run_settings`…);
:func:`evaluate` is a plain function of immutable values, so a large data set can be
evaluated off the GUI thread (:func:`evaluate_steps`) and the result handed back with
:meth:`MLPModel.remember`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field

import numpy as np

from explorer.core.errors import UserError
from explorer.core.mlp import analysis
from explorer.core.mlp import data as mlp_data
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights, check_activation, forward
from explorer.core.mlp.timeline import WeightSnapshot, WeightTimeline
from explorer.core.mlp.training import TrainConfig, TrainResult, initial_weights
from explorer.core.mlp.work import load_run, load_run_details, load_work, save_work
from explorer.core.progress import Progress
from explorer.core.work_store import WorkStore

#: The rescale factors offered (the spin box's range).
SCALES = (1, 100)
#: Decimals shown in a table cell (the full value is in its tooltip).
DECIMALS = 4
#: Header of the table's last column: whether the net gets the point right (✓ or ✗).
CORRECT = "correct"


@dataclass(frozen=True)
class MLPState:
    """The data set, the weights being edited and their activation: what an undo step restores."""

    dataset: Dataset2D
    weights: MLPWeights
    activation: str


def default_state() -> MLPState:
    """What a new user sees: the course's checkerboard and a fresh 2-5-1 sigmoid net (seed 0)."""
    return MLPState(mlp_data.checkerboard(), initial_weights(5, 0.15, 0), "sigmoid")


@dataclass(frozen=True)
class EpochRecord:
    """One report of a training run: the epoch, the binary cross-entropy loss and the accuracy in %."""

    epoch: int
    loss: float
    accuracy: float

    @classmethod
    def of(cls, row) -> EpochRecord:
        """From an ``(epoch, loss, accuracy)`` row (a :class:`TrainResult` history, a kept run)."""
        epoch, loss, accuracy = row
        return cls(int(epoch), float(loss), float(accuracy))

    def row(self) -> tuple[int, float, float]:
        return self.epoch, self.loss, self.accuracy


@dataclass(frozen=True)
class MLPRun:
    """A finished (or cancelled, or diverged) training run and what it gave."""

    history: tuple[EpochRecord, ...]
    trained: MLPWeights
    timeline: tuple[WeightSnapshot, ...] = ()
    config: TrainConfig | None = None
    """The settings the run actually used; ``None`` for a run kept by a version that did not record them."""
    outcome: str | None = None
    """``"finished"``, ``"cancelled"`` or ``"diverged"`` (``None``: not recorded)."""

    @property
    def epochs(self) -> int:
        """The last epoch reported (0 without a history)."""
        return self.history[-1].epoch if self.history else 0

    def rows(self) -> list[tuple[int, float, float]]:
        """The history as ``(epoch, loss, accuracy)`` rows (the curves' CSV, the work store)."""
        return [record.row() for record in self.history]


@dataclass
class LiveRun:
    """A run in progress: its configuration, the records received so far and their weight snapshots."""

    config: TrainConfig
    history: list[EpochRecord] = field(default_factory=list)
    timeline: WeightTimeline | None = None
    weights: MLPWeights | None = None
    """The newest weights received (``None`` before the first record)."""

    def __post_init__(self) -> None:
        if self.timeline is None:
            self.timeline = WeightTimeline(every=self.config.report_every)

    @property
    def epoch(self) -> int:
        return self.history[-1].epoch if self.history else 0

    def ended(self, weights: MLPWeights, outcome: str, result: TrainResult | None = None) -> MLPRun:
        """The run as it is kept: a finished run's own history and timeline, else what was received."""
        if result is not None and result.history:
            history = tuple(EpochRecord.of(row) for row in result.history)
        else:
            history = tuple(self.history)
        timeline = list(result.timeline) if result is not None and result.timeline else []
        if not timeline:
            self.timeline.record(self.epoch, weights, final=True)
            timeline = self.timeline.snapshots
        return MLPRun(history, weights, tuple(timeline), self.config, outcome)


def cell_text(value: float) -> str:
    """A value as a table cell shows it: exact short values as they are (0, 1, 0.5), others to 4 decimals.

    At ×10 a unit's activation can be 8.32e-07 or 1.71e-15: shown as 0.0000, so
    a student reads "off", not an exponent; 0.99998 is 1.0000, never a bare 1
    that only the step activation gives.
    """
    rounded = round(value, DECIMALS)
    if rounded == value:
        text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.{DECIMALS}f}"
    return "0" if text in ("-0", "") else text.replace("-0.0000", "0.0000")


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The shown net on the data set: the activation table's columns, which points are right, the accuracy.

    ``key`` names what it was computed from (see :meth:`MLPModel.evaluation_inputs`).
    """

    key: tuple
    headers: tuple[str, ...]
    columns: tuple[np.ndarray, ...]
    targets: np.ndarray
    correct: np.ndarray
    accuracy: float
    step_difference: float
    bounds: tuple[tuple[float, float], tuple[float, float]]

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def right(self) -> int:
        return int(np.count_nonzero(self.correct))

    def rows(self, limit: int | None = None) -> Iterator[list[str]]:
        """The display text of each row (the first ``limit`` rows), as the table shows it."""
        n = len(self.targets) if limit is None else min(limit, len(self.targets))
        for r in range(n):
            yield [*(cell_text(float(c[r])) for c in self.columns), str(int(self.targets[r])),
                   "✓" if self.correct[r] else "✗"]


def evaluate(key: tuple, weights: MLPWeights, dataset: Dataset2D, activation: str, edited: MLPWeights,
             scale: float) -> Evaluation:
    """Run ``weights`` on ``dataset``; ``edited`` × ``scale`` gives the largest |sigmoid − step| difference."""
    check_activation(activation)
    hidden, output = forward(weights, dataset.points, activation)
    correct = (output >= 0.5) == (dataset.targets == 1)
    headers = ("x", "y", *(f"h{j}" for j in range(weights.hidden)), "output", "target", CORRECT)
    columns = (dataset.points[:, 0], dataset.points[:, 1], *hidden.T, output)
    accuracy = float(np.mean(correct) * 100) if len(correct) else 0.0
    difference = analysis.max_sigmoid_step_difference(edited, dataset, scale)
    return Evaluation(key, headers, columns, dataset.targets, correct, accuracy, difference, dataset.bounds(0.5))


def evaluate_steps(*args) -> Generator[Progress, None, Evaluation]:
    """:func:`evaluate` as a task's generator (one record, then the result)."""
    yield Progress(0, 1, "evaluating the net on the data set")
    return evaluate(*args)


class MLPModel:
    """The MLP experiment's whole state, no Qt; see the module's docstring."""

    def __init__(self, state: MLPState | None = None, *, scale: int = 1, run: MLPRun | None = None,
                 notes: list[str] | None = None):
        self.state = state if state is not None else default_state()
        self.scale = self._checked_scale(scale)
        self.run = run
        self.moment: int | None = None
        self.live: LiveRun | None = None
        self.notes: list[str] = list(notes or [])
        self._observers: list[Callable[[str], None]] = []
        self._evaluation: Evaluation | None = None

    # observers ----------------------------------------------------------------------------
    def observe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(part)`` after each change: "state", "scale", "moment", "run" or "live"."""
        self._observers.append(callback)

    def _tell(self, part: str) -> None:
        for callback in list(self._observers):
            callback(part)

    # changes ----------------------------------------------------------------------------------
    def set_state(self, state: MLPState) -> None:
        check_activation(state.activation)
        self.state = state
        self._tell("state")

    def set_scale(self, scale: int) -> None:
        self.scale = self._checked_scale(scale)
        self._tell("scale")

    @staticmethod
    def _checked_scale(scale: object) -> int:
        if isinstance(scale, bool) or not isinstance(scale, int) or not SCALES[0] <= scale <= SCALES[1]:
            raise UserError(f"the rescale factor must be a whole number from {SCALES[0]} to {SCALES[1]}, "
                            f"not {scale!r}")
        return scale

    def set_run(self, run: MLPRun | None, *, tell: bool = True) -> None:
        """The last run (its timeline shown at its end); ``tell=False`` when a state change follows at once."""
        self.run, self.moment = run, None
        if tell:
            self._tell("run")

    def show_moment(self, index: int | None) -> None:
        """Show timeline snapshot ``index`` (``None`` or the last: the net itself)."""
        snapshots = self.timeline
        if index is not None and not 0 <= index < len(snapshots):
            raise UserError(f"the timeline has {len(snapshots)} moments, not one numbered {index}")
        self.moment = None if index is None or index == len(snapshots) - 1 else index
        self._tell("moment")

    def start_run(self, config: TrainConfig) -> LiveRun:
        self.live = LiveRun(config)
        self._tell("live")
        return self.live

    def record(self, data: dict) -> EpochRecord:
        """A progress record of the live run (``{"epoch", "loss", "accuracy", "weights"}``)."""
        live = self.live
        record = EpochRecord(int(data["epoch"]), float(data["loss"]), float(data["accuracy"]))
        live.history.append(record)
        live.timeline.record(record.epoch, data["weights"], record.loss, record.accuracy)
        live.weights = data["weights"]
        self._tell("live")
        return record

    def end_run(self) -> None:
        """The live run is over (what it gave was kept by :meth:`set_run`, or nothing was)."""
        self.live = None
        self._tell("live")

    # what is shown ----------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        return self.live is not None

    @property
    def timeline(self) -> tuple[WeightSnapshot, ...]:
        return self.run.timeline if self.run is not None else ()

    def owns_run(self) -> bool:
        """Whether the net being edited is the one the last run gave (its curves, its timeline)."""
        return self.run is not None and self.state.weights == self.run.trained

    def network(self) -> MLPWeights:
        """The network as edited, times the rescale factor."""
        return self.state.weights.scaled(self.scale) if self.scale != 1 else self.state.weights

    def moment_snapshot(self) -> WeightSnapshot | None:
        """The timeline snapshot shown, or ``None`` (the net itself, or no timeline of this net)."""
        if self.moment is None or not self.owns_run() or not 0 <= self.moment < len(self.timeline) - 1:
            return None
        return self.timeline[self.moment]

    def showing_live(self) -> bool:
        return self.live is not None and self.live.weights is not None

    def shown_weights(self) -> MLPWeights:
        """What the views show: the live training weights, a timeline moment, or :meth:`network`."""
        if self.showing_live():
            return self.live.weights
        snapshot = self.moment_snapshot()
        if snapshot is not None:
            return snapshot.weights.scaled(self.scale) if self.scale != 1 else snapshot.weights
        return self.network()

    def shown_activation(self) -> str:
        """A run's live weights are a sigmoid net's; otherwise the activation chosen."""
        return "sigmoid" if self.showing_live() else self.state.activation

    def moment_text(self) -> str:
        """Which moment the views show, when it is not simply the net being edited."""
        if self.showing_live() and self.live.history:
            return f"training, epoch {self.live.epoch:,}"
        snapshot = self.moment_snapshot()
        if snapshot is not None:
            return f"timeline: epoch {snapshot.epoch:,} of {self.timeline[-1].epoch:,}"
        return ""

    # numbers ---------------------------------------------------------------------------------
    def evaluation_inputs(self) -> tuple:
        """The arguments of :func:`evaluate` for what is shown now (its first one the key)."""
        weights, activation = self.shown_weights(), self.shown_activation()
        key = (weights, activation, self.state.dataset, self.state.weights, self.scale)
        return key, weights, self.state.dataset, activation, self.state.weights, self.scale

    def evaluation_ready(self) -> Evaluation | None:
        """The remembered evaluation if it is of what is shown now, else ``None``."""
        ev = self._evaluation
        if ev is None:
            return None
        key = self.evaluation_inputs()[0]
        same = all(a is b or (type(a) is type(b) and a == b) for a, b in zip(ev.key, key, strict=True))
        return ev if same else None

    def evaluate(self) -> Evaluation:
        """The shown net on the data set (remembered; computed here when it is not)."""
        ready = self.evaluation_ready()
        if ready is None:
            ready = self.remember(evaluate(*self.evaluation_inputs()))
        return ready

    def remember(self, evaluation: Evaluation) -> Evaluation:
        """Keep an evaluation computed elsewhere (a background task) for the views and the report."""
        self._evaluation = evaluation
        return evaluation

    def accuracy_text(self, evaluation: Evaluation) -> str:
        """The heading above the plots: accuracy, points right, activation, scale and the moment."""
        moment = self.moment_text()
        at = f" · {moment}" if moment else ""
        activation = evaluation.key[1]
        return (f"Accuracy {evaluation.accuracy:.0f} %  ({evaluation.right:,}/{len(evaluation):,} points, "
                f"{activation}, ×{self.scale}){at}")

    def curves_note(self) -> str:
        """What the curves are of: the run going on, the run that gave the net shown, or an earlier one."""
        if self.live is not None:
            return "Training: the curves follow the run as it goes."
        if self.run is None or not self.run.history:
            return "No training run yet: Train draws the loss and accuracy curves here."
        if self.owns_run():
            return f"Curves of the run that gave the net shown ({self.run.epochs:,} epochs)."
        # Short enough for two lines beside the table at 1024 px (the layout keeps two lines for it).
        return "Curves of an earlier run: the net shown has changed since."

    def curve_rows(self) -> list[tuple[int, float, float]]:
        """The curves' rows: the live run's as it goes, else the last run's."""
        if self.live is not None:
            return [r.row() for r in self.live.history]
        return self.run.rows() if self.run is not None else []

    def run_settings(self) -> tuple[dict[str, object], int | None]:
        """The report's settings and seed: what is shown, and what the last run actually used."""
        state, weights = self.state, self.shown_weights()
        settings: dict[str, object] = {
            "data set": f"{state.dataset.name or 'points'} ({len(state.dataset):,} points)",
            "hidden units": weights.hidden, "activation": self.shown_activation(),
            "scale factor": f"×{self.scale:g}", "shown": self.moment_text() or "the current net",
        }
        run = self.run
        if run is None:
            settings["training run"] = "none (the weights were set by hand, loaded or drawn at random)"
            return settings, None
        ended = {"finished": "", "cancelled": ", cancelled", "diverged": ", diverged"}.get(run.outcome or "", "")
        whose = "gave the net shown" if self.owns_run() else "an earlier run: the net shown has changed since"
        settings["training run"] = f"{whose} ({run.epochs:,} epochs{ended})"
        config = run.config
        if config is None:
            settings["run's settings"] = "not recorded (the run was kept by an earlier version)"
            return settings, None
        settings.update({
            "hidden units trained": config.hidden, "initial weight size": config.init_std,
            "learning rate": config.lr, "weight decay": config.weight_decay, "max epochs": config.max_epochs,
            "stopping rule": f"{config.stable_epochs:,} epochs at 100 %",
        })
        return settings, config.seed

    # the work store ---------------------------------------------------------------------------
    @classmethod
    def from_store(cls, store: WorkStore) -> MLPModel:
        """The model kept in ``store`` (damaged parts set aside and named in ``notes``), or the defaults."""
        kept = load_work(store)
        state = MLPState(*kept) if kept else None
        run = None
        if kept is not None:
            loaded = load_run(store)
            details = load_run_details(store) if loaded is not None else None
            if loaded is not None and details is not None:
                rows, trained, snapshots = loaded
                run = MLPRun(tuple(EpochRecord.of(r) for r in rows), trained, tuple(snapshots), *details)
        return cls(state, run=run, notes=list(store.problems))

    def save(self, store: WorkStore) -> None:
        save_parts(store, self.state, self.run)


def save_parts(store: WorkStore, state: MLPState, run: MLPRun | None) -> None:
    """Keep ``state`` and ``run`` in ``store`` (what :meth:`MLPModel.from_store` reads back)."""
    kept = (run.rows(), run.trained, list(run.timeline)) if run is not None and run.history else None
    save_work(store, state.dataset, state.weights, state.activation, kept,
              run.config if kept else None, run.outcome if kept else None)
