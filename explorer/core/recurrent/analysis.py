"""Data for the hidden-state views: trajectories of a batch of strings, PCA, unit pairs, export names."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from explorer.core.recurrent.languages import (
    Language,
    Sequence,
    get_language,
    parse_string,
    sequence_for_ns,
)
from explorer.core.recurrent.models import RecurrentNet, Trace, trace
from explorer.core.threads import one_thread as one_thread  # re-exported for the recurrent tab


@dataclass
class Trajectories:
    """Every step of a batch of strings, flattened for scatter plots.

    Row i of ``hidden``/``cell``/``states``/``symbols`` is one step; steps of
    string s are rows ``offsets[s]:offsets[s + 1]``.
    """

    hidden: np.ndarray  # (N, H) hidden state after each step
    cell: np.ndarray | None  # (N, H) LSTM cell state, else None
    states: np.ndarray  # (N,) colour value (course state), 0..L
    symbols: np.ndarray  # (N,) input symbol index read at the step
    offsets: np.ndarray  # (S + 1,)
    sequences: list[Sequence]
    traces: list[Trace]
    initial_hidden: np.ndarray  # (H,) the state before the first step (SRN: tanh(H0), marked ×)

    def path(self, s: int) -> slice:
        """Rows of string ``s``."""
        return slice(int(self.offsets[s]), int(self.offsets[s + 1]))


def trajectories(
    model: RecurrentNet,
    lang: str | Language,
    strings: list[int] | list[str] | list[Sequence] | None = None,
) -> Trajectories:
    """Hidden (and cell) states at every step of each string, with state values for colouring.

    ``strings`` may be n values (one block each, e.g. ``[1, 2, 3, 4]``; the
    default), typed strings or :class:`Sequence` objects.
    """
    lang = get_language(lang)
    seqs: list[Sequence] = []
    for item in strings if strings is not None else [1, 2, 3, 4]:
        if isinstance(item, Sequence):
            seqs.append(item)
        elif isinstance(item, str):
            seqs.append(parse_string(lang, item))
        else:
            seqs.append(sequence_for_ns(lang, [int(item)]))
    traces = [trace(model, s.inputs) for s in seqs]
    lengths = [len(s.labels) for s in seqs]
    is_lstm = traces[0].cell is not None if traces else False
    return Trajectories(
        hidden=np.concatenate([t.hidden for t in traces]),
        cell=np.concatenate([t.cell for t in traces]) if is_lstm else None,
        states=np.concatenate([s.states for s in seqs]),
        symbols=np.concatenate([s.symbols[:-1] for s in seqs]),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(int),
        sequences=seqs,
        traces=traces,
        initial_hidden=traces[0].initial_hidden if traces else np.zeros(model.num_hid),
    )


@dataclass
class PCA:
    """Principal components of a point cloud: ``project(x) = (x - mean) @ components.T``."""

    mean: np.ndarray
    components: np.ndarray  # (k, D)
    explained: np.ndarray  # (k,) share of variance

    def project(self, points: np.ndarray) -> np.ndarray:
        """Coordinates of ``points`` (N, D) on the components (N, k)."""
        return (np.asarray(points) - self.mean) @ self.components.T


def pca(points: np.ndarray, k: int = 3) -> PCA:
    """The ``k`` leading principal components (numpy SVD), padded with zeros if D < k."""
    x = np.asarray(points, dtype=np.float64)
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    var = s**2
    explained = var / var.sum() if var.sum() > 0 else np.zeros_like(var)
    comps = np.zeros((k, x.shape[1]))
    comps[: min(k, len(vt))] = vt[:k]
    share = np.zeros(k)
    share[: min(k, len(explained))] = explained[:k]
    return PCA(mean, comps, share)


def hidden_pairs(hidden: int | np.ndarray) -> list[tuple[int, int]]:
    """Every pair of units, in the course's order: [(0, 1), (0, 2), (1, 2), …]."""
    count = hidden if isinstance(hidden, int) else np.asarray(hidden).shape[-1]
    return list(combinations(range(count), 2))


def export_scatter_name(
    lang: str, model: str, hidden: int, j: int, k: int, ext: str = "jpg"
) -> str:
    """The course's figure name, e.g. ``anb2n_srn2_01.jpg``."""
    return f"{lang}_{model}{hidden}_{j}{k}.{ext}"


# --- what the views draw ----------------------------------------------------------------------

def jet(values: np.ndarray, vmin: float, vmax: float, alpha: float = 1.0) -> np.ndarray:
    """RGBA in [0, 1] for ``values`` on the classic jet map (blue → cyan → yellow → red)."""
    span = vmax - vmin if vmax > vmin else 1.0
    t = np.clip((np.asarray(values, dtype=np.float64) - vmin) / span, 0.0, 1.0)
    r = np.clip(1.5 - np.abs(4.0 * t - 3.0), 0.0, 1.0)
    g = np.clip(1.5 - np.abs(4.0 * t - 2.0), 0.0, 1.0)
    b = np.clip(1.5 - np.abs(4.0 * t - 1.0), 0.0, 1.0)
    return np.column_stack([r, g, b, np.full_like(t, alpha)])


@dataclass
class Coordinates:
    """Where the batch, the initial state and the current path sit, in the chosen coordinates."""

    names: list[str]  # one per coordinate
    batch: np.ndarray  # (N, D)
    colors: np.ndarray  # (N, 4)
    states: np.ndarray  # (N,)
    initial: np.ndarray | None  # (D,) SRN initial state, hidden coordinates only
    pairs: list[tuple[int, int]]
    project: object  # callable: (M, H) → (M, D)


def coordinates(batch: Trajectories, which: str, mode: str, L: float, srn: bool) -> Coordinates:
    """Coordinates of ``batch``'s ``which`` ("hidden"/"cell") states as ``mode`` ("units"/"pca")."""
    points = batch.cell if which == "cell" and batch.cell is not None else batch.hidden
    hid = points.shape[1]
    if mode == "pca":
        comps = pca(points, 3)
        names = [f"PC{i + 1} ({share * 100:.0f} %)" for i, share in enumerate(comps.explained)]
        project = comps.project
        pairs = [(0, 1)]
    else:
        names = [f"{'cell' if which == 'cell' else 'unit'} {j}" for j in range(hid)]

        def project(x):
            return np.asarray(x, float)

        pairs = hidden_pairs(hid) or [(0, 0)]
    initial = project(batch.initial_hidden[None, :])[0] if srn and which == "hidden" else None
    return Coordinates(names, project(points), jet(batch.states, 0, L), batch.states, initial, pairs, project)


def point_labels(batch: Trajectories) -> list[str]:
    """Hover text per batch point: which string, which step, the symbol read and the state value."""
    labels = []
    for s, seq in enumerate(batch.sequences):
        symbols = seq.language.symbols
        for t, (read, state) in enumerate(zip(seq.symbols[:-1], seq.states, strict=True)):
            labels.append(f"string {s + 1}, step {t + 1}: read {symbols[read]}, state {state:g}")
    return labels
