"""``recurrent probe``: the counting units of a saved net on the command line."""

import json

import pytest
import torch

from explorer.cli import main
from explorer.core.recurrent.weights import save_net
from tests.core.recurrent.test_counting import counting_lstm


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_probe_json_finds_the_hand_set_cell_counter(tmp_path, capsys):
    path = save_net(tmp_path / "counter.pt", counting_lstm(2, [1.0, -0.5]), "anb2n", {"L": 4})
    assert main(["recurrent", "probe", "--weights", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    best = out["best"]
    assert (best["state"], best["unit"], best["counter"]) == ("cell", 0, "#B − 2·#A")
    assert best["r2"] == pytest.approx(1.0, abs=1e-6)
    assert best["per_symbol"] == pytest.approx({"A": 1.0, "B": -0.5}, abs=1e-5)
    assert [(u["state"], u["unit"]) for u in out["units"]] == [("hidden", 0), ("cell", 0)]
    assert out["L"] == 4 and out["tested_up_to"] == 12
    assert main(["recurrent", "probe", "--weights", str(path), "--max-n", "6"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("cell unit 0 counts #B − 2·#A (R² = 1.000): +1.00 per A, −0.50 per B")
    assert "training went to n = 4" in text


@pytest.mark.parametrize(("extra", "message"), [(["--max-n", "0"], "--max-n"), (["--max-n", "2"], "between 4")])
def test_probe_bad_input_is_one_line(tmp_path, capsys, extra, message):
    path = save_net(tmp_path / "counter.pt", counting_lstm(2, [1.0, -0.5]), "anb2n", {"L": 4})
    assert main(["recurrent", "probe", "--weights", str(path), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


def test_probe_of_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["recurrent", "probe", "--weights", str(tmp_path / "none.pt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1


def test_fsm_counterexample_of_the_shipped_srn2(capsys):
    from explorer.core.recurrent.weights import pretrained_path

    path = pretrained_path("anb2n", "srn", 2)
    assert main(["recurrent", "fsm", "--weights", str(path), "--counterexample", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["states"]) == 12 and out["counterexample"] == "AAAAA" + "B" * 10 + "A"
    assert out["counterexample_step"] == 5 and out["counterexample_max_length"] == 36
    # a bound below the first counterexample: null, and the plain text says how far it agrees
    assert main(["recurrent", "fsm", "--weights", str(path), "--counterexample", "--max-length", "12", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counterexample"] is None
    assert main(["recurrent", "fsm", "--weights", str(path), "--counterexample", "--max-length", "12"]) == 0
    assert "agrees with the net on all 4 strings up to length 12" in capsys.readouterr().out
    assert main(["recurrent", "fsm", "--weights", str(path), "--json"]) == 0
    assert "counterexample" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--max-length", "12"], "needs --counterexample"), (["--counterexample", "--max-length", "1"], "--max-length")],
)
def test_fsm_counterexample_bad_input_is_one_line(capsys, extra, message):
    from explorer.core.recurrent.weights import pretrained_path

    assert main(["recurrent", "fsm", "--weights", str(pretrained_path("anb2n", "srn", 2)), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


def test_compare_json_rows_and_csv(tmp_path, capsys):
    path = tmp_path / "compare.csv"
    argv = ["recurrent", "compare", "--lang", "anb2n", "--hidden", "2", "--seed", "1", "--sequences", "3000"]
    assert main([*argv, "--csv", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert [row["model"] for row in out["rows"]] == ["srn", "gru", "lstm"]
    for row in out["rows"]:
        assert {"solved", "per_n", "states", "language_states", "counting"} <= set(row)
        assert {"r2", "holds_to", "saturates_at"} <= set(row["counting"])
    assert path.read_text().splitlines()[0].startswith("model,hidden,solved,accuracy")
    assert len(path.read_text().splitlines()) == 4
    assert "LSTM-2: done" in captured.err


def test_compare_bad_input_is_one_line(capsys):
    assert main(["recurrent", "compare", "--hidden", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "--hidden" in err and len(err.splitlines()) == 1
    assert main(["recurrent", "compare", "--lang", "dyck2"]) == 2
    assert "unknown language" in capsys.readouterr().err
