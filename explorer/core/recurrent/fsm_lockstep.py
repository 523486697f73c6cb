"""The machine and the net side by side on one string, step by step (for the stepper's highlight).

:func:`follow_string` runs the net over a typed string from its own initial
state, and the extracted machine from its start, and gives per step: the
state the machine is in, the machine state whose cluster the net's actual
state falls in (nearest k-means centre), both output labels, and whether
they agree. A view highlights ``machine_states[t]`` in the diagram and marks
the steps where ``agree[t]`` is False.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.recurrent.languages import parse_string
from explorer.core.recurrent.models import RecurrentNet, trace
from explorer.core.recurrent.moore import label_of
from explorer.core.recurrent.state_machine import StateMachine


@dataclass
class Lockstep:
    """Per step t (after reading symbol t of the string)."""

    text: str  # the string, e.g. "AABBBBA"; step t reads text[t]
    machine_states: list[int | None]  # the machine run from its start (None once stuck)
    machine_labels: list[str | None]
    net_states: np.ndarray  # (T,) machine state of the cluster nearest to the net's state
    net_labels: list[str]  # the net's output label (symbols above the threshold)
    points: np.ndarray  # (T, H) the net's states, in the space that was clustered

    @property
    def agree(self) -> np.ndarray:
        """(T,) True where the machine predicts what the net predicts."""
        return np.array([m == n for m, n in zip(self.machine_labels, self.net_labels, strict=True)])


def state_of_cluster(found: StateMachine) -> np.ndarray:
    """(k,) the machine state each k-means cluster was merged into."""
    mapping = np.full(found.k, -1, dtype=int)
    mapping[found.clusters] = found.assignment
    return mapping


def nearest_states(found: StateMachine, points: np.ndarray) -> np.ndarray:
    """Machine state of the cluster centre nearest to each of ``points`` (N, H)."""
    points = np.asarray(points, dtype=np.float64)
    distances = ((points[:, None, :] - found.centroids[None, :, :]) ** 2).sum(axis=-1)
    return state_of_cluster(found)[distances.argmin(axis=1)]


def follow_string(found: StateMachine, model: RecurrentNet, text: str) -> Lockstep:
    """Run ``model`` and ``found.machine`` over ``text`` (must start with A) in lockstep."""
    lang = found.visited.language
    seq = parse_string(lang, text)
    tr = trace(model, seq.inputs)
    points = tr.cell if found.visited.state == "cell" else tr.hidden
    read = seq.text[:-1]
    machine_states, machine_labels = found.machine.run(read)
    return Lockstep(
        text=seq.text,
        machine_states=machine_states,
        machine_labels=machine_labels,
        net_states=nearest_states(found, points),
        net_labels=[label_of(p, lang.symbols, found.visited.threshold) for p in tr.probabilities],
        points=np.asarray(points),
    )
