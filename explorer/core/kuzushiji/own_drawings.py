"""A class's own drawings, kept as a test set of their own.

On the Draw page a drawing can be kept as an example of a chosen class. The kept drawings of a data
set live in ``<data>/drawings/<key>/drawings.npz`` (written atomically, at once or -- with
:attr:`OwnDrawings.writes` set -- later, in order, by the window's store writer): each drawing's 28×28 input
(uint8, white on black, as the nets saw it), its class, and where available the original picture
(the canvas or an opened image, grey uint8) and the strokes (x, y, stroke number). They can be
listed, deleted, relabelled, loaded as arrays, exported in the ImageFolder layout (which
:func:`~explorer.core.kuzushiji.image_folder.read_image_folder` reads back, so a teacher can merge
a class's drawings and import them) and used to evaluate any trained net: accuracy, balanced
accuracy, confusion matrix, and the gap to the data set's own test accuracy.

The store is input from a stranger: it is read with the bounded ``.npy`` reader (no pickles,
sizes checked before allocation), every array is checked by type, shape and range, and a store
that fails any check is renamed aside to ``drawings.npz.damaged`` with a message in
:attr:`OwnDrawings.notes`; the app then starts with no drawings, and nothing else is touched.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from explorer.core import paths
from explorer.core.atomic import atomic_write, reason
from explorer.core.errors import UserError
from explorer.core.kuzushiji import metrics
from explorer.core.kuzushiji.datasets import DATASETS, DataSet
from explorer.core.kuzushiji.formats import read_npy_stream
from explorer.core.kuzushiji.image_folder import write_image_folder
from explorer.core.kuzushiji.inputs import normalise

if TYPE_CHECKING:
    from torch import nn

log = logging.getLogger(__name__)

SIDE = 28
STORE_NAME = "drawings.npz"
MAX_DRAWINGS = 10_000
"""Most drawings one store keeps (a class of 30 pupils × 49 characters × a few each fits)."""
MAX_ORIGINAL_SIDE = 4096
MAX_ORIGINAL_PIXELS = 4_000_000
MAX_STROKE_POINTS = 200_000
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_PART = re.compile(r"(original|strokes)_(\d{1,9})\.npy")


def store_key(data_set: DataSet) -> str:
    """The name of ``data_set``'s store of kept drawings: its key, and for a folder of images (whose classes
    are its folders') a fingerprint of the class names too, so each folder's drawings are kept apart."""
    if data_set.key in DATASETS and DATASETS[data_set.key] == data_set:
        return data_set.key
    fingerprint = hashlib.sha256("\n".join(data_set.class_names).encode()).hexdigest()[:12]
    plain = re.sub(r"[^a-z0-9_-]", "", data_set.key.lower())[:40] or "data"
    return f"{plain}-{fingerprint}"


@dataclass(frozen=True)
class Drawing:
    """One kept drawing."""

    id: int
    """Stable number, never reused in a store."""
    label: int
    image: np.ndarray
    """28×28 uint8, white ink on black: what the nets read."""
    original: np.ndarray | None = None
    """The picture it was made from (the canvas, an opened image), grey uint8 H×W, if kept."""
    strokes: np.ndarray | None = None
    """M×3 float32 (x, y, stroke number) in the canvas's pixels, if drawn on the canvas."""


@dataclass
class DrawingsEvaluation:
    """How a classifier reads the kept drawings."""

    count: int
    accuracy: float
    """Percent correct (``nan`` with no drawings)."""
    balanced_accuracy: float
    """Percent: the mean of the per-class accuracies over the classes that have drawings."""
    confusion: np.ndarray
    """classes×classes counts, rows true class, columns predicted."""
    predictions: np.ndarray
    labels: np.ndarray
    test_accuracy: float | None = None
    """The net's accuracy on the data set's test images (percent), if given."""

    @property
    def gap(self) -> float | None:
        """Points the drawings are read worse than the test images (negative: worse), if known."""
        if self.test_accuracy is None or self.count == 0:
            return None
        return self.accuracy - self.test_accuracy

    def describe(self) -> str:
        """One line, e.g. ``"12 drawings: 75.0 % (balanced 70.8 %), 18.6 points below the test images"``."""
        if self.count == 0:
            return "no drawings kept yet"
        line = f"{self.count} drawings: {self.accuracy:.1f} % (balanced {self.balanced_accuracy:.1f} %)"
        gap = self.gap
        if gap is not None:
            line += f", {abs(gap):.1f} points {'below' if gap < 0 else 'above'} the test images"
        return line


