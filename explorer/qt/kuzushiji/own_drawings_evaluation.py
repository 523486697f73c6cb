"""How every trained net reads the kept drawings: a table (Copy, CSV) and the chosen net's confusion matrix.

The numbers are :meth:`~explorer.core.kuzushiji.own_drawings.OwnDrawings.evaluate`'s, computed in a
background task by :func:`evaluate_nets_on`; :class:`DrawingsEvaluationView` only shows them. The
matrix is the tab's own confusion-matrix widget; as a figure it is exported with right-click Export…
and File → Export figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.own_drawings import DrawingsEvaluation, OwnDrawings, net_classifier
from explorer.core.progress import Progress, ProgressGenerator
from explorer.qt.kuzushiji.prediction_panel import kana_font
from explorer.qt.widgets.export_dialog import install_export_action
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.table_export import copy_table, save_table_as

if TYPE_CHECKING:
    from torch import nn

COLUMNS = ("Net", "Drawings", "Accuracy", "Balanced accuracy", "Test accuracy", "Gap (points)")
CSV_NAME = "kuzushiji_own_drawings_evaluation.csv"
MATRIX_NOTE = "rows: the class each drawing was kept as, columns: the class the net read"


def evaluate_nets_on(store: OwnDrawings, models: dict[str, nn.Module], test_accuracy: dict[str, float | None]
                     ) -> ProgressGenerator[dict[str, DrawingsEvaluation]]:
    """Each net's reading of the kept drawings (``models`` are copies: the Draw page goes on using its own)."""
    found = {}
    for done, (name, model) in enumerate(models.items()):
        yield Progress(done, len(models), f"{nets.display_name(name)} reads your drawings")
        found[name] = store.evaluate(net_classifier(model), test_accuracy.get(name))
    return found


def percent(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.1f} %"


def evaluation_row(name: str, evaluation: DrawingsEvaluation) -> list[str]:
    """One row of the evaluation table (and of its CSV), as shown."""
    gap = evaluation.gap
    return [nets.display_name(name), str(evaluation.count), percent(evaluation.accuracy),
            percent(evaluation.balanced_accuracy), percent(evaluation.test_accuracy),
            "–" if gap is None else f"{gap:+.1f}"]


