"""The Kuzushiji experiment as one Qt-free object: what the tab shows and what it was made from.

:class:`KuzushijiModel` holds the data set in use (its description's key), each net's
:class:`~explorer.core.kuzushiji.results.NetResult` (the configuration its last run actually
used, its typed epoch history, its evaluation: test accuracy, confusion counts, per-class
numbers), the curves of the runs, the run under way, which net and epoch the user looks at, and
``notes`` (one line per piece of stored work that was damaged and set aside).

The tab observes it and draws it; the figures, tables and report sections of
``explorer.qt.kuzushiji.exports`` and the command line read it, never a widget. It is built from
the user's work with :meth:`KuzushijiModel.from_store` and kept in it through
:mod:`explorer.core.kuzushiji.work` (the stored format is unchanged).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets, trained, work
from explorer.core.kuzushiji.datasets import KMNIST_KEY, DataSet, dataset
from explorer.core.kuzushiji.engine import EpochRecord, TrainConfig
from explorer.core.kuzushiji.evaluation import Evaluation
from explorer.core.kuzushiji.metrics import balanced_accuracy
from explorer.core.kuzushiji.results import NetResult, evaluate_nets, result_of_run
from explorer.core.progress import run_to_end
from explorer.core.table_export import curves_to_csv
from explorer.core.work_store import WorkStore

if TYPE_CHECKING:
    from torch import nn

    from explorer.core.kuzushiji.dataset import KMNIST
    from explorer.core.kuzushiji.own_drawings import DrawingsEvaluation, OwnDrawings

log = logging.getLogger(__name__)

SMOOTHING = 0.1
"""Weight of the newest batch in the exponential moving average of the training loss."""
RESULT_COLUMNS = ("Net", "Parameters", "Test accuracy", "Balanced accuracy", "Test loss", "Training time", "Epochs",
                  "Weights")
DRAWINGS_COLUMNS = ("Net", "Drawings", "Accuracy (%)", "Balanced accuracy (%)", "Test accuracy (%)",
                    "Gap (points)")
"""The columns of the kept drawings' evaluation as numbers (the CSV File → Export figures… writes)."""


def class_labels(key: str | DataSet = KMNIST_KEY) -> list[str]:
    """Each class of data set ``key`` (or that description) as ``"お o"``; a folder's class by its name."""
    described = dataset(key) if isinstance(key, str) else key
    return [name if glyph == name else f"{glyph} {name}"
            for glyph, name in zip(described.glyphs, described.class_names, strict=True)]


def duration(seconds: float) -> str:
    """``"4.2 s"`` under a minute, else ``"3:05"`` (``"1:02:03"`` past an hour)."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    h, rem = divmod(int(round(seconds)), 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@dataclass
class ResultRow:
    """One trained net's numbers as the results table and the report show them (``None``: unknown, –)."""

    name: str
    parameters: int
    accuracy: float | None = None
    test_loss: float | None = None
    seconds: float | None = None
    epochs: int | None = None
    source: str = ""
    balanced_accuracy: float | None = None
    """Mean of the per-class accuracies, percent (``None``: not evaluated here)."""

    def texts(self) -> list[str]:
        dash = "–"
        return [
            self.name,
            f"{self.parameters:,}",
            dash if self.accuracy is None else f"{self.accuracy:.2f} %",
            dash if self.balanced_accuracy is None else f"{self.balanced_accuracy:.2f} %",
            dash if self.test_loss is None else f"{self.test_loss:.4f}",
            dash if self.seconds is None else duration(self.seconds),
            dash if self.epochs is None else str(self.epochs),
            self.source,
        ]

    def by_column(self) -> dict[str, str]:
        """The texts by column title (:data:`RESULT_COLUMNS`)."""
        return dict(zip(RESULT_COLUMNS, self.texts(), strict=True))


