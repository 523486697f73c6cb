"""Fast training of the Kuzushiji nets: the whole data set as one tensor, batches as slices.

The course pipeline turns every image into a PIL image, then a tensor, then
normalises it, one sample at a time. Here the images stay one uint8 tensor,
each batch is an index into it, normalised as it is taken with the same
arithmetic as ``ToTensor()`` + ``Normalize((0.5,), (0.5,))`` (so Kuzushiji-49's
232,365 images never become a 730 MB float copy), in the order a ``DataLoader``
with the same seeded generator would give (``tests/core/kuzushiji/test_engine.py``
proves the losses are the same).

:func:`train` is a progress generator. Closing it (the GUI's stop button)
ends training at the next batch; the last finished epoch is in the
``history`` list the caller passed and in the last ``keep=True`` record,
whose ``data`` is that epoch's :class:`EpochRecord`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.core import device as devices
from explorer.core import divergence
from explorer.core.bounds import check_float, check_int
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.evaluation import Evaluation, evaluate
from explorer.core.kuzushiji.inputs import normalise  # noqa: F401 - also imported from here
from explorer.core.kuzushiji.metrics import balanced_accuracy, class_counts, class_weights
from explorer.core.progress import Progress, ProgressGenerator

if TYPE_CHECKING:
    import torch
    from torch import nn

    from explorer.core.kuzushiji.dataset import KMNIST

OPTIMIZERS = ("sgd", "adam")

MAX_EPOCHS = 1000
"""Most epochs in one run (the course trains 10; each is about a minute on a laptop)."""

MAX_LR = 1000.0
"""Largest learning rate accepted; far above it nothing can be learnt, and the
divergence guard already stops runs that blow up below it."""


@dataclass
class TrainConfig:
    """Hyperparameters; the defaults are the course's (SGD lr 0.01, momentum 0.5, batch 64, 10 epochs)."""

    net: str = "conv"
    epochs: int = 10
    lr: float = 0.01
    momentum: float = 0.5
    batch: int = 64
    seed: int | None = 1
    shuffle: bool = True
    optimizer: str = "sgd"
    device: str = "cpu"
    class_weighted: bool = False
    """Weigh each class's loss by its inverse frequency (metrics.class_weights): for imbalanced data."""

    def validate(self) -> None:
        """Refuse values training cannot use, with a message for the user."""
        nets.net_class(self.net)
        check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_int("the batch size", self.batch, 1, 60_000)
        check_float("the learning rate", self.lr, 0.0, MAX_LR, low_open=True)
        if not 0 <= self.momentum < 1:
            raise UserError(f"momentum must be in [0, 1) (got {self.momentum})")
        if self.seed is not None:
            check_int("the seed", self.seed, 0, 2**63 - 1)
        if self.optimizer not in OPTIMIZERS:
            raise UserError(f"unknown optimizer '{self.optimizer}' (choose sgd or adam)")
        if not isinstance(self.class_weighted, bool):
            raise UserError(f"class_weighted must be true or false (got {self.class_weighted!r})")
        devices.resolve(self.device)

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for checkpoints and JSON."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class EpochRecord:
    """What one finished epoch produced: the ``data`` of its ``keep=True`` progress record, and a history's entry.

    Frozen, so a record handed to the GUI (or pickled through a child process's
    pipe) is the very one the history holds; nothing changes it afterwards.
    """

    epoch: int
    train_loss: float
    test_loss: float
    accuracy: float
    """Percent of the test images read right."""
    confusion: np.ndarray
    """classes×classes counts, rows true class, columns predicted."""
    state_dict: dict[str, torch.Tensor] = field(repr=False)
    """The weights after this epoch (empty for a history read back from the work store)."""
    seconds: float
    images_per_second: float
    evaluation: Evaluation | None = field(repr=False, default=None)

    @property
    def balanced_accuracy(self) -> float:
        """Mean of the per-class accuracies in percent (Kuzushiji-49's measure; ``nan`` with no test images)."""
        return 100.0 * balanced_accuracy(self.confusion)


@dataclass
class TrainResult:
    """A finished run: final evaluation, every epoch (for the replay slider), time and weights."""

    config: TrainConfig
    evaluation: Evaluation
    history: list[EpochRecord]
    seconds: float
    images_per_second: float
    state_dict: dict[str, torch.Tensor]

    @property
    def epochs(self) -> int:
        return len(self.history)


