"""Live curves of Kuzushiji training runs, overlaid in distinct colours.

Loss (top): each run's per-batch training loss, smoothed, as a solid line
and its per-epoch test loss as a dashed line with dots. Test accuracy
(bottom) per epoch. The x axis is epochs (a batch halfway through epoch 3 is
at 2.5). Curves are created once per run and updated with ``setData``; the
GUI redraws at most a few times a second (:meth:`RunCurves.flush`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from html import escape

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QFontMetrics

from explorer.core.kuzushiji.model import RunCurve

log = logging.getLogger(__name__)

REDRAW_MS = 250
LOG_STEPS = (1, 2, 3, 5)
"""Mantissas of the log loss axis's minor ticks: 0.2, 0.3, 0.5, 1, 2, 3…"""
TICK_STEPS = ((1,), (1, 2, 5), (1, 2, 3, 5), (1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9),
              (1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9))
"""Mantissas tried for the labelled ticks, coarsest first."""
LOSS_TITLE = "Loss (log scale): solid = training (smoothed), dashed ● = test"
LOSS_NOTE = ("training: running average of the epoch's batches, taken while the net still learns<br>"
             "test: the whole test set at the epoch's end (so it can lie below the solid line)")
ACCURACY_TOP = 104.0
"""The accuracy axis ends here: room for the label "100" (more when the legend needs a band above 100)."""
ACCURACY_BOTTOM = -4.0
"""…and starts here, so that the label "0" shows whole."""
ACCURACY_TITLE = "Test accuracy"
BALANCED_KEY = "dotted: balanced accuracy"
"""The legend line that says what the dotted lines of the accuracy chart are."""
LEGEND_MARGIN = 10
"""Pixels between the accuracy legend and the corner of the plot it sits in."""


def _decades(low: float, high: float, steps) -> list[float]:
    """Values ``m · 10^e`` (``m`` in ``steps``) whose log10 lies in ``[low, high]``."""
    values = [m * 10.0 ** e for e in range(math.floor(low) - 1, math.ceil(high) + 1) for m in steps]
    return [v for v in values if low - 1e-9 <= math.log10(v) <= high + 1e-9]


def _rank(value: float) -> int:
    """How round ``value`` is: the index of the first :data:`TICK_STEPS` set holding its mantissa."""
    mantissa = value / 10.0 ** math.floor(math.log10(value) + 1e-9)
    return next((i for i, steps in enumerate(TICK_STEPS) if any(abs(mantissa - m) < 1e-6 for m in steps)),
                len(TICK_STEPS))


def log_ticks(low: float, high: float, min_gap: float = 0.0) -> list[list[tuple[float, str]]]:
    """Major (labelled) and minor ticks for a log10 axis showing ``low`` … ``high`` (in log10 units).

    At least three labels, no two closer than ``min_gap`` (log10 units: a label's height on screen):
    from the coarsest mantissa set on, the roundest values are kept first (1 before 2 and 5 before 3…);
    a span too narrow for any set gets three evenly spaced values.
    """
    major: list[float] = []
    for steps in TICK_STEPS:
        kept: list[float] = []
        for v in sorted(_decades(low, high, steps), key=_rank):
            if all(abs(math.log10(v) - math.log10(k)) >= min_gap for k in kept):
                kept.append(v)
        major = sorted(kept)
        if len(major) >= 3:
            break
    if len(major) < 3:
        major = [10.0 ** (low + (high - low) * f) for f in (0.1, 0.5, 0.9)]
    while len(major) > 8:
        major = major[::2]
    digits = max(2, 1 - math.floor(math.log10(max(10.0 ** high - 10.0 ** low, 1e-12))))
    labels = [f"{v:.{digits}g}" for v in major]
    while len(set(labels)) < len(labels) and digits < 8:  # narrow spans need more digits to tell ticks apart
        digits += 1
        labels = [f"{v:.{digits}g}" for v in major]
    minor = [v for v in _decades(low, high, LOG_STEPS) if all(abs(v - m) > 1e-12 * v for m in major)]
    return [[(math.log10(v), t) for v, t in zip(major, labels, strict=True)], [(math.log10(v), "") for v in minor]]


