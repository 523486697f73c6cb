"""Counting units found and fitted, checked on hand-set nets whose counts are known exactly."""

import math

import numpy as np
import pytest
import torch

from explorer.core.recurrent.counting import counters_for, probe_counting
from explorer.core.recurrent.languages import sequence_for_ns
from explorer.core.recurrent.models import make_model, trace
from explorer.core.recurrent.weights import load_pretrained

BIG = 30.0  # sigmoid(30) is 1.0 in float32: gates fully open


def counting_lstm(lang_size: int, per_symbol: list[float], forget: float = BIG) -> torch.nn.Module:
    """An LSTM with one unit whose cell adds ``per_symbol[s]`` for every symbol s read.

    Input and forget gates open (bias 30), no recurrence, new values tanh(atanh(step)) = step,
    so c_t = c_{t−1} + step(x_t) exactly, while h = o·tanh(c) is squashed.
    """
    net = make_model("lstm", lang_size, 1)
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        net.hid_bias[0] = BIG  # input gate
        net.hid_bias[1] = forget  # forget gate
        for s, step in enumerate(per_symbol):
            net.W[s, 2] = math.atanh(step) if abs(step) < 1 else BIG * math.copysign(1, step)
    return net


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_hand_set_counter_plus_one_per_a_minus_half_per_b_is_found_exactly():
    net = counting_lstm(2, [1.0, -0.5])
    # the reference: the cell really is #A − ½·#B along a string
    tr = trace(net, sequence_for_ns("anb2n", [3]).inputs)
    np.testing.assert_allclose(tr.cell[:, 0], [1, 2, 3, 2.5, 2, 1.5, 1, 0.5, 0], atol=1e-6)
    probe = probe_counting(net, "anb2n", L=4, max_n=12, with_prediction=False)
    best = probe.best
    assert (best.state, best.unit, best.counter) == ("cell", 0, "#B − 2·#A")
    assert best.r2 == pytest.approx(1.0, abs=1e-6)
    assert best.per_symbol == pytest.approx({"A": 1.0, "B": -0.5}, abs=1e-5)
    assert best.slopes == pytest.approx({"A": -0.5, "B": -0.5}, abs=1e-5)  # −½·(#B − 2·#A) in both phases
    assert best.intercept == pytest.approx(0.0, abs=1e-5)
    assert best.end_value == pytest.approx(0.0, abs=1e-5)
    assert best.holds_to == 12 and best.breaks_at is None  # an exact counter never saturates
    assert best.r2_by_counter["#A"] < 0.9
    hidden = probe.unit("hidden", 0)
    assert hidden.r2 < best.r2  # o·tanh(c) squashes the count
    text = best.sentence()
    assert "cell unit 0 counts #B − 2·#A" in text and "+1.00 per A, −0.50 per B" in text
    assert "back to 0.00 at the end" in text and "training went to n = 4" in text
    json = probe.to_json()
    assert json["best"]["state"] == "cell" and json["best"]["unit"] == 0
    assert json["best"]["r2"] == pytest.approx(1.0, abs=1e-6) and len(json["units"]) == 2
    chart = probe.chart()
    line = chart["phases"]["B"]
    np.testing.assert_allclose(line["y"], best.intercept + best.slopes["B"] * line["x"], atol=1e-5)


def test_a_leaky_counter_breaks_past_training():
    # forget gate 0.97: the count leaks, a little per symbol, more the longer the string
    net = counting_lstm(2, [1.0, -0.5], forget=math.log(0.97 / 0.03))
    probe = probe_counting(net, "anb2n", L=3, max_n=20, with_prediction=False)
    best = probe.unit("cell", 0)
    assert best.counter == "#B − 2·#A" and 0.9 < best.r2 < 1.0
    assert 3 <= best.holds_to < 20 and best.breaks_at == best.holds_to + 1
    assert best.error_by_n[20] > best.error_by_n[3]


def test_hand_set_depth_counter_on_dyck1_and_the_c_counter():
    net = counting_lstm(2, [1.0, -1.0])  # +1 per '(' and −1 per ')': the depth
    best = probe_counting(net, "dyck1", L=4, with_prediction=False).best
    assert best.counter == "depth" and best.r2 == pytest.approx(1.0, abs=1e-6)
    assert best.per_symbol == pytest.approx({"(": 1.0, ")": -1.0}, abs=1e-5)
    # a^n b^2n c^3n: a unit that counts down the C's (−3 per A... +1 per C), B's leave it alone
    net = counting_lstm(3, [-0.3, 0.0, 0.1])
    best = probe_counting(net, "anb2nc3n", L=4, with_prediction=False).best
    assert best.counter == "#C − 3·#A" and best.r2 == pytest.approx(1.0, abs=1e-6)
    assert best.per_symbol == pytest.approx({"A": -0.3, "B": 0.0, "C": 0.1}, abs=1e-5)
    assert [c.name for c in counters_for("anb2nc3n")] == ["#A", "#B − 2·#A", "#C − 3·#A"]


def test_the_shipped_lstm3_counts_with_a_cell_unit():
    net = load_pretrained("anb2nc3n", "lstm", 3)
    probe = probe_counting(net.model, net.language, net.L)
    best = probe.best
    assert best.state == "cell" and best.counter == "#B − 2·#A" and best.r2 > 0.9
    assert best.per_symbol["A"] < 0 < best.per_symbol["B"]  # down per A, back up per B
    assert best.holds_to >= net.L and probe.prediction_holds_to >= net.L


def test_a_unit_that_only_knows_the_last_symbol_counts_nothing():
    # forget gate shut: the cell is +0.9 after an A and −0.9 after a B, whatever came before
    net = counting_lstm(2, [0.9, -0.9], forget=-BIG)
    fit = probe_counting(net, "anb2n", L=4, with_prediction=False).unit("cell", 0)
    assert fit.r2 == pytest.approx(0.0, abs=1e-9)
    assert fit.sentence().startswith("cell unit 0 does not count")
