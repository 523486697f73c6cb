"""The Kuzushiji tab's work in the store: each net's epoch history (for the replay) and the runs' curves.

The weights themselves are the nets' latest checkpoints
(:func:`explorer.core.kuzushiji.evaluation.save_trained`). Beside them the
store keeps, per net, every epoch's numbers in ``work.json`` and its test-set
predictions in ``<net>_epochs.npz``, so the Evaluate page's epoch slider
and the loss curves are back after a restart. A history is attached only to
the weights it was recorded with (same final accuracy and test loss).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from explorer.core.kuzushiji.engine import EpochRecord
from explorer.core.kuzushiji.evaluation import Evaluation
from explorer.core.kuzushiji.results import NetResult, load_latest_results
from explorer.core.work_store import WorkStore

#: Curves of at most this many runs are kept (the newest).
MAX_RUNS = 12
_NUMBERS = ("epoch", "train_loss", "test_loss", "accuracy", "seconds", "images_per_second")


def save_history(store: WorkStore, name: str, history: list[EpochRecord]) -> None:
    """Keep net ``name``'s epochs (numbers in the metadata, predictions as arrays)."""
    evaluations = [r.evaluation for r in history]
    target = store.save_arrays(
        f"{name}_epochs",
        labels=evaluations[-1].labels.astype(np.int64),
        predictions=np.stack([e.predictions for e in evaluations]).astype(np.uint8),
        probabilities=np.stack([e.probabilities for e in evaluations]).astype(np.float16),
        confusion=np.stack([e.confusion for e in evaluations]).astype(np.int64),
    )
    work = store.load()
    work.setdefault("histories", {})[name] = {
        "file": target,
        "epochs": [{key: float(getattr(r, key)) for key in _NUMBERS} for r in history],
    }
    store.save(work)


def load_history(store: WorkStore, name: str, accuracy: float | None, test_loss: float | None) -> list[EpochRecord]:
    """Net ``name``'s kept epochs if they end with ``accuracy`` and ``test_loss``, else ``[]``."""
    entry = store.load().get("histories", {}).get(name)
    if not entry or not entry.get("epochs"):
        return []
    last = entry["epochs"][-1]
    if accuracy is None or last["accuracy"] != accuracy or last["test_loss"] != test_loss:
        return []  # other weights took this net's place (trained on the command line, say)
    arrays = store.load_arrays(entry["file"])
    if arrays is None or len(arrays["predictions"]) != len(entry["epochs"]):
        return []
    labels = arrays["labels"]
    records = []
    for i, numbers in enumerate(entry["epochs"]):
        confusion = arrays["confusion"][i]
        with np.errstate(invalid="ignore", divide="ignore"):
            per_class = 100.0 * np.diag(confusion) / confusion.sum(axis=1)
        evaluation = Evaluation(
            accuracy=numbers["accuracy"], correct=int(np.trace(confusion)), total=int(len(labels)),
            test_loss=numbers["test_loss"], confusion=confusion, per_class_accuracy=per_class,
            predictions=arrays["predictions"][i].astype(np.int64),
            probabilities=arrays["probabilities"][i].astype(np.float32), labels=labels,
        )
        records.append(EpochRecord(
            epoch=int(numbers["epoch"]), train_loss=numbers["train_loss"], test_loss=numbers["test_loss"],
            accuracy=numbers["accuracy"], confusion=confusion, state_dict={}, seconds=numbers["seconds"],
            images_per_second=numbers["images_per_second"], evaluation=evaluation,
        ))
    return records


def save_runs(store: WorkStore, runs: list[dict[str, Any]]) -> None:
    """Keep the newest :data:`MAX_RUNS` runs' curves (plain lists of numbers, with their labels)."""
    work = store.load()
    work["runs"] = runs[-MAX_RUNS:]
    store.save(work)


def load_runs(store: WorkStore) -> list[dict[str, Any]]:
    """The kept runs' curves, oldest first."""
    runs = store.load().get("runs", [])
    return [r for r in runs if isinstance(r, dict) and "label" in r] if isinstance(runs, list) else []


def restore_results(store: WorkStore) -> dict[str, NetResult]:
    """Each net's last trained weights, with the epoch history kept for exactly those weights."""
    results = load_latest_results()
    for name, result in results.items():
        history = load_history(store, name, result.accuracy, result.test_loss)
        if history:
            result.history, result.evaluation = history, history[-1].evaluation
    return results
