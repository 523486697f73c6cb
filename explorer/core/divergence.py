"""One guard for every training loop: a loss that is not finite, or explodes, stops the run.

A learning rate that is too large sends the weights to infinity and the loss
to NaN within a few steps; training on would only replace a net with noise.
The loops (Kuzushiji engine, MLP, recurrent) call :func:`check` on each loss
they read and raise :class:`TrainingDiverged`, which carries the last finite
weights so the caller can keep or show them, and whose message says what to do.
"""

from __future__ import annotations

import math
from typing import Any

from explorer.core.errors import UserError

LOSS_LIMIT = 100.0
"""A cross-entropy above this puts e^-100 on the right answer: the net has blown up
(a fresh 10-class net starts near 2.3; torch clamps a binary cross-entropy at 100)."""


class TrainingDiverged(UserError):
    """Training stopped because its loss stopped being a usable number.

    Attributes
    ----------
    epoch : int
        The epoch (or, for the recurrent nets, the sequence count) where it happened.
    loss : float
        The loss that was seen (NaN, infinity or above :data:`LOSS_LIMIT`).
    weights : object
        The last finite weights (a state dict, or :class:`MLPWeights`); the
        loop has already put them back into the model it trained, where it has one.
    unit : str
        ``"epoch"`` or ``"sequence"``, as in the message.
    """

    def __init__(self, message: str, *, epoch: int = 0, loss: float = math.nan,
                 weights: Any = None, unit: str = "epoch") -> None:
        # Only the message goes to Exception.__init__: an exception pickles as
        # cls(*args) plus its __dict__, so this survives the trip back from a
        # training child process.
        super().__init__(message)
        self.epoch = epoch
        self.loss = loss
        self.weights = weights
        self.unit = unit


def message(epoch: int, loss: float, unit: str = "epoch") -> str:
    """``"training diverged at epoch 3 (loss nan); try a smaller learning rate"``."""
    shown = "nan" if math.isnan(loss) else ("inf" if math.isinf(loss) else f"{loss:.3g}")
    return f"training diverged at {unit} {epoch:,} (loss {shown}); try a smaller learning rate"


def diverged(loss: float, limit: float = LOSS_LIMIT) -> bool:
    """Whether ``loss`` is NaN, infinite or above ``limit``."""
    return not math.isfinite(loss) or loss > limit


def check(loss: float, epoch: int, weights: Any = None, *, unit: str = "epoch",
          limit: float = LOSS_LIMIT) -> None:
    """Raise :class:`TrainingDiverged` if ``loss`` is not usable; ``weights`` are the last finite ones."""
    if diverged(loss, limit):
        raise TrainingDiverged(message(epoch, loss, unit), epoch=epoch, loss=float(loss),
                               weights=weights, unit=unit)
