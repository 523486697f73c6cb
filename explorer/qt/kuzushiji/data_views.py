"""The Data page's own views: the folder-of-images panel and the per-class counts.

:class:`FolderPanel` is where a folder of class folders is chosen, with how its pictures become
28×28 ("as a drawing" or "plain resize", a few of its pictures shown both ways, prepared in a
background task), the seed of the training/test split, the Import button, and afterwards the
plain list of the files that could not be read. :class:`ClassCounts` shows how many training and
test images each class has, so an imbalanced data set (Kuzushiji-49) is seen to be one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji import folder_data
from explorer.core.kuzushiji.metrics import class_counts
from explorer.qt.dialogs import choose_folder
from explorer.qt.kuzushiji.image_gallery import ImageGallery
from explorer.qt.kuzushiji.prediction_panel import kana_font
from explorer.qt.messages import show_error
from explorer.qt.workers import Task

PREPARATIONS = (
    ("As a drawing: cropped to the ink, strokes evened, centred", "drawing"),
    ("Plain resize of the whole picture", "resize"),
)


class FolderPanel(QGroupBox):
    """Choose a folder of class folders, how its pictures are prepared, and import it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Folder of images", parent)
        self.folder: Path | None = None
        self.task: Task | None = None
        self.choose_button = QPushButton("Choose folder…")
        self.choose_button.setObjectName("chooseImageFolder")
        self.choose_button.setToolTip("A folder with one sub-folder per class; the sub-folders' names are the classes")
        self.choose_button.clicked.connect(self.ask_folder)
        self.folder_label = QLabel("No folder chosen", wordWrap=True)
        self.folder_label.setObjectName("imageFolderName")
        self.preparation_choice = QComboBox()
        self.preparation_choice.setObjectName("preparationChoice")
        for text, key in PREPARATIONS:
            self.preparation_choice.addItem(text, key)
        self.preparation_choice.setToolTip(
            "How each picture becomes 28×28: as the Draw page prepares a drawing, or shrunk as it is")
        self.seed_box = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed_box.setObjectName("splitSeed")
        self.seed_box.setToolTip("The seed of the training/test split (a fifth of each class for test)")
        self.examples = ImageGallery(zoom=2, font=kana_font(9))
        self.examples.setObjectName("preparationExamples")
        self.examples.setMaximumHeight(170)
        self.examples.setToolTip("A few of the folder's pictures, prepared both ways")
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("importImageFolder")
        self.import_button.setEnabled(False)
        self.import_button.setToolTip("Read every picture in the background, then keep them in the data folder")
        self.unreadable_title = QLabel("")
        self.unreadable_list = QListWidget()
        self.unreadable_list.setObjectName("unreadableFiles")
        self.unreadable_list.setToolTip("Files left out of the data set, with the reason")
        self.unreadable_list.setMaximumHeight(120)

        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(self.folder_label, 1)
        split_row = QHBoxLayout()
        split_row.addWidget(QLabel("Split seed"))
        split_row.addWidget(self.seed_box)
        split_row.addStretch(1)
        split_row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.preparation_choice)
        layout.addWidget(self.examples)
        layout.addLayout(split_row)
        layout.addWidget(self.unreadable_title)
        layout.addWidget(self.unreadable_list)
        # as tall as its contents: the room below goes to the class counts (or stays empty), not between rows
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.show_unreadable([])

    def buttons(self) -> list[QWidget]:
        """What a running import disables."""
        return [self.choose_button, self.import_button, self.preparation_choice, self.seed_box]

    def preparation(self) -> str:
        return str(self.preparation_choice.currentData())

    def set_preparation(self, key: str) -> None:
        index = self.preparation_choice.findData(key)
        if index >= 0:
            self.preparation_choice.setCurrentIndex(index)

    def seed(self) -> int:
        return self.seed_box.value()

    @Slot()
    def ask_folder(self) -> None:
        folder = choose_folder(self, "Folder with one sub-folder per class", "image-folder")
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str | Path) -> None:
        """Use ``folder`` for the next import, and show a few of its pictures prepared both ways."""
        self.folder = Path(folder)
        self.folder_label.setText(str(self.folder))
        self.import_button.setEnabled(True)
        self.examples.set_images([], [])
        if self.task is None:
            self.task = Task(folder_data.folder_examples(self.folder), name="folder-examples", parent=self).bind(
                succeeded=self._show_examples, failed=self._on_examples_failed, finished=self._on_finished)
            self.task.start()

    @Slot(object)
    def _show_examples(self, examples: list) -> None:
        images, captions, tips = [], [], []
        for example in examples:
            for image, how, tip in ((example.as_drawing, "drawing", "as a drawing"),
                                    (example.resized, "resize", "plain resize")):
                images.append(image)
                captions.append(how)
                tips.append(f"{example.name}, {tip}")
        self.examples.set_images(images, captions, None, tips)

    @Slot(str)
    def _on_examples_failed(self, message: str) -> None:
        self.import_button.setEnabled(False)
        show_error(self, "Cannot use this folder", message)

    @Slot()
    def _on_finished(self) -> None:
        self.task = None

    def show_unreadable(self, lines: list[str]) -> None:
        """The files the last import left out (none: the list is hidden)."""
        self.unreadable_list.clear()
        self.unreadable_list.addItems(lines)
        self.unreadable_title.setText(f"Files that could not be read ({len(lines)}):" if lines else "")
        self.unreadable_title.setVisible(bool(lines))
        self.unreadable_list.setVisible(bool(lines))


