"""The Kuzushiji experiment's renderer: figures, tables and report sections drawn from its model.

The renderer contract (the command line and File → Export… both call it; none of these builds a
tab or reads a widget of one):

- :func:`load_model` -- the :class:`~explorer.core.kuzushiji.model.KuzushijiModel` of the user's
  stored work, its nets evaluated on the stored data, ready to draw;
- :func:`figures` -- per net its loss curves and confusion matrix, the whole curves, the
  confusion matrix looked at and the results table, each drawn on a chart of its own from the
  model's numbers;
- :func:`export_all` -- those figures (PNG and SVG) and the training curves as CSV with real
  column names, under the names File → Export figures… always used;
- :func:`report_sections` -- the lab report's sections: per net its settings, results-table row,
  confusion matrix, most confused pairs.

Besides, every view of the tab gets right-click "Export…" through the shared mechanism
(:func:`~explorer.qt.widgets.export_dialog.install_export_action`) with a title naming the net
and epoch on show; tables get "Copy table" (tab-separated) and "Export as CSV…".
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QWidget

from explorer.core.atomic import write_text
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.evaluation import Evaluation, most_confused_pairs
from explorer.core.kuzushiji.model import KuzushijiModel, class_labels, curves_owners
from explorer.core.report import ReportSection, ReportTable
from explorer.core.table_export import rows_to_tsv, write_csv
from explorer.core.work_store import WorkStore
from explorer.qt.widgets import figure_export
from explorer.qt.widgets.export_dialog import install_export_action
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.table_export import install_table_actions, save_table_as

LABELS = class_labels()
PAIRS_IN_REPORT = 5
DRAWINGS_CSV = "kuzushiji_own_drawings.csv"
"""The kept drawings' evaluation as numbers, written by :func:`export_all`."""


# figures ---------------------------------------------------------------------------------------
def _runs_of(curves, name: str) -> list:
    """The runs of net ``name`` on chart ``curves``."""
    return [run for run in curves.runs.values() if run.curve.is_of(name)]


def _colour(run):
    return run.accuracy.opts["pen"].color()


def curves_who(curves) -> tuple[str, str]:
    """Whose curves chart ``curves`` holds, for a title and a file name (:func:`curves_owners`)."""
    return curves_owners(run.curve for run in curves.runs.values())


def _curves_chrome(curves, which: str):
    """For an export: no on-screen titles (the figure has its own) and, for accuracy, 0–100 % over the
    loss chart's epochs (on screen the axis may go higher to make room for the legend, and the x link
    to the loss chart would shift the epochs when the chart is laid out at the file's width)."""
    from explorer.qt.kuzushiji.plots import ACCURACY_BOTTOM, ACCURACY_TOP

    plot = curves.accuracy_plot
    shown: list = []

    def chrome(exporting: bool) -> None:
        if exporting:
            shown[:] = [plot.vb.viewRange()[1]]
            curves.show_titles(False)
            if which != "loss":
                epochs = curves.loss_plot.vb.viewRange()[0]
                plot.setXLink(None)
                plot.setXRange(*epochs, padding=0)
                plot.setYRange(ACCURACY_BOTTOM, ACCURACY_TOP, padding=0)
        else:
            curves.show_titles(True)
            if which != "loss" and shown:
                plot.setYRange(*shown[0], padding=0)
                plot.setXLink(curves.loss_plot)

    return chrome


def curves_figure(curves, name: str | None = None, which: str = "loss") -> Figure:
    """Loss or accuracy curves: every run, or only net ``name``'s (the others hidden while exporting)."""
    plot = curves.loss_plot if which == "loss" else curves.accuracy_plot
    runs = list(curves.runs.values()) if name is None else _runs_of(curves, name)
    hidden = [] if name is None else [
        item for run in curves.runs.values() if run not in runs
        for item in ((run.train, run.test) if which == "loss" else (run.accuracy,))
    ]
    if which != "loss":
        hidden.append(curves.legend)  # the figure's own legend names only the runs shown
    who, stem = curves_who(curves) if name is None else (nets.display_name(name), name)
    epochs = max((len(run.epoch_x) for run in runs), default=0)
    what = "training loss (solid, smoothed) and test loss (dashed)" if which == "loss" else "test accuracy"
    title = f"{who}: {what}, {epochs} epoch{'s' if epochs != 1 else ''}"
    note = "; ".join(run.label for run in runs) or "no training runs yet"
    if which == "loss" and runs:
        note += ". Training loss: running average of each epoch's batches; test loss: at the epoch's end"
    return Figure(plot, title=f"Kuzushiji-MNIST, {title}", note=note, x_label="epoch",
                  y_label="NLL loss (log scale)" if which == "loss" else "test accuracy",  # the axis adds (%)
                  legend=[(run.label, _colour(run)) for run in runs], hide=hidden, aspect=1.6,
                  chrome=_curves_chrome(curves, which),
                  name=f"kuzushiji_{stem}_{'loss' if which == 'loss' else 'accuracy'}_curves")


