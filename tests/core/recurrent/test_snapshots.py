"""Snapshots for the training timeline: bounded, evenly thinned, and restoring one restores its machine."""

import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.progress import run_to_end
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.snapshots import SnapshotLog
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.training import fast_recipe, train


class _Stacked(torch.nn.Module):
    """Two replicas' weights stacked on a leading axis, like ParallelNets."""

    def __init__(self):
        super().__init__()
        self.W = torch.nn.Parameter(torch.zeros(2, 3))


def test_log_stays_bounded_and_evenly_spread():
    log, nets = SnapshotLog(every=50, limit=20), _Stacked()
    for seen in range(0, 20_001, 16):
        with torch.no_grad():
            nets.W[0].fill_(seen)
            nets.W[1].fill_(-seen)
        log.record(seen, nets)
    kept = log.replica(1)
    assert 10 <= len(kept) <= 20 and kept[0].sequences == 0
    gaps = {b.sequences - a.sequences for a, b in zip(kept, kept[1:], strict=False)}
    assert max(gaps) - min(gaps) <= 16 * 2  # even up to the batch the due moment fell in
    assert max(gaps) >= 20_000 / 20  # thinned, so they cover the whole run
    assert all(float(s.state_dict["W"][0]) == -s.sequences for s in kept)


def test_bad_limits_are_refused():
    with pytest.raises(UserError):
        SnapshotLog(every=0)


def _config(sequences):
    return fast_recipe(
        "anb2n", "lstm", replicas=1, sequences=sequences, eval_every=160, stop_when_solved=False
    )


def _machine(state_dict):
    net = make_model("lstm", 2, 2)  # the course size for a^n b^2n
    net.load_state_dict(state_dict)
    found = extract_state_machine(net, "anb2n", max_n=4, k=8)  # fixed k: quick and comparable
    return found.k, found.machine.labels, found.machine.transitions


def test_restoring_a_snapshot_gives_that_moments_machine():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        long = run_to_end(train(_config(1568)))  # 98 batches; not due (every 50), kept as the end
        assert long.snapshots[0].sequences == 0 and long.snapshots[-1].sequences == long.sequences
        middle = long.snapshots[len(long.snapshots) // 2]
        # Training again only up to that moment (same seed) ends with the very same weights.
        short = run_to_end(train(_config(middle.sequences)))
    finally:
        torch.set_num_threads(before)
    for name, value in short.state_dict.items():
        assert torch.equal(value, middle.state_dict[name]), name
    assert _machine(middle.state_dict) == _machine(short.state_dict)
    # And the timeline shows change: the untrained start and the end are different machines.
    assert _machine(long.snapshots[0].state_dict) != _machine(long.state_dict)
    assert all(
        torch.equal(long.state_dict[n], long.snapshots[-1].state_dict[n]) for n in long.state_dict
    )
