"""One test image, large, with what every trained net reads in it.

Opened by clicking a thumbnail of a confusion-matrix cell: the image at 8×,
its true class, each net's top three with probabilities and the probability
it gives the true class, and "Send to Draw page" to look inside the nets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.datasets import KMNIST, DataSet
from explorer.core.kuzushiji.inputs import normalise
from explorer.core.kuzushiji.preprocess import Preprocessed, classify, top_k
from explorer.qt.kuzushiji.image_gallery import grey_pixmap
from explorer.qt.kuzushiji.prediction_panel import kana_font

if TYPE_CHECKING:
    from torch import nn

ZOOM = 8


def probabilities(models: dict[str, nn.Module], image: np.ndarray) -> dict[str, np.ndarray]:
    """Each net's ten probabilities for a raw uint8 28×28 test image (as the evaluation feeds it)."""
    import torch

    raw = torch.from_numpy(np.ascontiguousarray(image, dtype=np.uint8))[None]
    pre = Preprocessed(array28=np.asarray(image, np.float32) / 255.0, tensor=normalise(raw).reshape(1, 1, 28, 28))
    return classify(models, pre)


def _label(cls: int, dataset: DataSet = KMNIST) -> str:
    return dataset.label(cls)


class TestImageDialog(QDialog):
    """The image, its class and each net's reading; ``send_to_draw`` carries the image."""

    __test__ = False  # not a pytest class, whatever its name
    send_to_draw = Signal(object, str)

    def __init__(self, image: np.ndarray, index: int, true: int, models: dict[str, nn.Module],
                 parent: QWidget | None = None, dataset: DataSet = KMNIST):
        super().__init__(parent)
        self.image = np.asarray(image, dtype=np.uint8)
        self.setWindowTitle(f"Test image {index:,}")
        self.probabilities = probabilities(models, self.image)
        picture = QLabel()
        picture.setObjectName("testImageLarge")
        picture.setPixmap(grey_pixmap(self.image, ZOOM))
        picture.setFixedSize(28 * ZOOM, 28 * ZOOM)
        self.heading = QLabel(f"Test image {index:,}: a {_label(true, dataset)}")
        self.heading.setFont(kana_font(13, bold=True))
        self.table = QTableWidget(len(self.probabilities), 3)
        self.table.setObjectName("testImageReadings")
        self.table.setFont(kana_font(10))
        self.table.setHorizontalHeaderLabels(["Net", "Reads (top 3)", f"P({dataset.glyphs[true]})"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (name, probs) in enumerate(self.probabilities.items()):
            tops = ", ".join(f"{_label(c, dataset)} {100 * p:.1f} %" for c, p in top_k(probs, 3))
            for c, text in enumerate((nets.display_name(name), tops, f"{100 * probs[true]:.1f} %")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if not self.probabilities:
            self.heading.setText(self.heading.text() + " (no trained net to read it)")
        self.send_button = QPushButton("Send to Draw page")
        self.send_button.setToolTip("Put this image on the canvas to look inside the nets")
        self.send_button.clicked.connect(self._send)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(760, 320)

    def readings(self) -> dict[str, str]:
        """The table's "Reads (top 3)" text per net display name (what the user sees)."""
        return {self.table.item(r, 0).text(): self.table.item(r, 1).text() for r in range(self.table.rowCount())}

    def _send(self) -> None:
        self.send_to_draw.emit(self.image, "Put a test image on the canvas")
        self.accept()
