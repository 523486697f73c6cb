"""Live loss and accuracy curves of one or more training runs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot

from explorer.qt.widgets.axes import LogAxis


class TrainingCurves(pg.GraphicsLayoutWidget):
    """Loss (log scale) above accuracy, sharing the x axis.

    Curves are created once per run and updated with ``setData``, at most a
    few times a second: new points are buffered and drawn by a timer, because
    each ``setData`` costs hundreds of Qt calls, each of which waits for the
    GIL while a training thread is running.
    """

    FLUSH_MS = 200

    def __init__(self, x_label: str = "epoch", parent=None):
        super().__init__(parent=parent)
        self.setMinimumHeight(220)
        # Log-scale ticks that fit the chart's height, however short the window makes it.
        self.loss_plot = self.addPlot(row=0, col=0, axisItems={"left": LogAxis("left")})
        self.loss_plot.setLabel("left", "loss")
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        self.loss_plot.addLegend(offset=(-10, 10))
        self.accuracy_plot = self.addPlot(row=1, col=0)
        self.accuracy_plot.setLabel("left", "accuracy", units="%")
        self.accuracy_plot.setLabel("bottom", x_label)
        self.accuracy_plot.setYRange(0, 100)
        self.accuracy_plot.showGrid(x=True, y=True, alpha=0.3)
        self.accuracy_plot.setXLink(self.loss_plot)
        self._runs: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem, list, list, list]] = {}
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def start_run(self, name: str, color=None) -> None:
        """Begin (or restart) the curves called ``name``."""
        color = color if color is not None else pg.intColor(len(self._runs), hues=8)
        if name in self._runs:
            loss, acc, *_ = self._runs[name]
        else:
            loss = self.loss_plot.plot(pen=pg.mkPen(color, width=2), name=name)
            acc = self.accuracy_plot.plot(pen=pg.mkPen(color, width=2))
        self._runs[name] = (loss, acc, [], [], [])
        loss.setData([], [])
        acc.setData([], [])

    def add_point(self, name: str, x: float, loss: float, accuracy: float | None) -> None:
        if name not in self._runs:
            self.start_run(name)
        loss_item, acc_item, xs, losses, accs = self._runs[name]
        xs.append(x)
        losses.append(max(loss, 1e-12))
        accs.append(np.nan if accuracy is None else accuracy)
        self._dirty.add(name)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def flush(self) -> None:
        """Draw the points added since the last flush."""
        for name in self._dirty:
            loss_item, acc_item, xs, losses, accs = self._runs[name]
            loss_item.setData(xs, losses)
            acc_item.setData(xs, accs, connect="finite")
        self._dirty.clear()

    def points(self, name: str) -> int:
        return len(self._runs[name][2]) if name in self._runs else 0
