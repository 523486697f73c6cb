"""The work store: round trips, atomic metadata, damaged files set aside with a message."""

from __future__ import annotations

import json

import numpy as np
import torch

from explorer.core.work_store import WorkStore


def test_metadata_weights_and_arrays_round_trip(tmp_path):
    store = WorkStore("mlp", tmp_path)
    weights = store.save_weights("net one", {"w": torch.arange(3.0)}, architecture="MLP-2", note="kept")
    arrays = store.save_arrays("curves", loss=np.linspace(1, 0, 5))
    store.save({"weights": weights, "arrays": arrays})
    again = WorkStore("mlp", tmp_path)
    work = again.load()
    assert work == {"weights": "net_one.pt", "arrays": "curves.npz"}
    ckpt = again.load_weights(work["weights"])
    assert torch.equal(ckpt.state_dict["w"], torch.arange(3.0)) and ckpt.extra == {"note": "kept"}
    assert np.allclose(again.load_arrays(work["arrays"])["loss"], np.linspace(1, 0, 5))
    assert again.problems == []


def test_nothing_kept_is_an_empty_store(tmp_path):
    store = WorkStore("recurrent", tmp_path / "missing")
    assert store.load() == {} and store.load_weights("x.pt") is None and store.load_arrays("x.npz") is None


def test_damaged_files_are_renamed_aside_with_a_message(tmp_path):
    store = WorkStore("kuzushiji", tmp_path)
    (tmp_path / "work.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a.pt").write_bytes(b"PK\x03\x04 cut")
    (tmp_path / "b.npz").write_bytes(b"not a zip")
    assert store.load() == {}
    assert store.load_weights("a.pt") is None and store.load_arrays("b.npz") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pt.damaged", "b.npz.damaged", "work.json.damaged"]
    assert len(store.problems) == 3 and "renamed to work.json.damaged" in store.problems[0]


def test_metadata_of_another_format_is_set_aside(tmp_path):
    (tmp_path / "work.json").write_text(json.dumps({"format": 99, "work": {"x": 1}}), encoding="utf-8")
    store = WorkStore("mlp", tmp_path)
    assert store.load() == {} and (tmp_path / "work.json.damaged").is_file()
