"""Axis scaling for unitless quantities: no SI prefixes.

pyqtgraph rescales an axis with an SI prefix when its values are small or
large ("unit 1 (x0.001)" with ticks -500…500 for values -0.5…0.5). That reads
as nonsense for activations, losses and counts, which have no unit.

API: ``plain_axes(plot)`` turns the prefix off on every axis of a PlotItem,
PlotWidget or GraphicsLayoutWidget whose label has no unit (all axes with
``all_axes=True``); returns the axes it changed.

``LogAxis(orientation)`` -- an axis for log-scale plots (loss curves) whose
tick labels never run together: pyqtgraph labels every 2…9 × 10^k when the
range is under a decade, so a short loss chart read "0.06 0.07 0.08" on top
of each other, and only "1" and "2" over a wide one. This one labels the
densest of 1–9, 1-2-5, 1-3 or 1 (×10^k) that has room, and every other
decade when even those crowd; and three labels with two significant figures
when fewer than three round ones fit (a chart of a loss between 0.3 and 0.7).

``PercentAxis(orientation)`` -- a 0–100 % axis with at least 0, 50 and 100.

``cache_axis_pictures()`` -- every pyqtgraph axis made from then on repaints from a pixmap while it is
unchanged; ``uncached_axes(scenes)`` -- a context without that cache, for painting to SVG and PDF.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Iterable, Iterator

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def cache_axis_pictures() -> None:
    """Every pyqtgraph axis made from now on keeps its last painting as a pixmap (issue 20).

    pyqtgraph draws an axis (ticks, their labels) into a ``QPicture`` when it changes and replays
    the picture at every repaint of its view, laying the text out again: about 1.5 ms an axis. Views
    repaint with their axes unchanged all the time (a step along the string, a tab shown, a live
    frame of the MLP's regions), and the replays were most of it: a step of the recurrent tab took
    25 ms, showing that tab 80-95 ms; with Qt's device-coordinate cache 18-20 and 55-64 ms. An axis
    that changes (a new range, ticks, font or pen) calls ``update()``, which redraws the pixmap.
    Painting to SVG or PDF must go around the cache, or the axes come out as pictures of text:
    :func:`uncached_axes`. :func:`explorer.qt.app.configure_runtime` calls this; later calls do nothing.
    """
    if getattr(pg.AxisItem, "_explorer_cached", False):
        return
    original = pg.AxisItem.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):  # noqa: N807 - pyqtgraph's constructor, wrapped
        original(self, *args, **kwargs)
        self.setCacheMode(_CACHED)

    pg.AxisItem.__init__ = __init__
    pg.AxisItem._explorer_cached = True


@contextlib.contextmanager
def uncached_axes(scenes: Iterable[QGraphicsScene | None]) -> Iterator[None]:
    """The axes of ``scenes`` painted directly (text as text) inside the context, cached again after it."""
    axes = [item for scene in scenes if scene is not None for item in scene.items()
            if isinstance(item, pg.AxisItem) and item.cacheMode() == _CACHED]
    for axis in axes:
        axis.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for axis in axes:
            axis.setCacheMode(_CACHED)


def _plot_items(target) -> list[pg.PlotItem]:
    if isinstance(target, pg.PlotWidget):
        return [target.getPlotItem()]
    if isinstance(target, pg.PlotItem):
        return [target]
    if isinstance(target, pg.GraphicsLayoutWidget):
        target = target.ci
    if isinstance(target, pg.GraphicsLayout):
        found = []
        for item in target.items:
            found.extend(_plot_items(item))
        return found
    return []


def plain_axes(target, all_axes: bool = False) -> list[pg.AxisItem]:
    """Turn off SI prefixes on the unitless axes of ``target``."""
    changed = []
    for plot in _plot_items(target):
        for side in ("left", "bottom", "right", "top"):
            axis = plot.getAxis(side)
            if all_axes or not axis.labelUnits:
                # enableAutoSIPrefix(False) alone is not enough in pyqtgraph 0.14: it
                # recomputes the scale once more on the way out and keeps it, so the
                # ticks stay multiplied by 1000 while the "(x0.001)" note disappears.
                # No SI range at all makes that last computation come out as 1.
                axis.setSIPrefixEnableRanges(())
                axis.enableAutoSIPrefix(False)
                changed.append(axis)
    return changed


class LogAxis(pg.AxisItem):
    """Log-scale ticks thinned to the room the axis has (use with ``setLogMode``)."""

    MANTISSAS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3), (1,))

    def _label_room(self) -> float:
        """Pixels one label needs along the axis, with a gap."""
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        if self.orientation in ("left", "right"):
            return metrics.height() + 4.0
        return metrics.horizontalAdvance("0.0005") + 8.0

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802 - pyqtgraph override
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal or size <= 0:
            return []
        per_unit = size / (maxVal - minVal)
        room = self._label_room()
        first, last = math.floor(minVal), math.ceil(maxVal)
        fitting = []
        for mantissas in self.MANTISSAS:
            values = [k + math.log10(m) for k in range(first, last + 1) for m in mantissas]
            values = [v for v in values if minVal <= v <= maxVal]
            gaps = [b - a for a, b in zip(values, values[1:], strict=False)]
            if len(values) >= 2 and min(gaps) * per_unit >= room:
                fitting.append(values)
        if fitting and len(fitting[0]) >= 3:
            return [(None, fitting[0])]
        # Under three round labels fit (a range inside one decade on a short axis, where 1-2-5 gave a
        # lone "2"): three evenly spaced values with two significant figures, when three fit at all.
        if size >= 3 * room:
            ends = [minVal + (maxVal - minVal) * f for f in (0.1, 0.5, 0.9)]
            values = sorted({math.log10(float(f"{10 ** v:.2g}")) for v in ends})
            if len(values) == 3:
                return [(None, values)]
        if fitting:
            return [(None, fitting[0])]
        decades = [float(k) for k in range(first, last + 1) if minVal <= k <= maxVal]
        step = max(1, math.ceil(room / per_unit))  # many decades on a short axis: every step-th
        return [(float(step), decades[::step])] if decades else [(None, [minVal, maxVal])]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        """Plain numbers up to three significant figures ("0.35", "2", "1e-05"), never a rounded "0.3" for 0.35."""
        strings = []
        for value in values:
            number = 10 ** float(value) * scale
            strings.append(f"{number:.3g}" if 1e-4 <= abs(number) < 1e5 else f"{number:.2g}")
        return strings


class PercentAxis(pg.AxisItem):
    """A 0–100 % axis that always labels at least 0, 50 and 100 (every 25 or 10 when there is room).

    pyqtgraph's own choice on a short chart was a lone "50".
    """

    STEPS = (10, 25, 50)  # each labels 50

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph override
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal or size <= 0:
            return []
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        room = (metrics.height() + 2.0) if self.orientation in ("left", "right") else metrics.horizontalAdvance("100") + 8.0
        per_unit = size / (maxVal - minVal)
        step = next((s for s in self.STEPS if s * per_unit >= room), 50)
        low, high = math.ceil(minVal / step) * step, math.floor(maxVal / step) * step
        values = [float(v) for v in range(int(low), int(high) + 1, step)]
        return [(float(step), values)]
