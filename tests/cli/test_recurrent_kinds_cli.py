"""``recurrent train --model gru`` and ``--lang dyck1`` on the command line (issue 22)."""

import json

import pytest
import torch

from explorer.cli import main
from explorer.core.recurrent.weights import load_net


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_train_a_gru_save_it_and_trace_its_gates(tmp_path, capsys):
    path = tmp_path / "anb2n_gru2_1.pth"
    argv = ["recurrent", "train", "--model", "gru", "--seed", "1", "--sequences", "8000"]
    assert main([*argv, "--save", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["solved"] is True
    assert load_net(path).kind == "gru"  # the course name says which net it holds
    assert main(["recurrent", "trace", "--weights", str(path), "--string", "AABBBBA", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["gates"]) == {"r", "z", "n"} and "cell" not in out
    assert len(out["gates"]["z"]) == 6


def test_train_an_lstm_on_dyck1_and_trace_brackets(tmp_path, capsys):
    path = tmp_path / "net.pt"
    argv = ["recurrent", "train", "--lang", "dyck1", "--model", "lstm", "--sequences", "6000"]
    assert main([*argv, "--save", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["solved"] is True
    assert main(["recurrent", "trace", "--weights", str(path), "--string", "(()())(", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["string"] == "AABABBA" and out["states"] == [1, 2, 1, 2, 1, 0]
    assert main(["recurrent", "trace", "--weights", str(path), "--string", "())"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "position 3" in err and len(err.splitlines()) == 1


def test_unknown_model_is_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["recurrent", "train", "--model", "rnn"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "invalid choice: 'rnn'" in err and "gru" in err and len(err.splitlines()) == 1
