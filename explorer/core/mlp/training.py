"""Training the sigmoid 2-H-1 net by the course recipe, fast.

The recipe: weights drawn from N(0, init_std), Adam (lr 0.001, weight decay 1e-5), full
batch, binary cross-entropy, prediction = output ≥ 0.5, stop once accuracy has been 100 %
for 2,000 consecutive epochs (at most 200,000 epochs).

A 9-point batch is far too small for torch: its per-call overhead would dominate. So the
loop is written out in numpy float32 with the same maths as ``torch.optim.Adam`` (weight
decay added to the gradient, bias-corrected moments, ``eps`` outside the square root) and
``F.binary_cross_entropy`` on sigmoid outputs; the initial weights are drawn with torch
exactly as the course script does, so a seed gives the course's starting point.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np

from explorer.core import divergence
from explorer.core.bounds import check_float, check_int
from explorer.core.errors import UserError
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MAX_HIDDEN, MLPWeights
from explorer.core.mlp.timeline import WeightSnapshot, WeightTimeline
from explorer.core.progress import Progress

MAX_EPOCHS = 10_000_000
"""Most epochs: 50 times the course's 200,000 (minutes of training, not hours)."""

MAX_LR = 100.0
"""Largest Adam learning rate accepted; from about 10 the run diverges and the guard stops it."""


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters; the defaults are the course recipe."""

    hidden: int = 5
    init_std: float = 0.15
    lr: float = 0.001
    weight_decay: float = 1e-5
    max_epochs: int = 200_000
    stable_epochs: int = 2_000
    seed: int = 0
    report_every: int = 100
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8

    def validate(self) -> TrainConfig:
        """Return ``self``, or raise :class:`UserError` naming the first bad value."""
        if not 1 <= self.hidden <= MAX_HIDDEN:
            raise UserError(f"hidden units must be between 1 and {MAX_HIDDEN}, not {self.hidden}")
        check_float("the initial weight size", self.init_std, 0.0, 100.0)
        check_float("the learning rate", self.lr, 0.0, MAX_LR, low_open=True)
        check_float("weight decay", self.weight_decay, 0.0, 1.0)
        check_int("max epochs", self.max_epochs, 1, MAX_EPOCHS)
        check_int("the stopping rule's epochs", self.stable_epochs, 1, MAX_EPOCHS)
        check_int("report_every", self.report_every, 1, MAX_EPOCHS)
        check_int("the seed", self.seed, 0, 2**63 - 1)
        return self


@dataclass
class TrainResult:
    """The end of a training run."""

    weights: MLPWeights
    epochs: int
    loss: float
    accuracy: float
    stopped_by_rule: bool
    history: list[tuple[int, float, float]] = field(default_factory=list)
    """``(epoch, loss, accuracy)`` at every report, for redrawing the curves."""
    timeline: list[WeightSnapshot] = field(default_factory=list)
    """Weights at evenly spread reports (at most 200, the first and the last included), for scrubbing."""


@dataclass
class LatestWeights:
    """Filled in by :func:`train` as it goes, so a cancelled run still leaves its weights.

    Pass one in as ``latest=``; after the generator ends or is closed, ``weights`` holds
    the parameters after epoch ``epoch`` (the last finished one).
    """

    weights: MLPWeights | None = None
    epoch: int = 0
    loss: float = float("nan")
    accuracy: float = 0.0


def initial_weights(hidden: int, init_std: float, seed: int) -> MLPWeights:
    """The course's starting point: ``torch.manual_seed(seed)``, the two layers, then N(0, init_std)."""
    import torch  # here, not at the top: evaluating weights should not pay torch's start-up

    generator_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        in_hid, hid_out = torch.nn.Linear(2, hidden), torch.nn.Linear(hidden, 1)
        params = [in_hid.weight, in_hid.bias, hid_out.weight, hid_out.bias]
        with torch.no_grad():
            for p in params:
                p.normal_(0, init_std)
        return MLPWeights(*(p.detach().double().numpy() for p in params))
    finally:
        torch.random.set_rng_state(generator_state)