def whole_curves_figure(curves) -> Figure:
    """The Train page's two charts as on screen, named after the nets they hold."""
    who, stem = curves_who(curves)
    return Figure(curves, title=f"Kuzushiji-MNIST training runs, {who}: loss and test accuracy",
                  note="; ".join(run.label for run in curves.runs.values()), aspect=1.3,
                  name=f"kuzushiji_{stem}_training_curves")


def confusion_figure(page) -> Figure:
    """The confusion matrix on show (net and epoch as on screen), never the red selection box."""
    result = page.current()
    if result is None:
        return Figure(page.matrix, title="Confusion matrix: no trained net yet", kind="image",
                      hide=[page.matrix.highlight], name="kuzushiji_confusion_matrix")
    epochs = len(result.history)
    epoch = page.epoch.value()
    evaluation = result.history[epoch - 1].evaluation if 1 <= epoch <= epochs else result.evaluation

    def chrome(exporting: bool) -> None:
        page.matrix.highlight.setVisible(not exporting and page.matrix.selected is not None)

    return Figure(page.matrix, title=_matrix_title(result, epoch), note=_matrix_note(evaluation), kind="image",
                  chrome=chrome, aspect=1.15, name="kuzushiji_confusion_matrix")


def _matrix_title(result, epoch: int) -> str:
    epochs = len(result.history)
    when = f"after epoch {epoch} of {epochs}" if epochs else f"weights {result.source}"
    return f"{nets.display_name(result.name)} confusion matrix {when}"


def _matrix_note(evaluation: Evaluation | None) -> str:
    return ("rows: true class, columns: predicted class" if evaluation is None else
            f"test accuracy {evaluation.accuracy:.2f} % ({evaluation.correct:,}/{evaluation.total:,}); "
            "rows: true class, columns: predicted class")


def _current_title(page) -> str:
    result = page.current()
    if result is None:
        return "no trained net"
    epochs = len(result.history)
    return f"{nets.display_name(result.name)}" + (f", epoch {page.epoch.value()} of {epochs}" if epochs else "")


def per_class_figure(page) -> Figure:
    return Figure(page.per_class_view.bars, title=f"Per-class test accuracy: {_current_title(page)}",
                  x_label="true class", y_label="test accuracy", aspect=1.8, name="kuzushiji_per_class_accuracy")


def cell_gallery_figure(page) -> Figure:
    return Figure(page.gallery, title=f"{page.gallery_title.text()} ({_current_title(page)})", kind="image",
                  aspect=1.4, name="kuzushiji_cell_images")


def training_gallery_figure(data_page) -> Figure:
    what = "training images" if data_page.data is not None else "real examples shipped with the app"
    return Figure(data_page.gallery, title=f"Kuzushiji-MNIST {what}: {data_page.gallery_note.text()}",
                  kind="image", aspect=1.4, name="kuzushiji_training_images")


