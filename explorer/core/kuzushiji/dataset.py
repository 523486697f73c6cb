"""The classifier's data: read from a folder the user has, store once, load at start.

A folder may hold KMNIST's four IDX files (gzipped or not, as published) or
its four official ``.npz`` files, or Kuzushiji-49's four ``.npz`` files; which
data set it is comes from the file names (:mod:`.datasets`). IDX parsing is
torchvision's (numpy where torchvision is absent; see formats.py). Any number of
images is accepted (60,000 / 10,000 for the real KMNIST) as long as every image
is 28×28, each images file has as many labels as images, and every label is a
class of the data set. Images stay uint8 (Kuzushiji-49's 232,365 training
images are 182 MB so, four times that as floats).
"""

from __future__ import annotations

import logging
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from explorer.core import paths
from explorer.core.atomic import atomic_write
from explorer.core.errors import UserError
from explorer.core.kuzushiji.datasets import (
    DATASETS,
    ROLES,
    DataSet,
    check_class_names,
    folder_dataset,
)
from explorer.core.kuzushiji.datasets import KMNIST as KMNIST_SET
from explorer.core.kuzushiji.formats import read_idx, read_npy_stream, read_npz

if TYPE_CHECKING:
    import torch

    from explorer.core.kuzushiji.image_folder import ImageFolder

log = logging.getLogger(__name__)

PARTS = ROLES
FILES: dict[str, tuple[str, ...]] = dict(KMNIST_SET.layouts)
"""KMNIST's file names per accepted format, in the order of ``PARTS``."""

SIDE = 28
STORE_NAME = KMNIST_SET.store_name


