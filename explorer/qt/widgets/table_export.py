"""Tables as data: CSV files and tab-separated text on the clipboard, and plot curves with real names.

API:

- ``table_rows(source) -> (headers, rows)`` -- what a QTableView,
  QTableWidget or QAbstractItemModel shows (display text, header labels).
- ``copy_table(source)`` -- put it on the clipboard as tab-separated text.
- ``export_table_csv(source, path)`` -- write it as CSV (atomically).
- ``plot_curves(plot) -> {name: (xs, ys)}`` -- the named curves of a
  PlotItem/PlotWidget, for :func:`explorer.core.table_export.curves_to_csv`.
- ``install_table_actions(view, name="table")`` -- right-click "Copy" and
  "Export as CSV…" on a table view.
- ``save_table_as(parent, table, name, title)`` -- the one "Export as CSV…":
  asks for the file (in the last table folder), writes it all at once, shows
  a failure with ``show_error``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QWidget

from explorer.core.errors import UserError
from explorer.core.table_export import rows_to_tsv, write_csv, write_table
from explorer.qt.dialogs import save_file
from explorer.qt.messages import show_error


def _model(source) -> QAbstractItemModel:
    if isinstance(source, QAbstractItemModel):
        return source
    if isinstance(source, QAbstractItemView):
        return source.model()
    raise TypeError(f"not a table: {type(source).__name__}")


def table_rows(source) -> tuple[list[str], list[list[str]]]:
    """Header labels and display text of every cell, in the order shown."""
    if isinstance(source, tuple) and len(source) == 2:
        headers, rows = source
        return [str(h) for h in headers], [list(r) for r in rows]
    model = _model(source)
    display = Qt.ItemDataRole.DisplayRole
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal, display) or "") for c in range(model.columnCount())]
    row_names = [model.headerData(r, Qt.Orientation.Vertical, display) for r in range(model.rowCount())]
    # Row labels (e.g. the true class of a confusion matrix) are data too, when they say more than a number.
    labelled = any(name is not None and str(name) != str(r + 1) for r, name in enumerate(row_names))
    rows = []
    for r in range(model.rowCount()):
        cells = [model.data(model.index(r, c), display) for c in range(model.columnCount())]
        cells = ["" if v is None else str(v) for v in cells]
        rows.append([str(row_names[r] or ""), *cells] if labelled else cells)
    if labelled:
        headers = ["", *headers]
    return headers, rows


def copy_table(source) -> str:
    """Copy the table as tab-separated text (pastes into a spreadsheet's cells); returns the text."""
    text = rows_to_tsv(*table_rows(source))
    QGuiApplication.clipboard().setText(text)
    return text


def export_table_csv(source, path: str | Path) -> Path:
    """Write the table as CSV to ``path`` (nothing half-written on failure)."""
    return write_csv(path, *table_rows(source))


def plot_curves(plot) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The named curves of a plot: ``{legend name: (xs, ys)}`` (unnamed ones are ``curve <i>``)."""
    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    curves = {}
    for i, data_item in enumerate(item.listDataItems()):
        xs, ys = data_item.getOriginalDataset() if hasattr(data_item, "getOriginalDataset") else data_item.getData()
        if xs is None:
            continue
        name = data_item.name() or f"curve {i}"
        curves[name] = (np.asarray(xs, float), np.asarray(ys, float))
    return curves


def install_table_actions(view: QAbstractItemView, name: str = "table") -> list[QAction]:
    """Right-click "Copy" (tab-separated) and "Export as CSV…" on ``view``."""
    copy = QAction("Copy table", view)
    copy.setToolTip("Copy every cell as tab-separated text (pastes into a spreadsheet)")
    copy.triggered.connect(lambda: copy_table(view))
    save = QAction("Export as CSV…", view)
    save.triggered.connect(lambda: _ask_and_export(view, name))
    view.addAction(copy)
    view.addAction(save)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return [copy, save]


def _ask_and_export(view: QAbstractItemView, name: str) -> None:
    save_table_as(view, view, f"{name}.csv")


CSV_FILTER = "CSV table (*.csv)"
TSV_FILTER = "Tab-separated (*.tsv)"


def save_table_as(
    parent: QWidget, table, name: str, title: str = "Export table", *, tab_separated: bool = False
) -> Path | None:
    """Ask where to save ``table`` as CSV, write it, and say so if it failed: every "Export as CSV…" of the app.

    Parameters
    ----------
    table
        What :func:`table_rows` reads (a table view, an item model,
        ``(headers, rows)``), or a function returning it, called once a file
        is chosen.
    name
        The file name offered, in the folder the last table went to.
    tab_separated
        Also offer tab-separated text (written for a ``.tsv`` name).

    Returns
    -------
    The file written, or ``None`` when cancelled or when writing failed
    (the reason is shown with :func:`~explorer.qt.messages.show_error`).
    """
    filters = f"{CSV_FILTER};;{TSV_FILTER}" if tab_separated else CSV_FILTER
    path = save_file(parent, title, "table", name, filters)
    if not path:
        return None
    try:
        source = table() if callable(table) else table
        headers, rows = table_rows(source)
        return write_table(path, headers, rows) if tab_separated else write_csv(path, headers, rows)
    except (UserError, OSError) as exc:
        show_error(parent, "Could not export the table", str(exc))
        return None
