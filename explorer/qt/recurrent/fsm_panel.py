"""The state-machine panel: the diagram, the k slider with its fidelity-against-k curve, and the states-needed chart.

:class:`MachinePanel` shows a :class:`~explorer.core.recurrent.machine_study.MachineStudy`:
the diagram, a k slider (the automatic k marked on the curve beside it), a
summary line (states, fidelity, determinism, output threshold, where machine
and net part ways) and check boxes for the overlays on the state views.
:class:`StatesNeededChart` plots, against N, the states of the net's machine,
of the language's minimal machine and of an untrained net's machine.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from explorer.core.recurrent.machine_study import MachineStudy
from explorer.core.recurrent.moore import MooreMachine
from explorer.core.recurrent.state_machine import MIN_DETERMINISM
from explorer.qt.recurrent.fsm_diagram import MachineDiagram
from explorer.qt.recurrent.when_shown import WhenShown
from explorer.qt.widgets.axes import plain_axes

OVERLAYS = {
    "centroids": "Centroids",
    "transitions": "Transitions",
    "regions": "Regions",
}


class FidelityCurve(pg.PlotWidget):
    """Fidelity (against the net) and determinism per k; the automatic and the current k marked."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumSize(160, 120)
        self.setMenuEnabled(False)
        self.setTitle("fidelity against k", size="9pt")
        self.setLabel("bottom", "k (clusters)")
        self.setLabel("left", "share")
        self.setYRange(0, 1.05, padding=0)
        # Three labels that fit however short the panel makes it (its legend sits under the axis).
        self.getAxis("left").setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")], [(v / 10, "") for v in range(11)]])
        self.fidelity = self.plot(pen=pg.mkPen((30, 90, 210), width=2), name="fidelity")
        self.determinism = self.plot(pen=pg.mkPen((120, 120, 120), width=1, style=Qt.PenStyle.DashLine),
                                     name="determinism")
        self.floor = pg.InfiniteLine(MIN_DETERMINISM, angle=0, pen=pg.mkPen((160, 160, 160), width=1))
        self.auto = pg.InfiniteLine(0, angle=90, pen=pg.mkPen((20, 150, 60), width=2),
                                    label="auto", labelOpts={"position": 0.15, "color": (20, 150, 60)})
        self.now = pg.InfiniteLine(0, angle=90, pen=pg.mkPen((220, 0, 220), width=1.5))
        for item in (self.floor, self.auto, self.now):
            self.addItem(item)
        # Which line is which, under the axis (issue 19: the dashed line had no legend in the app).
        self.legend = pg.LegendItem(labelTextSize="8pt", colCount=3, verSpacing=-6, horSpacing=4)
        self.legend.layout.setContentsMargins(0, 0, 0, 0)
        self.getPlotItem().layout.addItem(self.legend, 4, 0, 1, 3)
        self.legend.addItem(self.fidelity, "fidelity")
        self.legend.addItem(self.determinism, "determinism")
        self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen((20, 150, 60), width=2)), "auto k")
        plain_axes(self, all_axes=True)
        self.setToolTip("Blue: share of steps where the machine predicts what the net predicts; dashed: determinism"
                        f" (the automatic k needs ≥ {MIN_DETERMINISM:.0%} and every string right). Green: the automatic k")

    def show_curve(self, curve: list[dict], auto_k: int, k: int) -> None:
        ks = np.array([row["k"] for row in curve], float)
        self.fidelity.setData(ks, [row["fidelity"] for row in curve])
        self.determinism.setData(ks, [row["determinism"] for row in curve])
        self.auto.setValue(auto_k)
        self.now.setValue(k)
        if len(ks):
            self.setXRange(0.5, max(ks.max(), k) + 0.5, padding=0)


NEEDED_TITLE = "states needed against N"


def legend_texts(legend: pg.LegendItem) -> list[str]:
    """A legend's texts, as shown."""
    return [label.text for _sample, label in legend.items]


