"""The MLP tab's figures and report: export with the course's names, and the lab-report section (issue 11).

- :func:`figures` -- every plot as a :class:`Figure` named ``hid_<H>_<j>``,
  ``out_<H>`` (from :func:`explorer.core.mlp.analysis.plot_file_names`) and
  ``training_curves``.
- :func:`export_all` -- those as PNG and SVG, plus ``training_curves.csv``
  (epoch, loss, accuracy) and ``activation_table.csv`` (the curves only
  once there has been a run).
- :func:`report_section` -- weights, dividing-line equations, activation
  table, region plots (inline SVG), settings and seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.core.mlp import analysis
from explorer.core.report import ReportSection, ReportTable
from explorer.core.table_export import write_csv
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.figure_export import export_all as export_figures
from explorer.qt.widgets.report_figures import report_figure

if TYPE_CHECKING:
    from explorer.qt.mlp.tab import MLPTab

#: The report lists at most this many rows of the activation table (the CSV export has them all).
REPORT_TABLE_ROWS = 200
CURVE_HEADERS = ("epoch", "loss", "accuracy (%)")


def curves_figure(tab: MLPTab) -> Figure:
    """The loss and accuracy curves, titled with the run they belong to."""
    return Figure(tab.curves, title="Training: binary cross-entropy loss and accuracy",
                  note=tab.curves_note.text(), name="training_curves", aspect=1.6)


def figures(tab: MLPTab) -> list[Figure]:
    """Every figure of the tab, named as the course names its files."""
    names = [Path(n).stem for n in analysis.plot_file_names(tab.shown_weights().hidden)]
    found = []
    for name, plot in zip(names, tab.region_plots, strict=False):
        figure = plot.figure()
        figure.name = name
        found.append(figure)
    found.append(curves_figure(tab))
    return found


def write_curves_csv(history: Sequence[tuple[int, float, float]], path: Path) -> Path:
    """The training curves' numbers with real column names."""
    return write_csv(path, CURVE_HEADERS, [list(row) for row in history])


def export_all(tab: MLPTab, folder: Path, formats: Sequence[str] = ("png", "svg"), size=None) -> list[Path]:
    """Write the region plots, the curves (PNG/SVG + CSV) and the activation table (CSV) into ``folder``.

    ``size`` is the pixel width and height of every figure (default: report-sized).
    """
    folder = Path(folder)
    shown = [f for f in figures(tab) if f.name != "training_curves" or tab.history]  # no run: no empty axes
    written = export_figures(shown, folder, formats=formats, size=size)
    if tab.history:
        written.append(write_curves_csv(tab.history, folder / "training_curves.csv"))
    model = tab.table.model_
    written.append(write_csv(folder / "activation_table.csv", model.headers, model.rows()))
    return written


def _weights_table(tab: MLPTab) -> ReportTable:
    weights = tab.shown_weights()
    rows = [[f"h{j}", *weights.in_hid_weight[j], weights.hid_bias[j], weights.hid_out_weight[0, j]]
            for j in range(weights.hidden)]
    rows.append(["output", "", "", weights.out_bias[0], ""])
    return ReportTable(f"Weights as shown (×{tab.scale:g})", ["unit", "w_x", "w_y", "bias", "weight to output"], rows)


def report_section(tab: MLPTab) -> ReportSection:
    """The MLP part of the lab report: the numbers and plots the tab shows now."""
    weights, state = tab.shown_weights(), tab.state
    lines = analysis.hidden_lines(weights)
    equations = ReportTable("Dividing lines (where each hidden unit switches)", ["unit", "line"],
                            [[f"h{j}", line.equation()] for j, line in enumerate(lines)])
    model = tab.table.model_
    caption = "Activation table"
    if model.rowCount() > REPORT_TABLE_ROWS:
        caption += f" (first {REPORT_TABLE_ROWS} of {model.rowCount():,} points)"
    headers, rows = model.headers, list(model.rows(REPORT_TABLE_ROWS))
    train = tab.controls.train
    settings = {
        "data set": f"{state.dataset.name or 'points'} ({len(state.dataset):,} points)",
        "hidden units": weights.hidden, "activation": state.activation, "scale factor": f"×{tab.scale:g}",
        "initial weight size": train.init_std.value(), "learning rate": train.lr.value(),
        "max epochs": train.max_epochs.value(), "shown": tab.moment_text() or "the current net",
    }
    return ReportSection(
        title="MLP on a grid",
        settings=settings,
        seed=train.seed.value(),
        text=[tab.accuracy_label.text()],
        tables=[_weights_table(tab), equations, ReportTable(caption, headers, rows)],
        figures=[report_figure(plot.figure()) for plot in tab.region_plots]
        + ([report_figure(curves_figure(tab))] if tab.history else []),
    )