def predictions_chart(prediction) -> pg.GraphicsLayoutWidget:
    """What each net reads, as a chart of its own: a bar chart per net, no controls (the canvas has its own).

    Built from the numbers the Draw page shows (the cards' probabilities, classes and the bars each
    card shows: all ten for Kuzushiji-MNIST, the ten likeliest of Kuzushiji-49's), never by grabbing
    the page: the page's class dropdown and "Put a real one on the canvas" button are not part of a figure.
    """
    from explorer.qt.kuzushiji.prediction_panel import OTHER_BRUSH, TOP_BRUSH, class_text, kana_font

    chart = pg.GraphicsLayoutWidget()
    chart.setBackground("w")
    col = 0
    for name, card in prediction.cards.items():
        if card.isHidden():
            continue
        shown = list(card.shown)
        n = len(shown)
        probs = card.probabilities
        if probs is None:
            title = f"{nets.display_name(name)}: nothing drawn"
            heights, top = np.zeros(n), -1
        else:
            top = int(np.argmax(probs))
            heights = np.asarray(probs, float)[shown]
            # (a title is rich text: a folder's class name is the user's, shown as typed)
            answer = html.escape(class_text(card.data_set, top))
            title = f"{nets.display_name(name)} reads {answer} ({100 * probs[top]:.1f} %)"
        plot = chart.addPlot(row=0, col=col, title=title)
        plot.titleLabel.item.setFont(kana_font(10))
        plot.addItem(pg.BarGraphItem(x=np.arange(n), height=heights, width=0.7,
                                     brushes=[TOP_BRUSH if c == top else OTHER_BRUSH for c in shown]))
        plot.setYRange(0, 1, padding=0.02)
        plot.setXRange(-0.6, n - 0.4, padding=0)
        plot.setLabel("left", "probability")
        bottom = plot.getAxis("bottom")
        classes = [card.classes[c] for c in shown]
        bottom.setTicks([[(i, kana if kana == romaji else f"{kana}\n{romaji}")
                          for i, (kana, romaji) in enumerate(classes)]])
        bottom.setStyle(tickFont=kana_font(8))
        bottom.setHeight(40)
        for side in ("left", "bottom"):
            plot.getAxis(side).setTextPen("k")
            plot.getAxis(side).setPen("k")
        col += 1
    return chart


def _weights_note(prediction) -> str:
    """Where each shown net's weights came from ("NetLin: trained here, saved as …")."""
    return "; ".join(f"{nets.display_name(name)}: {card.caption.text()}" for name, card in prediction.cards.items()
                     if not card.isHidden() and card.caption.text())


def insides_figures(panel) -> dict[str, Figure]:
    """The Draw page's looks inside the nets, titled by what they show."""
    insides = panel.insides
    conv = panel.prediction.cards["conv"].caption.text()  # where NetConv's weights came from
    return {
        "drawing_feature_maps": Figure(
            insides.maps_page.figure, title="NetConv feature maps of the drawing: conv1 (32 maps), conv2 (64 maps)",
            note=f"NetConv {conv}" if conv else "", aspect=2.0, name="drawing_feature_maps"),
        "drawing_saliency": Figure(insides.saliency_page.figure, title="Saliency of the drawing", aspect=2.0,
                                   name="drawing_saliency"),
        "drawing_templates": Figure(insides.templates_page.figure, title="NetLin weight templates (red +, blue −)",
                                    aspect=1.6, name="drawing_templates"),
        "drawing_hidden_units": Figure(insides.hidden_page.figure, title="NetFull hidden activations (8 × 16)",
                                       aspect=2.0, name="drawing_hidden_units"),
        "drawing_canvas": Figure(panel.canvas, title="The drawing", kind="image", name="drawing_canvas"),
        "drawing_predictions": Figure(predictions_chart(panel.prediction), title="What each net reads in the drawing",
                                      note=_weights_note(panel.prediction), aspect=2.6, name="drawing_predictions"),
    }


# tables ----------------------------------------------------------------------------------------
def confusion_rows(matrix, labels: Sequence[str] = LABELS) -> tuple[list[str], list[list]]:
    """Headers and rows of a confusion matrix with kana labels (rows true, columns predicted)."""
    return ["true \\ predicted", *labels], [[labels[r], *(int(v) for v in matrix[r])] for r in range(len(labels))]


def install_confusion_table_actions(view) -> list[QAction]:
    """Right-click "Copy counts" (tab-separated) and "Export counts as CSV…" on the matrix."""
    copy = QAction("Copy counts", view)
    # (the view's own classes: Kuzushiji-49's 49, a folder's; KMNIST's ten gave a folder's 3×3 matrix an IndexError)
    copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(
        rows_to_tsv(*confusion_rows(view.matrix, view.labels))))
    save = QAction("Export counts as CSV…", view)

    def ask() -> None:
        save_table_as(view, lambda: confusion_rows(view.matrix, view.labels), "kuzushiji_confusion_counts.csv",
                      "Export the confusion counts")

    save.triggered.connect(ask)
    view.addAction(copy)
    view.addAction(save)
    return [copy, save]