@dataclass
class RunCurve:
    """One training run's curves: smoothed training loss per batch, test loss and accuracy per epoch."""

    label: str
    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    epoch_x: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    smoothed: float | None = None
    balanced: list[float] = field(default_factory=list)
    """Test balanced accuracy per epoch (percent), beside :attr:`accuracy`; empty for runs kept without it."""

    def add_batch(self, x: float, loss: float) -> None:
        """One training-loss value at ``x`` epochs, smoothed (an exponential moving average)."""
        self.smoothed = loss if self.smoothed is None else (1 - SMOOTHING) * self.smoothed + SMOOTHING * loss
        self.batch_x.append(float(x))
        self.batch_loss.append(max(self.smoothed, 1e-6))

    def add_epoch(self, epoch: int, test_loss: float, accuracy: float, balanced: float | None = None) -> None:
        """The test loss and accuracy (and balanced accuracy, when known) after ``epoch``."""
        self.epoch_x.append(float(epoch))
        self.test_loss.append(max(float(test_loss), 1e-6))
        self.accuracy.append(float(accuracy))
        if balanced is not None and math.isfinite(balanced) and len(self.balanced) == len(self.epoch_x) - 1:
            self.balanced.append(float(balanced))

    def has_balanced(self) -> bool:
        """Whether every epoch has its balanced accuracy."""
        return bool(self.balanced) and len(self.balanced) == len(self.epoch_x)

    def is_of(self, name: str) -> bool:
        """Whether this is a run of net ``name`` (the label names it: "#3 NetConv · ADAM …")."""
        return nets.display_name(name) in self.label

    def as_data(self) -> dict[str, Any]:
        """Plain lists, as :func:`explorer.core.kuzushiji.work.save_runs` keeps them."""
        data = {"label": self.label, "batch_x": self.batch_x, "batch_loss": self.batch_loss,
                "epoch_x": self.epoch_x, "test_loss": self.test_loss, "accuracy": self.accuracy}
        if self.has_balanced():
            data["balanced"] = self.balanced
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RunCurve:
        """A kept run (checked by :func:`~explorer.core.kuzushiji.work.load_runs`)."""
        curve = cls(str(data["label"]), *([float(v) for v in data[key]]
                                          for key in ("batch_x", "batch_loss", "epoch_x", "test_loss", "accuracy")))
        balanced = data.get("balanced")  # a stranger's file: kept only as finite numbers, one per epoch
        if (isinstance(balanced, list) and len(balanced) == len(curve.epoch_x)
                and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in balanced)):
            curve.balanced = [float(v) for v in balanced]
        return curve


def curves_owners(runs: Iterable[RunCurve]) -> tuple[str, str]:
    """Whose curves ``runs`` are, for a title and a file name: ("All nets", "all_nets"), ("NetLin and
    NetConv", "lin_conv") or ("NetLin", "lin"), so two sets exported into one folder do not collide."""
    runs = list(runs)
    present = [name for name in nets.NETS if any(run.is_of(name) for run in runs)]
    if not present or len(present) == len(nets.NETS):
        return "All nets", "all_nets"
    return " and ".join(nets.display_name(name) for name in present), "_".join(present)


