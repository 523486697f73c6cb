"""The MLP tab's work in the store: the data set, the weights and the activation shown.

A small data set goes into the JSON metadata as lists; a large one (over
:data:`INLINE_POINTS` points) into ``dataset.npz`` beside it: the JSON encoder
took 18 s for a million points, on every point edit.

The last training run is kept too (``run``): its curves' rows (epoch, loss,
accuracy; thinned to :data:`~explorer.core.kept_curves.MAX_ROWS`), the
weights it gave and its weight timeline (at most
:data:`~explorer.core.mlp.timeline.DEFAULT_LIMIT` snapshots), so after a restart the curves are back and still known to
belong to the net shown only while it is that run's net. Since issue 18 the run
also keeps the configuration it actually used (``run.config``: hidden units,
initial weight size, learning rate, seed…) and how it ended (``run.outcome``);
a run kept before has neither, and loads with ``None`` for them.
"""

from __future__ import annotations

from explorer.core.checkpoints import kind_of
from explorer.core.errors import UserError
from explorer.core.kept_curves import checked_rows, thinned
from explorer.core.mlp import weights_io
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights
from explorer.core.mlp.timeline import DEFAULT_LIMIT, WeightSnapshot
from explorer.core.mlp.training import TrainConfig
from explorer.core.work_store import META, WorkStore

INLINE_POINTS = 1_000
ARRAYS = "dataset"


#: The last run: its (epoch, loss, accuracy) rows, the weights it gave and its timeline's snapshots.
Run = tuple[list[tuple[int, float, float]], MLPWeights, list[WeightSnapshot]]


#: How a kept run ended.
OUTCOMES = ("finished", "cancelled", "diverged")


def save_work(store: WorkStore, dataset: Dataset2D, weights: MLPWeights, activation: str,
              run: Run | None = None, config: TrainConfig | None = None, outcome: str | None = None) -> None:
    """Keep what the tab shows (plain JSON, and an ``.npz`` of the points when there are many), and the last run.

    ``config`` and ``outcome`` are the run's own settings and ending, kept with it.
    """
    if len(dataset) > INLINE_POINTS:
        kept = {"name": dataset.name, "arrays": store.save_arrays(ARRAYS, points=dataset.points,
                                                                   targets=dataset.targets)}
    else:
        kept = {"name": dataset.name, "points": dataset.points.tolist(), "targets": dataset.targets.tolist()}
    work = {"dataset": kept, "weights": weights_io.weights_to_json(weights, activation)}
    if run is not None and run[0]:
        work["run"] = {"history": thinned(run[0]), "trained": weights_io.weights_to_json(run[1], "sigmoid"),
                       "timeline": [_snapshot_to_json(s) for s in (run[2] if len(run) > 2 else [])][-DEFAULT_LIMIT:]}
        if config is not None:
            work["run"]["config"] = config_to_json(config)
        if outcome is not None:
            work["run"]["outcome"] = outcome
    store.save(work)
    if "arrays" not in kept:
        store.remove(f"{ARRAYS}.npz")  # an older large set no longer named by the metadata


def load_work(store: WorkStore) -> tuple[Dataset2D, MLPWeights, str] | None:
    """What :func:`save_work` kept, or ``None`` (nothing kept, or damaged: then set aside)."""
    work = store.load()
    if not work:
        return None
    try:
        data = work["dataset"]
        if not isinstance(data, dict):
            raise UserError(f"'dataset' should be a table of points and targets, not {kind_of(data)}")
        if "arrays" in data:
            arrays = store.load_arrays(data["arrays"])  # a name that is no plain file name here raises
            if arrays is None:
                raise UserError(f"the kept data set's file {data['arrays']} is missing or damaged")
            data = {**data, **arrays}
        name = data.get("name", "")
        if not isinstance(name, str):
            raise UserError(f"the data set's 'name' should be text, not {kind_of(name)}")
        dataset = Dataset2D(data["points"], data["targets"], name[:200])
        if len(dataset) < 1:
            raise UserError("the kept data set has no points")
        weights, activation = weights_io.weights_from_json(work["weights"], "kept weights")
    except (UserError, KeyError, TypeError, ValueError, OverflowError) as exc:
        store.set_aside(META, exc)
        return None
    return dataset, weights, activation or "sigmoid"


def load_run(store: WorkStore) -> Run | None:
    """The last run :func:`save_work` kept, or ``None``; an ill-typed one sets ``work.json`` aside (named)."""
    work = store.load()
    run = work.get("run")
    if run is None:
        return None
    try:
        if not isinstance(run, dict):
            raise UserError(f"'run' should be a table of history and trained weights, not {kind_of(run)}")
        rows = checked_rows("run.history", run.get("history"), 3)
        for i, (epoch, _loss, accuracy) in enumerate(rows):
            if epoch != int(epoch) or not 0 <= epoch <= 10**9 or not 0 <= accuracy <= 100:
                raise UserError(f"'run.history[{i}]' should be a whole epoch and an accuracy of 0-100 %")
        trained, _ = weights_io.weights_from_json(run.get("trained"), "the kept run's weights")
        snapshots = _snapshots_from_json(run.get("timeline", []))
    except (UserError, KeyError, TypeError, ValueError, OverflowError) as exc:
        store.set_aside(META, exc)
        return None
    return [(int(e), loss, acc) for e, loss, acc in rows], trained, snapshots


