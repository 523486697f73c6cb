"""A folder of pictures sorted into class folders, as a classifier data set.

The usual ImageFolder layout: ``root/<class name>/<picture>`` (pictures may sit deeper inside a class
folder). Class names are the class folders' names, sorted; a class is a folder holding at least one
picture file. PNG, JPEG, BMP and TIFF pictures of any size are read with
:func:`~explorer.core.kuzushiji.preprocess.read_image` (the app's one bounded picture reader), dark ink
on light paper or light on dark, and made 28×28 in one of two ways (:data:`PREPARATIONS`):

- ``"drawing"``: the same preprocessing as a drawing (:func:`~explorer.core.kuzushiji.preprocess.to_kmnist_input`:
  cropped to the ink, strokes brought to KMNIST's width, fitted and centred);
- ``"resize"``: the whole picture shrunk to 28×28 (anti-aliased), as ink on black like a drawing's step 2
  (inverted if its background is light, the paper's level taken off, the darkest ink made white).

Every file is accounted for: a picture is either in the data set or in :attr:`ImageFolder.unreadable`
with its reason (not a picture, damaged, empty, too large, a link leading out of the folder, a named
pipe…). Links are never followed out of the folder, links to folders not at all. The split into
training and test images is seeded and stratified (each class keeps the same share of test images).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from explorer.core.atomic import write_bytes
from explorer.core.errors import UserError
from explorer.core.kuzushiji.datasets import MAX_FOLDER_CLASSES
from explorer.core.kuzushiji.formats import MAX_IMAGES
from explorer.core.kuzushiji.preprocess import (
    SIDE,
    Preprocessed,
    grey_array,
    ink_on_black,
    read_image,
    resize,
    to_kmnist_input,
)
from explorer.core.progress import Progress, ProgressGenerator

PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
"""File name endings read as pictures (any case)."""
PREPARATIONS = ("drawing", "resize")
"""How each picture becomes 28×28: as a drawing is preprocessed, or a plain resize of the whole picture."""
MAX_CLASSES = MAX_FOLDER_CLASSES
"""Most class folders accepted: each class is one output of the nets (the data-set description's limit)."""
MAX_ENTRIES = 4 * MAX_IMAGES
"""Most folder entries looked at, pictures or not, before the folder is refused as too large."""
READ_SIDE = 1024
"""Pictures are decoded at most this large (larger side), which keeps memory and time small."""
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Unreadable:
    """A file left out of the data set and why (``path`` relative to the folder)."""

    path: Path
    reason: str

    def describe(self) -> str:
        return f"{self.path.as_posix()}: {self.reason}"


@dataclass
class ImageFolder:
    """The pictures of a class folder tree, 28×28 uint8 (white ink on black), split into training and test."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    unreadable: list[Unreadable] = field(default_factory=list)
    preparation: str = "drawing"
    source: str = ""

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def counts(self) -> tuple[int, int]:
        """Number of (training, test) images."""
        return len(self.train_images), len(self.test_images)

    def describe(self) -> str:
        """One line for a status bar."""
        n_train, n_test = self.counts
        left_out = f", {len(self.unreadable)} files left out" if self.unreadable else ""
        return f"{self.num_classes} classes, {n_train:,} training / {n_test:,} test images{left_out}, {self.source}"


@dataclass
class _Scan:
    class_names: list[str] = field(default_factory=list)
    pictures: list[tuple[Path, int]] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _scan(root: Path) -> Iterator[Progress | _Scan]:
    """Walk ``root`` once, sorting every entry into a class picture or a left-out file."""
    real_root = root.resolve()
    scan = _Scan()
    seen = 0

    def count() -> Progress | None:
        nonlocal seen
        seen += 1
        if seen > MAX_ENTRIES:
            raise UserError(f"{root}: more than {MAX_ENTRIES:,} files and folders; the app reads at most "
                            f"{MAX_IMAGES:,} pictures")
        return Progress(0, 0, f"looking through {root.name}: {seen:,} files") if seen % 1000 == 0 else None

    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise UserError(f"{root}: cannot be read ({exc.strerror or exc})") from None
    for entry in top:
        if (tick := count()) is not None:
            yield tick
        rel = Path(entry.name)
        if entry.is_symlink():
            where = "outside the folder" if not _inside(Path(entry.path), real_root) else "to a folder"
            scan.unreadable.append(Unreadable(rel, f"a link {where}; links are not followed"))
            continue
        if not entry.is_dir(follow_symlinks=False):
            scan.unreadable.append(Unreadable(rel, "not inside a class folder"))
            continue
        label = len(scan.class_names)
        found = 0
        for dirpath, dirnames, filenames in os.walk(entry.path, followlinks=False, onerror=None):
            dirnames.sort()
            here = Path(dirpath)
            for name in list(dirnames):
                if (here / name).is_symlink():
                    dirnames.remove(name)
                    scan.unreadable.append(
                        Unreadable((here / name).relative_to(root), "a link to a folder; links are not followed")
                    )
            for name in sorted(filenames):
                if (tick := count()) is not None:
                    yield tick
                path = here / name
                rel = path.relative_to(root)
                if path.suffix.lower() not in PICTURE_SUFFIXES:
                    scan.unreadable.append(Unreadable(rel, "not a picture file (PNG, JPEG, BMP or TIFF)"))
                elif path.is_symlink() and not _inside(path, real_root):
                    scan.unreadable.append(Unreadable(rel, "a link outside the folder; links are not followed"))
                else:
                    scan.pictures.append((path, label))
                    found += 1
                    if len(scan.pictures) > MAX_IMAGES:
                        raise UserError(f"{root}: more than {MAX_IMAGES:,} pictures, the most the app reads")
        if found:
            scan.class_names.append(entry.name)
            if len(scan.class_names) > MAX_CLASSES:
                raise UserError(f"{root}: more than {MAX_CLASSES:,} class folders, the most the app reads")
    yield scan


def picture_to_28(grey: np.ndarray, preparation: str, source: str | None = None) -> np.ndarray:
    """One grey picture (float in [0, 1]) as a 28×28 uint8 image, white ink on black."""
    import torch

    if preparation == "drawing":
        array = to_kmnist_input(grey, source=source).array28
    elif preparation == "resize":
        ink, _ = ink_on_black(grey_array(grey), source=source)
        array = resize(torch.from_numpy(np.ascontiguousarray(ink, dtype=np.float32))[None], [SIDE, SIDE])[0].numpy()
    else:
        raise UserError(f"unknown preparation {preparation!r}; choose one of {', '.join(PREPARATIONS)}")
    return (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)


def net_input(picture: np.ndarray, preparation: str, source: str | None = None) -> Preprocessed:
    """A picture (a drawing, an opened file) as a net's input, prepared as the net's training pictures were:
    as a drawing (:func:`~explorer.core.kuzushiji.preprocess.to_kmnist_input`, every step kept), or, for a
    folder net trained on ``"resize"`` pictures, the whole picture shrunk to 28×28 (:func:`picture_to_28`)."""
    if preparation == "drawing":
        return to_kmnist_input(picture, source=source)
    import torch

    grey = grey_array(picture)
    array28 = picture_to_28(grey, preparation, source=source).astype(np.float32) / 255.0
    _, inverted = ink_on_black(grey, source=source)
    tensor = ((torch.from_numpy(array28) - 0.5) / 0.5).reshape(1, 1, *array28.shape)
    return Preprocessed(array28=array28, tensor=tensor, inverted=inverted)


def _reason(exc: UserError, path: Path) -> str:
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of (training, test) items: per class a seeded shuffle, ``test_fraction`` of it for test.

    A class of two or more items gives at least one to each side; a single item goes to training.
    """
    rng = np.random.default_rng(seed)
    train: list[np.ndarray] = []
    test: list[np.ndarray] = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = int(round(test_fraction * len(members)))
        if len(members) >= 2:
            n_test = min(max(n_test, 1), len(members) - 1)
        else:
            n_test = 0
        test.append(members[:n_test])
        train.append(members[n_test:])
    join = lambda parts: np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)  # noqa: E731
    return join(train), join(test)


