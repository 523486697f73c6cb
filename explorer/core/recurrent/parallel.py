"""Many independent nets trained at once through torch's fused RNN/GRU/LSTM kernel.

R replicas of a course SRN/GRU/LSTM are laid out as one wide ``nn.RNN``/``nn.GRU``/``nn.LSTM``
whose recurrent weight is block-diagonal (replica r only sees its own units),
so every replica learns on its own while the time loop runs in C++. The course
LSTM's gate order (input, forget, new values, output) is torch's, and so is the
GRU's (reset, update, new values), so the course parameters map straight onto
``weight_ih_l0``/``weight_hh_l0``/``bias_ih_l0``; the GRU's ``new_bias`` is the
new-values third of ``bias_hh_l0`` (the rest of it is zero).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.func import functional_call

GATE_COUNT = {"srn": 1, "gru": 3, "lstm": 4}


class ParallelNets(nn.Module):
    """``replicas`` course nets with course-shaped parameters stacked on a leading axis."""

    def __init__(
        self, kind: str, num_symbols: int, hidden: int, replicas: int, init_std: float | None
    ):
        super().__init__()
        self.kind, self.R, self.H, self.S = kind, replicas, hidden, num_symbols
        gates = GATE_COUNT[kind]
        self.W = nn.Parameter(torch.empty(replicas, num_symbols, gates * hidden))
        self.U = nn.Parameter(torch.empty(replicas, hidden, gates * hidden))
        self.hid_bias = nn.Parameter(torch.empty(replicas, gates * hidden))
        self.V = nn.Parameter(torch.empty(replicas, hidden, num_symbols))
        self.out_bias = nn.Parameter(torch.empty(replicas, num_symbols))
        if kind == "srn":
            self.H0 = nn.Parameter(torch.empty(replicas, hidden))
        if kind == "gru":
            self.new_bias = nn.Parameter(torch.empty(replicas, hidden))
        for p in self.parameters():
            if init_std is None:
                stdv = 1.0 / math.sqrt(hidden)
                nn.init.uniform_(p, -stdv, stdv)
            else:
                nn.init.normal_(p, 0.0, init_std)
        width = replicas * hidden
        fused = {"lstm": nn.LSTM, "gru": nn.GRU, "srn": nn.RNN}[kind]
        self._rnn = fused(num_symbols, width, batch_first=True)
        for p in self._rnn.parameters():
            p.requires_grad_(False)
        self.register_buffer("_eye", torch.eye(replicas), persistent=False)

    def _fused_weights(self) -> dict[str, torch.Tensor]:
        R, H, S = self.R, self.H, self.S
        G = GATE_COUNT[self.kind]
        w_ih = self.W.reshape(R, S, G, H).permute(2, 0, 3, 1).reshape(G * R * H, S)
        u = self.U.reshape(R, H, G, H).permute(2, 0, 3, 1)  # (G, R, H_out, H_in)
        w_hh = (u.unsqueeze(3) * self._eye.view(1, R, 1, R, 1)).reshape(G * R * H, R * H)
        b = self.hid_bias.reshape(R, G, H).permute(1, 0, 2).reshape(-1)
        b_hh = torch.zeros_like(b)
        if self.kind == "gru":  # only the new values' recurrent bias sits inside the reset gate
            b_hh = torch.cat([b_hh[: 2 * R * H], self.new_bias.reshape(-1)])
        return {
            "weight_ih_l0": w_ih,
            "weight_hh_l0": w_hh,
            "bias_ih_l0": b,
            "bias_hh_l0": b_hh,
        }

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, T, S) shared by all replicas → logits (R, B, T, S)."""
        B, T, _ = x.shape
        weights = self._fused_weights()
        if self.kind != "srn":  # LSTM and GRU start from zeros
            hs, _ = functional_call(self._rnn, weights, (x,))
        else:
            h0 = torch.tanh(self.H0).reshape(1, 1, -1).expand(1, B, -1).contiguous()
            hs, _ = functional_call(self._rnn, weights, (x, h0))
        hs = hs.reshape(B, T, self.R, self.H)
        return torch.einsum("btrh,rho->rbto", hs, self.V) + self.out_bias[:, None, None, :]

    def replica_state_dict(self, r: int) -> dict[str, torch.Tensor]:
        """Replica ``r``'s weights as a course state dict."""
        names = (["H0"] if self.kind == "srn" else []) + ["W", "U", "hid_bias", "V", "out_bias"]
        names += ["new_bias"] if self.kind == "gru" else []
        return {name: getattr(self, name)[r].detach().clone() for name in names}
