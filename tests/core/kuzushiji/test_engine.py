"""The fast training engine: same losses as the torchvision pipeline, learning, stopping."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import torchvision.transforms as T
from PIL import Image
from torch.utils.data import DataLoader

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.engine import EpochRecord, TrainConfig, normalise, train
from explorer.core.kuzushiji.evaluation import evaluate
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.fakedata import make_kmnist_arrays, plain_pipeline_dataset


def fake_kmnist(n_train: int, n_test: int, seed: int = 0) -> KMNIST:
    a = make_kmnist_arrays(n_train=n_train, n_test=n_test, seed=seed)
    return KMNIST(
        train_images=torch.from_numpy(a["train_images"]),
        train_labels=torch.from_numpy(a["train_labels"]).long(),
        test_images=torch.from_numpy(a["test_images"]),
        test_labels=torch.from_numpy(a["test_labels"]).long(),
        source="generated",
    )


def plain_pipeline_losses(
    model, data: KMNIST, epochs: int, shuffle: bool, seed: int, max_batches: int | None = None
):
    loader = DataLoader(
        plain_pipeline_dataset(data.train_images, data.train_labels),
        batch_size=64,
        shuffle=shuffle,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    losses = []
    model.train()
    for _ in range(epochs):
        for b, (x, y) in enumerate(loader):
            if max_batches is not None and b == max_batches:
                break
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def engine_losses(model, data: KMNIST, config: TrainConfig, max_batches: int | None = None):
    losses = []
    gen = train(model, data, config)
    for record in gen:
        if not record.keep:
            losses.append(record.data["loss"])
            if max_batches is not None and len(losses) == max_batches:
                gen.close()
                break
    return losses


def test_normalise_matches_totensor_and_normalize_bit_for_bit():
    images = torch.randint(0, 256, (20, 28, 28), dtype=torch.uint8)
    tf = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
    expected = torch.stack([tf(Image.fromarray(im.numpy())) for im in images])
    assert torch.equal(normalise(images), expected)


def test_engine_gives_the_dataloader_losses_with_the_same_shuffled_order():
    data = fake_kmnist(n_train=64 * 4 + 10, n_test=50)  # a short last batch, as in real epochs
    engine_model = nets.create("full", seed=0)
    plain_model = copy.deepcopy(engine_model)
    config = TrainConfig(net="full", epochs=2, seed=7, shuffle=True)
    ours = engine_losses(engine_model, data, config)
    theirs = plain_pipeline_losses(plain_model, data, epochs=2, shuffle=True, seed=7)
    assert len(ours) == len(theirs) == 10
    assert torch.allclose(torch.tensor(ours), torch.tensor(theirs), rtol=1e-6, atol=1e-7)
    for a, b in zip(engine_model.parameters(), plain_model.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)


def test_engine_gives_the_dataloader_losses_in_file_order_for_netconv():
    data = fake_kmnist(n_train=64 * 3, n_test=20)
    engine_model = nets.create("conv", seed=1)
    plain_model = copy.deepcopy(engine_model)
    ours = engine_losses(
        engine_model, data, TrainConfig(net="conv", epochs=1, shuffle=False), max_batches=3
    )
    theirs = plain_pipeline_losses(
        plain_model, data, epochs=1, shuffle=False, seed=0, max_batches=3
    )
    assert torch.allclose(torch.tensor(ours), torch.tensor(theirs), rtol=1e-5, atol=1e-6)
    # the engine trains conv nets in channels-last layout and hands the model back in the usual one
    assert engine_model.conv2.weight.is_contiguous()


def test_different_order_gives_different_losses():
    # guards the test above: the comparison is sensitive to the batch order
    data = fake_kmnist(n_train=64 * 4, n_test=20)
    model = nets.create("lin", seed=0)
    ours = engine_losses(copy.deepcopy(model), data, TrainConfig(net="lin", epochs=1, seed=7))
    theirs = plain_pipeline_losses(model, data, epochs=1, shuffle=True, seed=8)
    assert not torch.allclose(torch.tensor(ours), torch.tensor(theirs), rtol=1e-4)


def test_training_learns_generated_data_and_reports_every_epoch():
    data = fake_kmnist(n_train=600, n_test=200)
    history = []
    records = []
    result = run_to_end(
        train(nets.create("lin", seed=0), data, TrainConfig(net="lin", epochs=2), history),
        records.append,
    )
    epochs = [r for r in records if r.keep]
    assert [r.data.epoch for r in epochs] == [1, 2]
    assert [r.data for r in epochs] == history  # the very records the history holds
    assert len(records) - len(epochs) == 2 * 10  # 600 images in batches of 64: 10 per epoch
    assert result.evaluation.accuracy > 50  # chance is 10 %
    assert result.epochs == 2 and history[-1].accuracy == result.evaluation.accuracy
    confusion = epochs[-1].data.confusion
    assert confusion.shape == (10, 10) and confusion.sum() == 200
    assert list(confusion.sum(axis=1)) == list(np.bincount(data.test_labels.numpy(), minlength=10))
    assert epochs[1].data.train_loss < epochs[0].data.train_loss
    assert result.images_per_second > 0


def test_adam_and_no_shuffle_also_train():
    data = fake_kmnist(n_train=300, n_test=100)
    config = TrainConfig(net="full", epochs=2, optimizer="adam", lr=0.001, shuffle=False)
    result = run_to_end(train(nets.create("full", seed=0), data, config))
    assert result.evaluation.accuracy > 50


def test_stopping_keeps_the_last_finished_epochs_weights():
    data = fake_kmnist(n_train=640, n_test=200)
    model = nets.create("full", seed=0)
    history = []
    gen = train(model, data, TrainConfig(net="full", epochs=3, lr=0.05), history)
    for record in gen:
        if not record.keep and record.data["epoch"] == 2 and record.data["batch"] == 5:
            gen.close()  # the stop button, half-way through epoch 2
    assert [h.epoch for h in history] == [1]
    kept = nets.create("full")
    kept.load_state_dict(history[0].state_dict)
    again = evaluate(kept, data.test_images, data.test_labels)
    assert again.accuracy == history[0].accuracy
    assert again.test_loss == pytest.approx(history[0].test_loss, rel=1e-6)
    # the model itself went on training after epoch 1; the snapshot did not follow it
    assert not torch.equal(model.hidden.weight, history[0].state_dict["hidden.weight"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"epochs": 0}, "epochs"),
        ({"batch": 0}, "batch"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"device": "tpu"}, "device"),
        ({"lr": -1.0}, "learning rate"),
    ],
)
def test_bad_settings_are_refused_before_training(change, message):
    config = TrainConfig(net="lin", **change)
    with pytest.raises(UserError, match=message):
        next(train(nets.create("lin"), fake_kmnist(64, 10), config))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_on_a_gpu_learns_and_keeps_weights_on_the_cpu():
    data = fake_kmnist(n_train=640, n_test=200)
    history = []
    config = TrainConfig(net="conv", epochs=2, device="cuda")
    result = run_to_end(train(nets.create("conv", seed=0), data, config, history))
    assert result.evaluation.accuracy > 50
    assert all(v.device.type == "cpu" for v in result.state_dict.values())
    assert history[0].train_loss > history[1].train_loss


def test_an_epochs_record_is_frozen_and_crosses_a_process_pipe_whole():
    from explorer.core.subprocess_runner import Runner

    data = fake_kmnist(n_train=200, n_test=60)
    runner = Runner()
    try:
        records = []
        result = run_to_end(runner.run(train, nets.create("lin", seed=0), data, TrainConfig(net="lin", epochs=2)),
                            records.append)
    finally:
        runner.close()
    epochs = [r.data for r in records if r.keep]
    assert [type(r) for r in epochs] == [EpochRecord, EpochRecord] and [r.epoch for r in epochs] == [1, 2]
    last = epochs[-1]
    assert last.accuracy == result.history[-1].accuracy and last.evaluation.accuracy == last.accuracy
    assert torch.equal(last.state_dict["linear.weight"], result.state_dict["linear.weight"])
    assert np.array_equal(last.confusion, result.evaluation.confusion)
    assert last.balanced_accuracy == pytest.approx(
        100 * np.nanmean(np.diag(last.confusion) / last.confusion.sum(axis=1))
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        last.accuracy = 100.0  # type: ignore[misc]