def read_image_folder(
    root: str | os.PathLike,
    *,
    preparation: str = "drawing",
    test_fraction: float = TEST_FRACTION,
    seed: int = 0,
) -> ProgressGenerator[ImageFolder]:
    """Read a class folder tree as a data set, yielding :class:`Progress` per picture (cancel at any yield).

    Raises :class:`UserError` when ``root`` is not a folder, has fewer than two classes with pictures,
    more than :data:`MAX_IMAGES` pictures or :data:`MAX_CLASSES` classes, or no picture could be read.
    """
    if preparation not in PREPARATIONS:
        raise UserError(f"unknown preparation {preparation!r}; choose one of {', '.join(PREPARATIONS)}")
    if not 0.0 < test_fraction < 1.0:
        raise UserError(f"the test share must be between 0 and 1, not {test_fraction}")
    root = Path(root).expanduser()
    if not root.is_dir():
        raise UserError(f"{root}: {'no such folder' if not root.exists() else 'not a folder'}")
    scan: _Scan | None = None
    for item in _scan(root):
        if isinstance(item, _Scan):
            scan = item
        else:
            yield item
    assert scan is not None
    if len(scan.class_names) < 2:
        raise UserError(
            f"{root}: a data set needs at least two class folders with pictures (PNG, JPEG, BMP or TIFF) in them; "
            f"found {len(scan.class_names)}"
        )
    total = len(scan.pictures)
    images = np.empty((total, SIDE, SIDE), np.uint8)
    labels = np.empty(total, np.int64)
    unreadable = list(scan.unreadable)
    kept = 0
    for done, (path, label) in enumerate(scan.pictures):
        yield Progress(done, total, f"reading pictures {done + 1:,}/{total:,}")
        try:
            grey = read_image(path, READ_SIDE)
            images[kept] = picture_to_28(grey, preparation, source=path.name)
        except UserError as exc:
            unreadable.append(Unreadable(path.relative_to(root), _reason(exc, path)))
            continue
        labels[kept] = label
        kept += 1
    yield Progress(total, total, f"read {kept:,} pictures of {len(scan.class_names)} classes", keep=True)
    if kept == 0:
        raise UserError(f"{root}: none of the {total:,} pictures could be read (the first: "
                        f"{unreadable[len(scan.unreadable)].describe()})")
    images, labels = images[:kept], labels[:kept]
    train, test = split(labels, test_fraction, seed)
    unreadable.sort(key=lambda u: u.path.as_posix())
    return ImageFolder(
        train_images=images[train],
        train_labels=labels[train],
        test_images=images[test],
        test_labels=labels[test],
        class_names=tuple(scan.class_names),
        unreadable=unreadable,
        preparation=preparation,
        source=f"imported from {root} ({preparation})",
    )


