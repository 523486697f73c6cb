"""The recurrent tab's left column: network choice, training settings, live curves, length chart."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.core.recurrent.kinds import MODEL_KINDS, MODEL_TITLES
from explorer.core.recurrent.languages import LANGUAGES
from explorer.core.recurrent.training import TrainConfig, default_hidden, recipe
from explorer.core.recurrent.weights import shipped_weights
from explorer.qt.widgets.axes import plain_axes
from explorer.qt.widgets.buttons import button as _button
from explorer.qt.widgets.task_panel import TaskPanel
from explorer.qt.widgets.training_curves import TrainingCurves

#: How the model combo writes each kind (others: their short title from kinds.MODEL_TITLES).
MODEL_LONG_TITLES = {"srn": "SRN (simple recurrent net)", "gru": "GRU (gated recurrent unit)"}

RECIPE_NAMES = {
    "fast": "Fast (8 seeds, batches of 16, Adam)",
    "course": "Course recipe (SGD, 1 sequence/step)",
}


class NetworkBox(QGroupBox):
    """Language, model, hidden units and L; says which net is shown."""

    #: The user picked another language, model or size (the tab swaps the net).
    net_changed = Signal()
    L_changed = Signal(int)

    def __init__(self):
        super().__init__("Network")
        self.language = QComboBox()
        self.language.setObjectName("language")
        for name, lang in LANGUAGES.items():
            self.language.addItem(lang.title, name)
        self.language.setToolTip("The language the net reads: a^n b^2n, a^n b^2n c^3n or Dyck-1 (balanced brackets)")
        self.model = QComboBox()
        self.model.setObjectName("modelKind")
        for kind in MODEL_KINDS:  # the one list of kinds: a new kind appears here by itself
            self.model.addItem(MODEL_LONG_TITLES.get(kind, MODEL_TITLES[kind]), kind)
        self.model.setToolTip("Elman SRN, GRU or LSTM, with the course's equations and parameter names")
        self.hidden = QSpinBox(minimum=2, maximum=8, value=2)
        self.hidden.setObjectName("hiddenUnits")
        self.hidden.setToolTip("Hidden units; the course uses 2 (SRN, a^n b^2n), 3 (LSTM) or 4 (SRN, with C's)")
        self.L = QSpinBox(minimum=1, maximum=12, value=4)
        self.L.setObjectName("largestN")
        self.L.setToolTip("L: the largest n in training strings; colours run from 0 to L")
        self.shipped_button = _button("Shipped net", "Load the shipped pretrained net for this language and model")
        self.describe = QLabel("")
        self.describe.setObjectName("netDescription")
        self.describe.setWordWrap(True)
        self.accuracy = QLabel("")
        self.accuracy.setObjectName("accuracyLabel")
        self.accuracy.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.accuracy.setWordWrap(True)
        self.accuracy.setToolTip("Deterministic-prediction accuracy over n = 1..L: the share of certain next"
                                 " symbols (every one from the first B on) the net gets right")
        form = QFormLayout()
        form.setVerticalSpacing(FORM_SPACING)
        form.addRow("Language", self.language)
        form.addRow("Model", self.model)
        row = QHBoxLayout()
        row.addWidget(self.hidden)
        row.addWidget(QLabel("  largest n (L)"))
        row.addWidget(self.L)
        form.addRow("Hidden units", row)
        form.addRow("", self.shipped_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.describe)
        layout.addWidget(self.accuracy)
        self.language.activated.connect(self._on_language)
        self.model.activated.connect(self._on_model)
        self.hidden.valueChanged.connect(self._on_hidden)
        self.L.valueChanged.connect(self.L_changed)

    def choice(self) -> tuple[str, str, int]:
        """(language, model, hidden) as chosen."""
        return self.language.currentData(), self.model.currentData(), self.hidden.value()

    def show_choice(self, lang: str, model: str, hidden: int, L: int) -> None:
        """Follow the net on display without emitting change signals."""
        for widget in (self.language, self.model, self.hidden, self.L):
            widget.blockSignals(True)
        index = self.language.findData(lang)
        if index < 0:
            self.language.addItem(lang, lang)
            index = self.language.count() - 1
        self.language.setCurrentIndex(index)
        self.model.setCurrentIndex(self.model.findData(model))
        self.hidden.setValue(hidden)
        self.L.setValue(L)
        for widget in (self.language, self.model, self.hidden, self.L):
            widget.blockSignals(False)

    @Slot(int)
    def _on_language(self, _index: int) -> None:
        # The course's size for the new language and model.
        self.hidden.blockSignals(True)
        self.hidden.setValue(default_hidden(self.language.currentData(), self.model.currentData()))
        self.hidden.blockSignals(False)
        self.net_changed.emit()

    @Slot(int)
    def _on_model(self, index: int) -> None:
        self._on_language(index)

    @Slot(int)
    def _on_hidden(self, _value: int) -> None:
        self.net_changed.emit()


class TrainBox(QGroupBox):
    """Preset and hyperparameters; Train, with a task panel for progress and Cancel."""

    def __init__(self):
        super().__init__("Training")
        self.preset = QComboBox()
        self.preset.setObjectName("recipe")
        for name, text in RECIPE_NAMES.items():
            self.preset.addItem(text, name)
        self.preset.setToolTip("Fill the settings below from a preset; the fast one solves both defaults in seconds")
        self.optimizer = QComboBox()
        self.optimizer.addItem("Adam", "adam")
        self.optimizer.addItem("SGD", "sgd")
        self.optimizer.setToolTip("Optimiser (the course uses SGD; Adam is much faster here)")
        self.lr = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=1.0, singleStep=0.001)
        self.lr.setToolTip("Learning rate")
        self.momentum = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=0.99, singleStep=0.1)
        self.momentum.setToolTip("SGD momentum (not used by Adam)")
        self.init_std = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=2.0, singleStep=0.05)
        self.init_std.setSpecialValueText("course default")
        self.init_std.setToolTip("Initial weights from N(0, size); 'course default' is N(0, 0.001) for the SRN,"
                                 " uniform ±1/√H for the LSTM")
        self.sequences = QSpinBox(minimum=16, maximum=1_000_000, singleStep=1000)
        self.sequences.setGroupSeparatorShown(True)
        self.sequences.setObjectName("sequences")
        self.sequences.setToolTip("Most training sequences (each of five blocks); stops early once solved")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed.setToolTip("Random seed: the same seed gives the same run")
        self.train_button = _button("Train", "Train a fresh net with these settings", "Ctrl+T")
        self.train_button.setObjectName("trainButton")
        self.task_panel = TaskPanel()
        self._hidden_settings: TrainConfig | None = None
        form = QFormLayout()
        form.setVerticalSpacing(FORM_SPACING)
        form.addRow("Preset", self.preset)
        form.addRow("Optimiser", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Momentum", self.momentum)
        form.addRow("Initial weight size", self.init_std)
        form.addRow("Sequences", self.sequences)
        form.addRow("Seed", self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.train_button)
        layout.addWidget(self.task_panel)
        self.preset.activated.connect(self._on_preset)

    def follow_net(self, lang: str, model: str, hidden: int) -> None:
        """Refill the fields from the preset when the language, model or size changes."""
        c = self._hidden_settings
        if c is None or (c.lang, c.model, c.hidden) != (lang, model, hidden):
            self.apply_preset(self.preset.currentData(), lang, model, hidden)

    def apply_preset(self, name: str, lang: str, model: str, hidden: int) -> None:
        """Fill the fields from ``name``'s recipe for this language and model."""
        config = recipe(name, lang, model, hidden)
        self.preset.setCurrentIndex(self.preset.findData(name))
        self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))
        self.lr.setValue(config.lr)
        self.momentum.setValue(config.momentum)
        self.init_std.setValue(config.init_std or 0.0)
        self.sequences.setValue(config.sequences)
        self._hidden_settings = config

    @Slot(int)
    def _on_preset(self, _index: int) -> None:
        c = self._hidden_settings or TrainConfig()
        self.apply_preset(self.preset.currentData(), c.lang, c.model, c.hidden)

    def config(self, lang: str, model: str, hidden: int, L: int) -> TrainConfig:
        """The run to start: the preset's other settings with the fields shown here."""
        return recipe(
            self.preset.currentData(), lang, model, hidden,
            optimizer=self.optimizer.currentData(), lr=self.lr.value(), momentum=self.momentum.value(),
            init_std=self.init_std.value() or None, sequences=self.sequences.value(),
            seed=self.seed.value(), L=L,
        )


