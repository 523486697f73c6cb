"""The loss charts' log axis: labels that never run together, and more than "1" and "2"."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.qt.widgets.training_curves import TrainingCurves

from .test_layout import _crowded_ticks, _settle, _tick_labels


@pytest.mark.parametrize("height, low, high", [(240, 0.06, 0.8), (600, 0.06, 0.8), (240, 0.3, 2.5), (600, 1e-4, 3.0)])
def test_loss_ticks_fit_and_say_something(qtbot, height, low, high):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.resize(400, height)
    curves.show()
    qtbot.waitExposed(curves)
    curves.add_point("run", 1, high, 50.0)
    for x, loss in enumerate(np.geomspace(high, low, 30), start=2):
        curves.add_point("run", x, float(loss), 60.0)
    curves.flush()
    curves.loss_plot.enableAutoRange()
    _settle()
    axis = curves.loss_plot.getAxis("left")
    values, texts = _tick_labels(axis)
    assert len(texts) >= 2, texts  # a scale can be read off
    assert _crowded_ticks(curves) == []
    shown = [10 ** v for v in values]
    assert min(shown) <= 10 ** math.ceil(math.log10(low) + 1e-9) * 1.01  # the low end is labelled


def test_the_y_labels_stay_beside_their_own_plots_when_the_chart_shrinks(qtbot):
    """At 1024×700 the MLP's chart is short: "loss (log)" hung below its plot and ran into "acc. (%)"."""
    curves = TrainingCurves("epoch")
    qtbot.addWidget(curves)
    curves.resize(600, 500)
    curves.show()
    qtbot.waitExposed(curves)
    _settle()
    curves.resize(600, 220)  # the window made smaller
    _settle()
    rects = {}
    for key, plot in (("loss", curves.loss_plot), ("accuracy", curves.accuracy_plot)):
        label = plot.getAxis("left").label
        rects[key] = label.mapRectToScene(label.boundingRect())
        area = plot.vb.sceneBoundingRect()
        assert area.top() - 2 <= rects[key].top() and rects[key].bottom() <= area.bottom() + 2, \
            (curves.y_label(key), rects[key], area)
    assert rects["loss"].bottom() + 4 <= rects["accuracy"].top()
