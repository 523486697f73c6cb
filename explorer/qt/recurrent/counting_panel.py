"""The Counting page: which unit of the net on display counts, what it counts, and how far (issue 22).

:class:`CountingPanel` shows a :class:`~explorer.core.recurrent.counting.CountingProbe`:
the sentence of the chosen unit (the best counter at first), a chart of that
unit's value against its count, coloured by the symbol just read, with the
line fitted per phase, and a table of every hidden (and cell) unit: its best
counter, its change per symbol in each phase, R² and how far its count holds
(right-click: Copy table, Export as CSV…). Clicking a row charts that unit.

:class:`CountingController` runs :func:`~explorer.core.recurrent.counting.probe_counting`
in a :class:`~explorer.qt.workers.Task` for each net shown (a newer net drops
an older result) and marks the counting unit where the units are named: the
2-D views' axis labels, the 3-D view's axes and the step panel's bars.

:func:`figures`, :func:`data_tables` and :func:`report_section` give the exports and
the report their part, from the model alone (see :mod:`.figures`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.atomic import write_bytes
from explorer.core.errors import UserError
from explorer.core.progress import Progress, ProgressGenerator
from explorer.core.recurrent.counting import CountingProbe, UnitFit, phase_names, probe_counting
from explorer.core.recurrent.model import RecurrentModel
from explorer.core.report import ReportSection, ReportTable
from explorer.core.table_export import rows_to_csv
from explorer.qt.recurrent.fsm_diagram import SYMBOL_COLOURS
from explorer.qt.recurrent.newest import NewestTask
from explorer.qt.recurrent.when_shown import WhenShown
from explorer.qt.widgets.axes import plain_axes
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.figure_export import export_all as export_figures
from explorer.qt.widgets.report_figures import report_figure
from explorer.qt.widgets.table_export import install_table_actions

#: The colour that marks the counting unit wherever units are named.
MARK_COLOUR = "#c0392b"
#: A unit is marked as counting when its best fit explains at least this share (the sentence's "counts").
COUNTS_R2 = 0.5
#: Points of strings longer than any in training are drawn this much fainter.
BEYOND_ALPHA = 70


def phase_colour(lang, phase_index: int) -> tuple[int, int, int]:
    """The colour of the symbol read in a phase: the machine diagram's A, B, C colours (Dyck-1: '(' as A)."""
    return SYMBOL_COLOURS["ABC"[phase_index]]


def unit_name(fit: UnitFit) -> str:
    """``cell unit 2`` / ``hidden unit 0``."""
    return f"{fit.state} unit {fit.unit}"


#: How long after a net arrives its counting probe starts: after the turns that draw it (a few tens of ms each).
PROBE_DELAY_MS = 400


def probe_task(model, lang, L: int) -> ProgressGenerator[CountingProbe]:
    """The probe as a task: one progress record, then the fit of every unit."""
    yield Progress(0, 1, "fitting every unit to the counts…")
    return probe_counting(model, lang, L)


def marked_units(probe: CountingProbe | None, state: str) -> dict[int, UnitFit]:
    """The unit of ``state`` ("hidden" or "cell") that counts best, if it counts: ``{unit: fit}``."""
    if probe is None:
        return {}
    fits = [u for u in probe.units if u.state == state]
    if not fits:
        return {}
    best = max(fits, key=lambda u: u.r2)
    return {best.unit: best} if best.r2 >= COUNTS_R2 else {}


class CountingChart(pg.PlotWidget):
    """One unit's value against its count: points per phase (the symbol just read) and the fitted lines."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumSize(220, 150)
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.25)
        self.setTitle("counting unit", size="10pt")
        self.setLabel("bottom", "count")
        self.setLabel("left", "value")
        self.legend = pg.LegendItem(labelTextSize="8pt", colCount=3, verSpacing=-6, horSpacing=6)
        self.getPlotItem().layout.addItem(self.legend, 4, 1)
        plain_axes(self, all_axes=True)
        self.points: dict[str, pg.ScatterPlotItem] = {}
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.samples: list[pg.PlotDataItem] = []  # the legend's entries (dot and line of each phase)
        self.data: dict = {}
        self.setToolTip("Each dot is the unit after one symbol (colour: the symbol just read, as the legend says;"
                        " faint: strings longer"
                        " than any in training); each line is the fit per phase made on the training strings")

    def clear_chart(self, note: str = "") -> None:
        for item in [*self.points.values(), *self.lines.values()]:
            self.removeItem(item)
        for sample in self.samples:
            self.legend.removeItem(sample)
        self.points, self.lines, self.data, self.samples = {}, {}, {}, []
        self.setTitle(f"counting unit · {note}" if note else "counting unit", size="10pt")

    def show_unit(self, probe: CountingProbe, fit: UnitFit) -> None:
        """Chart ``fit``'s unit from ``probe``'s data (``probe.chart``)."""
        self.clear_chart()
        data = probe.chart(fit)
        self.data = data
        for name, phase in data["phases"].items():
            p = phase_names(probe.language).index(name)
            colour = phase_colour(probe.language, p)
            # One brush for the legend's swatch, then one per point (fainter beyond training).
            points = pg.ScatterPlotItem(x=np.asarray(phase["x"], float), y=np.asarray(phase["y"], float), size=6,
                                        pen=None, brush=pg.mkBrush(*colour, 220), name=f"reads {name}")
            points.setBrush([pg.mkBrush(*colour, 220 if n <= probe.L else BEYOND_ALPHA) for n in phase["n"]])
            line = pg.PlotDataItem(np.asarray(phase["line_x"], float), np.asarray(phase["line_y"], float),
                                   pen=pg.mkPen(*colour, width=2.5), name=f"fit while reading {name}")
            self.addItem(points)
            self.addItem(line)
            self.points[name], self.lines[name] = points, line
        for name in self.points:  # one entry per phase: its dots and its fitted line
            p = phase_names(probe.language).index(name)
            colour = phase_colour(probe.language, p)
            sample = pg.PlotDataItem(pen=pg.mkPen(*colour, width=2.5), symbol="o", symbolSize=6,
                                     symbolBrush=colour, symbolPen=None)
            self.samples.append(sample)
            self.legend.addItem(sample, name)  # short: the chart must fit beside the table at 1024 px
        self.setLabel("bottom", data["counter"])
        self.setLabel("left", unit_name(fit))
        self.setTitle(f"{unit_name(fit)} · R² = {fit.r2:.3f}", size="10pt")  # short: the axes name the rest
        self.autoRange(padding=0.06)

    def point_count(self) -> int:
        return sum(len(item.data) for item in self.points.values())


TABLE_HEADERS_FIXED = ["unit", "counts", "R²", "holds to n"]


def unit_rows(probe: CountingProbe) -> tuple[list[str], list[list]]:
    """The table of every unit: headers and rows (numbers rounded as shown).

    ``per A``: the unit's change per A read (the fitted slope times the count's change per A).
    """
    phases = phase_names(probe.language)
    headers = ["unit", "counts", "R²", *(f"per {p}" for p in phases), "holds to n"]
    rows = []
    for fit in probe.units:
        rows.append([f"{fit.state} {fit.unit}", fit.counter, round(fit.r2, 3),
                     *(round(fit.per_symbol[p], 3) for p in phases), fit.holds_to])
    return headers, rows


class CountingPanel(QWidget):
    """The sentence, the chart of one unit and the table of every unit."""

    #: The user chose a unit in the table: its row (an index into ``probe.units``).
    unit_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.probe: CountingProbe | None = None
        self.fit: UnitFit | None = None
        self.sentence = QLabel("fitting every unit to the counts…")
        self.sentence.setObjectName("countingSentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.RichText)
        self.sentence.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.chart = CountingChart()
        self.table = QTableWidget(0, len(TABLE_HEADERS_FIXED))
        self.table.setObjectName("countingTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip("Every unit's best counter ('counts'), R² of its fit on the training strings, its"
                              " change per symbol read in each phase ('per A') and the largest n its count holds to."
                              " Click a row to chart it; right-click to copy or export as CSV")
        self.table.setMinimumWidth(200)
        install_table_actions(self.table, "counting_units")
        self.table.itemSelectionChanged.connect(self._on_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 520])  # the table's columns whole beside the chart from 1024 px up
        split.setChildrenCollapsible(False)
        self.buttons = QHBoxLayout()  # the page's buttons (Compare models…) go here
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sentence)
        layout.addWidget(split, 1)
        layout.addLayout(self.buttons)
        # The chart and the table are drawn when the page is shown (the sentence at once; see WhenShown).
        self.drawing = WhenShown(self)
        self._table_for: CountingProbe | None = None  # the probe the table shows

    def show_busy(self, message: str) -> None:
        """No probe for the net on display (yet): say why, and show nothing of the last net's."""
        self.probe, self.fit = None, None
        self.drawing.cancel()
        self.sentence.setText(escape(message))
        self.chart.clear_chart(message.split(":")[0] if len(message) > 40 else message)
        self.table.setRowCount(0)
        self._table_for = None

    def show_probe(self, probe: CountingProbe) -> None:
        """A new net's probe: its best unit charted and described, every unit in the table."""
        self.probe = probe
        self.show_unit(probe.best)

    def _fill_table(self, probe: CountingProbe) -> None:
        self._table_for = probe
        headers, rows = unit_rows(probe)
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        best = probe.best
        bold = QFont()
        bold.setBold(True)
        for r, (fit, row) in enumerate(zip(probe.units, rows, strict=True)):
            for c, value in enumerate(row):
                item = QTableWidgetItem(_cell_text(value, signed=headers[c].startswith("per ")))
                item.setData(Qt.ItemDataRole.UserRole, r)
                if isinstance(value, (int, float)):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if fit is best:
                    item.setFont(bold)
                    item.setForeground(QColor(MARK_COLOUR))
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        # Every column in view (never a sideways scroll): the table asks for its columns' width.
        self.table.resizeColumnsToContents()
        room = self.table.horizontalHeader().length() + 2 * self.table.frameWidth()
        self.table.setMinimumWidth(room + self.table.verticalScrollBar().sizeHint().width() + 2)

    def show_unit(self, fit: UnitFit) -> None:
        """Chart and describe one unit of the probe on display (the chart and table when the page is shown)."""
        if self.probe is None:
            return
        self.fit = fit
        self.drawing.run(self._draw)
        best = " (the best counter of this net)" if fit is self.probe.best else ""
        note = ""
        if self.probe.prediction_holds_to is not None:
            note = f"<br><span style='color:#555'>The net's own predictions are all right up to n = " \
                   f"{self.probe.prediction_holds_to}; the fit used n = 1..{self.probe.L}, tested to n = " \
                   f"{self.probe.tested_up_to}.</span>"
        self.sentence.setText(f"<b style='color:{MARK_COLOUR}'>{escape(fit.sentence())}</b>{escape(best)}{note}")

    def _draw(self) -> None:
        """The table of the probe on display (if it shows another) and the chart of its chosen unit."""
        probe, fit = self.probe, self.fit
        if probe is None or fit is None:
            return
        if self._table_for is not probe:
            self._fill_table(probe)
        self.chart.show_unit(probe, fit)
        row = probe.units.index(fit)
        if self.table.currentRow() != row:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)

    @Slot()
    def _on_row(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.probe is not None and rows:
            self.show_unit(self.probe.units[rows[0].row()])
            self.unit_chosen.emit(rows[0].row())

    def sentence_text(self) -> str:
        """The sentence as plain text."""
        return self.fit.sentence() if self.fit is not None else self.sentence.text()


def _cell_text(value, signed: bool = False) -> str:
    """A number as the table shows it: a change per symbol with its sign (``+0.520``, ``−0.830``)."""
    if isinstance(value, float):
        text = f"{value + 0.0:+.3f}" if signed else f"{value + 0.0:.3f}"
        return text.replace("-", "−")
    return str(value)


class CountingController(QObject):
    """Probes each net shown in the background and marks its counting unit in the views and the step panel.

    The probe on display and the unit charted live in ``model`` (the figures read them there).
    """

    #: A probe is on display (for tests and the views).
    probe_shown = Signal()

    def __init__(self, owner, panel: CountingPanel, views, step_panel, model: RecurrentModel):
        super().__init__(owner)
        self.owner, self.panel, self.views, self.step_panel, self.data = owner, panel, views, step_panel, model
        # Started a moment after it is asked for: in a thread of the window's process the probe's torch
        # steps hold the GIL, and a trained net's views are drawn in the turns just after it arrives
        # (issue 20: the longest gap after a training, 57 → 42 ms on average over 20 trainings; a child
        # process did as well, 44 ms, but cost a child start per net).
        self.jobs = NewestTask(self, "recurrent-counting", probe_task, self.show, self._on_failed,
                               delay_ms=PROBE_DELAY_MS)
        self._suspended: str | None = None  # the reason shown while no probe is wanted (training)
        self._step_titles = {plot: plot.getPlotItem().titleLabel.text
                             for plot in (step_panel.hidden_plot, step_panel.cell_plot)}
        panel.unit_chosen.connect(self._on_unit)
        views.settings_changed.connect(self.mark)  # connected after the tab's: the views are relabelled first
        for box in views.axis_boxes:
            box.currentIndexChanged.connect(self.mark)

    @property
    def probe(self) -> CountingProbe | None:
        return self.data.probe

    @property
    def task(self):
        return self.jobs.task

    def busy(self) -> bool:
        return self.jobs.busy()

    def follow(self, model, lang, L: int) -> None:
        """Probe ``model`` (the net now on display) in the background."""
        self._suspended = None
        self._forget("fitting every unit to the counts…")
        self.jobs.ask(model, lang, L)

    def suspend(self, message: str) -> None:
        """No probe while the net moves (training): say so, drop any result on its way.

        Said once: the live views suspend it every second while a net trains, and emptying the
        panel and relabelling the views again each time only took the window's time.
        """
        self.jobs.drop()
        if self._suspended == message and self.data.probe is None:
            return
        self._suspended = message
        self._forget(message)

    def _forget(self, message: str) -> None:
        self.data.probe, self.data.counting_unit = None, None
        self.panel.show_busy(message)
        self.mark()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.panel.show_busy(f"No counting probe: {message}")

    @Slot(int)
    def _on_unit(self, row: int) -> None:
        self.data.counting_unit = row

    def show(self, probe: CountingProbe) -> None:
        """Show ``probe`` (a new net's): its best unit charted, or the unit the model says."""
        self._suspended = None
        self.data.probe = probe
        self.panel.show_probe(probe)
        fit = self.data.counting_fit()
        if fit is not None and fit is not probe.best:
            self.panel.show_unit(fit)
        self.mark()
        self.probe_shown.emit()

    def ensure(self) -> None:
        """Have the newest probe on display now (an export cannot wait for the background).

        The request still in the background is cancelled (its result, should it come, is ignored)
        and computed here instead.
        """
        request = self.jobs.request
        if request is None or not self.jobs.busy():
            return
        self.jobs.drop()
        try:
            self.show(probe_counting(*request))
        except UserError as exc:
            self._on_failed(str(exc))

    def stop(self) -> None:
        """The tab is closing: start nothing more (the running task is joined by the tab's shutdown)."""
        self.jobs.stop()

    # marks ----------------------------------------------------------------------------
    @Slot()
    def mark(self, *_args) -> None:
        """Mark the counting unit in the 2-D views' axis labels, the 3-D view's axes and the step panel."""
        self._mark_views()
        self._mark_step_panel()

    def _label(self, name: str, fit: UnitFit | None) -> str:
        return f"{name} ◆ counts" if fit is not None else name

    def _mark_views(self) -> None:
        views = self.views
        coords = getattr(views, "coords", None)
        if coords is None:
            return
        units_mode = views.coordinate_mode == "units"
        marks = marked_units(self.probe, views.state_kind) if units_mode else {}
        names = list(coords.names)
        for view in views.pairs.views:
            j, k = view.pair
            if max(j, k) >= len(names):
                continue
            for side, unit in (("bottom", j), ("left", k)):
                fit = marks.get(unit)
                axis = view.getAxis(side)
                text = self._label(names[unit], fit)
                style = {"color": MARK_COLOUR, "font-weight": "bold"} if fit is not None else {}
                if axis.labelText == text and axis.labelStyle == style and axis.label.isVisible():
                    continue  # unchanged: set again, the axis would rebuild its drawing for nothing
                # setLabel keeps the last style when given none: set it (back to plain) each time.
                axis.labelStyle = style
                axis.setLabel(text)
        if hasattr(views, "view3d") and hasattr(views, "axes"):
            axes = views.axes()
            full = [*names, f"state 0..{views.L:g}"]
            if all(0 <= a < len(full) for a in axes):
                labels = [self._label(full[a], marks.get(a)) if a < len(names) else full[a] for a in axes]
                views.view3d.set_axis_labels(*labels)
                if hasattr(views, "axes_caption"):
                    views.axes_caption.setText(views.view3d.axes_caption())

    def _mark_step_panel(self) -> None:
        panel = self.step_panel
        for state, plot in (("hidden", panel.hidden_plot), ("cell", panel.cell_plot)):
            marks = marked_units(self.probe, state)
            title = self._step_titles[plot]
            axis = plot.getAxis("bottom")
            hidden = len(panel.hidden_bars.opts["x"])
            ticks = [(j, f"{j} ◆" if j in marks else str(j)) for j in range(hidden)]
            if axis._tickLevels != [ticks]:  # set again, the axis would rebuild its drawing for nothing
                axis.setTicks([ticks])
            tip = ""
            if marks:
                # Short: a long title widens the plot past its view and cuts off the last bars.
                unit, fit = next(iter(marks.items()))
                title = f"{title} · <b style='color:{MARK_COLOUR}'>◆ {unit}</b>"
                tip = f"◆ {state} unit {unit} counts {fit.counter} (see the Counting page)"
            if plot.getPlotItem().titleLabel.text != title or not plot.getPlotItem().titleLabel.isVisible():
                plot.setTitle(title, size="10pt")
            plot.setToolTip(tip)


# exports and report (from the model alone) ---------------------------------------------------
def figures(model: RecurrentModel, panel: CountingPanel | None = None) -> list[Figure]:
    """The counting chart as a figure (none before a probe); drawn on ``panel`` or a panel of its own."""
    fit = model.counting_fit()
    if fit is None:
        return []
    if panel is None:
        panel = CountingPanel()
        panel.show_probe(model.probe)
        panel.show_unit(fit)
        panel.chart._owner = panel  # the chart is drawn after this returns: its panel must live as long
    s = model.state
    phases = phase_names(s.language)
    legend = [(f"reads {p}", phase_colour(s.language, i)) for i, p in enumerate(phases)]
    return [Figure(panel.chart, title=f"{model.heading}: {unit_name(fit)} against {fit.counter}",
                   note=f"{model.moment}; {fit.sentence()}", x_label=fit.counter, y_label=unit_name(fit),
                   legend=legend, name=f"{s.stem}_counting", aspect=1.6)]


def data_tables(model: RecurrentModel) -> dict[str, tuple[list[str], list[list]]]:
    """The unit table and the charted points, by file stem (nothing before a probe)."""
    fit = model.counting_fit()
    if fit is None:
        return {}
    stem = model.state.stem
    tables = {f"{stem}_counting_units": unit_rows(model.probe)}
    data = model.probe.chart(fit)
    rows = []
    for phase, d in data["phases"].items():
        for x, y, n in zip(d["x"], d["y"], d["n"], strict=True):
            rows.append([int(n), phase, float(x), float(y)])
    tables[f"{stem}_counting_points"] = (["string n", "read", data["counter"], unit_name(fit)], rows)
    return tables


def report_section(model: RecurrentModel) -> ReportSection | None:
    """The report's counting section: the sentence, the chart and the table of every unit."""
    probe = model.probe
    if probe is None or model.counting_fit() is None:
        return None
    best = probe.best
    text = [f"The counting unit: {best.sentence()}."]
    if probe.prediction_holds_to is not None:
        text.append(f"The net's predictions are all right up to n = {probe.prediction_holds_to}"
                    f" (tested to n = {probe.tested_up_to}).")
    text.append("Each unit is fitted, on the training strings n = 1..L, to every count the language needs with one"
                " line per phase (the symbol just read); R² is the share of the unit's variation within the phases"
                " that the count explains, and the count holds for a string while the fit predicts the unit there"
                " as well as in training.")
    headers, rows = unit_rows(probe)
    return ReportSection(title=f"Counting units: {model.heading}", settings={"largest n (L)": probe.L,
                                                                             "tested up to n": probe.tested_up_to},
                         text=text, tables=[ReportTable("every unit's best counter", headers, rows)],
                         figures=[report_figure(f) for f in figures(model)])


def export_all(model: RecurrentModel, folder: Path, formats=("png", "svg"), size=None) -> list[Path]:
    """The counting chart (each 2-D format) and its tables as CSV; nothing when no probe could be made."""
    folder = Path(folder)
    written = export_figures(figures(model), folder, formats=formats, size=size)
    for stem, (headers, rows) in data_tables(model).items():
        path = folder / f"{stem}.csv"
        write_bytes(path, rows_to_csv(headers, rows).encode("utf-8"))
        written.append(path)
    return written
