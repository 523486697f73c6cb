"""A scrolling grid of small grey images, each with a caption (kana-friendly font)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget


def grey_pixmap(image: np.ndarray, zoom: int) -> QPixmap:
    """A 2-D uint8 image as a pixmap, enlarged without smoothing (pixels stay sharp)."""
    array = np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    h, w = array.shape
    qimage = QImage(array.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(w * zoom, h * zoom, Qt.AspectRatioMode.KeepAspectRatio)


class ImageGallery(QListWidget):
    """Images in a flowing grid; :meth:`set_images` replaces them all."""

    def __init__(self, zoom: int = 2, caption_lines: int = 1, font: QFont | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.zoom = zoom
        side = 28 * zoom
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWrapping(True)
        self.setSpacing(2)
        self.setIconSize(QSize(side, side))
        self.setGridSize(QSize(side + 30, side + 8 + 17 * caption_lines))
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        if font is not None:
            self.setFont(font)
        self.indices: list[int] = []
        """The caller's index of each shown image (e.g. its test-set position)."""

    def set_images(
        self,
        images: Sequence[np.ndarray],
        captions: Sequence[str],
        indices: Sequence[int] | None = None,
        tooltips: Sequence[str] | None = None,
    ) -> None:
        """Show ``images`` (uint8 28×28) with ``captions``, replacing what was shown."""
        self.setUpdatesEnabled(False)
        try:
            self.clear()
            self.indices = list(indices) if indices is not None else list(range(len(images)))
            for i, (image, caption) in enumerate(zip(images, captions, strict=True)):
                item = QListWidgetItem(QIcon(grey_pixmap(image, self.zoom)), caption)
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                if tooltips is not None:
                    item.setToolTip(tooltips[i])
                self.addItem(item)
        finally:
            self.setUpdatesEnabled(True)

    def captions(self) -> list[str]:
        """The captions shown, in order."""
        return [self.item(i).text() for i in range(self.count())]
