"""Training SRNs, GRUs and LSTMs on the languages: the course recipe and a fast recipe.

:func:`train` is a progress generator. The fast recipe trains several seeds at
once (:class:`~explorer.core.recurrent.parallel.ParallelNets`) on batches of
sequences with Adam, checks every replica's deterministic-prediction accuracy
every so often, and stops as soon as one replica solves the language.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch
import torch.nn.functional as F

from explorer.core import divergence
from explorer.core.bounds import check_float, check_int
from explorer.core.errors import UserError
from explorer.core.progress import Progress, ProgressGenerator
from explorer.core.recurrent.evaluation import MAX_N, accuracy_per_n, eval_batch, hits, score
from explorer.core.recurrent.languages import MAX_LENGTH, get_language, random_sequence
from explorer.core.recurrent.models import (
    MAX_HIDDEN,
    MODEL_KINDS,
    RecurrentNet,
    kinds_text,
    make_model,
)
from explorer.core.recurrent.parallel import ParallelNets
from explorer.core.recurrent.snapshots import Snapshot, SnapshotLog

RECIPES = ("course", "fast")

MAX_SEQUENCES = 10_000_000
"""Most training sequences (the course trains on 100,000-200,000)."""


@dataclass
class TrainConfig:
    """Everything that decides a training run."""

    lang: str = "anb2n"
    model: str = "srn"
    hidden: int = 2
    optimizer: str = "adam"  # "sgd" or "adam"
    lr: float = 0.01
    momentum: float = 0.0
    weight_decay: float = 1e-4
    init_std: float | None = None  # None: the course's (N(0, 0.001) SRN, uniform ±1/√hid LSTM, GRU)
    sequences: int = 100_000  # most sequences to train on (per replica)
    seed: int = 0
    L: int = 4  # largest n in training
    batch: int = 1  # sequences per optimiser step
    replicas: int = 1  # nets trained side by side; the first to solve wins
    eval_every: int = 1000  # sequences between accuracy checks
    stop_when_solved: bool = True
    generalise_to: int = (
        0  # after solving, keep training (up to polish sequences) until 100 % up to this n
    )
    polish: int = 0  # most extra sequences spent on generalise_to after the language is solved
    polish_lr: float = 0.3  # learning-rate factor while polishing
    recipe: str = "custom"
    snapshot_every: int = 50  # sequences between weight snapshots for the training timeline
    snapshot_limit: int = 200  # most snapshots kept (thinned evenly when full)

    def validate(self) -> None:
        """Refuse values that cannot train, with a message for the user."""
        get_language(self.lang)
        if self.model not in MODEL_KINDS:
            shown = repr(self.model[:20]) if isinstance(self.model, str) else type(self.model).__name__
            raise UserError(f"unknown model {shown} (use {kinds_text()})")
        if self.optimizer not in ("sgd", "adam"):
            raise UserError(f"unknown optimiser '{self.optimizer}' (use sgd or adam)")
        for name, what, high in (
            ("hidden", "hidden units", MAX_HIDDEN),
            ("sequences", "sequences", MAX_SEQUENCES),
            ("L", "the length L (largest n in training)", MAX_LENGTH),
            ("batch", "the batch size", 1024),
            ("replicas", "replicas", 64),
            ("eval_every", "sequences between checks", MAX_SEQUENCES),
        ):
            check_int(what, getattr(self, name), 1, high)
        check_int("generalise_to", self.generalise_to, 0, MAX_N)
        check_int("polish", self.polish, 0, MAX_SEQUENCES)
        check_int("the seed", self.seed, 0, 2**32 - 1)
        check_float("the learning rate", self.lr, 0.0, 1000.0, low_open=True)
        check_float("momentum", self.momentum, 0.0, 0.999)
        check_float("weight decay", self.weight_decay, 0.0, 1.0)
        check_float("polish_lr", self.polish_lr, 0.0, 1.0, low_open=True)
        if self.init_std is not None:
            check_float("the initial weight size", self.init_std, 0.0, 10.0)


def default_hidden(lang: str, model: str) -> int:
    """The course's default hidden size: SRN 2 on a^n b^2n, LSTM 3 / SRN 4 on a^n b^2n c^3n.

    The GRU (not in the course) gets the LSTM's size.
    """
    if get_language(lang).m:
        return 4 if model == "srn" else 3
    return 2


def course_recipe(
    lang: str = "anb2n", model: str = "srn", hidden: int | None = None, **changes
) -> TrainConfig:
    """The course's settings: one sequence per step, SGD lr 0.005, weight decay 1e-4, 100,000 sequences."""
    long = model == "srn" and bool(get_language(lang).m)
    config = TrainConfig(
        lang=lang,
        model=model,
        hidden=default_hidden(lang, model) if hidden is None else hidden,
        optimizer="sgd",
        lr=0.005,
        momentum=0.0,
        weight_decay=1e-4,
        init_std=None,
        sequences=200_000 if long else 100_000,
        batch=1,
        replicas=1,
        eval_every=1000,
        recipe="course",
    )
    return replace(config, **changes)


