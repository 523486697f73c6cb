"""Moore machines: quotient by clusters, minimisation from the output partition, runs, DOT."""

import re

import numpy as np
import pytest

from explorer.core.recurrent.moore import (
    MooreMachine,
    Transition,
    label_of,
    minimise,
    quotient_machine,
    to_dot,
    to_networkx,
)


def _machine(labels, moves, start=0, alphabet="AB"):
    transitions = {(s, a): Transition(s, a, t, 1, 1) for s, a, t in moves}
    return MooreMachine(alphabet, labels, start, transitions, [1] * len(labels))


def test_label_is_the_symbols_above_the_threshold():
    assert label_of(np.array([0.65, 0.35]), "AB", 0.3) == "AB"
    assert label_of(np.array([0.75, 0.25]), "AB", 0.3) == "A"
    assert label_of(np.array([0.1, 0.1, 0.8]), "ABC", 0.3) == "C"


def test_quotient_keeps_the_most_common_next_cluster_with_its_share():
    # Points 0..4; clusters 0, 1, 1, 0, 1. Cluster 1 on B goes to cluster 0 twice and to 1 once.
    clusters = np.array([0, 1, 1, 0, 1])
    labels = ["A", "B", "B", "A", "AB"]
    moves = [(0, "A", 1), (1, "B", 3), (2, "B", 0), (4, "B", 2), (3, "A", 4)]
    machine = quotient_machine(clusters, labels, moves, 0, "AB")
    assert machine.labels == ["A", "B"]  # cluster 1: B twice, AB once
    move = machine.transitions[(1, "B")]
    assert (move.target, move.count, move.total) == (0, 2, 3)
    assert move.share == pytest.approx(2 / 3)
    assert machine.determinism == pytest.approx(4 / 5)
    assert machine.visits == [2, 3]


def test_minimise_merges_states_with_equal_futures_and_numbers_from_the_start():
    # A 4-cycle A, B, A, B with labels alternating merges to a 2-cycle; state 4 is unreachable.
    machine = _machine(
        ["B", "A", "B", "A", "A"],
        [(0, "A", 1), (1, "B", 2), (2, "A", 3), (3, "B", 0), (4, "A", 0)],
        start=2,
    )
    small, new_of = minimise(machine)
    assert small.size == 2 and small.start == 0
    assert small.labels == ["B", "A"]
    assert new_of.tolist() == [0, 1, 0, 1, -1]
    assert small.transitions[(0, "A")].target == 1 and small.transitions[(1, "B")].target == 0
    assert small.transitions[(0, "A")].count == 2  # two merged moves


def test_minimise_keeps_states_whose_futures_differ():
    # Same labels, but state 1 reaches an "A" state in one B and state 2 in two.
    machine = _machine(["A", "B", "B", "B"], [(0, "A", 1), (1, "B", 2), (2, "B", 3), (3, "B", 0)])
    assert minimise(machine)[0].size == 4


def test_run_is_stuck_after_a_missing_move():
    machine = _machine(["A", "B"], [(0, "A", 1), (1, "B", 0)])
    states, labels = machine.run("ABAA")
    assert states == [1, 0, 1, None] and labels == ["B", "A", "B", None]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot on new pyparsing
def test_dot_is_well_formed_and_parses():
    machine = _machine(["A", "AB", "B"], [(0, "A", 1), (1, "A", 1), (1, "B", 2), (2, "B", 0)])
    text = to_dot(machine, 'my "net"')
    nodes = set(re.findall(r"^\s+(s\d+) \[", text, flags=re.M))
    edges = re.findall(r"^\s+(s\d+) -> (s\d+) \[", text, flags=re.M)
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}") == 1
    assert nodes == {"s0", "s1", "s2"} and len(edges) == 4
    assert all(a in nodes and b in nodes for a, b in edges)
    pydot = pytest.importorskip("pydot")
    (graph,) = pydot.graph_from_dot_data(text)
    assert {n.get_name() for n in graph.get_nodes()} >= nodes
    labels = sorted(e.get_label().strip('"') for e in graph.get_edges() if e.get_label())
    assert labels == ["A (1)", "A (1)", "B (1)", "B (1)"]


def test_networkx_graph_has_the_states_and_moves():
    machine = _machine(["A", "B"], [(0, "A", 1), (1, "B", 0)])
    graph = to_networkx(machine)
    assert graph.number_of_nodes() == 2 and graph.number_of_edges() == 2
    assert graph.nodes[0]["start"] and graph.edges[0, 1, "A"]["count"] == 1
