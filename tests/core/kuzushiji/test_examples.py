"""The few real KMNIST images shipped in resources/: three per class, licensed, and really from the sample."""

from __future__ import annotations

import numpy as np

from explorer.core import paths
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.examples import FOLDER, example_paths, examples
from tests.core.kuzushiji.kmnist_sample import sample_or_skip


def test_three_examples_per_class_with_licence_and_attribution():
    for cls in range(len(CLASSES)):
        images = examples(cls)
        assert len(images) == 3
        assert all(im.shape == (28, 28) and im.dtype == np.uint8 and im.max() > 200 for im in images)
    shipped = sorted(paths.resource(FOLDER).glob("*.png"))
    assert len(shipped) == 30  # never more of the real data than these
    readme = (paths.resource(FOLDER) / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme and "Clanuwat" in readme and "Deep Learning for Classical Japanese Literature" in readme


def test_examples_are_real_images_of_their_class():
    sample = sample_or_skip()
    for cls in range(len(CLASSES)):
        for path, image in zip(example_paths(cls), examples(cls), strict=True):
            same = np.flatnonzero((sample.images == image).all(axis=(1, 2)))
            assert len(same) >= 1, path.name
            assert set(sample.labels[same]) == {cls}, path.name
