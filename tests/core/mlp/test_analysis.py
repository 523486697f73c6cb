"""Lines, tables, accuracy, regions, and the reference step network from the report."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.mlp.analysis import (
    accuracy,
    activation_table,
    hidden_lines,
    line_coefficients,
    line_equation,
    max_sigmoid_step_difference,
    plot_file_names,
    region_grid,
)
from explorer.core.mlp.data import checkerboard, with_toggled
from explorer.core.mlp.network import MLPWeights, reference_step_network


def test_reference_step_network_classifies_all_nine_points():
    assert accuracy(reference_step_network(), checkerboard(), "step") == 100.0


def test_reference_times_ten_with_sigmoid_classifies_all_nine_points():
    big = reference_step_network().scaled(10)
    assert accuracy(big, checkerboard(), "sigmoid") == 100.0
    # unscaled, the sigmoid version is far from the step net
    assert accuracy(reference_step_network(), checkerboard(), "sigmoid") < 100.0


def test_reference_lines():
    lines = [line.equation() for line in hidden_lines(reference_step_network())]
    assert lines == ["y = x - 1.4", "y = x - 0.6", "y = x + 0.6", "y = x + 1.4"]


@pytest.mark.parametrize(
    ("w", "text"),
    [
        ((1, -1, -1.4), "y = x - 1.4"),
        ((1, 2, -4), "y = -0.5·x + 2"),
        ((0, 2, -6), "y = 3"),
        ((0, 1, 0), "y = 0"),
        ((-3, -1, 0), "y = -3·x"),
        ((2, 0, -3), "x = 1.5"),
        ((2, 0, 0), "x = 0"),
        ((0, 0, 0.3), "no line (unit is always on)"),
        ((0, 0, -0.3), "no line (unit is always off)"),
        ((1, 3, 1), "y = -0.3333·x - 0.3333"),
    ],
)
def test_line_equations(w, text):
    assert line_equation(*w) == text


def test_line_coefficients_and_segment():
    line = line_coefficients(1, -1, -1.4)
    assert line.kind == "sloped"
    assert line.slope == pytest.approx(1)
    assert line.intercept == pytest.approx(-1.4)
    (x0, y0), (x1, y1) = line.segment((-1, 3), (-1, 3))
    for x, y in ((x0, y0), (x1, y1)):
        assert x - y == pytest.approx(1.4)
    assert line_coefficients(2, 0, -3).segment((0, 1), (-1, 3)) == ((1.5, -1), (1.5, 3))
    assert line_coefficients(0, 0, 1).segment((0, 1), (0, 1)) is None


def test_activation_table_by_hand():
    net = reference_step_network()
    rows = activation_table(net, checkerboard(), "step")
    assert len(rows) == 9
    # (0, 1): x - y = -1, so only the unit with bias 1.4 has pre-activation ≥ 0
    row = rows[1]
    assert (row.x, row.y, row.target) == (0, 1, 1)
    assert row.hidden == [0, 0, 0, 1]
    assert row.output == 1 and row.correct
    # (2, 0): x - y = 2, every unit on; output -1.1 + 1.1 - 1.1 + 1.1 - 0.5 < 0
    assert rows[6].hidden == [1, 1, 1, 1]
    assert rows[6].output == 0 and rows[6].correct
    # sigmoid at ×10: hidden unit j at (1, 1) is sigmoid(10·b_j)
    big = net.scaled(10)
    sig = activation_table(big, checkerboard(), "sigmoid")[4]
    expected = [1 / (1 + np.exp(-10 * b)) for b in (-1.4, -0.6, 0.6, 1.4)]
    assert sig.hidden == pytest.approx(expected)
    z_out = sum(w * h for w, h in zip([-11, 11, -11, 11], expected, strict=True)) - 5
    assert sig.output == pytest.approx(1 / (1 + np.exp(-z_out)))
    assert sig.to_json()["target"] == 0


def test_a_wrong_point_is_marked_and_lowers_accuracy():
    data = with_toggled(checkerboard(), 4)
    rows = activation_table(reference_step_network(), data, "step")
    assert [r.correct for r in rows].count(False) == 1 and not rows[4].correct
    assert accuracy(reference_step_network(), data, "step") == pytest.approx(800 / 9)


def test_region_grid_of_a_unit_and_of_the_output():
    net = reference_step_network()
    grid = region_grid(net, "step", 0, (-1, 3), (-1, 3), resolution=41)
    assert grid.values.shape == (41, 41)
    # row i is y = ys[i], column j is x = xs[j]; unit 0 is on where x - y ≥ 1.4
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    assert np.array_equal(grid.on, gx - gy >= 1.4 - 1e-12)
    out = region_grid(net, "step", None, (0, 2), (0, 2), resolution=3)
    assert out.values.astype(int).tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    sig = region_grid(net.scaled(10), "sigmoid", None, (0, 2), (0, 2), resolution=3)
    assert sig.on.astype(int).tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    with pytest.raises(IndexError):
        region_grid(net, "step", 4, (0, 1), (0, 1))


def test_sigmoid_gets_closer_to_step_as_the_weights_grow():
    net = reference_step_network()
    diffs = [max_sigmoid_step_difference(net, checkerboard(), k) for k in (1, 10, 100)]
    assert diffs[0] > 0.4
    assert diffs[0] > diffs[1] > diffs[2]
    assert diffs[2] < 1e-6


def test_single_unit_by_hand():
    net = MLPWeights([[1.0, 1.0]], [-1.5], [[1.0]], [-0.5])  # AND of x and y on {0,1}²
    rows = activation_table(net, checkerboard(), "step")
    assert [r.hidden[0] for r in rows] == [0, 0, 1, 0, 1, 1, 1, 1, 1]


def test_plot_file_names_follow_the_course():
    assert plot_file_names(2) == ["hid_2_0.png", "hid_2_1.png", "out_2.png"]
    assert plot_file_names(1, "svg")[-1] == "out_1.svg"
