"""Tables and curves export as data: CSV that round-trips, tab-separated text on the clipboard."""

from __future__ import annotations

import csv

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from explorer.core.table_export import curves_to_csv
from explorer.qt.widgets.table_export import (
    copy_table,
    export_table_csv,
    install_table_actions,
    plot_curves,
    table_rows,
)


def _results_table(qtbot) -> QTableWidget:
    table = QTableWidget(2, 3)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["net", "accuracy (%)", "test loss"])
    for r, row in enumerate([("NetLin", "69.8", "1.0123"), ("NetConv", "93.1", "0.2544")]):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    return table


def test_table_view_exports_as_csv_that_reads_back(qtbot, tmp_path):
    path = export_table_csv(_results_table(qtbot), tmp_path / "results.csv")
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["net", "accuracy (%)", "test loss"], ["NetLin", "69.8", "1.0123"], ["NetConv", "93.1", "0.2544"]]


def test_copy_puts_tab_separated_text_on_the_clipboard(qtbot):
    table = _results_table(qtbot)
    copy_table(table)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["net", "accuracy (%)", "test loss"]
    assert lines[2].split("\t") == ["NetConv", "93.1", "0.2544"]
    actions = install_table_actions(table, "results")
    assert [a.text() for a in actions] == ["Copy table", "Export as CSV…"]


def test_row_labels_of_a_model_become_the_first_column(qtbot):
    model = QStandardItemModel(2, 2)
    model.setHorizontalHeaderLabels(["お", "き"])
    model.setVerticalHeaderLabels(["お", "き"])
    for r in range(2):
        for c in range(2):
            model.setItem(r, c, QStandardItem(str(10 * r + c)))
    headers, rows = table_rows(model)
    assert headers == ["", "お", "き"]
    assert rows == [["お", "0", "1"], ["き", "10", "11"]]


def test_training_curves_have_real_column_names(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.addLegend()
    plot.plot([1, 2, 3], [0.9, 0.5, 0.25], name="NetLin loss")
    plot.plot([1, 2], [0.7, 0.3], name="NetConv loss")
    text = curves_to_csv(plot_curves(plot), x_name="epoch")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["epoch", "NetLin loss", "NetConv loss"]
    assert rows[1:] == [["1", "0.9", "0.7"], ["2", "0.5", "0.3"], ["3", "0.25", ""]]
    assert np.isclose(float(rows[3][1]), 0.25)
