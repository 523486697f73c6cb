"""Compute-device choice: CPU always, CUDA when torch sees a GPU."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.core.errors import UserError

if TYPE_CHECKING:
    import torch


def available_devices() -> list[str]:
    """Device names the user may pick, CPU first."""
    import torch

    names = ["cpu"]
    if torch.cuda.is_available():
        names += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return names


def describe(name: str) -> str:
    """A readable label, e.g. ``"CUDA 0: NVIDIA H100"``."""
    import torch

    if name == "cpu":
        return "CPU"
    index = int(name.split(":")[1]) if ":" in name else 0
    return f"CUDA {index}: {torch.cuda.get_device_name(index)}"


def resolve(name: str | None) -> torch.device:
    """The torch device for a name; unknown or unavailable names are refused."""
    import torch

    if name in (None, "", "auto"):
        return torch.device("cpu")
    if name not in available_devices() and not (name == "cuda" and torch.cuda.is_available()):
        raise UserError(f"compute device '{name}' is not available here (available: {', '.join(available_devices())})")
    return torch.device(name)