NO_RUN_TEXT = ("No training run yet. Train draws the loss (every few sequences) and the accuracy"
               " (at each check) here.")


class TrainingChart(TrainingCurves):
    """Loss every record, accuracy at each check, joined by lines (checks are sparse)."""

    #: Redrawn twice a second while a net trains (each redraw replays the four axes, ~15 ms of the
    #: window's thread; at the base class's five a second it was the largest thing the window did
    #: during a recurrent training). Every record is kept, and all are drawn when training ends.
    FLUSH_MS = 500

    def __init__(self):
        super().__init__("sequences")
        self.setMinimumHeight(150)
        self.accuracy_points: tuple[list, list] = ([], [])
        # Its own item: the base class redraws the run's accuracy curve from add_point's (empty) values.
        self.accuracy_curve = self.accuracy_plot.plot(
            pen=pg.mkPen(40, 90, 200, width=2), symbol="o", symbolSize=5, symbolBrush=(40, 90, 200)
        )
        # Not an empty 0.2-0.8 grid before any run (issue 19).
        self.set_empty_text(NO_RUN_TEXT)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override: fit the column without scrolling
        return QSize(360, 240)

    def set_note(self, text: str) -> None:
        """A line above the loss curve, e.g. that these curves belong to an earlier run, not the net shown."""
        self._note = text
        self.loss_plot.setTitle(text, size="9pt", color=(150, 60, 0))

    def note(self) -> str:
        return getattr(self, "_note", "")

    def loss_data(self) -> tuple[list, list]:
        """The run's (sequences, loss) points, as plotted."""
        run = self._runs.get("training")
        return (list(run[2]), list(run[3])) if run else ([], [])

    def has_points(self) -> bool:
        return bool(self.accuracy_points[0]) or self.points("training") > 0

    def start(self) -> None:
        self.start_run("training", color=(40, 90, 200))
        self.accuracy_points = ([], [])
        self.accuracy_curve.setData([], [])

    def restore(self, loss: tuple[list, list], accuracy: tuple[list, list]) -> None:
        """Show a kept run's curves again: (sequences, loss) and (sequences, accuracy) points."""
        self.start()
        for x, y in zip(*loss, strict=True):
            self.add_point("training", x, y, None)
        self.flush()
        self.accuracy_points = (list(accuracy[0]), list(accuracy[1]))
        self.accuracy_curve.setData(*self.accuracy_points)

    def add(self, sequences: int, loss: float, accuracy: float | None) -> None:
        """One record; drawn with the loss by the base class's timer (a few times a second, not per record)."""
        self.add_point("training", sequences, loss, None)
        if accuracy is not None:
            xs, ys = self.accuracy_points
            xs.append(sequences)
            ys.append(accuracy)
            self._accuracy_dirty = True

    @Slot()
    def flush(self) -> None:
        super().flush()
        if getattr(self, "_accuracy_dirty", False):
            self._accuracy_dirty = False
            self.accuracy_curve.setData(*self.accuracy_points)


