"""Paint one figure onto a page: title, plot, colour key or legend, nothing else.

The page is laid out in *logical* units (the figure's size at 1×) and painted
through a :class:`QPainter` scaled to the device, so the same code writes a
PNG (``QImage``), an SVG (``QSvgGenerator``) and a PDF (``QPdfWriter``), and
text stays text in the vector formats.

API (used by :mod:`explorer.qt.widgets.figure_export`; views rarely need it):

- :class:`ColourKey` -- a colour bar (gradient stops, value range, label).
- :func:`paint_page` -- paint a :class:`~explorer.qt.widgets.figure_export.Figure`
  into a painter whose device is ``scale`` times the logical page size.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsWidget, QWidget

from explorer.qt.widgets.axes import uncached_axes

MARGIN = 12.0
TITLE_PX = 16
NOTE_PX = 12
KEY_WIDTH = 120.0
TEXT_COLOR = QColor(20, 20, 20)


@dataclass
class ColourKey:
    """A colour bar: ``colors`` run from ``vmin`` (bottom) to ``vmax`` (top).

    ``colors`` are gradient stops, each a :class:`QColor`, a colour name, or an
    ``(r, g, b[, a])`` row of floats in 0..1 (as the recurrent tab's ``jet``
    returns) or of integers in 0..255. :meth:`from_colormap` takes a pyqtgraph map.
    """

    colors: Sequence
    vmin: float = 0.0
    vmax: float = 1.0
    label: str = ""
    ticks: Sequence[float] | None = None

    @classmethod
    def from_colormap(cls, colormap: pg.ColorMap, vmin: float, vmax: float, label: str = "", ticks=None) -> ColourKey:
        """The key of a pyqtgraph :class:`ColorMap` shown over ``vmin..vmax``."""
        stops = [colormap.map(x, mode="qcolor") for x in np.linspace(0.0, 1.0, 17)]
        return cls(stops, vmin, vmax, label, ticks)

    def tick_values(self) -> list[float]:
        if self.ticks is not None:
            return [float(t) for t in self.ticks]
        span = self.vmax - self.vmin
        return [self.vmin + span * i / 4 for i in range(5)]


def qcolor(value) -> QColor:
    """A QColor from a QColor, a name, floats in 0..1 or integers in 0..255 (RGB or RGBA)."""
    if isinstance(value, QColor):
        return value
    if isinstance(value, str):
        return QColor(value)
    values = list(np.asarray(value).ravel())
    if np.asarray(value).dtype.kind == "f":
        return QColor.fromRgbF(*[float(np.clip(v, 0.0, 1.0)) for v in values])
    return QColor(*[int(v) for v in values])


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def paint_page(painter: QPainter, figure, size: QSizeF) -> None:
    """Paint ``figure`` on a white page of logical ``size`` (the painter is already scaled)."""
    page = QRectF(QPointF(0, 0), size)
    painter.fillRect(page, QColor(255, 255, 255))
    top = MARGIN
    painter.setPen(TEXT_COLOR)
    if figure.title:
        top += _paint_heading(painter, figure.title, TITLE_PX, True, top, size.width())
    if figure.note:
        top += _paint_heading(painter, figure.note, NOTE_PX, False, top, size.width())
    right = size.width() - MARGIN
    if figure.key is not None or figure.legend:
        width = _legend_width(painter, figure.legend, size.width()) if figure.legend else KEY_WIDTH
        key_rect = QRectF(right - width, top + MARGIN, width, size.height() - top - 3 * MARGIN)
        if callable(figure.key):
            figure.key(painter, key_rect)
        elif figure.key is not None:
            paint_colour_key(painter, figure.key, key_rect)
        if figure.legend:
            paint_legend(painter, figure.legend, key_rect)
        right = key_rect.left() - MARGIN / 2
    plot_rect = QRectF(MARGIN / 2, top, right - MARGIN / 2, size.height() - top - MARGIN / 2)
    figure.paint_plot(painter, plot_rect)


def _paint_heading(painter: QPainter, text: str, px: int, bold: bool, top: float, page_width: float) -> float:
    """Draw a centred title or note that fits the page: a smaller font first, then a second line.

    A small export (800 px at 2× is a 400-unit page) must not cut a long title
    off at both sides. Returns the height used.
    """
    width = page_width - 2 * MARGIN
    for size in range(px, max(int(px * 0.75), 8) - 1, -1):
        painter.setFont(_font(size, bold=bold))
        if painter.fontMetrics().horizontalAdvance(text) <= width:
            break
    flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
    box = painter.boundingRect(QRectF(MARGIN, top, width, 1000.0), flags, text)
    height = box.height() + 2
    painter.drawText(QRectF(MARGIN, top, width, height), flags, text)
    return height


def _legend_width(painter: QPainter, entries: Sequence[tuple[str, object]], page_width: float) -> float:
    """Wide enough for the longest entry (swatch included), at most 40 % of the page."""
    painter.save()
    painter.setFont(_font(NOTE_PX))
    widest = max(painter.fontMetrics().horizontalAdvance(str(name)) for name, _colour in entries)
    painter.restore()
    return min(max(KEY_WIDTH, widest + 30.0), 0.4 * page_width)


def paint_colour_key(painter: QPainter, key: ColourKey, rect: QRectF) -> None:
    """A vertical bar with ticks and its label above it."""
    painter.save()
    painter.setFont(_font(NOTE_PX))
    metrics = painter.fontMetrics()
    painter.setPen(TEXT_COLOR)
    label_h = metrics.height() + 4 if key.label else 0
    if key.label:
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), label_h), Qt.AlignmentFlag.AlignLeft, key.label)
    bar_h = min(rect.height() - label_h - metrics.height(), 320.0)
    bar = QRectF(rect.left() + 4, rect.top() + label_h + metrics.height() / 2, 16, max(bar_h, 20.0))
    gradient = QLinearGradient(bar.bottomLeft(), bar.topLeft())
    stops = list(key.colors)
    for i, color in enumerate(stops):
        gradient.setColorAt(i / max(len(stops) - 1, 1), qcolor(color))
    painter.fillRect(bar, gradient)
    painter.setPen(QPen(QColor(60, 60, 60)))
    painter.drawRect(bar)
    span = (key.vmax - key.vmin) or 1.0
    for value in key.tick_values():
        y = bar.bottom() - bar.height() * (value - key.vmin) / span
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y))
        painter.drawText(QRectF(bar.right() + 7, y - metrics.height() / 2, rect.width() - 28, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{value:g}")
    painter.restore()


def paint_legend(painter: QPainter, entries: Sequence[tuple[str, object]], rect: QRectF) -> None:
    """A swatch and a name per entry, from the top of ``rect``."""
    painter.save()
    painter.setFont(_font(NOTE_PX))
    line = painter.fontMetrics().height() + 4
    for i, (name, color) in enumerate(entries):
        y = rect.top() + i * line
        swatch = QRectF(rect.left() + 4, y + 3, 14, line - 8)
        painter.fillRect(swatch, qcolor(color))
        painter.setPen(QPen(QColor(110, 110, 110), 0.6))  # a white swatch ("target 0") stays visible
        painter.drawRect(swatch)
        painter.setPen(TEXT_COLOR)
        painter.drawText(QRectF(rect.left() + 24, y, rect.width() - 24, line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(name))
    painter.restore()


# Plot region: pyqtgraph scene items ----------------------------------------------
def graphics_item(target) -> QGraphicsItem | None:
    """The scene item to draw for a pyqtgraph widget or item (``None`` for other widgets)."""
    if isinstance(target, pg.PlotWidget):
        return target.getPlotItem()
    if isinstance(target, pg.GraphicsLayoutWidget):
        return target.ci
    if isinstance(target, pg.ImageView):
        return target.getView()
    if isinstance(target, pg.GraphicsView):
        return target.centralWidget
    if isinstance(target, QGraphicsItem):
        return target
    return None


def _activate_layouts(item: QGraphicsItem) -> None:
    """Lay the item's subtree out now, not at the next event-loop turn."""
    if isinstance(item, QGraphicsWidget):
        layout = QGraphicsWidget.layout(item)  # pyqtgraph shadows ``layout`` with an attribute
        if layout is not None:
            layout.activate()
    for child in item.childItems():
        _activate_layouts(child)


