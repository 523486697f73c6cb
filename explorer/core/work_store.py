"""The user's work, kept in the data folder so it survives a restart.

One folder per experiment, ``<data>/work/<experiment>/``, holds ``work.json``
(plain metadata: settings, curves, which files belong to what) and the
files it names: weights written by :mod:`explorer.core.checkpoints`, arrays
as ``.npz``. Every file is written atomically, metadata last, so a crash
mid-save leaves the previous work readable.

A file that cannot be read (cut short, edited by hand, from a newer app) is
renamed aside to ``<name>.damaged`` and reported in :attr:`WorkStore.problems`;
the app then starts without that piece of work instead of failing.

``work.json`` may have been written by someone else: every file name in it
goes through :meth:`WorkStore.path_of`, which accepts only a plain name of a
regular file directly inside the store's folder, so nothing outside it is ever
read, renamed or removed. A store opened by a second window on the same data
folder (:mod:`explorer.core.instance_lock`) is read-only: it writes nothing.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.core import atomic, checkpoints, instance_lock, paths
from explorer.core.checkpoints import kind_of
from explorer.core.errors import UserError

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

META = "work.json"
FORMAT = 1
MAX_META_BYTES = 64_000_000
"""Largest ``work.json`` read (the app writes a few MB at most: large data sets go to ``.npz``)."""
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class WorkNameError(UserError):
    """A name in ``work.json`` that is not a plain file name inside the store's folder."""


class ReadOnlyWork(UserError):
    """A save refused because another window keeps this data folder's work."""


def file_name(name: str, suffix: str) -> str:
    """A file name made of ``name`` (anything else becomes ``_``) and ``suffix``."""
    return _SAFE_NAME.sub("_", name) + suffix


