"""The Kuzushiji Train page: settings on the left, live curves and the comparison table on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget

from explorer.core.kuzushiji import nets
from explorer.qt.kuzushiji.controls import PARAMETERS, TrainingControls
from explorer.qt.kuzushiji.plots import RunCurves
from explorer.qt.kuzushiji.results_table import ResultRow, ResultsTable


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

    def show_results(self, results: dict) -> None:
        """One row per net in ``results`` (name → ``NetResult``), in the course's order."""
        for name in nets.NETS:
            result = results.get(name)
            if result is None:
                continue
            self.results_table.set_row(name, ResultRow(
                name=nets.display_name(name),
                parameters=PARAMETERS[name],
                accuracy=result.accuracy,
                test_loss=result.test_loss,
                seconds=result.seconds if result.seconds is not None else result.extra.get("seconds"),
                epochs=len(result.history) if result.history else result.config.epochs,
                source=result.source,
            ))
