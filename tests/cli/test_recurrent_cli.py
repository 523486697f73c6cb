import json

import pytest
import torch

from explorer.cli import main
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.weights import export_course


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def _json(capsys):
    out = capsys.readouterr().out
    return json.loads(out)


def test_train_json_and_save_then_evaluate(tmp_path, capsys):
    path = tmp_path / "net.pt"
    rc = main(
        [
            "recurrent",
            "train",
            "--lang",
            "anb2nc3n",
            "--model",
            "lstm",
            "--hidden",
            "3",
            "--seed",
            "0",
            "--sequences",
            "8000",
            "--save",
            str(path),
            "--json",
        ]
    )
    assert rc == 0
    out = _json(capsys)
    assert (
        out["solved"] is True
        and out["accuracy"] == 100.0
        and out["sequences"] <= 8000
        and out["seconds"] > 0
    )
    assert path.is_file()
    assert main(["recurrent", "evaluate", "--weights", str(path), "--max-n", "6", "--json"]) == 0
    out = _json(capsys)
    assert out["accuracy"] == 100.0 and list(out["per_n"]) == ["1", "2", "3", "4", "5", "6"]


def test_evaluate_and_trace_course_pth(tmp_path, capsys):
    torch.manual_seed(0)
    net = make_model("lstm", 3, 3)
    path = export_course(tmp_path, net, "anb2nc3n", 100)
    assert main(["recurrent", "evaluate", "--weights", str(path), "--json"]) == 0
    out = _json(capsys)
    assert 0 <= out["accuracy"] <= 100 and len(out["per_n"]) == 12
    assert (
        main(["recurrent", "trace", "--weights", str(path), "--string", "AABBBBCCCCCCA", "--json"])
        == 0
    )
    out = _json(capsys)
    assert len(out["hidden"]) == len(out["cell"]) == len(out["probabilities"]) == 12
    assert len(out["hidden"][0]) == 3 and abs(sum(out["probabilities"][0]) - 1) < 1e-5


def test_trace_srn_has_no_cell(tmp_path, capsys):
    path = export_course(tmp_path, make_model("srn", 2, 2), "anb2n", 3)
    assert (
        main(["recurrent", "trace", "--weights", str(path), "--string", "AABBBBA", "--json"]) == 0
    )
    out = _json(capsys)
    assert "cell" not in out and len(out["hidden"]) == 6


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["trace", "--string", "AAXB"], "'X' at position 3"),
        (["evaluate", "--max-n", "0"], "--max-n"),
        (["evaluate", "--hidden", "5"], "does not fit"),
    ],
)
def test_bad_input_one_line_and_nonzero_exit(tmp_path, capsys, argv, message):
    path = export_course(tmp_path, make_model("srn", 2, 2), "anb2n", 3)
    rc = main(["recurrent", *argv[:1], "--weights", str(path), *argv[1:]])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and message in err and len(err.splitlines()) == 1 and err.startswith("error:")


def test_missing_file_and_unknown_language(tmp_path, capsys):
    assert main(["recurrent", "evaluate", "--weights", str(tmp_path / "none.pth")]) == 2
    assert "no such weights file" in capsys.readouterr().err
    assert main(["recurrent", "train", "--lang", "anbx", "--json"]) == 2
    assert "unknown language" in capsys.readouterr().err
