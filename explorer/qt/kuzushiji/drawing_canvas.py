"""A square canvas to draw a character on with the mouse or a pen tablet.

Strokes are kept as vectors in a fixed 280×280 frame, so the picture the
nets get (:meth:`DrawingCanvas.image`) does not depend on the widget's size
on screen. A photo or scan can be put underneath (open / paste); the pen
then draws in the scan's ink colour so it can be touched up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QShortcut,
    QTabletEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from explorer.core.kuzushiji.preprocess import load_image
from explorer.qt.undo import SetState

RESOLUTION = 280
"""Side of the internal frame strokes live in and :meth:`DrawingCanvas.image` renders."""
DEFAULT_PEN = 20.0


@dataclass(frozen=True)
class Stroke:
    """One pen-down-to-pen-up line: points ``(x, y, pressure)`` in the 280×280 frame."""

    points: tuple[tuple[float, float, float], ...]
    width: float
    ink: int  # 255 = white ink (on black), 0 = black ink (on a light scan)


@dataclass(frozen=True, eq=False)
class CanvasState:
    strokes: tuple[Stroke, ...] = ()
    background: np.ndarray | None = None  # uint8 280×280, or None for black


def _paint_stroke(painter: QPainter, stroke: Stroke) -> None:
    """Smooth, round-capped stroke; width follows pressure when the pen reported any."""
    colour = QColor(stroke.ink, stroke.ink, stroke.ink)
    pts = stroke.points
    if len(pts) == 1 or all(p[:2] == pts[0][:2] for p in pts):
        x, y, pressure = pts[0]
        r = stroke.width * pressure / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(x, y), r, r)
        return
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(colour, stroke.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    if all(p[2] == 1.0 for p in pts):
        # Quadratic curves through the midpoints: smooth even when the mouse reports few points.
        path = QPainterPath(QPointF(pts[0][0], pts[0][1]))
        for (x0, y0, _), (x1, y1, _) in zip(pts[1:-1], pts[2:], strict=False):
            path.quadTo(QPointF(x0, y0), QPointF((x0 + x1) / 2, (y0 + y1) / 2))
        path.lineTo(QPointF(pts[-1][0], pts[-1][1]))
        painter.setPen(pen)
        painter.drawPath(path)
        return
    for (x0, y0, p0), (x1, y1, p1) in zip(pts, pts[1:], strict=False):
        pen.setWidthF(max(0.5, stroke.width * (p0 + p1) / 2))
        painter.setPen(pen)
        painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))


def fit_background(grey: np.ndarray) -> np.ndarray:
    """A grey image (float [0, 1] or uint8) fitted into the 280×280 frame, padded with its border colour."""
    array = np.asarray(grey)
    if array.dtype != np.uint8:
        array = (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    image = Image.fromarray(array, mode="L")
    fitted = ImageOps.pad(image, (RESOLUTION, RESOLUTION), method=Image.Resampling.BICUBIC, color=int(np.median(border)))
    return np.asarray(fitted, dtype=np.uint8).copy()


def qimage_to_grey(image: QImage) -> np.ndarray:
    """A QImage as a uint8 grey array (copied, row stride handled)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    h, w = grey.height(), grey.width()
    data = np.frombuffer(grey.constBits(), dtype=np.uint8, count=grey.bytesPerLine() * h)
    return data.reshape(h, grey.bytesPerLine())[:, :w].copy()


