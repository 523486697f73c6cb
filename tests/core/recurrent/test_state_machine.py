"""Extracting the machine inside a net: a hand-set net, the shipped nets, the untrained baseline."""

import numpy as np
import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.recurrent.fsm_layout import machine_layout
from explorer.core.recurrent.language_machine import minimal_states
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.state_machine import (
    extract_state_machine,
    fidelity_curve,
    states_needed_curve,
    untrained_baseline,
    visited_states,
)
from explorer.core.recurrent.weights import load_pretrained


def hand_set_srn():
    """A 2-unit SRN that knows a b b exactly: corners (+,+) after A, (−,+) after AB, (−,−) after ABB.

    Unit 1 is +1 after an A and −1 after a B; unit 2 is +1 after an A and
    copies unit 1 after a B; the output says B while unit 2 is +1, else A.
    """
    net = make_model("srn", 2, 2)
    with torch.no_grad():
        net.H0.copy_(torch.tensor([-10.0, -10.0]))
        net.W.copy_(torch.tensor([[10.0, 20.0], [-10.0, 0.0]]))
        net.U.copy_(torch.tensor([[0.0, 10.0], [0.0, 0.0]]))
        net.hid_bias.zero_()
        net.V.copy_(torch.tensor([[0.0, 0.0], [-5.0, 5.0]]))
        net.out_bias.zero_()
    return net


def test_hand_set_net_yields_its_three_state_machine():
    found = extract_state_machine(hand_set_srn(), "anb2n", max_n=1)
    machine = found.machine
    assert found.found and found.k == 3 and machine.size == 3
    assert machine.start == 0 and machine.labels == ["A", "B", "B"]
    moves = {(t.source, t.symbol): t.target for t in machine.transitions.values()}
    assert moves == {(0, "A"): 1, (1, "B"): 2, (2, "B"): 0}
    assert found.determinism == 1.0 and found.agreement.fidelity == 1.0
    # It knows nothing of n = 2 (AABBBB): net and machine part ways there, and the language too.
    assert found.agreement.horizon == 1 and found.agreement.parts_ways == 2
    assert found.agreement.language_horizon == 1
    # The centroids are the corners the weights put the states in.
    assert np.allclose(found.state_centroids, [[-1, -1], [1, 1], [-1, 1]], atol=1e-3)


def test_manual_k_overrides_and_bad_k_is_refused():
    net = hand_set_srn()
    one = extract_state_machine(net, "anb2n", max_n=1, k=1)
    assert one.k == 1 and one.machine.size == 1 and one.agreement.fidelity < 1
    with pytest.raises(UserError, match="between 1 and 3"):
        extract_state_machine(net, "anb2n", max_n=1, k=4)
    with pytest.raises(UserError, match="between 1 and"):
        extract_state_machine(net, "anb2n", max_n=1, k=0)
    with pytest.raises(UserError, match="no cell state"):
        extract_state_machine(net, "anb2n", max_n=1, state="cell")


def test_visited_states_start_after_a_whole_string():
    visited = visited_states(hand_set_srn(), "anb2n", 2)
    assert visited.read[1:] == "ABB" + "AABBBB" and visited.block.tolist()[:4] == [0, 1, 1, 1]
    assert visited.labels[0] == "A"  # the start predicts the A that begins a string
    assert np.allclose(visited.points[0], [-1, -1], atol=1e-3)


@pytest.fixture(scope="module")
def shipped():
    """The shipped SRN-2 and LSTM-3 with their machines, extracted once for all tests here."""
    nets = {}
    for lang, model, hidden in [("anb2n", "srn", 2), ("anb2nc3n", "lstm", 3)]:
        net = load_pretrained(lang, model, hidden)
        nets[model] = (net, extract_state_machine(net.model, lang, max_n=net.L))
    return nets


@pytest.mark.parametrize(
    ("lang", "model", "state"), [("anb2n", "srn", "hidden"), ("anb2nc3n", "lstm", "cell")]
)
def test_shipped_nets_yield_machines_that_agree_up_to_the_training_n(shipped, lang, model, state):
    net, found = shipped[model]
    fit = found.agreement
    assert found.found and found.visited.state == state and found.determinism >= 0.95
    assert fit.strings == 1.0 and fit.horizon >= net.L
    assert fit.language_strings == 1.0 and fit.language_horizon >= net.L
    # Built from n ≤ L only, it cannot count further: it parts ways with the net right after.
    assert fit.parts_ways == net.L + 1
    # Right on every string n ≤ L, it needs at least the states the language needs.
    assert found.machine.size >= minimal_states(lang, net.L)
    # The ladder: reading A's from the start walks along row 0 to the right.
    layout = machine_layout(found)
    states, _ = found.machine.run("A" * net.L)
    assert layout[found.machine.start] == (0.0, 0.0)
    assert [layout[s] for s in states] == [(float(j), 0.0) for j in range(1, net.L + 1)]
    # The k-slider curve: at the chosen k the fidelity is what the machine reports.
    (row,) = fidelity_curve(found.visited, [found.k])
    assert row["states"] == found.machine.size and row["fidelity"] == pytest.approx(fit.fidelity)


def test_untrained_net_is_the_baseline_that_does_not_know_the_language(shipped):
    baseline = untrained_baseline("lstm", "anb2nc3n", 3, max_n=4)
    assert baseline.agreement.language_strings == 0.0 and baseline.agreement.language_horizon == 0
    assert shipped["lstm"][1].machine.size > baseline.machine.size


def test_states_needed_grow_with_n_for_the_net_and_the_language(shipped):
    net, _ = shipped["srn"]
    rows = states_needed_curve(net.model, "anb2n", [1, 2, 3])
    assert [r["language_states"] for r in rows] == [3, 6, 9]
    assert all(r["found"] and r["agrees_up_to"] >= r["max_n"] for r in rows)
    # More n to get right takes more states, for the net's machine as for the language's.
    assert rows[0]["net_states"] < rows[1]["net_states"] < rows[2]["net_states"]


def test_lstm_cell_state_holds_exactly_the_language_machine(shipped):
    net, found = shipped["lstm"]
    assert found.machine.size == minimal_states("anb2nc3n", net.L) == 33
