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
from explorer.core.progress import ProgressGenerator
from explorer.core.recurrent.fsm_layout import machine_layout
from explorer.core.recurrent.language_machine import block_text, minimal_states
from explorer.core.recurrent.languages import Language, get_language, sequence_for_ns
from explorer.core.recurrent.models import RecurrentNet
from explorer.core.recurrent.state_machine import (
    MAX_N,
    THRESHOLD,
    StateMachine,
    extract_state_machine,
    search_k,
    untrained_baseline,
    visited_states,
)


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
