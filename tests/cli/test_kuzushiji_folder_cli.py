"""`python -m explorer kuzushiji train/classify` on a folder of images in class sub-folders (generated shapes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.cli import main
from explorer.core import checkpoints
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.datasets import KMNIST, folder_dataset
from explorer.core.kuzushiji.metrics import balanced_accuracy
from tests.core.kuzushiji.shapes import SHAPES, shape_picture
from tests.core.kuzushiji.test_folder_dataset import shapes_folder

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--net", "lin", "--epochs", "20", "--lr", "0.05", "--batch", "6"]


def explorer(*argv: str) -> subprocess.CompletedProcess:
    """The command line in a second process, with this test's data folder."""
    return subprocess.run([sys.executable, "-m", "explorer", *argv], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ), timeout=300)


@pytest.fixture
def shapes(tmp_path):
    return shapes_folder(tmp_path / "shapes")


def test_train_on_a_folder_of_shapes_then_classify_with_its_class_names(shapes, tmp_path, user_data_dir):
    done = explorer("kuzushiji", "train", *FAST, "--data", str(shapes), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["dataset"], result["classes"], result["class_names"]) == ("folder", 3, list(SHAPES))
    assert result["parameters"] == 28 * 28 * 3 + 3
    confusion = np.array(result["confusion"])
    assert confusion.shape == (3, 3) and confusion.sum() == result["total"] == 6
    assert result["balanced_accuracy"] == pytest.approx(100 * balanced_accuracy(confusion))
    assert result["accuracy"] >= 80
    # The file that is no picture is a note, nothing else is left out, and nothing is an error.
    err = done.stderr.splitlines()
    assert [line for line in err if line.startswith("note:")] == [
        "note: left out circle/broken.png: not a readable image (not a picture format the app knows)"
    ]
    assert not any(line.startswith("error:") for line in err)
    # The net is kept as the folder's own, beside (never over) a KMNIST net.
    checkpoint_folder = user_data_dir / "checkpoints"
    assert sorted(p.name for p in checkpoint_folder.iterdir()) == ["kuzushiji_folder_lin.pt"]
    assert trained.latest("lin", folder_dataset(SHAPES)).dataset.class_names == SHAPES

    shape_picture("square", 140, dark=True, jitter=1).save(tmp_path / "my square.png")
    done = explorer("kuzushiji", "classify", str(tmp_path / "my square.png"), "--dataset", "folder", "--json")
    assert done.returncode == 0, done.stderr
    top = json.loads(done.stdout)["top"]
    assert top[0]["name"] == "square"
    assert sorted(entry["name"] for entry in top) == sorted(SHAPES)
    assert all(set(entry) == {"class", "name", "probability"} for entry in top)  # no kana for a folder's class
    done = explorer("kuzushiji", "classify", str(tmp_path / "my square.png"), "--dataset", "folder")
    assert done.stdout.splitlines()[1].split()[:2] == ["1.", "square"]  # "  1. square     99.9 %"


