"""The MLP tab's work in the store: the data set, the weights and the activation shown.

A small data set goes into the JSON metadata as lists; a large one (over
:data:`INLINE_POINTS` points) into ``dataset.npz`` beside it: the JSON encoder
took 18 s for a million points, on every point edit.

The last training run is kept too (``run``): its curves' rows (epoch, loss,
accuracy; thinned to :data:`~explorer.core.kept_curves.MAX_ROWS`) and the
weights it gave, so after a restart the curves are back and still known to
belong to the net shown only while it is that run's net.
"""

from __future__ import annotations

from explorer.core.checkpoints import kind_of
from explorer.core.errors import UserError
from explorer.core.kept_curves import checked_rows, thinned
from explorer.core.mlp import weights_io
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights
from explorer.core.work_store import META, WorkStore

INLINE_POINTS = 1_000
ARRAYS = "dataset"


#: The last run: its (epoch, loss, accuracy) rows and the weights it gave.
Run = tuple[list[tuple[int, float, float]], MLPWeights]


def save_work(store: WorkStore, dataset: Dataset2D, weights: MLPWeights, activation: str,
              run: Run | None = None) -> None:
    """Keep what the tab shows (plain JSON, and an ``.npz`` of the points when there are many), and the last run."""
    if len(dataset) > INLINE_POINTS:
        kept = {"name": dataset.name, "arrays": store.save_arrays(ARRAYS, points=dataset.points,
                                                                   targets=dataset.targets)}
    else:
        kept = {"name": dataset.name, "points": dataset.points.tolist(), "targets": dataset.targets.tolist()}
    work = {"dataset": kept, "weights": weights_io.weights_to_json(weights, activation)}
    if run is not None and run[0]:
        work["run"] = {"history": thinned(run[0]), "trained": weights_io.weights_to_json(run[1], "sigmoid")}
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
    except (UserError, KeyError, TypeError, ValueError, OverflowError) as exc:
        store.set_aside(META, exc)
        return None
    return [(int(e), loss, acc) for e, loss, acc in rows], trained
