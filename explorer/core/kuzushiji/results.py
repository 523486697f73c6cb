"""A trained Kuzushiji net as the app holds it: weights, settings, results and where they came from.

The GUI's Train/Evaluate pages and the work store build on these; nothing
here knows about Qt, so the command line can use the same steps.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.datasets import KMNIST as KMNIST_SET
from explorer.core.kuzushiji.datasets import DataSet
from explorer.core.kuzushiji.engine import EpochRecord, TrainConfig
from explorer.core.kuzushiji.evaluation import Evaluation, evaluate
from explorer.core.progress import Progress, ProgressGenerator

if TYPE_CHECKING:
    from torch import nn

log = logging.getLogger(__name__)


@dataclass
class NetResult:
    """One net as the tab holds it: weights, settings, results and where they came from."""

    name: str
    model: nn.Module
    config: TrainConfig
    evaluation: Evaluation | None = None
    history: list[EpochRecord] = field(default_factory=list)
    seconds: float | None = None
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    """Numbers saved with loaded weights (accuracy, test_loss, seconds) until it is evaluated here."""
    dataset: DataSet = KMNIST_SET
    """The data set the net tells the classes of."""

    @property
    def accuracy(self) -> float | None:
        return self.evaluation.accuracy if self.evaluation is not None else self.extra.get("accuracy")

    @property
    def test_loss(self) -> float | None:
        return self.evaluation.test_loss if self.evaluation is not None else self.extra.get("test_loss")

    @classmethod
    def from_checkpoint(cls, name: str, model: nn.Module, ckpt: checkpoints.Checkpoint, where: str,
                        dataset: DataSet = KMNIST_SET) -> NetResult:
        """Loaded weights, with the settings and numbers saved alongside them."""
        known = {f.name for f in dataclasses.fields(TrainConfig)}
        settings = {k: v for k, v in ckpt.hyperparameters.items() if k in known}
        try:  # settings from a file: any that would not train (a wrong type, out of range) give the defaults
            config = TrainConfig(**{**settings, "net": name, "device": "cpu"})
            config.validate()
        except (TypeError, ValueError, UserError):
            config = TrainConfig(net=name)
        when = f", saved {ckpt.created[:16].replace('T', ' ')}" if ckpt.created else ""
        return cls(name, model.eval(), config, source=f"{where}{when}", extra=dict(ckpt.extra),
                   seconds=ckpt.extra.get("seconds"), dataset=dataset)

    @classmethod
    def from_trained(cls, found: trained.TrainedNet, where: str) -> NetResult:
        """A net :func:`trained.load` read, with the settings and numbers saved alongside it."""
        ckpt = found.checkpoint if found.checkpoint is not None else checkpoints.Checkpoint(found.model.state_dict())
        return cls.from_checkpoint(found.name, found.model, ckpt, where, found.dataset)


def evaluate_nets(models: dict[str, nn.Module], data: KMNIST) -> ProgressGenerator[dict[str, Evaluation]]:
    """Evaluate each net on the test images (a background task)."""
    found = {}
    for i, (name, model) in enumerate(models.items()):
        yield Progress(i, len(models), f"Evaluating {nets.display_name(name)}…")
        found[name] = evaluate(model, data.test_images, data.test_labels)
    return found


def result_of_run(config: TrainConfig, history: list[EpochRecord], seconds: float, stopped: bool,
                  dataset: DataSet = KMNIST_SET) -> NetResult:
    """The net a finished (or stopped) run on ``dataset`` leaves: its last finished epoch's weights.

    A stopped run's settings say how many epochs the kept weights really had.
    ``history`` must hold at least one epoch.
    """
    last = history[-1]
    if stopped:
        config = dataclasses.replace(config, epochs=last.epoch)
    model = nets.create(config.net, dataset=dataset)
    model.load_state_dict(last.state_dict)
    model.eval()
    return NetResult(config.net, model, config, last.evaluation, list(history), seconds, dataset=dataset)


def save_result(result: NetResult, path: str | Path) -> Path:
    """Write ``result``'s net: ``.pth`` a bare state dict as the course writes, else the app's checkpoint."""
    path = Path(path)
    if path.suffix.lower() == ".pth":
        checkpoints.save_state_dict(path, result.model.state_dict())
        return path
    if not path.suffix:
        path = path.with_suffix(".pt")
    if result.evaluation is not None:
        return trained.save(result.model, result.name, result.config, result.evaluation, result.seconds,
                            path=path, dataset=result.dataset)
    return trained.save(result.model, result.name, result.config, path=path, dataset=result.dataset,
                        extra=result.extra)


def load_latest_results(on_unreadable: Callable[[str, Path, UserError], None] | None = None,
                        dataset: DataSet = KMNIST_SET) -> dict[str, NetResult]:
    """The last trained weights of each net for ``dataset`` in the data folder.

    A damaged file is skipped with a warning, and ``on_unreadable(name, path, error)`` where
    the caller wants it said (the window's message).
    """
    results = {}
    for name in nets.NETS:
        try:
            found = trained.latest(name, dataset)
        except UserError as exc:
            log.warning("ignoring the saved %s weights: %s", name, exc)
            if on_unreadable is not None:
                on_unreadable(name, trained.checkpoint_path(dataset, name), exc)
            continue
        if found is not None:
            results[name] = NetResult.from_trained(found, "the last training")
    return results


def load_result(path: str | Path, dataset: DataSet | None = KMNIST_SET) -> NetResult:
    """A Kuzushiji net's weights for ``dataset`` from ``path`` (read once).

    The file says which net (a bare state dict by its shapes); a net of another
    data set is refused naming both (``None`` takes a net of any data set).
    """
    return NetResult.from_trained(trained.load(path, dataset=dataset), Path(path).name)