def load_run_details(store: WorkStore) -> tuple[TrainConfig | None, str | None] | None:
    """The kept run's configuration and outcome (``None`` each for a run kept before they were);
    an ill-typed one sets ``work.json`` aside (named) and gives ``None``: the run is not used."""
    run = store.load().get("run")
    if not isinstance(run, dict):
        return None, None
    try:
        config = config_from_json(run["config"]) if run.get("config") is not None else None
        outcome = run.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            shown = repr(outcome[:40]) if isinstance(outcome, str) else kind_of(outcome)
            raise UserError(f"'run.outcome' should be one of {', '.join(OUTCOMES)}, not {shown}")
    except (UserError, KeyError, TypeError, ValueError, OverflowError) as exc:
        store.set_aside(META, exc)
        return None
    return config, outcome


#: The configuration's fields kept with a run, and the type each must have.
_CONFIG_FIELDS = {"hidden": int, "init_std": float, "lr": float, "weight_decay": float, "max_epochs": int,
                  "stable_epochs": int, "seed": int, "report_every": int, "eps": float}


def config_to_json(config: TrainConfig) -> dict:
    """A run's :class:`TrainConfig` as plain JSON values."""
    kept = {name: getattr(config, name) for name in _CONFIG_FIELDS}
    kept["betas"] = [float(b) for b in config.betas]
    return kept


def config_from_json(value: object) -> TrainConfig:
    """A kept configuration, each field checked by type and range (:meth:`TrainConfig.validate`)."""
    if not isinstance(value, dict):
        raise UserError(f"'run.config' should be a table of settings, not {kind_of(value)}")
    fields: dict = {}
    for name, kind in _CONFIG_FIELDS.items():
        number = value.get(name)
        whole = isinstance(number, int) and not isinstance(number, bool)
        if not (whole if kind is int else (whole or isinstance(number, float))):
            raise UserError(f"'run.config.{name}' should be {'a whole number' if kind is int else 'a number'}, "
                            f"not {kind_of(number)}")
        fields[name] = kind(number)
    betas = value.get("betas")
    if (not isinstance(betas, list) or len(betas) != 2
            or not all(isinstance(b, int | float) and not isinstance(b, bool) and 0 <= b < 1 for b in betas)):
        raise UserError("'run.config.betas' should be two numbers from 0 to 1")
    config = TrainConfig(**fields, betas=(float(betas[0]), float(betas[1])))
    if not 0 < config.eps < 1:
        raise UserError("'run.config.eps' should be a small positive number")
    return config.validate()


def _number_or_none(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None  # JSON has no NaN


def _snapshot_to_json(snapshot: WeightSnapshot) -> dict:
    return {"epoch": snapshot.epoch, "loss": _number_or_none(float(snapshot.loss)),
            "accuracy": _number_or_none(float(snapshot.accuracy)),
            "weights": weights_io.weights_to_json(snapshot.weights)}


def _snapshots_from_json(value: object) -> list[WeightSnapshot]:
    """The kept timeline, each snapshot checked (a whole epoch, numbers or null, weights as weights)."""
    if not isinstance(value, list):
        raise UserError(f"'run.timeline' should be a list of snapshots, not {kind_of(value)}")
    if len(value) > DEFAULT_LIMIT:
        raise UserError(f"'run.timeline' holds {len(value):,} snapshots, more than the {DEFAULT_LIMIT} a run keeps")
    snapshots: list[WeightSnapshot] = []
    for i, entry in enumerate(value):
        name = f"'run.timeline[{i}]'"
        if not isinstance(entry, dict):
            raise UserError(f"{name} should be a table, not {kind_of(entry)}")
        epoch = entry.get("epoch")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= 10**9:
            raise UserError(f"{name}'s epoch should be a whole number of 0 to 10^9")
        numbers = []
        for key in ("loss", "accuracy"):
            number = entry.get(key)
            if number is None:
                numbers.append(float("nan"))
            elif isinstance(number, bool) or not isinstance(number, int | float) or abs(number) > 1e12:
                raise UserError(f"{name}'s {key} should be a number or null")
            else:
                numbers.append(float(number))
        weights, _ = weights_io.weights_from_json(entry.get("weights"), f"the kept timeline's snapshot {i}")
        if snapshots and epoch <= snapshots[-1].epoch:
            raise UserError(f"{name}'s epoch should come after the one before it")
        snapshots.append(WeightSnapshot(epoch, weights, *numbers))
    return snapshots
