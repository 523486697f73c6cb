"""The Kuzushiji tab's evaluation page: accuracy, per-class accuracy, confusion matrix, its cells' images.

An epoch slider replays the confusion matrix of each finished epoch; clicking
a cell (or a "most confused" pair) shows the test images of that cell with
the net's confidence.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from superqt import QLabeledSlider

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import KMNIST, DataSet
from explorer.core.kuzushiji.evaluation import (
    Evaluation,
    cell_examples,
    format_pair,
    most_confused_pairs,
)
from explorer.core.kuzushiji.metrics import balanced_accuracy, confusion_order
from explorer.core.kuzushiji.model import class_labels
from explorer.core.kuzushiji.results import NetResult
from explorer.qt.kuzushiji.confusion_matrix import ConfusionMatrixView
from explorer.qt.kuzushiji.image_gallery import ImageGallery
from explorer.qt.kuzushiji.image_viewer import TestImageDialog
from explorer.qt.kuzushiji.per_class import PerClassView
from explorer.qt.kuzushiji.prediction_panel import kana_font

if TYPE_CHECKING:
    import torch

MAX_CELL_IMAGES = 300
CELL_HINT = "Click a cell of the matrix to see its test images."
PAIRS = 10


class EvaluationPage(QWidget):
    """Everything about how well one trained net does on the test set."""

    net_changed = Signal(str)
    selection_changed = Signal(object, int)
    """The net (name, or ``None``) and epoch now on show: what the figures of the tab's model look at."""
    send_to_draw = Signal(object, str)
    """A test image (uint8 28×28) the user sent to the Draw page, and the undo text."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.results: dict[str, NetResult] = {}
        self.test_images: torch.Tensor | None = None
        self.evaluation: Evaluation | None = None
        self.cell: tuple[int, int] | None = None
        font = kana_font(10)
        self.description: DataSet = KMNIST
        labels = class_labels(KMNIST)

        self.net = QComboBox()
        self.net.setObjectName("evaluationNet")
        self.net.setToolTip("Which trained net to evaluate (File → Save weights saves this one)")
        self.net.currentIndexChanged.connect(self._on_net_chosen)
        self.epoch = QLabeledSlider(Qt.Orientation.Horizontal)
        self.epoch.setObjectName("epochSlider")
        self.epoch.setRange(1, 1)
        self.epoch.setToolTip("Replay the confusion matrix after each finished epoch")
        self.epoch.valueChanged.connect(self.show_epoch)
        self.summary = QLabel("No trained net yet: train one on the Train page, or File → Open weights.")
        self.summary.setObjectName("evaluationSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13pt;")

        self.matrix = ConfusionMatrixView(labels, font)
        self.matrix.setToolTip("Rows: true class; columns: predicted class. Click a cell to see its images")
        self.matrix.cell_clicked.connect(self.open_cell)
        self.order_choice = QComboBox()
        self.order_choice.setObjectName("matrixOrder")
        self.order_choice.addItem("Classes in their order", "classes")
        self.order_choice.addItem("Often confused classes together", "confusion")
        self.order_choice.setToolTip("The order of the matrix's rows and columns: by class, or one that puts "
                                     "classes often mistaken for each other side by side")
        self.order_choice.currentIndexChanged.connect(self._apply_order)
        self.zoom_button = QPushButton("Zoom in")
        self.zoom_button.setObjectName("matrixZoomIn")
        self.zoom_button.setToolTip("Zoom in around the chosen cell (or drag and use the wheel on the matrix)")
        self.zoom_button.clicked.connect(self.zoom_in)
        self.whole_button = QPushButton("Whole matrix")
        self.whole_button.setObjectName("matrixZoomOut")
        self.whole_button.clicked.connect(self.matrix.zoom_out)

        self.per_class_view = PerClassView(font)
        self.per_class = self.per_class_view.table

        self.pairs = QListWidget()
        self.pairs.setObjectName("confusedPairs")
        self.pairs.setFont(font)
        self.pairs.setToolTip("The largest off-diagonal cells: true → predicted, number of test images. Click one")
        self.pairs.currentRowChanged.connect(self._on_pair)
        self._pair_cells: list[tuple[int, int]] = []

        self.gallery = ImageGallery(zoom=2, font=font)
        self.gallery.setObjectName("cellGallery")
        self.gallery.setToolTip("Test images of the chosen cell with the net's confidence in its prediction; "
                                "click one to see it large with every net's reading")
        self.gallery.itemClicked.connect(lambda item: self.open_image(self.gallery.row(item)))
        self.image_dialog: TestImageDialog | None = None
        self.gallery_title = QLabel(CELL_HINT)
        self.gallery_title.setObjectName("cellTitle")
        self.gallery_title.setFont(kana_font(11))
        self.gallery_title.setWordWrap(True)
        self._build_layout()
        self._show_per_class(None)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Net"))
        top.addWidget(self.net)
        top.addSpacing(16)
        top.addWidget(QLabel("Epoch"))
        top.addWidget(self.epoch, 1)
        top.addSpacing(16)
        top.addWidget(QLabel("Matrix"))
        top.addWidget(self.order_choice)
        top.addWidget(self.zoom_button)
        top.addWidget(self.whole_button)

        side = QSplitter(Qt.Orientation.Vertical)
        for title, widget in (("Per-class accuracy", self.per_class_view), ("Most confused pairs", self.pairs)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            side.addWidget(box)
        side.setSizes([330, 200])

        cell_box = QGroupBox("Images of the chosen cell")
        cell_layout = QVBoxLayout(cell_box)
        cell_layout.addWidget(self.gallery_title)
        cell_layout.addWidget(self.gallery, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.matrix)
        split.addWidget(side)
        split.addWidget(cell_box)
        # The matrix needs the most room (ten columns of labels); at 1024 px the side
        # panels give way first, down to widths that still show their columns.
        self.matrix.setMinimumWidth(430)
        # Wide enough at 1024 px for the per-class table's three columns ("1,000 / 1,000" included),
        # with Kuzushiji-49's longest name ("ゝ (odoriji)") and the table's scroll bar.
        side.setMinimumWidth(275)
        cell_box.setMinimumWidth(210)
        split.setSizes([560, 300, 440])
        for i, stretch in enumerate((3, 1, 2)):
            split.setStretchFactor(i, stretch)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    # public ------------------------------------------------------------------------------
    def set_dataset(self, description: DataSet) -> None:
        """Show the classes of ``description`` (their number sets the matrix's and the tables' sizes)."""
        if description.num_classes == 0:  # a folder data set before any folder: keep the last classes
            return
        self.description = description
        self.cell = None
        self.matrix.set_labels(class_labels(description))
        self.per_class_view.set_classes(description.labels(), list(description.glyphs))
        many = description.num_classes > 16
        self.zoom_button.setVisible(many)
        self.whole_button.setVisible(many)
        self.show_epoch(self.epoch.value())

    @Slot()
    def zoom_in(self) -> None:
        """Zoom the matrix in around the chosen cell (the first cell when none is chosen)."""
        true, predicted = self.cell if self.cell is not None else (0, 0)
        self.matrix.zoom_to(true, predicted)

    @Slot()
    def _apply_order(self, *_) -> None:
        by_confusion = self.order_choice.currentData() == "confusion" and self.evaluation is not None
        self.matrix.set_order(confusion_order(self.matrix.matrix) if by_confusion else None)

    def set_results(self, results: dict[str, NetResult], test_images: torch.Tensor | None) -> None:
        """The nets to choose from and the test images their evaluations refer to."""
        self.results = results
        self.test_images = test_images
        current = self.net.currentData()
        self.net.blockSignals(True)
        self.net.clear()
        for name in nets.NETS:
            if name in results:
                self.net.addItem(nets.display_name(name), name)
        self.net.blockSignals(False)
        index = self.net.findData(current)
        self.select_net(self.net.itemData(index if index >= 0 else 0) if self.net.count() else None)

    def select_net(self, name: str | None) -> None:
        """Show net ``name`` at its last finished epoch."""
        index = self.net.findData(name) if name else -1
        self.net.blockSignals(True)
        self.net.setCurrentIndex(index)
        self.net.blockSignals(False)
        result = self.results.get(name) if name else None
        epochs = len(result.history) if result is not None else 0
        self.epoch.blockSignals(True)
        self.epoch.setRange(1, max(1, epochs))
        self.epoch.setValue(max(1, epochs))
        self.epoch.blockSignals(False)
        self.epoch.setEnabled(epochs > 1)
        self.show_epoch(max(1, epochs))

    def current(self) -> NetResult | None:
        name = self.net.currentData()
        return self.results.get(name) if name else None

    @Slot(int)
    def show_epoch(self, epoch: int) -> None:
        """Show the evaluation after ``epoch`` (the final one for loaded weights)."""
        result = self.current()
        evaluation = None
        if result is not None:
            if result.history and 1 <= epoch <= len(result.history):
                evaluation = result.history[epoch - 1].evaluation
            else:
                evaluation = result.evaluation
        n = self.matrix.size_in_classes
        if evaluation is not None and evaluation.confusion.shape != (n, n):
            evaluation = None  # of another data set's classes
        self.evaluation = evaluation
        self.selection_changed.emit(result.name if result is not None else None, epoch)
        self._show_summary(result, evaluation, epoch)
        matrix = evaluation.confusion if evaluation is not None else np.zeros((n, n), dtype=np.int64)
        self.matrix.set_matrix(matrix)
        self._apply_order()
        self._show_per_class(evaluation)
        self._show_pairs(matrix)
        if self.cell is not None and evaluation is not None:
            self.open_cell(*self.cell)
        else:
            self.gallery.set_images([], [])
            self.gallery_title.setText(CELL_HINT)  # not the caption of a cell of another data set or net

    @Slot(int, int)
    def open_cell(self, true: int, predicted: int) -> None:
        """Show the test images of true class ``true`` predicted as ``predicted``."""
        self.cell = (true, predicted)
        self.matrix.select(true, predicted)
        evaluation = self.evaluation
        if evaluation is None or self.test_images is None:
            self.gallery.set_images([], [])
            self.gallery_title.setText("No evaluation yet: import the data to see the images.")
            return
        examples = [(i, c) for i, c in cell_examples(evaluation, true, predicted) if i < len(self.test_images)]
        shown = examples[:MAX_CELL_IMAGES]
        images = [self.test_images[i].numpy() for i, _ in shown] if shown else []
        true_label, predicted_label = self.description.label(true), self.description.label(predicted)
        captions = [f"{100 * c:.0f} %" for _, c in shown]
        tips = [f"test image {i:,}: a {true_label}, {predicted_label} with {100 * c:.1f} % confidence"
                for i, c in shown]
        self.gallery.set_images(images, captions, [i for i, _ in shown], tips)
        what = "right" if true == predicted else f"predicted as {predicted_label}"
        more = f", showing the {MAX_CELL_IMAGES} most confident" if len(examples) > MAX_CELL_IMAGES else ""
        self.gallery_title.setText(
            f"True {escape(true_label)} {escape(what)}: {len(examples)} test images{more}, most confident first"
        )

    def open_image(self, row: int) -> TestImageDialog | None:
        """Show thumbnail ``row`` of the cell gallery large, with every trained net's probabilities."""
        if self.test_images is None or self.cell is None or not 0 <= row < len(self.gallery.indices):
            return None
        index = self.gallery.indices[row]
        models = {name: r.model for name, r in self.results.items()}
        if self.image_dialog is not None:
            self.image_dialog.close()
        dialog = TestImageDialog(self.test_images[index].numpy(), index, self.cell[0], models, self, self.description)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.send_to_draw.connect(self.send_to_draw)
        dialog.destroyed.connect(lambda: setattr(self, "image_dialog", None))
        dialog.show()
        self.image_dialog = dialog
        return dialog

    # helpers --------------------------------------------------------------------------------
    def _show_summary(self, result: NetResult | None, evaluation: Evaluation | None, epoch: int) -> None:
        if result is None:
            self.summary.setText("No trained net yet: train one on the Train page, or File → Open weights.")
            return
        name = nets.display_name(result.name)
        if evaluation is None:
            saved = f" (saved with {result.accuracy:.2f} % test accuracy)" if result.accuracy is not None else ""
            self.summary.setText(f"<b>{name}</b> from {escape(result.source)}{saved}: not evaluated yet, it needs the data.")
            return
        when = f"after epoch {epoch} of {len(result.history)}" if result.history else escape(result.source)
        balanced = 100.0 * balanced_accuracy(evaluation.confusion)
        self.summary.setText(
            f"<b>{name}</b> {when}: test accuracy <b>{evaluation.accuracy:.2f} %</b> "
            f"({evaluation.correct:,}/{evaluation.total:,}), balanced accuracy <b>{balanced:.2f} %</b> "
            f"(the mean of the per-class accuracies), average test loss <b>{evaluation.test_loss:.4f}</b>"
        )

    def _show_per_class(self, evaluation: Evaluation | None) -> None:
        self.per_class_view.show_evaluation(evaluation)

    def _show_pairs(self, matrix: np.ndarray) -> None:
        self.pairs.blockSignals(True)
        self.pairs.clear()
        self._pair_cells = []
        for true, predicted, count in most_confused_pairs(matrix, PAIRS):
            self.pairs.addItem(format_pair(true, predicted, count, self.description))
            self._pair_cells.append((true, predicted))
        self.pairs.blockSignals(False)

    @Slot(int)
    def _on_pair(self, row: int) -> None:
        if 0 <= row < len(self._pair_cells):
            self.open_cell(*self._pair_cells[row])

    @Slot(int)
    def _on_net_chosen(self, index: int) -> None:
        name = self.net.itemData(index)
        self.select_net(name)
        if name:
            self.net_changed.emit(name)
