"""The language's own minimal machine, against the closed form derived in docs/state_machines.md."""

import pytest

from explorer.core.errors import UserError
from explorer.core.recurrent.fsm_layout import language_layout
from explorer.core.recurrent.language_machine import (
    language_machine,
    minimal_states,
    minimal_states_formula,
    prefix_machine,
)


@pytest.mark.parametrize("n", range(1, 7))
def test_anb2n_needs_3n_states(n):
    assert minimal_states("anb2n", n) == minimal_states_formula("anb2n", n) == 3 * n


@pytest.mark.parametrize("n", range(1, 7))
def test_anb2nc3n_needs_n_squared_plus_4n_plus_1_states(n):
    assert (
        minimal_states("anb2nc3n", n) == minimal_states_formula("anb2nc3n", n) == n * n + 4 * n + 1
    )


@pytest.mark.parametrize("lang", ["anbn", "anb3nc2n", "anbnc1n"])
def test_other_languages_match_the_general_closed_form(lang):
    assert [minimal_states(lang, n) for n in range(1, 7)] == [
        minimal_states_formula(lang, n) for n in range(1, 7)
    ]


def test_minimisation_really_merges_the_prefix_tree():
    trie, prefixes = prefix_machine("anb2nc3n", 4)
    assert trie.size == len(prefixes) > minimal_states("anb2nc3n", 4) == 33


def test_anb2n_up_to_two_is_the_counter_students_draw():
    machine = language_machine("anb2n", 2)
    # start -A-> a1 -A-> a2; a1 -B-> one B left -B-> start; a2 -B-> 3 left -B-> 2 left -B-> 1 left.
    assert machine.labels == ["A", "AB", "B", "B", "B", "B"]
    moves = {(t.source, t.symbol): t.target for t in machine.transitions.values()}
    assert moves == {
        (0, "A"): 1,
        (1, "A"): 2,
        (1, "B"): 3,
        (2, "B"): 4,
        (3, "B"): 0,
        (4, "B"): 5,
        (5, "B"): 3,
    }
    _, labels = machine.run("AABBBB" + "ABB")
    assert labels == ["AB", "B", "B", "B", "B", "A", "AB", "B", "A"]


def test_layout_reads_the_counter_as_a_ladder():
    layout = language_layout("anb2n", 3)
    machine = language_machine("anb2n", 3)
    states, _ = machine.run("AAABBBBBB")
    assert layout[0] == (0.0, 0.0)
    assert [layout[s] for s in states[:3]] == [(1.0, 0.0), (2.0, 0.0), (3.0, 0.0)]
    # B's still to come / 2, on the row below, running back to the start.
    assert [layout[s][0] for s in states[3:8]] == [2.5, 2.0, 1.5, 1.0, 0.5]
    assert all(layout[s][1] == 1.0 for s in states[3:8]) and states[8] == 0


def test_n_below_one_is_refused():
    with pytest.raises(UserError, match="at least 1"):
        minimal_states("anb2n", 0)
