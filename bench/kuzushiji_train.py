"""Benchmark: the training engine against the plain torchvision DataLoader pipeline, on one thread.

Writes 60,000 + 10,000 generated images as KMNIST IDX .gz files, reads them
back with ``dataset.read_folder`` (the real path), then for each net, ``--repeats``
times, trains one epoch with the engine and times the course's pipeline (a
Dataset yielding PIL images, ToTensor + Normalize(0.5, 0.5), DataLoader batch 64,
no workers, SGD lr 0.01 momentum 0.5, the net's forward as the course writes
it) from the same starting weights in the same run, the two
interleaved so that both see the same neighbours. Both sides run with the same
torch thread count (1 unless ``--threads``), and both are timed by the wall clock
and by this process's CPU time (on a machine shared with other jobs the CPU-time
ratio is the steadier one). Prints the median ratio per net, its spread, and
its aim (NetConv ≥ 3×, NetLin and NetFull ≥ 10×), then NetConv's training
GFLOP/s against one core's peak, and the time to evaluate 10,000 test images.

    python bench/kuzushiji_train.py [--threads 1] [--repeats 3] [--plain-batches 200]
                                    [--nets lin,full,conv] [--variants] [--profile]

``--variants`` times NetConv's training step under each change tried in
docs/performance.md (layout, kernels, pooling order, optimiser); ``--profile``
prints torch.profiler's table of the engine's NetConv step by operator.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.kuzushiji import nets  # noqa: E402
from explorer.core.kuzushiji.dataset import read_folder  # noqa: E402
from explorer.core.kuzushiji.engine import TrainConfig, direct_sgd_step, normalise, train  # noqa: E402
from explorer.core.kuzushiji.evaluation import evaluate  # noqa: E402
from explorer.core.threads import use_training_threads  # noqa: E402
from tests.core.kuzushiji.fakedata import plain_pipeline_dataset, write_kmnist_folder  # noqa: E402

AIMS = {"lin": 10.0, "full": 10.0, "conv": 3.0}
"""Engine images/s over the plain pipeline's, per net (issue 20)."""


class Clock:
    """Wall and CPU seconds since creation."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


class CourseNetConv(nets.NetConv):
    """NetConv as the course's code writes its forward: each ReLU before its max-pool.

    The app's NetConv pools first (the same numbers, less work); the plain
    pipeline runs the course's code, so that speed-up is counted on the engine's side.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_then_pool(self, x)


def course_net(name: str) -> nn.Module:
    """The net as the course's code defines it, with the weights ``nets.create(name, seed=0)`` gives."""
    model = nets.create(name, seed=0)
    if name != "conv":
        return model
    course = CourseNetConv()
    course.load_state_dict(model.state_dict())
    return course


def plain_rate(name: str, data, batches: int) -> tuple[float, float, bool]:
    """Wall and CPU images/s of the plain pipeline on ``batches`` batches (after one warm-up batch)."""
    model = course_net(name)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    loader = DataLoader(
        plain_pipeline_dataset(data.train_images, data.train_labels),
        batch_size=64,
        shuffle=True,
        num_workers=0,
        generator=torch.Generator().manual_seed(1),
    )
    images, clock = 0, None
    for b, (x, y) in enumerate(loader):
        if b == 1:
            clock, images = Clock(), 0
        if b == batches + 1:
            break
        optimizer.zero_grad()
        F.nll_loss(model(x), y).backward()
        optimizer.step()
        images += len(x)
    wall, cpu = clock.read()
    return images / wall, images / cpu, batches + 1 < len(loader)


def engine_rate(name: str, data) -> tuple[float, float, float]:
    """Wall and CPU images/s of one engine epoch and its test accuracy.

    Timed like the plain side: from the first batch's record (a warm-up batch
    and the one-off setup of the run left out) to the last batch's, so the
    test-set evaluation after the epoch is not counted either.
    """
    model = nets.create(name, seed=0)
    clock, first = None, 0
    wall = cpu = 0.0
    gen = train(model, data, TrainConfig(net=name, epochs=1))
    accuracy = float("nan")
    try:
        while True:
            record = next(gen)
            if record.keep:
                continue
            if clock is None:
                clock, first = Clock(), record.data["images"]
            if record.data["batch"] == record.data["batches"]:
                wall, cpu = clock.read()
    except StopIteration as stop:
        accuracy = stop.value.evaluation.accuracy
    n = len(data.train_images) - first
    return n / wall, n / cpu, accuracy


