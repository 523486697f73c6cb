"""What each net thinks the drawing is: top-1 in large, all ten classes as bars.

Also the 28×28 image the nets actually see, three real examples of the
predicted class, and a control to put a real test image on the canvas.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.classes import CLASSES, kana_font_path

TOP_BRUSH = pg.mkBrush(40, 110, 200)
OTHER_BRUSH = pg.mkBrush(170, 190, 215)
EXAMPLE_ZOOM = 3
NO_NET_TEXT = (
    "<b>No trained net yet.</b><br>Train one in the Kuzushiji tab (its <i>Train</i> page; "
    "a few minutes for NetLin), or load weights with <i>File → Open weights…</i>"
)

_kana_family: str | None = None


def kana_font(point_size: float = 10.0, bold: bool = False) -> QFont:
    """The shipped kana font (loaded into Qt once), at ``point_size``."""
    global _kana_family
    if _kana_family is None:
        font_id = QFontDatabase.addApplicationFont(str(kana_font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _kana_family = families[0] if families else ""
    font = QFont(_kana_family) if _kana_family else QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def grey_pixmap(image: np.ndarray, zoom: int = EXAMPLE_ZOOM) -> QPixmap:
    """A 2-D uint8 (or [0, 1] float) image as a pixmap, enlarged without smoothing."""
    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
    array = np.ascontiguousarray(array)
    h, w = array.shape
    qimage = QImage(array.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(w * zoom, h * zoom, Qt.AspectRatioMode.KeepAspectRatio)


class NetCard(QFrame):
    """One net: its top-1 class in large type and a bar per class."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"<b>{nets.display_name(name)}</b>")
        self.caption = QLabel()
        self.caption.setObjectName("netCaption")
        self.caption.setStyleSheet("color: #666;")
        self.caption.setWordWrap(True)
        self.kana = QLabel("–")
        self.kana.setObjectName("topKana")
        self.kana.setFont(kana_font(26, bold=True))
        self.kana.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.kana.setMinimumWidth(self.kana.fontMetrics().horizontalAdvance("を") + 8)
        self.verdict = QLabel()
        self.verdict.setObjectName("topVerdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.verdict.setStyleSheet("font-size: 12pt;")
        self.bars = pg.PlotWidget()
        # Small enough for three cards beside the canvas at 1024 px, large enough to read.
        self.bars.setMinimumSize(160, 120)
        self.bars.setMenuEnabled(False)
        self.bars.setMouseEnabled(x=False, y=False)
        self.bars.hideButtons()
        self.bars.setBackground("w")
        self.bars.setYRange(0, 1, padding=0.02)
        self.bars.setXRange(-0.6, 9.6, padding=0)
        self.bars.setToolTip("Probability per class: " + ", ".join(f"{k} {r}" for k, r in CLASSES))
        left = self.bars.getAxis("left")
        left.setTicks([[(0.0, "0"), (0.5, ".5"), (1.0, "1")]])  # three short ticks leave the bars the width
        axis = self.bars.getAxis("bottom")
        axis.setStyle(tickFont=kana_font(8))
        for side in ("left", "bottom"):
            self.bars.getAxis(side).setTextPen("k")
            self.bars.getAxis(side).setPen("k")
        self._tick_style: str | None = None
        self._fit_ticks()
        # The labels follow the chart's width: kana over romaji when there is room, else kana only.
        axis.geometryChanged.connect(self._fit_ticks)
        self.bar_item = pg.BarGraphItem(x=np.arange(len(CLASSES)), height=np.zeros(len(CLASSES)), width=0.7,
                                        brush=OTHER_BRUSH)
        self.bars.addItem(self.bar_item)
        self.probabilities: np.ndarray | None = None

        # A wrapped label's minimum is one line; two keep the chart below inside the card.
        self.caption.setMinimumHeight(2 * self.caption.fontMetrics().lineSpacing() + 2)
        # Name and confidence on one row, the answer beside where the weights came from on the next:
        # the chart keeps its height and the tabs below the cards get the rest (thumbnails of 48 px).
        name_row = QHBoxLayout()
        name_row.addWidget(self.title)
        name_row.addWidget(self.verdict, 1)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.kana)
        answer_row.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(name_row)
        layout.addLayout(answer_row)
        layout.addWidget(self.bars, 1)

    def _fit_ticks(self) -> None:
        """Kana over romaji on the x axis where each bar has room for "tsu", else kana only.

        The romaji are in the chart's tooltip and under the large kana either way.
        """
        axis = self.bars.getAxis("bottom")
        metrics = QFontMetrics(axis.style["tickFont"])
        per_bar = axis.width() / (len(CLASSES) + 0.2)  # the x range is -0.6 … classes - 0.4
        romaji_fits = per_bar >= max(metrics.horizontalAdvance(r) for _, r in CLASSES) + 4
        style = "two lines" if romaji_fits else "kana"
        if style == self._tick_style:
            return
        self._tick_style = style
        if romaji_fits:
            axis.setTicks([[(i, f"{kana}\n{romaji}") for i, (kana, romaji) in enumerate(CLASSES)]])
            axis.setHeight(2 * metrics.height() + 10)
        else:
            axis.setTicks([[(i, kana) for i, (kana, _) in enumerate(CLASSES)]])
            axis.setHeight(metrics.height() + 10)

    def show_probabilities(self, probs: np.ndarray | None) -> None:
        """Update the large label and the bars (``None`` clears them)."""
        self.probabilities = None if probs is None else np.asarray(probs, dtype=float)
        if probs is None:
            self.kana.setText("–")
            self.verdict.setText("")
            self.bar_item.setOpts(height=np.zeros(len(CLASSES)), brushes=[OTHER_BRUSH] * len(CLASSES))
            return
        top = int(np.argmax(probs))
        kana, romaji = CLASSES[top]
        self.kana.setText(kana)
        self.verdict.setText(f"{romaji} · {100 * probs[top]:.1f} %")
        brushes = [TOP_BRUSH if i == top else OTHER_BRUSH for i in range(len(CLASSES))]
        self.bar_item.setOpts(height=self.probabilities, brushes=brushes)