def test_preparation_and_split_are_chosen_and_a_folder_net_is_read_as_it_was_trained(shapes, tmp_path, capsys):
    weights = tmp_path / "shapes.pt"
    argv = ["kuzushiji", "train", *FAST, "--data", str(shapes), "--preparation", "resize", "--split-seed", "7",
            "--test-fraction", "0.25", "--save", str(weights), "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 6 and result["class_names"] == list(SHAPES)  # 8 pictures a class, a quarter tested
    saved = checkpoints.load(weights).extra
    assert (saved["preparation"], saved["class_names"], saved["dataset"]) == ("resize", list(SHAPES), "folder")
    assert main(["kuzushiji", "classify", str(shapes / "triangle" / "triangle-dark-0.png"), "--weights",
                 str(weights), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["top"][0]["name"] == "triangle" and answer["inverted"] is False
    # KMNIST's nets are not the folder's: none was trained, and none is offered.
    assert not trained.checkpoint_path(KMNIST, "lin").exists()
    assert main(["kuzushiji", "classify", str(shapes / "triangle" / "triangle-dark-0.png")]) == 2
    assert "no trained Kuzushiji net" in capsys.readouterr().err


def one_error_line(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in "".join(lines), lines
    return errors[0]


def test_a_folder_that_is_no_data_set_is_one_error_line(tmp_path, capsys):
    one = tmp_path / "one"
    (one / "circle").mkdir(parents=True)
    shape_picture("circle").save(one / "circle" / "c.png")
    line = one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--data", str(one)])
    assert line == f"error: {one}: a data set needs at least two class folders with pictures (PNG, JPEG, BMP or TIFF) " \
                   "in them; found 1"

    unreadable = tmp_path / "unreadable"
    for shape in ("circle", "square"):
        (unreadable / shape).mkdir(parents=True)
        (unreadable / shape / f"{shape}.png").write_bytes(b"\x89PNG but not really")
    line = one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--data", str(unreadable)])
    assert line.startswith(f"error: {unreadable}: none of the 2 pictures could be read (the first: circle/circle.png: ")

    (tmp_path / "empty").mkdir()
    line = one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--data", str(tmp_path / "empty")])
    assert line.startswith("error: no Kuzushiji-MNIST or Kuzushiji-49 files in ")
    assert line.endswith("; or pictures (PNG, JPEG, BMP, TIFF) in one sub-folder per class")

    odd = tmp_path / "odd"
    for name in ("circle", "new\nline"):
        (odd / name).mkdir(parents=True)
        for i in range(3):
            shape_picture("circle" if name == "circle" else "square", 80 + i).save(odd / name / f"{i}.png")
    line = one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--data", str(odd)])
    assert line == f"error: {odd}: its class folders: class name 2 ('new\\nline') is not a plain name"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--test-fraction", "1"], "error: --test-fraction must be between 0 and 1 (got 1.0)"),
        (["--test-fraction", "nan"], "error: --test-fraction must be between 0 and 1 (got nan)"),
        (["--split-seed", "-1"], "error: --split-seed must be between 0 and 4,294,967,295 (got -1)"),
        (["--preparation", "blur"], "error: unknown preparation 'blur'; choose one of drawing, resize"),
    ],
)
def test_bad_folder_options_are_one_error_line(shapes, capsys, options, message):
    line = one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--data", str(shapes), *options])
    assert line.startswith(message)


def test_folder_options_without_a_folder_are_refused(capsys):
    assert one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--preparation", "resize"]) == (
        "error: --preparation: only for a folder of pictures in class sub-folders (--data DIR)"
    )
    assert one_error_line(capsys, ["kuzushiji", "data", "--download", "--split-seed", "2"]) == (
        "error: --split-seed: only for a folder of pictures in class sub-folders"
    )


@pytest.mark.parametrize(
    ("class_names", "message"),
    [
        ([1, 2, 3], "meta field 'extra.class_names': class name 1 should be text, not a number"),
        (["circle", "square"], "meta field 'extra.class_names' names 2 classes, which the weights' outputs do not fit"),
    ],
)
def test_classify_refuses_a_crafted_folder_net_naming_the_field(tmp_path, class_names, message):
    model = nets.create("lin", seed=0, dataset=folder_dataset(SHAPES))
    weights = checkpoints.save(tmp_path / "crafted.pt", model.state_dict(), experiment="kuzushiji",
                               architecture="NetLin", extra={"dataset": "folder", "class_names": class_names})
    shape_picture("circle").save(tmp_path / "c.png")
    done = explorer("kuzushiji", "classify", str(tmp_path / "c.png"), "--weights", str(weights))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: crafted.pt: {message}")


def test_an_imported_folder_is_trained_on_with_dataset_folder_and_the_next_import_replaces_it(shapes, tmp_path, capsys):
    assert one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--dataset", "folder"]).startswith(
        "error: no folder of images yet: run `python -m explorer kuzushiji data --import DIR`"
    )
    assert main(["kuzushiji", "data", "--import", str(shapes), "--preparation", "resize", "--split-seed", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"stored: Folder of images: 18 training / 6 test images, imported from {shapes} (resize)\n"
    assert "note: left out circle/broken.png: " in captured.err
    assert main(["kuzushiji", "train", *FAST, "--dataset", "folder", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["classes"], result["class_names"]) == (3, list(SHAPES))
    assert checkpoints.load(trained.checkpoint_path(folder_dataset(SHAPES), "lin")).extra["preparation"] == "resize"
    # The split was made on import: it cannot be changed at training time.
    assert one_error_line(capsys, ["kuzushiji", "train", "--net", "lin", "--dataset", "folder", "--split-seed", "1"]) \
        .startswith("error: --split-seed: the imported folder was prepared and split when it was imported")
    pets = tmp_path / "pets"
    for name in ("cat", "dog"):
        (pets / name).mkdir(parents=True)
        for i in range(3):
            shape_picture("circle" if name == "cat" else "square", 80 + 9 * i).save(pets / name / f"{i}.png")
    assert main(["kuzushiji", "data", "--import", str(pets)]) == 0
    assert capsys.readouterr().out.startswith("stored: Folder of images: ")
    assert main(["kuzushiji", "train", "--net", "lin", "--epochs", "1", "--dataset", "folder", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["class_names"] == ["cat", "dog"]
