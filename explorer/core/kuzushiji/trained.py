"""The one place trained Kuzushiji nets are saved and loaded.

The last trained weights of each net and data set live in the data folder's
``checkpoints/`` under the name the data set gives them
(:meth:`~explorer.core.kuzushiji.datasets.DataSet.checkpoint_name`: KMNIST's
``kuzushiji_<net>.pt`` as always, another data set's with its key, so one data
set's NetLin never overwrites another's). A weights file the user gives is read
the same way; a bare state dict (the course's ``.pth``) says which net, and
which data set, by its shapes. A net of a folder of images keeps the folder's class
names in ``extra.class_names``, so its description comes back from the file alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from explorer.core import checkpoints, paths
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import (
    DATASETS,
    FOLDER_KEY,
    KMNIST,
    DataSet,
    check_class_names,
    folder_dataset,
)

if TYPE_CHECKING:
    from torch import nn

    from explorer.core.kuzushiji.evaluation import Evaluation

EXPERIMENT = "kuzushiji"
HOW_TO_TRAIN = (
    "train one in the Kuzushiji tab, run `python -m explorer kuzushiji train`, "
    "or give a weights file with --weights (in the app: File → Open weights)"
)


class Settings(Protocol):
    """What :func:`save` needs of a training configuration (e.g. ``engine.TrainConfig``)."""

    def as_dict(self) -> dict[str, Any]: ...


@dataclass
class TrainedNet:
    """A net ready to classify, where its weights came from, and what was saved with them."""

    name: str
    model: nn.Module
    source: str
    dataset: DataSet = KMNIST
    """The data set whose classes the net tells apart."""
    checkpoint: checkpoints.Checkpoint | None = field(default=None, repr=False)
    """The file's record: settings (``hyperparameters``), numbers (``extra``), when it was made."""


def checkpoint_path(dataset: DataSet, net: str) -> Path:
    """Where the last trained weights of net ``net`` (``lin``, ``full``, ``conv``) for ``dataset`` are kept."""
    nets.net_class(net)
    return paths.subdir("checkpoints") / dataset.checkpoint_name(net)


