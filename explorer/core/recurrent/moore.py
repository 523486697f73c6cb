"""Moore machines: the quotient of a net's visited states, Moore minimisation, running, DOT.

A :class:`MooreMachine` has numbered states, each labelled with its output
(the set of symbols predicted next, written as a string such as ``"AB"``), a
start state and at most one transition per (state, symbol). Transitions carry
how often they were seen (``count``) out of all moves from that state on that
symbol (``total``); ``count / total`` is the transition's determinism.
Missing transitions are allowed (a partial machine): a run that needs one is
*stuck* and outputs nothing from then on.

Nothing here knows about nets; :mod:`explorer.core.recurrent.state_machine`
builds machines from a net and :mod:`explorer.core.recurrent.language_machine`
from a language.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Transition:
    """``source --symbol--> target``, seen ``count`` times out of ``total`` moves on ``symbol``."""

    source: int
    symbol: str
    target: int
    count: int
    total: int

    @property
    def share(self) -> float:
        """Determinism of this move: the share of moves on ``symbol`` that went to ``target``."""
        return self.count / self.total if self.total else 1.0


@dataclass
class MooreMachine:
    """A (possibly partial) deterministic Moore machine over ``alphabet``."""

    alphabet: str
    labels: list[str]  # per state: the symbols it predicts next, e.g. "AB"
    start: int
    transitions: dict[tuple[int, str], Transition] = field(default_factory=dict)
    visits: list[int] = field(default_factory=list)  # per state: how many visited points it holds

    @property
    def size(self) -> int:
        """Number of states."""
        return len(self.labels)

    @property
    def determinism(self) -> float:
        """Share of all observed moves that follow the machine's (majority) transition."""
        total = sum(t.total for t in self.transitions.values())
        return sum(t.count for t in self.transitions.values()) / total if total else 1.0

    def next_state(self, state: int | None, symbol: str) -> int | None:
        """The state after reading ``symbol`` in ``state``; None when there is no such move."""
        if state is None:
            return None
        move = self.transitions.get((state, symbol))
        return move.target if move else None

    def run(self, text: str, state: int | None = None) -> tuple[list[int | None], list[str | None]]:
        """States and labels after each symbol of ``text``, from ``state`` (default: the start).

        Once a move is missing the machine is stuck: the remaining states and
        labels are None.
        """
        state = self.start if state is None else state
        states: list[int | None] = []
        labels: list[str | None] = []
        for symbol in text:
            state = self.next_state(state, symbol)
            states.append(state)
            labels.append(None if state is None else self.labels[state])
        return states, labels


def label_of(probabilities: np.ndarray, alphabet: str, threshold: float) -> str:
    """The output label of one prediction: the symbols whose probability is above ``threshold``."""
    return "".join(s for s, p in zip(alphabet, probabilities, strict=True) if p > threshold)


def quotient_machine(
    clusters: np.ndarray,
    labels: list[str],
    moves: list[tuple[int, str, int]],
    start_point: int,
    alphabet: str,
) -> MooreMachine:
    """The machine whose states are the clusters of visited points.

    Parameters
    ----------
    clusters
        (P,) cluster index 0..k−1 of each visited point.
    labels
        (P,) output label of each point; a cluster takes its most common label.
    moves
        ``(i, symbol, j)``: reading ``symbol`` took point ``i`` to point ``j``.
        Per (cluster, symbol) the machine keeps the most common next cluster.
    start_point
        The point the net starts from; its cluster is the start state.
    alphabet
        The input symbols, e.g. ``"AB"``.
    """
    clusters = np.asarray(clusters, dtype=int)
    k = int(clusters.max()) + 1 if len(clusters) else 0
    votes: list[Counter] = [Counter() for _ in range(k)]
    for point, label in enumerate(labels):
        votes[clusters[point]][label] += 1
    # Ties go to the alphabetically first label so the result does not depend on point order.
    state_labels = [
        min(v.items(), key=lambda item: (-item[1], item[0]))[0] if v else "" for v in votes
    ]
    nexts: dict[tuple[int, str], Counter] = {}
    for i, symbol, j in moves:
        nexts.setdefault((int(clusters[i]), symbol), Counter())[int(clusters[j])] += 1
    transitions = {}
    for (source, symbol), counter in nexts.items():
        target, count = min(counter.items(), key=lambda item: (-item[1], item[0]))
        transitions[(source, symbol)] = Transition(
            source, symbol, target, count, sum(counter.values())
        )
    visits = np.bincount(clusters, minlength=k).tolist()
    return MooreMachine(alphabet, state_labels, int(clusters[start_point]), transitions, visits)


