"""The diagram of an extracted machine: states as circles, transitions as arrows, laid out as a ladder.

A pyqtgraph plot (no axes, locked aspect) so the shared figure export draws
it like any other plot. Each state is a circle coloured like its cluster in
the 2-D and 3-D overlays (:func:`state_colour`), sized by how many visited
points it holds, numbered inside and with its prediction under it; the start
has a double ring. Arrows carry ``symbol count`` beside their curve and are as
thick as their count. The drawing is fitted to the view (show, resize, new
machine) and the ladder stretched to the view's shape, circles kept round. Nodes can be
dragged (their arrows follow); hovering one emits :attr:`MachineDiagram.state_hovered`
and the tab highlights that cluster in the other views, and the reverse
(:meth:`MachineDiagram.set_hovered`). :meth:`MachineDiagram.set_current`
rings the machine's state at the current step, red where machine and net disagree.

A large machine (the LSTM-3's 43 states) would pile its texts into one smudge:
:meth:`MachineDiagram.thin_labels` writes a text only where it meets no text
already written (numbers first, then predictions, then arrows by count) and
the title says how many are hidden; the wheel zooms in and brings them back.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPolygonF
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem

from explorer.core.recurrent.moore import MooreMachine

#: Arrow colour per input symbol (also used by the overlays).
SYMBOL_COLOURS = {"A": (200, 40, 40), "B": (30, 90, 210), "C": (20, 150, 60)}
AGREE_RING = (220, 0, 220)
DISAGREE_RING = (230, 0, 0)
#: Spacing of the ladder in diagram units (the core's layout is in counts): the b-row's
#: states are half a count apart, so x doubles; rows sit far enough apart that the
#: prediction under a state and the arrows' labels between the rows do not meet.
X_SCALE = 2.0
Y_SCALE = 2.4
#: Text sizes in points; pyqtgraph text keeps its size on screen whatever the zoom.
NODE_FONT_PT = 9
EDGE_FONT_PT = 8
#: Room around the drawing when it is fitted to the view (a share of its size).
FIT_PADDING = 0.06
#: At most this much longer a ladder is drawn along x or y to match the view's shape.
MAX_STRETCH = 2.5


def state_colour(state: int, count: int) -> QColor:
    """The colour of machine state ``state`` of ``count`` states, the same in every view."""
    return pg.intColor(state, hues=max(count, 1), values=1, maxValue=230, sat=170)


def symbol_colour(symbol: str) -> QColor:
    return QColor(*SYMBOL_COLOURS.get(symbol, (90, 90, 90)))


class StateNode(QGraphicsEllipseItem):
    """One state: a draggable circle that tells the diagram when it moves or is hovered."""

    def __init__(self, diagram: MachineDiagram, state: int, radius: float, colour: QColor, text: str, start: bool):
        super().__init__()
        self.diagram = diagram
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        # The number inside the circle, the prediction just under it: two short texts
        # side by side rows of states never run into each other as "11: AB" did.
        self.label = pg.TextItem("", color=(0, 0, 0), anchor=(0.5, 0.5))
        self.label.setFont(_font(NODE_FONT_PT, bold=True))
        self.label.setParentItem(self)
        self.predicts = pg.TextItem("", color=(30, 30, 30), anchor=(0.5, 0.0))
        self.predicts.setFont(_font(NODE_FONT_PT))
        self.predicts.setParentItem(self)
        self.start_ring: QGraphicsEllipseItem | None = None
        self.configure(state, radius, colour, text, start)

    def configure(self, state: int, radius: float, colour: QColor, text: str, start: bool) -> None:
        """Show state ``state`` (a node is reused from machine to machine: items are costly to make)."""
        self.state, self.radius, self.start = state, radius, start
        self.setRect(-radius, -radius, 2 * radius, 2 * radius)
        self.setBrush(QBrush(colour))
        self.setPen(pg.mkPen((40, 40, 40), width=3 if start else 1.2))
        number, _, predicts = text.partition(": ")
        self.label.setText(number)
        self.predicts.setText(predicts)
        self.predicts.setPos(0, radius * 1.3 if start else radius)
        self.setToolTip(f"state {state}{' (start)' if start else ''}: predicts {text.split(': ')[-1]}")
        if start and self.start_ring is None:
            self.start_ring = QGraphicsEllipseItem(self)
            self.start_ring.setPen(pg.mkPen((40, 40, 40), width=1.2))
        if self.start_ring is not None:
            self.start_ring.setRect(-radius * 1.25, -radius * 1.25, 2.5 * radius, 2.5 * radius)
            self.start_ring.setVisible(start)

    def itemChange(self, change, value):  # noqa: N802 - Qt override
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.diagram.node_moved(self.state)
        return super().itemChange(change, value)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.diagram.hover(self.state)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.diagram.hover(None)
        super().hoverLeaveEvent(event)


class MachineDiagram(pg.PlotWidget):
    """The machine's diagram; items are rebuilt only when the machine changes (k, net, snapshot)."""

    #: A state is hovered (its number) or left (-1).
    state_hovered = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setMinimumSize(220, 160)
        self.setMenuEnabled(False)
        self.setAspectLocked(True)
        # The view is fitted to the machine (show, resize, new machine), not to every item:
        # pyqtgraph's auto range would also follow the labels and the highlight ring.
        self.getPlotItem().getViewBox().disableAutoRange()
        self.getPlotItem().invertY(True)  # the layout's rows grow downwards: a, then b, then c
        for side in ("left", "bottom"):
            self.getPlotItem().hideAxis(side)
        self.setTitle("state machine", size="10pt")
        self.setToolTip("The machine extracted from the net: drag states to tidy up; hover one to find its"
                        " cluster in the state views. Arrows: symbol read and how often the net made that move")
        self.machine: MooreMachine | None = None
        self.nodes: dict[int, StateNode] = {}
        self.edges: list[tuple[QGraphicsPathItem, pg.TextItem, int, int, str]] = []
        # Every node and arrow made so far, shown or not: a new machine reuses them (issue 20: making
        # and adding ~60 pyqtgraph items for each machine held the window for 100 ms and more).
        self._node_pool: list[StateNode] = []
        self._edge_pool: list[tuple[QGraphicsPathItem, pg.TextItem]] = []
        self.layout: dict[int, tuple[float, float]] = {}
        self.dragged = False
        self.current: int | None = None
        self.hovered: int | None = None
        self.ring = QGraphicsEllipseItem()
        self.ring.setZValue(20)
        self.ring.setVisible(False)
        self.addItem(self.ring)
        self.hidden_labels = 0
        # Texts are thinned again once the view has settled after a zoom, pan, resize or new machine.
        self._thin_timer = QTimer(self, singleShot=True, interval=0)
        self._thin_timer.timeout.connect(self.thin_labels)
        self.getPlotItem().getViewBox().sigRangeChanged.connect(lambda *_: self._thin_timer.start())

    # building ----------------------------------------------------------------
    def set_machine(self, machine: MooreMachine, layout: dict[int, tuple[float, float]]) -> None:
        """Draw ``machine`` at ``layout`` (``{state: (x, y)}``, the core's ladder).

        The items of the machine before are reused (and the ones left over hidden), not made again.
        """
        self.machine, self.nodes, self.edges = machine, {}, []
        visits = np.asarray(machine.visits or [1] * machine.size, float)
        biggest = max(float(visits.max()), 1.0) if len(visits) else 1.0
        for s in range(machine.size):
            radius = 0.2 + 0.16 * math.sqrt(visits[s] / biggest)
            text = f"{s}: {machine.labels[s] or '–'}"
            colour, start = state_colour(s, machine.size), s == machine.start
            if s < len(self._node_pool):
                node = self._node_pool[s]
                node.configure(s, radius, colour, text, start)
            else:
                node = StateNode(self, s, radius, colour, text, start)
                self.addItem(node)
                self._node_pool.append(node)
            node.setVisible(True)
            self.nodes[s] = node
        for node in self._node_pool[machine.size:]:
            node.setVisible(False)
        self.layout = {s: layout.get(s, (s * 0.5, 3.0)) for s in range(machine.size)}
        self.dragged = False
        self._place()
        counts = [t.count for t in machine.transitions.values()] or [1]
        top = max(counts)
        for i, t in enumerate(machine.transitions.values()):
            if i < len(self._edge_pool):
                path, label = self._edge_pool[i]
            else:
                path = QGraphicsPathItem()
                path.setZValue(5)
                label = pg.TextItem("", anchor=(0.5, 0.5), fill=(255, 255, 255, 200))  # readable over arrows
                label.setFont(_font(EDGE_FONT_PT))
                label.setZValue(6)
                self.addItem(path)
                self.addItem(label)
                self._edge_pool.append((path, label))
            path.setPen(pg.mkPen(symbol_colour(t.symbol), width=0.8 + 3.2 * t.count / top))
            label.setText(f"{t.symbol} {t.count}", color=symbol_colour(t.symbol))
            path.setVisible(True)
            label.setVisible(True)
            self.edges.append((path, label, t.source, t.target, t.symbol))
        for path, label in self._edge_pool[len(self.edges):]:
            path.setVisible(False)
            label.setVisible(False)
        self._draw_edges()
        self.set_current(self.current if self.current is not None and self.current < machine.size else None)
        self.fit()

    def drawing_rect(self) -> QRectF:
        """The machine's extent in diagram units: circles, start rings, self-loops and the predictions under them."""
        rect = QRectF()
        for node in getattr(self, "nodes", {}).values():  # resizeEvent comes before __init__ ends
            r, p = node.radius * 1.3, node.pos()
            # Self-loops rise about 0.9 above a node; the prediction hangs about 0.6 below it.
            rect = rect.united(QRectF(p.x() - r - 0.3, p.y() - r - 0.9, 2 * r + 0.6, 2 * r + 1.5))
        return rect

    def fit(self) -> None:
        """Fill the view with the machine, keeping its aspect, with a margin (show, resize, new machine)."""
        rect = self.drawing_rect()
        if rect.isValid() and self.plotItem is not None:
            self.getPlotItem().getViewBox().setRange(rect, padding=FIT_PADDING)
            self._thin_timer.start()

    def _text_rect(self, item) -> QRect:
        """Where a text is drawn, in the view's pixels (pyqtgraph's sceneBoundingRect of a text that
        ignores the zoom is far too large): its anchor point on screen and its text's size."""
        at = self.mapFromScene(item.mapToScene(QPointF(0, 0)))
        size = item.textItem.boundingRect()
        ax, ay = item.anchor.x(), item.anchor.y()
        return QRect(int(at.x() - ax * size.width()), int(at.y() - ay * size.height()),
                     int(size.width()), int(size.height()))

    def thin_labels(self) -> int:
        """Show each text only where it meets no text shown before it; returns how many are hidden.

        Order: the states' numbers, their predictions, then the arrows' labels, busiest first.
        """
        if self.plotItem is None or getattr(self, "closed", False):
            return 0
        texts = [node.label for node in self.nodes.values()] + [node.predicts for node in self.nodes.values()]
        counts = {id(label): int(label.textItem.toPlainText().split()[-1] or 0)
                  for _path, label, *_ in self.edges if label.textItem.toPlainText().split()[-1].isdigit()}
        texts += sorted((label for _path, label, *_ in self.edges), key=lambda lab: -counts.get(id(lab), 0))
        placed: list[QRect] = []
        hidden = 0
        for item in texts:
            rect = self._text_rect(item).adjusted(-1, -1, 1, 1)  # a pixel of air around each
            clear = not any(rect.intersects(other) for other in placed)
            item.setVisible(clear)
            if clear:
                placed.append(rect)
            else:
                hidden += 1
        if hidden != self.hidden_labels:
            self.hidden_labels = hidden
            note = f" · {hidden} labels hidden (wheel: zoom in)" if hidden else ""
            self.setTitle(f"state machine{note}", size="10pt")
        return hidden

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.plotItem is None:  # closing: pyqtgraph has let go of the plot already
            return
        if getattr(self, "nodes", None) and not self.dragged:
            self._place()
            self._draw_edges()
            self.set_current(self.current, self._agree)
        self.fit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.fit()

    def _place(self) -> None:
        """Put the nodes at the ladder's places, stretched along x or y to the view's shape.

        Circles stay round (the aspect is locked) but the ladder's rows and columns move
        apart until the drawing has about the view's proportions: a long two-row SRN
        ladder and a tall LSTM one both fill the view instead of a strip of it.
        """
        if not self.layout:
            return
        xy = np.array([self.layout[s] for s in sorted(self.layout)], float) * (X_SCALE, Y_SCALE)
        width, height = np.ptp(xy[:, 0]) + 2.0, np.ptp(xy[:, 1]) + 2.0  # + room for circles and labels
        view = self.getPlotItem().getViewBox().size()
        aspect = view.width() / view.height() if view.height() > 10 and view.width() > 10 else 2.3
        sx = min(max(aspect * height / width, 1.0), MAX_STRETCH)
        sy = min(max(width / (aspect * height), 1.0), MAX_STRETCH)
        self._placing = True
        try:
            for s, (x, y) in zip(sorted(self.layout), xy, strict=True):
                self.nodes[s].setPos(x * sx, y * sy)
        finally:
            self._placing = False

    def node_moved(self, _state: int) -> None:
        if getattr(self, "_placing", False):
            return  # laid out by _place: its caller draws the arrows once, not once per node
        self.dragged = True  # the user's arrangement is kept from now on (no re-stretch on resize)
        self._draw_edges()
        self.set_current(self.current, self._agree)

    def _draw_edges(self) -> None:
        for path, label, source, target, symbol in self.edges:
            a, b = self.nodes[source], self.nodes[target]
            shape, middle, side = _arrow(a.pos(), b.pos(), a.radius, b.radius, max("ABC".find(symbol), 0))
            path.setPath(shape)
            label.setPos(middle)
            # Anchored on the side the arrow bends to, the label sits beside its curve, not on
            # it, so the short b-row arrows keep their labels clear of the circles' row.
            label.setAnchor((0.5 - 0.5 * side[0], 0.5 - 0.5 * side[1]))

    # highlights ------------------------------------------------------------------
    _agree = True

    def set_current(self, state: int | None, agree: bool = True) -> None:
        """Ring the machine's current state; red when the machine and the net disagree at this step."""
        self.current, self._agree = state, agree
        node = self.nodes.get(state) if state is not None else None
        self.ring.setVisible(node is not None)
        if node is not None:
            r = node.radius * 1.5
            self.ring.setRect(QRectF(node.pos().x() - r, node.pos().y() - r, 2 * r, 2 * r))
            self.ring.setPen(pg.mkPen(AGREE_RING if agree else DISAGREE_RING, width=4))

    def hover(self, state: int | None) -> None:
        """The user hovers a node (or leaves it): highlight it here and tell the other views."""
        self.set_hovered(state)
        self.state_hovered.emit(-1 if state is None else state)

    def set_hovered(self, state: int | None) -> None:
        """Thicken the outline of ``state`` (None: no state); called from the other views too."""
        for s, node in self.nodes.items():
            start = self.machine is not None and s == self.machine.start
            width = 4 if s == state else (3 if start else 1.2)
            node.setPen(pg.mkPen((0, 0, 0) if s == state else (40, 40, 40), width=width))
        self.hovered = state


