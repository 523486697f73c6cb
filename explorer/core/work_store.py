"""The user's work, kept in the data folder so it survives a restart.

One folder per experiment, ``<data>/work/<experiment>/``, holds ``work.json``
(plain metadata: settings, curves, which files belong to what) and the
files it names: weights written by :mod:`explorer.core.checkpoints`, arrays
as ``.npz``. Every file is written atomically, metadata last, so a crash
mid-save leaves the previous work readable.

A file that cannot be read (cut short, edited by hand, from a newer app) is
renamed aside to ``<name>.damaged`` and reported in :attr:`WorkStore.problems`;
the app then starts without that piece of work instead of failing.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

from explorer.core import atomic, checkpoints, paths
from explorer.core.errors import UserError

log = logging.getLogger(__name__)

META = "work.json"
FORMAT = 1
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


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
    """

    def __init__(self, experiment: str, folder: str | os.PathLike | None = None):
        self.experiment = experiment
        self.folder = Path(folder) if folder is not None else paths.data_dir() / "work" / experiment
        self.problems: list[str] = []
        """Messages about damaged files set aside since this store was made."""

    # metadata ------------------------------------------------------------------------------------------
    def load(self) -> dict[str, Any]:
        """The saved metadata, ``{}`` when there is none (or it was damaged and set aside)."""
        path = self.folder / META
        if not path.is_file():
            return {}
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise ValueError("not a work file of this app version")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.set_aside(path, exc)
            return {}
        return meta.get("work", {})

    def save(self, work: dict[str, Any]) -> None:
        """Write the metadata (plain JSON values) atomically; files it names must be saved first."""
        text = json.dumps({"format": FORMAT, "experiment": self.experiment, "work": work}, indent=1)
        atomic.write_text(self.folder / META, text)

    # files -----------------------------------------------------------------------------------------------
    def save_weights(self, name: str, state_dict: dict[str, torch.Tensor], **meta: Any) -> str:
        """Write weights as ``<name>.pt`` (a checkpoint with ``meta``); returns the file's name."""
        target = file_name(name, ".pt")
        checkpoints.save(self.folder / target, state_dict, experiment=self.experiment,
                         architecture=meta.pop("architecture", name), hyperparameters=meta.pop("hyperparameters", {}),
                         extra=meta)
        return target

    def load_weights(self, target: str) -> checkpoints.Checkpoint | None:
        """The checkpoint in file ``target``, or ``None`` if it is missing or damaged (then set aside)."""
        path = self.folder / target
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
        atomic.write_bytes(self.folder / target, buffer.getvalue())
        return target

    def load_arrays(self, target: str) -> dict[str, np.ndarray] | None:
        """The arrays in ``target`` (never unpickled), or ``None`` if missing or damaged (then set aside)."""
        path = self.folder / target
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as found:
                return {key: found[key] for key in found.files}
        except (OSError, ValueError, EOFError) as exc:
            self.set_aside(path, exc)
            return None

    def remove(self, target: str) -> None:
        """Delete a file no longer named by the metadata."""
        try:
            (self.folder / target).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove %s: %s", self.folder / target, exc)

    def set_aside(self, path: Path, exc: BaseException) -> None:
        """Rename a damaged file to ``<name>.damaged`` and note why."""
        aside = path.with_name(path.name + ".damaged")
        try:
            os.replace(path, aside)
            where = f"it was renamed to {aside.name}"
        except OSError as move_error:
            where = f"it could not be moved aside ({move_error.strerror or move_error})"
        message = f"Saved {self.experiment} work {path.name} could not be read ({exc}); {where}"
        log.warning(message)
        self.problems.append(message)
