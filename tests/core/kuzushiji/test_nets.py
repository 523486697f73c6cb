"""The three nets: sizes from the reference, output shapes, registry and feature maps."""

from __future__ import annotations

import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets


@pytest.mark.parametrize(("name", "count"), [("lin", 7_850), ("full", 101_770), ("conv", 431_242)])
def test_parameter_counts_match_the_reference(name, count):
    assert nets.parameter_count(nets.create(name)) == count


@pytest.mark.parametrize("name", ["lin", "full", "conv"])
def test_outputs_are_log_probabilities_over_ten_classes(name):
    out = nets.create(name, seed=0)(torch.rand(5, 1, 28, 28) * 2 - 1)
    assert out.shape == (5, 10)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(5), atol=1e-5)


def test_display_names_and_reverse_lookup():
    assert [nets.display_name(n) for n in nets.NETS] == ["NetLin", "NetFull", "NetConv"]
    assert nets.name_of(nets.create("full")) == "full"


def test_same_seed_gives_same_initial_weights_and_leaves_global_rng_alone():
    torch.manual_seed(5)
    expected_next = torch.rand(1)
    torch.manual_seed(5)
    a, b = nets.create("full", seed=3), nets.create("full", seed=3)
    assert torch.equal(a.hidden.weight, b.hidden.weight)
    assert torch.equal(torch.rand(1), expected_next)


def test_unknown_net_is_refused_with_the_choices():
    with pytest.raises(UserError, match="unknown net 'mlp'.*lin, full, conv"):
        nets.create("mlp")


def test_conv_feature_maps_and_full_hidden_units():
    x = torch.rand(2, 1, 28, 28)
    conv = nets.create("conv", seed=0)
    out, (first, second) = conv.forward_with_features(x)
    assert first.shape == (2, 32, 26, 26) and second.shape == (2, 64, 11, 11)
    assert torch.allclose(out, conv(x), atol=1e-6)
    hidden = nets.create("full", seed=0).hidden_activations(x)
    assert hidden.shape == (2, 128) and hidden.abs().max() <= 1
