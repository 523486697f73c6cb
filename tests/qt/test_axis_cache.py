"""pyqtgraph's axes repaint from a pixmap while unchanged (issue 20), and exports still get their text as text."""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from explorer.qt.widgets.axes import LogAxis
from explorer.qt.widgets.figure_export import Figure, render_figure

CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def _plot(qtbot) -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})
    qtbot.addWidget(plot)
    plot.plot([1, 2, 3, 4], [0.9, 0.5, 0.3, 0.2])
    plot.setLogMode(y=True)
    plot.setLabel("bottom", "epoch")
    plot.resize(420, 300)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def _texts(svg: bytes) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode()) if t.strip()]


def test_the_apps_axes_are_cached_and_an_unchanged_one_is_not_drawn_again(qtbot, monkeypatch):
    plot = _plot(qtbot)
    axes = [plot.getAxis(side) for side in ("left", "bottom")]
    assert all(axis.cacheMode() == CACHED for axis in axes)  # the app's own axis classes too (LogAxis)
    plot.grab()
    painted: list[str] = []
    original = pg.AxisItem.paint
    monkeypatch.setattr(pg.AxisItem, "paint", lambda self, *a: painted.append(self.orientation) or original(self, *a))
    plot.plotItem.titleLabel.setText("a new title")  # the view repaints, its axes unchanged
    plot.grab()
    assert painted == []
    plot.setXRange(0, 10)  # a new range: the bottom axis draws itself again
    plot.grab()
    assert "bottom" in painted


@pytest.mark.parametrize("through", ["scene", "widget"])
def test_svg_and_pdf_exports_get_the_axes_text_not_pictures_of_it(qtbot, through):
    plot = _plot(qtbot)
    plot.grab()  # the cache is filled
    if through == "scene":
        figure = Figure(plot, title="loss")
    else:  # a panel with a plot in it, painted as a widget
        panel = QWidget()
        qtbot.addWidget(panel)
        layout = QVBoxLayout(panel)
        layout.addWidget(QLabel("a panel"))
        plot.setParent(panel)
        layout.addWidget(plot)
        panel.resize(440, 360)
        panel.show()
        figure = Figure(panel, title="loss")
    svg = render_figure(figure, "svg")
    texts = _texts(svg)
    assert "epoch" in texts and "0.5" in texts and ({"2", "2.0"} & set(texts))  # the axes' label and ticks, as text
    if through == "scene":
        assert b"<image" not in svg  # (a widget's plot brings its view's cached white background as one)
    pdf = render_figure(figure, "pdf")
    assert pdf.startswith(b"%PDF") and (through == "widget" or b"/Subtype /Image" not in pdf)
    assert all(plot.getAxis(side).cacheMode() == CACHED for side in ("left", "bottom"))  # cached again
    png = render_figure(figure, "png")
    assert png.startswith(b"\x89PNG") and np.frombuffer(png, np.uint8).size > 1000
