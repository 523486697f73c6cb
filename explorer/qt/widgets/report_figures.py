"""Figures of the app as report figures: 2-D as SVG text, 3-D as PNG bytes.

API: ``report_figure(figure, caption=None, size=None) -> ReportFigure`` for
:func:`explorer.core.report.build_report`; ``figure`` is a
:class:`~explorer.qt.widgets.figure_export.Figure` or a widget.
"""

from __future__ import annotations

from explorer.core.report import ReportFigure
from explorer.qt.widgets.figure_export import Figure, render_figure

#: Report figures are drawn at print width: 1200 px at 2× is a 15 cm column at 200 dpi.
REPORT_WIDTH = 1200


def report_figure(figure, caption: str | None = None, size=None) -> ReportFigure:
    """Render ``figure`` for the HTML report (vector where it can be, PNG for 3-D)."""
    figure = Figure.of(figure)
    caption = caption if caption is not None else figure.title
    if figure.kind == "3d":
        return ReportFigure(caption, png=render_figure(figure, "png", size=size, width=REPORT_WIDTH))
    return ReportFigure(caption, svg=render_figure(figure, "svg", size=size, width=REPORT_WIDTH).decode("utf-8"))
