"""The diagram of an extracted machine: states as circles, transitions as arrows, laid out as a ladder.

A pyqtgraph plot (no axes, locked aspect) so the shared figure export draws
it like any other plot. Each state is a circle coloured like its cluster in
the 2-D and 3-D overlays (:func:`state_colour`), sized by how many visited
points it holds and labelled ``id: prediction``; the start has a double ring.
Arrows carry ``symbol count`` and are as thick as their count. Nodes can be
dragged (their arrows follow); hovering one emits :attr:`MachineDiagram.state_hovered`
and the tab highlights that cluster in the other views, and the reverse
(:meth:`MachineDiagram.set_hovered`). :meth:`MachineDiagram.set_current`
rings the machine's state at the current step, red where machine and net disagree.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPolygonF
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem

from explorer.core.recurrent.moore import MooreMachine

#: Arrow colour per input symbol (also used by the overlays).
SYMBOL_COLOURS = {"A": (200, 40, 40), "B": (30, 90, 210), "C": (20, 150, 60)}
AGREE_RING = (220, 0, 220)
DISAGREE_RING = (230, 0, 0)
#: Horizontal spacing of the ladder in diagram units (the core's layout is in counts).
X_SCALE = 2.0
Y_SCALE = 1.6


def state_colour(state: int, count: int) -> QColor:
    """The colour of machine state ``state`` of ``count`` states, the same in every view."""
    return pg.intColor(state, hues=max(count, 1), values=1, maxValue=230, sat=170)


def symbol_colour(symbol: str) -> QColor:
    return QColor(*SYMBOL_COLOURS.get(symbol, (90, 90, 90)))


class StateNode(QGraphicsEllipseItem):
    """One state: a draggable circle that tells the diagram when it moves or is hovered."""

    def __init__(self, diagram: MachineDiagram, state: int, radius: float, colour: QColor, text: str, start: bool):
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.diagram, self.state, self.radius = diagram, state, radius
        self.setBrush(QBrush(colour))
        self.setPen(pg.mkPen((40, 40, 40), width=3 if start else 1.2))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self.label = pg.TextItem(text, color=(0, 0, 0), anchor=(0.5, 0.5))
        self.label.setParentItem(self)
        self.setToolTip(f"state {state}{' (start)' if start else ''}: predicts {text.split(': ')[-1]}")
        if start:
            ring = QGraphicsEllipseItem(-radius * 1.25, -radius * 1.25, 2.5 * radius, 2.5 * radius, self)
            ring.setPen(pg.mkPen((40, 40, 40), width=1.2))

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
        self.getPlotItem().invertY(True)  # the layout's rows grow downwards: a, then b, then c
        for side in ("left", "bottom"):
            self.getPlotItem().hideAxis(side)
        self.setTitle("state machine", size="10pt")
        self.setToolTip("The machine extracted from the net: drag states to tidy up; hover one to find its"
                        " cluster in the state views. Arrows: symbol read and how often the net made that move")
        self.machine: MooreMachine | None = None
        self.nodes: dict[int, StateNode] = {}
        self.edges: list[tuple[QGraphicsPathItem, pg.TextItem, int, int, str]] = []
        self.current: int | None = None
        self.hovered: int | None = None
        self.ring = QGraphicsEllipseItem()
        self.ring.setZValue(20)
        self.ring.setVisible(False)
        self.addItem(self.ring)

    # building ----------------------------------------------------------------
    def set_machine(self, machine: MooreMachine, layout: dict[int, tuple[float, float]]) -> None:
        """Draw ``machine`` at ``layout`` (``{state: (x, y)}``, the core's ladder)."""
        for node in self.nodes.values():
            self.removeItem(node)
        for path, label, *_ in self.edges:
            self.removeItem(path)
            self.removeItem(label)
        self.machine, self.nodes, self.edges = machine, {}, []
        visits = np.asarray(machine.visits or [1] * machine.size, float)
        biggest = max(float(visits.max()), 1.0) if len(visits) else 1.0
        for s in range(machine.size):
            x, y = layout.get(s, (s * 0.5, 3.0))
            radius = 0.1 + 0.14 * math.sqrt(visits[s] / biggest)
            text = f"{s}: {machine.labels[s] or '–'}"
            node = StateNode(self, s, radius, state_colour(s, machine.size), text, s == machine.start)
            node.setPos(x * X_SCALE, y * Y_SCALE)
            self.addItem(node)
            self.nodes[s] = node
        counts = [t.count for t in machine.transitions.values()] or [1]
        top = max(counts)
        for t in machine.transitions.values():
            path = QGraphicsPathItem()
            path.setPen(pg.mkPen(symbol_colour(t.symbol), width=0.8 + 3.2 * t.count / top))
            path.setZValue(5)
            label = pg.TextItem(f"{t.symbol} {t.count}", color=symbol_colour(t.symbol), anchor=(0.5, 0.5))
            label.setZValue(6)
            self.addItem(path)
            self.addItem(label)
            self.edges.append((path, label, t.source, t.target, t.symbol))
        self._draw_edges()
        self.set_current(self.current if self.current is not None and self.current < machine.size else None)
        self.autoRange(padding=0.1)

    def node_moved(self, _state: int) -> None:
        self._draw_edges()
        self.set_current(self.current, self._agree)

    def _draw_edges(self) -> None:
        for path, label, source, target, symbol in self.edges:
            a, b = self.nodes[source], self.nodes[target]
            shape, middle = _arrow(a.pos(), b.pos(), a.radius, b.radius, "ABC".find(symbol))
            path.setPath(shape)
            label.setPos(middle)

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


def _arrow(p: QPointF, q: QPointF, rp: float, rq: float, lane: int) -> tuple[QPainterPath, QPointF]:
    """An arrow from circle (p, rp) to circle (q, rq), bent a little per symbol lane; and its label's place."""
    path = QPainterPath()
    if (q - p).manhattanLength() < 1e-6:  # a self-loop above the node
        top = QPointF(p.x(), p.y() - rp)
        c1, c2 = top + QPointF(-0.45, -0.55 - 0.15 * lane), top + QPointF(0.45, -0.55 - 0.15 * lane)
        path.moveTo(top + QPointF(-0.05, 0))
        path.cubicTo(c1, c2, top + QPointF(0.05, 0))
        _head(path, top + QPointF(0.05, 0), math.atan2(top.y() - c2.y(), top.x() - c2.x()))
        return path, top + QPointF(0, -0.5 - 0.15 * lane)
    d = q - p
    length = math.hypot(d.x(), d.y())
    ux, uy = d.x() / length, d.y() / length
    bend = 0.18 + 0.12 * lane  # moves both ways between two states do not overlap
    mid = QPointF((p.x() + q.x()) / 2 - uy * bend, (p.y() + q.y()) / 2 + ux * bend)
    start = QPointF(p.x() + ux * rp, p.y() + uy * rp)
    end = QPointF(q.x() - ux * rq, q.y() - uy * rq)
    path.moveTo(start)
    path.quadTo(mid, end)
    _head(path, end, math.atan2(end.y() - mid.y(), end.x() - mid.x()))
    return path, mid


def _head(path: QPainterPath, tip: QPointF, angle: float, size: float = 0.12) -> None:
    left = QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4))
    right = QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4))
    head = QPainterPath()
    head.addPolygon(QPolygonF([tip, left, right, tip]))
    path.addPath(head)
    path.moveTo(tip)
