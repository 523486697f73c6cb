"""Deterministic-prediction accuracy: how often the net's top symbol is right where the next symbol is certain.

Dyck-1 is scored by label instead (see :mod:`~explorer.core.recurrent.languages`):
at every step, ``)`` must be among the symbols the net gives more than
:data:`~explorer.core.recurrent.languages.LABEL_THRESHOLD` exactly when the
language allows it next (depth ≥ 1). :func:`hits` is the one rule for both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explorer.core.bounds import check_int
from explorer.core.recurrent.languages import (
    LABEL_THRESHOLD,
    MAX_LENGTH,
    Language,
    get_language,
    sequence_for_ns,
)
from explorer.core.recurrent.models import RecurrentNet, forward

MAX_N = 100
"""Largest n evaluated: strings of a^100 b^200 c^300 already test counting far beyond
training (L <= 20); 100,000 ran for minutes and took gigabytes."""


@dataclass
class EvalBatch:
    """Padded strings to score: inputs (B, T, in), labels (B, T), scored (B, T) mask, n per string.

    ``allowed`` (B, T, C), Dyck-1 only: whether the language allows each scored symbol
    (``columns``, e.g. ``(1,)`` for ``)``) next at each step.
    """

    inputs: torch.Tensor
    labels: torch.Tensor
    scored: torch.Tensor
    ns: np.ndarray
    allowed: torch.Tensor | None = None
    columns: tuple[int, ...] = ()


def hits(logits: torch.Tensor, batch: EvalBatch) -> torch.Tensor:
    """(…, B, T) bool: the net is right at the step (top symbol, or label set for Dyck-1).

    ``logits`` may carry leading axes (replicas) before (B, T, in).
    """
    if batch.allowed is None:
        return logits.argmax(-1) == batch.labels
    said = torch.softmax(logits, -1)[..., list(batch.columns)] > LABEL_THRESHOLD
    return (said == batch.allowed).all(-1)


def eval_batch(lang: str | Language, max_n: int, contexts: int = 4) -> EvalBatch:
    """Strings for n = 1..max_n, each alone and after one block of each m = 1..contexts.

    Only the steps of the n-block from its first B on are scored (Dyck-1: all
    its steps), so a net must count right whether it starts fresh or after
    another block, as in training.
    """
    lang = get_language(lang)
    check_int("the largest n", max_n, 1, MAX_N)
    check_int("the number of context blocks", contexts, 0, MAX_LENGTH)
    items = []
    for n in range(1, max_n + 1):
        for m in [0, *range(1, contexts + 1)]:
            seq = sequence_for_ns(lang, [m, n] if m else [n])
            scored = seq.scored.copy()
            if m:
                offset = len(sequence_for_ns(lang, [m]).symbols) - 1
                scored[:offset] = False
            items.append((seq, scored, n))
    T = max(len(s.labels) for s, _, _ in items)
    x = np.zeros((len(items), T, lang.size), dtype=np.float32)
    y = np.zeros((len(items), T), dtype=np.int64)
    mask = np.zeros((len(items), T), dtype=bool)
    allowed = np.zeros((len(items), T, lang.size), dtype=bool)
    for b, (seq, scored, _) in enumerate(items):
        t = len(seq.labels)
        x[b, :t] = seq.inputs
        y[b, :t] = seq.labels
        mask[b, :t] = scored
        allowed[b, :t] = seq.allowed
    return EvalBatch(
        torch.from_numpy(x),
        torch.from_numpy(y),
        torch.from_numpy(mask),
        np.array([n for *_, n in items]),
        torch.from_numpy(allowed[..., list(lang.label_columns)]) if lang.scores_labels else None,
        lang.label_columns,
    )


def score(correct: torch.Tensor, batch: EvalBatch, max_n: int) -> tuple[float, dict[int, float]]:
    """Overall accuracy (percent, n ≤ max_n) and accuracy per n from a (B, T) bool tensor of hits."""
    hits = (correct & batch.scored).sum(dim=1).numpy()
    counts = batch.scored.sum(dim=1).numpy()
    per_n = {}
    for n in np.unique(batch.ns):
        sel = batch.ns == n
        per_n[int(n)] = float(100.0 * hits[sel].sum() / counts[sel].sum())
    sel = batch.ns <= max_n
    return float(100.0 * hits[sel].sum() / counts[sel].sum()), per_n


@torch.no_grad()
def accuracy_per_n(
    model: RecurrentNet, lang: str | Language, max_n: int = 12, L: int = 4
) -> dict[int, float]:
    """Deterministic-prediction accuracy (percent) for each n = 1..max_n (length generalisation)."""
    batch = eval_batch(lang, max_n, contexts=L)
    _, logits = forward(model, batch.inputs)
    return score(hits(logits, batch), batch, max_n)[1]


@torch.no_grad()
def accuracy(model: RecurrentNet, lang: str | Language, L: int = 4) -> float:
    """Deterministic-prediction accuracy (percent) over n = 1..L; 100 means the net solves the language."""
    batch = eval_batch(lang, L, contexts=L)
    _, logits = forward(model, batch.inputs)
    return score(hits(logits, batch), batch, L)[0]


def chance_per_n(lang: str | Language, max_n: int = 12, L: int = 4) -> tuple[float, dict[int, float]]:
    """The chance baseline: always predicting the most common next symbol of the scored steps.

    Returns the overall accuracy (percent, n ≤ ``L``) and the accuracy per n
    (n = 1..``max_n``) of that constant guess on the same strings and steps as
    :func:`accuracy_per_n`, so a student can see that, e.g., an untrained net
    predicting B everywhere already scores about 80 % on a^n b^2n.
    """
    batch = eval_batch(lang, max(max_n, L), contexts=L)
    train = batch.scored & torch.from_numpy(batch.ns <= L)[:, None]
    if batch.allowed is not None:  # Dyck-1: the most common allowed set, said at every step
        sets, counts = torch.unique(batch.allowed[train], dim=0, return_counts=True)
        common_set = sets[counts.argmax()]
        overall, per_n = score((batch.allowed == common_set).all(-1), batch, L)
        return overall, {n: v for n, v in per_n.items() if n <= max_n}
    common = int(torch.bincount(batch.labels[train]).argmax())
    overall, per_n = score(batch.labels == common, batch, L)
    return overall, {n: v for n, v in per_n.items() if n <= max_n}