class PredictionPanel(QWidget):
    """Every net's verdict side by side, the 28×28 input, real examples and samples."""

    sample_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.cards = {name: NetCard(name) for name in nets.NETS}
        self.no_net = QLabel(NO_NET_TEXT)
        self.no_net.setObjectName("noNetMessage")
        self.no_net.setWordWrap(True)
        self.no_net.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_net.setStyleSheet("font-size: 12pt; padding: 16px;")
        self.status = QLabel()
        self.status.setObjectName("predictionStatus")
        self.status.setWordWrap(True)

        self.seen = pg.PlotWidget()
        self.seen.setFixedSize(168, 168)  # 6 px per input pixel; at least a plot's readable minimum
        self.seen.hideAxis("left")
        self.seen.hideAxis("bottom")
        self.seen.setMenuEnabled(False)
        self.seen.setMouseEnabled(x=False, y=False)
        self.seen.hideButtons()
        self.seen.setAspectLocked(True)
        self.seen.invertY(True)
        self.seen_image = pg.ImageItem(np.zeros((28, 28), np.float32), axisOrder="row-major", levels=(0.0, 1.0))
        self.seen.addItem(self.seen_image)
        self.seen.setRange(xRange=(0, 28), yRange=(0, 28), padding=0)

        self.examples_title = QLabel("Real examples")
        self.examples_title.setObjectName("examplesTitle")
        self.examples_title.setFont(kana_font(10))
        self.examples_title.setWordWrap(True)
        self.examples = [QLabel() for _ in range(3)]
        for label in self.examples:
            label.setFixedSize(28 * EXAMPLE_ZOOM, 28 * EXAMPLE_ZOOM)
            label.setStyleSheet("background: black;")
        self.examples_note = QLabel()
        self.examples_note.setWordWrap(True)
        self.examples_note.setStyleSheet("color: #666;")

        self.sample_class = QComboBox()
        self.sample_class.setFont(kana_font(11))
        for i, (kana, romaji) in enumerate(CLASSES):
            self.sample_class.addItem(f"{kana}  {romaji}", i)
        self.sample_button = QPushButton("Put a real one on the canvas")
        self.sample_button.setToolTip("A random test image of this class, to compare with your drawing")
        self.sample_button.clicked.connect(lambda: self.sample_requested.emit(int(self.sample_class.currentData())))
        self._build_layout()
        self.set_nets({})

    def _build_layout(self) -> None:
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card, 1)
        cards.addWidget(self.no_net, 1)

        seen_box = QGroupBox("What the nets see (28×28)")
        seen_layout = QVBoxLayout(seen_box)
        seen_layout.addWidget(self.seen, 0, Qt.AlignmentFlag.AlignHCenter)

        examples_box = QGroupBox("The real thing")
        grid = QGridLayout(examples_box)
        grid.addWidget(self.examples_title, 0, 0, 1, 3)
        for j, label in enumerate(self.examples):
            grid.addWidget(label, 1, j)
        grid.addWidget(self.examples_note, 2, 0, 1, 3)
        grid.addWidget(self.sample_class, 3, 0)
        grid.addWidget(self.sample_button, 3, 1, 1, 2)

        # The 28×28 input and the real examples are a page of their own, which the Draw page shows as
        # the first tab beside the looks inside the nets: the tabs then get the height below the cards.
        self.real_thing_page = QWidget()
        self.real_thing_page.setObjectName("realThingPage")
        bottom = QHBoxLayout(self.real_thing_page)
        bottom.setContentsMargins(4, 4, 4, 4)
        bottom.addWidget(seen_box, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(examples_box, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(cards, 1)
        layout.addWidget(self.status)

    def set_nets(self, captions: dict[str, str]) -> None:
        """Show a card per net in ``captions`` (name → where its weights came from)."""
        for name, card in self.cards.items():
            card.setVisible(name in captions)
            card.caption.setText(captions.get(name, ""))
            card.show_probabilities(None)
        self.no_net.setVisible(not captions)

    def show_result(self, array28: np.ndarray, probabilities: dict[str, np.ndarray]) -> None:
        """The input the nets saw and each net's probabilities."""
        self.seen_image.setImage(array28, levels=(0.0, 1.0), autoLevels=False)
        for name, card in self.cards.items():
            card.show_probabilities(probabilities.get(name))
        self.status.setText("")

    def show_message(self, text: str) -> None:
        """No classification (e.g. empty canvas): clear the verdicts and say why."""
        self.seen_image.setImage(np.zeros((28, 28), np.float32), levels=(0.0, 1.0), autoLevels=False)
        for card in self.cards.values():
            card.show_probabilities(None)
        self.status.setText(text)

    def answers(self) -> dict[str, int]:
        """Each shown net's top-1 class (nets without probabilities left out)."""
        return {name: int(np.argmax(card.probabilities)) for name, card in self.cards.items()
                if not card.isHidden() and card.probabilities is not None}

    def whose_answer(self, cls: int) -> str:
        """Whose answer class ``cls`` is, and what the others say: "NetConv's answer: を (wo);
        NetLin and NetFull say つ (tsu)", or "Every net's answer: つ (tsu)"."""
        answers = self.answers()
        kana, romaji = CLASSES[cls]
        agree = [nets.display_name(n) for n, c in answers.items() if c == cls]
        if len(agree) > 1 and len(agree) == len(answers):
            return f"Every net's answer: {kana} ({romaji})"
        text = f"{' and '.join(agree)}'s answer: {kana} ({romaji})" if agree else f"Real {kana} ({romaji})"
        others: dict[int, list[str]] = {}
        for name, c in answers.items():
            if c != cls:
                others.setdefault(c, []).append(nets.display_name(name))
        said = [f"{' and '.join(names)} {'says' if len(names) == 1 else 'say'} {CLASSES[c][0]} ({CLASSES[c][1]})"
                for c, names in others.items()]
        return "; ".join([text, *said])

    def show_examples(self, cls: int | None, images: list[np.ndarray], note: str = "") -> None:
        """Up to three real images of class ``cls`` (uint8 28×28), titled with whose answer ``cls`` is."""
        if cls is None:
            self.examples_title.setText("Real examples of the predicted class")
        else:
            self.examples_title.setText(f"{self.whose_answer(cls)}. Real examples:")
            # The dropdown below offers "a real one" of the class the heading names.
            self.sample_class.setCurrentIndex(self.sample_class.findData(cls))
        for j, label in enumerate(self.examples):
            label.setVisible(j < len(images))
            if j < len(images):
                label.setPixmap(grey_pixmap(images[j]))
        self.examples_note.setText(note)
        self.examples_note.setVisible(bool(note))
