"""The machine inside the network: state-space quantisation of a trained SRN or LSTM.

The method (Giles et al. 1992; Omlin & Giles 1996; see ``docs/state_machines.md``):

1. :func:`visited_states` runs the net over the strings n = 1..N back to back,
   as the course trains, and keeps the state after every symbol (SRN: hidden;
   LSTM: cell by default) and its *output label*, the symbols it predicts
   above a threshold (0.3). The start state is the state after a complete
   string: the net first reads one warm-up string (n = N) from its own initial
   state, and the state it ends in is where string n = 1 starts. Ending on
   the same string n = N closes the loop back to the start.
2. :func:`machine_for_k` clusters the states with k-means (fixed seed,
   restarts), builds the quotient machine (per cluster and symbol the most
   common next cluster) and Moore-minimises it from the output partition.
3. :func:`extract_state_machine` picks the smallest k whose machine agrees
   with the net on every deterministic step of the strings n ≤ N (where the
   next symbol is certain) and is ≥ 95 % deterministic
   (or takes the k given), and reports the :class:`Agreement` with the net and
   with the language, including the horizon n* past which the machine and the
   net part ways.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch

from explorer.core.bounds import check_int
from explorer.core.errors import UserError
from explorer.core.progress import Progress, ProgressGenerator, run_to_end
from explorer.core.recurrent.language_machine import block_text
from explorer.core.recurrent.languages import Language, dyck_depths, get_language, sequence_for_ns
from explorer.core.recurrent.models import RecurrentNet, make_model, trace
from explorer.core.recurrent.moore import MooreMachine, label_of, minimise, quotient_machine

THRESHOLD = 0.3
"""A symbol is in a state's output label when the net gives it more than this probability."""
MIN_DETERMINISM = 0.95
"""Automatic k needs at least this share of moves to follow the machine's transitions."""
RESTARTS = 10
"""k-means restarts (``n_init``); the seed is fixed so the same net gives the same machine."""
SEED = 0
MAX_N = 12
"""Largest N extracted from: at 12, a^n b^2n c^3n visits about 470 states and choosing k
takes tens of seconds; the horizons are still tested up to 3N."""
MAX_AUTO_K = 80
"""The automatic k is searched up to this many clusters (the shipped nets need at most 55)."""
MAX_CURVE_K = 60
"""The k slider's fidelity curve runs up to this many clusters at most (each k is one k-means)."""


@dataclass
class VisitedStates:
    """The start point and the state after every symbol of strings n = 1..N read back to back.

    Point 0 is the start (the state after the warm-up string); point i ≥ 1 is
    reached by reading ``read[i]`` from point i − 1.
    """

    language: Language
    points: np.ndarray  # (P, H) state vectors
    probabilities: np.ndarray  # (P, symbols) the net's next-symbol probabilities
    labels: list[str]  # (P,) output label of each point, e.g. "AB"
    read: str  # (P,) symbol read to reach the point (point 0: the warm-up's last symbol)
    next: str  # (P,) symbol that actually comes next
    block: np.ndarray  # (P,) n of the string the point belongs to (0: the start)
    state: str  # "hidden" or "cell"
    threshold: float

    @property
    def max_n(self) -> int:
        """Largest n read."""
        return int(self.block.max())

    @property
    def moves(self) -> list[tuple[int, str, int]]:
        """``(i, symbol, i + 1)`` for every symbol read after the start."""
        return [(i - 1, self.read[i], i) for i in range(1, len(self.read))]

    @property
    def certain(self) -> np.ndarray:
        """(P,) True at points the language decides: the next symbol is certain (the point was
        not reached by an A); Dyck-1: every point (scored by whether ``)`` may come next)."""
        if self.language.scores_labels:
            return np.ones(len(self.read), dtype=bool)
        return np.array([ch != "A" for ch in self.read])

    def language_ok(self, labels: list[str | None]) -> np.ndarray:
        """(P,) True where ``labels`` (one per point) is what the language says at the point.

        a^n…: the label is the one symbol that comes next (checked at certain
        points). Dyck-1: ``)`` is in the label exactly when the depth is above 0.
        """
        if self.language.scores_labels:
            depth = np.concatenate([[0], dyck_depths([self.language.symbols.index(c) for c in self.read[1:]])])
            return np.array(
                [m is not None and ("B" in m) == (d > 0) for m, d in zip(labels, depth, strict=True)]
            )
        return np.array([m == nxt for m, nxt in zip(labels, self.next, strict=True)])

    def upto(self, n: int) -> VisitedStates:
        """The start and strings 1..n only."""
        end = int(np.searchsorted(self.block, n, side="right"))
        return VisitedStates(
            self.language,
            self.points[:end],
            self.probabilities[:end],
            self.labels[:end],
            self.read[:end],
            self.next[:end],
            self.block[:end],
            self.state,
            self.threshold,
        )

    @property
    def distinct(self) -> int:
        """How many different state vectors were visited (the most clusters k-means can make)."""
        return len(np.unique(self.points, axis=0))