@dataclass
class KuzushijiModel:
    """Everything the Kuzushiji tab shows, without Qt (see the module's docstring)."""

    dataset: str = KMNIST_KEY
    """The key of the data set's description (:mod:`explorer.core.kuzushiji.datasets`, or ``"folder"``)."""
    data_set: DataSet | None = None
    """The description itself when it is none of the known ones (a folder of images: classes from its folders)."""
    results: dict[str, NetResult] = field(default_factory=dict)
    """Net name → the net as last trained or loaded."""
    runs: dict[str, RunCurve] = field(default_factory=dict)
    """Run key ("run3", "kept1") → its curves, oldest first."""
    run_count: int = 0
    run_key: str = ""
    run_config: TrainConfig | None = None
    """The settings of the run under way (or the last one)."""
    run_history: list[EpochRecord] = field(default_factory=list)
    """The finished epochs of the run under way: what Stop keeps."""
    run_note: str = ""
    """What the last run left ("NetLin: 2 epochs, test accuracy 71.30 %"), said once it has ended."""
    selected_net: str | None = None
    selected_epoch: int | None = None
    """The epoch whose evaluation is looked at (``None``: the last)."""
    notes: list[str] = field(default_factory=list)
    drawings: OwnDrawings | None = None
    """The data set's kept drawings (the Draw page's test set of the user's own), once read."""
    drawings_evaluations: dict[str, DrawingsEvaluation] = field(default_factory=dict)
    """Net name → how it reads :attr:`drawings` (accuracy, balanced accuracy, confusion, gap)."""

    @property
    def description(self) -> DataSet:
        """The data set's description: classes, names, files, sizes."""
        if self.data_set is not None and self.data_set.key == self.dataset:
            return self.data_set
        return dataset(self.dataset)

    def labels(self) -> list[str]:
        """Each class as ``"お o"``."""
        return class_labels(self.description)

    def use_dataset(self, description: DataSet, store: WorkStore | None = None) -> None:
        """Show the nets of data set ``description`` from now on (each data set's nets are its own).

        With ``store``, that data set's last trained nets are restored from it (damaged ones noted).
        """
        self.dataset = description.key
        self.data_set = description
        self.results.clear()
        self.run_history = []
        self.select(None)
        if store is not None and description.num_classes:
            before = len(store.problems)
            self.results.update(work.restore_results(store, description))
            self.notes.extend(store.problems[before:])
            self.select(next(iter(self.names()), None))

    # the stored work -------------------------------------------------------------------------------
    @classmethod
    def from_store(cls, store: WorkStore, key: str = KMNIST_KEY) -> KuzushijiModel:
        """The model of the user's stored work (see :meth:`restore`)."""
        model = cls(dataset=key)
        model.restore(store)
        return model

    def restore(self, store: WorkStore) -> None:
        """Add the last trained nets with their epoch histories, and the kept runs' curves.

        Damaged work is set aside by the store; its messages are kept in :attr:`notes` too.
        """
        before = len(store.problems)
        self.results.update(work.restore_results(store, self.description))
        for data in work.load_runs(store):
            self.runs[f"kept{len(self.runs) + 1}"] = RunCurve.from_data(data)
        self.run_count = len(self.runs)  # a new run is numbered after the kept ones
        self.notes.extend(store.problems[before:])
        if self.selected_net not in self.results:
            self.select(next(iter(self.names()), None))

    def save_runs(self, store: WorkStore) -> None:
        """Keep the runs' curves (the newest :data:`~explorer.core.kuzushiji.work.MAX_RUNS`)."""
        work.save_runs(store, self.runs_data())

    def runs_data(self) -> list[dict[str, Any]]:
        return [run.as_data() for run in self.runs.values()]

    # a run --------------------------------------------------------------------------------------------
    def start_run(self, config: TrainConfig) -> RunCurve:
        """A new run with ``config``: numbered after the others, with empty curves."""
        self.run_count += 1
        display = nets.display_name(config.net)
        label = f"{display} · {config.optimizer.upper()} lr {config.lr:g}, batch {config.batch}"
        if config.class_weighted:
            label += ", class-weighted"
        if self.dataset != KMNIST_KEY:
            label = f"{self.description.title}: {label}"
        self.run_key = f"run{self.run_count}"
        self.run_config = config
        self.run_history = []
        self.run_note = ""
        curve = RunCurve(f"#{self.run_count} {label}")
        self.runs[self.run_key] = curve
        return curve

    def add_batch(self, x: float, loss: float) -> None:
        """A training-loss value of the run under way, at ``x`` epochs (its curves may have been cleared)."""
        if self.run_key in self.runs:
            self.runs[self.run_key].add_batch(x, loss)

    def add_epoch(self, record: EpochRecord) -> None:
        """A finished epoch of the run under way."""
        self.run_history.append(record)
        if self.run_key in self.runs:
            self.runs[self.run_key].add_epoch(record.epoch, record.test_loss, record.accuracy,
                                              record.balanced_accuracy)

    def history_seconds(self) -> float:
        return sum(r.seconds for r in self.run_history)

    def mark_run(self, tag: str) -> None:
        """Add ``tag`` (e.g. "diverged") to the run's name."""
        run = self.runs.get(self.run_key)
        if run is not None:
            run.label = f"{run.label} ({tag})"

    def clear_runs(self) -> None:
        self.runs.clear()

    def stored_accuracy(self, name: str) -> float | None:
        """The test accuracy saved with net ``name``'s stored checkpoint (``None``: none, or unreadable)."""
        return trained.stored_accuracy(name, lambda path, exc: log.warning("could not read %s: %s", path, exc),
                                       self.description)

    def keep_run(self, history: list[EpochRecord], seconds: float, stopped: bool, why: str, store: WorkStore,
                 may_replace: Callable[[str, float, str], bool],
                 extra: dict[str, Any] | None = None) -> tuple[NetResult | None, str]:
        """Keep the run's last finished epoch as net's latest: ``(result, save_error)``.

        Nothing is kept for a run stopped before its first epoch, or when ``may_replace(name,
        accuracy, why)`` says the stored net stays. A checkpoint that cannot be written still leaves the
        net here (``save_error`` says why). :attr:`run_note` says what happened; ``why`` (a
        divergence message) is said first. ``extra`` is what the net's checkpoint and result keep besides
        its numbers (a folder net's ``{"preparation": "resize"}``, as ``kuzushiji train`` keeps it).
        """
        config = self.run_config
        display = nets.display_name(config.net)
        if not history:
            self.run_note = f"{display} stopped before its first epoch finished: nothing kept"
            return None, ""
        last = history[-1]
        if not may_replace(config.net, last.accuracy, why):
            self.run_note = (f"{display}: kept the stored net; this run ({last.accuracy:.2f} %) was not saved"
                             + (f" ({why})" if why else ""))
            return None, ""
        result = result_of_run(config, history, seconds, stopped, self.description)
        result.extra.update(extra or {})  # the Draw page reads the canvas as the net's pictures were prepared
        error = ""
        try:
            store.check_writable()  # a second window on the data folder keeps nothing, weights included
            path = trained.save(result.model, config.net, result.config, last.evaluation, seconds,
                                dataset=self.description, extra=extra)
            result.source = f"trained here, saved as {path.name}"
            # the epoch replay, back after a restart (each data set's under its own key)
            work.save_history(store, work.history_key(config.net, self.description), history)
        except (UserError, OSError) as exc:
            result.source = "trained here (not saved)"  # File → Save weights can still write it elsewhere
            error = str(exc)
        what = f"stopped; kept epoch {last.epoch}'s weights" if stopped else f"{last.epoch} epochs"
        if why:
            what = f"{why}; kept epoch {last.epoch}'s weights"
        self.run_note = f"{display}: {what}, test accuracy {last.accuracy:.2f} %"
        self.set_result(result)
        return result, error

    # results ------------------------------------------------------------------------------------------
    def set_result(self, result: NetResult) -> None:
        """``result`` becomes its net's, looked at from its last epoch."""
        self.results[result.name] = result
        self.select(result.name)

    def forget_stale(self, test_size: int) -> dict[str, nn.Module]:
        """Nets whose evaluation is of another test set lose it (and their replay); they are returned."""
        stale = {}
        for name, result in self.results.items():
            if result.evaluation is None or result.evaluation.total != test_size:
                result.history, result.evaluation = [], None
                stale[name] = result.model
        return stale

    def evaluate_on(self, data: KMNIST) -> None:
        """Evaluate, now, every net whose evaluation is not of ``data``'s test set (as the tab does in the
        background when the data arrives)."""
        stale = self.forget_stale(len(data.test_images))
        for name, evaluation in run_to_end(evaluate_nets(stale, data)).items():
            self.results[name].evaluation = evaluation

    def names(self) -> list[str]:
        """The nets with a result, in the course's order."""
        return [name for name in nets.NETS if name in self.results]

    def select(self, name: str | None, epoch: int | None = None) -> None:
        """Look at net ``name`` after ``epoch`` (``None``: its last)."""
        self.selected_net = name if name in self.results else None
        self.selected_epoch = epoch

    def selected(self) -> NetResult | None:
        return self.results.get(self.selected_net) if self.selected_net else None

    def epoch_of(self, name: str, epoch: int | None = None) -> int:
        """The epoch looked at for net ``name``: ``epoch`` when it is one of its history's, else its last."""
        epochs = len(self.results[name].history)
        return epoch if epoch is not None and 1 <= epoch <= epochs else epochs

    def evaluation_at(self, name: str, epoch: int | None = None) -> Evaluation | None:
        """Net ``name``'s evaluation after ``epoch`` (its last for ``None`` or loaded weights)."""
        result = self.results[name]
        epochs = len(result.history)
        if epoch is not None and 1 <= epoch <= epochs:
            return result.history[epoch - 1].evaluation
        return result.evaluation

    def result_row(self, name: str) -> ResultRow:
        """Net ``name``'s row of the results table."""
        result = self.results[name]
        return ResultRow(
            name=nets.display_name(name),
            parameters=nets.parameter_count(result.model),
            accuracy=result.accuracy,
            balanced_accuracy=self.balanced_accuracy(name),
            test_loss=result.test_loss,
            seconds=result.seconds if result.seconds is not None else result.extra.get("seconds"),
            epochs=len(result.history) if result.history else result.config.epochs,
            source=result.source,
        )

    def balanced_accuracy(self, name: str, epoch: int | None = None) -> float | None:
        """Net ``name``'s balanced accuracy in percent after ``epoch`` (``None``: not evaluated here)."""
        evaluation = self.evaluation_at(name, epoch)
        if evaluation is None:
            return None
        value = balanced_accuracy(evaluation.confusion)
        return None if value != value else 100.0 * value

    # the kept drawings --------------------------------------------------------------------------------
    def load_drawings(self, folder=None) -> OwnDrawings | None:
        """Read the data set's kept drawings (``folder``: the store's, by default in the data folder).

        A damaged store is set aside by :class:`~explorer.core.kuzushiji.own_drawings.OwnDrawings`; its
        message is kept in :attr:`notes`. Earlier evaluations are forgotten.
        """
        from explorer.core.kuzushiji.own_drawings import OwnDrawings, store_key

        described = self.description
        self.drawings, self.drawings_evaluations = None, {}
        if not described.num_classes:
            return None
        try:
            self.drawings = OwnDrawings(store_key(described), described.class_names, folder)
        except (UserError, OSError) as exc:  # the data folder cannot hold the store
            self.notes.append(f"Your kept drawings could not be read ({exc})")
            return None
        self.notes.extend(self.drawings.notes)
        return self.drawings

    def drawings_nets(self) -> dict[str, NetResult]:
        """The trained nets that can read the kept drawings: those of the data set in use (its classes)."""
        names = self.description.class_names
        return {name: self.results[name] for name in self.names() if self.results[name].dataset.class_names == names}

    def evaluate_drawings(self) -> dict[str, DrawingsEvaluation]:
        """Every trained net of the data set reads the kept drawings, now (as "Evaluate every net" does)."""
        from explorer.core.kuzushiji.own_drawings import net_classifier

        found = {}
        if self.drawings is not None and len(self.drawings):
            for name, result in self.drawings_nets().items():
                found[name] = self.drawings.evaluate(net_classifier(result.model), result.accuracy)
        self.drawings_evaluations = found
        return found

    def drawings_rows(self) -> tuple[list[str], list[list]]:
        """The kept drawings' evaluation as numbers: :data:`DRAWINGS_COLUMNS` and a row per net."""
        rows = [[nets.display_name(name), ev.count, ev.accuracy, ev.balanced_accuracy, ev.test_accuracy, ev.gap]
                for name, ev in self.drawings_evaluations.items()]
        return list(DRAWINGS_COLUMNS), rows

    # the runs' curves ----------------------------------------------------------------------------------
    def runs_of(self, name: str) -> list[RunCurve]:
        """The runs of net ``name``."""
        return [run for run in self.runs.values() if run.is_of(name)]

    def curves_who(self) -> tuple[str, str]:
        """Whose curves there are, for a title and a file name (see :func:`curves_owners`)."""
        return curves_owners(self.runs.values())

    def curves_csv(self) -> str:
        """Every run's per-epoch test loss and accuracy: ``epoch, #1 NetLin … test loss, … test accuracy (%)``."""
        columns = {}
        for run in self.runs.values():
            columns[f"{run.label}: test loss"] = (run.epoch_x, run.test_loss)
            columns[f"{run.label}: test accuracy (%)"] = (run.epoch_x, run.accuracy)
            if run.has_balanced():
                columns[f"{run.label}: test balanced accuracy (%)"] = (run.epoch_x, run.balanced)
        return curves_to_csv(columns, x_name="epoch")
