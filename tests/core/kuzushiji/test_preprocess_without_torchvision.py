"""The drawing preprocessing needs no torchvision (the CPU-only bundle has none) and still gives torchvision's result.

``preprocess.resize`` / ``centre_in`` / ``gaussian_blur`` and the re-renderer's
bicubic upscaling replace torchvision calls. Here the whole pipeline is run
once with them and once with torchvision's functions patched in, on real
KMNIST images re-rendered as drawings and scans (when the sample is there)
and on drawn strokes, and the 28×28 inputs must agree; then the pipeline runs
in a fresh interpreter where importing torchvision raises.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from explorer.core.kuzushiji import preprocess, rerender
from explorer.core.kuzushiji.fidelity import SAMPLE_IMAGES, load_sample
from explorer.core.kuzushiji.ink_stats import as_float
from tests.core.kuzushiji.kmnist_sample import sample_folder

TF = pytest.importorskip("torchvision.transforms.functional")
ROOT = Path(__file__).resolve().parents[3]
TOLERANCE = 1e-5
"""Largest allowed pixel difference (of 1): float rounding only; the same torch kernels run."""


def drawn_hook() -> np.ndarray:
    """An 'L'-shaped stroke, off centre on a 280-pixel canvas (white on black, as the app's canvas)."""
    canvas = np.zeros((280, 280), np.float32)
    canvas[40:160, 180:200] = 1.0
    canvas[140:160, 180:260] = 1.0
    return canvas


def real_drawings() -> list[np.ndarray]:
    """Two real images of each of five classes, each re-rendered as every variant; empty without the sample."""
    folder = sample_folder()
    if not (folder / SAMPLE_IMAGES).is_file():
        return []
    sample = load_sample(folder)
    picks = np.concatenate([np.flatnonzero(sample.labels == c)[:2] for c in range(0, 10, 2)])
    return [rerender.rerender(sample.images[i], variant) for i in picks for variant in rerender.VARIANTS]


def torchvision_resize(image, size):
    return TF.resize(image, size, interpolation=TF.InterpolationMode.BILINEAR, antialias=True)


def torchvision_centre(image, side):
    return TF.center_crop(image, [side, side])


def torchvision_blur(image, sigma, kernel=3):
    return TF.gaussian_blur(image, kernel_size=[kernel, kernel], sigma=[sigma, sigma])


@pytest.fixture
def with_torchvision(monkeypatch):
    """Run ``fn(*args)`` with torchvision's resize/center_crop/gaussian_blur in place of the torch-only ones."""

    def run(fn, *args, **kwargs):
        with monkeypatch.context() as patch:
            patch.setattr(preprocess, "resize", torchvision_resize)
            patch.setattr(preprocess, "centre_in", torchvision_centre)
            patch.setattr(preprocess, "gaussian_blur", torchvision_blur)
            return fn(*args, **kwargs)

    return run


@pytest.mark.parametrize("sigma", [preprocess.BLUR_SIGMA, 0.8])
def test_drawings_give_torchvisions_28x28(with_torchvision, monkeypatch, sigma):
    monkeypatch.setattr(preprocess, "BLUR_SIGMA", sigma)
    pictures = [drawn_hook(), drawn_hook()[:, ::-1].copy(), 1.0 - drawn_hook()] + real_drawings()
    for picture in pictures:
        ours = preprocess.to_kmnist_input(picture)
        theirs = with_torchvision(preprocess.to_kmnist_input, picture)
        assert ours.array28.shape == (28, 28)
        assert ours.array28.max() == pytest.approx(1.0)
        np.testing.assert_allclose(ours.array28, theirs.array28, atol=TOLERANCE)
        np.testing.assert_allclose(ours.steps["strokes"], theirs.steps["strokes"], atol=TOLERANCE)


def test_helpers_match_torchvision_on_odd_sizes():
    rng = np.random.default_rng(0)
    for shape, size, side in [((37, 51), [28, 20], 28), ((200, 13), [208, 9], 31), ((5, 6), [3, 7], 4)]:
        image = torch.from_numpy(rng.random(shape, dtype=np.float32))[None]
        torch.testing.assert_close(preprocess.resize(image, size), torchvision_resize(image, size))
        ours, theirs = preprocess.centre_in(image, side), torchvision_centre(image, side)
        assert ours.shape == theirs.shape == (1, side, side)
        torch.testing.assert_close(ours, theirs)
        torch.testing.assert_close(preprocess.gaussian_blur(image, 0.7), torchvision_blur(image, 0.7))


def test_rerender_upscaling_matches_torchvisions_bicubic():
    image = np.random.default_rng(1).random((28, 28)).astype(np.float32)
    tensor = torch.from_numpy(as_float(image)[0])[None]
    theirs = TF.resize(tensor, [280, 280], interpolation=TF.InterpolationMode.BICUBIC, antialias=False)
    np.testing.assert_allclose(rerender.upscaled(image), theirs[0].clamp(0.0, 1.0).numpy(), atol=TOLERANCE)


BLOCKED_RUN = textwrap.dedent(
    """
    import sys

    class NoTorchvision:
        # Any import of torchvision fails, as in the CPU-only bundle.
        def find_spec(self, name, path=None, target=None):
            if name == "torchvision" or name.startswith("torchvision."):
                raise ImportError(f"torchvision is blocked in this test ({name})")
            return None

    sys.meta_path.insert(0, NoTorchvision())
    import numpy as np
    from explorer.core.kuzushiji import nets, preprocess

    picture = np.load(sys.argv[1])
    pre = preprocess.to_kmnist_input(picture)
    probs = preprocess.classify({"conv": nets.create("conv", seed=0)}, pre)["conv"]
    assert "torchvision" not in sys.modules
    np.save(sys.argv[2], pre.array28)
    print(f"{probs.sum():.6f}")
    """
)


def test_preprocessing_and_classifying_run_where_torchvision_cannot_be_imported(tmp_path):
    picture = drawn_hook()
    np.save(tmp_path / "picture.npy", picture)
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN, str(tmp_path / "picture.npy"), str(tmp_path / "array28.npy")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.strip()) == pytest.approx(1.0, abs=1e-4)  # a softmax over ten classes
    blocked = np.load(tmp_path / "array28.npy")
    assert blocked.shape == (28, 28)
    np.testing.assert_array_equal(blocked, preprocess.to_kmnist_input(picture).array28)
