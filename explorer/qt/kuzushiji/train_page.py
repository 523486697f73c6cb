"""The Kuzushiji Train page: settings on the left, live curves and the comparison table on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget

from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.qt.kuzushiji.controls import TrainingControls
from explorer.qt.kuzushiji.plots import RunCurves
from explorer.qt.kuzushiji.results_table import ResultsTable


class TrainPage(QSplitter):
    """The training controls, every run's curves and one table row per trained net."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.controls = TrainingControls()
        self.curves = RunCurves()
        self.results_table = ResultsTable()
        self.results_table.setObjectName("resultsTable")
        left = QScrollArea()
        left.setWidgetResizable(True)
        left.setWidget(self.controls)
        left.setMinimumWidth(360)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.curves)
        right.addWidget(self.results_table)
        right.setSizes([560, 170])
        self.addWidget(left)
        self.addWidget(right)
        self.setStretchFactor(1, 1)
        self.setSizes([380, 1000])
        self.controls.clear_button.clicked.connect(self.curves.clear_runs)

    def show_results(self, model: KuzushijiModel) -> None:
        """One row per trained net of ``model``, in the course's order."""
        self.results_table.keep_only(model.names())
        for name in model.names():
            self.results_table.set_row(name, model.result_row(name))
