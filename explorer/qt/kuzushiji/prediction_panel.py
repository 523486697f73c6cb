"""What each net thinks the drawing is: top-1 in large, a bar per class of the data set in use.

Also the 28×28 image the nets actually see, three real examples of the
predicted class, and a control to put a real test image on the canvas.
The classes are those of the :class:`DataSet` given to :meth:`PredictionPanel.set_data_set`
(KMNIST's ten until then): a folder's class names are the user's and reach labels as plain text only.
"""

from __future__ import annotations

import html

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
from explorer.core.kuzushiji.classes import kana_font_path
from explorer.core.kuzushiji.datasets import KMNIST, DataSet

TOP_BRUSH = pg.mkBrush(40, 110, 200)
OTHER_BRUSH = pg.mkBrush(170, 190, 215)
EXAMPLE_ZOOM = 3
MAX_BARS = 49
"""Most classes shown as one bar each (Kuzushiji-49's); a net of more shows its :data:`TOP_BARS` likeliest."""
TOP_BARS = 10
TOOLTIP_CLASSES = 60
"""Most classes a tooltip names; the rest are counted."""
ANSWER_WIDTH = 100
"""Pixels a folder class's name may take as the large answer (longer ones are elided; the tooltip has it whole)."""
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


def rich_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it literally: Qt reads a tooltip with a tag in it as rich text."""
    return f"<p>{html.escape(text)}</p>"


def class_names(data_set: DataSet, count: int) -> list[tuple[str, str]]:
    """(glyph, name) of ``count`` classes: the data set's, numbered beyond them (a net of another count)."""
    known = list(zip(data_set.glyphs, data_set.class_names, strict=True))[:count]
    return known + [(str(i + 1), f"class {i + 1}") for i in range(len(known), count)]


