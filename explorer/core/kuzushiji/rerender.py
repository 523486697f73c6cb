"""Real KMNIST images re-rendered as a user would give them: drawn on the canvas, thin or thick pen, scanned.

The drawing preprocessing is checked by round trips: a real 28×28 image is
turned into a picture as the canvas or a scanner would produce it, then
taken back through :func:`~explorer.core.kuzushiji.preprocess.to_kmnist_input`.
If the preprocessing is right, what comes back has the statistics of the
real image and is classified as well. Used by the tests and by
``bench/drawing_fidelity.py`` (and the figure in ``docs/drawing.md``).
"""

from __future__ import annotations

import numpy as np
import torch
from scipy import ndimage

from explorer.core.kuzushiji.ink_stats import as_float
from explorer.core.kuzushiji.preprocess import STROKE_WIDTH, thin_strokes

CANVAS = 400
"""Side of the canvas-sized picture the character is drawn on."""
SCALE = 10
"""Upscaling of the 28×28 image: a character of 280 px, as on the app's 280-px canvas frame."""
PEN_CHANGE = 6
"""Pixels (at canvas scale) the thin pen erodes and the thick pen dilates each stroke edge by.

KMNIST strokes are about 18 px wide at this scale (1.8 px at 28×28), so the
thin pen's are about a third as wide and the thick pen's about 1.7 times.
"""
VARIANTS = ("drawing", "thin", "thick", "offset", "scan")


def upscaled(image28: np.ndarray, scale: int = SCALE) -> np.ndarray:
    """The image enlarged ``scale`` times with bicubic interpolation (smooth, not blocky, edges), in [0, 1]."""
    tensor = torch.from_numpy(as_float(image28)[0])[None]
    side = image28.shape[-1] * scale
    # torchvision's bicubic resize of a float tensor is this interpolate call (no torchvision needed).
    big = torch.nn.functional.interpolate(tensor[None], size=[side, side], mode="bicubic", align_corners=False)
    return big[0, 0].clamp(0.0, 1.0).numpy()


def pen_strokes(image28: np.ndarray, change: float = 0.0, scale: int = SCALE) -> np.ndarray:
    """Solid, anti-aliased strokes as a pen draws them, each edge moved out (``change`` > 0) or in (< 0).

    The upscaled image is cut at half intensity (a pen's ink is solid), then
    its edges are moved with a distance transform, which keeps the shape of
    every stroke; finally a 2×2 box average anti-aliases the edges as Qt's
    painter does.
    """
    mask = upscaled(image28, scale) > 0.5
    if change > 0:
        mask = ndimage.distance_transform_edt(~mask) <= change
    elif change < 0:
        # A thin pen still draws every stroke: erode without deleting narrow ones.
        mask = thin_strokes(mask, -change, keep=1.5, width=2 * scale * STROKE_WIDTH)
    return ndimage.uniform_filter(mask.astype(np.float32), size=2)


def on_canvas(strokes: np.ndarray, top: int, left: int, side: int = CANVAS) -> np.ndarray:
    """``strokes`` placed on a black ``side``×``side`` canvas with its top-left corner at (top, left)."""
    canvas = np.zeros((side, side), np.float32)
    h, w = strokes.shape
    canvas[top : top + h, left : left + w] = strokes[: side - top, : side - left]
    return canvas


def as_scan(strokes: np.ndarray, seed: int = 0) -> np.ndarray:
    """Dark grey ink on off-white, slightly noisy paper, as uint8: what a scanner or phone gives."""
    rng = np.random.default_rng(seed)
    paper = 0.92 - 0.75 * strokes + rng.normal(0.0, 0.02, strokes.shape)
    return (np.clip(paper, 0.0, 1.0) * 255).round().astype(np.uint8)


def rerender(image28: np.ndarray, variant: str, seed: int = 0) -> np.ndarray:
    """One real image as the picture ``variant`` (see :data:`VARIANTS`) would give.

    - ``drawing``: normal pen, character near the canvas's top-left corner;
    - ``thin`` / ``thick``: the same with a thin or thick pen;
    - ``offset``: a smaller (half-size) character far from the centre;
    - ``scan``: dark on light, paper noise, on a larger sheet.
    """
    if variant == "drawing":
        return on_canvas(pen_strokes(image28), 30, 80)
    if variant == "thin":
        return on_canvas(pen_strokes(image28, -PEN_CHANGE), 60, 20)
    if variant == "thick":
        return on_canvas(pen_strokes(image28, PEN_CHANGE), 100, 110)
    if variant == "offset":
        return on_canvas(pen_strokes(image28, scale=SCALE // 2), 230, 20)
    if variant == "scan":
        return as_scan(on_canvas(pen_strokes(image28), 70, 40, side=CANVAS + 80), seed)
    raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
