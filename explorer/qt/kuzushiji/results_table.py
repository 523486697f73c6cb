"""A table comparing trained nets: the summary a report needs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from explorer.core.kuzushiji.model import RESULT_COLUMNS, ResultRow

COLUMNS = RESULT_COLUMNS


class ResultsTable(QTableWidget):
    """One row per net, in the order they were first set; Ctrl+C copies it as tab-separated text."""

    row_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        for i in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.setToolTip("The trained nets side by side; select a row to evaluate it, Ctrl+C copies the table")
        self.keys: list[str] = []
        QShortcut(QKeySequence.StandardKey.Copy, self, self.copy_to_clipboard)
        self.itemSelectionChanged.connect(self._on_selection)

    def set_row(self, key: str, row: ResultRow) -> None:
        """Add or replace the row called ``key``."""
        if key not in self.keys:
            self.keys.append(key)
            self.insertRow(self.rowCount())
        r = self.keys.index(key)
        for c, text in enumerate(row.texts()):
            item = QTableWidgetItem(text)
            if 0 < c < len(COLUMNS) - 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(r, c, item)

    def keep_only(self, keys: list[str]) -> None:
        """Remove the rows of every key not in ``keys`` (the nets of another data set)."""
        for key in [k for k in self.keys if k not in keys]:
            self.removeRow(self.keys.index(key))
            self.keys.remove(key)

    def row_texts(self, key: str) -> dict[str, str]:
        """The texts of row ``key`` by column title."""
        r = self.keys.index(key)
        return {title: self.item(r, c).text() for c, title in enumerate(COLUMNS)}

    def as_text(self) -> str:
        """The whole table as tab-separated lines with a header."""
        lines = ["\t".join(COLUMNS)]
        for r in range(self.rowCount()):
            lines.append("\t".join(self.item(r, c).text() for c in range(len(COLUMNS))))
        return "\n".join(lines)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.as_text())

    def _on_selection(self) -> None:
        rows = {index.row() for index in self.selectedIndexes()}
        if len(rows) == 1:
            self.row_selected.emit(self.keys[rows.pop()])
