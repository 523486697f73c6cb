"""Saving and loading trained Kuzushiji nets: the data folder's latest per net and data set, and users' files."""

from __future__ import annotations

import pytest
import torch

from explorer.core import checkpoints
from explorer.core.checkpoints import CheckpointError
from explorer.core.errors import UserError
from explorer.core.kuzushiji import evaluation, nets, trained
from explorer.core.kuzushiji.datasets import K49, KMNIST
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.results import NetResult, load_latest_results, load_result, save_result


def trained_lin(dataset=KMNIST):
    model = nets.create("lin", seed=0, dataset=dataset)
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (30, 28, 28), dtype=torch.uint8, generator=g)
    return model, evaluation.evaluate(model, images, torch.arange(30) % dataset.num_classes)


def test_saved_weights_are_found_at_next_start():
    assert trained.latest("lin") is None
    model, result = trained_lin()
    path = trained.save(model, "lin", TrainConfig(net="lin", epochs=3), result, seconds=1.5)
    assert path == trained.checkpoint_path(KMNIST, "lin") and path.name == "kuzushiji_lin.pt"
    found = trained.latest("lin")
    assert torch.equal(found.model.linear.weight, model.linear.weight)
    ckpt = found.checkpoint
    assert ckpt.architecture == "NetLin" and ckpt.hyperparameters["epochs"] == 3
    assert ckpt.extra == {"accuracy": result.accuracy, "test_loss": result.test_loss, "seconds": 1.5,
                          "dataset": "kmnist"}
    assert found.dataset is KMNIST and found.source.startswith("kuzushiji_lin.pt, saved ")
    assert trained.latest("conv") is None
    assert trained.stored_accuracy("lin") == pytest.approx(result.accuracy)


def test_weights_of_another_net_are_refused_naming_both(tmp_path):
    model, result = trained_lin()
    path = trained.save(model, "lin", TrainConfig(net="lin"), result, path=tmp_path / "mine.pt")
    with pytest.raises(UserError, match=r"mine.pt holds weights for NetLin, but NetConv was asked for"):
        trained.load(path, "conv")


def test_trained_weights_are_found_and_checked(tmp_path):
    assert trained.all_latest() == {}
    lin = nets.create("lin", seed=0)
    checkpoints.save(trained.checkpoint_path(KMNIST, "lin"), lin.state_dict(), experiment="kuzushiji",
                     architecture="NetLin")
    found = trained.all_latest()
    assert list(found) == ["lin"] and found["lin"].source.startswith("kuzushiji_lin.pt")
    assert torch.equal(found["lin"].model.linear.weight, lin.linear.weight)
    # A bare state dict is recognised by its shapes; other experiments' weights are refused.
    bare = checkpoints.save_state_dict(tmp_path / "bare.pth", nets.create("full").state_dict())
    assert trained.load(bare).name == "full"
    other = checkpoints.save(tmp_path / "mlp.pt", lin.state_dict(), experiment="mlp", architecture="MLP")
    with pytest.raises(UserError, match="not for a Kuzushiji net"):
        trained.load(other)
    with pytest.raises(UserError, match="NetFull was asked for"):
        trained.load(trained.checkpoint_path(KMNIST, "lin"), "full")


def test_each_data_set_keeps_its_own_nets():
    kmnist_model, kmnist_result = trained_lin(KMNIST)
    k49_model, k49_result = trained_lin(K49)
    first = trained.save(kmnist_model, "lin", TrainConfig(net="lin"), kmnist_result)
    second = trained.save(k49_model, "lin", TrainConfig(net="lin"), k49_result, dataset=K49)
    assert (first.name, second.name) == ("kuzushiji_lin.pt", "kuzushiji_k49_lin.pt")
    assert trained.latest("lin").model.linear.out_features == 10
    found = trained.latest("lin", K49)
    assert found.dataset is K49 and found.model.linear.out_features == 49
    assert torch.equal(found.model.linear.weight, k49_model.linear.weight)
    assert list(load_latest_results(dataset=K49)) == ["lin"]
    assert load_latest_results(dataset=K49)["lin"].dataset is K49


def test_a_net_of_another_data_set_is_refused_naming_both(tmp_path):
    model, result = trained_lin(K49)
    path = trained.save(model, "lin", TrainConfig(net="lin"), result, path=tmp_path / "k49.pt", dataset=K49)
    assert trained.load(path).dataset is K49  # the file says which data set
    with pytest.raises(UserError, match="k49.pt holds a net for Kuzushiji-49, not for Kuzushiji-MNIST"):
        trained.load(path, dataset=KMNIST)
    # A bare state dict says it by its shapes: 49 outputs are Kuzushiji-49's.
    bare = checkpoints.save_state_dict(tmp_path / "k49.pth", nets.create("conv", dataset=K49).state_dict())
    assert (trained.load(bare).name, trained.load(bare).dataset) == ("conv", K49)
    with pytest.raises(CheckpointError, match="does not fit NetConv"):
        trained.load(bare, "conv", KMNIST)


def test_a_stranger_file_naming_an_unknown_data_set_is_refused(tmp_path):
    lin = nets.create("lin")
    unknown = checkpoints.save(tmp_path / "odd.pt", lin.state_dict(), experiment="kuzushiji",
                               architecture="NetLin", extra={"dataset": "<b>emnist</b>"})
    with pytest.raises(UserError, match=r"odd.pt holds a net for a data set this app does not know \('<b>emnist"):
        trained.load(unknown)
    typed = checkpoints.save(tmp_path / "typed.pt", lin.state_dict(), experiment="kuzushiji",
                             architecture="NetLin", extra={"dataset": [1, 2]})
    with pytest.raises(UserError, match="'extra.dataset' should be text, not a list"):
        trained.load(typed)


def test_a_result_saved_and_opened_again_is_the_same_net(tmp_path):
    model, result = trained_lin(K49)
    net = NetResult("lin", model, TrainConfig(net="lin", epochs=2), result, seconds=3.0, dataset=K49)
    path = save_result(net, tmp_path / "mine")
    assert path.name == "mine.pt"
    with pytest.raises(UserError, match="mine.pt holds a net for Kuzushiji-49, not for Kuzushiji-MNIST"):
        load_result(path)  # the KMNIST tab opens KMNIST nets only
    again = load_result(path, K49)
    assert again.dataset is K49 and again.config.epochs == 2 and again.accuracy == pytest.approx(result.accuracy)
    assert torch.equal(again.model.linear.weight, model.linear.weight)
    course = save_result(net, tmp_path / "course.pth")  # the course's bare state dict
    assert load_result(course, None).dataset is K49
