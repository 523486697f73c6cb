"""The MLP experiment's renderer: figures, exports and the lab-report section, from the model alone (issue 18).

Every function takes an :class:`~explorer.core.mlp.model.MLPModel`; none builds the
tab or reads a widget. The region plots and the curves are drawn into standalone
widgets made here from the model's numbers.

- :func:`load_model` -- the model from the user's stored work (the tab's work store
  and rescale setting), evaluated and ready to draw.
- :func:`figures` -- every plot as a :class:`Figure` named ``hid_<H>_<j>``,
  ``out_<H>`` (from :func:`explorer.core.mlp.analysis.plot_file_names`) and
  ``training_curves``.
- :func:`export_all` -- those as PNG and SVG, plus ``training_curves.csv``
  (epoch, loss, accuracy) and ``activation_table.csv`` (the curves only
  once there has been a run).
- :func:`report_sections` -- weights, dividing-line equations, activation
  table, region plots (inline SVG), and the settings and seed the last run
  actually used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.mlp import analysis
from explorer.core.mlp.model import EpochRecord, MLPModel
from explorer.core.report import ReportSection, ReportTable
from explorer.core.table_export import write_csv
from explorer.core.work_store import WorkStore
from explorer.qt.mlp.region_grid import standalone_plots
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.figure_export import export_all as export_figures
from explorer.qt.widgets.report_figures import report_figure
from explorer.qt.widgets.training_curves import TrainingCurves

#: The report lists at most this many rows of the activation table (the CSV export has them all).
REPORT_TABLE_ROWS = 200
CURVE_HEADERS = ("epoch", "loss", "accuracy (%)")
CURVES_TITLE = "Training: binary cross-entropy loss and accuracy"
#: The settings key the tab keeps its rescale factor under (``SettingsBinder("mlp")``).
SCALE_SETTING = "mlp/rescale"


def load_model() -> MLPModel:
    """The MLP model the tab would restore: the stored work (or the defaults) and the kept rescale factor."""
    from explorer.qt.settings import app_settings

    model = MLPModel.from_store(WorkStore("mlp"))
    try:
        model.set_scale(app_settings().value(SCALE_SETTING, 1))
    except UserError:
        pass  # a stored factor that does not fit leaves 1×, as the tab's spin box does
    model.evaluate()
    return model


def curves_widget(model: MLPModel) -> TrainingCurves:
    """The loss and accuracy curves of the model's run, drawn into a widget of their own."""
    curves = TrainingCurves("epoch")
    curves.start_run("loss")
    for epoch, loss, accuracy in model.curve_rows():
        curves.add_point("loss", epoch, loss, accuracy)
    curves.flush()
    return curves


def curves_figure(model: MLPModel, curves: TrainingCurves | None = None) -> Figure:
    """The loss and accuracy curves, titled with the run they belong to."""
    return Figure(curves if curves is not None else curves_widget(model), title=CURVES_TITLE,
                  note=model.curves_note(), name="training_curves", aspect=1.6)


def region_figures(model: MLPModel) -> list[Figure]:
    """One figure per hidden unit, then the output's, under the course's names."""
    weights = model.shown_weights()
    names = [Path(n).stem for n in analysis.plot_file_names(weights.hidden)]
    found = []
    for name, plot in zip(names, standalone_plots(model), strict=True):
        figure = plot.figure()
        figure.name = name
        found.append(figure)
    return found


def figures(model: MLPModel) -> list[Figure]:
    """Every figure of the experiment, named as the course names its files."""
    return [*region_figures(model), curves_figure(model)]


def write_curves_csv(history: Sequence[EpochRecord | tuple[int, float, float]], path: Path) -> Path:
    """The training curves' numbers with real column names."""
    rows = [list(r.row()) if isinstance(r, EpochRecord) else list(r) for r in history]
    return write_csv(path, CURVE_HEADERS, rows)


def export_all(model: MLPModel, folder: Path, formats: Sequence[str] = ("png", "svg"), size=None) -> list[Path]:
    """Write the region plots, the curves (PNG/SVG + CSV) and the activation table (CSV) into ``folder``.

    ``size`` is the pixel width and height of every figure (default: report-sized).
    """
    folder = Path(folder)
    rows = model.curve_rows()
    shown = region_figures(model) + ([curves_figure(model)] if rows else [])  # no run: no empty axes
    written = export_figures(shown, folder, formats=formats, size=size)
    if rows:
        written.append(write_curves_csv(rows, folder / "training_curves.csv"))
    evaluation = model.evaluate()
    written.append(write_csv(folder / "activation_table.csv", list(evaluation.headers), evaluation.rows()))
    return written


def _weights_table(model: MLPModel) -> ReportTable:
    weights = model.shown_weights()
    rows = [[f"h{j}", *weights.in_hid_weight[j], weights.hid_bias[j], weights.hid_out_weight[0, j]]
            for j in range(weights.hidden)]
    rows.append(["output", "", "", weights.out_bias[0], ""])
    return ReportTable(f"Weights as shown (×{model.scale:g})", ["unit", "w_x", "w_y", "bias", "weight to output"],
                       rows)


def report_sections(model: MLPModel) -> list[ReportSection]:
    """The MLP part of the lab report: the numbers and plots the model shows, the settings its run used."""
    weights, evaluation = model.shown_weights(), model.evaluate()
    lines = analysis.hidden_lines(weights)
    equations = ReportTable("Dividing lines (where each hidden unit switches)", ["unit", "line"],
                            [[f"h{j}", line.equation()] for j, line in enumerate(lines)])
    caption = "Activation table"
    if len(evaluation) > REPORT_TABLE_ROWS:
        caption += f" (first {REPORT_TABLE_ROWS} of {len(evaluation):,} points)"
    table = ReportTable(caption, list(evaluation.headers), list(evaluation.rows(REPORT_TABLE_ROWS)))
    settings, seed = model.run_settings()
    curves = [report_figure(curves_figure(model))] if model.curve_rows() else []
    return [ReportSection(
        title="MLP on a grid",
        settings=settings,
        seed=seed,
        text=[model.accuracy_text(evaluation)],
        tables=[_weights_table(model), equations, table],
        figures=[report_figure(figure) for figure in region_figures(model)] + curves,
    )]