def install(train_page, evaluation_page, data_page) -> None:
    """Right-click Export… on every figure of the tab's pages and Copy / CSV on their tables."""
    page, curves = evaluation_page, train_page.curves
    install_export_action(curves, lambda: whole_curves_figure(curves))
    install_export_action(page.matrix, lambda: confusion_figure(page))
    install_confusion_table_actions(page.matrix)
    install_export_action(page.per_class_view.bars, lambda: per_class_figure(page))
    install_export_action(page.gallery, lambda: cell_gallery_figure(page))
    install_export_action(data_page.gallery, lambda: training_gallery_figure(data_page))
    install_table_actions(train_page.results_table, "kuzushiji_results")
    install_table_actions(page.per_class, "kuzushiji_per_class_accuracy")


def install_draw_page(panel) -> None:
    """Right-click Export… on the Draw page's figures (called once the page is built)."""
    insides = panel.insides
    figures = insides_figures(panel)
    for key, widget in (("drawing_feature_maps", insides.maps_page.figure),
                        ("drawing_saliency", insides.saliency_page.figure),
                        ("drawing_templates", insides.templates_page.figure),
                        ("drawing_hidden_units", insides.hidden_page.figure)):
        install_export_action(widget, figures[key])


def view_figures(train_page, evaluation_page, data_page, draw_panel=None) -> dict[str, Figure | QWidget]:
    """The views File → Export figure offers, by file name (as on screen: net and epoch on show)."""
    page, curves = evaluation_page, train_page.curves
    loss, accuracy = curves_figure(curves, which="loss"), curves_figure(curves, which="accuracy")
    named: dict[str, Figure | QWidget] = {
        loss.name: loss,
        accuracy.name: accuracy,
        "kuzushiji_confusion_matrix": confusion_figure(page),
        "kuzushiji_per_class_accuracy": per_class_figure(page),
        "kuzushiji_results_table": train_page.results_table,
    }
    if page.gallery.count():
        named["kuzushiji_cell_images"] = cell_gallery_figure(page)
    if data_page.gallery.count():
        named["kuzushiji_training_images"] = training_gallery_figure(data_page)
    if draw_panel is not None:
        named.update(insides_figures(draw_panel))
        named.update(draw_panel.own_drawings.figures())  # the kept drawings' confusion matrix
    return named


# the renderer: figures of the model -------------------------------------------------------------
def load_model(store: WorkStore | None = None) -> KuzushijiModel:
    """The model of the user's stored work (``store``: the tab's, by default), its nets evaluated on the
    stored data when the stored evaluation is of another test set, as the tab does once the data is in."""
    from explorer.core.kuzushiji import dataset as kmnist
    from explorer.core.kuzushiji import folder_data
    from explorer.core.kuzushiji.datasets import DATASETS, KMNIST
    from explorer.qt.settings import app_settings

    key = app_settings().value("kuzushiji/dataset")  # the data set the tab shows (its Data page's choice)
    folder = folder_data.load_stored_folder() if key == folder_data.FOLDER_KEY else None
    described = folder.data.dataset if folder is not None else DATASETS.get(key, KMNIST) if isinstance(key, str) else KMNIST
    model = KuzushijiModel(dataset=described.key, data_set=described)
    model.restore(store if store is not None else WorkStore("kuzushiji"))
    data = folder.data if folder is not None else kmnist.load_stored(described)
    if data is not None and model.results:
        model.evaluate_on(data)
    model.load_drawings()  # a damaged store is set aside, one line in model.notes
    model.evaluate_drawings()  # at most thousands of 28×28 pictures: quick on the CPU
    return model


def _kept_alive(figure: Figure, *widgets) -> Figure:
    """A figure drawn on charts of its own holds them until it is exported (Qt would delete them)."""
    figure.owners = widgets
    return figure


def curves_chart(model: KuzushijiModel):
    """Every run's curves of ``model`` on a chart of their own (the Train page's chart, unshown)."""
    from explorer.qt.kuzushiji.plots import RunCurves

    chart = RunCurves()
    chart.resize(1000, 560)
    chart.show_runs(model.runs)
    return chart


