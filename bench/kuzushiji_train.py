"""Benchmark: the training engine against the plain torchvision DataLoader pipeline.

Writes 60,000 + 10,000 generated images as KMNIST IDX .gz files, reads them
back with ``dataset.read_folder`` (the real path), then for each net trains one
epoch with the engine and times the course's pipeline (a Dataset yielding PIL
images, ToTensor + Normalize(0.5, 0.5), DataLoader batch 64, no workers) with
the same net and optimiser in the same run. Also times the evaluation of the
10,000 test images by NetFull.

    python bench/kuzushiji_train.py [--threads 2] [--plain-batches 200] [--nets lin,full,conv]

Targets on 2 CPU cores: engine ≥ 10× the plain pipeline for NetLin and NetFull,
≥ 2× for NetConv; NetFull evaluation < 1 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.kuzushiji import nets  # noqa: E402
from explorer.core.kuzushiji.dataset import read_folder  # noqa: E402
from explorer.core.kuzushiji.engine import TrainConfig, train  # noqa: E402
from explorer.core.kuzushiji.evaluation import evaluate  # noqa: E402
from explorer.core.progress import run_to_end  # noqa: E402
from tests.core.kuzushiji.fakedata import plain_pipeline_dataset, write_kmnist_folder  # noqa: E402


def plain_images_per_second(name: str, data, batches: int) -> tuple[float, bool]:
    """Images/s of the plain pipeline, timed on ``batches`` batches (after one warm-up batch)."""
    model = nets.create(name, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    loader = DataLoader(
        plain_pipeline_dataset(data.train_images, data.train_labels),
        batch_size=64,
        shuffle=True,
        num_workers=0,
        generator=torch.Generator().manual_seed(1),
    )
    total_batches = len(loader)
    images = 0
    started = None
    for b, (x, y) in enumerate(loader):
        if b == 1:
            started, images = time.perf_counter(), 0
        if b == batches + 1:
            break
        optimizer.zero_grad()
        F.nll_loss(model(x), y).backward()
        optimizer.step()
        images += len(x)
    seconds = time.perf_counter() - started
    return images / seconds, batches + 1 < total_batches


def engine_images_per_second(name: str, data) -> tuple[float, float]:
    """Images/s of one engine epoch (training only) and that epoch's test accuracy."""
    model = nets.create(name, seed=0)
    result = run_to_end(train(model, data, TrainConfig(net=name, epochs=1)))
    return result.history[0].images_per_second, result.evaluation.accuracy


def pool_first(model, x):
    """NetConv with each max-pool before its ReLU (the same numbers: ReLU is monotonic)."""
    x = F.relu(F.max_pool2d(model.conv1(x), 2))
    x = F.relu(F.max_pool2d(model.conv2(x), 2))
    return F.log_softmax(model.fc2(F.relu(model.fc1(x.flatten(1)))), dim=1)


def conv_variants(data, batches: int = 40) -> None:
    """Images/s of NetConv training steps under different memory layouts and kernels."""
    x_all = data.train_images[: batches * 64].unsqueeze(1).float().div(255).sub(0.5).div(0.5)
    y_all = data.train_labels[: batches * 64]
    variants = {
        "default": (False, True, None),
        "channels_last": (True, True, None),
        "no mkldnn": (False, False, None),
        "pool first": (False, True, pool_first),
        "pool first, channels_last": (True, True, pool_first),
        "pool first, no mkldnn": (False, False, pool_first),
    }
    print(f"\nNetConv training steps, {batches} batches of 64, best of 3:")
    for label, (last, mkldnn, forward) in variants.items():
        model = nets.create("conv", seed=0)
        x = x_all
        if last:
            model = model.to(memory_format=torch.channels_last)
            x = x.contiguous(memory_format=torch.channels_last)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
        best = float("inf")
        with torch.backends.mkldnn.flags(enabled=mkldnn):
            for _ in range(3):
                started = time.perf_counter()
                for b in range(batches):
                    xb, yb = x[b * 64 : (b + 1) * 64], y_all[b * 64 : (b + 1) * 64]
                    optimizer.zero_grad()
                    out = model(xb) if forward is None else forward(model, xb)
                    F.nll_loss(out, yb).backward()
                    optimizer.step()
                best = min(best, time.perf_counter() - started)
        print(f"  {label:<28} {batches * 64 / best:>8,.0f} img/s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--plain-batches", type=int, default=200)
    parser.add_argument("--nets", default="lin,full,conv")
    parser.add_argument("--n-train", type=int, default=60_000)
    parser.add_argument(
        "--conv-variants", action="store_true", help="also time NetConv layouts and kernels"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {args.threads} threads, {os.cpu_count()} CPUs seen", flush=True
    )

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_kmnist_folder(tmp, fmt="idx.gz", n_train=args.n_train, n_test=10_000)
        data = read_folder(tmp)
        print(
            f"wrote and read {data.describe()} in {time.perf_counter() - started:.1f} s", flush=True
        )

    if args.conv_variants:
        conv_variants(data)

    print(f"\n{'net':<8} {'engine img/s':>13} {'plain img/s':>12} {'ratio':>7}  target")
    targets = {"lin": 10, "full": 10, "conv": 2}
    for name in args.nets.split(","):
        engine, accuracy = engine_images_per_second(name, data)
        plain, extrapolated = plain_images_per_second(name, data, args.plain_batches)
        ratio = engine / plain
        verdict = "met" if ratio >= targets[name] else "MISSED"
        print(
            f"{nets.display_name(name):<8} {engine:>13,.0f} {plain:>12,.0f} {ratio:>6.1f}×  "
            f"≥{targets[name]}× {verdict} (engine epoch test accuracy {accuracy:.1f} %)",
            flush=True,
        )
    if extrapolated:
        print(
            f"(plain pipeline timed on {args.plain_batches} batches of 64 after one warm-up batch, not a full epoch)"
        )

    model = nets.create("full", seed=0)
    evaluate(model, data.test_images[:1000], data.test_labels[:1000])  # warm-up
    started = time.perf_counter()
    evaluate(model, data.test_images, data.test_labels)
    seconds = time.perf_counter() - started
    verdict = "met" if seconds < 1 else "MISSED"
    print(
        f"\nNetFull evaluation of {len(data.test_images):,} test images: {seconds:.3f} s (target < 1 s: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
