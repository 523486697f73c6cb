"""The Kuzushiji tab's training controls: net, hyperparameters (course defaults), train / stop."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.kuzushiji.engine import TrainConfig, speed
from explorer.core.progress import Progress
from explorer.qt.widgets.buttons import button as _button
from explorer.qt.widgets.task_panel import TaskPanel

COURSE = TrainConfig()
PARAMETERS = {name: nets.parameters_of(name) for name in nets.NETS}
"""Trainable parameters per net (7,850 / 101,770 / 431,242)."""
DESCRIPTIONS = {
    "lin": "784 → {classes} linear, log-softmax",
    "full": "784 → 128 tanh → {classes}, log-softmax",
    "conv": "conv 32 3×3 → pool → conv 64 3×3 → pool → 256 ReLU → {classes}",
}
"""Each net's layers; ``{classes}`` is the chosen data set's class count."""
SETTINGS_KEYS = ("net", "optimizer", "lr", "momentum", "batch", "epochs", "seed", "shuffle", "class_weighted")


class TrainingControls(QWidget):
    """Left column of the Train page."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.num_classes = KMNIST.num_classes
        """The chosen data set's classes: the nets' output count."""
        self.net = QComboBox()
        self.net.setObjectName("netChoice")
        for name in nets.NETS:
            self.net.addItem(f"{nets.display_name(name)}  ·  {PARAMETERS[name]:,} parameters", name)
        self.net.setToolTip("Which of the course's three nets to train")
        self.net_description = QLabel()
        self.net_description.setWordWrap(True)
        self.net_description.setStyleSheet("color: #555;")
        self.net.currentIndexChanged.connect(self._describe_net)

        self.optimizer = QComboBox()
        self.optimizer.addItem("SGD with momentum", "sgd")
        self.optimizer.addItem("Adam", "adam")
        self.optimizer.setToolTip("The course uses SGD with momentum 0.5")
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        self.lr = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=1.0, singleStep=0.001, value=COURSE.lr)
        self.lr.setToolTip("Learning rate; the course uses 0.01")
        self.momentum = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=0.99, singleStep=0.05, value=COURSE.momentum)
        self.momentum.setToolTip("SGD momentum; the course uses 0.5 (Adam ignores it)")
        self.batch = QSpinBox(minimum=1, maximum=10_000, value=COURSE.batch)
        self.batch.setToolTip("Images per training step; the course uses 64")
        self.epochs = QSpinBox(minimum=1, maximum=200, value=COURSE.epochs)
        self.epochs.setToolTip("Passes over the training images; the course uses 10")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=COURSE.seed or 0)
        self.seed.setToolTip("Random seed for the initial weights and the shuffling: the same seed gives the same run")
        self.shuffle = QCheckBox("Shuffle the training images every epoch")
        self.shuffle.setChecked(COURSE.shuffle)
        self.shuffle.setToolTip("The course shuffles; switch off to see what a fixed order does")
        self.class_weighted = QCheckBox("Weigh the classes (for imbalanced data)")
        self.class_weighted.setObjectName("classWeighted")
        self.class_weighted.setChecked(COURSE.class_weighted)
        self.class_weighted.setToolTip(
            "Each class's loss weighed by the inverse of its number of training images, so a rare class "
            "counts as much as a common one (Kuzushiji-49; judge it by balanced accuracy)")
        self.course_button = _button("Course settings", "Reset the hyperparameters to the course's")
        self.course_button.clicked.connect(self.reset_to_course)

        self.train_button = _button("Train", "Train the chosen net from fresh weights", "Ctrl+T")
        self.train_button.setObjectName("trainButton")
        self.train_all_button = _button("Train all three", "Train NetLin, NetFull and NetConv one after another "
                                        "with these settings", "Ctrl+Shift+T")
        self.train_all_button.setObjectName("trainAllButton")
        self.clear_button = _button("Clear plots", "Remove the curves of earlier runs")
        self.task_panel = TaskPanel()
        self.task_panel.cancel_button.setText("Stop")
        self.task_panel.cancel_button.setToolTip("Stop now, keeping the weights of the last finished epoch (Esc)")
        self.data_note = QLabel("No data yet: download or import it on the Data page (or click Get started).")
        self.data_note.setObjectName("noDataNote")
        self.data_note.setWordWrap(True)
        self.data_note.setStyleSheet("color: #b00020;")
        self.speed_label = QLabel()
        self.speed_label.setObjectName("trainingSpeed")
        self.speed_label.setWordWrap(True)
        self.speed_label.setToolTip(
            "How fast this computer trains: images per second and the time of one epoch "
            "(the whole run's time in brackets), to tell whether a lab fits in a class period")
        self.speed_label.setVisible(False)
        self.task_panel.bound.connect(self._on_task_bound)
        self.task_panel.record_shown.connect(self.show_speed)
        self._last_epoch_line = ""
        self._epochs: int | None = None
        self.device_label = QLabel()
        self.device_label.setStyleSheet("color: #555;")

        net_box = QGroupBox("Net")
        net_layout = QVBoxLayout(net_box)
        net_layout.addWidget(self.net)
        net_layout.addWidget(self.net_description)
        hyper = QGroupBox("Hyperparameters")
        form = QFormLayout(hyper)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Momentum", self.momentum)
        form.addRow("Batch size", self.batch)
        form.addRow("Epochs", self.epochs)
        form.addRow("Seed", self.seed)
        form.addRow(self.shuffle)
        form.addRow(self.class_weighted)
        form.addRow(self.course_button)
        run_box = QGroupBox("Run")
        run_layout = QVBoxLayout(run_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.train_all_button)
        run_layout.addWidget(self.data_note)
        run_layout.addLayout(buttons)
        run_layout.addWidget(self.task_panel)
        run_layout.addWidget(self.speed_label)
        run_layout.addWidget(self.device_label)
        run_layout.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in (net_box, hyper, run_box):
            layout.addWidget(box)
        layout.addStretch(1)
        self._describe_net()

    def _describe_net(self) -> None:
        name = self.net.currentData()
        count = nets.parameters_of(name, self.num_classes)
        layers = DESCRIPTIONS[name].format(classes=self.num_classes)
        self.net_description.setText(f"{layers}; {count:,} trainable parameters.")

    def set_classes(self, num_classes: int) -> None:
        """The nets' sizes for a data set of ``num_classes`` classes (NetLin has 38,465 parameters for 49)."""
        if num_classes < 2:  # a folder data set before any folder: keep the sizes shown
            return
        self.num_classes = num_classes
        for i in range(self.net.count()):
            name = self.net.itemData(i)
            self.net.setItemText(i, f"{nets.display_name(name)}  ·  {nets.parameters_of(name, num_classes):,} parameters")
        self._describe_net()

    def _on_optimizer(self) -> None:
        self.momentum.setEnabled(self.optimizer.currentData() == "sgd")

    def _on_task_bound(self) -> None:
        self._last_epoch_line = ""
        self._epochs = None
        self.speed_label.setText("Speed: measuring…")
        self.speed_label.setVisible(True)

    def show_speed(self, record: Progress) -> None:
        """Show the speed a training record tells: live during an epoch, and each finished epoch's time."""
        now = speed(record.data)  # a batch's dict or an epoch's EpochRecord
        if now is None:
            return
        batches = record.data.get("batches") if isinstance(record.data, dict) else None
        if isinstance(batches, int) and batches > 0 and record.total:
            self._epochs = max(1, round(record.total / batches))
        lines = [f"Speed: {now.text(self._epochs)}"]
        if now.finished:
            self._last_epoch_line = f"Last epoch: {now.text()}"
        elif self._last_epoch_line:
            lines.append(self._last_epoch_line)
        self.speed_label.setText("\n".join(lines))
        self.speed_label.setVisible(True)

    def set_device(self, device: str) -> None:
        self.device_label.setText(f"Runs on: {device} (change it in the status bar)")

    def reset_to_course(self) -> None:
        self.optimizer.setCurrentIndex(self.optimizer.findData(COURSE.optimizer))
        self.lr.setValue(COURSE.lr)
        self.momentum.setValue(COURSE.momentum)
        self.batch.setValue(COURSE.batch)
        self.epochs.setValue(COURSE.epochs)
        self.seed.setValue(COURSE.seed or 0)
        self.shuffle.setChecked(COURSE.shuffle)
        self.class_weighted.setChecked(COURSE.class_weighted)

    def config(self, net: str | None = None, device: str = "cpu") -> TrainConfig:
        """The settings as shown, for ``net`` (default: the chosen one)."""
        return TrainConfig(
            net=net or self.net.currentData(),
            epochs=self.epochs.value(),
            lr=self.lr.value(),
            momentum=self.momentum.value(),
            batch=self.batch.value(),
            seed=self.seed.value(),
            shuffle=self.shuffle.isChecked(),
            class_weighted=self.class_weighted.isChecked(),
            optimizer=self.optimizer.currentData(),
            device=device,
        )

    def run_buttons(self) -> list[QWidget]:
        """The buttons that start a training (disabled while one runs)."""
        return [self.train_button, self.train_all_button, self.course_button]