def fast_recipe(
    lang: str = "anb2n", model: str = "srn", hidden: int | None = None, **changes
) -> TrainConfig:
    """Settings that get there quickly: 8 seeds side by side, batches of 16, Adam."""
    srn = model == "srn"
    config = TrainConfig(
        lang=lang,
        model=model,
        hidden=default_hidden(lang, model) if hidden is None else hidden,
        optimizer="adam",
        lr=0.03 if srn else 0.02,
        weight_decay=0.0,
        init_std=0.3 if srn else None,
        sequences=60_000,
        batch=16,
        replicas=8,
        eval_every=160,
        recipe="fast",
    )
    return replace(config, **changes)


def recipe(name: str, lang: str, model: str, hidden: int | None = None, **changes) -> TrainConfig:
    """A preset by name: ``course`` or ``fast``."""
    if name == "course":
        return course_recipe(lang, model, hidden, **changes)
    if name == "fast":
        return fast_recipe(lang, model, hidden, **changes)
    raise UserError(f"unknown recipe '{name}' (use course or fast)")


@dataclass
class TrainResult:
    """What a training run ends with."""

    model: RecurrentNet
    state_dict: dict[str, torch.Tensor]
    solved: bool
    accuracy: float  # percent over n = 1..L
    sequences: int
    seconds: float
    per_n: dict[int, float]  # percent for n = 1..3L
    config: TrainConfig
    replica: int = 0
    snapshots: list[Snapshot] = field(default_factory=list)  # the winner's, oldest first

    @property
    def hyperparameters(self) -> dict:
        """The config as a plain dict (for checkpoint metadata)."""
        return asdict(self.config)


def _batch(lang, rng: np.random.Generator, size: int, L: int) -> tuple[torch.Tensor, torch.Tensor]:
    seqs = [random_sequence(lang, rng, L) for _ in range(size)]
    T = max(len(s.labels) for s in seqs)
    x = np.zeros((size, T, lang.size), dtype=np.float32)
    y = np.full((size, T), -100, dtype=np.int64)
    for b, s in enumerate(seqs):
        x[b, : len(s.labels)] = s.inputs
        y[b, : len(s.labels)] = s.labels
    return torch.from_numpy(x), torch.from_numpy(y)


