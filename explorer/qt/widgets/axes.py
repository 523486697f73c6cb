"""Axis scaling for unitless quantities: no SI prefixes.

pyqtgraph rescales an axis with an SI prefix when its values are small or
large ("unit 1 (x0.001)" with ticks -500…500 for values -0.5…0.5). That reads
as nonsense for activations, losses and counts, which have no unit.

API: ``plain_axes(plot)`` turns the prefix off on every axis of a PlotItem,
PlotWidget or GraphicsLayoutWidget whose label has no unit (all axes with
``all_axes=True``); returns the axes it changed.
"""

from __future__ import annotations

import pyqtgraph as pg


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
