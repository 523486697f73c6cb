"""The ten characters the Kuzushiji nets know, with real examples to put on the canvas.

New users draw modern kana (and kana the nets never saw, such as し or こ);
KMNIST holds ten hiragana in the cursive forms of old books, and some, like
its つ, look nothing like the modern letter. This panel, beside the Draw
page's canvas, lists the ten classes with kana, romaji and the three real
examples shipped in ``resources/kmnist-examples/`` (so it works before any
data is downloaded); clicking an example puts it on the canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QToolButton, QVBoxLayout, QWidget

from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.examples import ATTRIBUTION, examples
from explorer.qt.kuzushiji.prediction_panel import grey_pixmap, kana_font

ZOOM = 3
ICON = 42
"""Shown 42 px square (drawn at 3x, scaled down smoothly): the panel fits beside the canvas at 1024 px."""
NOTE = (
    "These are the ten characters the nets know, in the cursive forms (kuzushiji) they learned "
    "from old books, which can differ a lot from modern kana. Click one to put it on the canvas."
)


class TenCharacters(QGroupBox):
    """A grid of the ten classes: kana, romaji and real examples as buttons.

    ``chosen`` carries ``(image, description)`` (a uint8 28×28 array and e.g.
    ``"Put a real tsu on the canvas"``) when an example is clicked.
    """

    chosen = Signal(object, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("The ten characters", parent)
        self.buttons: dict[int, list[QToolButton]] = {}
        layout = QVBoxLayout(self)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        note.setObjectName("tenCharactersNote")
        layout.addWidget(note)
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        per_column = (len(CLASSES) + 1) // 2
        for cls, (kana, romaji) in enumerate(CLASSES):
            row, block = cls % per_column, cls // per_column
            label = QLabel(f"{kana} {romaji}")
            label.setFont(kana_font(12))
            label.setToolTip(f"class {cls}: {kana} ({romaji})")
            grid.addWidget(label, row, 4 * block)
            self.buttons[cls] = []
            for n, image in enumerate(examples(cls)):
                button = self._example_button(cls, n, image)
                self.buttons[cls].append(button)
                grid.addWidget(button, row, 4 * block + 1 + n)
        layout.addLayout(grid)
        credit = QLabel("Real KMNIST examples, CC BY-SA 4.0 (Clanuwat et al., 2018)")
        credit.setToolTip(ATTRIBUTION)
        credit.setStyleSheet("color: #666;")
        credit.setWordWrap(True)
        layout.addWidget(credit)

    def _example_button(self, cls: int, n: int, image: np.ndarray) -> QToolButton:
        kana, romaji = CLASSES[cls]
        button = QToolButton()
        pixmap = grey_pixmap(image, ZOOM)
        button.setIcon(QIcon(pixmap))
        button.setIconSize(QSize(ICON, ICON))
        button.setAutoRaise(True)
        button.setToolTip(f"A real {kana} ({romaji}) from KMNIST: click to put it on the canvas")
        button.clicked.connect(lambda: self.chosen.emit(image, f"Put a real {romaji} on the canvas"))
        return button