def train(config: TrainConfig) -> ProgressGenerator[TrainResult]:
    """Train per ``config``, yielding Progress; returns a :class:`TrainResult`.

    Progress.data: every step ``sequences`` and ``loss`` (the leading replica's
    mean NLL); every ``eval_every`` sequences also (keep=True) ``accuracy``
    (percent, n = 1..L), ``generalisation`` (percent, n = 1..generalise_to),
    ``solved``, ``replica`` and ``state_dict`` (the
    leading replica's course-format weights, safe to keep if cancelled).

    Raises :class:`~explorer.core.divergence.TrainingDiverged` (counting in
    sequences) once every replica's loss is NaN, infinite or above
    :data:`~explorer.core.divergence.LOSS_LIMIT`; its ``weights`` are the
    leading replica's at the last accuracy check (the start, before the first).
    """
    config.validate()
    lang = get_language(config.lang)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    nets = ParallelNets(config.model, lang.size, config.hidden, config.replicas, config.init_std)
    params = [p for p in nets.parameters() if p.requires_grad]
    if config.optimizer == "adam":
        opt = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    else:
        opt = torch.optim.SGD(
            params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay
        )
    reach = max(config.L, config.generalise_to)
    check = eval_batch(lang, reach, contexts=config.L)
    start = time.perf_counter()
    seen, next_check = 0, config.eval_every
    best, best_acc, solved, solved_at = 0, -1.0, False, None
    losses = torch.zeros(config.replicas)
    timeline = SnapshotLog(config.snapshot_every, config.snapshot_limit)
    timeline.record(0, nets)
    last_good = nets.replica_state_dict(0)
    while True:
        x, y = _batch(lang, rng, config.batch, config.L)
        logits = nets(x)
        per_replica = F.cross_entropy(
            logits.reshape(-1, lang.size),
            y.repeat(config.replicas, 1).reshape(-1),
            reduction="none",
        ).reshape(config.replicas, -1)
        valid = (y.reshape(-1) >= 0).float()
        per_replica = (per_replica * valid).sum(1) / valid.sum()
        usable = torch.isfinite(per_replica.detach()) & (per_replica.detach() <= divergence.LOSS_LIMIT)
        if not bool(usable.any()):
            # Every replica has blown up: stepping on would only spread NaN.
            worst = float(per_replica.detach().min())
            raise divergence.TrainingDiverged(
                divergence.message(seen + config.batch, worst, "sequence"),
                epoch=seen + config.batch, loss=worst, weights=last_good, unit="sequence",
            )
        opt.zero_grad()
        per_replica.sum().backward()
        opt.step()
        seen += config.batch
        timeline.record(seen, nets)
        losses = (
            0.9 * losses + 0.1 * per_replica.detach()
            if seen > config.batch
            else per_replica.detach()
        )
        done = seen >= config.sequences
        if seen >= next_check or done:
            next_check += config.eval_every
            with torch.no_grad():
                right = hits(nets(check.inputs), check)
            accs = [score(right[r], check, config.L)[0] for r in range(config.replicas)]
            far = [score(right[r], check, reach)[0] for r in range(config.replicas)]
            best = max(
                range(config.replicas),
                key=lambda r: (bool(usable[r]), accs[r], far[r], -float(losses[r])),
            )
            best_acc, solved = accs[best], bool(accs[best] >= 100.0)
            if solved and solved_at is None:
                solved_at = seen
                for group in opt.param_groups:
                    group["lr"] *= config.polish_lr
            polished = far[best] >= 100.0 or (
                solved_at is not None and seen - solved_at >= config.polish
            )
            if bool(usable[best]):
                last_good = nets.replica_state_dict(best)
            yield Progress(
                seen,
                config.sequences,
                f"{seen:,} sequences, accuracy {best_acc:.1f} %",
                data={
                    "sequences": seen,
                    "loss": float(losses[best]),
                    "accuracy": best_acc,
                    "solved": solved,
                    "generalisation": far[best],
                    "replica": best,
                    "state_dict": last_good,
                },
                keep=True,
            )
            if done or (solved and polished and config.stop_when_solved):
                break
        else:
            yield Progress(
                seen,
                config.sequences,
                f"{seen:,} sequences",
                data={"sequences": seen, "loss": float(losses[best])},
            )
    seconds = time.perf_counter() - start
    timeline.record(seen, nets, final=True)  # the timeline ends at the weights returned
    state = nets.replica_state_dict(best)
    model = make_model(config.model, lang.size, config.hidden)
    model.load_state_dict(state)
    return TrainResult(
        model=model,
        state_dict=state,
        solved=solved,
        accuracy=best_acc,
        sequences=seen,
        seconds=seconds,
        per_n=accuracy_per_n(model, lang, 3 * config.L, config.L),
        config=config,
        replica=best,
        snapshots=timeline.replica(best),
    )
