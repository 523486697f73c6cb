"""What the net shows at one step: prediction vs. target, hidden activations, LSTM cell and gates."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from explorer.qt.widgets.axes import plain_axes

PREDICTED = (40, 90, 200)
TARGET = (150, 150, 150)
GATE_COLORS = {"i": (46, 139, 87), "f": (214, 120, 20), "o": (130, 60, 170),
               "r": (46, 139, 87), "z": (214, 120, 20), "n": (130, 60, 170)}
GATE_NAMES = {"i": "input", "f": "forget", "o": "output", "r": "reset", "z": "update", "n": "new values"}
#: The gates shown per model kind (the LSTM's new values g are a cell input, not a gate in [0, 1]).
KIND_GATES = {"lstm": "ifo", "gru": "rzn"}


def gates_title(gates: str) -> str:
    """``gates: i f o`` with each letter in its bar colour."""
    return "gates: " + " ".join(f"<span style='color:#{r:02x}{g:02x}{b:02x}'>{k}</span>"
                                for k, (r, g, b) in ((k, GATE_COLORS[k]) for k in gates))


def _plot(title: str, y_range: tuple[float, float] | None) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setTitle(title, size="10pt")
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(y=True, alpha=0.3)
    if y_range is not None:
        plot.setYRange(*y_range, padding=0.05)
    plot.setMinimumSize(160, 120)  # the smallest plot that still shows its title and ticks
    plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    plain_axes(plot, all_axes=True)
    return plot


def _fmt(values: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:+.3f}" for v in np.asarray(values).ravel()) + ")"


def header_text(step: int, steps: int, read: str, upcoming: str, probabilities, target, symbols: str) -> str:
    """The step's sentence: what was read, what the target says comes next, the net's guess.

    Where the next symbol is not certain the target is a distribution (A 0.8 / B 0.2 after an A): the
    sentence gives that distribution and only then which symbol this string happens to go on with,
    so it never reads "next comes B" beside a target bar that favours A (issue 19).
    """
    probabilities, target = np.asarray(probabilities, float), np.asarray(target, float)
    best = symbols[int(np.argmax(probabilities))]
    guess = f"the net's top guess: <b>{best}</b> {float(np.max(probabilities)) * 100:.0f} %"
    head = f"Step <b>{step + 1}</b> of {steps}: read <b>{read}</b>"
    if float(np.max(target)) >= 0.999:
        right = best == upcoming
        verdict = " <b style='color:#1a7f37'>right</b>" if right else " <b style='color:#b00020'>wrong</b>"
        return f"{head}; next is certainly <b>{upcoming}</b> (target 1.0); {guess}{verdict}"
    spread = " / ".join(f"{c} {t:.1f}" for c, t in zip(symbols, target, strict=False) if t > 0)
    return (f"{head}; next is not certain (target {spread}); {guess}"
            f" <span style='color:#555'>· this string goes on with {upcoming}</span>")


class StepPanel(QWidget):
    """Bars for one step; :attr:`shown` keeps the exact numbers on display."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.shown: dict = {}
        self.header = QLabel("")
        self.header.setObjectName("stepHeader")
        self.header.setTextFormat(pg.QtCore.Qt.TextFormat.RichText)
        self.numbers = QLabel("")
        self.numbers.setObjectName("stepNumbers")
        self.numbers.setWordWrap(True)
        self.numbers.setStyleSheet("font-family: monospace; color: #333;")
        self.prediction_plot = _plot("next: <span style='color:#285ac8'>net</span> vs target", (0, 1))
        self.hidden_plot = _plot("hidden h", (-1, 1))
        self.cell_plot = _plot("cell c", None)
        self.gates_plot = _plot(gates_title("ifo"), (-1, 1))
        self.predicted = pg.BarGraphItem(x=[0], height=[0], width=0.36, brush=PREDICTED)
        self.target = pg.BarGraphItem(x=[0], height=[0], width=0.36, brush=TARGET)
        self.prediction_plot.addItem(self.target)
        self.prediction_plot.addItem(self.predicted)
        self.hidden_bars = pg.BarGraphItem(x=[0], height=[0], width=0.6, brush=(60, 60, 60))
        self.hidden_plot.addItem(self.hidden_bars)
        self.cell_bars = pg.BarGraphItem(x=[0], height=[0], width=0.6, brush=(160, 60, 60))
        self.cell_plot.addItem(self.cell_bars)
        self.gate_bars = {g: pg.BarGraphItem(x=[0], height=[0], width=0.25, brush=c) for g, c in GATE_COLORS.items()}
        for item in self.gate_bars.values():
            self.gates_plot.addItem(item)
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        for p, stretch in ((self.prediction_plot, 3), (self.hidden_plot, 3), (self.cell_plot, 3), (self.gates_plot, 4)):
            plots.addWidget(p, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(plots, 1)
        layout.addWidget(self.numbers)
        self.configure("AB", 2, lstm=False)

    def configure(self, symbols: str, hidden: int, lstm: bool, gates: str | None = None) -> None:
        """Set up the axes for an alphabet, a number of hidden units and the model kind.

        ``gates``: the gate letters to show (``"rzn"`` for a GRU); an LSTM's are ``"ifo"``.
        """
        gates = gates if gates is not None else ("ifo" if lstm else "")
        n = len(symbols)
        if (symbols, hidden, lstm, gates) == getattr(self, "_configured", None):
            # The same layout (a net of the same kind and size: after every training): only the bars
            # start empty again. Ticks, ranges and titles set again would make every axis of the
            # panel rebuild its drawing at the next paint (issue 20: most of the window's paint time).
            for item in (self.predicted, self.target):
                item.setOpts(height=np.zeros(n))
            for item in (self.hidden_bars, self.cell_bars, *self.gate_bars.values()):
                item.setOpts(height=np.zeros(hidden))
            return
        self._configured = (symbols, hidden, lstm, gates)
        self.symbols = symbols
        self.lstm = lstm
        self.gates = gates
        self.prediction_plot.getAxis("bottom").setTicks([[(i, s) for i, s in enumerate(symbols)]])
        self.prediction_plot.setXRange(-0.6, n - 0.4, padding=0)
        self.predicted.setOpts(x=np.arange(n) - 0.19, height=np.zeros(n))
        self.target.setOpts(x=np.arange(n) + 0.19, height=np.zeros(n))
        units = [[(j, str(j)) for j in range(hidden)]]
        for plot in (self.hidden_plot, self.cell_plot, self.gates_plot):
            plot.getAxis("bottom").setTicks(units)
            plot.setXRange(-0.6, hidden - 0.4, padding=0)
        self.hidden_bars.setOpts(x=np.arange(hidden), height=np.zeros(hidden))
        self.cell_bars.setOpts(x=np.arange(hidden), height=np.zeros(hidden))
        for g, item in self.gate_bars.items():
            k = self.gates.find(g)
            item.setVisible(k >= 0)
            item.setOpts(x=np.arange(hidden) + (k - 1) * 0.27, height=np.zeros(hidden))
        self.gates_plot.setTitle(gates_title(self.gates or "ifo"), size="10pt")
        # The GRU's new values n are tanh (−1..1); gates alone stay in 0..1.
        self.gates_plot.setYRange(-1 if "n" in self.gates else 0, 1, padding=0.05)
        self.cell_plot.setVisible(lstm)
        self.gates_plot.setVisible(bool(self.gates))

    def show_step(
        self,
        step: int,
        steps: int,
        read: str,
        upcoming: str,
        probabilities: np.ndarray,
        target: np.ndarray,
        hidden: np.ndarray,
        cell: np.ndarray | None = None,
        gates: dict[str, np.ndarray] | None = None,
    ) -> None:
        """Show step ``step`` (0-based) of ``steps``: symbol read, the one that follows, and the values."""
        self.shown = {
            "step": step, "read": read, "next": upcoming, "probabilities": np.asarray(probabilities),
            "target": np.asarray(target), "hidden": np.asarray(hidden),
            "cell": None if cell is None else np.asarray(cell),
            "gates": None if gates is None else {g: np.asarray(v) for g, v in gates.items()},
        }
        self.predicted.setOpts(height=probabilities)
        self.target.setOpts(height=target)
        self.hidden_bars.setOpts(height=hidden)
        self.header.setText(header_text(step, steps, read, upcoming, probabilities, target, self.symbols))
        lines = [f"p = {_fmt(probabilities)}   target = {_fmt(target)}", f"h = {_fmt(hidden)}"]
        if cell is not None:
            self.cell_bars.setOpts(height=cell)
            span = max(1.0, float(np.max(np.abs(cell))) * 1.1)
            self.cell_plot.setYRange(-span, span, padding=0)
            lines.append(f"c = {_fmt(cell)}")
        shown = [g for g in self.gates if gates is not None and g in gates]
        for g in shown:
            self.gate_bars[g].setOpts(height=gates[g])
        if shown:
            lines.append("   ".join(f"{g} = {_fmt(gates[g])}" for g in shown))
        self.numbers.setText("\n".join(lines))
