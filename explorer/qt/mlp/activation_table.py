"""The activation table: each point's hidden activations, output, target and ✓/✗."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from explorer.core.mlp.analysis import TableRow

RIGHT = QColor(225, 245, 225)
WRONG = QColor(250, 215, 215)


def _fmt(value: float) -> str:
    return f"{value:.3g}" if value not in (0.0, 1.0) else f"{value:.0f}"


class ActivationTable(QTableWidget):
    """Read-only; rebuilt cell texts in place on every change."""

    def __init__(self, parent=None):
        super().__init__(0, 0, parent)
        self.setObjectName("activationTable")
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(False)

    def show_rows(self, rows: list[TableRow]) -> None:
        hidden = len(rows[0].hidden) if rows else 0
        headers = ["x", "y", *[f"h{j}" for j in range(hidden)], "output", "target", ""]
        if self.columnCount() != len(headers):
            self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [_fmt(row.x), _fmt(row.y), *[_fmt(v) for v in row.hidden], _fmt(row.output), str(row.target)]
            values.append("✓" if row.correct else "✗")
            for c, text in enumerate(values):
                item = self.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.setItem(r, c, item)
                item.setText(text)
                item.setBackground(RIGHT if row.correct else WRONG)
        self.resizeColumnsToContents()

    def column_texts(self, header: str) -> list[str]:
        """The texts of the column called ``header`` (for tests and copy)."""
        col = next(c for c in range(self.columnCount()) if self.horizontalHeaderItem(c).text() == header)
        return [self.item(r, col).text() for r in range(self.rowCount())]