def minimise(machine: MooreMachine) -> tuple[MooreMachine, np.ndarray]:
    """Moore's partition refinement from the output partition, then renumbering from the start.

    States unreachable from the start are dropped. Returns the minimal machine
    and, for each old state, its new state (−1 if dropped). New states are
    numbered in breadth-first order from the start (start = 0, symbols in
    alphabet order), so equal machines get equal numbers.
    """
    reachable = _reachable(machine)
    order = sorted(reachable)
    block = {s: machine.labels[s] for s in order}
    while True:
        signature = {
            s: (
                block[s],
                tuple(block.get(machine.next_state(s, a)) for a in machine.alphabet),
            )
            for s in order
        }
        ids: dict = {}
        refined = {s: ids.setdefault(signature[s], len(ids)) for s in order}
        if len(ids) == len(set(block.values())):
            break
        block = refined
    block = refined
    # Renumber blocks breadth-first from the start block.
    numbering: dict[int, int] = {}
    queue = deque([block[machine.start]])
    members: dict[int, list[int]] = {}
    for s in order:
        members.setdefault(block[s], []).append(s)
    while queue:
        b = queue.popleft()
        if b in numbering:
            continue
        numbering[b] = len(numbering)
        rep = members[b][0]
        for a in machine.alphabet:
            target = machine.next_state(rep, a)
            if target is not None and block[target] not in numbering:
                queue.append(block[target])
    new_of = np.full(machine.size, -1, dtype=int)
    for s in order:
        new_of[s] = numbering[block[s]]
    size = len(numbering)
    labels = [""] * size
    visits = [0] * size
    for s in order:
        labels[new_of[s]] = machine.labels[s]
        visits[new_of[s]] += machine.visits[s] if machine.visits else 0
    merged: dict[tuple[int, str], list[int]] = {}
    for (s, a), move in machine.transitions.items():
        if new_of[s] < 0:
            continue
        key = (int(new_of[s]), a)
        entry = merged.setdefault(key, [int(new_of[move.target]), 0, 0])
        entry[1] += move.count
        entry[2] += move.total
    transitions = {
        key: Transition(key[0], key[1], target, count, total)
        for key, (target, count, total) in sorted(merged.items())
    }
    return MooreMachine(machine.alphabet, labels, 0, transitions, visits), new_of


def _reachable(machine: MooreMachine) -> set[int]:
    seen = {machine.start}
    queue = deque([machine.start])
    while queue:
        s = queue.popleft()
        for a in machine.alphabet:
            t = machine.next_state(s, a)
            if t is not None and t not in seen:
                seen.add(t)
                queue.append(t)
    return seen


def to_dot(machine: MooreMachine, name: str = "machine") -> str:
    """Graphviz DOT text: states as circles labelled ``id: predicts``, the start doubled."""
    lines = [f'digraph "{_escape(name)}" {{', "  rankdir=LR;", "  node [shape=circle];"]
    lines.append('  __start [shape=point, label=""];')
    for s, label in enumerate(machine.labels):
        shape = "doublecircle" if s == machine.start else "circle"
        visits = machine.visits[s] if machine.visits else 0
        text = f"{s}: {label or '-'}"
        lines.append(f'  s{s} [shape={shape}, label="{_escape(text)}", visits={visits}];')
    lines.append(f"  __start -> s{machine.start};")
    most = max((t.count for t in machine.transitions.values()), default=1)
    for move in machine.transitions.values():
        text = f"{move.symbol} ({move.count})"
        width = 1 + 3 * move.count / most  # thickness by count, as in the app's diagram
        lines.append(
            f'  s{move.source} -> s{move.target} [label="{_escape(text)}", count={move.count},'
            f" penwidth={width:.2f}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_networkx(machine: MooreMachine):
    """The machine as a ``networkx.MultiDiGraph`` (node attrs label/visits/start, edge attrs symbol/count/share)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for s, label in enumerate(machine.labels):
        visits = machine.visits[s] if machine.visits else 0
        graph.add_node(s, label=label, visits=visits, start=s == machine.start)
    for move in machine.transitions.values():
        graph.add_edge(
            move.source,
            move.target,
            key=move.symbol,
            symbol=move.symbol,
            count=move.count,
            share=move.share,
        )
    return graph
