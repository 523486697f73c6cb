"""The recurrent tab's left column: the Train progress bar in view, the length chart's 'chance' off the bars."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea


def _rect_in(widget, ancestor) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def test_progress_bar_and_cancel_show_whole_when_the_column_has_room(machine_tab):
    from PySide6.QtWidgets import QApplication

    scroll = next(w for w in machine_tab.findChildren(QScrollArea) if w.widget() is machine_tab.controls)
    controls = machine_tab.controls
    need = controls.heightForWidth(scroll.viewport().width())
    # Room for the controls whole and a 230 px chart below (at 1280×860 the tab has about this):
    # a fixed split (it was 560 : 300) would still cut the controls off.
    machine_tab.resize(1280, need + 230 + 40)
    QApplication.processEvents()
    panel = controls.train.task_panel
    visible = scroll.viewport().rect()
    for widget in (panel.bar, panel.cancel_button, panel.label):
        assert visible.contains(_rect_in(widget, scroll.viewport())), widget
    assert controls.charts.height() >= 200  # and the charts keep a readable height


def test_chance_label_sits_right_of_the_bars(machine_tab):
    chart = machine_tab.generalisation
    machine_tab.controls.charts.setCurrentWidget(chart)
    assert chart.chance_label.isVisible()
    view = chart.getViewBox()
    label = chart.chance_label.mapRectToView(chart.chance_label.boundingRect())
    bars_right = max(chart.per_n) + 0.35  # bars are 0.7 wide
    assert label.left() > bars_right
    assert label.right() <= view.viewRange()[0][1] + 1e-6  # and inside the plot