PALETTE = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14),
           (23, 190, 207), (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34)]


@dataclass
class _Run:
    """A run's three curves on screen, drawing the numbers of its :class:`RunCurve` (the model's)."""

    train: pg.PlotDataItem
    test: pg.PlotDataItem
    accuracy: pg.PlotDataItem
    curve: RunCurve
    dirty: bool = True
    balanced: pg.PlotDataItem | None = None
    """The run's balanced accuracy per epoch, dotted, in the run's colour."""

    @property
    def label(self) -> str:
        return self.curve.label

    @label.setter
    def label(self, text: str) -> None:
        self.curve.label = text

    @property
    def batch_x(self) -> list[float]:
        return self.curve.batch_x

    @property
    def batch_loss(self) -> list[float]:
        return self.curve.batch_loss

    @property
    def epoch_x(self) -> list[float]:
        return self.curve.epoch_x

    @property
    def test_loss(self) -> list[float]:
        return self.curve.test_loss

    @property
    def accuracies(self) -> list[float]:
        return self.curve.accuracy


class RunCurves(pg.GraphicsLayoutWidget):
    """Training loss, test loss and test accuracy of every run this session."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumHeight(260)
        self.loss_plot = self.addPlot(row=0, col=0)
        self.loss_plot.setLabel("left", "NLL loss (log scale)")
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        self.accuracy_plot = self.addPlot(row=1, col=0)
        self.accuracy_plot.setTitle(ACCURACY_TITLE)
        self.accuracy_plot.setLabel("left", "accuracy", units="%")
        self.accuracy_plot.setLabel("bottom", "epoch")
        self.accuracy_plot.setYRange(ACCURACY_BOTTOM, ACCURACY_TOP, padding=0)
        self.accuracy_plot.getAxis("left").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        # "0" and "100" lie a few pixels from the ends of a short plot: draw them whole rather than drop them.
        self.accuracy_plot.getAxis("left").setStyle(hideOverlappingLabels=False)
        # The ticks are chosen here, spaced for their labels: pyqtgraph must not drop some of them
        # because they fill much of a short axis (it showed 25-75 without 0 and 100 at 1024 px).
        for axis in (self.loss_plot.getAxis("left"), self.accuracy_plot.getAxis("left")):
            axis.setStyle(textFillLimits=[(0, 0.95)])
        self.accuracy_plot.showGrid(x=True, y=True, alpha=0.3)
        self.accuracy_plot.setXLink(self.loss_plot)
        # Accuracy rises, so the lower right is tried first; _place_legend moves it to a corner with no data.
        self.legend = self.accuracy_plot.addLegend(offset=(-LEGEND_MARGIN, -LEGEND_MARGIN), labelTextSize="8pt",
                                                   verSpacing=-6, brush=(255, 255, 255, 200))
        self.legend_corner = ((1, 1), LEGEND_MARGIN)
        self._placing = False
        self._legend_key: tuple | None = None
        self.balanced_key: pg.PlotDataItem | None = None
        """The legend's sample of the dotted balanced-accuracy lines (``None`` until a run has them)."""
        self.legend_compact = False
        self.runs: dict[str, _Run] = {}
        self.note = ""
        self.set_note("")
        self.accuracy_plot.vb.sigResized.connect(self._place_legend)
        self.accuracy_plot.vb.sigRangeChanged.connect(self._place_legend)
        self.loss_plot.vb.sigYRangeChanged.connect(self._update_log_ticks)
        self.loss_plot.vb.sigResized.connect(self._update_log_ticks)
        self._show_values(False)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.flush)

    def _show_values(self, shown: bool) -> None:
        """Tick labels only when there is something to read (an empty plot's 0.1–0.9 means nothing)."""
        for plot in (self.loss_plot, self.accuracy_plot):
            for side in ("left", "bottom"):
                plot.getAxis(side).setStyle(showValues=shown)
        if not shown:
            self.loss_plot.getAxis("left").setTicks(None)

    def _update_log_ticks(self, *_) -> None:
        """At least three labelled ticks on the log loss axis, whatever its span.

        pyqtgraph alone gives one or two over a typical 0.3–2.3 (the issue saw a lone "2"): the
        coarsest of :data:`TICK_STEPS` that puts three labels in view is used, thinned to at most eight.
        """
        low, high = self.loss_plot.vb.viewRange()[1]
        if not self.runs or not (math.isfinite(low) and math.isfinite(high)) or high <= low:
            return
        axis = self.loss_plot.getAxis("left")
        font = axis.style.get("tickFont") or axis.font()
        pixels = max(self.loss_plot.vb.height(), 1.0)
        min_gap = 1.4 * QFontMetrics(font).height() * (high - low) / pixels
        axis.setTicks(log_ticks(low, high, min_gap))

    def set_note(self, note: str) -> None:
        """A line under the loss title saying what the curves are (e.g. that a loaded net has none)."""
        self.note = note
        # Why the smoothed training loss lies above the test loss early on, said where the curves are.
        lines = [LOSS_TITLE, f"<span style='font-size:8pt; color:#555'>{LOSS_NOTE}</span>"]
        if note:
            lines.append(f"<span style='color:#a05a00'>{escape(note)}</span>")
        self.loss_plot.setTitle("<br>".join(lines))
        # pyqtgraph gives a title one 30 px row: make room for the note's lines.
        metrics = QFontMetrics(self.loss_plot.titleLabel.item.font())
        height = metrics.height() + 14 * (len(lines) - 1 + LOSS_NOTE.count("<br>")) + 6
        self.loss_plot.titleLabel.setMaximumHeight(height)
        self.loss_plot.layout.setRowFixedHeight(0, height)

    def show_titles(self, shown: bool) -> None:
        """The plots' own titles on (on screen) or off (an exported figure has a title of its own)."""
        if shown:
            self.set_note(self.note)
            self.accuracy_plot.setTitle(ACCURACY_TITLE)
        else:
            self.loss_plot.setTitle(None)
            self.accuracy_plot.setTitle(None)

    def mark_run(self, key: str, tag: str) -> None:
        """Add ``tag`` (e.g. "diverged") to a run's name in the legend."""
        run = self.runs.get(key)
        if run is None:
            return
        run.label = f"{run.label} ({tag})"
        self.relabel()

    def start_run(self, key: str, label: str, curve: RunCurve | None = None) -> tuple[int, int, int]:
        """Begin curves for a new run called ``label`` in the legend; returns its colour.

        ``curve`` is the run's numbers when they are kept elsewhere (the tab's model), drawn as they grow.
        """
        self.set_note("")
        self._show_values(True)
        color = PALETTE[len(self.runs) % len(PALETTE)]
        pen = pg.mkPen(color, width=2)
        run = _Run(
            train=self.loss_plot.plot(pen=pen),
            test=self.loss_plot.plot(pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                                     symbol="o", symbolSize=6, symbolBrush=color, symbolPen=None),
            accuracy=self.accuracy_plot.plot(pen=pen, symbol="o", symbolSize=6, symbolBrush=color, symbolPen=None,
                                             name=label),
            curve=curve if curve is not None else RunCurve(label),
            balanced=self.accuracy_plot.plot(pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DotLine)),
        )
        run.label = label
        self.runs[key] = run
        self._timer.start()
        return color

    def runs_data(self) -> list[dict]:
        """Every run's curves as plain lists, oldest first (what :meth:`add_run_data` takes)."""
        return [r.curve.as_data() for r in self.runs.values()]

    def show_runs(self, curves: dict[str, RunCurve]) -> None:
        """Draw finished runs (key → numbers), e.g. those kept from an earlier session."""
        for key, curve in curves.items():
            self.start_run(key, curve.label, curve)
        self.stop_updates()

    def add_runs_data(self, runs: list[dict]) -> None:
        """Draw runs kept from an earlier session; a malformed one is skipped with a warning."""
        for data in runs:
            try:
                self.add_run_data(f"kept{len(self.runs) + 1}", data)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("ignoring the kept curves of %r: %s", data.get("label"), exc)

    def add_run_data(self, key: str, data: dict) -> None:
        """Draw a run kept from an earlier session (``data`` as :meth:`runs_data` gives it)."""
        self.start_run(key, str(data["label"]), RunCurve.from_data(data))
        self.stop_updates()

    def add_batch(self, key: str, x: float, loss: float) -> None:
        """One training-loss value at ``x`` epochs (smoothed before it is drawn)."""
        self.runs[key].curve.add_batch(x, loss)
        self.runs[key].dirty = True

    def add_epoch(self, key: str, epoch: int, test_loss: float, accuracy: float) -> None:
        """The test loss and accuracy after ``epoch``."""
        self.runs[key].curve.add_epoch(epoch, test_loss, accuracy)
        self.changed(key, now=True)

    def changed(self, key: str, now: bool = False) -> None:
        """Run ``key``'s numbers grew (its curve is shared with the model): redraw it soon, or ``now``."""
        if key not in self.runs:  # its curves were cleared while it ran
            return
        self.runs[key].dirty = True
        if now:
            self.flush()

    def relabel(self) -> None:
        """A run's name changed (e.g. tagged "diverged"): the legend says the new one."""
        self._legend_key = None
        self._place_legend()

    def flush(self) -> None:
        """Draw what arrived since the last redraw."""
        for run in self.runs.values():
            if run.dirty:
                run.train.setData(run.batch_x, run.batch_loss)
                run.test.setData(run.epoch_x, run.test_loss)
                run.accuracy.setData(run.epoch_x, run.accuracies)
                if run.balanced is not None:
                    shown = run.curve.has_balanced()
                    run.balanced.setData(run.epoch_x if shown else [], run.curve.balanced if shown else [])
                    if shown and self.balanced_key is None:
                        self._add_balanced_key()
                run.dirty = False
        self._place_legend()

    def _data_points(self, y_range: tuple[float, float] | None = None) -> list[QPointF]:
        """Scene positions of every accuracy point and of points along the lines between them.

        ``y_range``: where they would be with the y axis showing that range (default: as shown now).
        """
        vb = self.accuracy_plot.vb
        box = vb.sceneBoundingRect()
        points = []

        def at(x: float, y: float) -> QPointF:
            point = vb.mapViewToScene(QPointF(x, y))
            if y_range is not None:
                low, high = y_range
                point.setY(box.bottom() - (y - low) / (high - low) * box.height())
            return point

        for run in self.runs.values():
            xs, ys = run.epoch_x, run.accuracies
            for i, (x, y) in enumerate(zip(xs, ys, strict=False)):
                points.append(at(x, y))
                if i + 1 < len(xs):
                    for f in (0.2, 0.4, 0.6, 0.8):
                        points.append(at(x + f * (xs[i + 1] - x), y + f * (ys[i + 1] - y)))
        return points

    def legend_rect(self, corner: tuple[int, int] | None = None) -> QRectF:
        """The legend's rectangle in scene coordinates, now or at ``corner`` ((1, 1): lower right)."""
        if corner is None:
            return self.legend.sceneBoundingRect()
        box = self.accuracy_plot.vb.sceneBoundingRect()
        size = self.legend.sceneBoundingRect().size()
        cx, cy = corner
        left = box.left() + LEGEND_MARGIN if cx == 0 else box.right() - LEGEND_MARGIN - size.width()
        top = box.top() + LEGEND_MARGIN if cy == 0 else box.bottom() - LEGEND_MARGIN - size.height()
        return QRectF(QPointF(left, top), size)

    def _place_legend(self, *_) -> None:
        """Put the accuracy legend where it covers no data.

        The first corner (lower right, lower left, upper left, upper right) whose rectangle holds no
        point of the 0–100 % chart; when every corner does, the y axis goes on above 100 % (data never
        does) far enough for the legend to sit in the upper right over no data.
        """
        if not self.legend.items or self._placing:
            return
        box = self.accuracy_plot.vb.sceneBoundingRect()
        key = (tuple((r.label, len(r.epoch_x)) for r in self.runs.values()), box.getRect(),
               tuple(self.accuracy_plot.vb.viewRange()[0]))
        if key == self._legend_key:  # nothing moved: leave the legend (and its layout) alone
            return
        self._legend_key = key
        self._placing = True
        try:
            height = max(box.height(), 1.0)
            pad = QFontMetrics(self.accuracy_plot.getAxis("left").font()).height() / 2 + 2

            def y_range(above: float) -> tuple[float, float]:
                # 0 % sits ``pad`` pixels above the bottom, 100 % ``above`` pixels below the top, so the
                # labels "0" and "100" are whole (pyqtgraph drops a label that would cross the plot's edge).
                per_pixel = 100.0 / max(height - pad - above, 0.3 * height)
                return -pad * per_pixel, 100.0 + above * per_pixel

            normal = y_range(pad)
            points = self._data_points(normal)

            def covered(corner) -> int:
                rect = self.legend_rect(corner).adjusted(-4, -4, 4, 4)  # a symbol's radius and a little air
                return sum(rect.contains(p) for p in points)

            self._set_legend_columns(1)
            free = []
            for compact in (False, True):  # the runs' full names, else only "#3 NetConv" (a short plot)
                self._set_legend_texts(compact)
                free = [c for c in ((1, 1), (0, 1), (0, 0), (1, 0)) if covered(c) == 0]
                if free:
                    break
            corner, shown, margin = (free[0], normal, LEGEND_MARGIN) if free else ((1, 0), normal, 2)
            if not free:
                # A band above 100 % as wide as the plot: the entries side by side, as few rows as fit.
                width = self.legend.sceneBoundingRect().width()
                self._set_legend_columns(max(1, int((box.width() - 2 * margin) // max(width, 1.0))))
                shown = y_range(max(pad, self.legend.sceneBoundingRect().height() + 2 * margin))
            low, high = self.accuracy_plot.vb.viewRange()[1]
            if abs(low - shown[0]) > 0.01 or abs(high - shown[1]) > 0.01:
                self.accuracy_plot.setYRange(*shown, padding=0)
            if (corner, margin) != self.legend_corner:
                self.legend_corner = (corner, margin)
                cx, cy = corner
                offset = (margin if cx == 0 else -margin, margin if cy == 0 else -margin)
                self.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
        finally:
            self._placing = False

    def _set_legend_texts(self, compact: bool) -> None:
        """Each run's full name in the legend, or (``compact``) its number and net and any tag."""
        self.legend_compact = compact
        texts = []
        for run in self.runs.values():
            text = run.label
            if compact and " · " in text:
                head, rest = text.split(" · ", 1)
                text = head + (rest[rest.rfind(" ("):] if rest.endswith(")") and " (" in rest else "")
            texts.append(text)
        keys = [BALANCED_KEY] if self.balanced_key is not None else []
        if texts + keys != [label.text for _, label in self.legend.items]:
            # Built afresh: a label given shorter text keeps the width the legend's layout gave it.
            self.legend.clear()
            for run, text in zip(self.runs.values(), texts, strict=True):
                self.legend.addItem(run.accuracy, text)
            if self.balanced_key is not None:
                self.legend.addItem(self.balanced_key, BALANCED_KEY)

    def _set_legend_columns(self, columns: int) -> None:
        columns = min(columns, max(len(self.legend.items), 1))
        if self.legend.columnCount != columns:
            self.legend.setColumnCount(columns)

    def stop_updates(self) -> None:
        """No more redraws until the next run starts (nothing is training)."""
        self.flush()
        self._timer.stop()

    def _add_balanced_key(self) -> None:
        """One legend line saying what the dotted lines are (once a run has them)."""
        self.balanced_key = pg.PlotDataItem(pen=pg.mkPen((90, 90, 90), width=1.5, style=Qt.PenStyle.DotLine))
        self.legend.addItem(self.balanced_key, BALANCED_KEY)
        self._legend_key = None

    def clear_runs(self) -> None:
        """Remove every run's curves."""
        for run in self.runs.values():
            for item in (run.train, run.test):
                self.loss_plot.removeItem(item)
            self.accuracy_plot.removeItem(run.accuracy)
            if run.balanced is not None:
                self.accuracy_plot.removeItem(run.balanced)
        self.legend.clear()
        self.balanced_key = None
        self.runs.clear()
        self._show_values(False)
