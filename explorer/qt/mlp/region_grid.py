"""The MLP tab's grid of region plots: one per hidden unit and one for the output."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from explorer.core.mlp import analysis
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.network import MLPWeights
from explorer.qt.mlp.region_plot import RegionPlot

PLOT_COLUMNS = 3
RESOLUTION = 120
LIVE_RESOLUTION = 60


class RegionGrid(QWidget):
    """Region plots laid out :data:`PLOT_COLUMNS` to a row; clicks on any plot are passed on.

    Signals
    -------
    point_clicked(int)
        A data point was clicked (its index).
    plane_clicked(float, float, object)
        Empty plane was clicked at (x, y) with these keyboard modifiers.
    """

    point_clicked = Signal(int)
    plane_clicked = Signal(float, float, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plots: list[RegionPlot] = []
        self.grid = QGridLayout(self)
        for column in range(PLOT_COLUMNS):
            self.grid.setColumnStretch(column, 1)
        self._pending: list = []
        self._timer = QTimer(self)
        self._timer.setInterval(15)  # not 0: a zero timer can starve the window's other timers
        self._timer.timeout.connect(self._draw_next)

    def show_network(
        self, weights: MLPWeights, activation: str, dataset: Dataset2D, correct: np.ndarray, accuracy: float,
        live: bool = False,
    ) -> None:
        """Draw every unit's region; ``live`` draws coarser and one plot per event-loop turn."""
        self._ensure_plots(weights.hidden)
        resolution = LIVE_RESOLUTION if live else RESOLUTION
        xr, yr = dataset.bounds(0.5)
        updates = [(j, j, line, None, f"h{j}: {line.equation()}")
                   for j, line in enumerate(analysis.hidden_lines(weights))]
        updates.append((weights.hidden, None, None, correct, f"output: {accuracy:.0f} % right"))
        self._pending = []
        for index, unit, line, ok, title in updates:
            def draw(index=index, unit=unit, line=line, ok=ok, title=title):
                grid = analysis.region_grid(weights, activation, unit, xr, yr, resolution)
                self.plots[index].show_region(grid, dataset.points, dataset.targets, ok, line, title)

            if live:
                self._pending.append(draw)
            else:
                draw()
        if self._pending:
            self._timer.start()

    def _draw_next(self) -> None:
        if self._pending:
            self._pending.pop(0)()
        if not self._pending:
            self._timer.stop()

    def _ensure_plots(self, hidden: int) -> None:
        wanted = hidden + 1
        while len(self.plots) < wanted:
            plot = RegionPlot()
            plot.point_clicked.connect(self.point_clicked)
            plot.plane_clicked.connect(self.plane_clicked)
            self.plots.append(plot)
        while len(self.plots) > wanted:
            plot = self.plots.pop(-2)
            self.grid.removeWidget(plot)
            plot.deleteLater()
        for i, plot in enumerate(self.plots):
            self.grid.addWidget(plot, i // PLOT_COLUMNS, i % PLOT_COLUMNS)
