"""Everything the recurrent tab shows about a net's machine, computed in one go (off the GUI thread).

:func:`study_machine` is a progress generator (run it with the GUI's ``Task``
or iterate it on the command line) that returns a :class:`MachineStudy`: the
machine at the automatic k (or the k asked for), the fidelity-against-k
curve behind the k slider, the states-needed-against-N curve of the net
beside the language's minimal machine and an untrained net of the same shape
(the architectural-bias baseline, Tiňo et al. 2004), the ladder layout of the
diagram and, per visited point, the course's state value (the views' colour
and the 3-D view's optional state axis).

:func:`machine_at_k` re-extracts at another k (the slider), reusing nothing
but cheap: one k-means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from explorer.core.bounds import check_int
from explorer.core.progress import Progress, ProgressGenerator
from explorer.core.recurrent.fsm_layout import machine_layout
from explorer.core.recurrent.language_machine import block_text, minimal_states
from explorer.core.recurrent.languages import Language, get_language, sequence_for_ns
from explorer.core.recurrent.models import RecurrentNet
from explorer.core.recurrent.state_machine import (
    MAX_N,
    MIN_DETERMINISM,
    THRESHOLD,
    StateMachine,
    VisitedStates,
    agreement,
    extract_state_machine,
    machine_for_k,
    untrained_baseline,
    visited_states,
)

#: The fidelity curve runs up to this many clusters at most (each k is one k-means).
MAX_CURVE_K = 60
#: The automatic k is searched up to this many clusters (the shipped nets need at most 55).
MAX_AUTO_K = 80


@dataclass
class MachineStudy:
    """A net's extracted machine and the curves that explain it."""

    found: StateMachine
    auto_k: int  # the automatic choice (equal to found.k unless a k was asked for)
    curve: list[dict]  # per k: k, fidelity, determinism, states
    needed: list[dict]  # per N: max_n, net_states, language_states, k, agrees_up_to, found
    baseline: list[int]  # per N: states of the untrained net's machine
    layout: dict[int, tuple[float, float]]
    values: np.ndarray  # (P,) course state value of each visited point
    threshold: float = THRESHOLD
    labels: dict = field(default_factory=dict)  # free-form notes for titles (language, model…)


def point_values(lang: str | Language, max_n: int) -> np.ndarray:
    """(P,) course state value of each point of :func:`visited_states` (the start first)."""
    lang = get_language(lang)
    seq = sequence_for_ns(lang, [max_n, *range(1, max_n + 1)])
    warm = len(block_text(lang, max_n))
    return np.asarray(seq.states[warm - 1 :], dtype=float)


def machine_at_k(model: RecurrentNet, lang: str | Language, max_n: int, k: int, state: str | None = None) -> StateMachine:
    """The machine at a chosen ``k`` (the k slider); raises UserError for a k out of range."""
    return extract_state_machine(model, lang, max_n, k=k, state=state)


def search_k(visited: VisitedStates, max_n: int, extend: bool = False) -> ProgressGenerator[tuple[int, bool, list[dict]]]:
    """The automatic k, as :func:`~explorer.core.recurrent.state_machine.extract_state_machine` chooses it,
    one k-means per step (a yield between them, so the GUI can cancel), with the fidelity curve on the way.

    Returns ``(k, found, curve)``: the smallest k whose machine gets every
    string n ≤ ``max_n`` right at the deterministic steps and is at least
    :data:`MIN_DETERMINISM` deterministic (``found``), else the best k tried;
    ``curve`` has a row per k tried (with ``extend``, on past the automatic k
    to twice it, so the k slider's curve shows why it was chosen). The
    search stops at :data:`MAX_AUTO_K` clusters: a net that needs more (an
    untrained or half-trained one) has no small machine to show.
    """
    certain = {label for label, c in zip(visited.labels, visited.certain, strict=True) if c}
    top = min(visited.distinct, MAX_AUTO_K)
    auto, best, best_key, curve = None, 1, None, []
    for k in range(1, top + 1):
        yield Progress(k, top, f"trying k = {k}…")
        minimal, quotient, _, _ = machine_for_k(visited, k)
        fit = agreement(minimal, visited, max_n)
        curve.append({"k": k, "fidelity": fit.fidelity, "determinism": quotient.determinism, "states": minimal.size})
        if auto is None and k >= len(certain):
            if fit.strings == 1.0 and quotient.determinism >= MIN_DETERMINISM:
                auto = k
            key = (fit.strings, fit.fidelity, quotient.determinism)
            if best_key is None or key > best_key:
                best, best_key = k, key
        if auto is not None and k >= (min(MAX_CURVE_K, max(2 * auto, auto + 8)) if extend else auto):
            break
    return (auto, True, curve) if auto is not None else (best, False, curve)


def study_machine(
    model: RecurrentNet,
    lang: str | Language,
    max_n: int,
    state: str | None = None,
    k: int | None = None,
) -> ProgressGenerator[MachineStudy]:
    """Extract the machine of ``model`` and the curves around it (a few seconds for the shipped nets).

    It yields between k-means runs: the GUI cancels at a yield (a closing tab waits for it).
    """
    lang = get_language(lang)
    check_int("the largest n", max_n, 1, MAX_N)
    everything = visited_states(model, lang, 3 * max_n, state, warm_up=max_n)
    visited = everything.upto(max_n)
    auto_k, found_k, curve = yield from search_k(visited, max_n, extend=True)
    found = extract_state_machine(model, lang, max_n, k=k or auto_k, state=state)
    found.found = found_k or k is not None
    needed: list[dict] = []
    baseline: list[int] = []
    for n in range(1, max_n + 1):
        small = visited.upto(n)
        n_k, n_found, _ = (auto_k, found_k, None) if n == max_n else (yield from search_k(small, n))
        at_n = extract_state_machine(model, lang, n, k=n_k, state=state)
        needed.append({"max_n": n, "net_states": at_n.machine.size, "language_states": minimal_states(lang, n),
                       "k": n_k, "agrees_up_to": at_n.agreement.horizon, "found": n_found})
        with torch.no_grad():  # the untrained baseline: the same extraction on a fresh net
            baseline.append(untrained_baseline(model.kind, lang, model.num_hid, max_n=n, state=state).machine.size)
    return MachineStudy(
        found=found,
        auto_k=auto_k,
        curve=curve,
        needed=needed,
        baseline=baseline,
        layout=machine_layout(found),
        values=point_values(lang, max_n),
    )


def restudy_at_k(study: MachineStudy, model: RecurrentNet, k: int) -> MachineStudy:
    """The same study with the machine at ``k`` (curves kept: they do not depend on k)."""
    v = study.found.visited
    found = machine_at_k(model, v.language, study.found.max_n, k, v.state)
    return MachineStudy(found, study.auto_k, study.curve, study.needed, study.baseline,
                        machine_layout(found), study.values, study.threshold, dict(study.labels))
