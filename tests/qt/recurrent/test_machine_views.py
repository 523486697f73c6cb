"""The state-machine views of the recurrent tab: diagram, 2-D overlays, k slider, lockstep, timeline, baseline."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.recurrent.fsm_lockstep import follow_string
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.snapshots import Snapshot
from explorer.core.recurrent.state_machine import extract_state_machine
from tests.qt.recurrent.driver import RecurrentUser, machine_found
from tests.qt.recurrent.helpers import wait_machine


@pytest.fixture
def tab(machine_tab):
    machine_tab.bottom.setCurrentWidget(machine_tab.machine_panel)  # the user looks at the machine
    return machine_tab


def test_diagram_and_overlays_show_the_extracted_machine(tab):
    study = tab.machine.study
    found = study.found
    assert found.k == study.auto_k and found.machine.size == 12  # the SRN-2 counts up to n = 4
    diagram = tab.machine_panel.diagram
    assert len(diagram.nodes) == found.machine.size
    assert len(diagram.edges) == len(found.machine.transitions)
    assert "automatic k" in tab.machine_panel.summary.text() and "0.3" in tab.machine_panel.summary.text()
    (overlay,) = tab.machine.pair_overlays
    assert len(overlay.centres.data) == found.machine.size
    assert len(overlay.regions) == found.machine.size
    assert len(overlay.arrows) == sum(t.source != t.target for t in found.machine.transitions.values())
    # Centroids sit at each state's mean visited state, in the view's coordinates.
    np.testing.assert_allclose(overlay.xy, found.state_centroids[:, [0, 1]])
    # The toggles hide and show.
    tab.machine_panel.boxes["regions"].setChecked(False)
    assert not any(r.isVisible() for r in overlay.regions)
    tab.machine_panel.boxes["transitions"].setChecked(False)
    assert not any(head.isVisible() for _, head, *_ in overlay.arrows)
    tab.machine_panel.boxes["regions"].setChecked(True)
    assert all(r.isVisible() for r in overlay.regions)


def test_the_current_state_moves_with_the_stepper_in_lockstep(tab):
    expected = follow_string(machine_found(tab), tab.state.model, tab.sequence.text)
    diagram, (overlay,) = tab.machine_panel.diagram, tab.machine.pair_overlays
    seen = set()
    for position in range(6):
        tab.sequence_bar.set_position(position)
        state = expected.machine_states[position]
        assert diagram.current == state
        ring = diagram.ring.rect().center()
        node = diagram.nodes[state].pos()
        assert abs(ring.x() - node.x()) < 1e-6 and abs(ring.y() - node.y()) < 1e-6
        np.testing.assert_allclose(overlay.ring.data["x"], [overlay.xy[state, 0]])
        seen.add(state)
    assert len(seen) > 2  # it really moved


def test_disagreements_are_marked_red(tab):
    user = RecurrentUser(tab)
    user.set_k(3)  # a machine too small to agree with the net
    assert machine_found(tab).k == 3
    bad = tab.machine.disagreements()
    assert bad, "a 3-cluster machine should part ways with the net somewhere on the string"
    assert tab.sequence_bar.strip.marks == set(bad)  # underlined in the string
    tab.sequence_bar.set_position(bad[0])
    (overlay,) = tab.machine.pair_overlays
    assert len(overlay.cross.data) == 1
    assert user.ring_colour().red() == 230


def test_overlays_follow_k(tab):
    (overlay,) = tab.machine.pair_overlays
    before = len(overlay.regions)
    user = RecurrentUser(tab)
    user.set_k(4)
    found = machine_found(tab)
    assert found.k == 4 and found.machine.size < before
    assert len(overlay.regions) == found.machine.size == len(tab.machine_panel.diagram.nodes)
    assert user.k_marks() == (4, tab.model.study.auto_k)


def test_hovering_a_state_highlights_it_everywhere(tab):
    diagram, (overlay,) = tab.machine_panel.diagram, tab.machine.pair_overlays
    diagram.hover(2)
    assert diagram.hovered == 2
    assert overlay.regions[2].pen().widthF() > overlay.regions[1].pen().widthF()
    overlay.state_hovered.emit(5)  # and the reverse: hovering a centroid in the pair view
    assert diagram.hovered == 5
    assert diagram.nodes[5].pen().widthF() == 4


def test_states_needed_chart_beside_the_language(tab):
    rows = tab.needed_chart.rows
    assert [r["max_n"] for r in rows] == [1, 2, 3, 4]
    assert [r["language_states"] for r in rows] == [3, 6, 9, 12]
    x, y = tab.needed_chart.untrained.getData()
    assert len(x) == 4
    assert tab.needed_chart.parts.isVisible() == (machine_found(tab).agreement.parts_ways is not None)


def test_chance_baseline_on_readout_and_length_chart(tab):
    assert "chance: 80 %" in RecurrentUser(tab).accuracy()
    assert tab.generalisation.chance_n[10] == pytest.approx(95.0)
    assert tab.generalisation.chance.isVisible()
    assert "counter" in tab.views.legend.toolTip() and "A's" in tab.views.legend.toolTip()  # what "state" colours mean


def test_timeline_restores_an_earlier_snapshots_machine(qtbot, tab):
    early = make_model("srn", 2, 2)  # an untrained net stands for the start of training
    late = tab.state.model
    early_sd = {k: v.clone() for k, v in early.state_dict().items()}
    tab.timelines[late] = [Snapshot(0, early_sd), Snapshot(5000, late.state_dict())]
    tab._set_state(tab.state)
    assert tab.timeline.isVisibleTo(tab)
    wait_machine(qtbot, tab)
    tab.timeline.choose(0)
    wait_machine(qtbot, tab)
    expected = extract_state_machine(early, tab.state.language, tab.state.L)
    assert machine_found(tab).machine.size == expected.machine.size
    assert machine_found(tab).machine.labels == expected.machine.labels
    assert "0 sequences" in tab.timeline.where.text()
    tab.timeline.go_latest()
    wait_machine(qtbot, tab)
    assert machine_found(tab).machine.size == 12


def test_shipped_button_disabled_without_a_shipped_net(tab):
    from explorer.core.recurrent.weights import shipped_weights, untrained_state

    missing = next((h for h in range(2, 9) if shipped_weights("anb2n", "lstm", h) is None), None)
    if missing is None:
        pytest.skip("every size is shipped")
    tab._set_state(untrained_state("anb2n", "lstm", missing, 4))
    user = RecurrentUser(tab)
    assert not user.can_load_shipped()
    assert "train one" in user.shipped_tooltip()


def test_dragging_a_state_drags_its_arrows(tab):
    diagram = tab.machine_panel.diagram
    path, _label, source, target, _symbol = next(e for e in diagram.edges if e[2] != e[3])
    before = path.path().boundingRect()
    node = diagram.nodes[target]
    node.setPos(node.pos().x() + 3.0, node.pos().y() + 2.0)  # what a mouse drag does to a movable item
    after = path.path().boundingRect()
    assert after.right() > before.right() + 1.0


def test_live_training_views_show_no_stale_machine(qtbot, tab):
    tab.refresh_net(tab.state.model, refit=False, extract=False)  # what a live refresh during training does
    (overlay,) = tab.machine.pair_overlays
    assert len(overlay.regions) == 0 and not tab.machine_panel.diagram.nodes
    assert "Training" in tab.machine_panel.summary.text()
    tab.refresh_net(tab.state.model)  # training over: extracted again
    wait_machine(qtbot, tab)
    assert len(overlay.regions) == machine_found(tab).machine.size


def test_a_real_training_run_gives_a_timeline_to_scrub(qtbot, tab):

    user = RecurrentUser(tab, qtbot)
    user.set_sequences(320)
    user.train()
    with qtbot.waitSignal(tab.task.finished, timeout=120_000):
        pass
    wait_machine(qtbot, tab)
    snapshots = tab.timeline.snapshots
    assert len(snapshots) > 2 and snapshots[0].sequences == 0 and tab.timeline.isVisibleTo(tab)
    assert tab.timeline.at_latest()
    tab.timeline.choose(0)
    wait_machine(qtbot, tab)
    first = make_model("srn", 2, 2)
    first.load_state_dict(snapshots[0].state_dict)
    expected = extract_state_machine(first, tab.state.language, tab.state.L)
    assert machine_found(tab).machine.labels == expected.machine.labels
    assert "snapshot" in tab.figures()["anb2n_srn2_fsm"].note  # exported figures say which moment they show


def test_overlays_after_a_smaller_machine_show_only_its_items(tab):
    """The overlay's items are reused (issue 20): after k = 4 then the automatic k again, exactly the
    machine's regions, numbers and arrows are on the pair view, nothing of the machine before."""
    (overlay,) = tab.machine.pair_overlays
    auto = machine_found(tab).machine.size
    user = RecurrentUser(tab)
    for k in (4, tab.model.study.auto_k):
        user.set_k(k)
        found = machine_found(tab)
        moves = sum(t.source != t.target for t in found.machine.transitions.values())
        view_items = tab.views.pairs.views[0].getViewBox().addedItems
        regions = [i for i in view_items if i in overlay._region_pool and i.isVisible()]
        labels = [i for i in view_items if i in overlay._label_pool and i.isVisible()]
        heads = [head for _line, head in overlay._arrow_pool if head.isVisible()]
        assert len(regions) == found.machine.size and len(heads) == moves
        assert sorted(int(label.textItem.toPlainText()) for label in labels) == \
            [s for s in range(found.machine.size) if s not in overlay.crowded]
    assert len(overlay._region_pool) == auto  # the larger machine's items served the smaller one


