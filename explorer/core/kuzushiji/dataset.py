"""The KMNIST data: read from a folder the user has, store once, load at start.

A folder may hold the four IDX files (gzipped or not, as published) or the four
official ``.npz`` files. IDX parsing is torchvision's (numpy where torchvision is absent; see formats.py). Any number of
images is accepted (60,000 / 10,000 for the real data) as long as every image
is 28×28, each images file has as many labels as images, and labels are 0..9.
"""

from __future__ import annotations

import logging
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from explorer.core import paths
from explorer.core.atomic import atomic_write
from explorer.core.errors import UserError
from explorer.core.kuzushiji.datasets import KMNIST as KMNIST_SET
from explorer.core.kuzushiji.datasets import ROLES
from explorer.core.kuzushiji.formats import read_idx, read_npy_stream, read_npz

log = logging.getLogger(__name__)

PARTS = ROLES
FILES: dict[str, tuple[str, ...]] = dict(KMNIST_SET.layouts)
"""KMNIST's file names per accepted format, in the order of ``PARTS``."""

SIDE = 28
STORE_NAME = KMNIST_SET.store_name


@dataclass
class KMNIST:
    """The four tensors: images uint8 N×28×28, labels int64 N (0..9)."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    source: str = ""
    """How the data got here, e.g. ``"imported from /home/me/kmnist (npz)"``."""

    @property
    def counts(self) -> tuple[int, int]:
        """Number of (training, test) images."""
        return len(self.train_images), len(self.test_images)

    def describe(self) -> str:
        """One line for a status bar: counts and where the data came from."""
        n_train, n_test = self.counts
        return f"{n_train:,} training / {n_test:,} test images, {self.source}"


def read_folder(path: str | os.PathLike) -> KMNIST:
    """Read and check the four KMNIST files in ``path`` (IDX, IDX .gz or .npz)."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    files, fmt = _find_files(folder)
    arrays = {}
    for part, file in zip(PARTS, files, strict=True):
        arrays[part] = read_npz(file) if fmt == "npz" else read_idx(file)
    _check_split(arrays["train_images"], arrays["train_labels"], files[0], files[1])
    _check_split(arrays["test_images"], arrays["test_labels"], files[2], files[3])
    return KMNIST(
        train_images=torch.as_tensor(arrays["train_images"]),
        train_labels=torch.as_tensor(arrays["train_labels"]).long(),
        test_images=torch.as_tensor(arrays["test_images"]),
        test_labels=torch.as_tensor(arrays["test_labels"]).long(),
        source=f"imported from {folder} ({fmt})",
    )


def _find_files(folder: Path) -> tuple[list[Path], str]:
    """The four files in ``folder`` and their format; each IDX file may be gzipped or not."""
    idx: list[Path | None] = []
    for gz_name, raw_name in zip(FILES["idx.gz"], FILES["idx"], strict=True):
        # exists(), not is_file(): a FIFO or folder by that name is refused by its reader, by name.
        found = [folder / n for n in (gz_name, raw_name) if (folder / n).exists()]
        idx.append(found[0] if found else None)
    npz = [folder / n if (folder / n).exists() else None for n in FILES["npz"]]
    if all(idx):
        gz = all(p.suffix == ".gz" for p in idx)
        return idx, "idx.gz" if gz else "idx"
    if all(npz):
        return npz, "npz"
    have_idx, have_npz = sum(p is not None for p in idx), sum(p is not None for p in npz)
    if have_idx == 0 and have_npz == 0:
        raise UserError(
            f"no KMNIST files in {folder}: need the four IDX files "
            f"({', '.join(FILES['idx.gz'])}, gzipped or not) or the four .npz files "
            f"({', '.join(FILES['npz'])})"
        )
    if have_idx >= have_npz:
        missing = [n for n, p in zip(FILES["idx.gz"], idx, strict=True) if p is None]
        detail = "(gzipped or not)"
    else:
        missing = [n for n, p in zip(FILES["npz"], npz, strict=True) if p is None]
        detail = ""
    raise UserError(f"missing in {folder}: {', '.join(missing)} {detail}".rstrip())


def _check_split(
    images: np.ndarray, labels: np.ndarray, images_file: Path, labels_file: Path
) -> None:
    """Raise a UserError naming the file when images or labels are not usable KMNIST data."""
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
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        raise UserError(
            f"{labels_file.name}: label {int(labels[bad[0]])} at position {int(bad[0])} "
            f"is outside 0..9 ({bad.size} bad labels)"
        )


def store_path() -> Path:
    """Where the imported data is kept in the user data folder."""
    return paths.subdir("datasets") / "kmnist" / STORE_NAME


def store(data: KMNIST) -> Path:
    """Save ``data`` atomically in the user data folder and return the file."""
    target = store_path()
    with atomic_write(target) as out:
        np.savez(
            out,
            train_images=data.train_images.numpy(),
            train_labels=data.train_labels.numpy(),
            test_images=data.test_images.numpy(),
            test_labels=data.test_labels.numpy(),
            source=np.array(data.source),
        )
    return target


def load_stored() -> KMNIST | None:
    """The stored data, or ``None`` when nothing (usable) was stored."""
    target = store_path()
    if not target.is_file():
        return None
    try:
        arrays, source = _read_store(target)
        _check_split(arrays["train_images"], arrays["train_labels"], target, target)
        _check_split(arrays["test_images"], arrays["test_labels"], target, target)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError,
            RuntimeError, UserError) as exc:
        log.warning("ignoring unreadable stored KMNIST data %s: %s", target, exc)
        return None
    return KMNIST(
        train_images=torch.from_numpy(arrays["train_images"]),
        train_labels=torch.from_numpy(arrays["train_labels"]).long(),
        test_images=torch.from_numpy(arrays["test_images"]),
        test_labels=torch.from_numpy(arrays["test_labels"]).long(),
        source=source,
    )


def _read_store(target: Path) -> tuple[dict[str, np.ndarray], str]:
    """The four arrays and the source line of the store, each header checked before allocation."""
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
    if source.dtype.kind != "U" or source.ndim != 0:
        raise UserError(f"{target.name}: its source is not a line of text")
    return arrays, str(source)


def has_data() -> bool:
    """Whether data was stored (a cheap check; ``load_stored`` validates it)."""
    return store_path().is_file()


def import_folder(path: str | os.PathLike) -> KMNIST:
    """Read the files in ``path`` and store them; a bad folder leaves the store as it was."""
    data = read_folder(path)
    store(data)
    return data
