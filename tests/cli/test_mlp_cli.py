"""``python -m explorer mlp …``: train and evaluate, JSON output, readable errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.weights_io import save_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def reference_json(tmp_path):
    return save_json(reference_step_network(), tmp_path / "reference.json")


def test_evaluate_reference_step_net_in_a_subprocess(reference_json):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "explorer",
            "mlp",
            "evaluate",
            "--weights",
            str(reference_json),
            "--activation",
            "step",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["accuracy"] == 100.0
    assert out["lines"] == ["y = x - 1.4", "y = x - 0.6", "y = x + 0.6", "y = x + 1.4"]
    assert len(out["table"]) == 9
    first = out["table"][0]
    assert (first["x"], first["y"], first["target"]) == (0, 0, 0)
    assert first["hidden"] == [0, 0, 1, 1]  # x - y = 0: only the units with positive bias are on
    assert first["output"] == 0


def test_evaluate_scaled_sigmoid(reference_json, capsys):
    code = main(
        [
            "mlp",
            "evaluate",
            "--weights",
            str(reference_json),
            "--activation",
            "sigmoid",
            "--scale",
            "10",
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accuracy"] == 100.0
    assert all(0 < row["output"] < 1 for row in out["table"])
    assert out["max_sigmoid_step_difference"] < 0.01


def test_evaluate_readable_table(capsys):
    assert main(["mlp", "evaluate", "--reference"]) == 0
    text = capsys.readouterr().out
    assert "hidden unit 3: y = x + 0.6" in text
    assert "accuracy: 100.0 %" in text
    assert text.count(" ok") == 9


def test_evaluate_on_another_data_file_reports_mistakes(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("0,0,1\n2,1,1\n")
    assert main(["mlp", "evaluate", "--reference", "--data", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accuracy"] == 50.0
    assert [row["correct"] for row in out["table"]] == [False, True]


def test_train_json(capsys, tmp_path):
    saved = tmp_path / "trained.json"
    code = main(["mlp", "train", "--hidden", "5", "--seed", "5", "--json", "--save", str(saved)])
    assert code == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["accuracy"] == 100.0
    assert 2_000 <= out["epochs"] < 200_000
    assert 0 < out["loss"] < 0.2
    assert len(out["weights"]["in_hid_weight"]) == 5
    assert len(out["weights"]["hid_out_weight"][0]) == 5
    assert "epoch" in captured.err  # progress goes to stderr
    # the saved weights evaluate to the same accuracy
    assert main(["mlp", "evaluate", "--weights", str(saved), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] == 100.0


def test_train_text_prints_the_python_block(capsys):
    assert main(["mlp", "train", "--hidden", "2", "--seed", "1", "--max-epochs", "300"]) == 0
    text = capsys.readouterr().out
    assert "epochs:   300" in text
    assert "in_hid_weight  = [[" in text
    assert "out_bias       = [" in text


def test_malformed_csv_exits_with_one_line_naming_the_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(" X, Y, T\n 0, 0, 0\n 0, 1, 7\n")
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "mlp", "train", "--data", str(bad), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bad.csv, line 3" in lines[0] and "target must be 0 or 1" in lines[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mlp", "train", "--hidden", "0"], "hidden units must be between 1 and 30"),
        (["mlp", "train", "--hidden", "31"], "hidden units must be between 1 and 30"),
        (["mlp", "evaluate", "--weights", "missing.json"], "no such file"),
        (["mlp", "train", "--data", "missing.csv"], "no such file"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(argv, message, capsys):
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err
    assert len(err.splitlines()) == 1


def test_bad_weights_json(tmp_path, capsys):
    path = tmp_path / "w.json"
    path.write_text(
        '{"in_hid_weight": [[1, 2]], "hid_bias": [0], "hid_out_weight": [[1, 1]], "out_bias": [0]}'
    )
    assert main(["mlp", "evaluate", "--weights", str(path)]) != 0
    assert "w.json: hid_out_weight must be one row of 1 numbers" in capsys.readouterr().err


def test_builtin_data_set(capsys):
    assert main(["mlp", "evaluate", "--reference", "--builtin", "xor", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(row["x"], row["y"], row["target"]) for row in out["table"]] == [
        (0, 0, 0),
        (0, 1, 1),
        (1, 0, 1),
        (1, 1, 0),
    ]
    assert out["accuracy"] == 100.0  # the same diagonal bands separate XOR's corners
