"""What a new user noticed in the recurrent charts and views (issue 19 items 5 and 6).

Each test looks at what is on screen: how many tick labels an axis draws and
whether they fit, whether a legend's rectangle meets a data point, the size
of the pair views, the header's wording beside the target bars.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF

from explorer.qt.recurrent.controls import TrainingChart
from explorer.qt.recurrent.fsm_panel import FidelityCurve, StatesNeededChart, legend_texts
from explorer.qt.recurrent.pair_views import MIN_VIEW
from explorer.qt.recurrent.step_panel import header_text
from explorer.qt.recurrent.tab import RecurrentTab
from explorer.qt.widgets.training_curves import TrainingCurves
from tests.qt.recurrent.helpers import shipped_lstm_tab, wait_machine


def _labelled_ticks(axis: pg.AxisItem) -> list[str]:
    """The tick labels ``axis`` draws now (at its current range and length)."""
    low, high = axis.range
    length = axis.geometry().height() if axis.orientation in ("left", "right") else axis.geometry().width()
    levels = axis.tickValues(low, high, length)
    values = [v for _spacing, ticks in levels for v in ticks]
    spacing = levels[0][0] if levels else 1.0
    strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing or 1.0)
    return [s for v, s in zip(values, strings, strict=True) if low - 1e-9 <= v <= high + 1e-9]


def _settle(qtbot, widget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)


def _fill(chart: TrainingChart) -> None:
    chart.start()
    for i in range(1, 60):
        chart.add(i * 100, 0.6 * np.exp(-i / 30) + 0.3, i * 1.5 if i % 5 == 0 else None)
    chart.flush()


@pytest.mark.parametrize("height", [215, 300])
def test_recurrent_training_chart_has_three_labels_on_each_axis_and_labels_apart(qtbot, height):
    chart = TrainingChart()
    qtbot.addWidget(chart)
    chart.resize(300, height)  # the charts' room at 1024×700 (240 with the tab bar) and more
    _fill(chart)
    _settle(qtbot, chart)
    loss_ticks = _labelled_ticks(chart.loss_plot.getAxis("left"))
    accuracy_ticks = _labelled_ticks(chart.accuracy_plot.getAxis("left"))
    assert len(loss_ticks) >= 3, loss_ticks  # it had none (a loss between 0.3 and 0.9 on a short axis)
    assert len(accuracy_ticks) >= 3 and {"0", "50", "100"} <= set(accuracy_ticks), accuracy_ticks
    # The two rotated y labels do not run into each other ("accuracy (%)" met "loss" at 1024).
    loss_label = chart.loss_plot.getAxis("left").label
    acc_label = chart.accuracy_plot.getAxis("left").label
    assert not loss_label.sceneBoundingRect().intersects(acc_label.sceneBoundingRect())
    for label, plot in ((loss_label, chart.loss_plot), (acc_label, chart.accuracy_plot)):
        assert label.sceneBoundingRect().height() <= plot.sceneBoundingRect().height() + 1


def test_shared_training_curves_label_0_50_100(qtbot):
    curves = TrainingCurves("epoch")
    qtbot.addWidget(curves)
    curves.resize(420, 240)
    for i in range(1, 200):
        curves.add_point("loss", i * 10, 0.7 * np.exp(-i / 50) + 0.01, min(100, 40 + i / 2))
    curves.flush()
    _settle(qtbot, curves)
    ticks = _labelled_ticks(curves.accuracy_plot.getAxis("left"))
    assert {"0", "50", "100"} <= set(ticks), ticks  # it showed only "50"
    assert len(_labelled_ticks(curves.loss_plot.getAxis("left"))) >= 3


def test_no_training_yet_shows_a_sentence_not_empty_axes(qtbot):
    chart = TrainingChart()
    qtbot.addWidget(chart)
    chart.resize(300, 215)
    _settle(qtbot, chart)
    assert chart.shows_empty_text() and "No training run yet" in chart.empty.text()
    assert chart.empty.geometry().contains(chart.loss_plot.sceneBoundingRect().toRect().center())
    _fill(chart)
    assert not chart.shows_empty_text()


def _data_points_in_scene(plot: pg.PlotItem) -> list[QPointF]:
    points = []
    for item in plot.listDataItems():
        xs, ys = item.getData()
        if xs is None:
            continue
        points += [plot.vb.mapViewToScene(QPointF(float(x), float(y))) for x, y in zip(xs, ys, strict=True)]
    return points


def test_states_needed_legend_is_off_the_data_and_says_where_they_part(qtbot):
    chart = StatesNeededChart()
    qtbot.addWidget(chart)
    chart.resize(300, 215)
    needed = [{"max_n": n, "net_states": [2, 6, 9, 12][n - 1], "language_states": [3, 6, 9, 12][n - 1]}
              for n in range(1, 5)]
    chart.show_rows(needed, [1, 1, 1, 1], parts_ways=1)  # parted at n = 1: the note was under the legend
    _settle(qtbot, chart)
    legend = chart.legend.sceneBoundingRect()
    plot_area = chart.getPlotItem().vb.sceneBoundingRect()
    assert not legend.intersects(plot_area)
    assert not any(legend.contains(p) for p in _data_points_in_scene(chart.getPlotItem()))
    assert "parts ways: n = 1" in chart.legend_entries()
    assert chart.rect().contains(legend.toRect())  # the legend is whole in the chart, not cut


def test_fidelity_chart_names_its_dashed_line(qtbot):
    curve = FidelityCurve()
    qtbot.addWidget(curve)
    curve.resize(280, 200)
    curve.show_curve([{"k": k, "fidelity": 0.5, "determinism": 0.9} for k in range(1, 10)], 5, 5)
    _settle(qtbot, curve)
    assert {"fidelity", "determinism", "auto k"} <= set(legend_texts(curve.legend))
    assert not curve.legend.sceneBoundingRect().intersects(curve.getPlotItem().vb.sceneBoundingRect())


def test_step_header_reads_the_target_distribution_then_the_string():
    uncertain = header_text(0, 18, "A", "B", [0.84, 0.16], [0.8, 0.2], "AB")
    assert "not certain (target A 0.8 / B 0.2)" in uncertain
    assert "next comes B" not in uncertain and "goes on with B" in uncertain
    certain = header_text(5, 18, "B", "B", [0.1, 0.9], [0.0, 1.0], "AB")
    assert "certainly <b>B</b>" in certain and "right" in certain


@pytest.fixture
def srn4_tab(qtbot):
    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.controls.network.show_choice("anb2nc3n", "srn", 4, 4)
    tab._on_net_choice()
    tab.show()
    yield tab
    assert tab.shutdown()


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
def test_srn4_pair_views_stay_readable_and_never_scroll_sideways(qtbot, srn4_tab, size):
    tab = srn4_tab
    tab.resize(*size)
    wait_machine(qtbot, tab)
    qtbot.wait(100)
    views = tab.views.pairs.views
    assert len(views) == 6
    scroll = tab.views.pair_scroll
    assert not scroll.horizontalScrollBar().isVisible()
    port = scroll.viewport()
    for view in views:
        assert view.width() >= MIN_VIEW[0] and view.height() >= MIN_VIEW[1], (view.width(), view.height())
        # Every column whole in the viewport's width (the third was cut at 1280).
        left = view.mapTo(port, view.rect().topLeft()).x()
        assert left >= 0 and left + view.width() <= port.width() + 1
    # The state numbers written over the views never overlap.
    for overlay in tab.machine.pair_overlays:
        rects = [overlay.label_rect(s) for s, label in enumerate(overlay.labels) if label.isVisible()]
        rects = [r for r in rects if r is not None]
        assert not any(a.adjusted(1, 1, -1, -1).intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])


def test_3d_axes_named_beside_the_view_and_selector_text_fits(qtbot, srn4_tab):
    tab = srn4_tab
    tab.resize(1024, 640)
    qtbot.wait(50)
    caption = tab.views.axes_caption
    assert caption.isVisible() and "unit 0" in caption.text() and "unit 2" in caption.text()
    assert [label.text for label in tab.views.view3d.labels] == ["x", "y", "z"]  # short tips: nothing to cut
    for box in tab.views.axis_boxes:
        for i in range(box.count()):
            text = box.itemText(i)
            assert box.fontMetrics().horizontalAdvance(text) <= box.width() - 20, (text, box.width())


def test_a_label_rect_is_where_the_number_is_drawn(qtbot):
    from explorer.qt.recurrent.fsm_overlays import PairOverlay
    from explorer.qt.recurrent.pair_views import PairView

    view = PairView()
    qtbot.addWidget(view)
    view.resize(300, 250)
    view.set_points(np.array([[0.0, 0.0], [1.0, 1.0]]), [pg.mkBrush("r")] * 2, None)
    overlay = PairOverlay(view)
    # Ten centroids on one spot: one number shows, the others would cover it.
    overlay.set_machine(np.zeros((10, 2)) + 0.5, [np.zeros((1, 2))] * 10, [])
    _settle(qtbot, view)
    overlay._thin_labels()
    shown = [s for s, label in enumerate(overlay.labels) if label.isVisible()]
    assert shown == [0] and overlay.crowded == set(range(1, 10))
    rect = overlay.label_rect(0)
    assert isinstance(rect, QRectF) and view.rect().contains(rect.center().toPoint())


def test_lstm_cell_view_exports_hidden_and_cell_pairs_without_collisions(qtbot, tmp_path):
    tab = shipped_lstm_tab(qtbot)
    try:
        tab.views.which.setCurrentIndex(tab.views.which.findData("cell"))  # the user's cell-state view
        wait_machine(qtbot, tab)
        written = {p.name for p in tab.export_all(tmp_path, formats=("png",))}
        assert {"anb2n_lstm2_01.png", "anb2n_lstm2_cell_01.png"} <= written, sorted(written)
        assert "anb2n_lstm2_training_curves.png" not in written  # no run: no empty curves
        assert tab.views.state_kind == "cell" and tab.views.pairs.views[0].windowTitle() == ""
        assert tab.views.pairs.views[0].getPlotItem().titleLabel.text == "cells 0 and 1"  # the view is as it was
    finally:
        assert tab.shutdown()
