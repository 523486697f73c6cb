"""The MLP tab's left-hand controls: data, training settings, network editor, rescale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from explorer.core.mlp.data import BUILTIN_SETS
from explorer.core.mlp.network import MAX_HIDDEN
from explorer.core.mlp.training import MAX_LR, TrainConfig
from explorer.qt.mlp.weights_editor import WeightsEditor
from explorer.qt.widgets.buttons import button as _button
from explorer.qt.widgets.task_panel import TaskPanel

COURSE = TrainConfig()


class DataBox(QGroupBox):
    def __init__(self):
        super().__init__("Data")
        self.sets = QComboBox()
        self.sets.setObjectName("dataSets")
        self.sets.addItems(list(BUILTIN_SETS))
        self.sets.setToolTip("Built-in data sets; File → Open data loads any CSV of x, y, target rows")
        self.open_button = _button("Open CSV…", "Load points from a CSV file (x, y, target; header optional)")
        self.save_button = _button("Save CSV…", "Write the current points, with your edits, to a CSV file")
        hint = QLabel("Click a point to flip its target. Click empty space to add a point of target 1, "
                      "Shift+click for target 0.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sets)
        layout.addLayout(row)
        layout.addWidget(hint)


class TrainBox(QGroupBox):
    def __init__(self):
        super().__init__("Train (sigmoid, Adam, full batch)")
        self.init_std = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=10.0, singleStep=0.05, value=COURSE.init_std)
        self.init_std.setToolTip("Initial weights are drawn from N(0, size); the course uses 0.15")
        self.lr = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=MAX_LR, singleStep=0.001, value=COURSE.lr)
        self.lr.setToolTip(f"Adam learning rate; the course uses 0.001 (up to {MAX_LR:g}: a run that diverges stops "
                           "with a message and keeps its last finite weights)")
        self.max_epochs = QSpinBox(minimum=100, maximum=1_000_000, singleStep=1000, value=COURSE.max_epochs)
        self.max_epochs.setGroupSeparatorShown(True)
        self.max_epochs.setToolTip("Give up after this many epochs (the course allows 200,000)")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=COURSE.seed)
        self.seed.setToolTip("Random seed for the initial weights: the same seed gives the same run")
        self.train_button = _button("Train", "Train a sigmoid network from fresh random weights", "Ctrl+T")
        self.train_button.setObjectName("trainButton")
        self.course_button = _button("Course recipe", "Reset these settings to the course's")
        self.task_panel = TaskPanel()
        form = QFormLayout()
        form.addRow("Initial weight size", self.init_std)
        form.addRow("Learning rate", self.lr)
        form.addRow("Max epochs", self.max_epochs)
        form.addRow("Seed", self.seed)
        rule = QLabel(f"Stops once accuracy has stayed at 100 % for {COURSE.stable_epochs:,} epochs.")
        rule.setWordWrap(True)
        rule.setStyleSheet("color: #555;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.course_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addLayout(buttons)
        layout.addWidget(self.task_panel)
        self.course_button.clicked.connect(self.reset_to_course)

    def reset_to_course(self) -> None:
        self.init_std.setValue(COURSE.init_std)
        self.lr.setValue(COURSE.lr)
        self.max_epochs.setValue(COURSE.max_epochs)

    def config(self, hidden: int) -> TrainConfig:
        return TrainConfig(
            hidden=hidden,
            init_std=self.init_std.value(),
            lr=self.lr.value(),
            max_epochs=self.max_epochs.value(),
            seed=self.seed.value(),
        )


class NetworkBox(QGroupBox):
    def __init__(self):
        super().__init__("Network")
        self.hidden = QSpinBox(minimum=1, maximum=MAX_HIDDEN, value=COURSE.hidden)
        self.hidden.setObjectName("hiddenUnits")
        self.hidden.setToolTip("Hidden units H: rows are added (all zero) or removed; training uses this too")
        self.activation = QComboBox()
        self.activation.setObjectName("activation")
        self.activation.addItem("sigmoid", "sigmoid")
        self.activation.addItem("step (Heaviside)", "step")
        self.activation.setToolTip("Activation at both layers: sigmoid, or step (1 where the input is ≥ 0)")
        self.editor = WeightsEditor()
        self.editor.setMinimumHeight(170)
        self.refusal = QLabel("")
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #b00020;")
        self.reference_button = _button("Reference step net", "Load the report's hand-designed 4-unit step network")
        self.copy_button = _button("Copy as Python", "Copy the four lists in the course's Python form", "Ctrl+Shift+C")
        self.paste_button = _button("Paste Python", "Read the four lists from the clipboard", "Ctrl+Shift+V")
        top = QFormLayout()
        top.addRow("Hidden units", self.hidden)
        top.addRow("Activation", self.activation)
        buttons = QHBoxLayout()
        for b in (self.reference_button, self.copy_button, self.paste_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.refusal)
        layout.addLayout(buttons)


class RescaleBox(QGroupBox):
    def __init__(self):
        super().__init__("Rescale every weight and bias")
        self.factor = QSpinBox(minimum=1, maximum=100, value=1, suffix=" ×")
        self.factor.setObjectName("scaleFactor")
        self.factor.setToolTip("Multiply all weights and biases; with sigmoid the regions sharpen toward the step net")
        self.slider = QSlider(Qt.Orientation.Horizontal, minimum=1, maximum=100, value=1)
        self.slider.setToolTip(self.factor.toolTip())
        self.readout = QLabel()
        self.readout.setObjectName("scaleReadout")
        self.readout.setWordWrap(True)
        self.factor.valueChanged.connect(self.slider.setValue)
        self.slider.valueChanged.connect(self.factor.setValue)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.factor)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.readout)


class MLPControls(QWidget):
    """All of the left column, top to bottom."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data = DataBox()
        self.train = TrainBox()
        self.network = NetworkBox()
        self.rescale = RescaleBox()
        layout = QVBoxLayout(self)
        for box in (self.data, self.train, self.network, self.rescale):
            layout.addWidget(box)
        layout.addStretch(0)
