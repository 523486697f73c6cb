"""Is a drawing classified as well as a real image? Train on a KMNIST sample, classify it re-rendered.

A net is trained on part of a sample of real images, then classifies the
held-out rest raw (as the nets were trained) and after each re-rendering in
:mod:`.rerender` has gone through the drawing preprocessing. The gap between
the two accuracies is what the preprocessing costs a user. Shared by
``bench/drawing_fidelity.py`` and the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.engine import TrainConfig, train
from explorer.core.kuzushiji.inputs import normalise
from explorer.core.kuzushiji.preprocess import to_kmnist_input
from explorer.core.kuzushiji.rerender import rerender
from explorer.core.progress import run_to_end

SAMPLE_IMAGES = "kmnist-sample-imgs.npz"
SAMPLE_LABELS = "kmnist-sample-labels.npz"


@dataclass
class Sample:
    """A sample of real KMNIST: uint8 N×28×28 images (white on black) and their labels."""

    images: np.ndarray
    labels: np.ndarray

    def split(self, n_train: int, seed: int = 0) -> tuple[Sample, Sample]:
        """A seeded random split into ``n_train`` training images and the rest."""
        if not 0 < n_train < len(self.labels):
            raise UserError(f"n_train must be between 1 and {len(self.labels) - 1}")
        order = np.random.default_rng(seed).permutation(len(self.labels))
        first, rest = order[:n_train], order[n_train:]
        return Sample(self.images[first], self.labels[first]), Sample(self.images[rest], self.labels[rest])


def load_sample(folder: str | os.PathLike) -> Sample:
    """Read ``kmnist-sample-imgs.npz`` and ``kmnist-sample-labels.npz`` (key ``arr_0``) from ``folder``."""
    folder = Path(folder)
    try:
        with np.load(folder / SAMPLE_IMAGES) as imgs, np.load(folder / SAMPLE_LABELS) as labels:
            sample = Sample(imgs["arr_0"].astype(np.uint8), labels["arr_0"].astype(np.int64))
    except (OSError, KeyError, ValueError) as exc:
        raise UserError(f"{folder}: not a KMNIST sample ({exc})") from exc
    if sample.images.shape[1:] != (28, 28) or len(sample.images) != len(sample.labels):
        raise UserError(f"{folder}: expected N×28×28 images with N labels")
    return sample


def train_on(sample: Sample, net: str = "conv", epochs: int = 6, seed: int = 1) -> nn.Module:
    """A net of kind ``net`` trained on ``sample`` with Adam (SGD learns too slowly from a few thousand images)."""
    model = nets.create(net, seed=seed)
    images = torch.from_numpy(sample.images)
    labels = torch.from_numpy(sample.labels)
    data = KMNIST(images, labels, images[:1], labels[:1], source="sample")
    config = TrainConfig(net=net, epochs=epochs, lr=1e-3, optimizer="adam", batch=32, seed=seed)
    run_to_end(train(model, data, config))
    return model.eval()


def raw_inputs(images: np.ndarray) -> torch.Tensor:
    """Real images as the nets were trained on them."""
    return normalise(torch.from_numpy(np.ascontiguousarray(images, dtype=np.uint8)))


def rerendered_inputs(images: np.ndarray, variant: str) -> tuple[torch.Tensor, np.ndarray]:
    """Each image re-rendered as ``variant`` and preprocessed: (N×1×28×28 tensor, N×28×28 ``array28``)."""
    pres = [to_kmnist_input(rerender(image, variant, seed=i)) for i, image in enumerate(images)]
    return torch.cat([p.tensor for p in pres]), np.stack([p.array28 for p in pres])


def accuracy(model: nn.Module, inputs: torch.Tensor, labels: np.ndarray) -> float:
    """Share of ``inputs`` that ``model`` classifies as ``labels``."""
    with torch.no_grad():
        predicted = model.eval()(inputs).argmax(dim=1).numpy()
    return float((predicted == np.asarray(labels)).mean())
