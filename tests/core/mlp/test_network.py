"""Weights: validation, scaling, resizing, torch state dicts, the forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.mlp.network import MLPWeights, forward, reference_step_network


def test_reference_network_shapes():
    net = reference_step_network()
    assert net.hidden == 4
    assert net.in_hid_weight.shape == (4, 2)
    assert net.hid_out_weight.shape == (1, 4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hid_bias": [0.0, 1.0]}, "hid_bias must hold 4 numbers"),
        ({"in_hid_weight": [[1, 2, 3]] * 4}, "in_hid_weight must be H rows of 2 numbers"),
        ({"hid_out_weight": [1, 1, 1, 1]}, "hid_out_weight must be one row of 4 numbers"),
        ({"out_bias": [1, 2]}, "out_bias must hold exactly 1 number"),
        (
            {"hid_bias": [0, float("nan"), 0, 0]},
            "hid_bias holds a value that is not a finite number",
        ),
        ({"out_bias": [float("inf")]}, "out_bias holds a value that is not a finite number"),
        ({"out_bias": ["x"]}, "out_bias must be a list of numbers"),
    ],
)
def test_invalid_weights_are_refused_with_a_message(change, message):
    values = reference_step_network().to_lists() | change
    with pytest.raises(UserError, match=message):
        MLPWeights.from_lists(values)


def test_scaled_and_with_hidden():
    net = reference_step_network()
    big = net.scaled(10)
    assert big.hid_bias.tolist() == pytest.approx([-14, -6, 6, 14])
    assert net.hid_bias.tolist() == [-1.4, -0.6, 0.6, 1.4]
    six = net.with_hidden(6)
    assert six.hidden == 6
    assert six.in_hid_weight[4:].tolist() == [[0, 0], [0, 0]]
    points = np.array([[0, 0], [2, 1], [0.3, 1.7]])
    # added units have zero output weight: the network still computes the same thing
    assert np.array_equal(forward(six, points, "step")[1], forward(net, points, "step")[1])
    two = net.with_hidden(2)
    assert two.hid_bias.tolist() == [-1.4, -0.6]
    with pytest.raises(UserError):
        net.with_hidden(31)


def test_with_value_changes_one_entry():
    net = reference_step_network().with_value("in_hid_weight", (2, 1), 0.5)
    assert net.in_hid_weight[2].tolist() == [1, 0.5]
    with pytest.raises(UserError):
        net.with_value("hid_bias", (0,), float("nan"))


def test_state_dict_round_trip_uses_course_names():
    net = reference_step_network()
    state = net.to_state_dict()
    assert list(state) == ["in_hid.weight", "in_hid.bias", "hid_out.weight", "hid_out.bias"]
    back = MLPWeights.from_state_dict(state)
    assert np.allclose(back.hid_bias, net.hid_bias)
    with pytest.raises(UserError, match="missing hid_out.bias"):
        MLPWeights.from_state_dict({k: v for k, v in state.items() if k != "hid_out.bias"})


def test_forward_by_hand():
    net = MLPWeights([[2.0, -1.0]], [0.5], [[3.0]], [-1.0])
    hidden, output = forward(net, [[1.0, 1.0], [0.0, 1.0]], "sigmoid")
    h0 = 1 / (1 + np.exp(-(2 - 1 + 0.5)))
    assert hidden[0, 0] == pytest.approx(h0)
    assert output[0] == pytest.approx(1 / (1 + np.exp(-(3 * h0 - 1))))
    hidden, output = forward(net, [[1.0, 1.0], [0.0, 1.0], [0.0, 0.5]], "step")
    # pre-activations 1.5, -0.5, 0.0: the step is on at exactly 0
    assert hidden[:, 0].tolist() == [1, 0, 1]
    assert output.tolist() == [1, 0, 1]
    with pytest.raises(UserError, match="step or sigmoid"):
        forward(net, [[0, 0]], "relu")
