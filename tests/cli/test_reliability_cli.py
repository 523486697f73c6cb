"""The command line under bad numbers, diverging runs and unwritable folders: one line, nothing lost."""

from __future__ import annotations

import errno
import json
import math

import pytest
import torch

from explorer.cli import main
from explorer.cli.output import dumps
from explorer.core import atomic, paths
from explorer.core.kuzushiji import evaluation
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.weights import export_course
from tests.core.kuzushiji.fakedata import write_kmnist_folder


@pytest.fixture(autouse=True)
def keep_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.fixture
def kmnist_dir(tmp_path):
    folder = tmp_path / "kmnist"
    write_kmnist_folder(folder, fmt="idx.gz", n_train=300, n_test=100)
    return folder


def _one_error(capsys, code, expected):
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip() and not line.startswith(("Train Epoch", "\r"))]
    errors = [line for line in err if line.startswith("error:")]
    assert code == 2, err
    assert len(errors) == 1 and expected in errors[0], err
    assert not any("Traceback" in line for line in err)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["recurrent", "train", "--hidden", "100000"], "--hidden must be between 1 and 32"),
        (["recurrent", "train", "--length", "100000"], "--length must be between 1 and 20"),
        (["recurrent", "train", "--sequences", "-5"], "--sequences must be between 1"),
        (["recurrent", "train", "--lang", "anb99999999nc99999999n"], "language name too long"),
        (["recurrent", "train", "--lang", "anb2nc10n"], "m in anb2nc10n must be between 1 and 9"),
        (["kuzushiji", "train", "--threads", "-3"], "--threads must be between 1 and 256"),
        (["kuzushiji", "train", "--epochs", "100000"], "epochs must be between 1 and 1,000"),
        (["kuzushiji", "train", "--lr", "1e6"], "learning rate must be above 0 and at most 1000"),
        (["kuzushiji", "train", "--lr", "nan"], "learning rate must be a finite number"),
        (["kuzushiji", "train", "--batch", "0"], "batch size must be between 1 and 60,000"),
        (["mlp", "train", "--hidden", "100000"], "hidden units must be between 1 and 30"),
        (["mlp", "train", "--lr", "1e9"], "learning rate must be above 0 and at most 100"),
        (["mlp", "train", "--max-epochs", "1000000000"], "max epochs must be between 1 and 10,000,000"),
        (["mlp", "evaluate", "--reference", "--scale", "1e300"], "--scale must be between -1e+06 and 1e+06"),
        (["mlp", "evaluate", "--reference", "--scale", "nan"], "--scale must be a finite number"),
    ],
)
def test_numbers_out_of_range_are_one_line(capsys, argv, expected):
    _one_error(capsys, main(argv), expected)


def test_evaluate_max_n_is_bounded(tmp_path, capsys):
    path = export_course(tmp_path, make_model("srn", 2, 2), "anb2n", 3)
    _one_error(capsys, main(["recurrent", "evaluate", "--weights", str(path), "--max-n", "100000"]),
               "--max-n must be between 1 and 100")
    _one_error(capsys, main(["recurrent", "evaluate", "--weights", str(path), "--hidden", "100000"]),
               "hidden units must be between 1 and 32")


def test_a_truncated_weights_file_is_named(tmp_path, capsys):
    path = export_course(tmp_path, make_model("lstm", 3, 3), "anb2nc3n", 1)
    path.write_bytes(path.read_bytes()[:300])
    _one_error(capsys, main(["recurrent", "evaluate", "--weights", str(path)]), path.name)


def test_nan_weights_are_refused(tmp_path, capsys):
    model = make_model("srn", 2, 2)
    with torch.no_grad():
        model.V.fill_(float("nan"))
    path = tmp_path / "anb2n_srn2_3.pth"
    torch.save(model.state_dict(), path)  # as a diverged course script would save it
    _one_error(capsys, main(["recurrent", "evaluate", "--weights", str(path)]), "not finite")


def _train(kmnist_dir, *extra):
    return main(["kuzushiji", "train", "--net", "lin", "--epochs", "1", "--data", str(kmnist_dir), "--threads", "1", *extra])


def test_a_diverging_run_stops_and_keeps_the_stored_net(kmnist_dir, capsys):
    assert _train(kmnist_dir) == 0
    stored = evaluation.checkpoint_path("lin")
    before = stored.read_bytes()
    capsys.readouterr()
    code = main(["kuzushiji", "train", "--net", "full", "--optimizer", "adam", "--lr", "10",
                 "--epochs", "1", "--data", str(kmnist_dir), "--threads", "1", "--force"])
    _one_error(capsys, code, "training diverged at epoch 1 (loss")
    assert not evaluation.checkpoint_path("full").exists()
    assert stored.read_bytes() == before


def test_a_worse_run_does_not_replace_the_stored_net_without_force(kmnist_dir, capsys):
    assert _train(kmnist_dir, "--epochs", "3") == 0
    stored = evaluation.checkpoint_path("lin")
    good = stored.read_bytes()
    capsys.readouterr()
    assert _train(kmnist_dir, "--lr", "1e-7", "--json") == 0
    captured = capsys.readouterr()
    assert "kept the stored NetLin" in captured.err and "--force" in captured.err
    assert stored.read_bytes() == good
    assert _train(kmnist_dir, "--lr", "1e-7", "--force", "--json") == 0
    assert stored.read_bytes() != good
    assert evaluation.load_latest("lin")[1].extra["accuracy"] == json.loads(capsys.readouterr().out)["accuracy"]


def test_a_read_only_data_folder_does_not_lose_the_run(kmnist_dir, tmp_path, capsys, monkeypatch):
    data_folder = paths.data_dir()
    real_replace = atomic.os.replace

    def read_only_data_folder(src, dst):
        if str(dst).startswith(str(data_folder)):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", read_only_data_folder)
    target = tmp_path / "elsewhere" / "lin.pt"
    assert _train(kmnist_dir, "--save", str(target)) == 0
    err = capsys.readouterr().err
    assert "warning: the data folder's copy was not written" in err and "read-only" in err
    evaluation.load_trained(target, "lin")  # the run is kept where --save asked
    assert not evaluation.checkpoint_path("lin").exists()
    # Without --save the failure is the error, and it says how to keep the next run.
    _one_error(capsys, _train(kmnist_dir), "--save FILE")


def test_json_output_never_holds_nan():
    text = dumps({"accuracy": float("nan"), "loss": [1.0, float("inf")], "n": torch.tensor(2.5)})
    assert json.loads(text) == {"accuracy": None, "loss": [1.0, None], "n": 2.5}
    assert "NaN" not in text and "Infinity" not in text
    assert not math.isnan(json.loads(dumps({"x": 0.5}))["x"])


def test_a_huge_typed_string_is_refused(tmp_path, capsys):
    path = export_course(tmp_path, make_model("srn", 2, 2), "anb2n", 3)
    code = main(["recurrent", "trace", "--weights", str(path), "--string", "A" * 20_000 + "B"])
    _one_error(capsys, code, "the string is too long (20,001 symbols; at most 10,000)")