class StatesNeededChart(pg.PlotWidget):
    """States against N: the net's machine, the language's minimal machine, an untrained net."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumSize(200, 150)
        self.setMenuEnabled(False)
        self.setTitle(NEEDED_TITLE, size="10pt")
        self.setLabel("bottom", "N (largest n extracted from)")
        self.setLabel("left", "states")
        self.showGrid(y=True, alpha=0.3)
        self.net = self.plot(pen=pg.mkPen((30, 90, 210), width=2), symbol="o", symbolBrush=(30, 90, 210),
                             symbolSize=7, name="net's machine")
        self.language = self.plot(pen=pg.mkPen((20, 20, 20), width=1.5, style=Qt.PenStyle.DashLine),
                                  symbol="s", symbolSize=6, symbolBrush=(20, 20, 20), name="language's")
        self.untrained = self.plot(pen=pg.mkPen((150, 150, 150), width=1.5), symbol="t", symbolSize=6,
                                   symbolBrush=(150, 150, 150), name="untrained net")
        parts_pen = pg.mkPen((220, 60, 0), width=1.5, style=Qt.PenStyle.DotLine)
        self.parts = pg.InfiniteLine(0, angle=90, pen=parts_pen)
        self.addItem(self.parts)
        # The legend (with the "parts ways at n = …" note) under the axis, never over the lines (issue 19:
        # inside the plot it covered the note and the first points).
        self.legend = pg.LegendItem(labelTextSize="8pt", colCount=2, verSpacing=-6, horSpacing=6)
        self.legend.layout.setContentsMargins(0, 0, 0, 0)
        self.getPlotItem().layout.addItem(self.legend, 4, 0, 1, 3)
        for line in (self.net, self.language, self.untrained):
            self.legend.addItem(line, line.name())
        self._parts_sample = pg.PlotDataItem(pen=parts_pen)
        plain_axes(self, all_axes=True)
        self.rows: list[dict] = []
        self.setToolTip("How many states a machine needs to be right up to N (language's: the language's"
                        " minimal machine). a^n b^2n is not regular: the"
                        " language's minimal machine grows with N; a net that counts grows with it."
                        " Orange: the first n where the extracted machine and the net part ways")

    def show_busy(self, note: str) -> None:
        """No rows for the net on display yet: the lines emptied (never the last net's) and ``note`` in the title."""
        self.rows = []
        for line in (self.net, self.language, self.untrained):
            line.setData([], [])
        self.parts.setVisible(False)
        self._show_parts_entry(None)
        self.setTitle(f"{NEEDED_TITLE} · {note}", size="10pt")

    def _show_parts_entry(self, parts_ways: int | None) -> None:
        self.legend.removeItem(self._parts_sample)
        if parts_ways is not None:
            self.legend.addItem(self._parts_sample, f"parts ways: n = {parts_ways}")

    def legend_entries(self) -> list[str]:
        """The legend's texts, as shown under the chart."""
        return legend_texts(self.legend)

    def show_rows(self, needed: list[dict], baseline: list[int], parts_ways: int | None) -> None:
        self.setTitle(NEEDED_TITLE, size="10pt")
        self.rows = list(needed)
        ns = np.array([row["max_n"] for row in needed], float)
        self.net.setData(ns, [row["net_states"] for row in needed])
        self.language.setData(ns, [row["language_states"] for row in needed])
        self.untrained.setData(ns[: len(baseline)], baseline)
        self.parts.setVisible(parts_ways is not None)
        right = ns.max() if len(ns) else 1
        if parts_ways is not None:
            self.parts.setValue(parts_ways)
            right = max(right, parts_ways)
        self._show_parts_entry(parts_ways)
        self.setXRange(0.5, right + 0.5, padding=0)


class MachinePanel(QWidget):
    """Diagram, k slider and fidelity curve, summary, and the overlay switches."""

    #: The user moved the k slider (the new k).
    k_changed = Signal(int)
    #: An overlay was switched on or off: its key in :data:`OVERLAYS` and the new state.
    overlay_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.diagram = MachineDiagram()
        self.curve = FidelityCurve()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("kSlider")
        self.slider.setRange(1, 2)
        self.slider.setToolTip("k: how many clusters the visited states are grouped into before minimising")
        self.slider.setTracking(False)  # one extraction when the slider is let go, not one per pixel
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderMoved.connect(lambda k: self.k_label.setText(f"k = {k}"))  # while dragging
        self.k_label = QLabel("k = –")
        self.summary = QLabel("extracting…")
        self.summary.setObjectName("machineSummary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.boxes: dict[str, QCheckBox] = {}
        switches = QHBoxLayout()
        switches.addWidget(QLabel("Overlays:"))
        for key, text in OVERLAYS.items():
            box = QCheckBox(text)
            box.setChecked(True)
            box.setToolTip(f"Show the machine's {text.lower()} in the state views")
            box.toggled.connect(lambda on, k=key: self.overlay_toggled.emit(k, on))
            self.boxes[key] = box
            switches.addWidget(box)
        switches.addStretch(1)
        k_row = QHBoxLayout()
        k_row.addWidget(self.k_label)
        k_row.addWidget(self.slider, 1)
        side = QVBoxLayout()
        side.addLayout(k_row)
        side.addWidget(self.curve, 1)
        top = QHBoxLayout()
        top.addWidget(self.diagram, 3)
        top.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 1)
        layout.addWidget(self.summary)
        layout.addLayout(switches)
        self.study: MachineStudy | None = None
        # The diagram is drawn when its page is shown (the page is this panel; see WhenShown).
        self.diagram_drawing = WhenShown(self)

    def show_study(self, study: MachineStudy) -> None:
        """Show a new machine (new net, snapshot or k)."""
        self.study = study
        found = study.found
        self.slider.blockSignals(True)
        self.slider.setRange(1, max(found.visited.distinct, 1))
        self.slider.setValue(found.k)
        self.slider.blockSignals(False)
        self.k_label.setText(f"k = {found.k}")
        self.diagram_drawing.run(lambda: self.diagram.set_machine(found.machine, study.layout))
        self.curve.show_curve(study.curve, study.auto_k, found.k)
        a = found.agreement
        parts = f"parts ways with the net at n = {a.parts_ways}" if a.parts_ways else f"agrees up to n = {a.tested_up_to}"
        auto = "automatic k" if found.k == study.auto_k else f"automatic k = {study.auto_k}"
        self.summary.setText(
            f"{found.machine.size} states from k = {found.k} ({auto}{'' if found.found else ', no k met the criteria'}) ·"
            f" fidelity {a.fidelity:.0%} · determinism {found.determinism:.0%} · {parts} ·"
            f" a state predicts the symbols the net gives > {found.visited.threshold:g}"
        )

    def show_busy(self, message: str) -> None:
        self.summary.setText(message)

    def show_no_machine(self) -> None:
        """An empty diagram at once (its items hidden: cheap), never the machine of a net no longer shown."""
        self.diagram_drawing.cancel()
        self.diagram.set_machine(MooreMachine("", [], 0), {})

    @Slot(int)
    def _on_slider(self, k: int) -> None:
        self.k_label.setText(f"k = {k}")
        self.k_changed.emit(k)