def save(
    model: nn.Module,
    name: str,
    config: Settings,
    evaluation: Evaluation | None = None,
    seconds: float | None = None,
    path: str | os.PathLike | None = None,
    dataset: DataSet = KMNIST,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Save trained weights with their settings, results and data set (by default as the net's latest).

    ``extra`` are numbers kept from an earlier file (loaded weights not evaluated
    here); the evaluation's accuracy and test loss, and ``seconds``, take their place.
    """
    numbers: dict[str, Any] = dict(extra or {})
    if evaluation is not None:
        numbers.update(accuracy=evaluation.accuracy, test_loss=evaluation.test_loss)
    if seconds is not None:
        numbers["seconds"] = seconds
    numbers["dataset"] = dataset.key
    numbers.pop("class_names", None)
    if dataset.key == FOLDER_KEY:
        numbers["class_names"] = list(dataset.class_names)
    return checkpoints.save(
        checkpoint_path(dataset, name) if path is None else path,
        model.state_dict(),
        experiment=EXPERIMENT,
        architecture=nets.display_name(name),
        hyperparameters=config.as_dict(),
        extra=numbers,
    )


def load(path: str | os.PathLike, name: str | None = None, dataset: DataSet | None = None) -> TrainedNet:
    """The net with the weights in ``path``, read once.

    Which net comes from the file (``name`` for a bare state dict, else its
    shapes); which data set from the file, else ``dataset``, else the shapes.
    Weights of another experiment, another net or another data set than asked
    for are refused naming both.
    """
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
    candidates = [(n, d) for n in ([name] if name is not None else list(nets.NETS))
                  for d in _data_sets_of(ckpt, path, dataset)]
    for candidate, data_set in candidates:
        model = nets.create(candidate, dataset=data_set)
        try:
            checkpoints.check_shapes(ckpt, model, _described(candidate, data_set))
        except checkpoints.CheckpointError as exc:
            if len(candidates) == 1:
                if data_set.key == FOLDER_KEY:
                    raise checkpoints.CheckpointError(f"{path.name}: {_class_count_mismatch(data_set)} ({exc})") from None
                raise
            continue
        model.load_state_dict(ckpt.state_dict)
        return TrainedNet(candidate, model.eval(), _describe(ckpt, path), data_set, ckpt)
    if candidates and candidates[0][1].key == FOLDER_KEY:
        raise checkpoints.CheckpointError(f"{path.name}: {_class_count_mismatch(candidates[0][1])}")
    raise UserError(f"{path.name}: these weights fit none of NetLin, NetFull, NetConv")


def _class_count_mismatch(data_set: DataSet) -> str:
    return (f"meta field 'extra.class_names' names {data_set.num_classes} classes, "
            "which the weights' outputs do not fit")


def _data_sets_of(ckpt: checkpoints.Checkpoint, path: Path, wanted: DataSet | None) -> list[DataSet]:
    """The data sets the weights may be for: the one the file names, else ``wanted``, else every one."""
    key = ckpt.extra.get("dataset")
    if key is None:
        if wanted is not None and wanted.key == FOLDER_KEY and not wanted.class_names:
            raise UserError(f"{path.name} does not name the classes of its folder of images (bare weights)")
        return [wanted] if wanted is not None else list(DATASETS.values())
    if not isinstance(key, str):
        raise checkpoints.CheckpointError(
            f"{path.name}: meta field 'extra.dataset' should be text, not {checkpoints.kind_of(key)}"
        )
    if key == FOLDER_KEY:
        return [_folder_of(ckpt, path, wanted)]
    named = DATASETS.get(key)
    title = named.title if named is not None else repr(key[:40])
    if wanted is not None:
        if key != wanted.key:
            raise UserError(f"{path.name} holds a net for {title}, not for {wanted.title}")
        return [wanted]
    if named is None:
        raise UserError(f"{path.name} holds a net for a data set this app does not know ({title})")
    return [named]


class OtherFolder(UserError):
    """The weights are for a folder of images with other classes than the one asked for."""


def _folder_of(ckpt: checkpoints.Checkpoint, path: Path, wanted: DataSet | None) -> DataSet:
    """The folder data set a checkpoint's ``extra.class_names`` describe (checked as a stranger's input)."""
    try:
        names = check_class_names(ckpt.extra.get("class_names"), f"{path.name}: meta field 'extra.class_names'")
    except UserError as exc:
        raise checkpoints.CheckpointError(str(exc)) from None
    from explorer.core.kuzushiji.image_folder import PREPARATIONS

    preparation = ckpt.extra.get("preparation", PREPARATIONS[0])
    if preparation not in PREPARATIONS:
        shown = repr(preparation[:40]) if isinstance(preparation, str) else checkpoints.kind_of(preparation)
        raise checkpoints.CheckpointError(
            f"{path.name}: meta field 'extra.preparation' should be {' or '.join(PREPARATIONS)}, not {shown}"
        )
    found = folder_dataset(names)
    if wanted is not None:
        if wanted.key != FOLDER_KEY:
            raise UserError(f"{path.name} holds a net for a folder of images, not for {wanted.title}")
        if wanted.class_names and wanted.class_names != names:
            raise OtherFolder(
                f"{path.name} holds a net for a folder with the classes {_listed(names)}, "
                f"not for this one's {_listed(wanted.class_names)}"
            )
    return found


def _listed(names: tuple[str, ...]) -> str:
    shown = ", ".join(n[:40] for n in names[:6])
    return f"({shown}{', …' if len(names) > 6 else ''})"


def _described(name: str, data_set: DataSet) -> str:
    """``"NetConv"`` for KMNIST (as always), ``"NetConv for Kuzushiji-49"`` for another data set."""
    display = nets.display_name(name)
    if data_set.key == FOLDER_KEY:
        return f"{display} for a folder of {data_set.num_classes} classes"
    return display if data_set is KMNIST else f"{display} for {data_set.title}"


def latest(name: str, dataset: DataSet = KMNIST) -> TrainedNet | None:
    """The last trained weights of net ``name`` (``lin``, ``full``, ``conv``) for ``dataset``, or ``None``."""
    path = checkpoint_path(dataset, name)
    if not path.is_file():
        return None
    try:
        return load(path, name, dataset)
    except OtherFolder:  # a net of the folder imported before this one: not this data set's net
        return None


def all_latest(dataset: DataSet = KMNIST) -> dict[str, TrainedNet]:
    """Every net that has been trained on ``dataset``, in the order lin, full, conv."""
    found = {name: latest(name, dataset) for name in nets.NETS}
    return {name: net for name, net in found.items() if net is not None}


def stored_accuracy(
    name: str,
    on_unreadable: Callable[[Path, Exception], None] | None = None,
    dataset: DataSet = KMNIST,
) -> float | None:
    """The test accuracy saved with net ``name``'s stored weights for ``dataset``.

    ``None`` when there are none or they are unreadable (a damaged file is no
    better net to protect); ``on_unreadable(path, error)`` says so where the
    caller wants it said (a warning line, a log entry).
    """
    path = checkpoint_path(dataset, name)
    if not path.is_file():
        return None
    try:
        extra = checkpoints.load(path).extra
    except (UserError, OSError) as exc:
        if on_unreadable is not None:
            on_unreadable(path, exc)
        return None
    if dataset.key == FOLDER_KEY and extra.get("class_names") != list(dataset.class_names):
        return None  # a net of another folder is no better net of this one
    accuracy = extra.get("accuracy")
    return float(accuracy) if isinstance(accuracy, int | float) else None


def _describe(ckpt: checkpoints.Checkpoint, path: Path) -> str:
    when = f", saved {ckpt.created[:16].replace('T', ' ')}" if ckpt.created else ""
    accuracy = ckpt.extra.get("accuracy")
    score = f", {accuracy:.1f} % on the test set" if isinstance(accuracy, (int, float)) else ""
    return f"{path.name}{when}{score}"
