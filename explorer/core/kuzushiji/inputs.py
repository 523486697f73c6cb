"""The nets' input: stored KMNIST images turned into what the nets see.

Its own module because both training (:mod:`.engine`) and evaluation
(:mod:`.evaluation`) need it, and training also evaluates: kept in either
one, the two would import each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.core.errors import UserError

if TYPE_CHECKING:
    import torch


def normalise(images: torch.Tensor) -> torch.Tensor:
    """uint8 N×28×28 → float32 N×1×28×28 in [-1, 1], bit for bit as ToTensor + Normalize(0.5, 0.5)."""
    import torch

    if images.dtype != torch.uint8:
        raise UserError(f"images must be 8-bit grey values, not {images.dtype}")
    return images.unsqueeze(1).to(torch.float32).div(255).sub(0.5).div(0.5)
