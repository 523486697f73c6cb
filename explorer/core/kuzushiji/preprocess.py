"""Make a drawing, photo or scan look like a KMNIST image, then classify it.

A net trained on KMNIST has only ever seen white, soft-edged strokes on
black, filling a 28×28 frame. A raw drawing differs in every respect (size,
position, stroke width, polarity), so :func:`to_kmnist_input` takes any grey
or colour image through these steps, keeping each for display:

1. ``grey``: colour → grey (PIL's ITU-R 601 luma), values scaled to [0, 1].
2. ``ink``: light-background images (median of the border pixels above 0.5,
   i.e. dark ink on paper) are inverted; then the background level (the
   border median) is subtracted and the result stretched so the darkest ink
   is 1. A canvas (white on black) passes through unchanged.
3. ``cropped``: the bounding box of every pixel brighter than
   :data:`INK_LEVEL` (the pen's ink, not its faint anti-aliased rim or
   paper noise), with no threshold applied to the pixels themselves.
   If no pixel is brighter than :data:`EMPTY_LEVEL` the image is refused
   with a :class:`UserError` (an empty canvas is never classified).
4. ``strokes``: the crop resized so its larger side is :data:`WORK` pixels,
   cut at half intensity, and its strokes brought to KMNIST's width
   (:func:`normalise_strokes`): a thin or thick pen gives the same input.
5. ``scaled``: the strokes resized with anti-aliasing (torch's bilinear
   ``interpolate``, as torchvision's ``resize`` does it) so their
   larger side is :data:`FILL` pixels, keeping the aspect ratio, and centred
   by their bounding box in the 28×28 frame. Measured on 2,000 real KMNIST
   images (``docs/drawing.md``): the box fills all 28 pixels (95 % of the
   images at 0.1, the median at 0.5), it is centred at (13.5, 13.5), and the
   8× reduction's anti-aliasing alone gives KMNIST's share of grey edge
   pixels, so :data:`BLUR_SIGMA` is 0.
6. ``blurred``: an optional 3×3 Gaussian blur (σ = :data:`BLUR_SIGMA`,
   skipped at 0), rescaled so the brightest pixel is 1 (KMNIST strokes are
   saturated at 255) and clipped to [0, 1]: this is ``array28``.

torchvision is never imported here: the CPU-only bundle has none, and
importing it costs seconds. :func:`resize`, :func:`centre_in` and
:func:`gaussian_blur` are torch-only equivalents of torchvision's tensor
``resize``, ``center_crop`` and ``gaussian_blur`` (the tests compare them).

Finally the same normalisation as training, ``(x − 0.5) / 0.5``, gives the
1×1×28×28 ``tensor`` the nets take. ``docs/drawing.md`` explains the steps
for users.
"""

from __future__ import annotations

import logging
import math
import os
import re
import warnings
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, UnidentifiedImageError

from explorer.core.errors import UserError
from explorer.core.kuzushiji.ink_stats import extent, stroke_width_of
from explorer.core.progress import Progress
from explorer.core.user_files import regular_file

if TYPE_CHECKING:
    import torch
    from torch import nn

log = logging.getLogger(__name__)

SIDE = 28
FILL = 28
"""Larger side of the character in the 28×28 frame, in pixels: KMNIST characters touch the frame."""
BLUR_SIGMA = 0.0
"""No extra blur: anti-aliasing from the working size gives KMNIST's soft edges (measured)."""
INK_LEVEL = 0.5
"""Pixels brighter than this (after step 2) count for the bounding box: a pen's ink, not its anti-aliased rim or paper noise."""
STROKE_WIDTH = 1.8
"""Target stroke width in 28×28 pixels (KMNIST's median, see ``docs/drawing.md``)."""
WORK = 208
"""Larger side (pixels) of the character while its stroke width is normalised: 8× the fill."""
EMPTY_LEVEL = 0.05
"""An image whose ink never rises this far above its background is empty."""


