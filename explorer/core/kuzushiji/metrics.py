"""Accuracy measures for data sets of any number of classes, imbalanced ones included.

Kuzushiji-49 is imbalanced and its own metric is *balanced accuracy*, the mean of the per-class
accuracies; these functions work from a confusion matrix (rows true class, columns predicted) of any
size. numpy only: the GUI, the command line and the reports share them.
"""

from __future__ import annotations

import math

import numpy as np

from explorer.core.errors import UserError


def _square(confusion: np.ndarray) -> np.ndarray:
    matrix = np.asarray(confusion)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"a confusion matrix must be square, not of shape {matrix.shape}")
    return matrix.astype(np.float64)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Each class's share of its test images read right; ``nan`` for a class absent from the test set."""
    matrix = _square(confusion)
    totals = matrix.sum(axis=1)
    accuracy = np.full(len(matrix), np.nan)
    present = totals > 0
    accuracy[present] = np.diag(matrix)[present] / totals[present]
    return accuracy


def balanced_accuracy(confusion: np.ndarray) -> float:
    """Mean of the per-class accuracies over the classes present in the test set (0..1; ``nan`` if none)."""
    accuracy = per_class_accuracy(confusion)
    present = accuracy[~np.isnan(accuracy)]
    return float(present.mean()) if present.size else math.nan


def class_counts(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """How many labels each class has (length ``num_classes``); a label out of range is a UserError."""
    values = np.asarray(labels)
    if values.size and not np.issubdtype(values.dtype, np.integer):
        raise UserError(f"class labels must be whole numbers, not {values.dtype}")
    values = values.astype(np.int64).ravel()
    if values.size and (values.min() < 0 or values.max() >= num_classes):
        bad = int(values.min()) if values.min() < 0 else int(values.max())
        raise UserError(f"class label {bad} is outside 0..{num_classes - 1}")
    return np.bincount(values, minlength=num_classes)


def class_weights(counts: np.ndarray) -> np.ndarray:
    """Inverse-frequency weights for a class-weighted loss, mean 1 over the classes that occur.

    A class with no examples gets weight 0 (it never appears in the loss). All counts equal gives
    all weights 1, so the weighted loss is then the ordinary one.
    """
    values = np.asarray(counts, dtype=np.float64)
    if np.any(values < 0):
        raise ValueError("class counts cannot be negative")
    weights = np.zeros_like(values)
    present = values > 0
    if not present.any():
        return weights
    inverse = 1.0 / values[present]
    weights[present] = inverse / inverse.mean()
    return weights


def confusion_rates(confusion: np.ndarray) -> np.ndarray:
    """How often classes i and j are mistaken for each other, either way, as shares of their rows (symmetric)."""
    matrix = _square(confusion)
    totals = matrix.sum(axis=1, keepdims=True)
    rates = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    np.fill_diagonal(rates, 0.0)
    return rates + rates.T


def confusion_order(confusion: np.ndarray) -> list[int]:
    """An order of the classes that puts classes often confused with each other next to each other.

    Greedy chaining: the most confused pairs (as rates, so a large class does not dominate) join
    their classes' chains end to end, strongest first, never closing a loop; the chains are then
    laid out in order of their smallest class, so classes never confused keep their own order.
    Deterministic (ties broken by class index), a permutation of ``range(n)``.
    """
    rates = confusion_rates(confusion)
    n = len(rates)
    chains: list[list[int]] = [[i] for i in range(n)]
    chain_of = list(range(n))
    upper = np.triu_indices(n, k=1)
    strengths = rates[upper]
    for index in np.argsort(-strengths, kind="stable"):
        if strengths[index] <= 0:
            break
        i, j = int(upper[0][index]), int(upper[1][index])
        a, b = chain_of[i], chain_of[j]
        if a == b:
            continue
        first, second = chains[a], chains[b]
        if i not in (first[0], first[-1]) or j not in (second[0], second[-1]):
            continue
        if first[-1] != i:
            first.reverse()
        if second[0] != j:
            second.reverse()
        first.extend(second)
        chains[b] = []
        for k in second:
            chain_of[k] = a
    laid_out = sorted((chain for chain in chains if chain), key=min)
    return [k for chain in laid_out for k in chain]


def most_confused_pairs(confusion: np.ndarray, k: int = 5) -> list[tuple[int, int, int]]:
    """The ``k`` largest off-diagonal cells as (true, predicted, count), largest first; empty cells left out."""
    off = np.array(confusion, dtype=np.int64, copy=True)
    if off.ndim != 2 or off.shape[0] != off.shape[1]:
        raise ValueError(f"a confusion matrix must be square, not of shape {off.shape}")
    np.fill_diagonal(off, 0)
    n = off.shape[1]
    order = np.argsort(-off, axis=None, kind="stable")[: max(0, k)]
    pairs = [(int(i // n), int(i % n), int(off.flat[i])) for i in order]
    return [p for p in pairs if p[2] > 0]
