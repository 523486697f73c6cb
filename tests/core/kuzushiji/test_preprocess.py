"""Preprocessing a drawing, photo or scan into what the KMNIST nets see, and classifying it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from explorer.core.errors import UserError
from explorer.core.kuzushiji import net_insides, nets
from explorer.core.kuzushiji.preprocess import (
    FILL,
    classify,
    ink_extent,
    load_image,
    preprocess_file,
    to_kmnist_input,
    top_k,
)


def ink_box(array28: np.ndarray, level: float = 0.1) -> tuple[int, int, int, int]:
    rows = np.flatnonzero((array28 > level).any(axis=1))
    cols = np.flatnonzero((array28 > level).any(axis=0))
    return rows[0], rows[-1], cols[0], cols[-1]


def small_hook(canvas: np.ndarray, top: int, left: int, scale: int = 1) -> np.ndarray:
    """A small 'L'-shaped stroke (30×20 at scale 1) drawn into ``canvas`` at (top, left)."""
    canvas[top : top + 30 * scale, left : left + 5 * scale] = 1.0
    canvas[top + 25 * scale : top + 30 * scale, left : left + 20 * scale] = 1.0
    return canvas


def test_off_centre_small_stroke_ends_up_centred_and_filling_the_frame():
    canvas = small_hook(np.zeros((280, 280), np.float32), top=12, left=236)
    pre = to_kmnist_input(canvas)
    top, bottom, left, right = ink_box(pre.array28)
    height, width = bottom - top + 1, right - left + 1
    # The 30-pixel-high stroke (a tenth of the canvas) now spans the frame's height...
    assert FILL - 1 <= height <= 28
    # ...keeping its 3:2 aspect ratio...
    assert width == pytest.approx(height * 20 / 30, abs=2.5)
    # ...and its box is centred.
    assert (top + bottom) / 2 == pytest.approx(13.5, abs=1.0)
    assert (left + right) / 2 == pytest.approx(13.5, abs=1.0)


def test_same_shape_anywhere_and_at_any_size_gives_the_same_input():
    a = to_kmnist_input(small_hook(np.zeros((280, 280), np.float32), top=10, left=10))
    b = to_kmnist_input(small_hook(np.zeros((400, 300), np.float32), top=150, left=40, scale=4))
    assert np.abs(a.array28 - b.array28).mean() < 0.03


def test_inverted_scan_is_uninverted():
    rng = np.random.default_rng(0)
    ink = small_hook(np.zeros((200, 160), np.float32), top=60, left=50, scale=3)
    # A scan: dark grey ink on off-white, slightly noisy paper.
    scan = np.clip(0.92 - 0.8 * ink + rng.normal(0, 0.02, ink.shape), 0, 1)
    from_scan = to_kmnist_input((scan * 255).astype(np.uint8))
    from_drawing = to_kmnist_input(ink)
    assert from_scan.inverted and not from_drawing.inverted
    assert from_scan.array28[0, 0] < 0.05  # black background, as in KMNIST
    assert from_scan.array28.max() == pytest.approx(1.0)
    assert np.abs(from_scan.array28 - from_drawing.array28).mean() < 0.03
    # Refusing to invert keeps the paper as "ink": a very different picture.
    kept = to_kmnist_input(scan, invert=False)
    assert np.abs(kept.array28 - from_drawing.array28).mean() > 0.2


def test_empty_canvas_is_reported_not_classified():
    with pytest.raises(UserError, match="the canvas is empty: draw a character first"):
        to_kmnist_input(np.zeros((280, 280), np.uint8))
    # A blank sheet of paper is empty too, whatever its shade.
    with pytest.raises(UserError, match="empty"):
        to_kmnist_input(np.full((100, 80), 0.8, np.float32))


def test_empty_or_unreadable_files_name_the_file(tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((50, 50), 255, np.uint8)).save(blank)
    with pytest.raises(UserError, match="no ink found in blank.png"):
        preprocess_file(blank)
    broken = tmp_path / "broken.png"
    broken.write_text("not a picture")
    with pytest.raises(UserError, match="broken.png: not a readable image"):
        load_image(broken)
    with pytest.raises(UserError, match="missing.png: no such file"):
        load_image(tmp_path / "missing.png")


def test_colour_and_transparent_images_read_as_grey(tmp_path):
    rgba = np.zeros((60, 60, 4), np.uint8)
    rgba[10:50, 28:32] = (20, 20, 120, 255)  # a blue ink line on a transparent background
    path = tmp_path / "line.png"
    Image.fromarray(rgba, "RGBA").save(path)
    pre = preprocess_file(path)
    assert pre.inverted  # transparent = paper (white), so the ink is dark on light
    top, bottom, left, right = ink_box(pre.array28)
    assert bottom - top + 1 >= FILL - 1 and right - left + 1 <= 8


def test_normalised_tensor_and_steps():
    pre = to_kmnist_input(small_hook(np.zeros((280, 280), np.uint8), 100, 100) * 255)
    assert pre.array28.dtype == np.float32 and pre.array28.shape == (28, 28)
    assert 0.0 <= pre.array28.min() and pre.array28.max() == pytest.approx(1.0)
    assert pre.tensor.shape == (1, 1, 28, 28)
    assert torch.allclose(pre.tensor[0, 0], (torch.from_numpy(pre.array28) - 0.5) / 0.5)
    # "strokes": the crop redrawn with KMNIST's stroke width (issue 13).
    assert set(pre.steps) == {"grey", "ink", "cropped", "strokes", "scaled", "blurred"}
    assert pre.steps["cropped"].shape == (30, 20)


def test_classify_gives_each_nets_softmax_and_top_k():
    torch.manual_seed(0)
    models = {name: nets.create(name, seed=1) for name in nets.NETS}
    pre = to_kmnist_input(small_hook(np.zeros((280, 280), np.float32), 50, 50))
    probs = classify(models, pre)
    for name, model in models.items():
        expected = torch.softmax(model(pre.tensor)[0], 0).detach().numpy()
        np.testing.assert_allclose(probs[name], expected, rtol=1e-5)
        assert probs[name].sum() == pytest.approx(1.0)
    ranked = top_k(np.array([0.1, 0.5, 0.05, 0.35] + [0.0] * 6), 3)
    assert ranked == [(1, 0.5), (3, 0.35), (0, 0.1)]


def test_ink_extent_measures_the_larger_side():
    images = np.zeros((2, 28, 28), np.uint8)
    images[0, 2:26, 10:14] = 255
    images[1, 5:8, 1:27] = 200
    assert ink_extent(images).tolist() == [24, 26]


def test_looking_inside():
    pre = to_kmnist_input(small_hook(np.zeros((280, 280), np.float32), 50, 50))
    conv = nets.create("conv", seed=0)
    first, second = net_insides.feature_maps(conv, pre)
    assert first.shape == (32, 26, 26) and second.shape == (64, 11, 11)
    assert first.min() >= 0  # after ReLU
    cls, grad = net_insides.saliency(conv, pre)
    assert cls == int(conv(pre.tensor).argmax()) and grad.shape == (28, 28) and grad.max() > 0
    lin = nets.create("lin", seed=0)
    templates = net_insides.weight_templates(lin)
    assert np.array_equal(templates[3].ravel(), lin.linear.weight[3].detach().numpy())
    full = nets.create("full", seed=0)
    assert net_insides.hidden_activations(full, pre).shape == (128,)
    tiled = net_insides.mosaic(first, 8)
    assert tiled.shape == (4 * 27 - 1, 8 * 27 - 1) and np.isnan(tiled[26, 0])
