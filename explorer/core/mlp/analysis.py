"""What the MLP tab shows: dividing lines, the activation table, accuracy and region images."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights, apply_activation, check_activation, forward

_TINY = 1e-12


def _fmt(value: float) -> str:
    text = f"{value:.4g}"
    return "0" if float(text) == 0 else text


@dataclass(frozen=True)
class DividingLine:
    """The line w1·x + w2·y + b = 0 where a unit switches on (its pre-activation is 0)."""

    w1: float
    w2: float
    b: float

    @property
    def kind(self) -> str:
        """``"sloped"`` (y = a·x + c), ``"vertical"`` (x = c) or ``"none"`` (w1 = w2 = 0)."""
        if abs(self.w2) > _TINY:
            return "sloped"
        return "vertical" if abs(self.w1) > _TINY else "none"

    @property
    def slope(self) -> float | None:
        """``a`` in y = a·x + c, or ``None`` when the line is not of that form."""
        return -self.w1 / self.w2 if self.kind == "sloped" else None

    @property
    def intercept(self) -> float | None:
        """``c`` in y = a·x + c (or in x = c for a vertical line); ``None`` when there is no line."""
        if self.kind == "sloped":
            return -self.b / self.w2
        return -self.b / self.w1 if self.kind == "vertical" else None

    @property
    def always_on(self) -> bool:
        """For ``kind == "none"``: whether the unit is on everywhere (b ≥ 0)."""
        return self.b >= 0

    def equation(self) -> str:
        """``"y = x - 1.4"``, ``"y = -0.5·x + 2"``, ``"y = 3"``, ``"x = 1.5"`` or a no-line text."""
        kind = self.kind
        if kind == "none":
            return (
                "no line (unit is always on)" if self.always_on else "no line (unit is always off)"
            )
        if kind == "vertical":
            return f"x = {_fmt(self.intercept)}"
        slope, intercept = float(_fmt(self.slope)), float(_fmt(self.intercept))
        if slope == 0:
            return f"y = {_fmt(intercept)}"
        term = "x" if slope == 1 else "-x" if slope == -1 else f"{_fmt(slope)}·x"
        if intercept == 0:
            return f"y = {term}"
        sign = "-" if intercept < 0 else "+"
        return f"y = {term} {sign} {_fmt(abs(intercept))}"

    def segment(
        self, xrange: tuple[float, float], yrange: tuple[float, float]
    ) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Two end points for drawing the line across the given view, or ``None`` if there is none."""
        kind = self.kind
        if kind == "none":
            return None
        if kind == "vertical":
            c = self.intercept
            return (c, yrange[0]), (c, yrange[1])
        a, c = self.slope, self.intercept
        if abs(a) <= 1:
            return (xrange[0], a * xrange[0] + c), (xrange[1], a * xrange[1] + c)
        # Steep lines: run along y so the segment still spans the view.
        return ((yrange[0] - c) / a, yrange[0]), ((yrange[1] - c) / a, yrange[1])


def line_coefficients(w1: float, w2: float, b: float) -> DividingLine:
    """The dividing line of a unit with input weights (w1, w2) and bias b."""
    return DividingLine(float(w1), float(w2), float(b))


def line_equation(w1: float, w2: float, b: float) -> str:
    """The line w1·x + w2·y + b = 0 written as ``y = a·x + c`` (``x = c`` if vertical)."""
    return line_coefficients(w1, w2, b).equation()


def hidden_lines(weights: MLPWeights) -> list[DividingLine]:
    """One dividing line per hidden unit."""
    return [
        line_coefficients(w1, w2, b)
        for (w1, w2), b in zip(weights.in_hid_weight, weights.hid_bias, strict=True)
    ]


@dataclass(frozen=True)
class TableRow:
    """One point of the activation table."""

    x: float
    y: float
    hidden: list[float]
    output: float
    target: int
    correct: bool

    def to_json(self) -> dict:
        """``{"x", "y", "hidden", "output", "target", "correct"}``."""
        return {
            "x": self.x,
            "y": self.y,
            "hidden": list(self.hidden),
            "output": self.output,
            "target": self.target,
            "correct": self.correct,
        }


def predictions(output: np.ndarray) -> np.ndarray:
    """Predicted class: 1 where the output is ≥ 0.5 (the course rule)."""
    return (np.asarray(output) >= 0.5).astype(np.int64)


def activation_table(weights: MLPWeights, dataset: Dataset2D, activation: str) -> list[TableRow]:
    """Every point with its hidden activations, output, target and whether it is classified right."""
    hidden, output = forward(weights, dataset.points, activation)
    predicted = predictions(output)
    return [
        TableRow(
            x=float(p[0]),
            y=float(p[1]),
            hidden=[float(v) for v in h],
            output=float(o),
            target=int(t),
            correct=bool(pr == t),
        )
        for p, h, o, t, pr in zip(
            dataset.points, hidden, output, dataset.targets, predicted, strict=True
        )
    ]


def accuracy(weights: MLPWeights, dataset: Dataset2D, activation: str) -> float:
    """Percentage of points classified right (0–100)."""
    if len(dataset) == 0:
        return 0.0
    _, output = forward(weights, dataset.points, activation)
    return float(np.mean(predictions(output) == dataset.targets) * 100.0)


@dataclass(frozen=True)
class RegionGrid:
    """A unit's activation sampled over the plane; ``values[i, j]`` is at (``xs[j]``, ``ys[i]``).

    Row-major with rows along y (use pyqtgraph's ``imageAxisOrder="row-major"``).
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray

    @property
    def on(self) -> np.ndarray:
        """Boolean image: where the unit is on (activation ≥ 0.5)."""
        return self.values >= 0.5


def region_grid(
    weights: MLPWeights,
    activation: str,
    unit: int | None,
    xrange: tuple[float, float],
    yrange: tuple[float, float],
    resolution: int = 200,
) -> RegionGrid:
    """Activation of hidden unit ``unit`` (0-based), or of the output for ``None``, on a grid."""
    check_activation(activation)
    if unit is not None and not 0 <= unit < weights.hidden:
        raise IndexError(f"hidden unit {unit} does not exist (H = {weights.hidden})")
    xs = np.linspace(xrange[0], xrange[1], resolution)
    ys = np.linspace(yrange[0], yrange[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    if unit is None:
        _, values = forward(weights, points, activation)
    else:
        z = points @ weights.in_hid_weight[unit] + weights.hid_bias[unit]
        values = apply_activation(z, activation)
    return RegionGrid(xs, ys, values.reshape(resolution, resolution))


def max_sigmoid_step_difference(weights: MLPWeights, dataset: Dataset2D, scale: float) -> float:
    """Largest |sigmoid output of the ×``scale`` net − step output| over the data points."""
    if len(dataset) == 0:
        return 0.0
    _, sig = forward(weights.scaled(scale), dataset.points, "sigmoid")
    _, step = forward(weights.scaled(scale), dataset.points, "step")
    return float(np.max(np.abs(sig - step)))


def plot_file_names(hidden: int, suffix: str = "png") -> list[str]:
    """The course's file names for "export all": ``hid_<H>_<j>`` per hidden unit, then ``out_<H>``.

    ``j`` counts from 0, as the course script's ``range(args.hid)`` does.
    """
    return [f"hid_{hidden}_{j}.{suffix}" for j in range(hidden)] + [f"out_{hidden}.{suffix}"]