def _arrow(
    p: QPointF, q: QPointF, rp: float, rq: float, lane: int
) -> tuple[QPainterPath, QPointF, tuple[float, float]]:
    """An arrow from circle (p, rp) to circle (q, rq), bent per symbol lane; its label's place and side.

    The label sits on the curve itself, at a point along it that differs per lane
    (0.5, 0.65, 0.8 of the way; 0.3 back up the ladder), so moves by different symbols between the same two
    states, or into the same state, do not stack their labels.
    """
    path = QPainterPath()
    if (q - p).manhattanLength() < 1e-6:  # a self-loop above the node, one size per lane
        top = QPointF(p.x(), p.y() - rp)
        rise = 0.6 + 0.25 * lane
        c1, c2 = top + QPointF(-0.5, -rise), top + QPointF(0.5, -rise)
        path.moveTo(top + QPointF(-0.08, 0))
        path.cubicTo(c1, c2, top + QPointF(0.08, 0))
        _head(path, top + QPointF(0.08, 0), math.atan2(top.y() - c2.y(), top.x() - c2.x()))
        return path, top + QPointF(0, -0.75 * rise), (0.0, -1.0)
    d = q - p
    length = math.hypot(d.x(), d.y())
    ux, uy = d.x() / length, d.y() / length
    bend = 0.3 + 0.25 * lane  # moves both ways between two states do not overlap
    mid = QPointF((p.x() + q.x()) / 2 - uy * bend, (p.y() + q.y()) / 2 + ux * bend)
    start = QPointF(p.x() + ux * rp, p.y() + uy * rp)
    end = QPointF(q.x() - ux * rq, q.y() - uy * rq)
    path.moveTo(start)
    path.quadTo(mid, end)
    _head(path, end, math.atan2(end.y() - mid.y(), end.x() - mid.x()))
    # Down or across the ladder the label moves toward the target; an arrow back up (the end
    # of a string returning to the start) keeps it near its source, clear of the a-row's labels.
    t = 0.5 + (0.15 if uy > -0.3 else -0.2) * lane
    along = QPointF(  # the quadratic Bézier at t
        (1 - t) ** 2 * start.x() + 2 * (1 - t) * t * mid.x() + t**2 * end.x(),
        (1 - t) ** 2 * start.y() + 2 * (1 - t) * t * mid.y() + t**2 * end.y(),
    )
    return path, along, (-uy, ux)  # the side the curve bends to (y grows downwards)


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _head(path: QPainterPath, tip: QPointF, angle: float, size: float = 0.18) -> None:
    left = QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4))
    right = QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4))
    head = QPainterPath()
    head.addPolygon(QPolygonF([tip, left, right, tip]))
    path.addPath(head)
    path.moveTo(tip)