def class_text(data_set: DataSet, cls: int) -> str:
    """Class ``cls`` as the answer text names it: "を (wo)", a folder's name alone, "class 12" beyond the set."""
    return data_set.label(cls) if 0 <= cls < data_set.num_classes else f"class {cls + 1}"


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
        self.kana.setTextFormat(Qt.TextFormat.PlainText)  # a folder's class name is the user's text
        self.kana.setFont(kana_font(26, bold=True))
        self.kana.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.kana_width = self.kana.fontMetrics().horizontalAdvance("を") + 8
        self.kana.setMinimumWidth(self.kana_width)
        self.verdict = QLabel()
        self.verdict.setObjectName("topVerdict")
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
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
        left = self.bars.getAxis("left")
        left.setTicks([[(0.0, "0"), (0.5, ".5"), (1.0, "1")]])  # three short ticks leave the bars the width
        axis = self.bars.getAxis("bottom")
        axis.setStyle(tickFont=kana_font(8))
        for side in ("left", "bottom"):
            self.bars.getAxis(side).setTextPen("k")
            self.bars.getAxis(side).setPen("k")
        self._tick_style: tuple | None = None
        self._classes_version = 0
        self.data_set = KMNIST
        self.classes: list[tuple[str, str]] = class_names(KMNIST, KMNIST.num_classes)
        """(glyph, name) of each output of the net: the data set's classes."""
        self.shown: list[int] = list(range(len(self.classes)))
        """The classes with a bar, left to right: all of them, or the likeliest :data:`TOP_BARS` of many."""
        self.bar_item = pg.BarGraphItem(x=np.arange(len(self.shown)), height=np.zeros(len(self.shown)), width=0.7,
                                        brush=OTHER_BRUSH)
        self.bars.addItem(self.bar_item)
        self.probabilities: np.ndarray | None = None
        self._show_classes(self.shown)
        # The labels follow the chart's width: kana over romaji when there is room, else kana only.
        axis.geometryChanged.connect(self._fit_ticks)

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

    def set_data_set(self, data_set: DataSet) -> None:
        """The classes the net's outputs are: bars, ticks, tooltip and answer from ``data_set`` (cleared)."""
        self.data_set = data_set
        folder = data_set.glyphs == data_set.class_names
        # A kana in large type; a folder's class name smaller, elided to the card.
        self.kana.setFont(kana_font(14 if folder else 26, bold=True))
        self._use_classes(class_names(data_set, data_set.num_classes))
        self.show_probabilities(None)

    def _use_classes(self, classes: list[tuple[str, str]]) -> None:
        self.classes = classes
        self._classes_version += 1
        count = len(classes)
        shown = list(range(min(count, TOP_BARS if count > MAX_BARS else count)))
        names = [self._label(i) for i in range(min(count, TOOLTIP_CLASSES))]
        more = f" and {count - len(names):,} more" if count > len(names) else ""
        what = "Probability per class: " if count <= MAX_BARS else f"The {TOP_BARS} likeliest of {count:,} classes: "
        self.bars.setToolTip(rich_tooltip(what + ", ".join(names) + more))
        self._show_classes(shown)

    def _label(self, i: int) -> str:
        kana, name = self.classes[i]
        return name if kana == name else f"{kana} {name}"

    def _show_classes(self, shown: list[int]) -> None:
        """Bars for classes ``shown`` (left to right), the x range and ticks fitted to their count."""
        if shown != self.shown or len(self.bar_item.opts["x"]) != len(shown):
            self.shown = shown
            self.bar_item.setOpts(x=np.arange(len(shown)), height=np.zeros(len(shown)),
                                  brushes=[OTHER_BRUSH] * len(shown))
        self.bars.setXRange(-0.6, len(shown) - 0.4, padding=0)
        self._fit_ticks()

    def _fit_ticks(self) -> None:
        """Kana over romaji on the x axis where each bar has room for "tsu", else kana only.

        The romaji are in the chart's tooltip and under the large kana either way. A folder's
        class names (its glyphs are its names) are one line, elided to the bar's width.
        """
        axis = self.bars.getAxis("bottom")
        metrics = QFontMetrics(axis.style["tickFont"])
        per_bar = axis.width() / (len(self.shown) + 0.2)  # the x range is -0.6 … bars - 0.4
        classes = [self.classes[c] for c in self.shown]
        romaji_fits = per_bar >= max((metrics.horizontalAdvance(r) for _, r in classes), default=0) + 4
        folder = all(kana == name for kana, name in classes)
        style = ("names", int(per_bar)) if folder else ("two lines",) if romaji_fits else ("kana", int(per_bar))
        if (style, tuple(self.shown), self._classes_version) == self._tick_style:
            return
        self._tick_style = (style, tuple(self.shown), self._classes_version)
        if folder:
            width = max(int(per_bar) - 4, 1)
            axis.setTicks([[(i, metrics.elidedText(name, Qt.TextElideMode.ElideRight, width))
                            for i, (_, name) in enumerate(classes)]])
            axis.setHeight(metrics.height() + 10)
        elif romaji_fits:
            axis.setTicks([[(i, f"{kana}\n{romaji}") for i, (kana, romaji) in enumerate(classes)]])
            axis.setHeight(2 * metrics.height() + 10)
        else:
            # Kana only; where even they do not fit (49 bars in a narrow card), every step-th one.
            step = max(1, int(np.ceil((max((metrics.horizontalAdvance(k) for k, _ in classes), default=0) + 3)
                                      / max(per_bar, 1.0))))
            axis.setTicks([[(i, kana) for i, (kana, _) in enumerate(classes) if i % step == 0]])
            axis.setHeight(metrics.height() + 10)

    def show_probabilities(self, probs: np.ndarray | None) -> None:
        """Update the large label and the bars (``None`` clears them)."""
        self.probabilities = None if probs is None else np.asarray(probs, dtype=float).reshape(-1)
        if probs is None:
            self.kana.setText("–")
            self.kana.setMinimumWidth(self.kana_width)
            self.kana.setToolTip("")
            self.verdict.setText("")
            self.bar_item.setOpts(height=np.zeros(len(self.shown)), brushes=[OTHER_BRUSH] * len(self.shown))
            return
        count = len(self.probabilities)
        if count != len(self.classes):  # a net of another data set's count: its classes numbered beyond this one's
            self._use_classes(class_names(self.data_set, count))
        top = int(np.argmax(self.probabilities))
        if count > MAX_BARS:
            self._show_classes([int(i) for i in np.argsort(-self.probabilities, kind="stable")[:TOP_BARS]])
        kana, name = self.classes[top]
        confidence = f"{100 * self.probabilities[top]:.1f} %"
        if kana == name:  # a folder's class: its name, elided to the card (whole in the tooltip)
            metrics = QFontMetrics(self.kana.font())
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, ANSWER_WIDTH)
            self.kana.setMinimumWidth(max(self.kana_width, metrics.horizontalAdvance(text) + 8))  # shown whole
            self.kana.setText(text)
            self.kana.setToolTip(rich_tooltip(f"{name}: {confidence}"))
            self.verdict.setText(confidence)
        else:
            self.kana.setText(kana)
            self.kana.setToolTip("")
            self.verdict.setText(f"{name} · {confidence}")
        brushes = [TOP_BRUSH if c == top else OTHER_BRUSH for c in self.shown]
        self.bar_item.setOpts(height=self.probabilities[self.shown], brushes=brushes)


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
        self.examples_title.setTextFormat(Qt.TextFormat.PlainText)  # it names a folder's classes
        self.examples = [QLabel() for _ in range(3)]
        for label in self.examples:
            label.setFixedSize(28 * EXAMPLE_ZOOM, 28 * EXAMPLE_ZOOM)
            label.setStyleSheet("background: black;")
        self.examples_note = QLabel()
        self.examples_note.setWordWrap(True)
        self.examples_note.setTextFormat(Qt.TextFormat.PlainText)
        self.examples_note.setStyleSheet("color: #666;")

        self.sample_class = QComboBox()
        self.sample_class.setFont(kana_font(11))
        self.data_set: DataSet | None = None
        self.sample_button = QPushButton("Put a real one on the canvas")
        self.sample_button.setToolTip("A random test image of this class, to compare with your drawing")
        self.sample_button.clicked.connect(lambda: self.sample_requested.emit(int(self.sample_class.currentData())))
        self._build_layout()
        self.set_data_set(KMNIST)  # until the Draw page says which data set is in use
        self.set_nets({})

    def set_data_set(self, data_set: DataSet) -> None:
        """The classes the nets tell apart: every card's bars, ticks and answers, and the samples' choices."""
        if data_set == self.data_set:
            return
        self.data_set = data_set
        for card in self.cards.values():
            card.set_data_set(data_set)
        chosen = self.sample_class.currentIndex()
        self.sample_class.clear()
        for i, (kana, name) in enumerate(zip(data_set.glyphs, data_set.class_names, strict=True)):
            self.sample_class.addItem(name if kana == name else f"{kana}  {name}", i)
        self.sample_class.setCurrentIndex(chosen if 0 <= chosen < data_set.num_classes else 0)
        self.sample_button.setEnabled(data_set.num_classes > 0)
        self.show_examples(None, [])

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
        answer = class_text(self.data_set, cls)
        agree = [nets.display_name(n) for n, c in answers.items() if c == cls]
        if len(agree) > 1 and len(agree) == len(answers):
            return f"Every net's answer: {answer}"
        text = f"{' and '.join(agree)}'s answer: {answer}" if agree else f"Real {answer}"
        others: dict[int, list[str]] = {}
        for name, c in answers.items():
            if c != cls:
                others.setdefault(c, []).append(nets.display_name(name))
        said = [f"{' and '.join(names)} {'says' if len(names) == 1 else 'say'} {class_text(self.data_set, c)}"
                for c, names in others.items()]
        return "; ".join([text, *said])

    def show_examples(self, cls: int | None, images: list[np.ndarray], note: str = "") -> None:
        """Up to three real images of class ``cls`` (uint8 28×28), titled with whose answer ``cls`` is."""
        if cls is None:
            self.examples_title.setText("Real examples of the predicted class")
        else:
            self.examples_title.setText(f"{self.whose_answer(cls)}. Real examples:")
            # The dropdown below offers "a real one" of the class the heading names.
            index = self.sample_class.findData(cls)
            if index >= 0:
                self.sample_class.setCurrentIndex(index)
        for j, label in enumerate(self.examples):
            label.setVisible(j < len(images))
            if j < len(images):
                label.setPixmap(grey_pixmap(images[j]))
        self.examples_note.setText(note)
        self.examples_note.setVisible(bool(note))
