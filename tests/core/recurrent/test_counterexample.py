"""The shortest string where a machine and its net part ways, against machines whose first error is known."""

import dataclasses

import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.recurrent.counterexample import (
    language_strings,
    search_counterexample,
    shortest_counterexample,
)
from explorer.core.recurrent.language_machine import language_machine
from explorer.core.recurrent.languages import string_for_n
from explorer.core.recurrent.moore import MooreMachine
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.weights import load_pretrained


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def lstm3():
    """The shipped LSTM-3 on a^n b^2n c^3n: its own predictions are right at every certain step to n = 8."""
    net = load_pretrained("anb2nc3n", "lstm", 3)
    with torch.random.fork_rng():
        torch.set_num_threads(1)
        found = extract_state_machine(net.model, net.language, 4)
    return net, found


def _with_machine(found, machine: MooreMachine):
    return dataclasses.replace(found, machine=machine)


def test_a_machine_that_knows_n_up_to_4_parts_with_the_net_at_n_5(lstm3):
    net, found = lstm3
    hand = _with_machine(found, language_machine("anb2nc3n", 4))  # exact for n ≤ 4, no fifth A
    result = shortest_counterexample(hand, net.model)
    assert result.found and result.text == string_for_n("anb2nc3n", 5)
    assert result.step == 5  # the first certain step: after the first B
    assert result.machine_label is None and result.net_label == "B"
    assert result.checked == 5
    assert "AAAAAB" in result.summary and "stuck" in result.summary


def test_a_machine_with_one_wrong_label_at_n_5_gives_that_string(lstm3):
    net, found = lstm3
    machine = language_machine("anb2nc3n", 6)
    states, _ = machine.run("AAAAAB")  # only strings with five A's pass this state
    labels = list(machine.labels)
    labels[states[-1]] = "C"
    hand = _with_machine(found, dataclasses.replace(machine, labels=labels))
    result = shortest_counterexample(hand, net.model)
    assert result.text == "AAAAA" + "B" * 10 + "C" * 15 + "A"
    assert (result.step, result.machine_label, result.net_label) == (5, "C", "B")
    # the right machine up to n = 6 agrees with the net on every string up to the bound
    right = shortest_counterexample(_with_machine(found, machine), net.model, max_length=36)
    assert not right.found and right.checked == 6 and "up to length 36" in right.summary


def test_the_shipped_srn2_machine_from_n_up_to_4_parts_with_the_net_at_n_5():
    net = load_pretrained("anb2n", "srn", 2)
    found = extract_state_machine(net.model, net.language, 4)
    assert found.machine.size == 12  # the count
    result = shortest_counterexample(found, net.model)
    assert result.text == string_for_n("anb2n", 5) == "AAAAA" + "B" * 10 + "A"


def test_strings_in_order_of_length_and_the_bound():
    assert list(language_strings("anb2n", 8)) == ["ABBA", "AABBBBA"]
    dyck = list(language_strings("dyck1", 8))
    assert [s[:-1].replace("A", "(").replace("B", ")") for s in dyck] == [
        "()", "(())", "((()))", "(()())", "(((())))", "((()()))", "((())())", "(()(()))", "(()()())"
    ]
    assert [len(list(language_strings("dyck1", 2 * m))) for m in range(1, 8)] == [1, 2, 4, 9, 23, 65, 197]
    net = load_pretrained("anb2n", "srn", 2)
    found = extract_state_machine(net.model, net.language, 2)
    with pytest.raises(UserError, match="longest string"):
        shortest_counterexample(found, net.model, max_length=10_000)
    records = []
    gen = search_counterexample(found, net.model, 12)
    while True:
        try:
            records.append(next(gen))
        except StopIteration:
            break
    assert records and records[0].message == "strings of length 3"