@dataclass
class ImageData:
    """The four tensors of a data set: images uint8 N×28×28, labels int64 N (0 … classes − 1)."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    source: str = ""
    """How the data got here, e.g. ``"imported from /home/me/kmnist (npz)"``."""
    dataset: DataSet = KMNIST_SET
    """Which data set the images are (its classes, names and checkpoints)."""

    @property
    def counts(self) -> tuple[int, int]:
        """Number of (training, test) images."""
        return len(self.train_images), len(self.test_images)

    def describe(self) -> str:
        """One line for a status bar: counts and where the data came from."""
        n_train, n_test = self.counts
        line = f"{n_train:,} training / {n_test:,} test images, {self.source}"
        return line if self.dataset is KMNIST_SET else f"{self.dataset.title}: {line}"


KMNIST = ImageData
"""The old name of :class:`ImageData`, from when KMNIST was the only data set."""


def read_folder(path: str | os.PathLike, data_set: DataSet | None = None) -> ImageData:
    """Read and check the four files of a data set in ``path`` (KMNIST's IDX, IDX .gz or .npz; K49's .npz).

    Which data set it is comes from the file names; ``data_set`` looks for that one's files only.
    """
    import torch

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    found, files, fmt = _find_files(folder, [data_set] if data_set is not None else list(DATASETS.values()))
    arrays = {}
    for part, file in zip(PARTS, files, strict=True):
        arrays[part] = read_npz(file) if fmt == "npz" else read_idx(file)
    _check_split(arrays["train_images"], arrays["train_labels"], files[0], files[1], found)
    _check_split(arrays["test_images"], arrays["test_labels"], files[2], files[3], found)
    return ImageData(
        train_images=torch.as_tensor(arrays["train_images"]),
        train_labels=torch.as_tensor(arrays["train_labels"]).long(),
        test_images=torch.as_tensor(arrays["test_images"]),
        test_labels=torch.as_tensor(arrays["test_labels"]).long(),
        source=f"imported from {folder} ({fmt})",
        dataset=found,
    )


def _layouts(data_sets: list[DataSet]) -> list[tuple[DataSet, str, tuple[str, ...]]]:
    """The accepted folder layouts: (data set, format, its four names); a raw IDX file may also be gzipped."""
    return [(d, fmt, names) for d in data_sets for fmt, names in d.layouts if fmt != "idx"]


def _find_files(folder: Path, data_sets: list[DataSet]) -> tuple[DataSet, list[Path], str]:
    """The data set whose four files ``folder`` holds, the files and their format."""
    candidates = []
    for data_set, fmt, names in _layouts(data_sets):
        raw = dict(data_set.layouts).get("idx") if fmt == "idx.gz" else None
        present: list[Path | None] = []
        for i, name in enumerate(names):
            # exists(), not is_file(): a FIFO or folder by that name is refused by its reader, by name.
            options = [name] if raw is None else [name, raw[i]]
            there = [folder / n for n in options if (folder / n).exists()]
            present.append(there[0] if there else None)
        if all(present):
            if raw is not None and not all(p.suffix == ".gz" for p in present):
                fmt = "idx"
            return data_set, present, fmt  # type: ignore[return-value]
        candidates.append((sum(p is not None for p in present), data_set, fmt, names, present))
    best = max(candidates, key=lambda c: c[0])  # the first of the most complete, on a tie
    if best[0] == 0:
        wanted = "; or ".join(
            f"{d.title}'s four {'IDX' if fmt == 'idx.gz' else fmt} files ({', '.join(names)}"
            f"{', gzipped or not' if fmt == 'idx.gz' else ''})"
            for d, fmt, names in _layouts(data_sets)
        )
        titles = " or ".join(d.title for d in data_sets)
        raise UserError(f"no {titles} files in {folder}: need {wanted}")
    _, _, fmt, names, present = best
    missing = [n for n, p in zip(names, present, strict=True) if p is None]
    detail = "(gzipped or not)" if fmt == "idx.gz" else ""
    raise UserError(f"missing in {folder}: {', '.join(missing)} {detail}".rstrip())


def _check_split(
    images: np.ndarray, labels: np.ndarray, images_file: Path, labels_file: Path, data_set: DataSet
) -> None:
    """Raise a UserError naming the file when images or labels are not usable data of ``data_set``."""
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        got = "×".join(str(s) for s in images.shape[1:]) or "scalar"
        raise UserError(
            f"{images_file.name}: images are {got}, expected {SIDE}×{SIDE} "
            f"(array shape {tuple(images.shape)})"
        )
    if images.dtype != np.uint8:
        raise UserError(f"{images_file.name}: pixels are {images.dtype}, expected uint8")
    if labels.ndim != 1:
        raise UserError(
            f"{labels_file.name}: labels have shape {tuple(labels.shape)}, expected one row"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise UserError(f"{labels_file.name}: labels are {labels.dtype}, expected integers")
    if len(images) == 0:
        raise UserError(f"{images_file.name}: holds no images")
    if len(images) != len(labels):
        raise UserError(
            f"{images_file.name} has {len(images)} images but {labels_file.name} "
            f"has {len(labels)} labels"
        )
    top = data_set.num_classes - 1
    bad = np.flatnonzero((labels < 0) | (labels > top))
    if bad.size:
        raise UserError(
            f"{labels_file.name}: label {int(labels[bad[0]])} at position {int(bad[0])} "
            f"is outside 0..{top} ({bad.size} bad labels)"
        )


def store_path(data_set: DataSet = KMNIST_SET) -> Path:
    """Where the imported data of ``data_set`` is kept in the user data folder."""
    return paths.subdir("datasets") / data_set.key / data_set.store_name


def store(data: ImageData) -> Path:
    """Save ``data`` atomically in the user data folder (beside other data sets, not over them)."""
    return write_store(store_path(data.dataset), data)


def write_store(target: Path, data: ImageData, **extra: np.ndarray) -> Path:
    """Write ``data``'s four arrays, its source and ``extra`` arrays as one ``.npz``, all or nothing."""
    with atomic_write(target) as out:
        np.savez(
            out,
            train_images=data.train_images.numpy(),
            train_labels=data.train_labels.numpy(),
            test_images=data.test_images.numpy(),
            test_labels=data.test_labels.numpy(),
            source=np.array(data.source),
            **extra,
        )
    return target


