"""The MLP tab's work in the store: the data set, the weights and the activation shown."""

from __future__ import annotations

from explorer.core.errors import UserError
from explorer.core.mlp import weights_io
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights
from explorer.core.work_store import META, WorkStore


def save_work(store: WorkStore, dataset: Dataset2D, weights: MLPWeights, activation: str) -> None:
    """Keep what the tab shows (plain JSON: a few dozen numbers)."""
    store.save({
        "dataset": {"name": dataset.name, "points": dataset.points.tolist(), "targets": dataset.targets.tolist()},
        "weights": weights_io.weights_to_json(weights, activation),
    })


def load_work(store: WorkStore) -> tuple[Dataset2D, MLPWeights, str] | None:
    """What :func:`save_work` kept, or ``None`` (nothing kept, or damaged: then set aside)."""
    work = store.load()
    if not work:
        return None
    try:
        data = work["dataset"]
        dataset = Dataset2D(data["points"], data["targets"], str(data.get("name", "")))
        if len(dataset) < 1:
            raise UserError("the kept data set has no points")
        weights, activation = weights_io.weights_from_json(work["weights"], "kept weights")
    except (UserError, KeyError, TypeError, ValueError) as exc:
        store.set_aside(store.folder / META, exc)
        return None
    return dataset, weights, activation or "sigmoid"
