"""SRN, LSTM and GRU with the course's equations and parameter names.

SRN:  h_t = tanh(x_t W + h_{t−1} U + hid_bias), h_{−1} = tanh(H0), output h_t V + out_bias.
LSTM: gates = x_t W + h_{t−1} U + hid_bias, split (input, forget, new values, output);
      c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t), h_{−1} = c_{−1} = 0.
GRU:  a = x_t W + hid_bias, b = h_{t−1} U, split (reset, update, new values) as torch does;
      r = σ(a_r + b_r), z = σ(a_z + b_z), n = tanh(a_n + r·(b_n + new_bias)),
      h_t = (1 − z)·n + z·h_{t−1}, h_{−1} = 0 (``torch.nn.GRUCell`` with its
      recurrent biases of r and z folded into ``hid_bias``).

A model's ``state_dict`` is exactly a course checkpoint (``H0, W, U, hid_bias,
V, out_bias``; the LSTM has no ``H0``; the GRU has no ``H0`` and one more
bias, ``new_bias``, because its reset gate multiplies the recurrent bias of the
new values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from explorer.core.bounds import check_int

# MODEL_KINDS is defined once, in kinds.py (torch-free for the CLI parser); importable from here too.
from explorer.core.recurrent.kinds import MODEL_KINDS, MODEL_TITLES, kinds_text  # noqa: F401


class SRN(nn.Module):
    """Simple recurrent network (Elman), the course's ``SRN_model``."""

    kind = "srn"

    def __init__(self, num_input: int, num_hid: int, num_out: int, init_std: float = 0.001):
        super().__init__()
        self.num_hid = num_hid
        self.H0 = nn.Parameter(torch.empty(num_hid))
        self.W = nn.Parameter(torch.empty(num_input, num_hid))
        self.U = nn.Parameter(torch.empty(num_hid, num_hid))
        self.hid_bias = nn.Parameter(torch.empty(num_hid))
        self.V = nn.Parameter(torch.empty(num_hid, num_out))
        self.out_bias = nn.Parameter(torch.empty(num_out))
        for p in self.parameters():
            nn.init.normal_(p, 0.0, init_std)

    def initial_state(self, batch: int = 1) -> tuple[torch.Tensor, ...]:
        """(h,) before the first input: tanh(H0)."""
        return (torch.tanh(self.H0).expand(batch, -1),)

    def cell(
        self, xw: torch.Tensor, state: tuple[torch.Tensor, ...]
    ) -> tuple[tuple[torch.Tensor, ...], dict]:
        """One step from the precomputed ``x_t W``; returns the new state and no gates."""
        (h,) = state
        h = torch.tanh(xw + h @ self.U + self.hid_bias)
        return (h,), {}


class LSTM(nn.Module):
    """Long short-term memory, the course's ``LSTM_model`` (gate order i, f, g, o)."""

    kind = "lstm"

    def __init__(self, num_input: int, num_hid: int, num_out: int, init_std: float | None = None):
        super().__init__()
        self.num_hid = num_hid
        self.W = nn.Parameter(torch.empty(num_input, 4 * num_hid))
        self.U = nn.Parameter(torch.empty(num_hid, 4 * num_hid))
        self.hid_bias = nn.Parameter(torch.empty(4 * num_hid))
        self.V = nn.Parameter(torch.empty(num_hid, num_out))
        self.out_bias = nn.Parameter(torch.empty(num_out))
        for p in self.parameters():
            if init_std is None:  # the course: uniform ±1/sqrt(hid)
                stdv = 1.0 / math.sqrt(num_hid)
                nn.init.uniform_(p, -stdv, stdv)
            else:
                nn.init.normal_(p, 0.0, init_std)

    def initial_state(self, batch: int = 1) -> tuple[torch.Tensor, ...]:
        """(h, c) before the first input: zeros."""
        zeros = self.W.new_zeros(batch, self.num_hid)
        return (zeros, zeros)

    def cell(
        self, xw: torch.Tensor, state: tuple[torch.Tensor, ...]
    ) -> tuple[tuple[torch.Tensor, ...], dict]:
        """One step from the precomputed ``x_t W``; returns (h, c) and the gate values."""
        h, c = state
        gates = xw + h @ self.U + self.hid_bias
        i, f, g, o = gates.chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        return (h, c), {"i": i, "f": f, "g": g, "o": o}


class GRU(nn.Module):
    """Gated recurrent unit (Cho et al. 2014) with course-style names (gate order r, z, n as torch)."""

    kind = "gru"

    def __init__(self, num_input: int, num_hid: int, num_out: int, init_std: float | None = None):
        super().__init__()
        self.num_hid = num_hid
        self.W = nn.Parameter(torch.empty(num_input, 3 * num_hid))
        self.U = nn.Parameter(torch.empty(num_hid, 3 * num_hid))
        self.hid_bias = nn.Parameter(torch.empty(3 * num_hid))
        self.new_bias = nn.Parameter(torch.empty(num_hid))
        self.V = nn.Parameter(torch.empty(num_hid, num_out))
        self.out_bias = nn.Parameter(torch.empty(num_out))
        for p in self.parameters():
            if init_std is None:  # torch's (and the course LSTM's) uniform ±1/sqrt(hid)
                stdv = 1.0 / math.sqrt(num_hid)
                nn.init.uniform_(p, -stdv, stdv)
            else:
                nn.init.normal_(p, 0.0, init_std)

    def initial_state(self, batch: int = 1) -> tuple[torch.Tensor, ...]:
        """(h,) before the first input: zeros."""
        return (self.W.new_zeros(batch, self.num_hid),)

    def cell(
        self, xw: torch.Tensor, state: tuple[torch.Tensor, ...]
    ) -> tuple[tuple[torch.Tensor, ...], dict]:
        """One step from the precomputed ``x_t W``; returns (h,) and the gates r, z, n."""
        (h,) = state
        a_r, a_z, a_n = (xw + self.hid_bias).chunk(3, dim=-1)
        b_r, b_z, b_n = (h @ self.U).chunk(3, dim=-1)
        r = torch.sigmoid(a_r + b_r)
        z = torch.sigmoid(a_z + b_z)
        n = torch.tanh(a_n + r * (b_n + self.new_bias))
        h = (1 - z) * n + z * h
        return (h,), {"r": r, "z": z, "n": n}


