"""`python -m explorer kuzushiji …` with Kuzushiji-49, in-process, on small generated files of the real layout."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from explorer.cli import main
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.datasets import K49, KMNIST
from explorer.core.kuzushiji.metrics import balanced_accuracy
from tests.core.kuzushiji.fakedata import write_k49_folder, write_kmnist_folder


@pytest.fixture
def k49_dir(tmp_path):
    write_k49_folder(tmp_path / "k49")
    return tmp_path / "k49"


def test_params_for_k49_give_the_three_nets_with_49_outputs(capsys):
    assert main(["kuzushiji", "params", "--dataset", "k49", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"lin": 38_465, "full": 106_801, "conv": 441_265}


def test_train_detects_k49_files_and_reports_classes_and_balanced_accuracy(k49_dir, capsys):
    code = main(["kuzushiji", "train", "--net", "lin", "--epochs", "2", "--lr", "0.05", "--data", str(k49_dir),
                 "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    assert (result["dataset"], result["classes"], result["parameters"]) == ("k49", 49, 38_465)
    confusion = np.array(result["confusion"])
    assert confusion.shape == (49, 49) and confusion.sum() == result["total"] == 125
    assert result["balanced_accuracy"] == pytest.approx(100 * balanced_accuracy(confusion))
    assert result["balanced_accuracy"] != pytest.approx(result["accuracy"])  # imbalanced: they differ
    # kept apart from KMNIST's nets: its own file, and KMNIST's NetLin is not touched
    assert trained.checkpoint_path(K49, "lin").is_file() and not trained.checkpoint_path(KMNIST, "lin").exists()
    assert trained.latest("lin", K49).checkpoint.extra["accuracy"] == result["accuracy"]


def test_train_on_kmnist_reports_ten_classes(tmp_path, capsys):
    write_kmnist_folder(tmp_path / "kmnist", fmt="npz", n_train=200, n_test=50)
    assert main(["kuzushiji", "train", "--net", "lin", "--epochs", "1", "--data", str(tmp_path / "kmnist"),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["dataset"], result["classes"], result["parameters"]) == ("kmnist", 10, 7_850)
    assert 0 <= result["balanced_accuracy"] <= 100


def test_imported_k49_is_trained_on_with_dataset_k49(k49_dir, capsys):
    assert main(["kuzushiji", "data", "--import", str(k49_dir)]) == 0
    assert capsys.readouterr().out.startswith("stored: Kuzushiji-49: 374 training / 125 test images")
    assert main(["kuzushiji", "train", "--net", "lin", "--epochs", "1", "--dataset", "k49", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == 49


def test_no_stored_k49_says_how_to_get_it(capsys):
    assert main(["kuzushiji", "train", "--net", "lin", "--dataset", "k49"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: no Kuzushiji-49 data yet: run `python -m explorer kuzushiji data --download --dataset k49`"
                   " or `… data --import DIR`, or pass --data DIR"]


def test_a_folder_that_is_not_the_asked_data_set_is_refused_in_one_line(k49_dir, capsys):
    assert main(["kuzushiji", "train", "--net", "lin", "--data", str(k49_dir), "--dataset", "kmnist"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no Kuzushiji-MNIST files in ")


def test_classify_names_each_class_in_the_top_list(tmp_path, capsys):
    model = nets.create("conv", seed=2, dataset=K49)
    weights = trained.save(model, "conv", nets_config(), path=tmp_path / "k49conv.pt", dataset=K49)
    picture = np.full((90, 90), 240, np.uint8)
    picture[15:75, 40:50] = 20
    Image.fromarray(picture).save(tmp_path / "mark.png")
    assert main(["kuzushiji", "classify", str(tmp_path / "mark.png"), "--weights", str(weights), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert len(answer["top"]) == 49
    for entry in answer["top"]:
        assert entry["name"] == K49.class_names[entry["class"]] and entry["kana"] == K49.glyphs[entry["class"]]
    # the latest K49 net, by --dataset
    trained.save(model, "conv", nets_config(), dataset=K49)
    assert main(["kuzushiji", "classify", str(tmp_path / "mark.png"), "--dataset", "k49", "--top", "49",
                 "--json"]) == 0
    assert {e["name"] for e in json.loads(capsys.readouterr().out)["top"]} == set(K49.class_names)
    assert main(["kuzushiji", "classify", str(tmp_path / "mark.png"), "--dataset", "kmnist"]) == 2
    assert "no trained Kuzushiji net" in capsys.readouterr().err


def nets_config():
    from explorer.core.kuzushiji.engine import TrainConfig

    return TrainConfig(net="conv")
