"""The recurrent experiment's Qt-free model (issue 18): built from the stored work, results computed, kept again."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict

import numpy as np
import pytest

from explorer.core.progress import run_to_end
from explorer.core.recurrent.languages import parse_string
from explorer.core.recurrent.model import (
    RecurrentModel,
    TrainingRecord,
    history_of,
    load_model,
    run_of,
    trace_of,
    train_and_measure,
)
from explorer.core.recurrent.snapshots import Snapshot
from explorer.core.recurrent.training import fast_recipe
from explorer.core.recurrent.weights import NetState
from explorer.core.recurrent.work import KeptRun
from explorer.core.work_store import WorkStore


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A short SRN-2 run, trained and measured as the tab's task does it."""
    config = fast_recipe("anb2n", "srn", seed=0, sequences=320, eval_every=160, snapshot_every=16, stop_when_solved=False)
    result, results = run_to_end(train_and_measure(config, shown="aabbbb"))
    return config, result, results


def test_an_empty_store_gives_the_shipped_net_with_every_result(tmp_path):
    model = load_model(WorkStore("recurrent", tmp_path))
    assert (model.state.stem, model.state.L, model.moment) == ("anb2n_srn2", 4, "pretrained (shipped with the app)")
    assert model.results.accuracy_text.startswith("Accuracy (n = 1..4): 100.0 % — solves the language; chance: 80 %")
    assert "<" not in model.results.accuracy_text
    assert model.study.found.machine.size == 12 and model.lockstep is not None
    assert model.probe is not None and model.counting_fit() is model.probe.best
    assert len(model.trace.hidden) == len(model.sequence.text) - 1
    assert model.history == [] and model.history_note == "" and model.notes == []


def test_the_trained_results_come_with_the_run_and_belong_to_its_net(trained):
    config, result, results = trained
    assert results.net is result.model  # one pickled graph: the window can tell the results are this net's
    assert results.L == config.L and sorted(results.per_n) == list(range(1, 3 * config.L + 1))
    assert len(results.batch.sequences) == 8


def test_the_string_on_display_is_traced_with_the_trained_net_as_the_window_would(trained):
    config, result, results = trained
    sequence = parse_string(config.lang, "aabbbb")
    traced = results.traces[sequence.text]  # the typed string, as the window parses it
    again = trace_of(result.model, sequence)
    assert np.array_equal(traced.hidden, again.hidden) and np.array_equal(traced.log_probs, again.log_probs)
    # A string not of the language is left for the window, which says why it is refused.
    _, others = run_to_end(train_and_measure(dataclasses.replace(config, sequences=16), shown="abc?"))
    assert others.traces == {}


def test_a_kept_run_comes_back_as_training_records(tmp_path, trained):
    config, result, _ = trained
    store = WorkStore("recurrent", tmp_path)
    model = RecurrentModel.from_store(store)
    history = [TrainingRecord(100, 0.9, 55.0), TrainingRecord(150, 0.8), TrainingRecord(200, 0.7, 60.0)]
    state = NetState(result.model, model.state.language, config.L, "trained: test", asdict(config))
    model.keep(store, state, run_of(history, result.snapshots))
    model.state = state
    model.save_choice(store)

    again = RecurrentModel.from_store(WorkStore("recurrent", tmp_path))
    assert again.state.label == "trained: test" and again.state.stem == "anb2n_srn2"
    assert again.history == history and again.history_net is again.state.model
    assert again.run_settings() == {k: asdict(config)[k] for k in ("recipe", "optimizer", "lr", "sequences",
                                                                   "init_std")}
    assert again.seed == 0
    assert len(again.snapshots) == len(result.snapshots) > 1
    assert again.choose_snapshot(0) and again.moment.startswith("training snapshot after ")
    assert again.net is not again.state.model
    assert again.choose_snapshot(len(again.snapshots) - 1) and again.net is again.state.model
    assert not again.choose_snapshot(len(again.snapshots))


def test_damaged_work_is_set_aside_and_said_in_notes(tmp_path):
    WorkStore("recurrent", tmp_path).save({"choice": {"lang": "anb2n", "model": "srn", "hidden": "two", "L": 4}})
    model = RecurrentModel.from_store(WorkStore("recurrent", tmp_path))
    assert model.state.stem == "anb2n_srn2"  # the shipped net, as on a first start
    assert len(model.notes) == 1 and "hidden" in model.notes[0]
    assert list(tmp_path.glob("work.json.damaged*"))


def test_history_keeps_accuracy_checks_without_a_loss_row():
    run = KeptRun([[10, 0.5], [20, 0.4]], [[20, 80.0], [30, 90.0]], [])
    history = history_of(run)
    assert [(r.sequences, r.accuracy) for r in history] == [(10, None), (20, 80.0), (30, 90.0)]
    back = run_of(history, [Snapshot(30, {})])
    assert back.loss == [[10, 0.5], [20, 0.4]] and back.accuracy == [[20, 80.0], [30, 90.0]]


def test_view_choices_pick_the_axes_and_the_plotted_state(tmp_path):
    model = load_model(WorkStore("recurrent", tmp_path))
    assert model.axes(2) == (0, 1, 2)  # two units: the state value is the third axis
    model.views.axes = (1, 0, 2)
    assert model.axes(2) == (1, 0, 2)
    model.views.axes = (5, 0, 1)  # from another net: the defaults
    assert model.axes(2) == (0, 1, 2)
    model.views.state_kind = "cell"  # an SRN has no cell state
    assert model.state_kind == "hidden"
    model.views.coordinates = "pca"
    assert model.coordinates().names[0].startswith("PC1")