#: Rows of the forms this close together: at 1280×860 the controls, down to the progress bar,
#: and a readable chart below them share the left column.
FORM_SPACING = 3
#: Room (in n) right of the last bar for the "chance" label at the end of its line.
CHANCE_ROOM = 1.9
#: Least room per tick label under the bars ("12" and a gap).
TICK_PIXELS = 20


class GeneralisationChart(pg.PlotWidget):
    """Accuracy per n for n = 1..3L; the training range n ≤ L shaded."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumHeight(150)
        self.setMenuEnabled(False)
        self.setTitle("length generalisation: accuracy per n", size="10pt")
        self.setLabel("left", "accuracy", units="%")
        self.setLabel("bottom", "n")
        self.setYRange(0, 105, padding=0)
        self.showGrid(y=True, alpha=0.3)
        self.region = pg.LinearRegionItem((0.5, 4.5), movable=False, brush=(200, 220, 255, 70), pen=pg.mkPen(None))
        self.addItem(self.region)
        self.bars = pg.BarGraphItem(x=[1], height=[0], width=0.7, brushes=[(40, 90, 200)])
        self.addItem(self.bars)
        # The chance baseline: always predicting the most common next symbol (dashed, as steps per n).
        self.chance = pg.PlotDataItem(pen=pg.mkPen((60, 60, 60), width=1.5, style=Qt.PenStyle.DashLine),
                                      stepMode="center")
        self.addItem(self.chance)
        # At the dashed line's right end, in room kept free right of the last bar (never on a bar).
        self.chance_label = pg.TextItem("chance", color=(60, 60, 60), anchor=(0, 0.5))
        self.addItem(self.chance_label)
        self.per_n: dict[int, float] = {}
        self.chance_n: dict[int, float] = {}
        self.setToolTip("Accuracy per n (deterministic steps); shaded: the training range n ≤ L; green: 100 %;"
                        " dashed: chance, always predicting the most common next symbol")
        plain_axes(self, all_axes=True)

    def show_accuracy(self, per_n: dict[int, float], L: int, chance: dict[int, float] | None = None) -> None:
        self.per_n = dict(per_n)
        self.chance_n = dict(chance or {})
        if self.chance_n:
            cn = np.array(sorted(self.chance_n))
            self.chance.setData(np.append(cn - 0.5, cn[-1] + 0.5), [self.chance_n[n] for n in cn])
            self.chance_label.setPos(cn[-1] + 0.5, self.chance_n[cn[-1]])
        self.chance.setVisible(bool(self.chance_n))
        self.chance_label.setVisible(bool(self.chance_n))
        ns = np.array(sorted(per_n))
        values = np.array([per_n[n] for n in ns])
        colors = [(40, 150, 70) if v >= 100 else (40, 90, 200) if n <= L else (220, 120, 40)
                  for n, v in zip(ns, values, strict=True)]
        self.bars.setOpts(x=ns, height=values, brushes=colors)
        self.region.setRegion((0.5, L + 0.5))
        self._last = int(ns.max()) if len(ns) else L
        self._right = max(ns.max(), max(self.chance_n, default=0)) + 0.6 if len(ns) else L
        self._fit_x()

    def _fit_x(self) -> None:
        """Show n = 1.. the last bar, plus room for the "chance" label as wide as its text on screen."""
        right = getattr(self, "_right", None)
        if right is None:
            return
        room = 0.0
        if self.chance_n:
            pixels = self.getViewBox().width()
            span = right - 0.4
            label = self.chance_label.textItem.boundingRect().width() + 6
            # room / (span + room) of the plot's width must hold the label's width.
            room = span * label / max(pixels - label, 1.0) if pixels > 2 * label else CHANCE_ROOM
        self.setXRange(0.4, right + room, padding=0)
        # Ticks only under bars (the label's room would otherwise read n = 13, 14), as many as fit.
        per_n = self.getViewBox().width() / max(right + room - 0.4, 1.0)
        step = next((k for k in (1, 2, 5, 10, 20, 50) if k * per_n >= TICK_PIXELS), 100)
        ticks = [(n, str(n)) for n in range(step if step > 1 else 1, getattr(self, "_last", 0) + 1, step)]
        self.getAxis("bottom").setTicks([ticks])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.plotItem is not None:
            self._fit_x()


class RecurrentControls(QWidget):
    """The whole left column, top to bottom."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.network = NetworkBox()
        self.train = TrainBox()
        self.curves = TrainingChart()
        # Under the controls, outside their scroll area (the tab places it): training curves,
        # length chart and states needed share it.
        self.charts = QTabWidget()
        self.charts.setObjectName("recurrentCharts")
        self.charts.addTab(self.curves, "Training")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.network)
        layout.addWidget(self.train)
        layout.addStretch(1)

    def follow_net_shown(self, lang: str, model: str, hidden: int, curves_ours: bool) -> None:
        """Label loss curves of another run than the net shown; Shipped net only where one is shipped (issue 12)."""
        curves = self.curves
        curves.set_note("" if curves_ours or not curves.has_points() else "an earlier training run, not the net on display")
        shipped = shipped_weights(lang, model, hidden) is not None
        button = self.network.shipped_button
        button.setEnabled(shipped)
        button.setToolTip("Load the shipped pretrained net for this language and model" if shipped else
                          f"No pretrained {model.upper()}-{hidden} on {lang} is shipped: train one")
