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
import math
import os
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer import __version__
from explorer.core.atomic import atomic_write
from explorer.core.errors import UserError
from explorer.core.user_files import regular_file

if TYPE_CHECKING:
    import torch

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
    import torch

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
    import torch

    path = Path(path)
    if not path.is_file():
        if not os.path.exists(path):
            raise CheckpointError(f"{path}: no such weights file")
        try:  # a folder, FIFO or device is named as what it is, and never opened
            regular_file(path, "weights file")
        except UserError as exc:
            raise CheckpointError(str(exc)) from None
    _refuse_other_formats(path)
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
        ckpt = _checked_checkpoint(path, raw)
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


_TORCH_STARTS = (b"PK\x03\x04", b"\x80")
"""How a ``torch.save`` file begins: a zip archive (since torch 1.6) or a pickle of protocol 2+ (older)."""


def _refuse_other_formats(path: Path) -> None:
    """A file that is no torch file at all (JSON, text, an image named ``.pt``) is said to be one.

    torch would report it as an unpickling error, which reads as if the file
    held code; it holds nothing torch can read.
    """
    try:
        with open(path, "rb") as fh:
            start = fh.read(8)
    except OSError as exc:
        raise CheckpointError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    if start.startswith(_TORCH_STARTS):
        return
    stripped = start.lstrip()
    looks = ("JSON or text" if stripped[:1] in (b"{", b"[", b'"') else
             "empty" if not start else "text" if _is_text(start) else "some other kind of file")
    raise CheckpointError(f"{path.name}: not a weights file (a PyTorch .pt/.pth file; this one is {looks})")


def _is_text(start: bytes) -> bool:
    return all(32 <= byte < 127 or byte in b"\t\r\n" for byte in start)


MAX_TEXT = 1_000
"""Longest text field read from a checkpoint's meta (labels, dates)."""
_NUMBERS_IN_EXTRA = ("accuracy", "test_loss", "seconds")


def kind_of(value: object) -> str:
    """``"a list"``, ``"a number"``, … for messages about a value of the wrong type."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number" if is_number(value) else "NaN, infinity or a number too large"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def is_number(value: object) -> bool:
    """Whether ``value`` is a finite number a float can hold (not ``True``, NaN, or a 400-digit integer)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _checked_checkpoint(path: Path, raw: dict) -> Checkpoint:
    """The app checkpoint in ``raw``, every meta field checked by type (a file from someone else)."""

    def refuse(what: str) -> CheckpointError:
        return CheckpointError(f"{path.name}: {what}")

    meta = raw.get("meta", {})
    if not isinstance(meta, dict):
        raise refuse(f"its meta should be a table of fields, not {kind_of(meta)}")
    texts = {}
    for name in ("experiment", "architecture", "created"):
        value = meta.get(name, "")
        if not isinstance(value, str):
            raise refuse(f"meta field '{name}' should be text, not {kind_of(value)}")
        if len(value) > MAX_TEXT:
            raise refuse(f"meta field '{name}' is {len(value):,} characters long (at most {MAX_TEXT:,})")
        texts[name] = value
    tables = {}
    for name in ("hyperparameters", "extra"):
        value = meta.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise refuse(f"meta field '{name}' should be a table of named values, not {kind_of(value)}")
        tables[name] = dict(value)
    seed = tables["hyperparameters"].get("seed")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise refuse(f"meta field 'hyperparameters.seed' should be a whole number, not {kind_of(seed)}")
        if not 0 <= seed < 2**64:
            raise refuse("meta field 'hyperparameters.seed' should be between 0 and 2**64 - 1")
    for name in _NUMBERS_IN_EXTRA:
        value = tables["extra"].get(name)
        if value is not None and not is_number(value):
            raise refuse(f"meta field 'extra.{name}' should be a finite number, not {kind_of(value)}")
    if "state_dict" not in raw:
        raise refuse("not a weights file (it has no state_dict)")
    state = raw["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise refuse(f"not a weights file (its state_dict should be a table of tensors, not {kind_of(state)})")
    return Checkpoint(state_dict=dict(state), hyperparameters=tables["hyperparameters"], extra=tables["extra"],
                      **texts)


def _refuse_non_finite(path: Path, state: dict[str, Any]) -> None:
    """A net that diverged holds NaN/inf: refuse it rather than show nonsense."""
    import torch

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
