"""The Kuzushiji tab's work in the store: each net's epoch history (for the replay) and the runs' curves.

The weights themselves are the nets' latest checkpoints
(:func:`explorer.core.kuzushiji.trained.save`). Beside them the
store keeps, per net, every epoch's numbers in ``work.json`` and its test-set
predictions in ``<net>_epochs.npz``, so the Evaluate page's epoch slider
and the loss curves are back after a restart. A history is attached only to
the weights it was recorded with (same final accuracy and test loss).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from explorer.core.checkpoints import is_number, kind_of
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import KMNIST, DataSet
from explorer.core.kuzushiji.engine import EpochRecord
from explorer.core.kuzushiji.evaluation import Evaluation
from explorer.core.kuzushiji.results import NetResult, load_latest_results
from explorer.core.work_store import META, WorkStore, file_name

log = logging.getLogger(__name__)

#: Curves of at most this many runs are kept (the newest).
MAX_RUNS = 12
#: Most epochs a kept history may have, and most points a kept curve (the app's own stay far below).
MAX_EPOCHS = 10_000
MAX_POINTS = 1_000_000
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
    if not isinstance(work.get("histories"), dict):
        work["histories"] = {}
    work["histories"][name] = {
        "file": target,
        "epochs": [{key: float(getattr(r, key)) for key in _NUMBERS} for r in history],
    }
    store.save(work)


def checked_histories(store: WorkStore, histories: object) -> dict[str, dict[str, Any]]:
    """The kept histories, net name → ``{"file", "epochs"}``, every field checked by type and range.

    Raises :class:`UserError` naming the first field that is wrong.
    """
    if not isinstance(histories, dict):
        raise UserError(f"'histories' should be a table of nets, not {kind_of(histories)}")
    checked = {}
    for name, entry in histories.items():
        where = f"the history of {name[:40]!r}"
        if not isinstance(entry, dict):
            raise UserError(f"{where} should be a table of file and epochs, not {kind_of(entry)}")
        store.path_of(entry.get("file"))  # a plain file name in this store, or WorkNameError
        epochs = entry.get("epochs")
        if not isinstance(epochs, list) or len(epochs) > MAX_EPOCHS:
            raise UserError(f"{where}: 'epochs' should be a list of at most {MAX_EPOCHS} epochs, not {kind_of(epochs)}")
        for i, numbers in enumerate(epochs, 1):
            if not isinstance(numbers, dict):
                raise UserError(f"{where}: epoch {i} should be a table of numbers, not {kind_of(numbers)}")
            for key in _NUMBERS:
                value = numbers.get(key)
                if not is_number(value):
                    missing = "is missing" if key not in numbers else f"should be a finite number, not {kind_of(value)}"
                    raise UserError(f"{where}: epoch {i}'s '{key}' {missing}")
        checked[name] = {"file": entry["file"], "epochs": epochs}
    return checked


def _checked_arrays(arrays: dict[str, np.ndarray], epochs: int, classes: int) -> str | None:
    """What is wrong with a history's arrays for ``epochs`` epochs of ``classes`` classes, or ``None`` if they fit."""
    want = {"labels": 1, "predictions": 2, "probabilities": 3, "confusion": 3}
    for key, dims in want.items():
        if key not in arrays:
            return f"it has no {key}"
        if arrays[key].ndim != dims or arrays[key].dtype.kind not in "iuf":
            return f"its {key} are not a {dims}-d array of numbers"
    for key in ("labels", "predictions"):
        if arrays[key].size and not (0 <= arrays[key].min() and arrays[key].max() < classes):
            return f"its {key} are not class numbers 0 to {classes - 1}"
    n = len(arrays["labels"])
    shapes = {"predictions": (epochs, n), "probabilities": (epochs, n, classes), "confusion": (epochs, classes, classes)}
    for key, shape in shapes.items():
        if arrays[key].shape != shape:
            return f"its {key} have shape {arrays[key].shape}, not {shape}"
    return None