def default_state(model: RecurrentNet) -> str:
    """``cell`` for an LSTM, ``hidden`` for an SRN."""
    return "cell" if model.kind == "lstm" else "hidden"


def visited_states(
    model: RecurrentNet,
    lang: str | Language,
    max_n: int,
    state: str | None = None,
    threshold: float = THRESHOLD,
    warm_up: int | None = None,
) -> VisitedStates:
    """Run ``model`` over a warm-up string (n = ``warm_up``, default ``max_n``), then n = 1..max_n.

    The warm-up string is the last string read too, so the extraction ends
    where it started and the final point is no odd one out.
    """
    lang = get_language(lang)
    warm_up = max_n if warm_up is None else warm_up
    if max_n < 1:
        raise UserError(f"the largest n must be at least 1 (got {max_n})")
    state = state or default_state(model)
    if state not in ("hidden", "cell"):
        raise UserError(f"unknown state '{state}' (use hidden or cell)")
    if state == "cell" and model.kind != "lstm":
        raise UserError("an SRN has no cell state: use the hidden state")
    if not 0 < threshold < 1:
        raise UserError(f"the threshold must be between 0 and 1 (got {threshold})")
    seq = sequence_for_ns(lang, [warm_up, *range(1, max_n + 1)])
    tr = trace(model, seq.inputs)
    vectors = tr.cell if state == "cell" else tr.hidden
    warm = len(block_text(lang, warm_up))
    probs = tr.probabilities[warm - 1 :]
    blocks = [0] + [n for n in range(1, max_n + 1) for _ in block_text(lang, n)]
    return VisitedStates(
        language=lang,
        points=np.asarray(vectors[warm - 1 :], dtype=np.float64),
        probabilities=probs,
        labels=[label_of(p, lang.symbols, threshold) for p in probs],
        read=seq.text[warm - 1 : -1],
        next=seq.text[warm:],
        block=np.asarray(blocks),
        state=state,
        threshold=threshold,
    )


@dataclass
class Agreement:
    """How well a machine matches the net and the language, three ways each.

    ``fidelity``: share of all steps (strings n ≤ N) where the machine's label
    is the net's. A string *agrees* when the machine has the net's label at
    every deterministic step (from the first B on, where the next symbol is
    certain; the course scores the same steps). ``strings``: share of strings
    n ≤ N that agree. ``horizon``: the largest n such that every string
    n' ≤ n agrees (tested up to ``tested_up_to``). The ``language_`` values do
    the same against the language, where the right label on a deterministic
    step is the one symbol that must come next (and ``language_fidelity``
    counts deterministic steps only, since the language leaves the others open).
    """

    fidelity: float
    strings: float
    horizon: int
    language_fidelity: float
    language_strings: float
    language_horizon: int
    tested_up_to: int

    @property
    def parts_ways(self) -> int | None:
        """The first n where the machine and the net disagree; None if they never do up to the test."""
        return self.horizon + 1 if self.horizon < self.tested_up_to else None


def agreement(machine: MooreMachine, visited: VisitedStates, max_n: int) -> Agreement:
    """Compare ``machine`` (run from its start over ``visited.read``) with the net and the language."""
    _, run = machine.run(visited.read[1:])
    labels = [machine.labels[machine.start], *run]
    net_ok = np.array([m == n for m, n in zip(labels, visited.labels, strict=True)])
    lang_ok = visited.language_ok(labels)
    certain, block = visited.certain, visited.block
    ns = range(1, visited.max_n + 1)
    net_string = {n: bool(net_ok[(block == n) & certain].all()) for n in ns}
    lang_string = {n: bool(lang_ok[(block == n) & certain].all()) for n in ns}
    train = (block >= 1) & (block <= max_n)
    train_certain = train & certain
    return Agreement(
        fidelity=float(net_ok[train].mean()),
        strings=float(np.mean([net_string[n] for n in range(1, max_n + 1)])),
        horizon=_horizon(net_string),
        language_fidelity=float(lang_ok[train_certain].mean()),
        language_strings=float(np.mean([lang_string[n] for n in range(1, max_n + 1)])),
        language_horizon=_horizon(lang_string),
        tested_up_to=visited.max_n,
    )


