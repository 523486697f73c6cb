"""The MLP tab's grid of region plots: one per hidden unit and one for the output."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from explorer.core.mlp import analysis
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.model import MLPModel
from explorer.core.mlp.network import MLPWeights
from explorer.qt.mlp.region_plot import MAX_SHOWN_POINTS, RegionPlot
from explorer.qt.widgets.stagger import StaggeredRepaint

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
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        for column in range(PLOT_COLUMNS):
            self.grid.setColumnStretch(column, 1)
        self._stagger = StaggeredRepaint(self)  # plots whose repaint waits for its turn (show_network's stagger)

    def rows(self) -> int:
        """Rows of plots now (three to a row)."""
        return -(-len(self.plots) // PLOT_COLUMNS)

    def show_network(
        self, weights: MLPWeights, activation: str, dataset: Dataset2D, correct: np.ndarray, accuracy: float,
        live: bool = False, scale: float = 1, moment: str = "", bounds=None, stagger: bool = False,
    ) -> None:
        """Draw every unit's region for ``weights``, all in this call.

        All plots change together, so titles, shading and red rings always show one
        network (an earlier queue drew one plot per event-loop turn and each live
        refresh restarted it, so later plots kept old weights). ``live`` only draws
        coarser. ``scale`` and ``moment`` ("epoch 1,200 of training"…) go into the
        exported figures' titles. ``bounds`` (the data set's, with its margin) saves
        going over a large data set again.

        ``stagger`` (a new large data set): every plot takes the new network here, but
        the screen repaints them one per turn of the event loop. Painting six or seven
        plots with new axes and 2,000 points each in one turn kept the window from
        answering for 60-100 ms of CPU, twice that with other programs busy.
        """
        self._stagger.release_all()
        self._ensure_plots(weights.hidden)
        if stagger:
            self._stagger.hold(self.plots)
        resolution = LIVE_RESOLUTION if live else RESOLUTION
        xr, yr = bounds if bounds is not None else dataset.bounds(0.5)
        factor = f", ×{scale:g}" if scale != 1 else ""
        times = f" (×{scale:g})" if scale != 1 else ""  # as Help says: the titles name a rescale
        sample = len(dataset) > MAX_SHOWN_POINTS
        shown = f" (showing {MAX_SHOWN_POINTS:,} of {len(dataset):,} points)" if sample else ""
        for j, line in enumerate(analysis.hidden_lines(weights)):
            plot = self.plots[j]
            plot.export_title = f"Hidden unit h{j} of {weights.hidden} ({activation}{factor})"
            plot.export_note = "; ".join(p for p in (f"dividing line {line.equation()}", moment) if p)
            grid = analysis.region_grid(weights, activation, j, xr, yr, resolution)
            plot.show_region(grid, dataset.points, dataset.targets, None, line,
                             f"h{j}: {line.equation()}{times}{shown}")
        out = self.plots[weights.hidden]
        out.export_title = f"Output of the 2-{weights.hidden}-1 net ({activation}{factor}): {accuracy:.0f} % right"
        out.export_note = "; ".join(p for p in (f"{int(np.sum(correct)):,} of {len(dataset):,} points right", moment)
                                    if p)
        grid = analysis.region_grid(weights, activation, None, xr, yr, resolution)
        out.show_region(grid, dataset.points, dataset.targets, correct, None,
                        f"output: {accuracy:.0f} % right{times}{shown}")

    def _ensure_plots(self, hidden: int) -> None:
        wanted = hidden + 1
        if len(self.plots) == wanted and self.grid.count() == wanted:
            # Already laid out: taking the plots out and back in on every draw made the window
            # lay itself out again each live frame while a net trained.
            return
        while len(self.plots) < wanted:
            plot = RegionPlot()
            plot.point_clicked.connect(self.point_clicked)
            plot.plane_clicked.connect(self.plane_clicked)
            self.plots.append(plot)
        while len(self.plots) > wanted:
            plot = self.plots.pop(-2)
            self.grid.removeWidget(plot)
            # Hidden and unparented now: deleteLater waits for the main loop, and until then the
            # plot would stay on screen where it was (a stray piece between h4 and the output).
            plot.hide()
            plot.setParent(None)
            plot.deleteLater()
        # Take every plot out before putting them back: a widget added again while still in the
        # grid keeps its old cell too, and two cells fight over its geometry.
        for plot in self.plots:
            self.grid.removeWidget(plot)
        for i, plot in enumerate(self.plots):
            self.grid.addWidget(plot, i // PLOT_COLUMNS, i % PLOT_COLUMNS)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 1 if row < self.rows() else 0)  # rows share the height alike


def standalone_plots(model: MLPModel) -> list[RegionPlot]:
    """Region plots of their own (in no window) drawing what ``model`` shows, for figures and the report."""
    grid = RegionGrid()
    evaluation = model.evaluate()
    grid.show_network(model.shown_weights(), model.shown_activation(), model.state.dataset, evaluation.correct,
                      evaluation.accuracy, False, model.scale, model.moment_text(), evaluation.bounds)
    plots = list(grid.plots)
    for plot in plots:  # owned by whoever holds them now, not by the grid that goes with this call
        grid.grid.removeWidget(plot)
        plot.setParent(None)
    grid.deleteLater()
    return plots
