"""A small vertical colour bar: the jet map from 0 (bottom) to a maximum (top), with ticks."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from explorer.core.recurrent.analysis import jet

STOPS = 17


class ColorLegend(QWidget):
    """Shows which colour means which state value (jet, ``0..vmax``)."""

    def __init__(self, title: str = "state", vmax: float = 4.0, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.vmax = float(vmax)
        self.setToolTip("Colour of each point: the course's state value, a counter, after that step. It counts the"
                        " A's read (1, 2, … up to n), then counts down as the B's (and C's) come, reaching 0 at the"
                        " end of the string. It is what the net must remember, not something the net computes")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(52, 240)

    def set_range(self, vmax: float) -> None:
        """Colours run from 0 to ``vmax`` (the language's L)."""
        self.vmax = float(max(vmax, 1e-6))
        self.update()

    def ticks(self) -> list[float]:
        """Tick values: whole numbers 0..vmax (at most ~8 of them)."""
        step = max(1, int(round(self.vmax / 8)))
        return [float(v) for v in range(0, int(self.vmax) + 1, step)]

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        top = metrics.height() + 6
        bottom = self.height() - metrics.height() // 2 - 2
        bar = QRectF(4, top, 14, max(bottom - top, 10))
        gradient = QLinearGradient(bar.bottomLeft(), bar.topLeft())
        for i, rgba in enumerate(jet([i / (STOPS - 1) for i in range(STOPS)], 0.0, 1.0)):
            gradient.setColorAt(i / (STOPS - 1), QColor.fromRgbF(*rgba))
        painter.fillRect(bar, gradient)
        painter.setPen(QPen(QColor(60, 60, 60)))
        painter.drawRect(bar)
        painter.drawText(2, metrics.ascent() + 1, self.title)
        for value in self.ticks():
            y = bar.bottom() - bar.height() * value / self.vmax
            painter.drawLine(int(bar.right()), int(y), int(bar.right()) + 4, int(y))
            painter.drawText(
                QRectF(bar.right() + 6, y - metrics.height() / 2, 40, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{value:g}",
            )
        painter.end()