def load_history(store: WorkStore, name: str, accuracy: float | None, test_loss: float | None,
                 histories: dict[str, dict[str, Any]] | None = None, dataset: DataSet = KMNIST) -> list[EpochRecord]:
    """Net ``name``'s kept epochs (of ``dataset``'s classes) if they end with ``accuracy`` and ``test_loss``, else ``[]``.

    ``histories`` is :func:`checked_histories`' answer (read from the store when not given); a
    store whose histories are ill-typed has its metadata set aside and gives ``[]``.
    """
    if histories is None:
        try:
            histories = checked_histories(store, store.load().get("histories", {}))
        except UserError as exc:
            store.set_aside(META, exc)
            return []
    entry = histories.get(name)
    if not entry or not entry["epochs"]:
        return []
    last = entry["epochs"][-1]
    if accuracy is None or last["accuracy"] != accuracy or last["test_loss"] != test_loss:
        return []  # other weights took this net's place (trained on the command line, say)
    arrays = store.load_arrays(entry["file"])
    if arrays is None or len(arrays.get("predictions", ())) != len(entry["epochs"]):
        return []
    wrong = _checked_arrays(arrays, len(entry["epochs"]), dataset.num_classes)
    if wrong:
        store.set_aside(entry["file"], UserError(wrong))
        return []
    labels = arrays["labels"].astype(np.int64)
    records = []
    for i, numbers in enumerate(entry["epochs"]):
        confusion = arrays["confusion"][i]
        with np.errstate(invalid="ignore", divide="ignore"):
            per_class = 100.0 * np.diag(confusion) / confusion.sum(axis=1)
        evaluation = Evaluation(
            accuracy=float(numbers["accuracy"]), correct=int(np.trace(confusion)), total=int(len(labels)),
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
    """The kept runs' curves, oldest first (a run with any field ill-typed is left out, with a warning)."""
    runs = store.load().get("runs", [])
    return [r for r in runs if _run_is_whole(r)] if isinstance(runs, list) else []


def _run_is_whole(run: object) -> bool:
    """Whether ``run`` has a text label and lists of finite numbers of one length per axis pair."""
    if not isinstance(run, dict) or not isinstance(run.get("label"), str) or len(run["label"]) > 200:
        log.warning("ignoring kept curves without a label: %s", kind_of(run))
        return False
    for key in ("batch_x", "batch_loss", "epoch_x", "test_loss", "accuracy"):
        values = run.get(key)
        if (not isinstance(values, list) or len(values) > MAX_POINTS
                or not all(is_number(v) for v in values)):
            log.warning("ignoring the kept curves of %r: %s is not a list of numbers", run["label"][:40], key)
            return False
    return True


def history_key(name: str, dataset: DataSet = KMNIST) -> str:
    """Under which key net ``name``'s epochs on ``dataset`` are kept: KMNIST's under the net's name as
    always, another data set's with its key in front, so one data set's run never replaces another's."""
    return name if dataset.key == KMNIST.key else f"{dataset.key}_{name}"


def restore_results(store: WorkStore, dataset: DataSet = KMNIST) -> dict[str, NetResult]:
    """Each net's last trained weights for ``dataset``, with the epoch history kept for exactly those weights.

    Unreadable stored weights and ill-typed histories are noted in ``store.problems`` (the
    weights stay where they are: the next training replaces them, as on the command line).
    """

    def unreadable(name: str, path: Path, exc: Exception) -> None:
        store.problems.append(f"The last trained {nets.display_name(name)} ({path.name}) could not be read ({exc});"
                              " the next training of it replaces that file")

    results = load_latest_results(unreadable, dataset)
    try:
        histories = checked_histories(store, store.load().get("histories", {}))
    except UserError as exc:
        store.set_aside(META, exc)
        histories = {}
    for name, result in results.items():
        history = load_history(store, history_key(name, result.dataset), result.accuracy, result.test_loss,
                               histories, result.dataset)
        if history:
            result.history, result.evaluation = history, history[-1].evaluation
    return results


#: The Draw page's canvas as kept: one 280×280 grey picture (its strokes drawn into it).
DRAWING = "drawing"
CANVAS_SIDE = 280


def save_drawing(store: WorkStore, grey: np.ndarray | None) -> None:
    """Keep the Draw page's canvas (``None``: an empty canvas, nothing kept) as ``drawing.npz``."""
    work = store.load()
    if grey is None:
        work.pop(DRAWING, None)
        store.save(work)
        store.remove(file_name(DRAWING, ".npz"))
        return
    grey = np.asarray(grey, dtype=np.uint8)
    if grey.shape != (CANVAS_SIDE, CANVAS_SIDE):
        raise UserError(f"the drawing should be {CANVAS_SIDE}×{CANVAS_SIDE} pixels, not {grey.shape}")
    work[DRAWING] = store.save_arrays(DRAWING, canvas=grey)
    store.save(work)


def load_drawing(store: WorkStore) -> np.ndarray | None:
    """The kept canvas (280×280 uint8), or ``None``.

    The name in ``work.json`` goes through :meth:`WorkStore.path_of` (one that is not a plain file
    name there raises :class:`UserError`, touching nothing); a file that is no 280×280 grey
    picture is set aside with the reason.
    """
    name = store.load().get(DRAWING)
    if name is None:
        return None
    path = store.path_of(name)
    arrays = store.load_arrays(path.name)
    if arrays is None:
        return None
    canvas = arrays.get("canvas")
    if canvas is None or canvas.shape != (CANVAS_SIDE, CANVAS_SIDE) or canvas.dtype != np.uint8:
        shape = "no canvas" if canvas is None else f"a {canvas.dtype} array of shape {canvas.shape}"
        store.set_aside(path, UserError(f"the kept drawing should be {CANVAS_SIDE}×{CANVAS_SIDE} grey pixels,"
                                        f" not {shape}"))
        return None
    return canvas
