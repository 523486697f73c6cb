"""Small standalone pyqtgraph figures for the export tests."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest


@pytest.fixture
def loss_plot(qtbot):
    """A PlotWidget with two named curves and a red selection box, in an awkwardly tall window."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(220, 900)
    widget.addLegend()
    epochs = np.arange(1, 11)
    widget.plot(epochs, 1.0 / epochs, pen=pg.mkPen(0, 0, 255, width=2), name="NetLin")
    widget.plot(epochs, 0.5 / epochs, pen=pg.mkPen(0, 160, 0, width=2), name="NetConv")
    box = pg.RectROI([2, 0.2], [3, 0.3], pen=pg.mkPen(255, 0, 0, width=4))
    widget.addItem(box)
    widget.selection_box = box
    widget.show()
    qtbot.waitExposed(widget)
    return widget
