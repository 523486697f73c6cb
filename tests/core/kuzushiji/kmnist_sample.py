"""Where the real KMNIST sample is for the tests: ``../shared/data/kmnist-sample/`` beside the checkout.

``EXPLORER_KMNIST_SAMPLE`` overrides the folder. Tests that need the sample
skip, saying why, when it is absent (a checkout without ``shared/``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.core.kuzushiji.fidelity import SAMPLE_IMAGES, Sample, load_sample

DEFAULT = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "kmnist-sample"


def sample_folder() -> Path:
    """The sample's folder (the override, else the default beside the checkout)."""
    return Path(os.environ.get("EXPLORER_KMNIST_SAMPLE", DEFAULT))


def sample_or_skip() -> Sample:
    """The real sample, or skip the test with a message saying where it was looked for."""
    folder = sample_folder()
    if not (folder / SAMPLE_IMAGES).is_file():
        pytest.skip(f"real KMNIST sample not found in {folder} (set EXPLORER_KMNIST_SAMPLE)")
    return load_sample(folder)