@dataclass
class Preprocessed:
    """What the nets see: the 28×28 image, the normalised input and every step on the way."""

    array28: np.ndarray
    """float32 28×28 in [0, 1], white strokes on black."""
    tensor: torch.Tensor
    """float32 1×1×28×28, ``(array28 − 0.5) / 0.5``."""
    steps: dict[str, np.ndarray] = field(default_factory=dict)
    """Intermediate images by step name (``grey``, ``ink``, ``cropped``, ``strokes``, ``scaled``, ``blurred``)."""
    inverted: bool = False
    """Whether the input was dark on light and got inverted."""


def grey_array(image: np.ndarray) -> np.ndarray:
    """Any H×W, H×W×3 or H×W×4 image (uint8, or float in [0, 1]) as float32 grey in [0, 1]."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        if array.dtype != np.uint8:
            array = (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
        array = np.asarray(Image.fromarray(array[..., :3]).convert("L"))
    if array.ndim != 2 or 0 in array.shape:
        raise UserError(f"expected a grey or colour image, got an array of shape {array.shape}")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    return np.clip(array.astype(np.float32), 0.0, 1.0)


def _border(grey: np.ndarray) -> np.ndarray:
    return np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])


def to_kmnist_input(
    image: np.ndarray, *, invert: bool | str = "auto", source: str | None = None
) -> Preprocessed:
    """Preprocess ``image`` as the module docstring describes.

    ``invert``: ``"auto"`` (invert light-background images), ``True`` or
    ``False``. ``source`` names the file in the error for an empty image.
    """
    import torch

    grey = grey_array(image)
    ink, inverted = ink_on_black(grey, invert=invert, source=source)
    rows = np.flatnonzero((ink > INK_LEVEL).any(axis=1))
    cols = np.flatnonzero((ink > INK_LEVEL).any(axis=0))
    cropped = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    strokes = normalise_strokes(cropped)
    scaled = _fit(strokes)
    blurred = scaled
    if BLUR_SIGMA > 0:
        blurred = gaussian_blur(scaled, BLUR_SIGMA)
    blurred = (blurred / blurred.max().clamp_min(1e-6)).clamp(0.0, 1.0)

    array28 = blurred[0].numpy().astype(np.float32)
    tensor = ((torch.from_numpy(array28) - 0.5) / 0.5).reshape(1, 1, SIDE, SIDE)
    steps = {
        "grey": grey,
        "ink": ink,
        "cropped": cropped,
        "strokes": strokes,
        "scaled": scaled[0].numpy(),
        "blurred": array28,
    }
    return Preprocessed(array28=array28, tensor=tensor, steps=steps, inverted=inverted)


def ink_on_black(grey: np.ndarray, *, invert: bool | str = "auto", source: str | None = None) -> tuple[np.ndarray, bool]:
    """Step 2: a grey picture as ink on black, background 0 and darkest ink 1; and whether it was inverted.

    Raises :class:`UserError` when the ink never rises :data:`EMPTY_LEVEL` above the background.
    """
    border = float(np.median(_border(grey)))
    inverted = border > 0.5 if invert == "auto" else bool(invert)
    ink = 1.0 - grey if inverted else grey
    background = 1.0 - border if inverted else border
    ink = np.clip(ink - background, 0.0, None)
    peak = float(ink.max())
    if peak < EMPTY_LEVEL:
        raise UserError(f"no ink found in {source}" if source else "the canvas is empty: draw a character first")
    return (ink / peak).astype(np.float32), inverted


def normalise_strokes(cropped: np.ndarray) -> np.ndarray:
    """The cropped ink redrawn with KMNIST's stroke width, at :data:`WORK` pixels to the larger side.

    A thin pen's strokes end up a pixel wide in the 28×28 input and a thick
    pen's fill the character's holes: both are classified far worse than
    real images (a third as wide cost NetConv twenty points). So the crop is
    enlarged (or reduced) to a fixed working size where strokes are many
    pixels wide, cut at half intensity, and its stroke width (the
    distance-transform ridge, :func:`~explorer.core.kuzushiji.ink_stats.stroke_width_of`)
    brought to :data:`STROKE_WIDTH` (in 28×28 pixels, measured on real
    KMNIST): thin strokes are dilated by the difference, thick ones eroded,
    except where a stroke is already thinner than the target (its local
    ridge height bounds the erosion), so no stroke disappears. Returns a
    float32 mask with a margin of :data:`WORK` / 4 on every side: 1 on the
    strokes, 0 off them, and where strokes were widened the edge pixels hold
    the share of the pixel the wider stroke covers.

    The widening is exact to a fraction of a pixel: a whole-pixel dilation
    widens each side by ``change`` rounded down, half a pixel short on
    average, which left a thin pen's strokes a tenth narrower than the
    target (NetConv on the real sample, 5-fold cross-validated: a thin pen
    that also lost KMNIST's fine strokes read 4.4 points worse than the raw
    images, 3.3 with the exact widening).
    """
    import torch
    from scipy import ndimage  # here: importing it takes ~0.5 s of the start-up

    h, w = cropped.shape
    scale = WORK / max(h, w)
    size = [max(1, round(h * scale)), max(1, round(w * scale))]
    crop_t = torch.from_numpy(np.ascontiguousarray(cropped, dtype=np.float32))[None]
    work = resize(crop_t, size)[0].numpy()
    work = np.pad(work, WORK // 4)
    # A hairline in a large picture is faint once reduced: cut at half its peak, not at 0.5.
    mask = work > 0.5 * min(1.0, float(work.max()))
    width = stroke_width_of(mask)
    target = STROKE_WIDTH * WORK / FILL
    change = (target - width) / 2
    if change > 0:
        # A background pixel whose centre is d from the nearest ink pixel's centre lies d − ½ beyond the
        # ink's edge: the widened stroke, whose edge is ``change`` further out, covers 1 + change − d of it.
        distance = ndimage.distance_transform_edt(~mask)
        return np.clip(1.0 + change - distance, 0.0, 1.0).astype(np.float32)
    if change < 0:
        mask = thin_strokes(mask, -change, keep=target / 2, width=width)
    return mask.astype(np.float32)


def thin_strokes(mask: np.ndarray, by: float, keep: float, width: float) -> np.ndarray:
    """``mask`` with every stroke's edges moved in by ``by`` pixels, but no stroke thinner than about 2 × ``keep``.

    A plain erosion would delete every stroke narrower than 2 × ``by``. Here
    each pixel is eroded by at most its neighbourhood's ridge height (the
    local half width) less ``keep``, so narrow strokes survive, only less
    thinned.

    The neighbourhood reaches ``by + keep`` pixels (never more than the
    typical stroke ``width``): enough for an edge pixel of any stroke wide
    enough to lose ``by`` to find a ridge that high, and no further, so a
    narrow stroke beside a wide one keeps its own, low ridge. (A window of
    the typical width or more let the wide stroke's ridge reach the narrow
    one, which was then eroded by the full ``by`` and deleted: a simulated
    thin pen lost KMNIST's fine connecting strokes that way.)
    """
    from scipy import ndimage

    inside = ndimage.distance_transform_edt(mask)
    reach = min(by + keep, width)
    ridge = ndimage.maximum_filter(inside, size=2 * int(np.ceil(reach)) + 1)
    return inside > np.clip(np.minimum(by, ridge - keep), 0.0, None)


def _fit(strokes: np.ndarray) -> torch.Tensor:
    """``strokes`` cropped to their box, resized so the larger side is :data:`FILL` pixels, box-centred in 28×28."""
    import torch

    rows = np.flatnonzero(strokes.any(axis=1))
    cols = np.flatnonzero(strokes.any(axis=0))
    box = strokes[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = box.shape
    scale = FILL / max(h, w)
    size = [max(1, round(h * scale)), max(1, round(w * scale))]
    resized = resize(torch.from_numpy(np.ascontiguousarray(box))[None], size)
    # Padding a smaller image with zeros on every side: bounding-box centring.
    return centre_in(resized.clamp(0.0, 1.0), SIDE)


def resize(image: torch.Tensor, size: list[int]) -> torch.Tensor:
    """C×H×W float ``image`` resized to ``size`` (h, w), bilinear with anti-aliasing.

    Exactly what ``torchvision.transforms.functional.resize(image, size,
    antialias=True)`` computes for a float tensor: it calls this same
    ``interpolate``.
    """
    from torch import nn

    out = nn.functional.interpolate(image[None], size=list(size), mode="bilinear", align_corners=False, antialias=True)
    return out[0]


def centre_in(image: torch.Tensor, side: int) -> torch.Tensor:
    """C×H×W ``image`` zero-padded and/or cropped to ``side``×``side`` about its centre.

    Same split as ``torchvision.transforms.functional.center_crop``: an odd
    padding puts the extra pixel right/bottom, an odd crop rounds the offset
    half to even.
    """
    from torch import nn

    h, w = image.shape[-2:]
    if h < side or w < side:
        pad_h, pad_w = max(side - h, 0), max(side - w, 0)
        image = nn.functional.pad(image, [pad_w // 2, (pad_w + 1) // 2, pad_h // 2, (pad_h + 1) // 2])
        h, w = image.shape[-2:]
    top, left = int(round((h - side) / 2.0)), int(round((w - side) / 2.0))
    return image[..., top : top + side, left : left + side]


def gaussian_blur(image: torch.Tensor, sigma: float, kernel: int = 3) -> torch.Tensor:
    """C×H×W float ``image`` blurred by a ``kernel``×``kernel`` Gaussian of ``sigma``, edges reflected.

    torchvision's ``gaussian_blur`` (same kernel, normalised to sum 1, same
    reflect padding), written with ``conv2d``.
    """
    import torch
    from torch import nn

    half = (kernel - 1) * 0.5
    x = torch.linspace(-half, half, kernel)
    k1 = torch.exp(-0.5 * (x / sigma) ** 2)
    k1 = k1 / k1.sum()
    weight = (k1[:, None] * k1[None, :]).expand(image.shape[0], 1, kernel, kernel).to(image.dtype)
    padded = nn.functional.pad(image[None], [kernel // 2] * 4, mode="reflect")
    return nn.functional.conv2d(padded, weight, groups=image.shape[0])[0]


MAX_IMAGE_PIXELS = 50_000_000
"""Largest picture (width × height) the app decodes: a 7,000×7,000 scan fits. A larger one is refused
from its header, before decoding (a 12,000×12,000 PNG needs 2.5 GB on the way)."""


def read_image(path: str | os.PathLike, max_side: int | None = None) -> np.ndarray:
    """Read an image file (PNG, JPEG, TIFF, …) as a float32 grey array in [0, 1].

    The one way the app reads a picture. Only a regular file is opened
    (:func:`~explorer.core.user_files.regular_file`); its size is read from
    the header and a picture over :data:`MAX_IMAGE_PIXELS` is refused before
    it is decoded; every failure of the decoder, and its warnings (PIL's
    ``DecompressionBombWarning``), become one :class:`UserError` naming the
    file; pixels that are not finite numbers (a float TIFF with NaN) are
    refused. Transparent pixels count as white paper.

    ``max_side`` reduces the picture so that its larger side is at most this
    many pixels, keeping memory small: JPEGs are decoded at a reduced scale
    (``draft``), others reduced by a whole factor (``reduce``) once grey.
    """
    path = regular_file(path, "image file")
    try:
        # Nothing is printed: PIL's size warning is below our own limit, which names the size,
        # and its other warnings (odd EXIF, palettes) only go to the log.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with Image.open(path) as img:
                    return _decode(img, path.name, max_side)
            finally:
                for warning in caught:
                    log.info("%s: %s", path.name, warning.message)
    except UserError:
        raise
    except Image.DecompressionBombError as exc:  # over twice PIL's limit: refused inside open()
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)) / 1e6:,.0f} megapixels" if found else "a picture"
        raise UserError(f"{path.name}: {size} is larger than the {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels the app "
                        "reads; scale the picture down first") from None
    except UnidentifiedImageError:
        raise UserError(f"{path.name}: not a readable image (not a picture format the app knows)") from None
    except MemoryError:
        raise UserError(f"{path.name}: not a readable image (too large for the memory left)") from None
    except Exception as exc:  # noqa: BLE001 - a decoder may raise anything on a hostile file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path.name}: not a readable image ({reason})") from exc


def _decode(img: Image.Image, name: str, max_side: int | None) -> np.ndarray:
    width, height = img.size
    if width * height > MAX_IMAGE_PIXELS:
        raise UserError(
            f"{name}: {width:,}×{height:,} pixels ({width * height / 1e6:,.0f} megapixels) is larger than the "
            f"{MAX_IMAGE_PIXELS / 1e6:.0f} megapixels the app reads; scale the picture down first"
        )
    if width * height == 0:
        raise UserError(f"{name}: not a readable image (it has no pixels)")
    if max_side and img.format == "JPEG":
        img.draft("L", (max_side, max_side))  # decode at 1/2, 1/4 or 1/8 scale: never the full picture
    img.load()
    if img.mode in ("F", "I", "I;16", "I;16B", "I;16L"):
        values = np.asarray(img)
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            raise UserError(f"{name}: holds pixels that are not numbers (NaN or infinity)")
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        # Transparent pixels are paper: flatten onto white.
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(paper, rgba)
    grey = img.convert("L")
    if max_side and max(grey.size) > max_side:
        grey = grey.reduce(math.ceil(max(grey.size) / max_side))
    return np.asarray(grey).astype(np.float32) / 255.0


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file at full size as a float32 grey array in [0, 1] (see :func:`read_image`)."""
    return read_image(path)