class DrawingCanvas(QWidget):
    """Draw strokes (mouse or tablet), undo/redo them, or put a photo underneath.

    ``changed`` is emitted on every change, also while a stroke is being
    drawn; ``stroke_finished`` when the pen is lifted.
    """

    changed = Signal()
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None, undo_stack: QUndoStack | None = None):
        super().__init__(parent)
        self.setObjectName("drawingCanvas")
        self.setMinimumSize(RESOLUTION, RESOLUTION)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pen_width = DEFAULT_PEN
        self._state = CanvasState()
        self._current: list[tuple[float, float, float]] | None = None
        self._current_ink = 255
        self.own_undo_stack = undo_stack is None
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        if self.own_undo_stack:
            for keys, slot in (
                ([QKeySequence.StandardKey.Undo], self.undo_stack.undo),
                ([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], self.undo_stack.redo),
            ):
                for key in keys:
                    shortcut = QShortcut(key, self)
                    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                    shortcut.activated.connect(slot)

    # what is drawn ---------------------------------------------------------------
    @property
    def strokes(self) -> tuple[Stroke, ...]:
        return self._state.strokes

    @property
    def background(self) -> np.ndarray | None:
        return self._state.background

    def is_empty(self) -> bool:
        return not self._state.strokes and self._state.background is None and not self._current

    def is_drawing(self) -> bool:
        return self._current is not None

    def ink(self) -> int:
        """Pen colour: white on black, black on a light photo or scan."""
        bg = self._state.background
        return 0 if bg is not None and np.median(bg) > 127 else 255

    def set_pen_width(self, width: float) -> None:
        """Pen width in pixels of the 280×280 frame (strokes already drawn keep theirs)."""
        self.pen_width = float(width)

    def image(self) -> np.ndarray:
        """The picture as uint8 280×280 grey, the stroke being drawn included."""
        if self._state.background is not None:
            bg = np.ascontiguousarray(self._state.background)
            canvas = QImage(bg.data, RESOLUTION, RESOLUTION, RESOLUTION, QImage.Format.Format_Grayscale8).copy()
        else:
            canvas = QImage(RESOLUTION, RESOLUTION, QImage.Format.Format_Grayscale8)
            canvas.fill(0)
        painter = QPainter(canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self._all_strokes():
            _paint_stroke(painter, stroke)
        painter.end()
        return qimage_to_grey(canvas)

    # changes (each one undoable) ---------------------------------------------------
    def clear(self) -> None:
        if self._state.strokes or self._state.background is not None:
            self._change("Clear canvas", CanvasState())

    def set_background(self, grey: np.ndarray, text: str = "Put image on canvas") -> None:
        """Show ``grey`` (any size) under the strokes, replacing what was drawn."""
        self._change(text, CanvasState((), fit_background(grey)))

    def open_image(self, path) -> None:
        """Put an image file on the canvas (UserError for an unreadable file)."""
        self.set_background(load_image(path), "Open image")

    def paste_image(self, image: QImage) -> bool:
        """Put a pasted picture on the canvas; False when ``image`` is empty."""
        if image.isNull():
            return False
        self.set_background(qimage_to_grey(image), "Paste image")
        return True

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    def _change(self, text: str, after: CanvasState) -> None:
        self.undo_stack.push(SetState(self, text, self._state, after))

    def _set_state(self, state: CanvasState) -> None:
        self._state = state
        self.update()
        self.changed.emit()

    def _all_strokes(self) -> tuple[Stroke, ...]:
        if self._current:
            return (*self._state.strokes, Stroke(tuple(self._current), self.pen_width, self._current_ink))
        return self._state.strokes

    # input -------------------------------------------------------------------------
    def _frame(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, 0, side, side)

    def _to_frame(self, pos: QPointF) -> tuple[float, float]:
        frame = self._frame()
        scale = RESOLUTION / frame.width()
        return (pos.x() - frame.x()) * scale, (pos.y() - frame.y()) * scale

    def _begin(self, pos: QPointF, pressure: float) -> None:
        self._current_ink = self.ink()
        self._current = [(*self._to_frame(pos), pressure)]
        self.update()
        self.changed.emit()

    def _extend(self, pos: QPointF, pressure: float) -> None:
        if self._current is None:
            return
        point = (*self._to_frame(pos), pressure)
        if point[:2] != self._current[-1][:2]:
            self._current.append(point)
            self.update()
            self.changed.emit()

    def _end(self) -> None:
        if self._current is None:
            return
        stroke = Stroke(tuple(self._current), self.pen_width, self._current_ink)
        self._current = None
        self._change("Draw stroke", CanvasState((*self._state.strokes, stroke), self._state.background))
        self.stroke_finished.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 1.0)

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 1.0)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Pressure 0..1 scales the width (never below a fifth, so light touches still show).
        pressure = 0.2 + 0.8 * max(0.0, min(1.0, event.pressure()))
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end()
        event.accept()

    # looks ------------------------------------------------------------------------------
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        frame = self._frame()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(frame, QColor(0, 0, 0))
        painter.setClipRect(frame)
        if self._state.background is not None:
            bg = np.ascontiguousarray(self._state.background)
            image = QImage(bg.data, RESOLUTION, RESOLUTION, RESOLUTION, QImage.Format.Format_Grayscale8)
            painter.drawImage(frame, image)
        painter.translate(frame.topLeft())
        painter.scale(frame.width() / RESOLUTION, frame.height() / RESOLUTION)
        for stroke in self._all_strokes():
            _paint_stroke(painter, stroke)
        if self.is_empty():
            painter.resetTransform()
            painter.setPen(QColor(140, 140, 140))
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, "draw a character here")
        painter.end()
