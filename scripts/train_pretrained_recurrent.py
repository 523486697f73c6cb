"""Train the recurrent nets shipped in resources/weights/ (so the recurrent tab is alive on first launch).

    python scripts/train_pretrained_recurrent.py [--seconds 300] [--only anb2n_srn2]

For each net: the fast recipe, asked to keep training after it solves until it
is also right for every n up to 2L; seeds are tried in turn and the best net so
far (solved first, then generalisation) is written after each try.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.progress import run_to_end  # noqa: E402
from explorer.core.recurrent.training import fast_recipe, train  # noqa: E402
from explorer.core.recurrent.weights import PRETRAINED, save_net  # noqa: E402

NETS = list(PRETRAINED)  # the one list of shipped nets
OUT = Path(__file__).resolve().parent.parent / "resources" / "weights"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="time budget per net")
    parser.add_argument("--only", default=None, help="e.g. anb2nc3n_srn4")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for lang, model, hidden in NETS:
        name = f"{lang}_{model}{hidden}"
        if args.only and args.only != name:
            continue
        start, best, seed = time.perf_counter(), None, 0
        while time.perf_counter() - start < args.seconds:
            config = fast_recipe(
                lang, model, hidden, seed=seed, generalise_to=8, polish=30_000, sequences=60_000
            )
            result = run_to_end(train(config))
            reach = min(result.per_n[n] for n in range(1, 9))
            key = (result.solved, reach, result.accuracy)
            print(
                f"{name} seed {seed}: solved={result.solved} accuracy={result.accuracy:.1f} "
                f"worst n<=8 {reach:.1f} ({result.seconds:.0f} s)",
                flush=True,
            )
            if best is None or key > best[0]:
                best = (key, result)
                saved = save_net(
                    OUT / f"{name}.pt",
                    result.model,
                    lang,
                    result.hyperparameters,
                    extra={
                        "accuracy": result.accuracy,
                        "per_n": result.per_n,
                        "solved": result.solved,
                    },
                )
                saved.chmod(0o644)  # a resource file, readable by all once installed
            if result.solved and reach == 100.0:
                break
            seed += 1
        result = best[1]
        print(
            f"{name}: wrote {OUT / (name + '.pt')} solved={result.solved} per_n="
            f"{ {n: round(v, 1) for n, v in result.per_n.items()} }",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
