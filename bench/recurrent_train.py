"""Benchmark: time to solve with the fast recipe, beside the course's one-sequence-per-step loop.

    python bench/recurrent_train.py [--seeds 5] [--threads 1] [--baseline-steps 300]

Targets (issue 5): LSTM-3 solves a^n b^2n c^3n (L = 4) in under 20 s median;
SRN-2 solves a^n b^2n in under 60 s in at least 3 of 5 seeds. The baseline runs
the course's loop (one sequence per optimiser step, SGD lr 0.005, Python time
loop) for a fixed number of steps in the same run; its time for the course's
100,000 sequences is extrapolated from that, and the ratio printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.progress import run_to_end  # noqa: E402
from explorer.core.recurrent.languages import get_language, random_sequence  # noqa: E402
from explorer.core.recurrent.models import forward, make_model  # noqa: E402
from explorer.core.recurrent.training import fast_recipe, train  # noqa: E402

TASKS = [("anb2nc3n", "lstm", 3, 20.0), ("anb2n", "srn", 2, 60.0)]


def course_loop_seconds(lang: str, model: str, hidden: int, steps: int) -> float:
    """Seconds for ``steps`` course steps: one sequence, forward through the Python loop, SGD step."""
    language = get_language(lang)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    net = make_model(model, language.size, hidden)
    opt = torch.optim.SGD(net.parameters(), lr=0.005, weight_decay=1e-4)
    start = time.perf_counter()
    for _ in range(steps):
        seq = random_sequence(language, rng, 4)
        net.zero_grad()
        _, out = forward(net, torch.from_numpy(seq.inputs)[None])
        loss = F.nll_loss(F.log_softmax(out[0], -1), torch.from_numpy(seq.labels))
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--baseline-steps", type=int, default=300)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ok = True
    for lang, model, hidden, limit in TASKS:
        base = course_loop_seconds(lang, model, hidden, args.baseline_steps)
        course_100k = base / args.baseline_steps * 100_000
        times, solved, reach = [], 0, []
        for seed in range(args.seeds):
            result = run_to_end(train(fast_recipe(lang, model, hidden, seed=seed)))
            times.append(result.seconds if result.solved else float("inf"))
            solved += result.solved
            last = max(
                (
                    n
                    for n, v in result.per_n.items()
                    if all(result.per_n[m] == 100 for m in range(1, n + 1))
                ),
                default=0,
            )
            reach.append(last)
            print(
                f"  {lang} {model.upper()}-{hidden} seed {seed}: solved={result.solved} "
                f"{result.seconds:6.1f} s, {result.sequences:6d} sequences, 100 % up to n = {last}",
                flush=True,
            )
        median = statistics.median(times)
        in_limit = sum(t < limit for t in times)
        print(
            f"{lang} {model.upper()}-{hidden}: solved {solved}/{args.seeds}, median {median:.1f} s "
            f"(target < {limit:.0f} s), {in_limit}/{args.seeds} under the target; "
            f"course loop {base / args.baseline_steps * 1000:.1f} ms/sequence -> {course_100k:.0f} s for 100,000 "
            f"sequences; ratio course/fast-median {course_100k / median:.0f}x; "
            f"100 % generalisation up to n = {reach}",
            flush=True,
        )
        if model == "lstm":
            ok &= median < limit
        else:
            ok &= in_limit >= 3
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
