"""The sequence bar: type or generate a string, then step through it token by token.

Position ``p`` (0 … T−1) means the net has just read symbol ``p``; the
strip highlights that token and outlines the one it should predict next.
Left/Right step, Space plays and pauses, Home/End jump; clicking a token jumps
to it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

TOKEN_WIDTH = 22
SYMBOL_COLORS = {"A": QColor(222, 235, 255), "B": QColor(255, 236, 214), "C": QColor(222, 245, 222)}


class TokenStrip(QWidget):
    """The string drawn as boxes; the current token filled dark, the next one outlined."""

    clicked = Signal(int)
    key_step = Signal(int)
    key_play = Signal()
    key_jump = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = ""
        self.position = 0
        self.marks: set[int] = set()  # steps where the extracted machine and the net disagree
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Click a token to jump there; ←/→ step, Space plays, Home/End jump to the ends")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setObjectName("tokenStrip")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(max(1, len(self.text)) * TOKEN_WIDTH + 4, 34)

    def set_text(self, text: str, position: int = 0) -> None:
        self.text = text
        self.position = position
        self.setFixedSize(self.sizeHint())
        self.update()

    def set_position(self, position: int) -> None:
        self.position = position
        self.update()

    def set_marks(self, steps) -> None:
        """Underline the tokens read at ``steps`` in red (the machine predicts other than the net there)."""
        self.marks = {int(t) for t in steps}
        self.update()

    def token_rect(self, index: int) -> QRectF:
        return QRectF(2 + index * TOKEN_WIDTH, 3, TOKEN_WIDTH - 2, 28)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        for i, ch in enumerate(self.text):
            rect = self.token_rect(i)
            if i == self.position:
                painter.fillRect(rect, QColor(30, 30, 30))
                painter.setPen(QColor(255, 255, 255))
            else:
                painter.fillRect(rect, SYMBOL_COLORS.get(ch, QColor(240, 240, 240)))
                painter.setPen(QColor(40, 40, 40) if i <= self.position else QColor(120, 120, 120))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, ch)
            if i == self.position + 1:
                painter.setPen(QPen(QColor(200, 30, 30), 2, Qt.PenStyle.DashLine))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
            if i in self.marks:
                painter.fillRect(QRectF(rect.left(), rect.bottom() - 3, rect.width(), 3), QColor(230, 0, 0))
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        index = int((event.position().x() - 2) // TOKEN_WIDTH)
        if 0 <= index < len(self.text):
            self.clicked.emit(index)
        self.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Left:
            self.key_step.emit(-1)
        elif key == Qt.Key.Key_Right:
            self.key_step.emit(1)
        elif key == Qt.Key.Key_Space:
            self.key_play.emit()
        elif key == Qt.Key.Key_Home:
            self.key_jump.emit(0)
        elif key == Qt.Key.Key_End:
            self.key_jump.emit(-1)
        else:
            super().keyPressEvent(event)


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


class SequenceBar(QWidget):
    """String entry, token strip and the stepping controls."""

    #: The user typed a string and pressed Enter (the tab parses it).
    string_entered = Signal(str)
    #: Generate a random training-like string / one block of n.
    generate_requested = Signal()
    block_requested = Signal(int)
    #: The current step changed.
    position_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = ""
        self.position = 0
        self.edit = QLineEdit()
        self.edit.setObjectName("sequenceEdit")
        self.edit.setPlaceholderText("Type a string such as AABBBBAAABBBBBBA and press Enter")
        self.edit.setToolTip("A string of the language's symbols, starting with A; Enter shows it")
        self.edit.returnPressed.connect(self._on_return)
        self.generate_button = _button("Generate", "A random string of five blocks, n from 1 to L (Ctrl+G)")
        self.generate_button.setShortcut("Ctrl+G")
        self.generate_button.clicked.connect(self.generate_requested)
        self.block_n = QSpinBox(minimum=1, maximum=40, value=3, prefix="n = ")
        self.block_n.setToolTip("n for a single block (may be larger than L, to test generalisation)")
        self.block_button = _button("One block", "A single block a^n b^2n … with this n, ending with the next A")
        self.block_button.clicked.connect(self._on_block)
        self.message = QLabel("")
        self.message.setObjectName("sequenceMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)

        self.strip = TokenStrip()
        self.strip.clicked.connect(self._on_token_clicked)
        self.strip.key_step.connect(self.step)
        self.strip.key_play.connect(self.toggle_play)
        self.strip.key_jump.connect(self._on_jump)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.strip)
        self.scroll.setWidgetResizable(False)
        self.scroll.setFixedHeight(52)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.back_button = _button("◀", "Step back (←)")
        self.forward_button = _button("▶", "Step forward (→)")
        self.play_button = _button("Play", "Play / pause (Space)")
        self.play_button.setCheckable(True)
        self.play_button.setObjectName("playButton")
        for b in (self.back_button, self.forward_button):
            b.setFixedWidth(36)
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.forward_button.clicked.connect(lambda: self.step(1))
        self.play_button.toggled.connect(self._on_play_toggled)
        self.speed = QSpinBox(minimum=1, maximum=30, value=4, suffix=" steps/s")
        self.speed.setToolTip("Playing speed")
        self.speed.valueChanged.connect(self._on_speed)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Jump to a step")
        self.slider.setMinimum(0)
        self.slider.valueChanged.connect(self.set_position)
        self.where = QLabel("")
        self.where.setObjectName("stepLabel")
        self.where.setMinimumWidth(90)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._on_tick)
        self._on_speed(self.speed.value())

        top = QHBoxLayout()
        top.addWidget(QLabel("String:"))
        top.addWidget(self.edit, 1)
        top.addWidget(self.generate_button)
        top.addWidget(self.block_n)
        top.addWidget(self.block_button)
        controls = QHBoxLayout()
        for w in (self.back_button, self.play_button, self.forward_button, self.speed):
            controls.addWidget(w)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.where)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll)
        layout.addLayout(controls)
        self.message.hide()

    def install_shortcuts(self, scope: QWidget) -> None:
        """←/→/Space/Home/End anywhere inside ``scope`` (text fields keep their own keys)."""
        for key, slot in (
            (Qt.Key.Key_Left, lambda: self.step(-1)),
            (Qt.Key.Key_Right, lambda: self.step(1)),
            (Qt.Key.Key_Space, self.toggle_play),
            (Qt.Key.Key_Home, lambda: self._on_jump(0)),
            (Qt.Key.Key_End, lambda: self._on_jump(-1)),
        ):
            shortcut = QShortcut(QKeySequence(key), scope)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # state -----------------------------------------------------------------
    @property
    def steps(self) -> int:
        """Number of steps T (the string's length minus one)."""
        return max(len(self.text) - 1, 0)

    def set_sequence(self, text: str, position: int = 0) -> None:
        """Show ``text`` (already checked) and go to ``position``."""
        self.text = text
        self.show_refusal("")
        if self.edit.text() != text:
            self.edit.setText(text)
        position = min(max(position, 0), max(self.steps - 1, 0))
        self.strip.set_text(text, position)
        self.slider.blockSignals(True)
        self.slider.setMaximum(max(self.steps - 1, 0))
        self.slider.blockSignals(False)
        self.position = -1
        self.set_position(position)

    def show_refusal(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    @Slot(int)
    def set_position(self, position: int) -> None:
        position = min(max(int(position), 0), max(self.steps - 1, 0))
        if position == self.position:
            return
        self.position = position
        self.strip.set_position(position)
        rect = self.strip.token_rect(position)
        self.scroll.ensureVisible(int(rect.center().x()), 10, TOKEN_WIDTH * 3, 0)
        self.slider.blockSignals(True)
        self.slider.setValue(position)
        self.slider.blockSignals(False)
        self.where.setText(f"step {position + 1} / {self.steps}")
        self.position_changed.emit(position)

    @Slot(int)
    def step(self, delta: int) -> None:
        self.set_position(self.position + delta)

    # playing ---------------------------------------------------------------
    def is_playing(self) -> bool:
        return self.timer.isActive()

    @Slot()
    def toggle_play(self) -> None:
        self.play_button.setChecked(not self.play_button.isChecked())

    def pause(self) -> None:
        self.play_button.setChecked(False)

    @Slot(bool)
    def _on_play_toggled(self, playing: bool) -> None:
        if playing:
            if self.position >= self.steps - 1:
                self.set_position(0)
            self.timer.start()
        else:
            self.timer.stop()
        self.play_button.setText("Pause" if playing else "Play")

    @Slot()
    def _on_tick(self) -> None:
        if self.position >= self.steps - 1:
            self.pause()
        else:
            self.step(1)

    @Slot(int)
    def _on_speed(self, steps_per_second: int) -> None:
        self.timer.setInterval(int(1000 / max(steps_per_second, 1)))

    @Slot()
    def _on_return(self) -> None:
        self.pause()
        self.string_entered.emit(self.edit.text())

    @Slot()
    def _on_block(self) -> None:
        self.block_requested.emit(self.block_n.value())

    @Slot(int)
    def _on_token_clicked(self, index: int) -> None:
        self.set_position(index)

    @Slot(int)
    def _on_jump(self, where: int) -> None:
        self.set_position(self.steps - 1 if where < 0 else where)
