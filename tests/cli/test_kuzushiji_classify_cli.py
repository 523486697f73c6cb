"""``python -m explorer kuzushiji classify IMAGE_OR_FOLDER...``: verdicts, JSON lines, and clear errors."""

from __future__ import annotations

import argparse
import contextlib
import io
import json

import numpy as np
import pytest
import torch
from PIL import Image

import explorer.cli
from explorer.core import checkpoints
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.kuzushiji.preprocess import preprocess_file


def _classify_wired() -> bool:
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            explorer.cli.build_parser().parse_args(["kuzushiji", "classify", "x.png"])
    except SystemExit:
        return False
    return True


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run ``python -m explorer …`` in-process: returns (exit code, stdout, stderr)."""
    if not _classify_wired():
        # Until explorer/cli/kuzushiji.py calls add_classify_parser, wire it here.
        from explorer.cli.kuzushiji_classify import add_classify_parser

        def build_parser():
            parser = argparse.ArgumentParser(prog="python -m explorer")
            experiments = parser.add_subparsers(dest="experiment", required=True)
            kuzushiji = experiments.add_parser("kuzushiji")
            add_classify_parser(kuzushiji.add_subparsers(dest="command", required=True))
            return parser

        monkeypatch.setattr(explorer.cli, "build_parser", build_parser)

    def run(*argv: str) -> tuple[int, str, str]:
        code = explorer.cli.main(["kuzushiji", "classify", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def drawing(tmp_path):
    """A dark-on-light 'photo' of a character-like shape."""
    image = np.full((120, 90), 235, np.uint8)
    image[20:100, 40:48] = 30
    image[50:58, 15:80] = 30
    path = tmp_path / "drawing.png"
    Image.fromarray(image).save(path)
    return path


def save_net(name: str, path=None, seed: int = 3):
    model = nets.create(name, seed=seed)
    target = path or trained.checkpoint_path(KMNIST, name)
    checkpoints.save(target, model.state_dict(), experiment="kuzushiji", architecture=nets.display_name(name))
    return model, target


def test_json_lists_every_class_with_the_nets_softmax(cli, drawing, tmp_path):
    model, weights = save_net("lin", tmp_path / "mine.pt")
    code, out, err = cli(str(drawing), "--weights", str(weights), "--json")
    assert code == 0, err
    result = json.loads(out)
    pre = preprocess_file(drawing)
    expected = torch.softmax(model(pre.tensor)[0], 0).detach().numpy()
    top = result["top"]
    assert [t["class"] for t in top] == list(np.argsort(-expected, kind="stable"))
    for entry in top:
        assert entry["probability"] == pytest.approx(float(expected[entry["class"]]), rel=1e-5)
        assert (entry["kana"], entry["romaji"]) == CLASSES[entry["class"]] and entry["name"] == entry["romaji"]
    assert sum(t["probability"] for t in top) == pytest.approx(1.0)
    assert np.array_equal(np.array(result["input28"], np.float32), pre.array28)
    assert result["net"] == "NetLin" and result["inverted"] is True
    assert result["file"] == str(drawing)


def write_shapes(folder, n: int = 3) -> list:
    """``n`` different dark-on-light shapes as PNGs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        image = np.full((100, 100), 240, np.uint8)
        image[10 + 10 * i : 90, 30 + 5 * i : 40 + 5 * i] = 20
        image[40:50, 10 : 60 + 10 * i] = 20
        paths.append(folder / f"shape{i}.png")
        Image.fromarray(image).save(paths[-1])
    return paths


def test_a_folder_with_one_broken_file_reports_it_and_classifies_the_rest(cli, tmp_path):
    _, weights = save_net("conv", tmp_path / "conv.pt")
    folder = tmp_path / "pictures"
    good = write_shapes(folder)
    (folder / "broken.png").write_bytes(b"\x89PNG truncated")
    (folder / "notes.txt").write_text("not an image, and not named like one: skipped")
    extra = tmp_path / "drawing.png"
    Image.fromarray(np.full((60, 60), 250, np.uint8)).save(extra)  # blank: no ink
    code, out, err = cli(str(folder), str(extra), "--weights", str(weights), "--json")
    assert code == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [str(folder / "broken.png"), *map(str, good), str(extra)]
    assert lines[0] == {"file": str(folder / "broken.png"), "error": "broken.png: not a readable image (not a picture format the app knows)"}
    assert lines[-1]["error"] == "no ink found in drawing.png"
    for path, line in zip(good, lines[1:-1], strict=True):
        assert "error" not in line and len(line["top"]) == 10
        assert np.array_equal(np.array(line["input28"], np.float32), preprocess_file(path).array28)
    assert err.splitlines() == [
        "error: broken.png: not a readable image (not a picture format the app knows)",
        "error: no ink found in drawing.png",
    ]
    # All good: exit 0; text output gives one line per image.
    code, out, err = cli(*map(str, good), "--weights", str(weights), "--top", "2")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("NetConv") and len(lines) == 1 + len(good)
    assert all(line.startswith(f"{path}: ") and line.count("%") == 2 for path, line in zip(good, lines[1:], strict=True))


def test_missing_paths_and_empty_folders_are_reported(cli, tmp_path):
    _, weights = save_net("lin", tmp_path / "lin.pt")
    (tmp_path / "empty").mkdir()
    code, out, err = cli(str(tmp_path / "empty"), str(tmp_path / "gone.png"), "--weights", str(weights))
    assert code == 2 and out.startswith("NetLin")
    assert err.splitlines() == [
        f"error: {tmp_path / 'empty'}: no image files in this folder",
        f"error: {tmp_path / 'gone.png'}: no such file",
    ]


def test_text_output_uses_the_last_trained_conv_net_first(cli, drawing):
    save_net("lin")
    save_net("conv")
    code, out, _ = cli(str(drawing), "--top", "2")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("NetConv (kuzushiji_conv.pt")
    assert len(lines) == 3 and lines[1].lstrip().startswith("1. ") and lines[1].endswith("%")
    code, out, _ = cli(str(drawing), "--net", "lin")
    assert code == 0 and out.startswith("NetLin")


def test_no_trained_net_says_how_to_get_one(cli, drawing):
    code, out, err = cli(str(drawing))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith("error: no trained Kuzushiji net: train one in the Kuzushiji tab")
    save_net("lin")
    code, _, err = cli(str(drawing), "--net", "full")
    assert code == 2 and "NetFull has not been trained yet" in err


def test_unreadable_and_empty_images_exit_non_zero_with_one_line(cli, tmp_path):
    save_net("lin")
    broken = tmp_path / "scan.png"
    broken.write_bytes(b"\x89PNG not really")
    code, out, err = cli(str(broken))
    assert code == 2 and out == ""
    assert err == "error: scan.png: not a readable image (not a picture format the app knows)\n"
    empty = tmp_path / "empty.png"
    Image.fromarray(np.zeros((280, 280), np.uint8)).save(empty)
    code, out, err = cli(str(empty), "--json")
    # With --json the failure is also a JSON line, so a script reading stdout sees every image (issue 13).
    assert (code, err) == (2, "error: no ink found in empty.png\n")
    assert json.loads(out) == {"file": str(empty), "error": "no ink found in empty.png"}


def test_weights_for_another_net_are_refused(cli, drawing, tmp_path):
    _, weights = save_net("full", tmp_path / "full.pt")
    code, _, err = cli(str(drawing), "--weights", str(weights), "--net", "conv")
    assert code == 2 and "holds weights for NetFull, but NetConv was asked for" in err