@dataclass(frozen=True)
class Speed:
    """How fast training goes: images per second and the time one epoch takes (or will take)."""

    images_per_second: float
    epoch_seconds: float
    finished: bool
    """True for a finished epoch's own time, False for an estimate from the epoch so far."""
    epoch: int

    def text(self, epochs: int | None = None) -> str:
        """E.g. ``"2,130 images/s · an epoch takes about 0:28 (10 epochs ≈ 4:42)"``."""
        rate = f"{self.images_per_second:,.0f} images/s"
        took = _clock(self.epoch_seconds)
        line = f"{rate} · epoch {self.epoch} took {took}" if self.finished else f"{rate} · an epoch takes about {took}"
        if epochs is not None and epochs > 1:
            line += f" ({epochs} epochs ≈ {_clock(epochs * self.epoch_seconds)})"
        return line


def _clock(seconds: float) -> str:
    """``"0:28"``, ``"4:42"``, ``"1:02:03"``; under 10 s with a tenth (``"3.4 s"``), under 1 s in ms."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = int(round(seconds))
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def speed(data: dict[str, Any] | EpochRecord) -> Speed | None:
    """The training speed told by a progress record's ``data`` (a batch's or an epoch's), if it tells one.

    An :class:`EpochRecord` gives that epoch's images/s and time; a batch record the
    rate so far in its epoch and the epoch time it points to. ``None`` for
    other records, or when too little time has passed to tell.
    """
    if isinstance(data, EpochRecord):
        data = {"epoch": data.epoch, "images_per_second": data.images_per_second, "seconds": data.seconds}
    if not isinstance(data, dict):
        return None
    try:
        if "images_per_second" in data:
            rate, seconds, finished = float(data["images_per_second"]), float(data["seconds"]), True
        else:
            done, seconds = int(data["images"]), float(data["seconds"])
            if seconds <= 0 or done <= 0:
                return None
            rate = done / seconds
            seconds, finished = int(data["train_images"]) / rate, False
        epoch = int(data["epoch"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(rate) and math.isfinite(seconds)) or rate <= 0:
        return None
    return Speed(images_per_second=rate, epoch_seconds=seconds, finished=finished, epoch=epoch)


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """SGD with momentum (the course) or Adam, at the configured learning rate.

    On the CPU and CUDA the SGD step is torch's fused kernel: one call for
    all parameters instead of a few small operations per parameter, with the
    same numbers (bit for bit on the CPU; ``test_engine_speed.py`` checks).
    Adam keeps torch's default step: its fused kernel rounds differently, and
    dividing by the root of tiny second moments magnifies that beyond rounding.
    """
    import torch

    params = list(model.parameters())
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr)
    fused = {"fused": True} if params and all(p.device.type in ("cpu", "cuda") for p in params) else {}
    return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, **fused)


Step = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]
"""One training step on a batch (images, labels); returns the batch's mean NLL loss."""


def autograd_step(model: nn.Module, optimizer: torch.optim.Optimizer, weight: torch.Tensor | None = None) -> Step:
    """The usual step: forward, ``backward()``, ``optimizer.step()`` (``weight``: per-class loss weights)."""
    import torch.nn.functional as F


    def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        loss = F.nll_loss(model(x), y, weight=weight)
        loss.backward()
        optimizer.step()
        return loss

    return step