def folder_name(class_name: str) -> str:
    """``class_name`` as a safe folder name: no separators, control characters, leading dots or empty names."""
    name = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in class_name).strip().lstrip(".")
    return name[:100] or "_"


def write_image_folder(
    folder: str | os.PathLike, images: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...] | list[str],
    prefix: str = "drawing",
) -> list[Path]:
    """Write 28×28 uint8 images as PNGs in the ImageFolder layout (``folder/<class>/<prefix>-<n>.png``).

    Readable back by :func:`read_image_folder`. Files already there are kept: new names take the next
    free number, so several exports can be merged into one folder. Every file is written atomically.
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or images.dtype != np.uint8:
        raise ValueError(f"expected N×{SIDE}×{SIDE} uint8 images, got {images.shape} {images.dtype}")
    if len(labels) != len(images):
        raise ValueError("as many labels as images are needed")
    names = [folder_name(n) for n in class_names]
    if len(set(names)) != len(names):
        raise UserError("two classes would share one folder name; rename one of them first")
    root = Path(folder).expanduser()
    written: list[Path] = []
    number = 0
    prefix = folder_name(prefix)
    for image, label in zip(images, labels, strict=True):
        target_dir = root / names[int(label)]
        while True:
            number += 1
            target = target_dir / f"{prefix}-{number:05d}.png"
            if not os.path.lexists(target):
                break
        buffer = _png_bytes(image)
        written.append(write_bytes(target, buffer))
    return written


def _png_bytes(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(out, "PNG")
    return out.getvalue()