class DrawingsEvaluationView(QWidget):
    """Evaluate / CSV buttons and a status line, the table of every net's numbers, the chosen net's matrix."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.evaluations: dict[str, DrawingsEvaluation] = {}
        self.stale = False
        """Whether the evaluations are of an earlier kept set."""
        self.labels: list[str] = []
        self.matrix = None
        self.evaluate_button = QPushButton("Evaluate every net")
        self.csv_button = QPushButton("Export as CSV…")
        self.csv_button.setToolTip("The evaluation table as a CSV file")
        self.csv_button.clicked.connect(self._ask_csv)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it names folders chosen by the user
        self.status.setObjectName("keptStatus")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("keptEvaluation")
        # Two-line titles leave the numbers the width; the CSV and Copy use the one-line names.
        self.table.setHorizontalHeaderLabels([title.replace(" ", "\n", 1) if len(title) > 8 else title
                                              for title in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.currentCellChanged.connect(self._on_row_changed)
        copy_action = QAction("Copy table", self.table)
        copy_action.setToolTip("Copy every cell as tab-separated text (pastes into a spreadsheet)")
        copy_action.triggered.connect(lambda: copy_table(self.table_rows()))
        csv_action = QAction("Export as CSV…", self.table)
        csv_action.triggered.connect(self._ask_csv)
        self.table.addActions([copy_action, csv_action])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.matrix_title = QLabel()
        self.matrix_title.setTextFormat(Qt.TextFormat.PlainText)
        self.matrix_title.setObjectName("keptMatrixTitle")
        self.matrix_title.setFont(kana_font(9))
        self.matrix_title.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.evaluate_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.status, 1)
        matrix_side = QWidget()
        self.matrix_box = QVBoxLayout(matrix_side)
        self.matrix_box.setContentsMargins(0, 0, 0, 0)
        self.matrix_box.addWidget(self.matrix_title)
        # The table above the matrix: side by side, neither is readable in a 1024-pixel window.
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(matrix_side)
        split.setStretchFactor(1, 1)
        split.setSizes([130, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)

    def set_classes(self, labels: list[str]) -> None:
        """The classes of the data set in use (a new, empty matrix)."""
        from explorer.qt.kuzushiji.confusion_matrix import ConfusionMatrixView

        if self.matrix is not None:
            self.matrix_box.removeWidget(self.matrix)
            self.matrix.setParent(None)  # out of the page now, not at the event loop's next turn
            self.matrix.deleteLater()
        self.labels = list(labels)
        self.matrix = ConfusionMatrixView(self.labels, kana_font(10))
        self.matrix.setObjectName("keptConfusionMatrix")
        # (its page, under the table, has about 220 px for it in a 1024×700 window: 10 rows of 17 px)
        self.matrix.setMinimumSize(320, 200)
        self.matrix.highlight.setVisible(False)
        self.matrix_box.addWidget(self.matrix, 1)
        install_export_action(self.matrix, self.matrix_figure)
        self.show_evaluations({}, False)

    def show_evaluations(self, evaluations: dict[str, DrawingsEvaluation], stale: bool) -> None:
        """Show ``evaluations`` (net name → numbers); ``stale``: of an earlier kept set."""
        current = self.current_net()
        self.evaluations, self.stale = dict(evaluations), stale
        _, rows = self.table_rows()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        names = list(self.evaluations)
        row = names.index(current) if current in names else (names.index("conv") if "conv" in names else 0)
        if names:
            self.table.setCurrentCell(row, 0)
        self.table.blockSignals(False)
        self.csv_button.setEnabled(bool(self.evaluations))
        self._show_matrix()

    def table_rows(self) -> tuple[list[str], list[list[str]]]:
        """The evaluation table as shown: headers and one row per net."""
        return list(COLUMNS), [evaluation_row(name, ev) for name, ev in self.evaluations.items()]

    def current_net(self) -> str | None:
        """The net whose confusion matrix is shown."""
        row = self.table.currentRow()
        names = list(self.evaluations)
        return names[row] if 0 <= row < len(names) else None

    def select_net(self, name: str) -> None:
        names = list(self.evaluations)
        if name in names:
            self.table.setCurrentCell(names.index(name), 0)

    @Slot(int, int, int, int)
    def _on_row_changed(self, *_args) -> None:
        self._show_matrix()

    def _show_matrix(self) -> None:
        if self.matrix is None:
            return
        name = self.current_net()
        n = len(self.labels)
        evaluation = self.evaluations.get(name) if name else None
        self.matrix.set_matrix(evaluation.confusion if evaluation is not None else np.zeros((n, n), np.int64))
        self.matrix_title.setText(self.matrix_heading())

    def matrix_heading(self) -> str:
        """What the confusion matrix shows, in one line."""
        name = self.current_net()
        if name is None:
            return "Confusion matrix of your drawings: evaluate the nets to see it"
        return f"{nets.display_name(name)} on your drawings: {self.evaluations[name].describe()}"

    def matrix_figure(self) -> Figure:
        """The confusion matrix on show, as a figure (right-click Export…, File → Export figure)."""
        name = self.current_net()

        def chrome(exporting: bool) -> None:
            self.matrix.highlight.setVisible(not exporting and self.matrix.selected is not None)

        note = MATRIX_NOTE
        if self.stale:
            note += " (of the kept set before its latest changes)"
        title = (f"{nets.display_name(name)} confusion matrix on your kept drawings" if name else
                 "Confusion matrix of your kept drawings: not evaluated yet")
        return Figure(self.matrix, title=title, note=f"{self.matrix_heading()}; {note}", kind="image",
                      chrome=chrome, aspect=1.15,
                      name=f"kuzushiji_own_drawings_{name}_confusion_matrix" if name
                      else "kuzushiji_own_drawings_confusion_matrix")

    def figures(self) -> dict[str, Figure]:
        """Exportable views by file name."""
        if self.matrix is None:
            return {}
        figure = self.matrix_figure()
        return {figure.name: figure}

    @Slot()
    def _ask_csv(self):
        return save_table_as(self, self.table_rows, CSV_NAME, "Export the evaluation on your drawings")
