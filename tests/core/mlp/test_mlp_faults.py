"""MLP files under faults: failed saves keep the good file, hostile inputs get a message."""

from __future__ import annotations

import errno

import pytest

from explorer.core import atomic
from explorer.core.errors import UserError
from explorer.core.mlp.data import checkerboard, load_csv, parse_csv, save_csv
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.weights_io import (
    load_json,
    load_weights_file,
    parse_python_block,
    save_json,
    save_python_block,
)


def _disk_full(monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)


@pytest.mark.parametrize(
    "name, save, load",
    [
        ("w.json", lambda p: save_json(reference_step_network(), p, "step"), lambda p: load_json(p)[0]),
        ("w.py", lambda p: save_python_block(reference_step_network(), p), lambda p: load_weights_file(p)[0]),
        ("d.csv", lambda p: save_csv(checkerboard(), p), load_csv),
    ],
)
def test_a_full_disk_keeps_the_good_file(tmp_path, monkeypatch, name, save, load):
    path = tmp_path / name
    save(path)
    good = path.read_bytes()
    assert load(path) == load(path)  # the saved file reads back
    _disk_full(monkeypatch)
    with pytest.raises(UserError, match=rf"could not write .*{name}: disk full"):
        save(path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_python_block_file_round_trips(tmp_path):
    path = save_python_block(reference_step_network(), tmp_path / "w.py")
    assert load_weights_file(path)[0] == reference_step_network()


def test_json_nested_100000_deep_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(UserError, match=r"deep\.json: .*nested too deeply"):
        load_json(path)


@pytest.mark.parametrize(
    "text",
    [
        "in_hid_weight = " + "-" * 200_000 + "1",
        "in_hid_weight = " + "[" * 100_000 + "]" * 100_000,
        "in_hid_weight = [" + "1, " * 2_000_000 + "]",
    ],
    ids=["minus-signs", "nested-lists", "too-long"],
)
def test_hostile_python_blocks_are_refused(text):
    with pytest.raises(UserError):
        parse_python_block(text)


def test_json_weights_with_nan_are_refused(tmp_path):
    path = tmp_path / "nan.json"
    save_json(reference_step_network(), path, "step")
    path.write_text(path.read_text().replace("-1.4", "NaN", 1))
    with pytest.raises(UserError, match="not a finite number"):
        load_json(path)


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1000001"])
def test_huge_csv_coordinates_are_refused_with_the_line(value):
    text = f"x,y,t\n0,0,0\n1,{value},1\n"
    with pytest.raises(UserError, match=r"big\.csv, line 3: y is out of range"):
        parse_csv(text, name="big.csv")


def test_coordinates_up_to_the_bound_are_kept():
    data = parse_csv("0,0,0\n1e6,-1e6,1\n", name="ok.csv")
    assert data.points.max() == 1e6