def direct_sgd_step(model: nn.Module, config: TrainConfig) -> Step | None:
    """NetLin's and NetFull's SGD step written out, for the CPU: the same numbers in about 60 % of the time.

    For these nets a step is a few matrix products, and most of its time went
    to autograd's graph and ``torch.optim``'s Python around them. Here the
    forward pass, the gradients and SGD with momentum are the very operators
    autograd and ``torch.optim.SGD`` run (``addmm``, ``tanh``, ``log_softmax``,
    ``nll_loss`` and their backward kernels, ``mm``, ``sum``; momentum buffer
    = first gradient, then ``buf·m + g``; ``p -= lr·buf``), in the same order,
    so the weights come out bit for bit the same
    (``test_engine_speed.py::test_the_direct_sgd_step_is_autograds_and_torch_optims_bit_for_bit``).
    NetConv's step is :func:`_direct_netconv_step`. ``None`` where it does not
    apply (Adam, another device or type), and the caller uses :func:`autograd_step`.
    """
    import torch

    if config.optimizer != "sgd" or type(model) not in (nets.NetLin, nets.NetFull, nets.NetConv):
        return None
    params = list(model.parameters())
    if any(p.device.type != "cpu" or p.dtype != torch.float32 for p in params):
        return None
    if type(model) is nets.NetConv:
        return _direct_netconv_step(model, config)
    aten = torch.ops.aten
    layers = [model.linear] if isinstance(model, nets.NetLin) else [model.hidden, model.output]
    lr, momentum = config.lr, config.momentum
    buffers: list[torch.Tensor] = []
    one = torch.ones(())

    def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            x = x.reshape(x.shape[0], -1)
            inputs = [x]
            for layer in layers[:-1]:  # NetFull's tanh layer
                inputs.append(torch.tanh(torch.addmm(layer.bias, inputs[-1], layer.weight.t())))
            last = layers[-1]
            out = torch.log_softmax(torch.addmm(last.bias, inputs[-1], last.weight.t()), 1)
            loss, total_weight = aten.nll_loss_forward(out, y, None, 1, -100)
            g = aten.nll_loss_backward(one, out, y, None, 1, -100, total_weight)
            g = aten._log_softmax_backward_data(g, out, 1, out.dtype)
            grads: list[torch.Tensor] = []
            for i in range(len(layers) - 1, -1, -1):
                layer = layers[i]
                grads[:0] = [g.t().mm(inputs[i]), g.sum(0)]
                if i > 0:  # through the layer below's tanh (the images need no gradient)
                    g = aten.tanh_backward(g.mm(layer.weight), inputs[i])
            if momentum == 0:
                torch._foreach_add_(params, grads, alpha=-lr)
            else:
                if not buffers:
                    buffers.extend(g_.clone() for g_ in grads)
                else:
                    torch._foreach_mul_(buffers, momentum)
                    torch._foreach_add_(buffers, grads)
                torch._foreach_add_(params, buffers, alpha=-lr)
        return loss

    return step


def _direct_netconv_step(model: nn.Module, config: TrainConfig) -> Step:
    """NetConv's SGD step written out: autograd's operators without its graph, one fused SGD kernel.

    The forward and backward are the aten operators autograd runs for
    ``NetConv.forward`` (the image cropped to the rows it uses, oneDNN
    convolutions, max-pool with indices before each ReLU, ``addmm``,
    ``log_softmax``, ``nll_loss``, and their backward kernels; conv1 computes
    no gradient for the image), then ``torch.optim.SGD``'s fused kernel with
    its momentum buffers; the ReLUs run in place. So the weights come out bit
    for bit as autograd + ``torch.optim.SGD`` make them, in the same layout
    (``test_engine_speed.py::test_the_direct_sgd_step_is_autograds_and_torch_optims_bit_for_bit``),
    in about 4 % less CPU time per step on one thread (0.6–8 % over five
    interleaved comparisons, docs/performance.md): the fused kernel and the
    in-place ReLUs, not the graph, make the difference.
    """
    import torch

    aten = torch.ops.aten
    conv1, conv2, fc1, fc2 = model.conv1, model.conv2, model.fc1, model.fc2
    params = [conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc1.weight, fc1.bias, fc2.weight, fc2.bias]
    lr, momentum = config.lr, config.momentum
    buffers: list[torch.Tensor] = []
    one = torch.ones(())
    used = model.used_input
    s1, z0, d1, k2 = [1, 1], [0, 0], [1, 1], [2, 2]

    def conv(x: torch.Tensor, layer: nn.Module) -> torch.Tensor:
        return aten.convolution(x, layer.weight, layer.bias, s1, z0, d1, False, z0, 1)

    def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            x = x[:, :, :used, :used]
            c1 = conv(x, conv1)
            p1, i1 = aten.max_pool2d_with_indices(c1, k2, k2, z0, d1, False)
            r1 = p1.clamp_min_(0)  # ReLU, in place: nothing else reads p1
            c2 = conv(r1, conv2)
            p2, i2 = aten.max_pool2d_with_indices(c2, k2, k2, z0, d1, False)
            r2 = p2.clamp_min_(0)
            flat = r2.flatten(1)
            h = torch.addmm(fc1.bias, flat, fc1.weight.t()).clamp_min_(0)
            out = torch.log_softmax(torch.addmm(fc2.bias, h, fc2.weight.t()), 1)
            loss, total_weight = aten.nll_loss_forward(out, y, None, 1, -100)
            g = aten.nll_loss_backward(one, out, y, None, 1, -100, total_weight)
            g = aten._log_softmax_backward_data(g, out, 1, out.dtype)
            dw4, db4 = g.t().mm(h), g.sum(0)
            g = aten.threshold_backward(g.mm(fc2.weight), h, 0)
            dw3, db3 = g.t().mm(flat), g.sum(0)
            g = aten.threshold_backward(g.mm(fc1.weight).view(r2.shape), r2, 0)
            g = aten.max_pool2d_with_indices_backward(g, c2, k2, k2, z0, d1, False, i2)
            g, dw2, db2 = aten.convolution_backward(
                g, r1, conv2.weight, [conv2.out_channels], s1, z0, d1, False, z0, 1, [True, True, True]
            )
            g = aten.threshold_backward(g, r1, 0)
            g = aten.max_pool2d_with_indices_backward(g, c1, k2, k2, z0, d1, False, i1)
            _, dw1, db1 = aten.convolution_backward(  # no gradient for the images
                g, x, conv1.weight, [conv1.out_channels], s1, z0, d1, False, z0, 1, [False, True, True]
            )
            grads = [dw1, db1, dw2, db2, dw3, db3, dw4, db4]
            # the fused kernel walks each gradient in its parameter's memory order
            grads = [gr if gr.stride() == p.stride() else torch.empty_like(p).copy_(gr) for gr, p in zip(grads, params, strict=True)]
            if momentum == 0:
                torch._foreach_add_(params, grads, alpha=-lr)
            else:
                first = not buffers
                if first:
                    buffers.extend(torch.empty_like(p) for p in params)
                aten._fused_sgd_(
                    params, grads, buffers, weight_decay=0.0, momentum=momentum, lr=lr, dampening=0.0,
                    nesterov=False, maximize=False, is_first_step=first,
                )
        return loss

    return step


