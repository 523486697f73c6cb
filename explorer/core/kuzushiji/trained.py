"""Find the trained Kuzushiji nets to classify with: a weights file, or the last ones trained.

The last trained weights come from ``evaluation.load_latest`` when that
module provides it; otherwise from ``checkpoints/kuzushiji_<name>.pt`` in the
user data folder (the same file ``evaluation.save_trained`` writes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from torch import nn

from explorer.core import checkpoints, paths
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import KMNIST, DataSet

EXPERIMENT = "kuzushiji"
HOW_TO_TRAIN = (
    "train one in the Kuzushiji tab, run `python -m explorer kuzushiji train`, "
    "or give a weights file with --weights (in the app: File → Open weights)"
)


@dataclass
class TrainedNet:
    """A net ready to classify, and where its weights came from."""

    name: str
    model: nn.Module
    source: str
    dataset: DataSet = KMNIST
    """The data set whose classes the net tells apart."""


def checkpoint_path(name: str) -> Path:
    """Where the last trained weights of net ``name`` are kept."""
    return paths.subdir("checkpoints") / f"{EXPERIMENT}_{name}.pt"


def latest(name: str) -> TrainedNet | None:
    """The last trained weights of net ``name`` (``lin``, ``full``, ``conv``), or ``None``."""
    nets.net_class(name)
    try:
        from explorer.core.kuzushiji import evaluation
    except ImportError:
        evaluation = None
    loader = getattr(evaluation, "load_latest", None)
    if loader is not None:
        found = loader(name)
        if found is None:
            return None
        model, ckpt = found
        return TrainedNet(name, model.eval(), _describe(ckpt, checkpoint_path(name)))
    path = checkpoint_path(name)
    if not path.is_file():
        return None
    return load_weights(path, name)


def all_latest() -> dict[str, TrainedNet]:
    """Every net that has been trained, in the order lin, full, conv."""
    found = {name: latest(name) for name in nets.NETS}
    return {name: net for name, net in found.items() if net is not None}


def load_weights(path: str | os.PathLike, name: str | None = None) -> TrainedNet:
    """A net with the weights in ``path``; its kind comes from the file, or ``name`` for a bare state dict."""
    path = Path(path)
    ckpt = checkpoints.load(path)
    if ckpt.experiment and ckpt.experiment != EXPERIMENT:
        raise UserError(f"{path.name} holds weights for {ckpt.label}, not for a Kuzushiji net")
    by_architecture = {cls.display_name: short for short, cls in nets.NETS.items()}
    if ckpt.architecture:
        if ckpt.architecture not in by_architecture:
            raise UserError(f"{path.name} holds weights for {ckpt.label}, not for a Kuzushiji net")
        file_name = by_architecture[ckpt.architecture]
        if name is not None and name != file_name:
            raise UserError(
                f"{path.name} holds weights for {ckpt.architecture}, but {nets.display_name(name)} was asked for"
            )
        name = file_name
    candidates = [name] if name is not None else list(nets.NETS)
    for candidate in candidates:
        model = nets.create(candidate)
        try:
            checkpoints.check_shapes(ckpt, model, nets.display_name(candidate))
        except checkpoints.CheckpointError:
            if len(candidates) == 1:
                raise
            continue
        model.load_state_dict(ckpt.state_dict)
        return TrainedNet(candidate, model.eval(), _describe(ckpt, path))
    raise UserError(f"{path.name}: these weights fit none of NetLin, NetFull, NetConv")


def _describe(ckpt: checkpoints.Checkpoint, path: Path) -> str:
    when = f", saved {ckpt.created[:16].replace('T', ' ')}" if ckpt.created else ""
    accuracy = ckpt.extra.get("accuracy")
    score = f", {accuracy:.1f} % on the test set" if isinstance(accuracy, (int, float)) else ""
    return f"{path.name}{when}{score}"
