"""The measurements the drawing preprocessing is calibrated with, on images whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.kuzushiji import ink_stats


def bars(widths: list[int]) -> np.ndarray:
    """One 28×28 uint8 image per width: a vertical bar of that width, rows 4..23, left edge at column 8."""
    images = np.zeros((len(widths), 28, 28), np.uint8)
    for image, width in zip(images, widths, strict=True):
        image[4:24, 8 : 8 + width] = 255
    return images


def test_box_extent_and_centres():
    images = bars([2, 6])
    assert ink_stats.bounding_box(images, 0.5).tolist() == [[4, 23, 8, 9], [4, 23, 8, 13]]
    assert ink_stats.extent(images, 0.5).tolist() == [[20, 2], [20, 6]]
    np.testing.assert_allclose(ink_stats.box_centre(images), [[13.5, 8.5], [13.5, 10.5]])
    np.testing.assert_allclose(ink_stats.mass_centre(images), [[13.5, 8.5], [13.5, 10.5]])
    assert ink_stats.bounding_box(np.zeros((1, 28, 28)), 0.1).tolist() == [[-1, -1, -1, -1]]


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8])
def test_stroke_width_of_a_bar_is_its_width(width):
    assert ink_stats.stroke_width(bars([width]))[0] == pytest.approx(width, abs=0.3)
    big = np.zeros((200, 200), bool)
    big[20:180, 50 : 50 + 4 * width] = True
    big[90 : 90 + 4 * width, 20:180] = True  # a cross: the junction does not change the typical width
    assert ink_stats.stroke_width_of(big) == pytest.approx(4 * width, rel=0.1, abs=1)


def test_summary_of_hard_edged_bars():
    summary = ink_stats.summarise(bars([3, 3]))
    assert summary.n == 2 and summary.extent_01 == 20 and summary.full_frame_01 == 0
    assert summary.softness == 0  # all ink pixels are saturated
    assert summary.mean_ink == pytest.approx(60 / 784) and summary.above_half == pytest.approx(60 / 784)
    assert summary.profile == (1.0,) * 5
    assert summary.stroke_width == pytest.approx(3, abs=0.3)
    assert dict(summary.rows())["stroke width at 0.5 (px, median)"] == f"{summary.stroke_width:.2f}"
