"""What a KMNIST image looks like, in numbers: fill, centring, stroke width, softness, ink.

These measurements calibrate the drawing preprocessing (``preprocess.py``)
against real KMNIST images and check it in the tests and in
``bench/drawing_fidelity.py``: a drawing is only classified as well as a
real image if the 28×28 input the nets see has the same statistics as the
images they were trained on. Every function takes a batch (N×28×28, uint8
in 0..255 or float in [0, 1], white ink on black) and returns one value per
image, so a sample's distribution can be compared with a drawing's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STROKE_UPSAMPLE = 4
"""Stroke widths are measured on images upsampled this many times, for sub-pixel precision."""


def as_float(images: np.ndarray) -> np.ndarray:
    """A batch (or one image) as float32 in [0, 1], always N×H×W."""
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    return np.clip(images.astype(np.float32), 0.0, 1.0)


def _spans(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of True along axis 1 of a N×L mask (−1 where none)."""
    any_ = mask.any(axis=1)
    first = mask.argmax(axis=1)
    last = mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1)
    return np.where(any_, first, -1), np.where(any_, last, -1)


def bounding_box(images: np.ndarray, level: float) -> np.ndarray:
    """N×4 ``(top, bottom, left, right)`` of the pixels brighter than ``level`` (−1 for an empty image)."""
    ink = as_float(images) > level
    top, bottom = _spans(ink.any(axis=2))
    left, right = _spans(ink.any(axis=1))
    return np.stack([top, bottom, left, right], axis=1)


def extent(images: np.ndarray, level: float) -> np.ndarray:
    """N×2 height and width (pixels) of the ink's bounding box at ``level``."""
    box = bounding_box(images, level)
    height = np.where(box[:, 0] >= 0, box[:, 1] - box[:, 0] + 1, 0)
    width = np.where(box[:, 2] >= 0, box[:, 3] - box[:, 2] + 1, 0)
    return np.stack([height, width], axis=1)


def box_centre(images: np.ndarray, level: float = 0.1) -> np.ndarray:
    """N×2 (row, column) centre of the ink's bounding box at ``level``."""
    box = bounding_box(images, level).astype(np.float64)
    return np.stack([(box[:, 0] + box[:, 1]) / 2, (box[:, 2] + box[:, 3]) / 2], axis=1)


def mass_centre(images: np.ndarray) -> np.ndarray:
    """N×2 (row, column) intensity-weighted centre of mass."""
    images = as_float(images).astype(np.float64)
    total = images.sum(axis=(1, 2)).clip(1e-9)
    rows = np.arange(images.shape[1])
    cols = np.arange(images.shape[2])
    return np.stack(
        [(images.sum(axis=2) * rows).sum(axis=1) / total, (images.sum(axis=1) * cols).sum(axis=1) / total], axis=1
    )


def stroke_width_of(mask: np.ndarray) -> float:
    """Typical stroke width (pixels) of one binary ink mask, from its distance transform.

    The distance transform peaks along a stroke's middle line at half the
    stroke's width (plus half a pixel on the pixel grid), so the median of
    its ridge (pixels not smaller than any neighbour) is the typical half
    width, whatever the strokes' length or shape.
    """
    from scipy import ndimage  # here: importing it takes ~0.5 s of the start-up

    if not mask.any():
        return 0.0
    distance = ndimage.distance_transform_edt(np.pad(mask, 1))
    ridge = (distance >= ndimage.maximum_filter(distance, size=3)) & (distance > 0)
    return float(2.0 * np.median(distance[ridge]) - 1.0)


def stroke_width(images: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Stroke width (28×28 pixels) of each image's ink above ``level``, measured at 4× resolution."""
    from scipy import ndimage

    images = as_float(images)
    big = ndimage.zoom(images, (1, STROKE_UPSAMPLE, STROKE_UPSAMPLE), order=1)
    return np.array([stroke_width_of(b > level) for b in big]) / STROKE_UPSAMPLE


def softness(images: np.ndarray) -> np.ndarray:
    """Share of the ink pixels (above 0.1) that are grey (below 0.9): how soft the stroke edges are."""
    images = as_float(images)
    ink = images > 0.1
    grey = ink & (images < 0.9)
    return grey.sum(axis=(1, 2)) / ink.sum(axis=(1, 2)).clip(1)


@dataclass
class Summary:
    """Medians (and spreads) of the statistics that matter, for tables and tolerances."""

    n: int
    extent_01: float
    """Median larger side of the bounding box at 0.1, pixels."""
    full_frame_01: float
    """Share of images whose box at 0.1 spans all 28 pixels in height or width."""
    extent_05: float
    """Median larger side of the bounding box at 0.5."""
    box_centre: tuple[float, float]
    mass_centre: tuple[float, float]
    mass_centre_spread: float
    """Standard deviation of the centre of mass, pixels (mean of rows and columns)."""
    stroke_width: float
    softness: float
    mean_ink: float
    above_half: float
    """Share of all pixels above 0.5."""
    profile: tuple[float, ...]
    """Deciles (10 %, 30 %, 50 %, 70 %, 90 %) of the ink pixels' intensity (above 0.1)."""

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs for a table."""
        return [
            ("larger side of the box at 0.1 (px, median)", f"{self.extent_01:.1f}"),
            ("box at 0.1 spans the full 28 px", f"{100 * self.full_frame_01:.0f} %"),
            ("larger side of the box at 0.5 (px, median)", f"{self.extent_05:.1f}"),
            ("box centre (row, col)", f"({self.box_centre[0]:.1f}, {self.box_centre[1]:.1f})"),
            ("centre of mass (row, col)", f"({self.mass_centre[0]:.1f}, {self.mass_centre[1]:.1f})"),
            ("centre of mass spread (px, s.d.)", f"{self.mass_centre_spread:.1f}"),
            ("stroke width at 0.5 (px, median)", f"{self.stroke_width:.2f}"),
            ("grey share of ink pixels (edge softness)", f"{self.softness:.2f}"),
            ("mean ink", f"{self.mean_ink:.3f}"),
            ("pixels above 0.5", f"{100 * self.above_half:.1f} %"),
            ("ink intensity deciles 10/30/50/70/90 %", " / ".join(f"{p:.2f}" for p in self.profile)),
        ]


def summarise(images: np.ndarray) -> Summary:
    """The :class:`Summary` of a batch of 28×28 images."""
    images = as_float(images)
    ext01 = extent(images, 0.1).max(axis=1)
    ext05 = extent(images, 0.5).max(axis=1)
    mass = mass_centre(images)
    ink = images[images > 0.1]
    return Summary(
        n=len(images),
        extent_01=float(np.median(ext01)),
        full_frame_01=float((ext01 >= images.shape[1]).mean()),
        extent_05=float(np.median(ext05)),
        box_centre=tuple(float(v) for v in np.median(box_centre(images), axis=0)),
        mass_centre=tuple(float(v) for v in mass.mean(axis=0)),
        mass_centre_spread=float(mass.std(axis=0).mean()),
        stroke_width=float(np.median(stroke_width(images))),
        softness=float(np.median(softness(images))),
        mean_ink=float(images.mean()),
        above_half=float((images > 0.5).mean()),
        profile=tuple(float(v) for v in np.quantile(ink, [0.1, 0.3, 0.5, 0.7, 0.9])) if ink.size else (0.0,) * 5,
    )