class WorkStore:
    """One experiment's saved work.

    Parameters
    ----------
    experiment
        The folder's name (``kuzushiji``, ``mlp``, ``recurrent``).
    folder
        Where to keep it; default ``<data folder>/work/<experiment>``.
    read_only
        Why nothing may be written (a message for the user), or ``None``. By
        default: the data folder's lock is held by another window
        (:func:`explorer.core.instance_lock.refusal`).
    """

    def __init__(self, experiment: str, folder: str | os.PathLike | None = None, read_only: str | None = None):
        self.experiment = experiment
        self.folder = Path(folder) if folder is not None else paths.data_dir() / "work" / experiment
        if read_only is None and folder is None:
            read_only = instance_lock.refusal()
        self.read_only = read_only
        self.problems: list[str] = []
        """Messages about damaged files set aside since this store was made."""

    # names -----------------------------------------------------------------------------------------------
    def path_of(self, name: object) -> Path:
        """The file ``name`` in this store's folder; anything but a plain file name raises :class:`WorkNameError`.

        Refused: non-text, empty, ``.``/``..``, separators of any platform, an
        absolute or drive path, and a name whose file is not a regular file
        directly inside the folder (a symbolic link, a folder, a FIFO, a device).
        """
        where = f"work/{self.experiment}"
        if not isinstance(name, str):
            raise WorkNameError(f"a file name in {META} should be text, not {kind_of(name)}")
        shown = repr(name) if len(name) <= 160 else repr(name[:160]) + "…"
        if (not name or name in (".", "..") or len(name) > 255 or any(c in name for c in "/\\:\0")
                or os.path.isabs(name) or Path(name).name != name):
            raise WorkNameError(f"the file name {shown} is not a plain file name in {where}")
        path = self.folder / name
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return path
        except OSError as exc:
            raise WorkNameError(f"the file {shown} in {where} cannot be examined ({exc.strerror or exc})") from exc
        if not stat.S_ISREG(mode) or path.resolve().parent != self.folder.resolve():
            raise WorkNameError(f"{shown} in {where} is not a regular file (a link, folder or device is never used)")
        return path

    def check_writable(self) -> None:
        """Raise :class:`ReadOnlyWork` in a read-only store (before work that would write, such as weights)."""
        if self.read_only:
            raise ReadOnlyWork("this window is read-only (another window has the data folder open): nothing is written")

    def writable_path(self, name: str) -> Path:
        """Where to write file ``name`` of this store (:class:`ReadOnlyWork` when read-only)."""
        self.check_writable()
        return self.path_of(name)

    # metadata ------------------------------------------------------------------------------------------
    def load(self) -> dict[str, Any]:
        """The saved metadata, ``{}`` when there is none (or it was damaged and set aside)."""
        try:
            path = self.path_of(META)
            if not path.is_file():
                return {}
            if path.stat().st_size > MAX_META_BYTES:
                raise ValueError(f"it is {path.stat().st_size:,} bytes, more than the {MAX_META_BYTES:,} it may have")
            meta = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise ValueError("not a work file of this app version")
            work = meta.get("work", {})
            if not isinstance(work, dict):
                raise ValueError(f"its 'work' should be a table of named entries, not {kind_of(work)}")
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, UserError) as exc:
            self.set_aside(META, exc)
            return {}
        return work

    def save(self, work: dict[str, Any]) -> None:
        """Write the metadata (plain JSON values) atomically; files it names must be saved first."""
        target = self.writable_path(META)
        text = json.dumps({"format": FORMAT, "experiment": self.experiment, "work": work}, indent=1)
        atomic.write_text(target, text)

    # files -----------------------------------------------------------------------------------------------
    def save_weights(self, name: str, state_dict: dict[str, torch.Tensor], **meta: Any) -> str:
        """Write weights as ``<name>.pt`` (a checkpoint with ``meta``); returns the file's name."""
        target = file_name(name, ".pt")
        checkpoints.save(self.writable_path(target), state_dict, experiment=self.experiment,
                         architecture=meta.pop("architecture", name), hyperparameters=meta.pop("hyperparameters", {}),
                         extra=meta)
        return target

    def load_weights(self, target: str) -> checkpoints.Checkpoint | None:
        """The checkpoint in file ``target``, or ``None`` if it is missing or damaged (then set aside).

        A ``target`` that is no plain file name here raises :class:`WorkNameError`.
        """
        path = self.path_of(target)
        if not path.is_file():
            return None
        try:
            return checkpoints.load(path, experiment=self.experiment)
        except UserError as exc:
            self.set_aside(path, exc)
            return None

    def save_arrays(self, name: str, **arrays: np.ndarray) -> str:
        """Write plain numeric arrays as ``<name>.npz``; returns the file's name."""
        target = file_name(name, ".npz")
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        atomic.write_bytes(self.writable_path(target), buffer.getvalue())
        return target

    def load_arrays(self, target: str) -> dict[str, np.ndarray] | None:
        """The arrays in ``target`` (never unpickled), or ``None`` if missing or damaged (then set aside).

        A ``target`` that is no plain file name here raises :class:`WorkNameError`.
        """
        path = self.path_of(target)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as found:
                return {key: found[key] for key in found.files}
        except (OSError, ValueError, EOFError, MemoryError, zipfile.BadZipFile) as exc:
            self.set_aside(path, exc)
            return None

    def remove(self, target: str) -> None:
        """Delete a file of this store no longer named by the metadata (nothing in a read-only store)."""
        try:
            path = self.writable_path(target)
            path.unlink(missing_ok=True)
        except (UserError, OSError) as exc:
            log.warning("did not remove %s from %s: %s", target, self.folder, exc)

    def _free_aside_name(self, name: str) -> Path:
        """``<name>.damaged``, or ``<name>.2.damaged``… when an earlier damaged copy is kept there."""
        for n in range(1, 100):
            aside = self.writable_path(f"{name}.damaged" if n == 1 else f"{name}.{n}.damaged")
            if not os.path.lexists(aside):
                return aside
        return aside  # a hundred damaged copies: the last is replaced

    def set_aside(self, target: str | Path, exc: BaseException) -> None:
        """Rename damaged file ``target`` (a name in this store) to ``<name>.damaged`` and note why.

        A path outside the store, or a name that is not a regular file here, is
        never moved; a read-only store moves nothing either. Either way the
        problem is noted.
        """
        target = Path(target)
        name = target.name if target.parent == Path(".") or target.parent == self.folder else str(target)
        try:
            path = self.writable_path(name)
            aside = self._free_aside_name(name)
            os.replace(path, aside)
            where = f"it was renamed to {aside.name}"
        except ReadOnlyWork:
            where = "it was left as it is (this window is read-only)"
        except (UserError, OSError) as move_error:
            where = f"it was not moved aside ({getattr(move_error, 'strerror', None) or move_error})"
        message = f"Saved {self.experiment} work {Path(name).name} could not be read ({exc}); {where}"
        log.warning(message)
        self.problems.append(message)