RecurrentNet = SRN | LSTM | GRU

GATES = {"lstm": "ifgo", "gru": "rzn"}
"""The gates each gated kind reports per step (LSTM: input, forget, new values, output;
GRU: reset, update, new values)."""


MAX_HIDDEN = 32
"""Most hidden units: the course's nets have 2-4 and the GUI offers up to 8;
--hidden 100000 asked torch for 320 GB."""


def make_model(
    kind: str, num_symbols: int, hidden: int, init_std: float | None = None
) -> RecurrentNet:
    """A fresh SRN, GRU or LSTM; ``init_std`` None gives the course's initialisation.

    ``hidden`` must be 1..:data:`MAX_HIDDEN` (a :class:`UserError` otherwise).
    """
    check_int("hidden units", hidden, 1, MAX_HIDDEN)
    if kind == "srn":
        return SRN(num_symbols, hidden, num_symbols, 0.001 if init_std is None else init_std)
    if kind == "lstm":
        return LSTM(num_symbols, hidden, num_symbols, init_std)
    if kind == "gru":
        return GRU(num_symbols, hidden, num_symbols, init_std)
    from explorer.core.errors import UserError

    shown = repr(kind[:20]) if isinstance(kind, str) else type(kind).__name__
    raise UserError(f"unknown model {shown} (use {kinds_text()})")


def forward(model: RecurrentNet, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Batch forward, x (batch, T, in) → hidden (batch, T, hid), output logits (batch, T, out)."""
    xw = x @ model.W  # all steps at once
    state = model.initial_state(x.shape[0])
    hidden = []
    for t in range(x.shape[1]):
        state, _ = model.cell(xw[:, t], state)
        hidden.append(state[0])
    hid = torch.stack(hidden, dim=1)
    return hid, hid @ model.V + model.out_bias


@dataclass
class Trace:
    """Everything a net computes along one string, one row per step (numpy arrays)."""

    hidden: np.ndarray  # (T, H)
    cell: np.ndarray | None  # (T, H), LSTM only
    # (T, H) each: LSTM i, f, g, o; GRU r (reset), z (update), n (new values); SRN None
    gates: dict[str, np.ndarray] | None
    log_probs: np.ndarray  # (T, out)
    # (H,) h before the first step: tanh(H0) for the SRN, zeros for the LSTM and GRU
    initial_hidden: np.ndarray

    @property
    def probabilities(self) -> np.ndarray:
        """(T, out) predicted next-symbol probabilities."""
        return np.exp(self.log_probs)


@torch.no_grad()
def trace(model: RecurrentNet, inputs: np.ndarray | torch.Tensor) -> Trace:
    """Run one string (T, in one-hot) step by step, keeping states, gates and probabilities."""
    x = torch.as_tensor(np.asarray(inputs, dtype=np.float32))
    state = model.initial_state(1)
    initial = state[0][0].numpy().copy()
    rows: list[StepResult] = []
    for t in range(x.shape[0]):
        result = step(model, state, x[t])
        rows.append(result)
        state = result.state
    is_lstm = model.kind == "lstm"
    gates = GATES.get(model.kind)
    return Trace(
        hidden=np.stack([r.hidden for r in rows]),
        cell=np.stack([r.cell for r in rows]) if is_lstm else None,
        gates={g: np.stack([r.gates[g] for r in rows]) for g in gates} if gates else None,
        log_probs=np.stack([r.log_probs for r in rows]),
        initial_hidden=initial,
    )


@dataclass
class StepResult:
    """The state after one step and what the net shows at it."""

    state: tuple[torch.Tensor, ...]
    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    log_probs: np.ndarray

    @property
    def probabilities(self) -> np.ndarray:
        """Predicted next-symbol probabilities."""
        return np.exp(self.log_probs)


@torch.no_grad()
def step(
    model: RecurrentNet, state: tuple[torch.Tensor, ...] | None, x: np.ndarray | torch.Tensor
) -> StepResult:
    """Read one symbol (one-hot vector of length in) from ``state`` (None: the initial state)."""
    if state is None:
        state = model.initial_state(1)
    x = torch.as_tensor(np.asarray(x, dtype=np.float32)).reshape(1, -1)
    new_state, gates = model.cell(x @ model.W, state)
    h = new_state[0]
    log_probs = F.log_softmax(h @ model.V + model.out_bias, dim=-1)
    return StepResult(
        state=new_state,
        hidden=h[0].numpy().copy(),
        cell=new_state[1][0].numpy().copy() if len(new_state) > 1 else None,
        gates={k: v[0].numpy().copy() for k, v in gates.items()},
        log_probs=log_probs[0].numpy().copy(),
    )
