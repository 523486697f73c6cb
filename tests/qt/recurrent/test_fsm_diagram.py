"""The state-machine diagram fills its view and its state labels never run into each other."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from explorer.core.recurrent.fsm_layout import machine_layout
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.weights import shipped_state
from explorer.qt.recurrent.fsm_diagram import NODE_FONT_PT, MachineDiagram


@pytest.fixture(scope="module")
def srn_machine():
    s = shipped_state("anb2n", "srn", 2, 4)
    return extract_state_machine(s.model, s.language, 4)


def _in_view(diagram: MachineDiagram, item) -> QRect:
    return diagram.mapFromScene(item.sceneBoundingRect()).boundingRect()


def _drawn(qtbot, found, width: int, height: int) -> MachineDiagram:
    diagram = MachineDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(width, height)
    diagram.show()
    qtbot.waitExposed(diagram)
    diagram.set_machine(found.machine, machine_layout(found))
    qtbot.wait(20)
    return diagram


@pytest.mark.parametrize(("width", "height"), [(500, 220), (800, 300)])
def test_shipped_srn_machine_fills_the_view_with_labels_apart(qtbot, srn_machine, width, height):
    diagram = _drawn(qtbot, srn_machine, width, height)
    assert len(diagram.nodes) == 12
    viewport = diagram.viewport().rect()
    drawing = QRect()
    for node in diagram.nodes.values():
        drawing = drawing.united(_in_view(diagram, node))
    assert drawing.width() >= 0.6 * viewport.width()
    assert viewport.contains(drawing)  # nothing cut off at the edges
    # A state's label is its number and the prediction under it; no two states' labels meet.
    # Where each text is drawn (pyqtgraph's sceneBoundingRect of a zoom-ignoring text can be far too large).
    labels = {s: diagram._text_rect(n.label).united(diagram._text_rect(n.predicts)) for s, n in diagram.nodes.items()}
    clashes = [(s, t) for s in labels for t in labels if s < t and labels[s].intersects(labels[t])]
    assert clashes == []
    assert all(viewport.contains(rect) for rect in labels.values())
    fonts = [item.textItem.font().pointSize() for n in diagram.nodes.values() for item in (n.label, n.predicts)]
    assert min(fonts) >= NODE_FONT_PT >= 9


def test_a_resized_view_refits_and_a_dragged_node_stays_put(qtbot, srn_machine):
    diagram = _drawn(qtbot, srn_machine, 300, 200)
    diagram.resize(700, 260)
    qtbot.wait(20)
    drawing = QRect()
    for node in diagram.nodes.values():
        drawing = drawing.united(_in_view(diagram, node))
    assert drawing.width() >= 0.6 * diagram.viewport().width()
    node = diagram.nodes[3]
    node.setPos(node.pos().x() + 1.0, node.pos().y())
    moved = node.pos()
    diagram.resize(600, 260)
    qtbot.wait(20)
    assert diagram.nodes[3].pos() == moved  # the user's arrangement survives a resize


def test_a_large_machine_writes_no_text_over_another_and_says_how_many_are_hidden(qtbot):
    """The shipped LSTM-3 on a^n b^2n c^3n: dozens of states in a 500×220 view (issue 19: unreadable)."""
    s = shipped_state("anb2nc3n", "lstm", 3, 4)
    found = extract_state_machine(s.model, s.language, 4)
    diagram = _drawn(qtbot, found, 500, 220)
    hidden = diagram.thin_labels()
    texts = [n.label for n in diagram.nodes.values()] + [n.predicts for n in diagram.nodes.values()]
    texts += [label for _path, label, *_ in diagram.edges]
    shown = [diagram._text_rect(t) for t in texts if t.isVisible()]
    assert shown and not any(a.intersects(b) for i, a in enumerate(shown) for b in shown[i + 1:])
    assert hidden > 0 and f"{hidden} labels hidden" in diagram.getPlotItem().titleLabel.text
    diagram.getPlotItem().getViewBox().scaleBy((0.3, 0.3))  # the wheel: zoom in
    qtbot.wait(20)
    assert diagram.thin_labels() < hidden
    for t in texts:  # the item the test measures is where the text is drawn
        if t.isVisible():
            rect = diagram._text_rect(t)
            assert rect.width() < 120 and rect.height() < 40


def _shown_items(diagram: MachineDiagram) -> tuple[list[str], list[str]]:
    """The numbers of the states drawn, and the texts of the arrows drawn (hidden items left out)."""
    numbers = sorted((n.label.textItem.toPlainText() for n in diagram._node_pool if n.isVisible()), key=int)
    arrows = sorted(label.textItem.toPlainText() for path, label in diagram._edge_pool if path.isVisible())
    return numbers, arrows


def test_a_machine_after_another_shows_its_own_states_and_arrows_only(qtbot, srn_machine):
    """Items are reused from machine to machine (issue 20): a smaller machine after a larger one,
    then the larger again, each drawn with exactly its own states, predictions and arrows."""
    s = shipped_state("anb2nc3n", "lstm", 3, 4)
    large = extract_state_machine(s.model, s.language, 4)
    diagram = _drawn(qtbot, large, 600, 260)
    for found in (srn_machine, large, srn_machine):
        machine = found.machine
        diagram.set_machine(machine, machine_layout(found))
        qtbot.wait(10)
        numbers, arrows = _shown_items(diagram)
        assert numbers == [str(s) for s in range(machine.size)] and len(diagram.nodes) == machine.size
        assert arrows == sorted(f"{t.symbol} {t.count}" for t in machine.transitions.values())
        for state, node in diagram.nodes.items():
            assert node.predicts.textItem.toPlainText() == (machine.labels[state] or "–")
            assert (node.start_ring is not None and node.start_ring.isVisible()) == (state == machine.start)
            assert "(start)" in node.toolTip() if state == machine.start else "(start)" not in node.toolTip()
        assert diagram.drawing_rect().isValid()
    assert len(diagram._node_pool) == large.machine.size  # no item made twice
