"""A diverging run stops with a message and keeps the last finite weights, in every training loop."""

from __future__ import annotations

import pickle

import pytest
import torch

from explorer.core.divergence import TrainingDiverged, message
from explorer.core.errors import UserError
from explorer.core.progress import run_to_end


def test_the_message_says_where_and_what_to_do():
    assert message(3, float("nan")) == "training diverged at epoch 3 (loss nan); try a smaller learning rate"
    assert "loss inf" in message(1, float("inf"))


def test_it_survives_the_trip_back_from_a_child_process():
    exc = TrainingDiverged(message(2, float("nan")), epoch=2, weights={"w": torch.ones(2)})
    back = pickle.loads(pickle.dumps(exc))
    assert isinstance(back, UserError)
    assert str(back) == str(exc) and back.epoch == 2 and torch.equal(back.weights["w"], torch.ones(2))


def test_kuzushiji_engine_stops_and_restores_the_last_finite_weights():
    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.engine import TrainConfig, train
    from tests.core.kuzushiji.test_engine import fake_kmnist

    torch.manual_seed(0)
    model = nets.create("full", seed=0)
    start = {k: v.clone() for k, v in model.state_dict().items()}
    history = []
    with pytest.raises(TrainingDiverged, match=r"training diverged at epoch 1 \(loss .*\); try a smaller learning rate") as info:
        run_to_end(train(model, fake_kmnist(256, 64), TrainConfig(net="full", lr=10, optimizer="adam", epochs=2), history))
    assert history == []  # no epoch finished: the starting weights are the last finite ones
    for name, value in model.state_dict().items():
        assert torch.isfinite(value).all()
        assert torch.equal(value, start[name])
        assert torch.equal(info.value.weights[name], start[name])


def test_mlp_training_stops_and_keeps_finite_weights():
    from explorer.core.mlp.data import checkerboard
    from explorer.core.mlp.training import LatestWeights, TrainConfig, initial_weights, train

    latest = LatestWeights()
    config = TrainConfig(lr=100, max_epochs=2000, report_every=10)
    with pytest.raises(TrainingDiverged, match="training diverged at epoch 10") as info:
        run_to_end(train(checkerboard(), config, latest))
    start = initial_weights(config.hidden, config.init_std, config.seed)
    assert info.value.weights == latest.weights
    assert latest.epoch == 0
    assert latest.weights.in_hid_weight.ravel().tolist() == pytest.approx(start.in_hid_weight.ravel().tolist(), abs=1e-6)


def test_mlp_training_at_a_sane_rate_does_not_trip_the_guard():
    from explorer.core.mlp.data import checkerboard
    from explorer.core.mlp.training import TrainConfig, train

    result = run_to_end(train(checkerboard(), TrainConfig(lr=0.1, max_epochs=3000, report_every=100)))
    assert result.accuracy == 100.0


def test_recurrent_training_stops_and_keeps_finite_weights():
    from explorer.core.recurrent.training import fast_recipe, train

    with pytest.raises(TrainingDiverged, match=r"training diverged at sequence [\d,]+ \(loss") as info:
        run_to_end(train(fast_recipe("anb2n", "srn", lr=1000, sequences=2000)))
    assert info.value.weights and all(torch.isfinite(v).all() for v in info.value.weights.values())
