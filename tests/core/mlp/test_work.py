"""The MLP work store keeps a large data set in an .npz beside the JSON, and a small one inline."""

from __future__ import annotations

import json

import pytest

from explorer.core.mlp import data
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.work import ARRAYS, load_work, save_work
from explorer.core.work_store import WorkStore


def test_large_and_small_data_sets_round_trip(tmp_path):
    store = WorkStore("mlp", tmp_path)
    big = data.two_circles(n=2_000)
    save_work(store, big, reference_step_network(), "step")
    assert (tmp_path / f"{ARRAYS}.npz").is_file()
    dataset, weights, activation = load_work(store)
    assert dataset == big and weights == reference_step_network() and activation == "step"
    save_work(store, data.checkerboard(), reference_step_network(), "step")
    assert not (tmp_path / f"{ARRAYS}.npz").exists()  # no stale large set left behind
    assert load_work(store)[0] == data.checkerboard()


def test_a_missing_arrays_file_is_set_aside_with_a_message(tmp_path):
    store = WorkStore("mlp", tmp_path)
    save_work(store, data.two_circles(n=2_000), reference_step_network(), "step")
    (tmp_path / f"{ARRAYS}.npz").unlink()
    assert load_work(store) is None
    assert any("missing or damaged" in p for p in store.problems)


@pytest.mark.parametrize("dataset, problem", [
    ([[0, 0]], "'dataset' should be a table of points and targets, not a list"),
    ({"name": 5, "points": [[0, 0]], "targets": [1]}, "the data set's 'name' should be text, not a number"),
    ({"points": [[0, 0]], "targets": [7]}, "every target must be 0 or 1"),
    ({"points": [[0, 1e400]], "targets": [1]}, "every point must have finite coordinates"),
    ({"arrays": ["dataset.npz"]}, "a file name in work.json should be text, not a list"),
])
def test_an_ill_typed_kept_data_set_is_set_aside_and_named(tmp_path, dataset, problem):
    store = WorkStore("mlp", tmp_path)
    save_work(store, data.checkerboard(), reference_step_network(), "step")
    work = json.loads((tmp_path / "work.json").read_text())
    work["work"]["dataset"] = dataset
    (tmp_path / "work.json").write_text(json.dumps(work).replace("Infinity", "1e400"))
    assert load_work(store) is None
    assert problem in store.problems[0] and (tmp_path / "work.json.damaged").is_file()
