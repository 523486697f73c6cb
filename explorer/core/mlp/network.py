"""The 2-H-1 network's weights, its forward pass (sigmoid or step) and the hand-designed net."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.errors import UserError

ACTIVATIONS = ("sigmoid", "step")
MAX_HIDDEN = 30

# Course parameter names in a torch state dict (``in_hid``/``hid_out`` are nn.Linear layers).
STATE_DICT_KEYS = ("in_hid.weight", "in_hid.bias", "hid_out.weight", "hid_out.bias")
FIELDS = ("in_hid_weight", "hid_bias", "hid_out_weight", "out_bias")


def _array(name: str, value) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise UserError(f"{name} must be a list of numbers") from None
    if not np.all(np.isfinite(array)):
        raise UserError(f"{name} holds a value that is not a finite number")
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class MLPWeights:
    """All parameters of a 2-H-1 network, with the course's names and shapes.

    ``in_hid_weight`` H×2, ``hid_bias`` H, ``hid_out_weight`` 1×H, ``out_bias`` 1. The
    arrays are float64 and read-only; every change makes a new object. Bad shapes or
    non-finite values raise :class:`UserError`.
    """

    in_hid_weight: np.ndarray
    hid_bias: np.ndarray
    hid_out_weight: np.ndarray
    out_bias: np.ndarray

    def __post_init__(self) -> None:
        arrays = {name: _array(name, getattr(self, name)) for name in FIELDS}
        w1, b1, w2, b2 = (arrays[name] for name in FIELDS)
        if w1.ndim != 2 or w1.shape[1] != 2 or w1.shape[0] < 1:
            raise UserError(
                f"in_hid_weight must be H rows of 2 numbers, not shape {list(w1.shape)}"
            )
        hidden = w1.shape[0]
        if hidden > MAX_HIDDEN:
            raise UserError(f"at most {MAX_HIDDEN} hidden units, not {hidden}")
        if b1.shape != (hidden,):
            raise UserError(
                f"hid_bias must hold {hidden} numbers (one per hidden unit), not shape {list(b1.shape)}"
            )
        if w2.shape != (1, hidden):
            raise UserError(
                f"hid_out_weight must be one row of {hidden} numbers, not shape {list(w2.shape)}"
            )
        if b2.shape != (1,):
            raise UserError(f"out_bias must hold exactly 1 number, not shape {list(b2.shape)}")
        for name, array in arrays.items():
            object.__setattr__(self, name, array)

    @property
    def hidden(self) -> int:
        """Number of hidden units H."""
        return self.in_hid_weight.shape[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MLPWeights):
            return NotImplemented
        return all(np.array_equal(getattr(self, f), getattr(other, f)) for f in FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def to_lists(self) -> dict[str, list]:
        """The four parameters as nested Python lists (JSON-ready)."""
        return {name: getattr(self, name).tolist() for name in FIELDS}

    @classmethod
    def from_lists(cls, values: dict) -> MLPWeights:
        """Build from a mapping holding the four course names (extra keys ignored)."""
        missing = [name for name in FIELDS if name not in values]
        if missing:
            raise UserError(f"missing {', '.join(missing)}")
        return cls(*(values[name] for name in FIELDS))

    def scaled(self, factor: float) -> MLPWeights:
        """Every weight and bias multiplied by ``factor``."""
        return MLPWeights(*(getattr(self, name) * factor for name in FIELDS))

    def with_hidden(self, hidden: int) -> MLPWeights:
        """Keep the first ``hidden`` units, adding all-zero ones (no effect on the output)."""
        if not 1 <= hidden <= MAX_HIDDEN:
            raise UserError(f"hidden units must be between 1 and {MAX_HIDDEN}, not {hidden}")
        keep = min(hidden, self.hidden)
        extra = hidden - keep
        return MLPWeights(
            np.vstack([self.in_hid_weight[:keep], np.zeros((extra, 2))]),
            np.concatenate([self.hid_bias[:keep], np.zeros(extra)]),
            np.hstack([self.hid_out_weight[:, :keep], np.zeros((1, extra))]),
            self.out_bias,
        )

    def with_value(self, name: str, index: tuple[int, ...], value: float) -> MLPWeights:
        """A copy with one entry changed, e.g. ``with_value("hid_bias", (2,), 0.6)`` (for cell edits)."""
        if name not in FIELDS:
            raise UserError(f"no parameter called {name}")
        arrays = {f: getattr(self, f).copy() for f in FIELDS}
        arrays[name][index] = value
        return MLPWeights(*(arrays[f] for f in FIELDS))

    def to_state_dict(self):
        """A torch state dict with the course's names (float32), e.g. for ``checkpoints.save``."""
        import torch

        return {
            key: torch.tensor(getattr(self, name), dtype=torch.float32)
            for key, name in zip(STATE_DICT_KEYS, FIELDS, strict=True)
        }

    @classmethod
    def from_state_dict(cls, state_dict) -> MLPWeights:
        """Read a course-named torch state dict (``in_hid.weight`` …); :class:`UserError` if it does not fit."""
        missing = [key for key in STATE_DICT_KEYS if key not in state_dict]
        if missing:
            found = ", ".join(sorted(state_dict)) or "nothing"
            raise UserError(f"not a 2-H-1 MLP: missing {', '.join(missing)} (found {found})")
        return cls(*(state_dict[key].detach().cpu().double().numpy() for key in STATE_DICT_KEYS))


def check_activation(activation: str) -> str:
    """Return ``activation`` if it is ``"sigmoid"`` or ``"step"``, else raise :class:`UserError`."""
    if activation not in ACTIVATIONS:
        raise UserError(f"activation must be step or sigmoid, not {activation!r}")
    return activation


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings for large |z|."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def apply_activation(z: np.ndarray, activation: str) -> np.ndarray:
    """Sigmoid, or step (1 where ``z`` ≥ 0, else 0)."""
    if check_activation(activation) == "step":
        return (z >= 0).astype(np.float64)
    return sigmoid(z)


def forward(
    weights: MLPWeights, points: np.ndarray, activation: str
) -> tuple[np.ndarray, np.ndarray]:
    """Hidden activations (N×H) and outputs (N) for ``points`` (N×2)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    w = np.asarray(weights.in_hid_weight, dtype=np.float64)
    # Two broadcast products, not ``points @ w.T``: numpy's matmul with an inner size of 2 took
    # 0.7 s for a million points (the table and the ×scale readout each run this on the GUI thread).
    z = points[:, :1] * w[:, 0] + points[:, 1:] * w[:, 1] + weights.hid_bias
    hidden = apply_activation(z, activation)
    output = apply_activation(hidden @ weights.hid_out_weight[0] + weights.out_bias[0], activation)
    return hidden, output


def reference_step_network() -> MLPWeights:
    """The report's hand-designed 4-unit step network for the 3×3 checkerboard."""
    return MLPWeights(
        in_hid_weight=[[1, -1], [1, -1], [1, -1], [1, -1]],
        hid_bias=[-1.4, -0.6, 0.6, 1.4],
        hid_out_weight=[[-1.1, 1.1, -1.1, 1.1]],
        out_bias=[-0.5],
    )
