"""How many torch threads training uses: one policy for the app, its children and the CLI.

The policy is *all cores but one, at least one*. The core left over keeps the
window (or the terminal, or the other jobs of the machine) responsive. More
threads than free cores is worse than useless: torch's worker threads
spin-wait for each other, and with 2 threads on 2 busy cores a training run
was measured 6x slower than with 1. So on a 2-core machine the policy gives
1 thread, and on an 8-core one 7.

The same number is used for training the tiny tensors of the MLP and
recurrent nets: torch only splits an operation over threads when it has tens
of thousands of elements, so small operations run on one thread whatever the
setting, and one rule for all is simpler to reason about than one per
experiment. The one exception is :func:`one_thread`, for the short bursts of
tiny-tensor work outside training (tracing a net on the GUI thread,
extracting its machine on the command line), where thread hand-offs cost far
more than the arithmetic.

torch's thread count is set in this module only (a test checks it).

``EXPLORER_THREADS`` (a whole number of at least 1) overrides the policy, e.g.
to pin benchmarks or to share a machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from explorer.core.errors import UserError

#: Environment variable that overrides :func:`training_threads`.
ENV_VAR = "EXPLORER_THREADS"


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS has one, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS and Windows have no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def training_threads() -> int:
    """Torch threads for training: ``EXPLORER_THREADS`` if set, else all cores but one (at least 1).

    Raises
    ------
    UserError
        ``EXPLORER_THREADS`` is set but is not a whole number of at least 1.
    """
    text = os.environ.get(ENV_VAR, "").strip()
    if text:
        return parse_threads(text, ENV_VAR)
    return max(1, available_cores() - 1)


def parse_threads(text: str, source: str = ENV_VAR) -> int:
    """``text`` as a thread count, or a :class:`UserError` naming ``source``."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise UserError(f"{source} must be a whole number of at least 1 (got {text!r})")
    return value


def use_training_threads(threads: int | None = None) -> int:
    """Set torch's thread count to ``threads`` (by default :func:`training_threads`) and return it."""
    import torch  # here, so that asking for the policy does not import torch

    count = training_threads() if threads is None else threads
    if count < 1:
        raise UserError(f"the number of threads must be at least 1 (got {count})")
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the tiny-tensor work inside the ``with`` block on one torch thread, then restore the count.

    These nets have a few units: thread hand-offs cost far more than the
    arithmetic (100x slower on a busy 2-core machine). torch's thread count
    is per calling thread, so a training worker keeps its own setting.
    """
    import torch

    before = torch.get_num_threads()
    if before != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