def epoch_order(n: int, generator: torch.Generator) -> torch.Tensor:
    """The sample order of one shuffled epoch, drawn as ``DataLoader(shuffle=True, generator=g)`` draws it."""
    import torch

    # Per epoch a DataLoader iterator first takes a base seed for its workers
    # from the generator; RandomSampler then draws the permutation it uses,
    # and one more (for the remainder, empty here) when it runs out.
    torch.empty((), dtype=torch.int64).random_(generator=generator)
    order = torch.randperm(n, generator=generator)
    torch.randperm(n, generator=generator)
    return order


def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """A CPU copy of the model's weights that later training steps do not change."""
    import torch

    return {
        k: v.detach().cpu().clone(memory_format=torch.contiguous_format)
        for k, v in model.state_dict().items()
    }


def prefers_channels_last(model: nn.Module, where: torch.device) -> bool:
    """Whether to train in channels-last layout: conv nets on the CPU (oneDNN's convolutions run about 1.6× faster)."""
    from torch import nn

    return where.type == "cpu" and any(isinstance(m, nn.Conv2d) for m in model.modules())


def train(
    model: nn.Module,
    data: KMNIST,
    config: TrainConfig,
    history: list[EpochRecord] | None = None,
    report_every: int | None = None,
) -> ProgressGenerator[TrainResult]:
    """Train ``model`` on ``data``, yielding progress per batch and per epoch; return a :class:`TrainResult`.

    Per-batch records (``keep=False``) carry ``data`` keys ``epoch``, ``batch``
    (1-based), ``batches`` (per epoch), ``loss`` (mean training loss of the
    batches since the previous record), ``images`` (trained on so far in this
    epoch), ``train_images`` (per epoch) and ``seconds`` (since the epoch
    began), from which :func:`speed` tells the live rate. Per-epoch records (``keep=True``)
    carry :meth:`EpochRecord.as_data`. Each finished epoch is also appended to
    ``history`` when given, so a caller that stops early keeps it.
    A mean batch loss that is NaN, infinite or above
    :data:`~explorer.core.divergence.LOSS_LIMIT` raises
    :class:`~explorer.core.divergence.TrainingDiverged` after putting the last
    finished epoch's weights (or the starting ones) back into ``model``.
    ``report_every`` batches per record defaults to 1 on the CPU and 10 on a GPU
    (fewer waits for the device).
    """
    import torch

    config.validate()
    where = devices.resolve(config.device)
    if report_every is None:
        report_every = 1 if where.type == "cpu" else 10
    history = [] if history is None else history
    layout = torch.channels_last if prefers_channels_last(model, where) else torch.contiguous_format
    model.to(where, memory_format=layout)
    try:
        return (yield from _train(model, data, config, where, layout, history, report_every))
    finally:
        if layout is not torch.contiguous_format:
            model.to(memory_format=torch.contiguous_format)