class OwnDrawings:
    """The kept drawings of one data set (``key``, ``class_names``), read from its store on creation."""

    def __init__(self, key: str, class_names: tuple[str, ...] | list[str], folder: str | os.PathLike | None = None):
        if not _KEY.fullmatch(key):
            raise ValueError(f"a store key is a short plain name, not {key!r}")
        self.key = key
        self.class_names = tuple(str(n) for n in class_names)
        self.folder = Path(folder) if folder is not None else paths.subdir("drawings") / key
        self.path = self.folder / STORE_NAME
        self.notes: list[str] = []
        """Messages about a damaged store set aside (one line each)."""
        self.writes: Callable[[Callable[[], None]], None] | None = None
        """Where each change's write goes. ``None``: written at once (a failure raises, nothing changes).
        Else a function handed the write (no arguments; raises :class:`UserError`) that runs it later, in the
        order given (the window's store writer, off its thread); the change is in :meth:`drawings` at once."""
        self._drawings: list[Drawing] = []
        self._next_id = 1
        self._load()
        self._written = self._drawings  # what the file holds (the same list object while nothing waits)
        self.changes = 0
        """Changes made (in memory); :attr:`changes_written` of them are in the file."""
        self.changes_written = 0

    @classmethod
    def of(cls, data_set: DataSet) -> OwnDrawings:
        """The store of a :class:`~explorer.core.kuzushiji.datasets.DataSet` (:func:`store_key`)."""
        return cls(store_key(data_set), data_set.class_names)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def __len__(self) -> int:
        return len(self._drawings)

    def drawings(self) -> list[Drawing]:
        """Every kept drawing, oldest first."""
        return list(self._drawings)

    def get(self, drawing_id: int) -> Drawing:
        for drawing in self._drawings:
            if drawing.id == drawing_id:
                return drawing
        raise UserError(f"no kept drawing number {drawing_id}")

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Images N×28×28 uint8 and labels N int64, oldest first."""
        if not self._drawings:
            return np.zeros((0, SIDE, SIDE), np.uint8), np.zeros(0, np.int64)
        return (np.stack([d.image for d in self._drawings]), np.array([d.label for d in self._drawings], np.int64))

    def counts(self) -> np.ndarray:
        """Drawings per class."""
        return metrics.class_counts(self.arrays()[1], self.num_classes)

    # -- changes: each is written at once, atomically --------------------------------------------

    def add(self, image: np.ndarray, label: int, *, original: np.ndarray | None = None,
            strokes: np.ndarray | None = None) -> Drawing:
        """Keep a drawing (its 28×28 input as uint8 or float in [0, 1]) as an example of class ``label``."""
        if len(self._drawings) >= MAX_DRAWINGS:
            raise UserError(f"{MAX_DRAWINGS:,} drawings are kept already, the most one set holds; "
                            "export and delete some first")
        drawing = Drawing(
            id=self._next_id,
            label=self._check_label(label),
            image=_as_image28(image),
            original=None if original is None else _check_original(_as_uint8(original), "the original picture"),
            strokes=None if strokes is None else _check_strokes(np.asarray(strokes, np.float32), "the strokes"),
        )
        self._save([*self._drawings, drawing])
        self._next_id += 1
        return drawing

    def delete(self, drawing_id: int) -> None:
        self.get(drawing_id)
        self._save([d for d in self._drawings if d.id != drawing_id])

    def relabel(self, drawing_id: int, label: int) -> Drawing:
        old = self.get(drawing_id)
        new = Drawing(old.id, self._check_label(label), old.image, old.original, old.strokes)
        self._save([new if d.id == drawing_id else d for d in self._drawings])
        return new

    def unwritten(self) -> bool:
        """Whether the drawings hold changes their file does not (yet): a write waits, or failed."""
        return self.changes != self.changes_written

    def revert_to_written(self) -> None:
        """Hold the drawings as the file holds them (after a write failed, with none waiting)."""
        self._drawings = self._written
        self.changes_written = self.changes

    def export(self, folder: str | os.PathLike) -> list[Path]:
        """Write the drawings as PNGs in the ImageFolder layout (``folder/<class name>/drawing-<n>.png``)."""
        images, labels = self.arrays()
        if not len(images):
            raise UserError("there are no kept drawings to export")
        return write_image_folder(folder, images, labels, self.class_names)

    def evaluate(self, classify: Callable[[np.ndarray], np.ndarray], test_accuracy: float | None = None
                 ) -> DrawingsEvaluation:
        """Read every drawing with ``classify`` (N×28×28 uint8 → N labels or N×classes scores)."""
        images, labels = self.arrays()
        n = self.num_classes
        if not len(images):
            return DrawingsEvaluation(0, float("nan"), float("nan"), np.zeros((n, n), np.int64), labels, labels,
                                      test_accuracy)
        out = np.asarray(classify(images))
        predictions = out.argmax(axis=1) if out.ndim == 2 else out.astype(np.int64)
        if predictions.shape != labels.shape or predictions.min() < 0 or predictions.max() >= n:
            raise UserError(f"the classifier's answers do not fit the {n} classes of these drawings")
        confusion = np.bincount(labels * n + predictions, minlength=n * n).reshape(n, n)
        return DrawingsEvaluation(
            count=len(labels),
            accuracy=100.0 * float(np.trace(confusion)) / len(labels),
            balanced_accuracy=100.0 * metrics.balanced_accuracy(confusion),
            confusion=confusion,
            predictions=predictions.astype(np.int64),
            labels=labels,
            test_accuracy=test_accuracy,
        )

    # -- the store ------------------------------------------------------------------------------

    def _check_label(self, label: int) -> int:
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < self.num_classes:
            raise UserError(f"class {label!r} is not one of the {self.num_classes} classes")
        return int(label)

    def _save(self, drawings: list[Drawing]) -> None:
        next_id = max(self._next_id, max((d.id for d in drawings), default=0) + 1)
        if self.writes is None:
            self._write(drawings, next_id, self.changes + 1)
            self._drawings, self.changes = drawings, self.changes + 1
            return
        self._drawings, self.changes = drawings, self.changes + 1
        self.writes(functools.partial(self._write, drawings, next_id, self.changes))

    def _write(self, drawings: list[Drawing], next_id: int, change: int) -> None:
        """Write ``drawings`` (change number ``change``) as the store file, atomically; on any thread."""
        if self.writes is not None and change < self.changes:
            return  # a later change's write is queued behind this one, and it writes every drawing (~0.8 s saved)
        arrays: dict[str, np.ndarray] = {
            "images": np.stack([d.image for d in drawings]) if drawings else np.zeros((0, SIDE, SIDE), np.uint8),
            "labels": np.array([d.label for d in drawings], np.int64),
            "ids": np.array([d.id for d in drawings], np.int64),
            "class_names": np.array(self.class_names, dtype=str),
            "next_id": np.array(next_id, np.int64),
        }
        for d in drawings:
            if d.original is not None:
                arrays[f"original_{d.id}"] = d.original
            if d.strokes is not None:
                arrays[f"strokes_{d.id}"] = d.strokes
        try:
            with atomic_write(self.path) as out:
                np.savez_compressed(out, **arrays)
        except OSError as exc:  # atomic_write says why in words; an OSError before it (the folder) is said here
            raise UserError(f"could not write {self.path}: {reason(exc)}") from exc
        self._written, self.changes_written = drawings, change

    def _load(self) -> None:
        if not os.path.lexists(self.path):
            return
        try:
            drawings, next_id = _read_store(self.path, self.class_names)
        except (UserError, OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error,
                NotImplementedError, RuntimeError) as exc:
            self._set_aside(exc)
            return
        self._drawings, self._next_id = drawings, next_id

    def _set_aside(self, exc: BaseException) -> None:
        reason = str(exc) or type(exc).__name__
        where = "it was left where it is"
        if self.path.is_file() and not self.path.is_symlink():
            for n in range(1, 100):
                aside = self.path.with_name(f"{STORE_NAME}.damaged" if n == 1 else f"{STORE_NAME}.{n}.damaged")
                if not os.path.lexists(aside):
                    break
            try:
                os.replace(self.path, aside)
                where = f"it was renamed to {aside.name}"
            except OSError as move_error:
                where = f"it could not be moved aside ({move_error.strerror or move_error})"
        message = f"Your kept drawings ({self.path}) could not be read ({reason}); {where}"
        log.warning(message)
        self.notes.append(message)


def _as_uint8(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.dtype == np.uint8:
        return array
    if array.dtype.kind not in "fiub":
        raise UserError(f"a picture of numbers is needed, not {array.dtype}")
    values = array.astype(np.float64)
    if not np.isfinite(values).all():
        raise UserError("the picture holds values that are not numbers")
    return (np.clip(values, 0.0, 1.0) * 255).round().astype(np.uint8)


def _as_image28(image: np.ndarray) -> np.ndarray:
    array = _as_uint8(image)
    if array.shape != (SIDE, SIDE):
        raise UserError(f"a drawing's input is {SIDE}×{SIDE}, not {array.shape}")
    return np.ascontiguousarray(array)


def _check_original(array: np.ndarray, what: str) -> np.ndarray:
    if array.dtype != np.uint8 or array.ndim != 2 or 0 in array.shape:
        raise UserError(f"{what} is not a grey picture ({array.dtype}, shape {array.shape})")
    if max(array.shape) > MAX_ORIGINAL_SIDE or array.size > MAX_ORIGINAL_PIXELS:
        raise UserError(f"{what} is {array.shape[1]}×{array.shape[0]} pixels, larger than the app keeps")
    return np.ascontiguousarray(array)


def _check_strokes(array: np.ndarray, what: str) -> np.ndarray:
    if array.ndim != 2 or array.shape[1] != 3 or array.dtype != np.float32:
        raise UserError(f"{what} are not (x, y, stroke) points (shape {array.shape}, {array.dtype})")
    if len(array) > MAX_STROKE_POINTS:
        raise UserError(f"{what} have {len(array):,} points, more than the {MAX_STROKE_POINTS:,} kept")
    if not np.isfinite(array).all():
        raise UserError(f"{what} hold values that are not numbers")
    return np.ascontiguousarray(array)


def _read_store(path: Path, class_names: tuple[str, ...]) -> tuple[list[Drawing], int]:
    """Every drawing in the store at ``path``, each array checked, and the next drawing's number."""
    if path.is_symlink() or not path.is_file():
        raise UserError("not a regular file")
    with open(path, "rb") as handle:
        if handle.read(2) != b"PK":
            raise UserError("not a .npz archive")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if len(names) > 2 * MAX_DRAWINGS + 4:
            raise UserError(f"it holds {len(names):,} parts, more than a store of {MAX_DRAWINGS:,} drawings")

        def read(name: str, max_bytes: int) -> np.ndarray:
            with archive.open(name) as stream:
                return read_npy_stream(stream, name, max_bytes=max_bytes)

        images = read("images.npy", MAX_DRAWINGS * SIDE * SIDE)
        labels = read("labels.npy", MAX_DRAWINGS * 8)
        ids = read("ids.npy", MAX_DRAWINGS * 8)
        stored_names = read("class_names.npy", 1 << 20)
        next_id = read("next_id.npy", 8)
        n = len(images)
        if images.dtype != np.uint8 or images.shape != (n, SIDE, SIDE):
            raise UserError(f"its images are not {SIDE}×{SIDE} grey bytes ({images.dtype}, {images.shape})")
        for what, values in (("labels", labels), ("numbers", ids)):
            if values.dtype.kind not in "iu" or values.shape != (n,):
                raise UserError(f"its {what} do not match its {n} images ({values.dtype}, {values.shape})")
        if stored_names.dtype.kind != "U" or stored_names.ndim != 1:
            raise UserError("its class names are not text")
        if tuple(str(s) for s in stored_names) != tuple(class_names):
            raise UserError(f"it was kept for other classes ({', '.join(str(s) for s in stored_names[:5])}…)")
        if n and (labels.min() < 0 or labels.max() >= len(class_names)):
            raise UserError(f"a label is outside 0..{len(class_names) - 1}")
        if n and (ids.min() < 1 or ids.max() > 10**9 or len(np.unique(ids)) != n):
            raise UserError("its drawing numbers are not distinct positive numbers")
        if next_id.dtype.kind not in "iu" or next_id.shape != () or not int(ids.max(initial=0)) < next_id <= 10**9 + 1:
            raise UserError("its next drawing number is not a number after every drawing's")
        extras: dict[tuple[str, int], np.ndarray] = {}
        known = set(int(i) for i in ids)
        for name in names:
            if name in ("images.npy", "labels.npy", "ids.npy", "class_names.npy", "next_id.npy"):
                continue
            found = _PART.fullmatch(name)
            if not found or int(found.group(2)) not in known:
                raise UserError(f"it holds a part {name!r} that belongs to no drawing")
            kind, number = found.group(1), int(found.group(2))
            if kind == "original":
                array = _check_original(read(name, MAX_ORIGINAL_PIXELS), f"the original of drawing {number}")
            else:
                array = _check_strokes(read(name, MAX_STROKE_POINTS * 12), f"the strokes of drawing {number}")
            extras[kind, number] = array
    drawings = [
        Drawing(int(i), int(label), np.ascontiguousarray(image), extras.get(("original", int(i))),
                extras.get(("strokes", int(i))))
        for i, label, image in zip(ids, labels, images, strict=True)
    ]
    return drawings, int(next_id)


def net_classifier(model: nn.Module, batch: int = 250) -> Callable[[np.ndarray], np.ndarray]:
    """A classify function for :meth:`OwnDrawings.evaluate`: ``model``'s predicted class of each image."""
    import torch


    def classify(images: np.ndarray) -> np.ndarray:
        param = next(model.parameters(), None)
        where = param.device if param is not None else torch.device("cpu")
        was_training = model.training
        model.eval()
        answers = []
        try:
            with torch.inference_mode():
                for lo in range(0, len(images), batch):
                    x = normalise(torch.from_numpy(np.ascontiguousarray(images[lo : lo + batch]))).to(where)
                    answers.append(model(x).argmax(dim=1).cpu())
        finally:
            model.train(was_training)
        return torch.cat(answers).numpy() if answers else np.zeros(0, np.int64)

    return classify
