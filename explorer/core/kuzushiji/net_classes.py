"""The classes of the three Kuzushiji nets (imports torch).

Only :mod:`explorer.core.kuzushiji.nets` imports this module, on first use of a
class, so that the nets' names are known without torch (the window shows them
while torch is still loading). Use ``nets.NETS``, ``nets.create`` or
``from explorer.core.kuzushiji.nets import NetConv`` rather than this module.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from explorer.core.kuzushiji.datasets import KMNIST


class NetLin(nn.Module):
    """784 → 10 linear, log-softmax (7,850 parameters)."""

    display_name = "NetLin"

    def __init__(self, num_classes: int = KMNIST.num_classes) -> None:
        super().__init__()
        self.linear = nn.Linear(28 * 28, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.log_softmax(self.linear(x.reshape(x.shape[0], -1)), dim=1)


class NetFull(nn.Module):
    """784 → 128 tanh → 10, log-softmax (101,770 parameters)."""

    display_name = "NetFull"

    def __init__(self, num_classes: int = KMNIST.num_classes, hidden: int = 128) -> None:
        super().__init__()
        self.hidden = nn.Linear(28 * 28, hidden)
        self.output = nn.Linear(hidden, num_classes)

    def hidden_activations(self, x: torch.Tensor) -> torch.Tensor:
        """The tanh activations of the hidden layer (N×128)."""
        return torch.tanh(self.hidden(x.reshape(x.shape[0], -1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.log_softmax(self.output(self.hidden_activations(x)), dim=1)


class NetConv(nn.Module):
    """Two 3×3 conv layers (32, 64 channels) with max-pooling, then 1600 → 256 → 10 (431,242 parameters)."""

    display_name = "NetConv"
    used_input = 26
    """The rows (and columns) of a 28×28 image that the output depends on: the first 26 (see :meth:`forward`)."""

    def __init__(self, num_classes: int = KMNIST.num_classes) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3)  # 28 → 26, pooled to 13
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3)  # 13 → 11, pooled to 5
        self.fc1 = nn.Linear(64 * 5 * 5, 256)
        self.fc2 = nn.Linear(256, num_classes)

    def forward_with_features(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Log-probabilities plus the two conv layers' feature maps after ReLU (N×32×26×26, N×64×11×11)."""
        first = F.relu(self.conv1(x))
        second = F.relu(self.conv2(F.max_pool2d(first, 2)))
        flat = F.max_pool2d(second, 2).flatten(1)
        out = F.log_softmax(self.fc2(F.relu(self.fc1(flat))), dim=1)
        return out, [first, second]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Each max-pool runs before its ReLU: the same numbers as ReLU then pool
        # (ReLU is monotonic, and the gradient reaches the same winning
        # element of each 2×2 window, or nothing where the window's maximum is
        # not positive), but the ReLU and its backward touch a quarter of the
        # values. On one CPU thread this is about a third of NetConv's training
        # step (docs/performance.md).
        # The image's last two rows and columns never reach the output, so
        # they are left out (the same numbers, bit for bit, and about 15 % less
        # work in both conv layers): the second max-pool drops conv2's last row
        # and column (11 → 5), which alone read row and column 12 of the first
        # pooled map, which came from conv1's rows and columns 24–25, the only
        # ones that read the image's rows and columns 26–27.
        x = x[:, :, : self.used_input, : self.used_input]
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = F.relu(self.fc1(x.flatten(1)))
        return F.log_softmax(self.fc2(x), dim=1)
