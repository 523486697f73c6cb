"""The one place that reads and writes weights.

A checkpoint is a ``torch.save`` file holding a plain dict::

    {"format": "neural-explorer-checkpoint/1",
     "meta": {"experiment": "kuzushiji", "architecture": "NetConv",
              "hyperparameters": {...}, "created": "2026-11-26T12:00:00+00:00",
              "app_version": "0.1.0", ...},
     "state_dict": {name: tensor, ...}}

Files are always read with ``torch.load(..., weights_only=True)``, so a
weights file from someone else can never run code. Plain state dicts (the
course scripts' ``.pth`` files) are read too; their ``meta`` is empty.
"""

from __future__ import annotations

import datetime as _dt
import os
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from explorer import __version__
from explorer.core.atomic import atomic_write
from explorer.core.errors import UserError

FORMAT = "neural-explorer-checkpoint/1"


class CheckpointError(UserError):
    """A weights file that cannot be used, with a message for the user."""


@dataclass
class Checkpoint:
    """Weights plus the record of what they are."""

    state_dict: dict[str, torch.Tensor]
    experiment: str = ""
    architecture: str = ""
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``"NetConv (kuzushiji)"``, or ``"unknown network"`` for a bare state dict."""
        if not self.architecture:
            return "an unlabelled network"
        return f"{self.architecture} ({self.experiment})" if self.experiment else self.architecture


def save(
    path: str | os.PathLike,
    state_dict: dict[str, torch.Tensor],
    *,
    experiment: str,
    architecture: str,
    hyperparameters: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write weights and their metadata atomically (a partial file never replaces a good one)."""
    path = Path(path)
    meta = {
        "experiment": experiment,
        "architecture": architecture,
        "hyperparameters": dict(hyperparameters or {}),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "app_version": __version__,
        "extra": dict(extra or {}),
    }
    payload = {
        "format": FORMAT,
        "meta": meta,
        "state_dict": {k: v.detach().cpu().clone() for k, v in state_dict.items()},
    }
    _write(path, payload)
    return path


def _write(path: Path, payload: Any) -> None:
    """``torch.save`` through the atomic helper: a full disk never leaves a broken file.

    Weights that are not finite are refused here too, so a diverged net can
    never take the place of a good file (it could not be loaded back anyway).
    """
    state = payload["state_dict"] if payload.get("format") == FORMAT else payload
    for name, value in state.items():
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise CheckpointError(
                f"not saving {path.name}: {name} holds values that are not finite numbers"
                " (the training diverged)"
            )
    with atomic_write(path) as fh:
        torch.save(payload, fh)


def save_state_dict(path: str | os.PathLike, state_dict: dict[str, torch.Tensor]) -> Path:
    """Write a bare state dict, the form the course scripts read and write (atomically)."""
    path = Path(path)
    _write(path, {k: v.detach().cpu().clone() for k, v in state_dict.items()})
    return path


def load(
    path: str | os.PathLike,
    *,
    experiment: str | None = None,
    architecture: str | None = None,
) -> Checkpoint:
    """Read a checkpoint or a bare state dict, safely.

    With ``experiment``/``architecture`` given, a file made for another
    network is refused with a message naming both.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such weights file")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        # torch's own text here tells people to load with weights_only=False: never that.
        raise CheckpointError(
            f"{path.name}: not a readable weights file (it holds objects other than weights, "
            "which are never loaded because they could run code)"
        ) from exc
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, OSError, MemoryError) as exc:
        # A truncated file surfaces as a bare "[Errno 22] Invalid argument": name the file.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"{path.name}: not a readable weights file (it may be truncated or damaged: {first[:160]})"
        ) from exc
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path.name}: not a weights file (it holds a {type(raw).__name__}, not a dict)")
    if raw.get("format") == FORMAT:
        meta = raw.get("meta", {})
        ckpt = Checkpoint(
            state_dict=dict(raw["state_dict"]),
            experiment=meta.get("experiment", ""),
            architecture=meta.get("architecture", ""),
            hyperparameters=dict(meta.get("hyperparameters", {})),
            created=meta.get("created", ""),
            extra=dict(meta.get("extra", {})),
        )
    else:
        if not raw or not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in raw.items()):
            raise CheckpointError(f"{path.name}: not a weights file (expected names mapped to tensors)")
        ckpt = Checkpoint(state_dict=dict(raw))
    _refuse_non_finite(path, ckpt.state_dict)
    expected = architecture or experiment
    if ckpt.architecture and expected:
        if (experiment and ckpt.experiment != experiment) or (architecture and ckpt.architecture != architecture):
            want = f"{architecture} ({experiment})" if architecture and experiment else expected
            raise CheckpointError(
                f"{path.name} holds weights for {ckpt.label}, but {want} is needed here"
            )
    return ckpt


def _refuse_non_finite(path: Path, state: dict[str, Any]) -> None:
    """A net that diverged holds NaN/inf: refuse it rather than show nonsense."""
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise CheckpointError(f"{path.name}: not a weights file ({name} is not a tensor)")
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise CheckpointError(
                f"{path.name}: {name} holds values that are not finite numbers (NaN or infinity);"
                " the net was probably saved after its training diverged"
            )


def check_shapes(ckpt: Checkpoint, model: torch.nn.Module, wanted: str) -> None:
    """Refuse weights whose names or shapes do not fit ``model`` (named ``wanted``)."""
    own = model.state_dict()
    theirs = ckpt.state_dict
    if set(own) != set(theirs) or any(tuple(own[k].shape) != tuple(theirs[k].shape) for k in own):
        raise CheckpointError(
            f"these weights are for {ckpt.label}, which does not fit {wanted}"
            f" (parameters {_shape_summary(theirs)} vs {_shape_summary(own)})"
        )


def _shape_summary(state: dict[str, torch.Tensor]) -> str:
    parts = [f"{k}{list(v.shape)}" for k, v in list(state.items())[:4]]
    return ", ".join(parts) + (", …" if len(state) > 4 else "")
