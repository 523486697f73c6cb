"""``python -m explorer recurrent fsm``: the machine of a saved net as JSON and DOT, and clear errors."""

import json
import re

import pytest
import torch

from explorer.cli import main
from explorer.core.recurrent.weights import pretrained_path

LSTM = str(pretrained_path("anb2nc3n", "lstm", 3))
SRN = str(pretrained_path("anb2n", "srn", 2))


@pytest.fixture(autouse=True)
def keep_threads():
    # The command pins torch to one thread, as training does; give the rest of the suite its own.
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_json_lists_states_transitions_and_agreement(capsys):
    assert main(["recurrent", "fsm", "--weights", LSTM, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ids = [s["id"] for s in out["states"]]
    assert ids == list(range(len(ids))) and [s["id"] for s in out["states"] if s["start"]] == [0]
    assert out["states"][0]["predicts"] == ["A"]  # the start expects the A of a new string
    assert all(set(s["predicts"]) <= set("ABC") and s["visits"] >= 1 for s in out["states"])
    moves = [(t["from"], t["symbol"]) for t in out["transitions"]]
    assert len(set(moves)) == len(moves)  # deterministic: one move per state and symbol
    assert all(t["to"] in ids and t["count"] >= 1 for t in out["transitions"])
    assert out["state"] == "cell" and out["max_n"] == 4 and out["k"] >= len(ids)
    assert out["fidelity"] > 0.9 and out["agrees_up_to"] >= 4
    assert out["minimal_states"] == 33  # 4² + 4·4 + 1 for a^n b^2n c^3n up to n = 4


def test_dot_file_holds_the_same_machine(tmp_path, capsys):
    dot = tmp_path / "srn.dot"
    assert (
        main(["recurrent", "fsm", "--weights", SRN, "--k", "20", "--dot", str(dot), "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    text = dot.read_text()
    assert out["k"] == 20 and text.startswith("digraph") and text.rstrip().endswith("}")
    nodes = set(re.findall(r"^\s+(s\d+) \[", text, flags=re.M))
    edges = re.findall(r"^\s+(s\d+) -> (s\d+) \[", text, flags=re.M)
    assert len(nodes) == len(out["states"]) and len(edges) == len(out["transitions"])
    assert list(tmp_path.iterdir()) == [dot]  # written atomically: no temporary left behind


def test_hidden_state_and_smaller_n_are_honoured(capsys):
    assert (
        main(["recurrent", "fsm", "--weights", LSTM, "--state", "hidden", "--max-n", "2", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["state"] == "hidden" and out["max_n"] == 2 and out["minimal_states"] == 13


def test_plain_text_names_the_sizes(capsys):
    assert main(["recurrent", "fsm", "--weights", SRN, "--max-n", "2"]) == 0
    text = capsys.readouterr().out
    assert "the language needs 6" in text and "start state 0: predicts A" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--k", "0"], "--k must be at least 1"),
        (["--k", "1000"], "k must be between 1 and 31"),
        (["--state", "cell"], "an SRN has no cell state"),
        (["--max-n", "0"], "--max-n must be between 1 and 12"),
        (["--threshold", "1.5"], "--threshold must be between 0 and 1"),
    ],
)
def test_bad_values_get_one_error_line(capsys, extra, message):
    assert main(["recurrent", "fsm", "--weights", SRN, *extra]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_bad_weights_file_gets_one_error_line(tmp_path, capsys):
    bad = tmp_path / "anb2n_srn2_1.pth"
    bad.write_text("not weights")
    assert main(["recurrent", "fsm", "--weights", str(bad)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("extra", [["--bogus"], ["--state", "both"], ["--k", "many"]])
def test_unknown_options_get_one_error_line(capsys, extra):
    with pytest.raises(SystemExit) as exit_:
        main(["recurrent", "fsm", "--weights", SRN, *extra])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
