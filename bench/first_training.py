"""Benchmark: time until the first record of a training run in a child process, warm child vs cold.

    python bench/first_training.py [--repeats 3]

The baseline, measured in the same run, is a cold child: a fresh process
that must import torch and the training modules before it can start. The
warm one was started ahead (as the app does at start-up) and waits with
everything imported. Both start methods are timed; ``spawn`` (Windows, macOS)
is where the warm child matters most. The child trains with 1 torch thread.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.mlp.data import checkerboard  # noqa: E402
from explorer.core.mlp.training import TrainConfig, train  # noqa: E402
from explorer.core.subprocess_runner import Runner  # noqa: E402


def first_record(runner: Runner) -> float:
    """Seconds from asking ``runner`` for a training to its first record."""
    start = time.perf_counter()
    gen = runner.run(train, checkerboard(), TrainConfig(hidden=1, max_epochs=200, seed=0))
    next(gen)
    seconds = time.perf_counter() - start
    gen.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["EXPLORER_THREADS"] = "1"
    for method in ("forkserver", "spawn"):
        cold = []
        for _ in range(args.repeats):
            runner = Runner(method)  # a new runner has no warm child yet: the job starts a fresh one
            cold.append(first_record(runner))
            runner.close()
        runner, warm = Runner(method), []
        for _ in range(args.repeats):
            runner.warm_up()  # as the app does at start-up, and the runner after each job
            warm.append(first_record(runner))
        runner.close()
        w, c = statistics.median(warm), statistics.median(cold)
        print(f"{method:10s} first record: warm {w * 1000:7.1f} ms, cold {c * 1000:7.1f} ms, cold/warm {c / w:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
