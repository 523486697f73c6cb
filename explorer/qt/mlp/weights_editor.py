"""An editable table of a 2-H-1 network's weights, with the course's names."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QTableWidget, QTableWidgetItem

from explorer.core.mlp.network import MLPWeights

COLUMNS = ("w from x", "w from y", "bias", "w to out")
HEADER_TIPS = (
    "in_hid_weight[j, 0]: weight from input x to hidden unit j",
    "in_hid_weight[j, 1]: weight from input y to hidden unit j",
    "hid_bias[j] for hidden unit j; on the output row, out_bias",
    "hid_out_weight[0, j]: weight from hidden unit j to the output",
)


def parse_number(text: str) -> float | None:
    """A finite float from a cell's text, or ``None`` (text, NaN and infinity are refused)."""
    try:
        value = float(text.strip().replace("−", "-"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def format_number(value: float) -> str:
    """A weight as a cell holds it (and an edit starts from): six significant digits."""
    return f"{value:.6g}"


#: Decimals a cell shows (its tooltip and an edit have six significant digits).
SHOWN_DECIMALS = 4


def shown_number(text: str) -> str:
    """A cell's text as displayed: at most four decimals, so "-0.206049" fits as "-0.206" (issue 19)."""
    value = parse_number(text)
    if value is None:
        return text
    shown = f"{value:.{SHOWN_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


class _ShortNumbers(QStyledItemDelegate):
    """Shows numbers to four decimals; the item keeps six digits for the tooltip and for editing."""

    def displayText(self, value, locale) -> str:  # noqa: N802 - Qt's name
        return shown_number(str(value))


class WeightsEditor(QTableWidget):
    """One row per hidden unit plus an ``output`` row holding ``out_bias``.

    Every accepted edit emits :attr:`edited` with the new weights; a refused
    one restores the cell and emits :attr:`refused` with a message.
    """

    edited = Signal(object)
    refused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("weightsEditor")
        for col, (name, tip) in enumerate(zip(COLUMNS, HEADER_TIPS, strict=True)):
            item = QTableWidgetItem(name)
            item.setToolTip(tip)
            self.setHorizontalHeaderItem(col, item)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setItemDelegate(_ShortNumbers(self))
        self.setToolTip("Type a number into any cell; the plots and the table follow at once")
        self.weights: MLPWeights | None = None
        self._filling = False
        self.itemChanged.connect(self._on_item_changed)

    def set_weights(self, weights: MLPWeights) -> None:
        """Show ``weights`` (rows follow the hidden count)."""
        self.weights = weights
        self._filling = True
        try:
            h = weights.hidden
            self.setRowCount(h + 1)
            self.setVerticalHeaderLabels([f"h{j}" for j in range(h)] + ["output"])  # h0… as in the table
            for j in range(h):
                values = (
                    weights.in_hid_weight[j, 0],
                    weights.in_hid_weight[j, 1],
                    weights.hid_bias[j],
                    weights.hid_out_weight[0, j],
                )
                for col, value in enumerate(values):
                    self._set_cell(j, col, value, editable=True)
            for col in range(len(COLUMNS)):
                self._set_cell(h, col, weights.out_bias[0] if col == 2 else None, editable=col == 2)
        finally:
            self._filling = False

    def _set_cell(self, row: int, col: int, value: float | None, editable: bool) -> None:
        item = self.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            self.setItem(row, col, item)
        item.setText("" if value is None else format_number(float(value)))
        item.setToolTip("" if value is None else f"{self.parameter_at(row, col)[0]} = {format_number(float(value))}")
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if editable:
            flags |= Qt.ItemFlag.ItemIsEditable
            item.setBackground(QColor(255, 255, 255))
        else:
            item.setBackground(QColor(235, 235, 235))
        item.setFlags(flags)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def parameter_at(self, row: int, col: int) -> tuple[str, tuple[int, ...]]:
        """The course parameter name and index behind a cell."""
        if self.weights is not None and row == self.weights.hidden:
            return "out_bias", (0,)
        return (
            ("in_hid_weight", (row, 0)),
            ("in_hid_weight", (row, 1)),
            ("hid_bias", (row,)),
            ("hid_out_weight", (0, row)),
        )[col]

    def current_value(self, row: int, col: int) -> float:
        name, index = self.parameter_at(row, col)
        return float(getattr(self.weights, name)[index])

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or self.weights is None:
            return
        row, col = item.row(), item.column()
        value = parse_number(item.text())
        if value is None:
            name, index = self.parameter_at(row, col)
            text = item.text().strip() or "an empty cell"
            self._filling = True
            item.setText(format_number(self.current_value(row, col)))
            self._filling = False
            self.refused.emit(f"{name}{list(index)}: “{text}” is not a finite number; kept {item.text()}")
            return
        name, index = self.parameter_at(row, col)
        if value == self.current_value(row, col):
            return
        self.edited.emit(self.weights.with_value(name, index, value))
