"""The Kuzushiji tab's kept histories and curves from a crafted work.json (issue 17, item 4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.kuzushiji.engine import EpochRecord
from explorer.core.kuzushiji.work import checked_histories, load_history, load_runs
from explorer.core.work_store import WorkStore

EPOCH = {"epoch": 1, "train_loss": 1.0, "test_loss": 0.5, "accuracy": 80.0, "seconds": 2.0, "images_per_second": 9.0}


def _store(tmp_path, work):
    (tmp_path / "work.json").write_text(json.dumps({"format": 1, "experiment": "kuzushiji", "work": work}))
    return WorkStore("kuzushiji", tmp_path)


@pytest.mark.parametrize("histories, problem", [
    ([1], "'histories' should be a table of nets, not a list"),
    ({"lin": "lin_epochs.npz"}, "the history of 'lin' should be a table of file and epochs, not text"),
    ({"lin": {"file": "lin_epochs.npz", "epochs": 3}}, "'epochs' should be a list of at most 10000 epochs, not a number"),
    ({"lin": {"file": "lin_epochs.npz", "epochs": [[1]]}}, "epoch 1 should be a table of numbers, not a list"),
    ({"lin": {"file": "lin_epochs.npz", "epochs": [{**EPOCH, "accuracy": float("nan")}]}},
     "epoch 1's 'accuracy' should be a finite number, not NaN, infinity or a number too large"),
    ({"lin": {"file": "lin_epochs.npz", "epochs": [{**EPOCH, "seconds": "2"}]}},
     "epoch 1's 'seconds' should be a finite number, not text"),
    ({"lin": {"file": "../x.npz", "epochs": [EPOCH]}}, "the file name '../x.npz' is not a plain file name"),
])
def test_ill_typed_histories_are_named(tmp_path, histories, problem):
    with pytest.raises(UserError, match=None) as info:
        checked_histories(WorkStore("kuzushiji", tmp_path), histories)
    assert problem in str(info.value)


def test_a_history_whose_arrays_do_not_fit_is_set_aside(tmp_path):
    store = _store(tmp_path, {"histories": {"lin": {"file": "lin_epochs.npz", "epochs": [EPOCH]}}})
    np.savez(tmp_path / "lin_epochs.npz", labels=np.zeros(5, np.int64), predictions=np.zeros((1, 5), np.uint8),
             probabilities=np.zeros((1, 5, 10), np.float16), confusion=np.zeros((1, 3, 3), np.int64))
    assert load_history(store, "lin", 80.0, 0.5) == []
    assert (tmp_path / "lin_epochs.npz.damaged").is_file()
    assert "its confusion have shape (1, 3, 3), not (1, 10, 10)" in store.problems[0]


def test_a_history_that_fits_is_restored(tmp_path):
    store = _store(tmp_path, {"histories": {"lin": {"file": "lin_epochs.npz", "epochs": [EPOCH]}}})
    np.savez(tmp_path / "lin_epochs.npz", labels=np.arange(5), predictions=np.zeros((1, 5), np.uint8),
             probabilities=np.full((1, 5, 10), 0.1, np.float16), confusion=np.eye(10, dtype=np.int64)[None])
    records = load_history(store, "lin", 80.0, 0.5)
    assert [r.epoch for r in records] == [1] and records[0].evaluation.accuracy == 80.0 and store.problems == []
    assert isinstance(records[0], EpochRecord) and records[0].balanced_accuracy == 100.0  # typed, as training makes


def test_ill_typed_kept_curves_are_left_out(tmp_path):
    good = {"label": "run 1", "batch_x": [0.5], "batch_loss": [1.0], "epoch_x": [1], "test_loss": [0.4], "accuracy": [90]}
    (tmp_path / "work.json").write_text(
        '{"format": 1, "work": {"runs": [' + json.dumps(good) + ', {"label": ["x"]}, '
        + json.dumps({**good, "label": "huge"})[:-1] + ', "accuracy": [1' + "0" * 401 + "]}]}}")
    assert load_runs(WorkStore("kuzushiji", tmp_path)) == [good]
