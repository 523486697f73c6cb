import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.recurrent.languages import (
    Language,
    certain_mask,
    get_language,
    parse_string,
    random_sequence,
    sequence_for_ns,
    string_for_n,
)

P = [0.8, 0.2]


def test_anb2n_n2_targets_and_states_by_hand():
    seq = sequence_for_ns("anb2n", [2])
    assert seq.text == "AABBBBA"
    # step t reads symbol t and predicts symbol t+1
    expected_targets = [P, P, [0, 1], [0, 1], [0, 1], [1, 0]]
    np.testing.assert_allclose(seq.targets, expected_targets)
    # course state per symbol: first A 0, second A 1, first B n=2, second B 2, then 1.5, 1, next A 0
    np.testing.assert_allclose(seq.symbol_states, [0, 1, 2, 2, 1.5, 1, 0])
    # colour of the hidden state after each step = next symbol's value (course seq_plot state[1:])
    np.testing.assert_allclose(seq.states, [1, 2, 2, 1.5, 1, 0])
    assert seq.certain.tolist() == [False, False, True, True, True, True]
    assert seq.labels.tolist() == [0, 1, 1, 1, 1, 0]
    assert seq.inputs.shape == (6, 2)


def test_anb2nc3n_n2_c_states_and_targets():
    seq = sequence_for_ns("anb2nc3n", [2])
    assert seq.text == "AABBBBCCCCCCA"
    c_states = seq.symbol_states[6:12]
    np.testing.assert_allclose(c_states, [0, 2, 2 - 1 / 3, 2 - 2 / 3, 1, 2 / 3], atol=1e-6)
    np.testing.assert_allclose(seq.targets[5], [0, 0, 1])  # after the last B: a C is certain
    np.testing.assert_allclose(seq.targets[-1], [1, 0, 0])  # after the last C: the A
    np.testing.assert_allclose(seq.targets[0], [0.8, 0.2, 0])


def test_n1_block_and_five_block_sequence():
    seq = sequence_for_ns("anb2n", [1])
    assert seq.text == "ABBA"
    np.testing.assert_allclose(seq.symbol_states, [0, 1, 1, 0])
    rng = np.random.default_rng(3)
    seq = random_sequence("anb2n", rng, max_n=4)
    assert seq.text[0] == "A" and seq.text[-1] == "A"
    blocks = seq.text[:-1].replace("BA", "B|A").split("|")
    assert len(blocks) == 5
    for block in blocks:
        n = block.count("A")
        assert 1 <= n <= 4 and block == "A" * n + "B" * 2 * n


def test_generalised_language_and_strings():
    lang = get_language("anb3nc2n")
    assert lang == Language("anb3nc2n", k=3, m=2)
    assert string_for_n(lang, 1) == "ABBBCCA"
    assert string_for_n("anb2n", 3) == "AAABBBBBBA"


def test_parse_string_and_refusals():
    seq = parse_string("anb2n", "aabbbbaabb")
    assert seq.text == "AABBBBAABB"
    np.testing.assert_allclose(seq.symbol_states[:7], [0, 1, 2, 2, 1.5, 1, 0])
    with pytest.raises(UserError, match="'C' at position 3"):
        parse_string("anb2n", "AAC")
    with pytest.raises(UserError, match="start with A"):
        parse_string("anb2n", "BBA")
    with pytest.raises(UserError, match="unknown language"):
        get_language("xyz")


def test_certain_mask():
    assert certain_mask(np.array([0, 0, 1, 2, 0])).tolist() == [False, False, True, True, False]