def load_stored(data_set: DataSet = KMNIST_SET) -> ImageData | None:
    """The stored data of ``data_set``, or ``None`` when nothing (usable) was stored."""
    import torch

    target = store_path(data_set)
    if not target.is_file():
        return None
    try:
        arrays, source, _ = _read_store(target)
        _check_split(arrays["train_images"], arrays["train_labels"], target, target, data_set)
        _check_split(arrays["test_images"], arrays["test_labels"], target, target, data_set)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError,
            RuntimeError, UserError) as exc:
        what = "KMNIST" if data_set is KMNIST_SET else data_set.title
        log.warning("ignoring unreadable stored %s data %s: %s", what, target, exc)
        return None
    return ImageData(
        train_images=torch.from_numpy(arrays["train_images"]),
        train_labels=torch.from_numpy(arrays["train_labels"]).long(),
        test_images=torch.from_numpy(arrays["test_images"]),
        test_labels=torch.from_numpy(arrays["test_labels"]).long(),
        source=source,
        dataset=data_set,
    )


def _read_store(target: Path, more=None) -> tuple[dict[str, np.ndarray], str, object]:
    """The four arrays, the source line and ``more(archive)`` (``None`` without it) of the store,
    each header checked before allocation; the archive is opened once."""
    with open(target, "rb") as handle:
        if not handle.read(2) == b"PK":
            raise UserError(f"{target.name}: not a .npz archive")
    with zipfile.ZipFile(target) as archive:
        arrays = {}
        for part in PARTS:
            with archive.open(f"{part}.npy") as stream:
                arrays[part] = read_npy_stream(stream, f"{target.name} ({part})")
        with archive.open("source.npy") as stream:
            source = read_npy_stream(stream, f"{target.name} (source)", max_bytes=1 << 20)
        extra = more(archive) if more is not None else None
    if source.dtype.kind != "U" or source.ndim != 0:
        raise UserError(f"{target.name}: its source is not a line of text")
    return arrays, str(source), extra


def has_data(data_set: DataSet = KMNIST_SET) -> bool:
    """Whether data of ``data_set`` was stored (a cheap check; ``load_stored`` validates it)."""
    return store_path(data_set).is_file()


def import_folder(path: str | os.PathLike) -> ImageData:
    """Read the files in ``path`` and store them; a bad folder leaves the store as it was."""
    data = read_folder(path)
    store(data)
    return data


def from_image_folder(folder: ImageFolder) -> ImageData:
    """A folder of class folders as read by ``image_folder.read_image_folder``, as the classifier's data.

    Its description is :func:`~explorer.core.kuzushiji.datasets.folder_dataset` of the folders' names; a
    name that could not be kept with a trained net (not plain text), or a split with no training or no
    test picture, is refused naming the folder.
    """
    import torch

    where = folder.source.removeprefix("imported from ").removesuffix(f" ({folder.preparation})") or "the folder"
    names = check_class_names(list(folder.class_names), f"{where}: its class folders")
    for part, images in (("training", folder.train_images), ("test", folder.test_images)):
        if len(images) == 0:
            raise UserError(f"{where}: too few pictures for a {part} set (a class needs two pictures or more)")
    return ImageData(
        train_images=torch.from_numpy(np.ascontiguousarray(folder.train_images, dtype=np.uint8)),
        train_labels=torch.from_numpy(np.ascontiguousarray(folder.train_labels)).long(),
        test_images=torch.from_numpy(np.ascontiguousarray(folder.test_images, dtype=np.uint8)),
        test_labels=torch.from_numpy(np.ascontiguousarray(folder.test_labels)).long(),
        source=folder.source,
        dataset=folder_dataset(names),
    )
