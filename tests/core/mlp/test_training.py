"""Training by the course recipe: reaches 100 %, matches torch's Adam, can be cancelled."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.mlp.analysis import accuracy
from explorer.core.mlp.data import checkerboard, xor
from explorer.core.mlp.training import LatestWeights, TrainConfig, initial_weights, train
from explorer.core.progress import run_to_end

SEED = 5  # reaches 100 % on the checkerboard with 5 hidden units in about 7,600 epochs


def test_five_hidden_units_reach_100_percent_by_the_course_rule():
    records = []
    result = run_to_end(train(checkerboard(), TrainConfig(hidden=5, seed=SEED)), records.append)
    assert result.accuracy == 100.0
    assert result.stopped_by_rule
    assert 2_000 <= result.epochs < 200_000
    assert accuracy(result.weights, checkerboard(), "sigmoid") == 100.0
    assert result.loss < 0.2
    # the progress records: every 100 epochs, the last one kept and marked finished
    assert [r.done for r in records[:3]] == [100, 200, 300]
    assert all(r.total == 200_000 for r in records)
    assert set(records[0].data) == {"epoch", "loss", "accuracy", "weights"}
    assert records[-1].keep and records[-1].data["finished"]
    assert records[-1].data["epoch"] == result.epochs
    assert not any(r.keep for r in records[:-1])
    # the last 2,000 epochs were all at 100 %
    assert all(r.data["accuracy"] == 100.0 for r in records[-20:])
    assert [h[0] for h in result.history] == [r.done for r in records]


def test_training_follows_torch_adam_and_bce():
    """The numpy loop takes the same steps as the course script written in torch."""
    config = TrainConfig(hidden=3, seed=11, max_epochs=300, report_every=300)
    result = run_to_end(train(checkerboard(), config))

    start = initial_weights(3, 0.15, 11)
    torch.manual_seed(123)  # the reference below must not depend on the global generator
    layers = torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)
    with torch.no_grad():
        for layer, (w, b) in zip(
            layers,
            [(start.in_hid_weight, start.hid_bias), (start.hid_out_weight, start.out_bias)],
            strict=True,
        ):
            layer.weight.copy_(torch.tensor(w))
            layer.bias.copy_(torch.tensor(b))
    params = [p for layer in layers for p in layer.parameters()]
    optimizer = torch.optim.Adam(params, lr=0.001, weight_decay=1e-5)
    data = checkerboard()
    x = torch.tensor(data.points, dtype=torch.float32)
    t = torch.tensor(data.targets, dtype=torch.float32)
    for _ in range(300):
        optimizer.zero_grad()
        out = torch.sigmoid(layers[1](torch.sigmoid(layers[0](x)))).squeeze(1)
        loss = torch.nn.functional.binary_cross_entropy(out, t)
        loss.backward()
        optimizer.step()
    assert result.history[-1][1] == pytest.approx(loss.item(), rel=1e-5)
    assert np.allclose(result.weights.in_hid_weight, layers[0].weight.detach().numpy(), atol=1e-5)
    assert np.allclose(result.weights.hid_out_weight, layers[1].weight.detach().numpy(), atol=1e-5)
    assert np.allclose(result.weights.out_bias, layers[1].bias.detach().numpy(), atol=1e-5)


def test_initial_weights_are_seeded_and_sized():
    a, b = initial_weights(30, 0.15, 7), initial_weights(30, 0.15, 7)
    assert a == b
    assert a != initial_weights(30, 0.15, 8)
    assert 0.1 < a.in_hid_weight.std() < 0.2
    assert initial_weights(4, 0.0, 1).hid_bias.tolist() == [0, 0, 0, 0]


def test_cancelling_leaves_usable_weights():
    latest = LatestWeights()
    gen = train(checkerboard(), TrainConfig(hidden=5, seed=SEED, report_every=50), latest)
    last = None
    for record in gen:
        last = record
        if record.done >= 1_000:
            break
    gen.close()
    assert last.data["epoch"] == 1_000
    snapshot = last.data["weights"]
    assert snapshot.hidden == 5
    assert latest.weights == snapshot and latest.epoch == 1_000
    assert 0 <= accuracy(snapshot, checkerboard(), "sigmoid") <= 100
    # training really moved the weights away from where it started
    assert snapshot != initial_weights(5, 0.15, SEED)


def test_stopping_at_max_epochs_without_the_rule():
    result = run_to_end(
        train(xor(), TrainConfig(hidden=2, seed=0, max_epochs=250, report_every=100))
    )
    assert result.epochs == 250
    assert not result.stopped_by_rule
    assert [h[0] for h in result.history] == [100, 200, 250]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (TrainConfig(hidden=0), "hidden units must be between 1 and 30, not 0"),
        (TrainConfig(hidden=31), "hidden units must be between 1 and 30, not 31"),
        (TrainConfig(lr=0), "learning rate must be above 0"),
        (TrainConfig(max_epochs=0), "max epochs must be between 1 and"),
    ],
)
def test_bad_settings_are_refused(config, message):
    with pytest.raises(UserError, match=message):
        next(train(checkerboard(), config))