def model_curves_figure(model: KuzushijiModel, name: str | None = None, which: str = "loss",
                        chart=None) -> Figure:
    """Loss or accuracy curves of every run, or only net ``name``'s, drawn from the model's numbers."""
    chart = chart if chart is not None else curves_chart(model)
    return _kept_alive(curves_figure(chart, name, which), chart)


def matrix_figure(model: KuzushijiModel, name: str | None = None) -> Figure:
    """Net ``name``'s confusion matrix after its last epoch, or (``None``) the net and epoch looked at."""
    from explorer.qt.kuzushiji.confusion_matrix import ConfusionMatrixView
    from explorer.qt.kuzushiji.prediction_panel import kana_font

    view = ConfusionMatrixView(model.labels(), kana_font(10))
    view.resize(560, 500)
    view.highlight.setVisible(False)
    shown = name if name is not None else model.selected_net
    if shown is None or shown not in model.results:
        return _kept_alive(Figure(view, title="Confusion matrix: no trained net yet", kind="image",
                                  name="kuzushiji_confusion_matrix"), view)
    epoch = model.epoch_of(shown, None if name is not None else model.selected_epoch)
    evaluation = model.evaluation_at(shown, epoch)
    if evaluation is not None:
        view.set_matrix(evaluation.confusion)
    view.grab()  # painted once, so the axes make room for their two-line labels (as on screen)
    figure = Figure(view, title=_matrix_title(model.results[shown], epoch), note=_matrix_note(evaluation),
                    kind="image", aspect=1.15,
                    name=f"kuzushiji_{shown}_confusion_matrix" if name else "kuzushiji_confusion_matrix")
    return _kept_alive(figure, view)


def results_table_figure(model: KuzushijiModel) -> Figure:
    """The Train page's results table, one row per trained net, filled from the model."""
    from explorer.qt.kuzushiji.results_table import ResultsTable

    table = ResultsTable()
    for name in model.names():
        table.set_row(name, model.result_row(name))
    table.resizeColumnsToContents()
    table.resizeRowsToContents()
    frame = 2 * table.frameWidth()
    width = sum(table.columnWidth(c) for c in range(table.columnCount())) + frame
    height = (table.horizontalHeader().sizeHint().height()
              + sum(table.rowHeight(r) for r in range(table.rowCount())) + frame)
    table.resize(max(width, 400), max(height, 60))
    return _kept_alive(Figure(table, name="kuzushiji_results_table"), table)


def drawings_matrix_figure(model: KuzushijiModel, name: str) -> Figure:
    """Net ``name``'s confusion matrix on the kept drawings, as the Draw page's Kept tab exports it."""
    from explorer.qt.kuzushiji.confusion_matrix import ConfusionMatrixView
    from explorer.qt.kuzushiji.own_drawings_evaluation import MATRIX_NOTE
    from explorer.qt.kuzushiji.prediction_panel import kana_font

    evaluation = model.drawings_evaluations[name]
    view = ConfusionMatrixView(model.labels(), kana_font(10))
    view.resize(560, 500)
    view.highlight.setVisible(False)
    view.set_matrix(evaluation.confusion)
    view.grab()  # painted once, so the axes make room for their two-line labels (as on screen)
    display = nets.display_name(name)
    figure = Figure(view, title=f"{display} confusion matrix on your kept drawings",
                    note=f"{display} on your drawings: {evaluation.describe()}; {MATRIX_NOTE}", kind="image",
                    aspect=1.15, name=f"kuzushiji_own_drawings_{name}_confusion_matrix")
    return _kept_alive(figure, view)


def figures(model: KuzushijiModel) -> list[Figure]:
    """The standard set: per net its loss curves and confusion matrix; every run's loss curves, the
    confusion matrix looked at and the results table (File → Export figures… writes these)."""
    chart = curves_chart(model)
    found = []
    for name in nets.NETS:
        if model.runs_of(name):
            found.append(model_curves_figure(model, name, "loss", chart))
        if name in model.results and model.results[name].evaluation is not None:
            found.append(matrix_figure(model, name))
    _, stem = model.curves_who()
    if f"kuzushiji_{stem}_loss_curves" not in {f.name for f in found}:  # one net's curves may be the whole set
        found.append(model_curves_figure(model, None, "loss", chart))
    found.append(matrix_figure(model))
    found.append(results_table_figure(model))
    found.extend(drawings_matrix_figure(model, name) for name in model.drawings_evaluations)
    return found


