"""Evaluating a Kuzushiji net on the test set, and the course's printed lines.

Test loss is the course's: the summed NLL over the test set divided by the
number of test images. Confusion matrices have the true class in rows and
the predicted class in columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from explorer.core.kuzushiji.datasets import KMNIST, DataSet
from explorer.core.kuzushiji.inputs import normalise
from explorer.core.kuzushiji.metrics import most_confused_pairs  # noqa: F401 - the one way, used from here too

if TYPE_CHECKING:
    import torch
    from torch import nn


@dataclass
class Evaluation:
    """A net's results on a set of images."""

    accuracy: float
    """Percent correct, e.g. 93.56."""
    correct: int
    total: int
    test_loss: float
    confusion: np.ndarray
    """classes×classes int counts, rows true class, columns predicted class."""
    per_class_accuracy: np.ndarray
    """Percent correct per true class (nan for a class with no images)."""
    predictions: np.ndarray
    probabilities: np.ndarray
    """N×classes float32 class probabilities."""
    labels: np.ndarray


def channels_last_view(images: torch.Tensor) -> torch.Tensor:
    """The same one-channel N×1×H×W values, with strides that mark them channels-last.

    With one channel both layouts hold the same bytes, but torch reads the
    layout from the strides, and ``contiguous(memory_format=channels_last)``
    leaves a one-channel tensor's strides alone. Marked channels-last, a conv
    net's first convolution (and so every layer after it) runs oneDNN's
    channels-last kernels: NetConv evaluates 10,000 images about 2.5× faster
    on one CPU thread (docs/performance.md). Other tensors are returned as they are.
    """
    if images.dim() != 4 or images.shape[1] != 1 or not images.is_contiguous():
        return images
    n, _, h, w = images.shape
    return images.as_strided(images.shape, (h * w, 1, w, 1))


def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch: int = 250
) -> Evaluation:
    """Accuracy, test loss, confusion matrix and per-image predictions of ``model``.

    ``images`` are either raw uint8 N×28×28 (normalised a batch at a time, so
    a large test set never becomes one float copy) or already normalised float
    N×1×28×28. Batches of 250 keep a conv net's feature maps in the CPU's caches
    (a quarter faster than 1000 for NetConv on one thread). The number of
    classes is the net's.
    """
    import torch
    import torch.nn.functional as F

    raw = images.dtype == torch.uint8
    where = next(model.parameters()).device
    on_cpu = where.type == "cpu"
    if on_cpu and not raw:
        images = channels_last_view(images)
    was_training = model.training
    model.eval()
    outputs = []
    loss = torch.zeros((), dtype=torch.float64, device=where)
    labels = labels.to(torch.int64)
    try:
        with torch.inference_mode():
            for lo in range(0, len(images), batch):
                x = images[lo : lo + batch]
                if raw:
                    x = channels_last_view(normalise(x)) if on_cpu else normalise(x)
                x = x.to(where, non_blocking=True)
                y = labels[lo : lo + batch].to(where, non_blocking=True)
                out = model(x)
                loss += F.nll_loss(out, y, reduction="sum")
                outputs.append(out)
    finally:
        model.train(was_training)
    log_probs = torch.cat(outputs).float().cpu()
    truth = labels.cpu()
    predictions = log_probs.argmax(dim=1)
    classes = log_probs.shape[1] if log_probs.dim() == 2 else 0
    confusion = (
        torch.bincount(truth * classes + predictions, minlength=classes * classes).reshape(classes, classes).numpy()
    )
    total = len(truth)
    correct = int(np.trace(confusion))
    per_class = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class_accuracy = 100.0 * np.diag(confusion) / per_class
    return Evaluation(
        accuracy=100.0 * correct / total if total else 0.0,
        correct=correct,
        total=total,
        test_loss=float(loss) / total if total else 0.0,
        confusion=confusion,
        per_class_accuracy=per_class_accuracy,
        predictions=predictions.numpy(),
        probabilities=log_probs.exp().numpy(),
        labels=truth.numpy(),
    )


def format_pair(true: int, predicted: int, count: int, dataset: DataSet = KMNIST) -> str:
    """``"す (su) → き (ki): 49"``."""
    return f"{dataset.label(true)} → {dataset.label(predicted)}: {count}"


def cell_examples(evaluation: Evaluation, true: int, predicted: int) -> list[tuple[int, float]]:
    """Test images of one confusion cell as (index, confidence in the predicted class), most confident first."""
    mask = (evaluation.labels == true) & (evaluation.predictions == predicted)
    indices = np.flatnonzero(mask)
    confidence = evaluation.probabilities[indices, predicted]
    order = np.argsort(-confidence, kind="stable")
    return [(int(indices[i]), float(confidence[i])) for i in order]


def format_epoch_line(
    epoch: int, batch: int, batch_size: int, n_train: int, batches: int, loss: float
) -> str:
    """The course's training line, ``Train Epoch: 1 [640/60000 (1%)]\\tLoss: 2.302585`` (``batch`` 0-based)."""
    return f"Train Epoch: {epoch} [{batch * batch_size}/{n_train} ({100.0 * batch / batches:.0f}%)]\tLoss: {loss:.6f}"


def format_test_line(evaluation: Evaluation) -> str:
    """The course's summary, ``Test set: Average loss: 0.2231, Accuracy: 9356/10000 (94%)``."""
    return (
        f"Test set: Average loss: {evaluation.test_loss:.4f}, "
        f"Accuracy: {evaluation.correct}/{evaluation.total} ({evaluation.accuracy:.0f}%)"
    )


def format_confusion(confusion: np.ndarray, dataset: DataSet = KMNIST) -> str:
    """The matrix as aligned rows, rows true and columns predicted, labelled with romaji."""
    names = dataset.class_names
    width = max(4, len(str(int(np.max(confusion)))) + 1, max(len(n) for n in names) + 1)
    side = max(5, max(len(n) for n in names))
    head = " " * side + "".join(f"{r:>{width}}" for r in names)
    rows = [
        f"{r:>{side}}" + "".join(f"{int(v):>{width}}" for v in row)
        for r, row in zip(names, confusion, strict=True)
    ]
    return "\n".join([head, *rows])