class ClassCounts(QWidget):
    """Training and test images per class (a table, and bars), and how imbalanced the classes are."""

    COLUMNS = ("Class", "Training", "Test")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("classCounts")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFont(kana_font(10))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Images per class: an imbalanced data set is better judged by balanced accuracy")
        self.bars = pg.PlotWidget()
        self.bars.setObjectName("classCountBars")
        self.bars.setBackground("w")
        self.bars.setMenuEnabled(False)
        self.bars.setMouseEnabled(x=False, y=False)
        self.bars.hideButtons()
        self.bars.setLabel("left", "training images")
        self.bars.setLabel("bottom", "class")
        # (the first class's kana reaches past the axis's left end, where pyqtgraph would drop it)
        self.bars.getAxis("bottom").setStyle(tickFont=kana_font(8), hideOverlappingLabels=False)
        self.bar_item = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.7, brush=(66, 133, 194), pen=None)
        self.bars.addItem(self.bar_item)
        self._glyphs: tuple[str, ...] = ()  # the classes' ticks, every step-th labelled where they would overlap
        self.bars.getAxis("bottom").geometryChanged.connect(self._fit_ticks)  # (the axis's width, once laid out)
        self.pages = QTabWidget()
        self.pages.addTab(self.table, "Images per class")
        self.pages.addTab(self.bars, "Bars")
        self.summary_label = QLabel("", wordWrap=True)
        self.summary_label.setObjectName("classImbalance")
        self.summary_label.setFont(kana_font(10))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.pages, 1)
        self.summary = ""

    def show_counts(self, data) -> None:
        """The counts of ``data`` (an ``ImageData``), or none."""
        if data is None:
            self.table.setRowCount(0)
            self.summary = ""
            self.setVisible(False)
            return
        n = data.dataset.num_classes
        train = class_counts(data.train_labels.numpy(), n)
        test = class_counts(data.test_labels.numpy(), n)
        self.table.setRowCount(n)
        for i in range(n):
            for c, text in enumerate((data.dataset.label(i), f"{int(train[i]):,}", f"{int(test[i]):,}")):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)
        big, small = int(np.argmax(train)), int(np.argmin(train))
        ratio = train[big] / max(int(train[small]), 1)
        self.summary = (f"Largest class {data.dataset.label(big)}: {int(train[big]):,} training images; "
                        f"smallest {data.dataset.label(small)}: {int(train[small]):,} ({ratio:.1f}× fewer)")
        self.summary_label.setText(self.summary if ratio > 1 else
                                   f"Every class has {int(train[big]):,} training images: the classes are balanced")
        self.bar_item.setOpts(x=np.arange(n), height=train.astype(float))
        self._glyphs = tuple(data.dataset.glyphs)
        self._fit_ticks()
        self.bars.setXRange(-0.6, n - 0.4, padding=0)
        self.bars.setYRange(0, max(1, int(train.max())) * 1.05, padding=0)
        self.setVisible(True)

    @Slot()
    def _fit_ticks(self) -> None:
        """Each class's kana under its bar, or every step-th one where they would run together (Kuzushiji-49's
        49 in a narrow chart); every class is in the table beside it."""
        axis = self.bars.getAxis("bottom")
        glyphs = self._glyphs
        if not glyphs:
            return
        per_bar = max(axis.width(), 1.0) / (len(glyphs) + 0.2)  # the x range is -0.6 … bars - 0.4
        widest = max(QFontMetrics(axis.style["tickFont"]).horizontalAdvance(g) for g in glyphs) + 3
        step = max(1, int(np.ceil(widest / per_bar)))
        axis.setTicks([[(i, g) for i, g in enumerate(glyphs) if i % step == 0]])

    def heights(self) -> list[int]:
        """The bars' heights: training images per class."""
        return [int(h) for h in self.bar_item.opts["height"]]

    def counts(self) -> list[tuple[str, int, int]]:
        """What the table shows: (class, training images, test images) per row."""
        t = self.table
        return [(t.item(r, 0).text(), int(t.item(r, 1).text().replace(",", "")),
                 int(t.item(r, 2).text().replace(",", ""))) for r in range(t.rowCount())]
