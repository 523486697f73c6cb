"""Does the Draw page's preprocessing cost accuracy? Real KMNIST re-rendered as drawings and scans.

Trains each net (NetConv first) on 1,600 images of the real KMNIST sample
(``../shared/data/kmnist-sample/``, or ``EXPLORER_KMNIST_SAMPLE``) with torch
pinned to one thread, then classifies the 400 held-out images

* raw, 28×28 as the nets were trained (the baseline of this run),
* re-rendered (``explorer.core.kuzushiji.rerender``) as a drawing on a
  400×400 canvas at an offset, with a thin pen, with a thick pen, half-size
  far off-centre, and as a dark-on-light noisy scan, each taken through
  ``to_kmnist_input`` as the canvas and the command line do,

and prints each accuracy and its difference from raw (the aim: within 2
points for NetConv). It also prints the statistics of the sample next to
those of the preprocessed re-renderings (the table in ``docs/drawing.md``).
Nothing is asserted.

Run: ``.venv/bin/python bench/drawing_fidelity.py [--nets conv,full,lin] [--epochs 6]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="explorer-bench-"))

DEFAULT_SAMPLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "kmnist-sample"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", default="conv", help="comma-separated nets (conv, full, lin); default conv")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--train", type=int, default=1600, help="training images (the rest are held out)")
    parser.add_argument("--no-stats", action="store_true", help="skip the statistics table")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    from explorer.core.errors import UserError
    from explorer.core.kuzushiji import fidelity, ink_stats, nets
    from explorer.core.kuzushiji.rerender import VARIANTS

    folder = Path(os.environ.get("EXPLORER_KMNIST_SAMPLE", DEFAULT_SAMPLE))
    if not (folder / fidelity.SAMPLE_IMAGES).is_file():
        # `make bench` runs every bench: without the sample there is nothing to measure.
        print(f"skipped: no real KMNIST sample in {folder} (set EXPLORER_KMNIST_SAMPLE)")
        return 0
    try:
        sample = fidelity.load_sample(folder)
        train, held = sample.split(args.train)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(train.labels)} training / {len(held.labels)} held-out real images from {folder.resolve()}")

    start = time.perf_counter()
    inputs = {"raw": (fidelity.raw_inputs(held.images), held.images)}
    for variant in VARIANTS:
        inputs[variant] = fidelity.rerendered_inputs(held.images, variant)
    per_image = (time.perf_counter() - start) / (len(VARIANTS) * len(held.labels))
    print(f"re-rendering + preprocessing: {1000 * per_image:.1f} ms per image")

    if not args.no_stats:
        summaries = {name: ink_stats.summarise(arrays) for name, (_, arrays) in inputs.items()}
        names = list(summaries)
        rows = {name: dict(s.rows()) for name, s in summaries.items()}
        print("\n| statistic | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for stat in rows["raw"]:
            print(f"| {stat} | " + " | ".join(rows[n][stat] for n in names) + " |")

    for net in args.nets.split(","):
        start = time.perf_counter()
        model = fidelity.train_on(train, net, epochs=args.epochs)
        print(f"\n{nets.display_name(net)}: trained {args.epochs} epochs in {time.perf_counter() - start:.0f} s")
        raw = fidelity.accuracy(model, inputs["raw"][0], held.labels)
        print(f"  {'raw 28×28':<10} {100 * raw:5.1f} %")
        for variant in VARIANTS:
            acc = fidelity.accuracy(model, inputs[variant][0], held.labels)
            print(f"  {variant:<10} {100 * acc:5.1f} %  ({100 * (acc - raw):+.1f} points against raw)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