def _tidy(values: np.ndarray) -> list:
    # float32 values printed by their shortest decimal, so 0.1234 stays 0.1234 in the Python block.
    return [float(np.format_float_positional(v, unique=True, trim="0")) for v in values.ravel()]


def _weights_from_flat(flat: np.ndarray, hidden: int) -> MLPWeights:
    h = hidden
    return MLPWeights(
        np.array(_tidy(flat[: 2 * h])).reshape(h, 2),
        _tidy(flat[2 * h : 3 * h]),
        np.array(_tidy(flat[3 * h : 4 * h])).reshape(1, h),
        _tidy(flat[4 * h :]),
    )


def _loss_and_accuracy(
    flat: np.ndarray, hidden: int, x: np.ndarray, t: np.ndarray
) -> tuple[float, float]:
    h = hidden
    w1, b1 = flat[: 2 * h].reshape(h, 2), flat[2 * h : 3 * h]
    w2, b2 = flat[3 * h : 4 * h], flat[4 * h]
    a1 = 1 / (1 + np.exp(-(x @ w1.T + b1)))
    out = 1 / (1 + np.exp(-(a1 @ w2 + b2)))
    return _bce(out, t), float(np.mean((out >= 0.5) == (t == 1)) * 100)


def _bce(out: np.ndarray, t: np.ndarray) -> float:
    # torch clamps each log at -100.
    with np.errstate(divide="ignore"):
        log_o = np.maximum(np.log(out), -100)
        log_1o = np.maximum(np.log(1 - out), -100)
    return float(-np.mean(t * log_o + (1 - t) * log_1o))


