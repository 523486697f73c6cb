"""The activation table: each point's hidden activations, output, target and ✓/✗ (under "correct").

A model/view table (issue 9): :class:`ActivationModel` holds the numbers as
numpy arrays and formats a cell only when the view paints it, so a data set of
a million points costs one array per column, not a widget item per cell, and a
new network is one ``dataChanged`` signal. The numbers are computed by the
experiment's model (:func:`explorer.core.mlp.model.evaluate`, in a background
task for a large data set); the table only shows them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from explorer.core.mlp.model import CORRECT, Evaluation, cell_text
from explorer.qt.widgets.table_export import install_table_actions

RIGHT = QColor(225, 245, 225)
WRONG = QColor(250, 215, 215)
_Index = QModelIndex | QPersistentModelIndex


#: Rows the table is tall enough to show whole (the course's grid has nine points).
ROWS_SHOWN = 9
_fmt = cell_text


def _full(value: float) -> str:
    return f"{value:.10g}"


HEADER_TIPS = {
    "x": "the point's x", "y": "the point's y", "output": "the net's output (right when ≥ 0.5 for target 1)",
    "target": "the point's target (0 or 1)", CORRECT: "✓ where the net gets the point right, ✗ where not",
}


class ActivationModel(QAbstractTableModel):
    """Columns x, y, h0…h(H-1), output, target and ✓/✗; one row per data point."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._columns: list[np.ndarray] = []
        self._headers: list[str] = []
        self._correct = np.zeros(0, bool)
        self._targets = np.zeros(0, np.int64)

    def set_evaluation(self, evaluation: Evaluation) -> None:
        """Show an evaluation of the model (:meth:`~explorer.core.mlp.model.MLPModel.evaluate`): arrays only."""
        headers = list(evaluation.headers)
        reshaped = headers != self._headers or len(evaluation) != len(self._targets)
        if reshaped:
            self.beginResetModel()
        self._headers, self._columns = headers, list(evaluation.columns)
        self._correct, self._targets = evaluation.correct, evaluation.targets
        if reshaped:
            self.endResetModel()
        elif len(self._targets):
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    @property
    def headers(self) -> list[str]:
        return list(self._headers)

    def rows(self, limit: int | None = None):
        """The display text of each row (the first ``limit`` rows), without a Qt call per cell."""
        n = len(self._targets) if limit is None else min(limit, len(self._targets))
        for r in range(n):
            yield [*(_fmt(float(c[r])) for c in self._columns), str(int(self._targets[r])),
                   "✓" if self._correct[r] else "✗"]

    # Qt model API --------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        return 0 if parent.isValid() else len(self._targets)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return HEADER_TIPS.get(self._headers[section] if 0 <= section < len(self._headers) else "",
                                   "the hidden unit's activation")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col < len(self._columns):
                return _fmt(float(self._columns[col][row]))
            if col == len(self._columns):
                return str(int(self._targets[row]))
            return "✓" if self._correct[row] else "✗"
        if role == Qt.ItemDataRole.ToolTipRole:
            if col < len(self._columns):
                return f"{self._headers[col]} = {_full(float(self._columns[col][row]))}"
            if col == len(self._columns) + 1:
                return "the net gets this point right" if self._correct[row] else "the net gets this point wrong"
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return RIGHT if self._correct[row] else WRONG
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class ActivationTable(QTableView):
    """Read-only view of an :class:`ActivationModel`; right-click copies or exports it as CSV."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("activationTable")
        self.model_ = ActivationModel(self)
        self.setModel(self.model_)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        # Fixed row heights and column widths: measuring a million rows' contents would freeze the window.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        # Every column in view without scrolling sideways (issue 19): the columns share the width.
        # Only past the columns' minimum (many hidden units) does the table scroll sideways.
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("0.0000") + 10)
        self.setMinimumWidth(260)
        install_table_actions(self, "activation_table")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Tall enough for the header and the rows, up to :data:`ROWS_SHOWN` (more scroll)."""
        hint = super().sizeHint()
        rows = min(max(self.model_.rowCount(), 3), ROWS_SHOWN)
        height = self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize()
        return QSize(hint.width(), height + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        height = self.horizontalHeader().sizeHint().height() + 3 * self.verticalHeader().defaultSectionSize()
        return QSize(hint.width(), height + 2 * self.frameWidth())

    def show_evaluation(self, evaluation: Evaluation) -> None:
        """Show the model's evaluation of the net on the data set (computed elsewhere)."""
        rows = self.model_.rowCount()
        self.model_.set_evaluation(evaluation)
        if self.model_.rowCount() != rows:
            self.updateGeometry()  # its height follows the rows, up to ROWS_SHOWN

    def rowCount(self) -> int:  # noqa: N802 - the name QTableWidget had, which callers use
        """Rows shown: one per data point."""
        return self.model_.rowCount()

    def column_texts(self, header: str) -> list[str]:
        """The texts of the column called ``header``, as shown (for tests and copy)."""
        model = self.model_
        col = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == header)
        return [model.data(model.index(r, col)) for r in range(model.rowCount())]
