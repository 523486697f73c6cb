"""A bounded, evenly thinned timeline of MLP weights during training (issue 10).

:class:`WeightTimeline` keeps the weights every ``every`` epochs, at most
``limit`` snapshots: when it is full it drops every second snapshot and doubles
the interval, so the kept ones stay evenly spread over the whole run and a
10-million-epoch run costs no more memory than a short one (the same rule as
:class:`explorer.core.recurrent.snapshots.SnapshotLog`, without torch).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.core.mlp.network import MLPWeights

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class WeightSnapshot:
    """The weights after ``epoch`` epochs, with that report's loss and accuracy."""

    epoch: int
    weights: MLPWeights
    loss: float = float("nan")
    accuracy: float = float("nan")


class WeightTimeline:
    """Snapshots every ``every`` epochs, at most ``limit`` of them, thinned evenly."""

    def __init__(self, every: int = 100, limit: int = DEFAULT_LIMIT):
        if every < 1 or limit < 2:
            raise UserError(f"a timeline needs every ≥ 1 and limit ≥ 2 (got {every}, {limit})")
        self.every, self.limit = every, limit
        self.snapshots: list[WeightSnapshot] = []
        self._next = 0

    def __len__(self) -> int:
        return len(self.snapshots)

    def record(self, epoch: int, weights: MLPWeights, loss: float = float("nan"),
               accuracy: float = float("nan"), final: bool = False) -> bool:
        """Keep ``weights`` if a snapshot is due at ``epoch`` (always when ``final``); True if kept."""
        if self.snapshots and self.snapshots[-1].epoch == epoch:
            return False
        if epoch < self._next and not final:
            return False
        self.snapshots.append(WeightSnapshot(epoch, weights, loss, accuracy))
        if len(self.snapshots) > self.limit:
            # Keep the first and every second one after it, and the newest: the gaps double, evenly.
            last = self.snapshots[-1]
            self.snapshots = self.snapshots[:-1][::2]
            if self.snapshots[-1] is not last:
                self.snapshots.append(last)
            self.every *= 2
        self._next = (epoch // self.every + 1) * self.every
        return True
