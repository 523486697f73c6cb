"""Looking inside a Kuzushiji net for one input: feature maps, saliency, templates, hidden units."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explorer.core.kuzushiji.preprocess import SIDE, Preprocessed, input_for

if TYPE_CHECKING:
    import torch

    from explorer.core.kuzushiji.nets import NetConv, NetFull, NetLin


def feature_maps(model: NetConv, pre: Preprocessed) -> list[np.ndarray]:
    """Both conv layers' maps after ReLU for this input: arrays 32×26×26 and 64×11×11."""
    import torch
    import torch.nn.functional as F

    with torch.no_grad():
        if hasattr(model, "forward_with_features"):
            _, maps = model.forward_with_features(input_for(model, pre))
        else:
            first = F.relu(model.conv1(input_for(model, pre)))
            second = F.relu(model.conv2(F.max_pool2d(first, 2)))
            maps = [first, second]
    return [m[0].cpu().numpy() for m in maps]


def saliency(model: torch.nn.Module, pre: Preprocessed, target: int | None = None) -> tuple[int, np.ndarray]:
    """The class explained (``target`` or the top class) and |∂ log p(class) / ∂ input| as 28×28."""
    import torch

    was_training = model.training
    model.eval()
    x = input_for(model, pre).clone().requires_grad_(True)
    try:
        with torch.enable_grad():
            log_probs = model(x)
            cls = int(log_probs[0].argmax()) if target is None else int(target)
            (grad,) = torch.autograd.grad(log_probs[0, cls], x)
    finally:
        model.train(was_training)
    return cls, grad[0, 0].abs().cpu().numpy()


def weight_templates(model: NetLin) -> np.ndarray:
    """The rows of NetLin's weights as classes×28×28 images (what each class looks for)."""
    return model.linear.weight.detach().reshape(-1, SIDE, SIDE).cpu().numpy().copy()


def hidden_activations(model: NetFull, pre: Preprocessed) -> np.ndarray:
    """NetFull's 128 tanh hidden activations for this input."""
    import torch

    with torch.no_grad():
        return model.hidden_activations(input_for(model, pre))[0].cpu().numpy()


def mosaic(images: np.ndarray, columns: int, gap: int = 1, normalise: bool = True) -> np.ndarray:
    """Tile N×H×W images into one 2-D image (NaN in the gaps); each tile scaled to [0, 1] when ``normalise``."""
    images = np.asarray(images, dtype=np.float32)
    n, h, w = images.shape
    rows = -(-n // columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan, np.float32)
    for k, tile in enumerate(images):
        if normalise:
            low, high = float(tile.min()), float(tile.max())
            tile = (tile - low) / (high - low) if high > low else np.zeros_like(tile)
        r, c = divmod(k, columns)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = tile
    return out
