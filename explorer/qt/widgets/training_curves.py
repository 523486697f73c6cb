"""Live loss and accuracy curves of one or more training runs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel

from explorer.qt.widgets.axes import LogAxis, PercentAxis

#: The y labels, longest first: the longest that fits beside its plot is shown (issue 19: at 1024 px
#: "accuracy (%)" ran into "loss" on the short recurrent chart).
LOSS_LABELS = ("loss (log scale)", "loss (log)", "loss")
ACCURACY_LABELS = ("accuracy (%)", "acc. (%)", "%")


class TrainingCurves(pg.GraphicsLayoutWidget):
    """Loss (log scale) above accuracy, sharing the x axis.

    Curves are created once per run and updated with ``setData``, at most a
    few times a second: new points are buffered and drawn by a timer, because
    each ``setData`` costs hundreds of Qt calls, each of which waits for the
    GIL while a training thread is running.

    Before any run, :meth:`set_empty_text` shows a sentence instead of empty
    axes with made-up ticks. The loss plot's x values are not repeated (the
    accuracy plot below carries them), so both plots keep readable y ticks on
    a short chart: the accuracy axis always labels 0, 50 and 100.
    """

    FLUSH_MS = 200

    def __init__(self, x_label: str = "epoch", parent=None, legend: bool = False):
        super().__init__(parent=parent)
        self.setMinimumHeight(220)
        # Log-scale ticks that fit the chart's height, however short the window makes it.
        self.loss_plot = self.addPlot(row=0, col=0, axisItems={"left": LogAxis("left")})
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)  # the accuracy plot's x values serve both
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        if legend:  # several runs: their names (one run's curve is named by the axis)
            self.loss_plot.addLegend(offset=(-10, 10))
        self.accuracy_plot = self.addPlot(row=1, col=0, axisItems={"left": PercentAxis("left")})
        self.accuracy_plot.setLabel("bottom", x_label)
        self.accuracy_plot.setYRange(-4, 100 + 4, padding=0)
        self.accuracy_plot.enableAutoRange(y=False)  # always the whole 0-100 %: a rise reads as one
        self.accuracy_plot.showGrid(x=True, y=True, alpha=0.3)
        self.accuracy_plot.setXLink(self.loss_plot)
        self.ci.layout.setVerticalSpacing(2)
        self._labels = {"loss": "", "accuracy": ""}
        self._fit_labels()
        # The plots' heights change after the widget's resize, when the layout settles: fit then.
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_labels)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.vb.sigResized.connect(self._fit_timer.start)
        self._runs: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem, list, list, list]] = {}
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self.empty = QLabel("", self)
        self.empty.setObjectName("curvesEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("background: white; color: #555; padding: 12px;")
        self.empty.hide()

    # what shows before a run ------------------------------------------------------------
    def set_empty_text(self, text: str) -> None:
        """The sentence shown instead of the axes while no run has drawn a point ("" : the axes)."""
        self.empty.setText(text)
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty.setVisible(bool(self.empty.text()) and not self._runs)
        self.empty.setGeometry(self.rect())
        self.empty.raise_()

    def shows_empty_text(self) -> bool:
        return not self.empty.isHidden()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # pyqtgraph resizes once while the base class is built, and once more as close() drops the
        # viewport after deleting the plots (touching them then crashed the process).
        if hasattr(self, "empty") and not getattr(self, "closed", False):
            self.empty.setGeometry(self.rect())
            self._fit_labels()
            self._fit_timer.start()

    def _fit_labels(self) -> None:
        """The longest y label that fits its plot's height (rotated labels of two short plots met)."""
        for key, plot, options in (("loss", self.loss_plot, LOSS_LABELS),
                                   ("accuracy", self.accuracy_plot, ACCURACY_LABELS)):
            axis = plot.getAxis("left")
            metrics = QFontMetrics(axis.label.font())
            room = plot.vb.height() if plot.vb.height() > 0 else plot.height()
            text = next((t for t in options if metrics.horizontalAdvance(t) + 6 <= room), options[-1])
            if text != self._labels[key]:
                self._labels[key] = text
                plot.setLabel("left", text)
                axis.resizeEvent()  # centred again for its new length (pyqtgraph places it on resize only)
        # Room above 100 and below 0 for half a tick label: pyqtgraph drops a label that would stick out.
        height = self.accuracy_plot.vb.height()
        font = QFontMetrics(self.accuracy_plot.getAxis("left").style.get("tickFont") or self.font())
        margin = 100 * (font.height() / 2 + 2) / max(height - font.height() - 4, 20) if height > 0 else 4
        self.accuracy_plot.setYRange(-margin, 100 + margin, padding=0)

    def y_label(self, which: str) -> str:
        """The y label shown on the ``"loss"`` or ``"accuracy"`` plot."""
        return self._labels[which]

    # runs ---------------------------------------------------------------------------------
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
        self._update_empty()

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

    def run_data(self, name: str) -> tuple[list, list, list]:
        """The run's (x, loss, accuracy) points as added (accuracy NaN where none was given)."""
        run = self._runs.get(name)
        return (list(run[2]), list(run[3]), list(run[4])) if run else ([], [], [])