def spread(values: list[float]) -> str:
    """``median [min–max]`` of ratios."""
    return f"{statistics.median(values):5.2f}× [{min(values):.2f}–{max(values):.2f}]"


# --- FLOPs and peak -----------------------------------------------------------------------------


def training_flops_per_image(model: nn.Module) -> int:
    """Multiply-add FLOPs (2 per MAC) of one image's forward and backward pass through the conv and linear layers.

    From the layer shapes: forward 2·MACs per layer; backward 2·MACs for the
    weight gradient plus 2·MACs for the input gradient, except for the first
    layer, whose input (the image) needs none. Pooling, ReLU, the loss and
    the optimiser (a few hundred thousand element operations) are left out.
    """
    macs: list[int] = []

    def hook(module: nn.Module, inputs, output) -> None:
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            macs.append(output[0].numel() * module.in_channels // module.groups * k)
        elif isinstance(module, nn.Linear):
            macs.append(module.in_features * module.out_features)

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        with torch.no_grad():
            model(torch.zeros(1, 1, 28, 28))
    finally:
        for h in handles:
            h.remove()
    flops = sum(2 * m for m in macs)  # forward
    flops += sum(2 * m for m in macs)  # weight gradients
    flops += sum(2 * m for m in macs[1:])  # input gradients, all but the first layer
    return flops


def cpu_peak() -> tuple[float, float, str]:
    """(AVX2 peak, widest-vector peak) GFLOP/s of one core, and how they were computed.

    Peak = 2 FMA units × float32 lanes × 2 flops per FMA × clock, the clock
    read from /proc/cpuinfo (the "cpu MHz" line; under a hypervisor it is the
    nominal clock, turbo is not seen). The number of FMA units per core is not
    in /proc/cpuinfo: 2 is assumed (true of recent server cores). AMD's Zen 4
    (family 25 with AVX-512) runs each 512-bit FMA on two 256-bit pipes, so
    there its AVX-512 peak is its AVX2 peak.
    """
    mhz, flags, model = 0.0, set(), "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    if m := re.search(r"^cpu MHz\s*:\s*([\d.]+)", text, re.M):
        mhz = float(m.group(1))
    if m := re.search(r"^flags\s*:\s*(.*)$", text, re.M):
        flags = set(m.group(1).split())
    if m := re.search(r"^model name\s*:\s*(.*)$", text, re.M):
        model = m.group(1).strip()
    ghz = mhz / 1000
    avx2 = 2 * 8 * 2 * ghz if "fma" in flags and "avx2" in flags else float("nan")
    lanes = 16 if "avx512f" in flags else 8
    family = re.search(r"^cpu family\s*:\s*(\d+)", text, re.M)
    zen4 = "AuthenticAMD" in text and family is not None and int(family.group(1)) == 25 and lanes == 16
    widest = 2 * 8 * 2 * ghz if zen4 else 2 * lanes * 2 * ghz
    how = (
        f"{model}, {ghz:.2f} GHz from /proc/cpuinfo 'cpu MHz'; peak = 2 FMA units × lanes × 2 flops × clock: "
        f"AVX2 (8 lanes) {avx2:.1f} GFLOP/s"
        + (f", AVX-512 (16 lanes; torch's kernels use it here: {torch.backends.cpu.get_cpu_capability()}) {widest:.1f} GFLOP/s" if lanes == 16 and not zen4 else "")
        + (f"; AVX-512 on this AMD Zen 4 runs on two 256-bit pipes: the same {widest:.1f} GFLOP/s" if zen4 else "")
    )
    return avx2, widest, how


# --- NetConv variants and profile ---------------------------------------------------------------


def relu_then_pool(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """NetConv's forward as the course writes it: each ReLU before its max-pool (same numbers, more work)."""
    x = F.max_pool2d(F.relu(model.conv1(x)), 2)
    x = F.max_pool2d(F.relu(model.conv2(x)), 2)
    return F.log_softmax(model.fc2(F.relu(model.fc1(x.flatten(1)))), dim=1)


def pool_then_relu_whole_image(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """NetConv's forward before it left out the image's last two rows and columns: each max-pool before its ReLU."""
    x = F.relu(F.max_pool2d(model.conv1(x), 2))
    x = F.relu(F.max_pool2d(model.conv2(x), 2))
    return F.log_softmax(model.fc2(F.relu(model.fc1(x.flatten(1)))), dim=1)


FORWARDS = {
    "course": relu_then_pool,
    "pool first": pool_then_relu_whole_image,
    "cropped": lambda model, x: model(x),  # NetConv.forward now: pool first, on the 26×26 the output depends on
}


def step_runner(
    x_all: torch.Tensor, y_all: torch.Tensor, *, last: bool, mkldnn: bool, forward: str, fused: bool, direct: bool
) -> Callable[[], None]:
    """A function that trains a fresh NetConv on the given batches of 64 with one combination of choices."""
    model = nets.create("conv", seed=0)
    if last:
        model = model.to(memory_format=torch.channels_last)
        x_all = x_all.contiguous(memory_format=torch.channels_last)
    if direct:  # the engine's written-out step (NetConv.forward's operators, fused SGD)
        step = direct_sgd_step(model, TrainConfig(net="conv"))
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5, **({"fused": True} if fused else {}))
        chosen = FORWARDS[forward]

        def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            optimizer.zero_grad(set_to_none=True)
            loss = F.nll_loss(chosen(model, x), y)
            loss.backward()
            optimizer.step()
            return loss

    batches = len(x_all) // 64

    def run() -> None:
        with torch.backends.mkldnn.flags(enabled=mkldnn):
            for b in range(batches):
                step(x_all[b * 64 : (b + 1) * 64], y_all[b * 64 : (b + 1) * 64]).item()

    return run


VARIANTS = {
    # label: (channels_last, mkldnn, forward, fused SGD, written-out step)
    "contiguous, ReLU→pool, SGD (the plain model)": (False, True, "course", False, False),
    "contiguous, no oneDNN": (False, False, "course", False, False),
    "channels-last, ReLU→pool, SGD (engine before)": (True, True, "course", False, False),
    "channels-last, no oneDNN": (True, False, "course", False, False),
    "channels-last, pool→ReLU, SGD": (True, True, "pool first", False, False),
    "channels-last, ReLU→pool, fused SGD": (True, True, "course", True, False),
    "channels-last, pool→ReLU, fused SGD": (True, True, "pool first", True, False),
    "+ image cropped to the 26×26 it uses": (True, True, "cropped", True, False),
    "+ the written-out step (engine now)": (True, True, "cropped", True, True),
}


def conv_variants(data, batches: int = 40, repeats: int = 7) -> None:
    """CPU ms per NetConv training step (batch 64) under each variant, interleaved, median of ``repeats``."""
    x_all = normalise(data.train_images[: batches * 64])
    y_all = data.train_labels[: batches * 64].long()
    runs = {
        label: step_runner(x_all, y_all, last=a, mkldnn=b, forward=c, fused=d, direct=e)
        for label, (a, b, c, d, e) in VARIANTS.items()
    }
    times: dict[str, list[float]] = {label: [] for label in runs}
    for run in runs.values():
        run()  # warm-up
    for _ in range(repeats):
        for label, run in runs.items():
            clock = Clock()
            run()
            times[label].append(clock.read()[1] / batches * 1000)
    print(f"\nNetConv training step, batch 64, CPU ms per step, median [min–max] of {repeats} × {batches} steps:")
    base = statistics.median(times[next(iter(times))])
    for label, ts in times.items():
        med = statistics.median(ts)
        print(f"  {label:<50} {med:6.2f} ms [{min(ts):.2f}–{max(ts):.2f}]  {base / med:4.2f}× the first", flush=True)


def profile_engine(data, batches: int = 100) -> None:
    """torch.profiler's table, by operator, of ``batches`` engine NetConv steps."""
    from torch.profiler import ProfilerActivity, profile

    gen = train(nets.create("conv", seed=0), data, TrainConfig(net="conv", epochs=1))
    for _ in range(10):
        next(gen)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(batches):
            next(gen)
    gen.close()
    print(f"\nEngine NetConv, {batches} steps, by operator and input shapes:")
    print(
        prof.key_averages(group_by_input_shape=True).table(
            sort_by="self_cpu_time_total", row_limit=25, max_name_column_width=40, max_shapes_column_width=60
        )
    )


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both sides (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="engine/plain pairs per net (default 3)")
    parser.add_argument("--plain-batches", type=int, default=200)
    parser.add_argument("--nets", default="lin,full,conv")
    parser.add_argument("--n-train", type=int, default=60_000)
    parser.add_argument("--variants", action="store_true", help="also time NetConv's step under each change tried")
    parser.add_argument("--profile", action="store_true", help="also print the engine's NetConv profile by operator")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="TF32 acceleration on top of oneDNN")
    use_training_threads(args.threads)
    print(
        f"torch {torch.__version__}, both sides pinned to {torch.get_num_threads()} torch thread(s) "
        f"(torch.set_num_threads through explorer.core.threads), {os.cpu_count()} CPUs seen, load average "
        + " ".join(f"{v:.1f}" for v in os.getloadavg()),
        flush=True,
    )

    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock()
        write_kmnist_folder(tmp, fmt="idx.gz", n_train=args.n_train, n_test=10_000)
        data = read_folder(tmp)
        print(f"wrote and read {data.describe()} in {clock.read()[0]:.1f} s", flush=True)

    if args.variants:
        conv_variants(data)
    if args.profile:
        profile_engine(data)

    print(
        f"\nOne epoch of {len(data.train_images):,} images, engine vs plain pipeline; median [min–max] of "
        f"{args.repeats} interleaved pairs; wall clock, then CPU time:"
    )
    print(f"{'net':<8} {'engine img/s':>13} {'plain img/s':>12}  {'ratio (wall)':<22} {'ratio (CPU)':<22} aim")
    conv_rates: list[tuple[float, float]] = []
    extrapolated = False
    for name in args.nets.split(","):
        walls, cpus, engine_walls, plain_walls = [], [], [], []
        accuracy = float("nan")
        for _ in range(args.repeats):
            e_wall, e_cpu, accuracy = engine_rate(name, data)
            p_wall, p_cpu, extrapolated = plain_rate(name, data, args.plain_batches)
            walls.append(e_wall / p_wall)
            cpus.append(e_cpu / p_cpu)
            engine_walls.append(e_wall)
            plain_walls.append(p_wall)
            if name == "conv":
                conv_rates.append((e_wall, e_cpu))
        aim = AIMS[name]
        verdict = "/".join("met" if statistics.median(r) >= aim else "MISSED" for r in (walls, cpus))
        print(
            f"{nets.display_name(name):<8} {statistics.median(engine_walls):>13,.0f} {statistics.median(plain_walls):>12,.0f}  "
            f"{spread(walls):<22} {spread(cpus):<22} ≥{aim:g}× {verdict} (wall/CPU medians; epoch test accuracy {accuracy:.1f} %)",
            flush=True,
        )
    if extrapolated:
        print(f"(the plain pipeline is timed on {args.plain_batches} batches of 64 after one warm-up batch, not a whole epoch)")

    if conv_rates:
        flops = training_flops_per_image(nets.create("conv", seed=0))
        avx2, widest, how = cpu_peak()
        wall_rate = statistics.median(r[0] for r in conv_rates)
        cpu_rate = statistics.median(r[1] for r in conv_rates)
        print(
            f"\nNetConv training: {flops / 1e6:.2f} MFLOP per image (forward + backward of the conv and linear layers,"
            f" from their shapes); {flops * wall_rate / 1e9:.1f} GFLOP/s by the wall clock, {flops * cpu_rate / 1e9:.1f}"
            f" GFLOP/s per CPU second on {torch.get_num_threads()} thread(s)"
        )
        print(
            f"  = {100 * flops * cpu_rate / 1e9 / avx2:.0f} % of one core's AVX2 peak"
            + (f", {100 * flops * cpu_rate / 1e9 / widest:.0f} % of its AVX-512 peak" if widest != avx2 else "")
            + f" ({how})"
        )

    print()
    for name in ("full", "conv"):
        model = nets.create(name, seed=0)
        evaluate(model, data.test_images[:1000], data.test_labels[:1000])  # warm-up
        clock = Clock()
        evaluate(model, data.test_images, data.test_labels)
        wall, cpu = clock.read()
        print(f"{nets.display_name(name)} evaluation of {len(data.test_images):,} test images: {wall:.3f} s ({cpu:.3f} s of CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
