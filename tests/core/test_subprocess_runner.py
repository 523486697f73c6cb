"""Progress generators run in a child process: records, result, errors and cancel come through."""

from __future__ import annotations

import multiprocessing

import pytest

from explorer.core.errors import UserError
from explorer.core.mlp.data import checkerboard
from explorer.core.mlp.training import TrainConfig, train
from explorer.core.progress import run_to_end
from explorer.core.subprocess_runner import in_subprocess


def test_training_in_a_child_gives_the_same_result_as_in_process():
    config = TrainConfig(hidden=5, seed=5, max_epochs=20_000)
    here = run_to_end(train(checkerboard(), config))
    records = []
    there = run_to_end(in_subprocess(train, checkerboard(), config), records.append)
    assert there.weights == here.weights and there.epochs == here.epochs
    assert records and records[-1].data["epoch"] == there.epochs


def test_an_error_in_the_child_is_raised_in_the_parent():
    gen = in_subprocess(train, checkerboard(), TrainConfig(hidden=99))
    with pytest.raises(UserError, match="hidden units must be between 1 and 30"):
        next(gen)


def test_closing_stops_the_child():
    gen = in_subprocess(train, checkerboard(), TrainConfig(hidden=1, max_epochs=10_000_000))
    first = next(gen)
    assert first.data["epoch"] == 100
    gen.close()
    assert [p for p in multiprocessing.active_children() if p.name == "explorer-training"] == []


def test_torch_results_survive_the_child_exiting():
    from explorer.core.recurrent.training import fast_recipe
    from explorer.core.recurrent.training import train as train_recurrent

    config = fast_recipe("anb2n", "srn", sequences=320)
    result = run_to_end(in_subprocess(train_recurrent, config))
    assert result.sequences > 0 and set(result.state_dict) >= {"W", "U", "V"}
