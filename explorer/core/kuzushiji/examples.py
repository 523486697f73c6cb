"""The few real KMNIST images shipped with the app: three per class, to show what the nets learned.

They live in ``resources/kmnist-examples/`` as ``C_ROMAJI_N.png`` (see the
README there for the licence, CC BY-SA 4.0, and the attribution). The Draw
page shows them before any data is downloaded: KMNIST's cursive forms differ
from the modern kana a user would draw (its つ looks nothing like a modern つ).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from explorer.core import paths
from explorer.core.kuzushiji.datasets import KMNIST

FOLDER = "kmnist-examples"
ATTRIBUTION = (
    'Real KMNIST images (CC BY-SA 4.0): "KMNIST Dataset" by CODH, adapted from "Kuzushiji Dataset" by NIJL '
    'and others; Clanuwat et al., "Deep Learning for Classical Japanese Literature", 2018.'
)


def example_paths(cls: int) -> list[Path]:
    """The shipped example files of class ``cls``, in order."""
    romaji = KMNIST.class_names[cls]
    return sorted(paths.resource(FOLDER).glob(f"{cls}_{romaji}_*.png"))


def examples(cls: int) -> list[np.ndarray]:
    """The shipped examples of class ``cls`` as uint8 28×28 arrays (white on black)."""
    result = []
    for path in example_paths(cls):
        with Image.open(path) as image:
            result.append(np.asarray(image.convert("L")))
    return result
