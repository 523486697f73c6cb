"""The Kuzushiji experiment's model: a run kept, the stored work read back, selections, rows and curves.

Real parts throughout: a tiny net trained on small fake KMNIST files, the real work store in a
temporary data folder, the real checkpoint files.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji import engine, nets
from explorer.core.kuzushiji import trained as saved_nets
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.model import KuzushijiModel, class_labels
from explorer.core.progress import run_to_end
from explorer.core.work_store import WorkStore


def run(model: KuzushijiModel, data, net: str = "lin", epochs: int = 2, **settings):
    """Train ``net`` as the tab does: a run started in the model, its epochs fed to it as they finish."""
    config = TrainConfig(net=net, epochs=epochs, **settings)
    model.start_run(config)
    result = run_to_end(engine.train(nets.create(net, seed=config.seed), data, config))
    for record in result.history:
        model.add_epoch(record)
    return result


def always(name, accuracy, why) -> bool:
    return True


@pytest.fixture
def data(kmnist_folder):
    return kmnist.import_folder(kmnist_folder)


@pytest.fixture
def store(tmp_path):
    return WorkStore("kuzushiji", tmp_path / "work")


def test_a_kept_run_comes_back_from_the_store_with_its_settings_history_and_curves(data, store):
    model = KuzushijiModel()
    trained = run(model, data, lr=0.05)
    kept, error = model.keep_run(model.run_history, trained.seconds, False, "", store, always)
    model.save_runs(store)
    assert error == "" and kept is model.results["lin"] and model.selected_net == "lin"
    assert kept.source == "trained here, saved as kuzushiji_lin.pt"
    assert model.run_note == f"NetLin: 2 epochs, test accuracy {trained.history[-1].accuracy:.2f} %"

    back = KuzushijiModel.from_store(store)
    result = back.results["lin"]
    assert result.config.lr == 0.05 and result.config.epochs == 2  # the settings the run used
    assert [r.accuracy for r in result.history] == pytest.approx([r.accuracy for r in trained.history])
    np.testing.assert_array_equal(result.history[0].evaluation.confusion, trained.history[0].evaluation.confusion)
    assert back.evaluation_at("lin", 1).accuracy == pytest.approx(trained.history[0].accuracy)
    assert back.evaluation_at("lin").accuracy == pytest.approx(trained.history[-1].accuracy)
    assert back.notes == [] and back.selected_net == "lin"
    assert [run.label for run in back.runs.values()] == ["#1 NetLin · SGD lr 0.05, batch 64"]
    assert back.run_count == 1 and back.start_run(TrainConfig(net="conv")).label.startswith("#2 NetConv")


def test_the_results_row_and_the_curves_csv_state_the_models_numbers(data, store):
    model = KuzushijiModel()
    trained = run(model, data)
    model.keep_run(model.run_history, 75.0, False, "", store, always)
    last = trained.history[-1]
    row = model.result_row("lin").by_column()
    assert row == {"Net": "NetLin", "Parameters": "7,850", "Test accuracy": f"{last.accuracy:.2f} %",
                   "Balanced accuracy": f"{last.balanced_accuracy:.2f} %", "Test loss": f"{last.test_loss:.4f}", "Training time": "1:15", "Epochs": "2",
                   "Weights": "trained here, saved as kuzushiji_lin.pt"}
    assert model.curves_who() == ("NetLin", "lin")
    rows = list(csv.DictReader(io.StringIO(model.curves_csv())))
    label = "#1 NetLin · SGD lr 0.01, batch 64"
    assert [float(r[f"{label}: test accuracy (%)"]) for r in rows] == pytest.approx([h.accuracy for h in trained.history])
    assert [r["epoch"] for r in rows] == ["1", "2"]


def test_a_stopped_run_keeps_its_last_epoch_and_says_so(data, store):
    model = KuzushijiModel()
    run(model, data, epochs=2)
    first = model.run_history[:1]
    kept, _ = model.keep_run(first, first[0].seconds, True, "", store, always)
    assert kept.config.epochs == 1 and len(kept.history) == 1
    assert model.run_note == f"NetLin: stopped; kept epoch 1's weights, test accuracy {first[0].accuracy:.2f} %"
    assert saved_nets.stored_accuracy("lin") == pytest.approx(first[0].accuracy)


def test_nothing_is_kept_before_the_first_epoch_or_when_the_stored_net_stays(data, store):
    model = KuzushijiModel()
    model.start_run(TrainConfig(net="lin", epochs=1))
    assert model.keep_run([], 0.0, True, "", store, always) == (None, "")
    assert model.run_note == "NetLin stopped before its first epoch finished: nothing kept"
    run(model, data, epochs=1)
    asked = []
    kept, _ = model.keep_run(model.run_history, 1.0, False, "blew up", store,
                             lambda *args: asked.append(args) or False)
    accuracy = model.run_history[-1].accuracy
    assert kept is None and model.results == {} and asked == [("lin", accuracy, "blew up")]
    assert model.run_note == f"NetLin: kept the stored net; this run ({accuracy:.2f} %) was not saved (blew up)"
    assert not saved_nets.checkpoint_path(KMNIST, "lin").exists()


def test_a_read_only_store_keeps_the_net_here_and_says_why_it_was_not_saved(data, tmp_path):
    model = KuzushijiModel()
    run(model, data, epochs=1)
    store = WorkStore("kuzushiji", tmp_path / "work", read_only="another window has it")
    kept, error = model.keep_run(model.run_history, 1.0, False, "", store, always)
    assert "read-only" in error and kept.source == "trained here (not saved)" and model.results["lin"] is kept
    assert not saved_nets.checkpoint_path(KMNIST, "lin").exists()


def test_a_damaged_history_is_a_note_and_the_weights_still_come_back(data, store):
    model = KuzushijiModel()
    run(model, data, epochs=1)
    model.keep_run(model.run_history, 1.0, False, "", store, always)
    (store.folder / "lin_epochs.npz").write_bytes(b"not a zip file")
    back = KuzushijiModel.from_store(store)
    assert "lin" in back.results and back.results["lin"].history == []
    assert len(back.notes) == 1 and "lin_epochs.npz" in back.notes[0] and "renamed" in back.notes[0]
    assert (store.folder / "lin_epochs.npz.damaged").is_file()


def test_the_selection_picks_the_evaluation_figures_show(data, store):
    model = KuzushijiModel()
    trained = run(model, data)
    model.keep_run(model.run_history, 1.0, False, "", store, always)
    model.select("lin", 1)
    assert model.selected() is model.results["lin"] and model.epoch_of("lin", model.selected_epoch) == 1
    assert model.evaluation_at("lin", model.selected_epoch).accuracy == trained.history[0].accuracy
    assert model.epoch_of("lin", 7) == 2  # an epoch the net never had: its last
    model.select("conv")  # no such net here: nothing selected
    assert model.selected() is None


def test_nets_evaluated_on_another_test_set_are_evaluated_again_on_this_one(data, store, tmp_path,
                                                                            write_kmnist_folder):
    model = KuzushijiModel()
    run(model, data, epochs=1)
    model.keep_run(model.run_history, 1.0, False, "", store, always)
    write_kmnist_folder(tmp_path / "other", fmt="idx.gz", n_train=600, n_test=50)
    smaller = kmnist.read_folder(tmp_path / "other")
    model.evaluate_on(smaller)
    result = model.results["lin"]
    assert result.history == [] and result.evaluation.total == 50
    assert result.evaluation.confusion.sum() == 50


def test_class_labels_come_from_the_data_sets_description():
    labels = class_labels()
    assert labels[0] == "お o" and labels[-1] == "を wo"
    assert len(labels) == KuzushijiModel().description.num_classes


def test_the_stored_format_is_the_one_earlier_versions_read(data, store):
    model = KuzushijiModel()
    run(model, data, epochs=1)
    model.keep_run(model.run_history, 1.0, False, "", store, always)
    model.save_runs(store)
    work = json.loads((store.folder / "work.json").read_text())["work"]
    # plus "balanced" (issue 21), a key earlier versions' readers pass over (they read the six by name)
    assert set(work["runs"][0]) == {"label", "batch_x", "batch_loss", "epoch_x", "test_loss", "accuracy", "balanced"}
    assert work["histories"]["lin"]["file"] == "lin_epochs.npz" and len(work["histories"]["lin"]["epochs"]) == 1


def test_curves_cleared_while_a_net_trains_leave_its_epochs_to_keep(data, store):
    model = KuzushijiModel()
    model.start_run(TrainConfig(net="lin", epochs=1))
    model.clear_runs()  # Clear curves, pressed while the run goes on
    trained = run_to_end(engine.train(nets.create("lin", seed=1), data, TrainConfig(net="lin", epochs=1)))
    model.add_batch(0.5, 2.0)
    model.add_epoch(trained.history[0])
    assert model.runs == {} and len(model.run_history) == 1
    kept, _ = model.keep_run(model.run_history, 1.0, False, "", store, always)
    assert kept is model.results["lin"]


def test_a_diverged_run_is_tagged_in_its_curves_name():
    model = KuzushijiModel()
    model.start_run(TrainConfig(net="full", optimizer="adam", lr=1.0))
    model.mark_run("diverged")
    assert [run.label for run in model.runs.values()] == ["#1 NetFull · ADAM lr 1, batch 64 (diverged)"]
