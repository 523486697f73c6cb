"""Thin pens (issue 21): strokes widened to KMNIST's width exactly, and no fine stroke erased beside a wide one."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.kuzushiji import preprocess
from explorer.core.kuzushiji.preprocess import (
    FILL,
    STROKE_WIDTH,
    WORK,
    normalise_strokes,
    thin_strokes,
)

TARGET = STROKE_WIDTH * WORK / FILL
"""KMNIST's stroke width at the working size (13.4 pixels)."""
MARGIN = WORK // 4


def h_shape(width: int) -> np.ndarray:
    """A 208×208 crop of an "H" drawn with a pen ``width`` pixels wide (no scaling at the working size)."""
    crop = np.zeros((WORK, WORK), np.float32)
    crop[:, 20 : 20 + width] = 1
    crop[:, 180 : 180 + width] = 1
    crop[100 : 100 + width, 20 : 180 + width] = 1
    return crop


@pytest.mark.parametrize("width", [3, 5, 7, 9])
def test_a_thin_pens_strokes_are_widened_to_the_target_to_a_fraction_of_a_pixel(width):
    strokes = normalise_strokes(h_shape(width))
    row = strokes[MARGIN + 50]  # across both upright strokes, away from the crossbar
    left, right = row[: MARGIN + 110].sum(), row[MARGIN + 110 :].sum()
    # Whole-pixel dilation made these 13 pixels (each side short by the fraction of a pixel).
    assert left == pytest.approx(TARGET, abs=0.05) and right == pytest.approx(TARGET, abs=0.05)
    assert strokes.min() >= 0.0 and strokes.max() == 1.0


def test_widened_strokes_keep_their_shape_and_holes():
    strokes = normalise_strokes(h_shape(3))
    inner = strokes[MARGIN + 20 : MARGIN + 80, MARGIN + 40 : MARGIN + 160]
    assert inner.max() == 0.0  # the H's open spaces stay open
    assert strokes[MARGIN + 101, MARGIN + 100] == 1.0  # the crossbar is there


def test_a_fine_stroke_beside_a_wide_one_survives_thinning():
    mask = np.zeros((200, 200), bool)
    mask[20:180, 40:76] = True  # a wide stroke, 36 pixels
    mask[20:180, 90:95] = True  # a fine one, 5 pixels, 14 pixels away
    thinned = thin_strokes(mask, 6, keep=1.5, width=36)
    assert thinned[100, 30:80].sum() == 24  # the wide stroke lost 6 pixels each side
    fine = thinned[:, 84:100]
    assert fine[100].sum() == 3  # the fine one only down to 2 × keep
    assert fine[20:180].any(axis=1).sum() >= 150  # and it is still there along its whole length


def test_a_thick_pen_is_thinned_to_the_target_without_losing_a_fine_stroke():
    crop = np.zeros((WORK, WORK), np.float32)
    crop[:, 30:60] = 1  # thick strokes, 30 pixels
    crop[:, 150:180] = 1
    crop[:, 100:104] = 1  # and one fine stroke between them
    strokes = normalise_strokes(crop)
    row = strokes[MARGIN + 100]
    assert row[MARGIN + 20 : MARGIN + 80].sum() < preprocess.WORK / 10  # thinned well below 30
    assert row[MARGIN + 95 : MARGIN + 110].sum() >= 3  # the fine stroke kept
