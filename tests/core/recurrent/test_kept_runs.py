"""Kept recurrent runs read back from the work store: whole, or refused field by field (issue 19 item 10).

The kept runs' files are input from a stranger. No tab is needed: the store is
read as the model reads it (moved here from tests/qt/recurrent/test_issue19_restart.py, issue 18).
"""

from __future__ import annotations

import json

import numpy as np
import torch

from explorer.core.recurrent.languages import get_language
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.snapshots import Snapshot
from explorer.core.recurrent.weights import NetState
from explorer.core.recurrent.work import MAX_SNAPSHOTS, KeptRun, load_work_runs, save_net_state
from explorer.core.work_store import WorkStore


def _kept_lstm(folder) -> tuple[WorkStore, NetState]:
    store = WorkStore("recurrent", folder)
    torch.manual_seed(0)
    model = make_model("lstm", get_language("anb2n").size, 2)
    state = NetState(model, get_language("anb2n"), 4, "trained here", {})
    snapshots = [Snapshot(100 * i, {k: v.clone() for k, v in model.state_dict().items()}) for i in range(1, 4)]
    save_net_state(store, state, {state.stem: state}, KeptRun([[1, 0.5], [2, 0.4]], [[2, 50.0]], snapshots))
    return store, state


def test_a_kept_run_reads_back_whole(tmp_path):
    store, state = _kept_lstm(tmp_path)
    _, nets, runs = load_work_runs(store)
    run = runs[state.stem]
    assert run.loss == [[1.0, 0.5], [2.0, 0.4]] and run.accuracy == [[2.0, 50.0]]
    assert [s.sequences for s in run.snapshots] == [100, 200, 300] and store.problems == []


def _meta(folder) -> dict:
    return json.loads((folder / "work.json").read_text())


def _write_meta(folder, meta) -> None:
    (folder / "work.json").write_text(json.dumps(meta))


def test_ill_typed_kept_curves_are_named_and_set_aside(tmp_path):
    store, state = _kept_lstm(tmp_path)
    for bad, words in (([[1, True]], "holds true/false, not a number"), ("many", "should be a list of points"),
                       ([[1, 2, 3]], "should be a list of 2 numbers"), ([[1, 1e999]], "not a number")):
        meta = _meta(tmp_path)
        meta["work"]["nets"][state.stem]["curves"]["loss"] = bad
        _write_meta(tmp_path, meta)
        fresh = WorkStore("recurrent", tmp_path)
        choice, nets, runs = load_work_runs(fresh)
        assert nets == {} and runs == {}
        assert any(words in p for p in fresh.problems), fresh.problems
        (tmp_path / "work.json").write_text("")
        for damaged in tmp_path.glob("work.json*.damaged*"):
            damaged.unlink()
        store, state = _kept_lstm(tmp_path)


def test_a_timeline_name_outside_the_store_is_refused(tmp_path):
    store, state = _kept_lstm(tmp_path)
    (tmp_path.parent / "elsewhere.npz").write_bytes(b"x")
    meta = _meta(tmp_path)
    meta["work"]["nets"][state.stem]["timeline"] = "../elsewhere.npz"
    _write_meta(tmp_path, meta)
    fresh = WorkStore("recurrent", tmp_path)
    _, nets, runs = load_work_runs(fresh)
    assert nets == {} and "not a plain file name" in fresh.problems[0]
    assert (tmp_path.parent / "elsewhere.npz").read_bytes() == b"x"


def test_a_timeline_that_does_not_fit_the_net_is_set_aside_and_the_net_kept(tmp_path):
    store, state = _kept_lstm(tmp_path)
    name = _meta(tmp_path)["work"]["nets"][state.stem]["timeline"]
    arrays = dict(np.load(tmp_path / name))
    key = next(k for k in arrays if k.startswith("w_"))
    for bad, words in ((np.zeros((3, 7, 7), np.float32), "do not fit"),
                       (np.full_like(arrays[key], np.nan), "NaN"),
                       (None, "snapshots")):
        crafted = dict(arrays)
        if bad is None:
            crafted["sequences"] = np.arange(MAX_SNAPSHOTS + 1)
        else:
            crafted[key] = bad
        np.savez(tmp_path / name, **crafted)
        fresh = WorkStore("recurrent", tmp_path)
        _, nets, runs = load_work_runs(fresh)
        assert state.stem in nets and runs[state.stem].snapshots == []  # the net and its curves stay
        assert runs[state.stem].loss and any(words in p for p in fresh.problems), fresh.problems
        for damaged in tmp_path.glob(f"{name}*.damaged*"):
            damaged.unlink()


def test_an_opened_net_drops_the_older_runs_timeline(tmp_path):
    store, state = _kept_lstm(tmp_path)
    name = _meta(tmp_path)["work"]["nets"][state.stem]["timeline"]
    save_net_state(store, state, {state.stem: state})  # File > Open weights of the same stem: no run
    assert not (tmp_path / name).exists()
    _, _, runs = load_work_runs(WorkStore("recurrent", tmp_path))
    assert runs == {}