def _train(
    model: nn.Module,
    data: KMNIST,
    config: TrainConfig,
    where: torch.device,
    layout: torch.memory_format,
    history: list[EpochRecord],
    report_every: int,
) -> ProgressGenerator[TrainResult]:
    import torch

    on_cpu = where.type == "cpu"
    classes = data.dataset.num_classes
    if nets.num_outputs(model) != classes:
        raise UserError(
            f"{type(model).__name__} has {nets.num_outputs(model)} outputs, but {data.dataset.title} has "
            f"{classes} classes"
        )
    train_x = data.train_images.to(where)  # uint8: each batch is normalised as it is taken
    train_y = data.train_labels.to(where, torch.int64)
    test_x = data.test_images.to(where)
    test_y = data.test_labels.to(where, torch.int64)
    n = len(train_x)
    if n == 0 or len(test_x) == 0:
        raise UserError("the data set has no training or no test images")
    batches = (n + config.batch - 1) // config.batch
    if config.class_weighted:
        counts = class_counts(data.train_labels.numpy(), classes)
        weight = torch.as_tensor(class_weights(counts), dtype=torch.float32, device=where)
        step = autograd_step(model, make_optimizer(model, config), weight)
    else:
        step = direct_sgd_step(model, config) or autograd_step(model, make_optimizer(model, config))
    generator = torch.Generator()
    if config.seed is None:
        generator.seed()
    else:
        generator.manual_seed(config.seed)
    total = config.epochs * batches
    started = time.perf_counter()
    train_seconds = 0.0
    evaluation = None
    records: list[EpochRecord] = []
    last_good = snapshot(model)  # the weights a diverging run falls back to
    for epoch in range(1, config.epochs + 1):
        model.train()
        epoch_started = time.perf_counter()
        order = epoch_order(n, generator).to(where) if config.shuffle else None
        # On the CPU reading a loss costs nothing; on a GPU it waits for the
        # device, so there the sums stay on the device until a report.
        loss_sum = 0.0 if on_cpu else torch.zeros((), device=where)
        since_report = 0.0 if on_cpu else torch.zeros((), device=where)
        for b in range(batches):
            lo, hi = b * config.batch, min(n, (b + 1) * config.batch)
            if order is None:
                x, y = normalise(train_x[lo:hi]), train_y[lo:hi]
            else:
                idx = order[lo:hi]
                x, y = normalise(train_x.index_select(0, idx)), train_y.index_select(0, idx)
            if layout is not torch.contiguous_format:
                x = x.contiguous(memory_format=layout)
            loss = step(x, y)
            loss = loss.item() if on_cpu else loss.detach()
            loss_sum += loss
            since_report += loss
            if (b + 1) % report_every == 0 or b + 1 == batches:
                count = (b % report_every) + 1
                mean = float(since_report) / count
                if divergence.diverged(mean):
                    # Put the last finite weights back, so nothing downstream sees NaN.
                    model.load_state_dict(last_good)
                    raise divergence.TrainingDiverged(
                        divergence.message(epoch, mean), epoch=epoch, loss=mean, weights=last_good
                    )
                yield Progress(
                    (epoch - 1) * batches + b + 1,
                    total,
                    f"epoch {epoch}/{config.epochs}, batch {b + 1}/{batches}",
                    data={
                        "epoch": epoch,
                        "batch": b + 1,
                        "batches": batches,
                        "loss": mean,
                        "images": hi,
                        "train_images": n,
                        "seconds": time.perf_counter() - epoch_started,
                    },
                )
                since_report = 0.0 if on_cpu else since_report.zero_()
        seconds = time.perf_counter() - epoch_started
        train_seconds += seconds
        evaluation = evaluate(model, test_x, test_y)
        record = EpochRecord(
            epoch=epoch,
            train_loss=float(loss_sum) / batches,
            test_loss=evaluation.test_loss,
            accuracy=evaluation.accuracy,
            confusion=evaluation.confusion,
            state_dict=snapshot(model),
            seconds=seconds,
            images_per_second=n / seconds if seconds > 0 else float("inf"),
            evaluation=evaluation,
        )
        records.append(record)
        history.append(record)
        last_good = record.state_dict
        yield Progress(
            epoch * batches,
            total,
            f"epoch {epoch}/{config.epochs}: test accuracy {evaluation.accuracy:.2f} %",
            data=record,
            keep=True,
        )
    return TrainResult(
        config=config,
        evaluation=evaluation,
        history=records,
        seconds=time.perf_counter() - started,
        images_per_second=config.epochs * n / train_seconds if train_seconds > 0 else float("inf"),
        state_dict=records[-1].state_dict,
    )