def read_image_steps(path: str | os.PathLike, max_side: int) -> Generator[Progress, None, np.ndarray]:
    """:func:`read_image` reduced to ``max_side`` as a progress generator, for a background task."""
    yield Progress(0, 1, f"reading {Path(path).name}")
    return read_image(path, max_side)


def preprocess_file(path: str | os.PathLike, *, invert: bool | str = "auto") -> Preprocessed:
    """:func:`load_image` then :func:`to_kmnist_input`, naming the file if it holds no ink."""
    return to_kmnist_input(load_image(path), invert=invert, source=Path(path).name)


def classify(models: dict[str, nn.Module], pre: Preprocessed) -> dict[str, np.ndarray]:
    """Probabilities of every class per net (exp of the nets' log-softmax output)."""
    import torch

    result = {}
    with torch.no_grad():
        for name, model in models.items():
            was_training = model.training
            model.eval()
            try:
                log_probs = model(input_for(model, pre))
            finally:
                model.train(was_training)
            result[name] = torch.exp(log_probs[0]).double().cpu().numpy()
    return result


def input_for(model: nn.Module, pre: Preprocessed) -> torch.Tensor:
    """The normalised input on the device ``model`` lives on."""
    param = next(model.parameters(), None)
    return pre.tensor if param is None else pre.tensor.to(param.device)


def top_k(probs: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` most probable classes as ``(class, probability)``, most probable first."""
    probs = np.asarray(probs)
    order = np.argsort(-probs, kind="stable")[:k]
    return [(int(i), float(probs[i])) for i in order]


def ink_extent(images: np.ndarray, level: float = 0.1) -> np.ndarray:
    """Larger side (pixels) of each image's ink bounding box, to check :data:`FILL` against real data."""
    return extent(images, level).max(axis=1)
