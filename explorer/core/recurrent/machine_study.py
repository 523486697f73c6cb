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

from explorer.core.progress import Progress, ProgressGenerator
from explorer.core.recurrent.fsm_layout import machine_layout
from explorer.core.recurrent.language_machine import block_text
from explorer.core.recurrent.languages import Language, get_language, sequence_for_ns
from explorer.core.recurrent.models import RecurrentNet
from explorer.core.recurrent.state_machine import (
    THRESHOLD,
    StateMachine,
    extract_state_machine,
    fidelity_curve,
    states_needed_curve,
    untrained_baseline,
)

#: The fidelity curve runs up to this many clusters at most (each k is one k-means).
MAX_CURVE_K = 60


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
    """Extract the machine of ``model`` and the curves around it (about a second or two for the shipped nets)."""
    lang = get_language(lang)
    # Yield often: the GUI cancels at a yield (a closing tab waits for it).
    yield Progress(0, 3, "extracting the machine…")
    auto = extract_state_machine(model, lang, max_n, state=state)
    found = auto if k is None or k == auto.k else extract_state_machine(model, lang, max_n, k=k, state=state)
    top = min(found.visited.distinct, MAX_CURVE_K, max(2 * auto.k, auto.k + 8))
    curve: list[dict] = []
    for j in range(1, top + 1):
        yield Progress(1 + j / top, 3, "fidelity against k…")
        curve += fidelity_curve(found.visited, [j])
    needed: list[dict] = []
    baseline: list[int] = []
    for n in range(1, max_n + 1):
        yield Progress(2 + n / max_n, 3, "states needed against N…")
        needed += states_needed_curve(model, lang, [n], state=state)
        with torch.no_grad():  # the untrained baseline: the same extraction on a fresh net
            baseline.append(untrained_baseline(model.kind, lang, model.num_hid, max_n=n, state=state).machine.size)
    return MachineStudy(
        found=found,
        auto_k=auto.k,
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