def test_a_machine_page_not_shown_during_training_shows_the_trained_nets_machine_when_opened(qtbot, machine_tab):
    """The diagram is drawn when its page is opened (issue 20): the page not shown while a net trains
    and its machine is extracted, then opened, shows that net's machine, not the shipped net's."""
    tab = machine_tab
    tab.bottom.setCurrentWidget(tab.step_panel)
    shipped = machine_found(tab).machine
    user = RecurrentUser(tab, qtbot)
    user.set_sequences(320)
    user.train()
    with qtbot.waitSignal(tab.task.finished, timeout=120_000):
        pass
    wait_machine(qtbot, tab)
    found = machine_found(tab)
    assert found.machine is not shipped and "trained" in user.description()
    tab.bottom.setCurrentWidget(tab.machine_panel)
    diagram = tab.machine_panel.diagram
    assert len(diagram.nodes) == found.machine.size
    assert [n.predicts.textItem.toPlainText() for _, n in sorted(diagram.nodes.items())] == \
        [label or "–" for label in found.machine.labels]
    assert sorted(label.textItem.toPlainText() for _path, label, *_ in diagram.edges) == \
        sorted(f"{t.symbol} {t.count}" for t in found.machine.transitions.values())
    assert sum(n.isVisible() for n in diagram._node_pool) == found.machine.size
    assert f"{found.machine.size} states" in tab.machine_panel.summary.text()
