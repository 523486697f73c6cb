"""Figures of the app go into the HTML report as inline SVG that still parses, titles included."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from explorer.core.report import ReportSection, ReportTable, build_report
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.report_figures import report_figure
from explorer.qt.widgets.table_export import table_rows


def test_plots_are_inlined_as_svg_with_their_text(loss_plot, qtbot):
    loss = Figure(loss_plot, title="Test loss, NetLin and NetConv", x_label="epoch", y_label="loss")
    figures = [report_figure(loss), report_figure(Figure(loss_plot, title="Again"), caption="Second copy")]
    assert figures[0].svg is not None and figures[0].caption == "Test loss, NetLin and NetConv"
    html = build_report([ReportSection("Kuzushiji", seed=1, figures=figures,
                                       tables=[ReportTable("Results", *table_rows((["net"], [["NetLin"]])))])])
    root = ET.fromstring(html.split("\n", 1)[1])
    svgs = list(root.iter("{http://www.w3.org/2000/svg}svg"))
    assert len(svgs) == 2
    text = " ".join("".join(t.itertext()) for t in svgs[0].iter("{http://www.w3.org/2000/svg}text"))
    assert "Test loss, NetLin and NetConv" in text and "epoch" in text and "NetConv" in text
