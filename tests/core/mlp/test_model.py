"""The MLP model: what is shown, the run with its own settings, kept and read back as a stranger's file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.mlp import analysis, data
from explorer.core.mlp.model import EpochRecord, MLPModel, MLPState, evaluate_steps
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.training import TrainConfig, train
from explorer.core.mlp.work import save_work
from explorer.core.progress import run_to_end
from explorer.core.work_store import WorkStore

CONFIG = TrainConfig(hidden=3, lr=0.02, seed=4, init_std=0.3, max_epochs=400, report_every=50)


def _trained_model() -> MLPModel:
    """A model that went through a run the way the tab drives it: records, then the result."""
    model = MLPModel()
    live = model.start_run(CONFIG)
    gen = train(model.state.dataset, CONFIG)
    result = run_to_end(gen, lambda record: model.record(record.data))
    run = live.ended(result.weights, "finished", result)
    model.set_run(run, tell=False)
    model.end_run()
    model.set_state(MLPState(model.state.dataset, result.weights, "sigmoid"))
    return model


def test_a_run_keeps_the_settings_it_used_and_its_records():
    model = _trained_model()
    run = model.run
    assert run.config == CONFIG and run.outcome == "finished"
    assert all(isinstance(r, EpochRecord) for r in run.history) and run.epochs == 400
    assert model.owns_run() and model.curves_note().startswith("Curves of the run that gave the net shown")
    settings, seed = model.run_settings()
    assert seed == 4 and settings["learning rate"] == 0.02 and settings["hidden units trained"] == 3
    assert settings["initial weight size"] == 0.3 and settings["max epochs"] == 400
    model.set_state(MLPState(model.state.dataset, model.state.weights.with_hidden(5), "sigmoid"))  # an edit
    settings, seed = model.run_settings()
    assert settings["hidden units"] == 5 and settings["hidden units trained"] == 3 and seed == 4
    assert settings["training run"].startswith("an earlier run")
    assert model.curves_note() == "Curves of an earlier run: the net shown has changed since."


def test_the_timeline_moment_is_shown_only_beside_the_runs_own_net():
    model = _trained_model()
    first = model.timeline[0]
    model.show_moment(0)
    assert model.shown_weights() == first.weights
    assert model.moment_text() == f"timeline: epoch {first.epoch:,} of {model.timeline[-1].epoch:,}"
    model.set_scale(10)
    assert model.shown_weights() == first.weights.scaled(10)
    model.show_moment(len(model.timeline) - 1)  # the end: the net itself
    assert model.moment_text() == "" and model.shown_weights() == model.network()
    with pytest.raises(UserError, match="moments"):
        model.show_moment(len(model.timeline))
    with pytest.raises(UserError, match="rescale factor"):
        model.set_scale(0)


def test_observers_hear_which_part_changed():
    model, heard = MLPModel(), []
    model.observe(heard.append)
    model.set_scale(3)
    model.set_state(MLPState(data.xor(), reference_step_network(), "step"))
    model.set_run(None)
    assert heard == ["scale", "state", "run"]


def test_the_evaluation_is_the_activation_table_and_accuracy():
    model = MLPModel(MLPState(data.checkerboard(), reference_step_network(), "step"))
    evaluation = model.evaluate()
    rows = analysis.activation_table(reference_step_network(), data.checkerboard(), "step")
    assert evaluation.accuracy == analysis.accuracy(reference_step_network(), data.checkerboard(), "step") == 100
    assert [bool(c) for c in evaluation.correct] == [r.correct for r in rows]
    assert list(evaluation.headers) == ["x", "y", "h0", "h1", "h2", "h3", "output", "target", "correct"]
    assert next(evaluation.rows())[-3:] == [str(int(rows[0].output)), str(rows[0].target), "✓"]
    assert model.evaluate() is evaluation  # remembered while nothing changed
    model.set_scale(10)
    assert model.evaluation_ready() is None and model.evaluate().step_difference == pytest.approx(
        analysis.max_sigmoid_step_difference(reference_step_network(), data.checkerboard(), 10))
    # The task's generator gives the same numbers (a large data set is evaluated off the GUI thread).
    background = run_to_end(evaluate_steps(*model.evaluation_inputs()))
    assert np.array_equal(background.correct, model.evaluate().correct)


def test_the_model_round_trips_through_the_work_store(tmp_path):
    model = _trained_model()
    model.save(WorkStore("mlp", tmp_path))
    again = MLPModel.from_store(WorkStore("mlp", tmp_path))
    assert again.state.weights == model.state.weights and again.state.dataset == model.state.dataset
    assert again.run.config == CONFIG and again.run.outcome == "finished"
    assert again.run.rows() == model.run.rows() and again.owns_run() and not again.notes
    assert [s.epoch for s in again.timeline] == [s.epoch for s in model.timeline]


def test_work_kept_before_runs_recorded_their_settings_still_loads(tmp_path):
    store = WorkStore("mlp", tmp_path)
    net = reference_step_network()
    save_work(store, data.checkerboard(), net, "step", ([(100, 0.5, 50.0), (200, 0.4, 75.0)], net, []))
    model = MLPModel.from_store(WorkStore("mlp", tmp_path))
    assert model.run.config is None and model.run.outcome is None and model.run.epochs == 200
    settings, seed = model.run_settings()
    assert seed is None and "learning rate" not in settings
    assert settings["run's settings"] == "not recorded (the run was kept by an earlier version)"


@pytest.mark.parametrize("config, problem", [
    ("fast", "'run.config' should be a table of settings, not text"),
    ({"lr": 0.1}, "'run.config.hidden' should be a whole number, not empty (null)"),
    ({**json.loads(json.dumps({"hidden": 3, "init_std": 0.1, "lr": 1e9, "weight_decay": 0, "max_epochs": 10,
                               "stable_epochs": 5, "seed": 1, "report_every": 1, "eps": 1e-8,
                               "betas": [0.9, 0.999]}))}, "the learning rate"),
    ({"hidden": True, "init_std": 0.1}, "'run.config.hidden' should be a whole number, not true/false"),
])
def test_an_ill_typed_kept_configuration_is_set_aside_and_named(tmp_path, config, problem):
    _trained_model().save(WorkStore("mlp", tmp_path))
    kept = json.loads((tmp_path / "work.json").read_text())
    kept["work"]["run"]["config"] = config
    (tmp_path / "work.json").write_text(json.dumps(kept))
    model = MLPModel.from_store(WorkStore("mlp", tmp_path))
    assert model.run is None and (tmp_path / "work.json.damaged").is_file()
    assert any(problem in note for note in model.notes), model.notes


def test_an_unknown_outcome_is_set_aside_and_named(tmp_path):
    _trained_model().save(WorkStore("mlp", tmp_path))
    kept = json.loads((tmp_path / "work.json").read_text())
    kept["work"]["run"]["outcome"] = "<b>won</b>"
    (tmp_path / "work.json").write_text(json.dumps(kept))
    model = MLPModel.from_store(WorkStore("mlp", tmp_path))
    assert model.run is None
    assert any("'run.outcome' should be one of finished, cancelled, diverged" in n for n in model.notes)
