"""Unitless axes show their values as they are, not rescaled with an SI prefix."""

from __future__ import annotations

import pyqtgraph as pg

from explorer.qt.widgets.axes import plain_axes


def test_small_unitless_values_keep_their_ticks_and_label(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.setLabel("left", "unit 1")
    plot.setLabel("bottom", "time", units="s")
    plot.plot([0, 1e-4, 2e-4], [-5e-4, 0.0, 5e-4])
    plot.getPlotItem().vb.autoRange()
    left = plot.getPlotItem().getAxis("left")
    left.updateAutoSIPrefix()
    assert left.autoSIPrefixScale != 1.0  # pyqtgraph's default: "unit 1 (x0.001)"-style scaling
    changed = plain_axes(plot)
    assert left in changed and plot.getPlotItem().getAxis("bottom") not in changed  # seconds keep "ms"
    assert left.autoSIPrefixScale == 1.0 and "x0.0" not in left.labelString()


def test_every_plot_of_a_layout_is_covered(qtbot):
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plots = [layout.addPlot(row=0, col=i) for i in range(3)]
    changed = plain_axes(layout)
    assert {id(p.getAxis("left")) for p in plots} <= {id(a) for a in changed}


def test_tick_labels_show_the_values_themselves(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.setLabel("left", "unit 1")
    plot.plot([0, 1], [-5e-4, 5e-4])
    plot.getPlotItem().vb.autoRange()
    left = plot.getPlotItem().getAxis("left")
    plain_axes(plot)
    plot.setLabel("left", "unit 1 again")  # a later relabel must not bring the prefix back
    values = [v for _spacing, ticks in left.tickValues(-5e-4, 5e-4, 400) for v in ticks]
    strings = left.tickStrings(values, left.autoSIPrefixScale * left.scale, 1e-4)
    assert max(abs(float(s.replace("−", "-"))) for s in strings) <= 5e-4 + 1e-12
