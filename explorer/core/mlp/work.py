"""The MLP tab's work in the store: the data set, the weights and the activation shown.

A small data set goes into the JSON metadata as lists; a large one (over
:data:`INLINE_POINTS` points) into ``dataset.npz`` beside it: the JSON encoder
took 18 s for a million points, on every point edit.
"""

from __future__ import annotations

from explorer.core.checkpoints import kind_of
from explorer.core.errors import UserError
from explorer.core.mlp import weights_io
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights
from explorer.core.work_store import META, WorkStore

INLINE_POINTS = 1_000
ARRAYS = "dataset"


def save_work(store: WorkStore, dataset: Dataset2D, weights: MLPWeights, activation: str) -> None:
    """Keep what the tab shows (plain JSON, and an ``.npz`` of the points when there are many)."""
    if len(dataset) > INLINE_POINTS:
        kept = {"name": dataset.name, "arrays": store.save_arrays(ARRAYS, points=dataset.points,
                                                                   targets=dataset.targets)}
    else:
        kept = {"name": dataset.name, "points": dataset.points.tolist(), "targets": dataset.targets.tolist()}
    store.save({"dataset": kept, "weights": weights_io.weights_to_json(weights, activation)})
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