def _horizon(ok: dict[int, bool]) -> int:
    horizon = 0
    for n in sorted(ok):
        if not ok[n]:
            break
        horizon = n
    return horizon


@dataclass
class StateMachine:
    """A machine extracted from a net, with what it was extracted from and how well it fits."""

    machine: MooreMachine  # minimised; state 0 is the start
    quotient: MooreMachine  # the machine on the k clusters, before minimisation
    k: int
    visited: VisitedStates  # the start and strings n = 1..max_n that were clustered
    clusters: np.ndarray  # (P,) k-means cluster of each visited point
    assignment: np.ndarray  # (P,) machine state of each visited point
    centroids: np.ndarray  # (k, H) k-means cluster centres
    agreement: Agreement
    max_n: int
    found: bool = True  # False: no k met the automatic criteria; the best one is shown

    @property
    def determinism(self) -> float:
        """Share of the net's moves that follow the machine's transitions."""
        return self.quotient.determinism

    @property
    def state_centroids(self) -> np.ndarray:
        """(states, H) the mean visited state of each machine state (for overlays)."""
        return np.stack(
            [
                self.visited.points[self.assignment == s].mean(axis=0)
                for s in range(self.machine.size)
            ]
        )


def cluster(points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-means (scikit-learn, fixed seed, :data:`RESTARTS` restarts): labels (P,) and centres (k, H)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    # A few hundred points: OpenMP threads only wait for each other (and for the GUI).
    with warnings.catch_warnings(), threadpool_limits(1):
        # Near-duplicate points may leave fewer distinct clusters than k: harmless here.
        warnings.simplefilter("ignore")
        fit = KMeans(n_clusters=k, n_init=RESTARTS, random_state=SEED).fit(points)
    return fit.labels_.astype(int), fit.cluster_centers_


def machine_for_k(
    visited: VisitedStates, k: int
) -> tuple[MooreMachine, MooreMachine, np.ndarray, np.ndarray]:
    """Quotient machine on k clusters and its minimisation: (minimal, quotient, clusters, centres)."""
    distinct = visited.distinct
    if not 1 <= k <= distinct:
        raise UserError(
            f"k must be between 1 and {distinct}, the number of distinct states visited (got {k})"
        )
    clusters, centres = cluster(visited.points, k)
    quotient = quotient_machine(
        clusters, visited.labels, visited.moves, 0, visited.language.symbols
    )
    minimal, _ = minimise(quotient)
    return minimal, quotient, clusters, centres


def fidelity_curve(visited: VisitedStates, ks: list[int] | range) -> list[dict]:
    """Per k: ``k``, ``fidelity`` (against the net, n ≤ N), ``determinism``, ``states`` (for the k slider)."""
    rows = []
    for k in ks:
        minimal, quotient, _, _ = machine_for_k(visited, int(k))
        fit = agreement(minimal, visited, visited.max_n)
        rows.append(
            {
                "k": int(k),
                "fidelity": fit.fidelity,
                "determinism": quotient.determinism,
                "states": minimal.size,
            }
        )
    return rows


def extract_state_machine(
    model: RecurrentNet,
    lang: str | Language,
    max_n: int = 4,
    k: int | None = None,
    state: str | None = None,
    threshold: float = THRESHOLD,
    test_up_to: int | None = None,
) -> StateMachine:
    """Extract the machine of ``model`` from strings n = 1..max_n.

    Parameters
    ----------
    k
        Number of clusters; None chooses the smallest k whose machine agrees
        with the net at every deterministic step for n ≤ max_n and is at least
        :data:`MIN_DETERMINISM` deterministic (:func:`search_k`, up to
        :data:`MAX_AUTO_K` clusters).
    state
        ``hidden`` or ``cell`` (LSTM only); None: cell for an LSTM, hidden for an SRN.
    test_up_to
        Largest n for the horizons (default 3·max_n).
    """
    check_int("the largest n", max_n, 1, MAX_N)
    test_up_to = max(test_up_to or 3 * max_n, max_n)
    everything = visited_states(model, lang, test_up_to, state, threshold, warm_up=max_n)
    visited = everything.upto(max_n)
    if k is None:
        k, found, _, made = run_to_end(_search_k(visited, max_n, extend=False))
        minimal, quotient, clusters, centres = made
    else:
        found, (minimal, quotient, clusters, centres) = True, machine_for_k(visited, k)
    _, new_of = minimise(quotient)
    return StateMachine(
        machine=minimal,
        quotient=quotient,
        k=k,
        visited=visited,
        clusters=clusters,
        assignment=new_of[clusters],
        centroids=centres,
        agreement=agreement(minimal, everything, max_n),
        max_n=max_n,
        found=found,
    )


def search_k(
    visited: VisitedStates, max_n: int, extend: bool = False
) -> ProgressGenerator[tuple[int, bool, list[dict]]]:
    """The automatic k, one k-means per step (a yield between them, so the GUI can cancel).

    The one k search: :func:`extract_state_machine` (and so the command line)
    and the tab's machine study both choose k here.

    Returns ``(k, found, curve)``: the smallest k whose machine gets every
    string n ≤ ``max_n`` right at the deterministic steps (fewer clusters
    than the labels there never can) and is at least :data:`MIN_DETERMINISM`
    deterministic (``found``), else the best k tried. ``curve`` has a row per
    k tried (``k``, ``fidelity``, ``determinism``, ``states``); with
    ``extend`` it starts at k = 1 and runs on past the automatic k to twice
    it (at most :data:`MAX_CURVE_K`), so the k slider's curve shows why it
    was chosen. The search stops at :data:`MAX_AUTO_K` clusters: a net that
    needs more (an untrained or half-trained one) has no small machine to show.
    """
    k, found, curve, _ = yield from _search_k(visited, max_n, extend)
    return k, found, curve


def _search_k(visited: VisitedStates, max_n: int, extend: bool):
    """:func:`search_k`, also returning ``machine_for_k``'s result at the chosen k (no k-means twice)."""
    certain = {label for label, c in zip(visited.labels, visited.certain, strict=True) if c}
    top = min(visited.distinct, MAX_AUTO_K)
    floor = max(1, min(len(certain), top))  # the smallest k that may be chosen
    auto, best, best_key, curve = None, None, None, []
    for k in range(1 if extend else floor, top + 1):
        yield Progress(k, top, f"trying k = {k}…")
        made = machine_for_k(visited, k)
        minimal, quotient = made[0], made[1]
        fit = agreement(minimal, visited, max_n)
        curve.append({"k": k, "fidelity": fit.fidelity, "determinism": quotient.determinism, "states": minimal.size})
        if auto is None and k >= floor:
            if fit.strings == 1.0 and quotient.determinism >= MIN_DETERMINISM:
                auto = (k, made)
            key = (fit.strings, fit.fidelity, quotient.determinism)
            if best_key is None or key > best_key:
                best, best_key = (k, made), key
        if auto is not None and k >= (min(MAX_CURVE_K, max(2 * auto[0], auto[0] + 8)) if extend else auto[0]):
            break
    chosen, found = (auto, True) if auto is not None else (best, False)
    return chosen[0], found, curve, chosen[1]


def untrained_baseline(
    kind: str, lang: str | Language, hidden: int, seed: int = 0, **options
) -> StateMachine:
    """The same extraction on a freshly initialised net (Tiňo et al. 2004: the architectural bias)."""
    lang = get_language(lang)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        net = make_model(kind, lang.size, hidden)
    return extract_state_machine(net, lang, **options)


def states_needed_curve(
    model: RecurrentNet, lang: str | Language, max_ns: list[int] | range, **options
) -> list[dict]:
    """Per N: the net's machine size (automatic k), the language's minimal size and the horizon."""
    from explorer.core.recurrent.language_machine import minimal_states

    rows = []
    for n in max_ns:
        found = extract_state_machine(model, lang, int(n), **options)
        rows.append(
            {
                "max_n": int(n),
                "net_states": found.machine.size,
                "language_states": minimal_states(lang, int(n)),
                "k": found.k,
                "agrees_up_to": found.agreement.horizon,
                "found": found.found,
            }
        )
    return rows
