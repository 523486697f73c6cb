"""A folder of images as the classifier's data set: its description, import and store.

:func:`~explorer.core.kuzushiji.image_folder.read_image_folder` reads the class folders; here the result
becomes an :class:`~explorer.core.kuzushiji.dataset.ImageData` whose description
(:func:`folder_dataset`) names its classes after the folders, and is kept in the data folder
(``datasets/folder/folder.npz``, with the class names, the preparation and the files left out), so
the data set is back after a restart. Nets trained on it have checkpoints of their own
(``kuzushiji_folder_<net>.pt``).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer.core.errors import UserError
from explorer.core.kuzushiji.dataset import (
    ImageData,
    _check_split,
    _read_store,
    from_image_folder,
    store_path,
    write_store,
)
from explorer.core.kuzushiji.datasets import (  # noqa: F401 (re-exported)
    FOLDER_KEY,
    FOLDER_TITLE,
    check_class_names,
    folder_dataset,
)
from explorer.core.kuzushiji.formats import read_npy_stream
from explorer.core.kuzushiji.image_folder import PREPARATIONS, read_image_folder
from explorer.core.progress import ProgressGenerator

MAX_LEFT_OUT = 100_000
"""Most lines of files left out that are kept with the data."""


EMPTY = folder_dataset(())
"""A folder data set before any folder was imported (for its store's path)."""


@dataclass
class FolderData:
    """An imported folder: the images (with their description) and the files that could not be read."""

    data: ImageData
    unreadable: list[str] = field(default_factory=list)
    """One line per file left out: ``"circle/bad.png: not a picture …"``."""
    preparation: str = "drawing"


def folder_path() -> Path:
    """Where the imported folder data set is kept."""
    return store_path(EMPTY)


def import_image_folder(
    root: str | os.PathLike, preparation: str = "drawing", seed: int = 0
) -> ProgressGenerator[FolderData]:
    """Read the class folders in ``root`` (progress per picture, cancel at any yield), then store them."""
    folder = yield from read_image_folder(root, preparation=preparation, seed=seed)
    data = from_image_folder(folder)  # names a checkpoint can keep, a training and a test set
    result = FolderData(data, [u.describe() for u in folder.unreadable], folder.preparation)
    store_folder(result)
    return result


def store_folder(folder: FolderData) -> Path:
    """Keep ``folder`` in the data folder (atomically, replacing the folder imported before)."""
    return write_store(
        folder_path(),
        folder.data,
        class_names=np.array(folder.data.dataset.class_names, dtype=str),
        preparation=np.array(folder.preparation),
        unreadable=np.array(folder.unreadable[:MAX_LEFT_OUT], dtype=str).reshape(-1),
    )


def _text(archive: zipfile.ZipFile, name: str, label: str, ndim: int) -> np.ndarray:
    with archive.open(f"{name}.npy") as stream:
        array = read_npy_stream(stream, f"{label} ({name})", max_bytes=64 << 20)
    if array.dtype.kind != "U" or array.ndim != ndim:
        raise UserError(f"{label}: its {name} is not {'a line of text' if ndim == 0 else 'a list of text'}")
    return array


def _class_names(archive: zipfile.ZipFile, label: str) -> tuple[str, ...]:
    names = [str(n) for n in _text(archive, "class_names", label, 1)]
    return check_class_names(names, f"{label}: its class names")  # short, distinct, plain names; 2 to 1000


def stored_class_names() -> tuple[str, ...] | None:
    """The class names of the stored folder data set (a cheap read), ``None`` when there is none usable."""
    target = folder_path()
    if not target.is_file():
        return None
    try:
        with zipfile.ZipFile(target) as archive:
            return _class_names(archive, target.name)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, UserError):
        return None


def stored_preparation(class_names: tuple[str, ...]) -> str | None:
    """How the stored folder's pictures were prepared (a cheap read), if its classes are ``class_names``.

    ``None`` when there is no usable stored folder, or it is of other classes (imported since).
    """
    target = folder_path()
    if not target.is_file():
        return None
    try:
        with zipfile.ZipFile(target) as archive:
            if _class_names(archive, target.name) != tuple(class_names):
                return None
            preparation = str(_text(archive, "preparation", target.name, 0))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, UserError):
        return None
    return preparation if preparation in PREPARATIONS else None


def load_stored_folder() -> FolderData | None:
    """The stored folder data set, every part checked; ``None`` when nothing (usable) was stored."""
    import torch

    target = folder_path()
    if not target.is_file():
        return None
    label = target.name
    try:
        arrays, source, (names, preparation, unreadable) = _read_store(target, lambda archive: (
            _class_names(archive, label),
            str(_text(archive, "preparation", label, 0)),
            [str(line) for line in _text(archive, "unreadable", label, 1)],
        ))
        if preparation not in PREPARATIONS:
            raise UserError(f"{label}: unknown preparation {preparation[:40]!r}")
        described = folder_dataset(names)
        _check_split(arrays["train_images"], arrays["train_labels"], target, target, described)
        _check_split(arrays["test_images"], arrays["test_labels"], target, target, described)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError,
            RuntimeError, UserError):
        return None
    data = ImageData(
        train_images=torch.from_numpy(arrays["train_images"]),
        train_labels=torch.from_numpy(arrays["train_labels"]).long(),
        test_images=torch.from_numpy(arrays["test_images"]),
        test_labels=torch.from_numpy(arrays["test_labels"]).long(),
        source=source,
        dataset=described,
    )
    return FolderData(data, unreadable, preparation)


@dataclass(frozen=True)
class Example:
    """One picture of the folder made 28×28 both ways, to show what the preparation choice does."""

    name: str
    """The picture's path inside the folder, e.g. ``"circle/one.png"``."""
    as_drawing: np.ndarray
    resized: np.ndarray


def folder_examples(root: str | os.PathLike, count: int = 4) -> ProgressGenerator[list[Example]]:
    """The first readable picture of up to ``count`` classes of ``root``, prepared both ways."""
    from explorer.core.kuzushiji.image_folder import PICTURE_SUFFIXES, READ_SIDE, picture_to_28
    from explorer.core.kuzushiji.preprocess import read_image
    from explorer.core.progress import Progress

    root = Path(root).expanduser()
    if not root.is_dir():
        raise UserError(f"{root}: {'no such folder' if not root.exists() else 'not a folder'}")
    yield Progress(0, count, f"Preparing examples from {root.name}…")
    examples: list[Example] = []
    try:
        classes = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except OSError as exc:
        raise UserError(f"{root}: cannot be read ({exc.strerror or exc})") from None
    for entry in sorted(classes, key=lambda e: e.name):
        if len(examples) >= count:
            break
        try:
            files = list(f for f in os.scandir(entry.path)
                           if f.is_file(follow_symlinks=False) and Path(f.name).suffix.lower() in PICTURE_SUFFIXES)
        except OSError:
            continue
        for file in sorted(files, key=lambda f: f.name)[:5]:
            path = Path(file.path)
            try:
                grey = read_image(path, READ_SIDE)
                example = Example(f"{entry.name}/{file.name}", picture_to_28(grey, "drawing", path.name),
                                  picture_to_28(grey, "resize", path.name))
            except UserError:
                continue
            examples.append(example)
            yield Progress(len(examples), count, f"Prepared {example.name}")
            break
    return examples
