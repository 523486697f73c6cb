"""The characters the Kuzushiji nets know (KMNIST's ten, with real examples to put on the canvas).

New users draw modern kana (and kana the nets never saw, such as し or こ);
KMNIST holds ten hiragana in the cursive forms of old books, and some, like
its つ, look nothing like the modern letter. This panel, beside the Draw
page's canvas, lists the ten classes with kana, romaji and the three real
examples shipped in ``resources/kmnist-examples/`` (so it works before any
data is downloaded); clicking an example puts it on the canvas. Another data set
shows its own classes: Kuzushiji-49's 49 kana, or a folder's class names as plain text.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji.datasets import KMNIST, KMNIST_KEY, DataSet
from explorer.core.kuzushiji.examples import ATTRIBUTION, examples
from explorer.qt.kuzushiji.prediction_panel import grey_pixmap, kana_font, rich_tooltip

ZOOM = 3
ICON = 42
"""Shown 42 px square (drawn at 3x, scaled down smoothly): the panel fits beside the canvas at 1024 px."""
NOTE = (
    "These are the ten characters the nets know, in the cursive forms (kuzushiji) they learned "
    "from old books, which can differ a lot from modern kana. Click one to put it on the canvas."
)
GLYPH_COLUMNS = 7
"""Kana of a data set without shipped examples (Kuzushiji-49's 49) wrap into rows of seven: 7 × 7."""
NAME_COLUMNS = 3
"""A folder's class names wrap into rows of three."""
NAME_WIDTH = 110
"""Pixels a folder class's name may take (longer ones are elided; the tooltip has it whole)."""
MAX_GRID_HEIGHT = 300
"""Taller grids (many classes) scroll rather than push the canvas's controls off the window."""


def _note(data_set: DataSet) -> str:
    """The line above the grid, for ``data_set`` (plain text)."""
    if data_set.key == KMNIST_KEY:
        return NOTE
    n = data_set.num_classes
    if all(g == c for g, c in zip(data_set.glyphs, data_set.class_names, strict=True)):
        return f"These are the {n:,} classes the nets know, named by the sub-folders of your folder of images."
    return (
        f"These are the {n:,} characters the nets know ({data_set.title}), in the cursive forms (kuzushiji) "
        "they learned from old books, which can differ a lot from modern kana."
    )


def _title(data_set: DataSet) -> str:
    if data_set.key == KMNIST_KEY:
        return "The ten characters"
    if all(g == c for g, c in zip(data_set.glyphs, data_set.class_names, strict=True)):
        return f"The {data_set.num_classes:,} classes"
    return f"The {data_set.num_classes:,} characters"


class TenCharacters(QGroupBox):
    """A grid of the data set's classes: for KMNIST kana, romaji and real examples as buttons.

    ``chosen`` carries ``(image, description)`` (a uint8 28×28 array and e.g.
    ``"Put a real tsu on the canvas"``) when an example is clicked. Another data set
    (:meth:`set_data_set`) has no shipped examples: Kuzushiji-49 shows its 49 kana and their
    romaji, seven a row; a folder of images its class names as plain text, three a row.
    """

    chosen = Signal(object, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("The ten characters", parent)
        self.buttons: dict[int, list[QToolButton]] = {}
        self.class_labels: list[QLabel] = []
        """One label per class of the data set shown, in label order."""
        self.data_set: DataSet | None = None
        layout = QVBoxLayout(self)
        self.note = QLabel(NOTE)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setObjectName("tenCharactersNote")
        layout.addWidget(self.note)
        self._grid_host: QWidget | None = None
        self.credit = QLabel("Real KMNIST examples, CC BY-SA 4.0 (Clanuwat et al., 2018)")
        self.credit.setToolTip(ATTRIBUTION)
        self.credit.setStyleSheet("color: #666;")
        self.credit.setWordWrap(True)
        layout.addWidget(self.credit)
        self.set_data_set(KMNIST)

    def set_data_set(self, data_set: DataSet) -> None:
        """Show the classes of ``data_set`` (the one the Draw page's nets answer in)."""
        if data_set == self.data_set:
            return
        self.data_set = data_set
        if self._grid_host is not None:
            self.layout().removeWidget(self._grid_host)
            self._grid_host.setParent(None)
            self._grid_host.deleteLater()
        self.buttons = {}
        self.class_labels = []
        self.setTitle(_title(data_set))
        self.note.setText(_note(data_set))
        self.credit.setVisible(data_set.key == KMNIST_KEY)
        if data_set.key == KMNIST_KEY:
            self._grid_host = self._kmnist_grid()
        else:
            self._grid_host = self._scrolling(self._class_grid(data_set))
        self.layout().insertWidget(1, self._grid_host)

    def _kmnist_grid(self) -> QWidget:
        """KMNIST's ten classes in two blocks of five rows: kana and romaji, then three real examples."""
        host = QWidget()
        grid = QGridLayout(host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        classes = list(zip(KMNIST.glyphs, KMNIST.class_names, strict=True))
        per_column = (len(classes) + 1) // 2
        for cls, (kana, romaji) in enumerate(classes):
            row, block = cls % per_column, cls // per_column
            label = QLabel(f"{kana} {romaji}")
            label.setFont(kana_font(12))
            label.setToolTip(f"class {cls}: {kana} ({romaji})")
            grid.addWidget(label, row, 4 * block)
            self.class_labels.append(label)
            self.buttons[cls] = []
            for n, image in enumerate(examples(cls)):
                button = self._example_button(cls, n, image)
                self.buttons[cls].append(button)
                grid.addWidget(button, row, 4 * block + 1 + n)
        return host

    def _class_grid(self, data_set: DataSet) -> QWidget:
        """Every class of ``data_set`` as a plain-text label, wrapped into rows."""
        host = QWidget()
        grid = QGridLayout(host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        folder = all(g == c for g, c in zip(data_set.glyphs, data_set.class_names, strict=True))
        columns = NAME_COLUMNS if folder else GLYPH_COLUMNS
        for cls, (glyph, name) in enumerate(zip(data_set.glyphs, data_set.class_names, strict=True)):
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name is the user's text, never markup
            if folder:
                label.setFont(kana_font(10))
                width = NAME_WIDTH
                label.setText(QFontMetrics(label.font()).elidedText(name, Qt.TextElideMode.ElideRight, width))
                label.setToolTip(rich_tooltip(f"class {cls + 1}: {name}"))
            else:
                label.setFont(kana_font(12))
                label.setText(f"{glyph} {name}")  # as KMNIST's: one line keeps the 7 rows short
                label.setToolTip(rich_tooltip(f"class {cls}: {glyph} ({name})"))
            grid.addWidget(label, *divmod(cls, columns))
            self.class_labels.append(label)
        return host

    @staticmethod
    def _scrolling(grid: QWidget) -> QWidget:
        """``grid`` as it is where it fits in :data:`MAX_GRID_HEIGHT`, scrolling where taller."""
        if grid.sizeHint().height() <= MAX_GRID_HEIGHT:
            return grid
        area = QScrollArea()
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(grid)
        area.setFixedHeight(MAX_GRID_HEIGHT)
        area.setMinimumWidth(grid.sizeHint().width() + area.verticalScrollBar().sizeHint().width())
        return area

    def texts(self) -> list[str]:
        """The classes' texts as shown, in label order."""
        return [label.text() for label in self.class_labels]

    def _example_button(self, cls: int, n: int, image: np.ndarray) -> QToolButton:
        kana, romaji = KMNIST.glyphs[cls], KMNIST.class_names[cls]
        button = QToolButton()
        pixmap = grey_pixmap(image, ZOOM)
        button.setIcon(QIcon(pixmap))
        button.setIconSize(QSize(ICON, ICON))
        button.setAutoRaise(True)
        button.setToolTip(f"A real {kana} ({romaji}) from KMNIST: click to put it on the canvas")
        button.clicked.connect(lambda: self.chosen.emit(image, f"Put a real {romaji} on the canvas"))
        return button
