"""`python -m explorer kuzushiji …` in-process, on small generated KMNIST files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.cli import main
from explorer.core.kuzushiji import trained
from tests.core.kuzushiji.fakedata import write_kmnist_folder


@pytest.fixture
def kmnist_dir(tmp_path):
    folder = tmp_path / "kmnist"
    write_kmnist_folder(folder, fmt="idx.gz", n_train=600, n_test=200)
    return folder


def test_params_json_gives_the_reference_counts(capsys):
    assert main(["kuzushiji", "params", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"lin": 7850, "full": 101770, "conv": 431242}


def test_params_table_is_readable(capsys):
    assert main(["kuzushiji", "params"]) == 0
    out = capsys.readouterr().out
    assert "NetConv" in out and "431,242" in out


def test_train_json_reports_a_learned_net(kmnist_dir, capsys):
    code = main(
        ["kuzushiji", "train", "--net", "lin", "--epochs", "2", "--data", str(kmnist_dir), "--json"]
    )
    captured = capsys.readouterr()
    assert code == 0
    result = json.loads(captured.out)  # exactly one JSON object on stdout
    assert {"accuracy", "test_loss", "confusion", "epochs", "seconds", "images_per_second"} <= set(
        result
    )
    confusion = np.array(result["confusion"])
    assert confusion.shape == (10, 10) and confusion.sum() == 200
    assert result["accuracy"] == pytest.approx(100 * np.trace(confusion) / 200)
    assert result["accuracy"] > 50 and result["epochs"] == 2
    assert result["test_loss"] > 0 and result["images_per_second"] > 0
    assert "Train Epoch: 1 [0/600 (0%)]" in captured.err  # course lines go to stderr with --json
    # the weights were saved for the next start
    ckpt = trained.latest("lin").checkpoint
    assert ckpt.architecture == "NetLin" and ckpt.extra["accuracy"] == result["accuracy"]


def test_train_prints_course_style_lines_and_saves_where_asked(kmnist_dir, tmp_path, capsys):
    weights = tmp_path / "full.pt"
    args = [
        "kuzushiji",
        "train",
        "--net",
        "full",
        "--epochs",
        "1",
        "--data",
        str(kmnist_dir),
        "--save",
        str(weights),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Train Epoch: 1 [0/600 (0%)]\tLoss: " in out
    assert "Test set: Average loss: " in out and "/200 (" in out
    assert out.count("\n   ki ") == 1  # one confusion matrix, rows labelled
    assert weights.is_file()
    trained.load(weights, "full")


def test_train_uses_the_stored_data_after_an_import(kmnist_dir, capsys):
    assert main(["kuzushiji", "data", "--import", str(kmnist_dir)]) == 0
    assert "600 training / 200 test" in capsys.readouterr().out
    assert main(["kuzushiji", "train", "--net", "lin", "--epochs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] > 10


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_train_without_data_says_how_to_get_it(capsys):
    assert main(["kuzushiji", "train", "--net", "lin"]) == 2
    assert "kuzushiji data --download" in one_error_line(capsys.readouterr().err)


def test_bad_net_name_is_one_line(kmnist_dir, capsys):
    assert main(["kuzushiji", "train", "--net", "resnet", "--data", str(kmnist_dir)]) == 2
    assert "unknown net 'resnet'" in one_error_line(capsys.readouterr().err)


def test_missing_data_folder_is_one_line(tmp_path, capsys):
    assert main(["kuzushiji", "train", "--net", "lin", "--data", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in one_error_line(capsys.readouterr().err)


def test_bad_epochs_is_one_line(kmnist_dir, capsys):
    assert (
        main(["kuzushiji", "train", "--net", "lin", "--epochs", "0", "--data", str(kmnist_dir)])
        == 2
    )
    assert "epochs must be between 1 and 1,000 (got 0)" in one_error_line(capsys.readouterr().err)
