"""The three Kuzushiji classifiers of the course: NetLin, NetFull, NetConv.

Every net takes a batch of normalised images (N×1×28×28, values in [-1, 1])
and returns log-probabilities (N×classes), so training uses the NLL loss as the
course does. The number of classes comes from the data set the net is made
for (:mod:`explorer.core.kuzushiji.datasets`); the parameter counts quoted
below are KMNIST's (10 classes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from explorer.core.errors import UserError
from explorer.core.kuzushiji.datasets import KMNIST, DataSet

if TYPE_CHECKING:
    from torch import nn

# The classes live in net_classes, which imports torch; this module does not, so
# the tab can list the nets and show their names while torch is still loading.
DISPLAY_NAMES = {"lin": "NetLin", "full": "NetFull", "conv": "NetConv"}
"""Short names (as on the command line) → the course's names of the nets."""


class _NetClasses(Mapping):
    """Short names → net classes: the names without torch, a class (and torch) on first lookup."""

    def __getitem__(self, name: str) -> type[nn.Module]:
        if name not in DISPLAY_NAMES:
            raise KeyError(name)
        from explorer.core.kuzushiji import net_classes

        return getattr(net_classes, DISPLAY_NAMES[name])

    def __iter__(self) -> Iterator[str]:
        return iter(DISPLAY_NAMES)

    def __len__(self) -> int:
        return len(DISPLAY_NAMES)


def __getattr__(name: str) -> type[nn.Module]:
    """``from explorer.core.kuzushiji.nets import NetConv`` still works (it imports torch)."""
    if name in DISPLAY_NAMES.values():
        from explorer.core.kuzushiji import net_classes

        return getattr(net_classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


NETS: Mapping[str, type[nn.Module]] = _NetClasses()
"""Short names (as on the command line) → net classes."""


def display_name(name: str) -> str:
    """``"conv"`` → ``"NetConv"`` (without importing torch)."""
    if name not in DISPLAY_NAMES:
        net_class(name)  # refuses it with the choices
    return DISPLAY_NAMES[name]


def net_class(name: str) -> type[nn.Module]:
    """The class for a short name; unknown names are refused with the choices."""
    try:
        return NETS[name]
    except KeyError:
        raise UserError(f"unknown net '{name}' (choose one of: {', '.join(NETS)})") from None


def create(name: str, seed: int | None = None, dataset: DataSet = KMNIST) -> nn.Module:
    """A freshly initialised net with one output per class of ``dataset``, reproducible when ``seed`` is given."""
    import torch

    cls = net_class(name)
    if seed is None:
        return cls(dataset.num_classes)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return cls(dataset.num_classes)


def num_outputs(model: nn.Module) -> int:
    """How many classes a net tells apart: the width of its last layer."""
    from torch import nn

    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    return last.out_features


def name_of(model: nn.Module) -> str:
    """The short name (``"lin"``, ``"full"``, ``"conv"``) of a net instance."""
    for name, cls in NETS.items():
        if type(model) is cls:
            return name
    raise UserError(f"{type(model).__name__} is not one of the Kuzushiji nets")


def parameters_of(name: str, num_classes: int = KMNIST.num_classes) -> int:
    """Trainable parameters of net ``name`` made for ``num_classes`` classes, from its layers' shapes.

    Needs no torch (the Train page lists the counts while torch is still loading); a test
    checks it against :func:`parameter_count` of the real nets.
    """
    display_name(name)  # refuses unknown names with the choices
    layers = {  # (inputs per output, outputs) of each weight layer, as in net_classes
        "lin": [(28 * 28, num_classes)],
        "full": [(28 * 28, 128), (128, num_classes)],
        "conv": [(1 * 3 * 3, 32), (32 * 3 * 3, 64), (64 * 5 * 5, 256), (256, num_classes)],
    }[name]
    return sum(fan_in * out + out for fan_in, out in layers)


def parameter_count(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
