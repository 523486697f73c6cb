"""What the recurrent figures say (issue 19): the length chart's unit once, the machine's legend of the
language's own symbols, pair views titled by their units."""

from __future__ import annotations

from explorer.qt.recurrent import figures as recurrent_figures
from explorer.qt.widgets.figure_export import export_all as export_figures
from tests.qt.recurrent.helpers import wait_machine


def test_the_length_chart_says_its_unit_once(machine_tab, tmp_path):
    figure = recurrent_figures.figure_named(machine_tab.model, "_per_n")
    [svg] = export_figures([figure], tmp_path, formats=("svg",))
    text = svg.read_text(encoding="utf-8")
    assert "accuracy (%)" in text and "(%) (%)" not in text
    assert machine_tab.generalisation.getAxis("left").labelString().count("%") == 1  # and put back as it was


def test_the_machine_legend_lists_only_the_languages_symbols(machine_tab, qtbot):
    legend = [text for text, _ in recurrent_figures.figure_named(machine_tab.model, "_fsm").legend]
    assert legend == ["reads A", "reads B"]  # a^n b^2n has no C
    net = machine_tab.controls.network
    net.language.setCurrentIndex(net.language.findData("anb2nc3n"))
    net.language.activated.emit(net.language.currentIndex())
    wait_machine(qtbot, machine_tab)
    legend = [text for text, _ in recurrent_figures.figure_named(machine_tab.model, "_fsm").legend]
    assert legend == ["reads A", "reads B", "reads C"]


def test_pair_views_are_titled_by_their_units(machine_tab, qtbot):
    net = machine_tab.controls.network
    net.language.setCurrentIndex(net.language.findData("anb2nc3n"))
    net.language.activated.emit(net.language.currentIndex())  # the shipped SRN-4: six pairs
    titles = [view.getPlotItem().titleLabel.text for view in machine_tab.views.pairs.views]
    assert titles[:2] == ["units 0 and 1", "units 0 and 2"] and not any(t.isdigit() for t in titles)


def test_fewer_pair_views_leave_no_old_view_on_screen(machine_tab):
    """SRN-4 (six pairs), then LSTM-3 (three): the three views gone are off screen at once, not left over the others."""
    from PySide6.QtWidgets import QApplication

    from explorer.qt.recurrent.pair_views import PairView

    net = machine_tab.controls.network
    net.language.setCurrentIndex(net.language.findData("anb2nc3n"))
    net.language.activated.emit(net.language.currentIndex())
    assert len(machine_tab.views.pairs.views) == 6
    net.model.setCurrentIndex(net.model.findData("lstm"))
    net.model.activated.emit(net.model.currentIndex())
    QApplication.processEvents()  # new views show; a deferred delete would still wait
    shown = [v for v in machine_tab.views.findChildren(PairView) if v.isVisible()]
    assert len(shown) == len(machine_tab.views.pairs.views) == 3
    assert sorted(v.getPlotItem().titleLabel.text for v in shown) == [
        "units 0 and 1", "units 0 and 2", "units 1 and 2"]