def export_all(model: KuzushijiModel, folder: str | Path, formats: Sequence[str] = ("png", "svg"),
               size=None) -> list[Path]:
    """:func:`figures` in each format, and the training curves as CSV, into ``folder``.

    ``size`` is ``(width, height)`` in pixels, or ``None`` for the report-sized default.
    """
    folder = Path(folder)
    written = figure_export.export_all(figures(model), folder, formats, size=size)
    if model.runs:
        _, stem = model.curves_who()
        written.append(write_text(folder / f"kuzushiji_{stem}_training_curves.csv", model.curves_csv()))
    if model.drawings_evaluations:
        written.append(write_csv(folder / DRAWINGS_CSV, *model.drawings_rows()))
    return written


# the lab report --------------------------------------------------------------------------------
def report_sections(model: KuzushijiModel) -> list[ReportSection]:
    """One section per net: settings, its results-table row, confusion matrix, most confused pairs."""
    from explorer.qt.widgets.report_figures import report_figure

    labels = model.labels()
    chart = curves_chart(model) if model.runs else None
    sections = []
    for name in model.names():
        result = model.results[name]
        row = model.result_row(name).by_column()
        tables = [ReportTable("Result", list(row), [list(row.values())])]
        report_figures = []
        evaluation = result.evaluation
        if evaluation is not None:
            tables.append(ReportTable("Confusion matrix (test set; rows true, columns predicted)",
                                      *confusion_rows(evaluation.confusion, labels)))
            pairs = most_confused_pairs(evaluation.confusion, PAIRS_IN_REPORT)
            tables.append(ReportTable("Most confused pairs", ["true", "predicted as", "test images"],
                                      [[labels[t], labels[p], c] for t, p, c in pairs]))
            report_figures.append(report_figure(matrix_figure(model, name)))
        if model.runs_of(name):
            report_figures.append(report_figure(model_curves_figure(model, name, "loss", chart)))
        text = [f"{row['Parameters']} parameters; test accuracy {row['Test accuracy']}, "
                f"balanced accuracy {row['Balanced accuracy']}, "
                f"test loss {row['Test loss']}; weights {result.source}."]
        settings = dict(result.config.as_dict())
        settings["parameters"] = row["Parameters"]
        sections.append(ReportSection(f"{model.description.title}: {nets.display_name(name)}", settings=settings,
                                      seed=getattr(result.config, "seed", None), text=text, tables=tables,
                                      figures=report_figures))
    if model.drawings_evaluations:
        sections.append(drawings_section(model))
    return sections


def drawings_section(model: KuzushijiModel) -> ReportSection:
    """"Your own drawings": how every trained net reads the kept drawings, the drawings per class, and each
    net's confusion matrix on them."""
    from explorer.qt.kuzushiji.own_drawings_evaluation import COLUMNS, evaluation_row
    from explorer.qt.widgets.report_figures import report_figure

    labels = model.labels()
    evaluations = model.drawings_evaluations
    counts = model.drawings.counts() if model.drawings is not None else np.zeros(len(labels), np.int64)
    tables = [
        ReportTable("Your own drawings", list(COLUMNS),
                    [evaluation_row(name, ev) for name, ev in evaluations.items()]),
        ReportTable("Your drawings per class", ["class", "drawings"],
                    [[labels[i], int(c)] for i, c in enumerate(counts) if c]),
    ]
    count = next(iter(evaluations.values())).count
    text = [f"{count} drawing{'s' if count != 1 else ''} of your own, kept on the Draw page, read by each trained "
            "net. The gap is the drawings' accuracy less the net's accuracy on the data set's test images "
            "(negative: your drawings are read worse)."]
    text += [f"{nets.display_name(name)}: {ev.describe()}." for name, ev in evaluations.items()]
    figures = [report_figure(drawings_matrix_figure(model, name)) for name in evaluations]
    return ReportSection(f"{model.description.title}: your own drawings", text=text, tables=tables, figures=figures)
