"""Snapshots of a recurrent net during training, for the training timeline.

:class:`SnapshotLog` keeps the weights every ``every`` sequences, at most
``limit`` of them: when full it drops every second snapshot and doubles the
interval, so the kept ones stay evenly spread over the whole run and memory
stays bounded. It stores all replicas of a
:class:`~explorer.core.recurrent.parallel.ParallelNets` at once, because the
winning replica is only known at the end; :meth:`SnapshotLog.replica` then
gives that replica's own history as course state dicts.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from explorer.core.errors import UserError

COURSE_NAMES = ("H0", "W", "U", "hid_bias", "V", "out_bias")


@dataclass(frozen=True)
class Snapshot:
    """The net's course-format weights after ``sequences`` training sequences."""

    sequences: int
    state_dict: dict[str, torch.Tensor]


class SnapshotLog:
    """A bounded, evenly thinned list of snapshots of stacked replica weights."""

    def __init__(self, every: int = 50, limit: int = 200):
        if every < 1 or limit < 2:
            raise UserError(f"snapshots need every ≥ 1 and limit ≥ 2 (got {every}, {limit})")
        self.every, self.limit = every, limit
        self._kept: list[tuple[int, dict[str, torch.Tensor]]] = []
        self._next = 0

    def __len__(self) -> int:
        return len(self._kept)

    def record(self, sequences: int, nets: torch.nn.Module, final: bool = False) -> bool:
        """Keep the weights of ``nets`` if a snapshot is due at ``sequences``; True if kept.

        ``final``: keep them anyway (unless just kept), so the timeline ends at the result.
        """
        if self._kept and self._kept[-1][0] == sequences:
            return False
        if sequences < self._next and not final:
            return False
        weights = {
            name: getattr(nets, name).detach().clone()
            for name in COURSE_NAMES
            if isinstance(getattr(nets, name, None), torch.Tensor)
        }
        self._kept.append((sequences, weights))
        self._next = (sequences // self.every + 1) * self.every
        if len(self._kept) > self.limit:
            # Keep the first and every second one after it; the gaps double, evenly.
            self._kept = self._kept[::2]
            self.every *= 2
            self._next = (sequences // self.every + 1) * self.every
        return True

    def replica(self, r: int) -> list[Snapshot]:
        """Replica ``r``'s snapshots, oldest first (state dicts shaped like a single course net)."""
        return [
            Snapshot(seen, {name: w[r].clone() for name, w in weights.items()})
            for seen, weights in self._kept
        ]