def train(
    dataset: Dataset2D,
    config: TrainConfig = TrainConfig(),
    latest: LatestWeights | None = None,
) -> Generator[Progress, None, TrainResult]:
    """Train a sigmoid 2-H-1 net on ``dataset``; yields progress, returns a :class:`TrainResult`.

    Every ``report_every`` epochs it yields ``Progress(done=epoch, total=max_epochs,
    data={"epoch", "loss", "accuracy", "weights"}, keep=False)``; the last record has
    ``keep=True`` and ``data["finished"] = True``. Loss and accuracy are those of the
    epoch's forward pass (before its update), as the course prints them; ``weights`` is
    the snapshot after the update. When the generator is closed early (cancel), the last
    yielded snapshot is a usable network, and ``latest`` (if passed) holds it too.

    Raises :class:`~explorer.core.divergence.TrainingDiverged` when a report finds
    the loss or the weights no longer finite (a learning rate far too large); its
    ``weights`` (and ``latest``) are those of the last finite report.
    """
    config.validate()
    if len(dataset) < 2:
        raise UserError("training needs at least 2 points")
    h = config.hidden
    start = initial_weights(h, config.init_std, config.seed)
    f32 = np.float32
    flat = np.concatenate(
        [start.in_hid_weight.ravel(), start.hid_bias, start.hid_out_weight.ravel(), start.out_bias]
    ).astype(f32)
    # Views into the one flat parameter vector: Adam updates all four in one go.
    w1, b1 = flat[: 2 * h].reshape(h, 2), flat[2 * h : 3 * h]
    w2, b2 = flat[3 * h : 4 * h], flat[4 * h :]
    grad = np.zeros_like(flat)
    g_w1, g_b1 = grad[: 2 * h].reshape(h, 2), grad[2 * h : 3 * h]
    g_w2, g_b2 = grad[3 * h : 4 * h], grad[4 * h :]
    m = np.zeros_like(flat)
    v = np.zeros_like(flat)
    tmp = np.zeros_like(flat)

    x = dataset.points.astype(f32)
    t = dataset.targets.astype(f32)
    n = f32(len(t))
    target_on = dataset.targets == 1
    beta1, beta2 = config.betas
    lr, wd, eps = config.lr, f32(config.weight_decay), f32(config.eps)
    one = f32(1)

    history: list[tuple[int, float, float]] = []
    timeline = WeightTimeline(every=config.report_every)
    timeline.record(0, start)
    stable = 0
    epoch = 0
    loss = float("nan")
    acc = 0.0
    stopped = False
    if latest is not None:
        latest.weights, latest.epoch = start, 0
    good_flat, good_weights = flat.copy(), start  # the last finite parameters seen at a report
    good_epoch, blew_up = 0, False
    # Exploding: ten times the starting loss (at least 10 nats; a fresh net is near 0.69).
    # A huge init_std may start high and is still allowed to come down.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        loss_limit = max(10.0, 10.0 * _loss_and_accuracy(flat, h, dataset.points, dataset.targets)[0])

    def snapshot() -> MLPWeights:
        weights = _weights_from_flat(flat, h)
        if latest is not None:
            latest.weights, latest.epoch, latest.loss, latest.accuracy = weights, epoch, loss, acc
        return weights

    try:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            for epoch in range(1, config.max_epochs + 1):
                # forward
                a1 = one / (one + np.exp(-(x @ w1.T + b1)))
                out = one / (one + np.exp(-(a1 @ w2 + b2[0])))
                correct = np.count_nonzero((out >= 0.5) == target_on)
                acc_full = correct == len(t)
                # backward: d(mean BCE)/d(pre-activation of the output) = (out - t) / N
                d2 = (out - t) / n
                np.dot(d2, a1, out=g_w2)
                g_b2[0] = d2.sum()
                d1 = np.multiply.outer(d2, w2)
                d1 *= a1 * (one - a1)
                np.dot(d1.T, x, out=g_w1)
                d1.sum(axis=0, out=g_b1)
                # Adam, as torch.optim.Adam (L2 weight decay added to the gradient)
                if wd:
                    np.multiply(flat, wd, out=tmp)
                    grad += tmp
                m *= beta1
                np.multiply(grad, 1 - beta1, out=tmp)
                m += tmp
                v *= beta2
                np.multiply(grad, grad, out=tmp)
                tmp *= 1 - beta2
                v += tmp
                bias_correction1 = 1 - beta1**epoch
                bias_correction2_sqrt = (1 - beta2**epoch) ** 0.5
                np.sqrt(v, out=tmp)
                tmp /= f32(bias_correction2_sqrt)
                tmp += eps
                np.divide(m, tmp, out=tmp)
                tmp *= f32(lr / bias_correction1)
                flat -= tmp

                stable = stable + 1 if acc_full else 0
                stopped = stable >= config.stable_epochs
                last = stopped or epoch == config.max_epochs
                if last or epoch % config.report_every == 0:
                    loss = _bce(out, t)
                    if divergence.diverged(loss, loss_limit) or not np.isfinite(flat).all():
                        flat[:] = good_flat  # what `latest` and the caller keep
                        blew_up = True
                        if latest is not None:
                            latest.weights, latest.epoch = good_weights, good_epoch
                        shown = loss if divergence.diverged(loss, loss_limit) else float("nan")
                        raise divergence.TrainingDiverged(
                            divergence.message(epoch, shown), epoch=epoch, loss=shown,
                            weights=good_weights,
                        )
                    acc = float(correct) / len(t) * 100.0
                    history.append((epoch, loss, acc))
                    good_weights, good_epoch = snapshot(), epoch
                    good_flat[:] = flat
                    timeline.record(epoch, good_weights, loss, acc, final=last)
                    data = {"epoch": epoch, "loss": loss, "accuracy": acc, "weights": good_weights}
                    if last:
                        data["finished"] = True
                    yield Progress(
                        epoch,
                        config.max_epochs,
                        f"epoch {epoch:,}: loss {loss:.4f}, accuracy {acc:.0f} %",
                        data=data,
                        keep=last,
                    )
                if stopped:
                    break
    finally:
        if latest is not None and epoch and latest.epoch != epoch and not blew_up:
            snapshot()  # closed between reports: keep the very latest parameters

    weights = latest.weights if latest is not None else _weights_from_flat(flat, h)
    final_loss, final_acc = _loss_and_accuracy(flat, h, x, t)
    timeline.record(epoch, weights, final_loss, final_acc, final=True)
    return TrainResult(weights, epoch, final_loss, final_acc, stopped, history, timeline.snapshots)