def _hide_others(item: QGraphicsItem) -> list[QGraphicsItem]:
    """Hide every visible item that is neither ``item``, inside it nor above it."""
    hidden = []
    node = item
    while node is not None:
        parent = node.parentItem()
        siblings = parent.childItems() if parent is not None else [
            i for i in node.scene().items() if i.parentItem() is None
        ]
        for other in siblings:
            if other is not node and other.isVisible():
                other.setVisible(False)
                hidden.append(other)
        node = parent
    return hidden


def paint_scene_item(painter: QPainter, item: QGraphicsItem, rect: QRectF, scale: float) -> None:
    """Lay ``item`` out at ``rect``'s size, paint it there, and put it back as it was."""
    scene = item.scene()
    old = item.geometry() if isinstance(item, QGraphicsWidget) else None
    hidden = _hide_others(item)
    items = [i for i in [item, *item.childItems()] if hasattr(i, "setExportMode")]
    stack = list(item.childItems())
    while stack:
        child = stack.pop()
        stack.extend(child.childItems())
        if hasattr(child, "setExportMode"):
            items.append(child)
    # Legends ignore the view's transformations to keep a fixed on-screen size;
    # in a file they must grow with everything else or they come out half-sized.
    fixed = [n for n in _walk(item) if n.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations]
    for node in fixed:
        node.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
    try:
        if old is not None:
            item.setGeometry(QRectF(old.topLeft(), rect.size()))
            _activate_layouts(item)
        for each in items:
            each.setExportMode(True, {"antialias": True, "background": QColor(255, 255, 255), "painter": painter,
                                      "resolutionScale": scale})
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        with uncached_axes([scene]):  # (an SVG or PDF gets text, not the screen's pixmaps of it)
            scene.render(painter, rect, item.sceneBoundingRect(), Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        for each in items:
            each.setExportMode(False, None)
        for other in hidden:
            other.setVisible(True)
        for node in fixed:
            node.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        if old is not None:
            item.setGeometry(old)
            _activate_layouts(item)


def paint_widget(painter: QPainter, widget: QWidget, rect: QRectF) -> None:
    """A plain widget (a panel of numbers), scaled to fit ``rect`` with its aspect kept."""
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    factor = min(rect.width() / w, rect.height() / h)
    painter.save()
    painter.translate(rect.left() + (rect.width() - w * factor) / 2, rect.top() + (rect.height() - h * factor) / 2)
    painter.scale(factor, factor)
    views = [widget, *widget.findChildren(pg.GraphicsView)] if isinstance(widget, pg.GraphicsView) \
        else widget.findChildren(pg.GraphicsView)
    with uncached_axes(view.scene() for view in views):
        widget.render(painter, QPoint(0, 0))
    painter.restore()


@contextlib.contextmanager
def thicker_pens(item: QGraphicsItem | None, scale: float) -> Iterator[None]:
    """Widen the cosmetic pens of curves, axes and lines by ``scale`` while a raster is painted.

    pyqtgraph's pens are cosmetic (their width is in device pixels, whatever the
    painter's scale), so a 2× PNG would otherwise have hairlines half as thick
    as on screen. Scatter points scale themselves (``resolutionScale``).
    """
    changed: list[tuple[object, str, QPen]] = []
    if item is not None and scale != 1.0:
        stack = [item]
        while stack:
            node = stack.pop()
            stack.extend(node.childItems())
            for holder, key in _pen_slots(node):
                pen = holder[key] if isinstance(holder, dict) else getattr(holder, key)
                if isinstance(pen, QPen) and pen.isCosmetic():
                    wider = QPen(pen)
                    wider.setWidthF(max(pen.widthF(), 1.0) * scale)
                    changed.append((holder, key, pen))
                    _set_pen(holder, key, wider)
            if isinstance(node, pg.AxisItem):
                node.picture = None  # its cached drawing has the old pens
    try:
        yield
    finally:
        for holder, key, pen in changed:
            _set_pen(holder, key, pen)
        if item is not None:
            for axis in (n for n in _walk(item) if isinstance(n, pg.AxisItem)):
                axis.picture = None
                axis.update()


def _walk(item: QGraphicsItem) -> Iterator[QGraphicsItem]:
    stack = [item]
    while stack:
        node = stack.pop()
        stack.extend(node.childItems())
        yield node


def _pen_slots(node) -> list[tuple[object, str]]:
    if isinstance(node, pg.PlotCurveItem):
        return [(node.opts, "pen")]
    if isinstance(node, pg.AxisItem):
        return [(node, "_pen")]
    if isinstance(node, pg.InfiniteLine):
        return [(node, "currentPen")]  # what it paints with (``pen`` or the hover pen)
    return []


def _set_pen(holder, key: str, pen: QPen) -> None:
    if isinstance(holder, dict):
        holder[key] = pen
    else:
        setattr(holder, key, pen)
