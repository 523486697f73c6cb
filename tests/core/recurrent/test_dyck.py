"""Dyck-1 beside a^n b^2n: strings, the deterministic-step convention, scoring, its machine, training."""

import numpy as np
import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.progress import run_to_end
from explorer.core.recurrent.evaluation import accuracy_per_n, chance_per_n, eval_batch, hits, score
from explorer.core.recurrent.language_machine import (
    language_machine,
    minimal_states,
    minimal_states_formula,
)
from explorer.core.recurrent.languages import (
    get_language,
    parse_string,
    random_sequence,
    sequence_for_ns,
    string_for_n,
)
from explorer.core.recurrent.moore import minimise
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.training import fast_recipe, train


def brackets(text: str) -> str:
    return text.replace("A", "(").replace("B", ")")


def depths(text: str) -> list[int]:
    """Independent reference: the depth after each bracket, counted by hand."""
    out, d = [], 0
    for ch in brackets(text):
        d += 1 if ch == "(" else -1
        out.append(d)
    return out


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_dyck1_strings_are_primitive_balanced_and_n_deep():
    lang = get_language("dyck1")
    assert (lang.title, lang.symbols, lang.is_dyck) == ("Dyck-1", "AB", True)
    assert [brackets(string_for_n("dyck1", n)) for n in (1, 2, 3)] == ["()(", "(()())(", "((()())())("]
    for n in range(1, 9):
        block = string_for_n("dyck1", n)[:-1]
        d = depths(block)
        assert d[-1] == 0 and min(d[:-1], default=1) >= 1 and max(d) == n
    rng = np.random.default_rng(5)
    deepest = set()
    for _ in range(40):
        seq = random_sequence("dyck1", rng, max_n=4)
        d = depths(seq.text[:-1])
        assert min(d) >= 0 and d[-1] == 0 and seq.text[-1] == "A"
        ends = [i for i, x in enumerate(d) if x == 0]
        starts = [0] + [e + 1 for e in ends[:-1]]
        assert len(ends) == 5  # five strings back to back, each primitive
        deepest |= {max(d[s : e + 1]) for s, e in zip(starts, ends, strict=True)}
        assert all(1 <= max(d[s : e + 1]) <= 4 for s, e in zip(starts, ends, strict=True))
    assert deepest == {1, 2, 3, 4}


def test_deterministic_steps_are_the_ends_of_strings_and_every_step_is_scored():
    seq = sequence_for_ns("dyck1", [2, 1])  # (()())()(
    assert brackets(seq.text) == "(()())()("
    d = depths(seq.text[:-1])
    # certain exactly after a ')' that closes to depth 0: the string must end there, '(' comes next
    assert seq.certain.tolist() == [x == 0 for x in d]
    assert [brackets(seq.text[t]) for t in np.flatnonzero(seq.certain)] == [")", ")"]
    assert seq.scored.all()
    # what the language allows next: '(' always; ')' exactly when the depth is above 0
    assert seq.allowed[:, 0].all() and seq.allowed[:, 1].tolist() == [x > 0 for x in d]
    assert seq.states.tolist() == d  # the colour is the depth
    np.testing.assert_array_equal(seq.targets[seq.certain], [[1, 0], [1, 0]])


def test_typed_brackets_and_a_close_too_many_refused():
    assert parse_string("dyck1", "(()())(").text == "AABABBA"
    assert parse_string("dyck1", "AAB").text == "AAB"
    with pytest.raises(UserError, match="position 3"):
        parse_string("dyck1", "())(")
    with pytest.raises(UserError, match="alphabet"):
        parse_string("dyck1", "(]")
    with pytest.raises(UserError, match=r"must start with \( \(A\) \(it starts with '\)'\)"):
        parse_string("dyck1", ")(")


def _logits_from(probabilities: np.ndarray) -> torch.Tensor:
    return torch.log(torch.from_numpy(np.clip(probabilities, 1e-6, 1)).float())


def test_label_scoring_passes_the_language_and_fails_always_open():
    batch = eval_batch("dyck1", 6, contexts=2)
    # the language's own next-symbol distribution is right at every step
    perfect = np.zeros(tuple(batch.inputs.shape))
    for b in range(batch.inputs.shape[0]):
        text = "".join("AB"[int(i)] for i in batch.inputs[b].argmax(-1))
        d = depths(text)
        perfect[b] = [[1.0, 0.0] if x == 0 else [0.5, 0.5] for x in d]
    overall, per_n = score(hits(_logits_from(perfect), batch), batch, 6)
    assert overall == 100.0 and set(per_n.values()) == {100.0}
    # always '(' with certainty is right only at the ends of strings (the top symbol alone would say 100 %)
    always_open = np.zeros_like(perfect)
    always_open[..., 0] = 1.0
    overall, _ = score(hits(_logits_from(always_open), batch), batch, 6)
    ends = (batch.scored & ~batch.allowed[..., 0]).sum() / batch.scored.sum()
    assert overall == pytest.approx(100.0 * float(ends))
    chance, chance_n = chance_per_n("dyck1", 4, 4)
    assert 50.0 <= chance < 100.0 and chance_n[1] == 50.0  # "()" : one step at depth 1, one at 0


def test_dyck_language_machine_is_the_depth_counter():
    for n in range(1, 7):
        machine = language_machine("dyck1", n)
        assert machine.size == minimal_states("dyck1", n) == minimal_states_formula("dyck1", n) == n + 1
        assert minimise(machine)[0].size == n + 1
        # run it over a string up to depth n: the label says ')' exactly when the depth is above 0
        text = string_for_n("dyck1", n)[:-1] * 2
        _, labels = machine.run(text)
        assert [("B" in lab) for lab in labels] == [x > 0 for x in depths(text)]
        assert labels[depths(text).index(n)] == "B"  # at the cap only ')' may come


def test_an_lstm_learns_dyck1_and_its_machine_agrees_with_the_language():
    result = run_to_end(train(fast_recipe("dyck1", "lstm", seed=0, sequences=6000)))
    assert result.solved and result.accuracy == 100.0
    assert all(accuracy_per_n(result.model, "dyck1", 4, 4)[n] == 100.0 for n in range(1, 5))
    found = extract_state_machine(result.model, "dyck1", 3)
    assert found.agreement.horizon >= 3 and found.agreement.language_horizon >= 3
