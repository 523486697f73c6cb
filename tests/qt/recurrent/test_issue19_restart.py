"""What a user made in the recurrent tab comes back after a restart (issue 19 item 10).

Each test builds the tab, makes the thing as a user does (trains, picks a view),
shuts the tab down, builds it again on the same data folder and looks.
The kept runs' files, read with no tab at all, are tested in tests/core/recurrent/test_kept_runs.py.
"""

from __future__ import annotations

import torch

from explorer.qt.recurrent.tab import RecurrentTab
from tests.qt.recurrent.driver import RecurrentUser
from tests.qt.recurrent.helpers import wait_machine


def _build(qtbot) -> RecurrentTab:
    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    return tab


def test_a_trained_nets_curves_timeline_and_view_choice_come_back(qtbot):
    tab = _build(qtbot)
    user = RecurrentUser(tab)
    user.choose_model("lstm")  # LSTM-2 on a^n b^2n, as a user picks it
    wait_machine(qtbot, tab)
    user.set_sequences(400)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=180_000)
    wait_machine(qtbot, tab)
    tab.views.which.setCurrentIndex(tab.views.which.findData("cell"))  # the user looks at the cell state
    tab.bottom.setCurrentWidget(tab.machine_panel)
    loss = tab.controls.curves.loss_data()
    accuracy = tab.controls.curves.accuracy_points
    snapshots = tab.timelines[tab.state.model]
    assert len(loss[0]) > 1 and len(snapshots) > 1
    weights = {k: v.clone() for k, v in snapshots[0].state_dict.items()}
    assert tab.shutdown()
    tab.close()

    again = _build(qtbot)
    try:
        assert (again.state.kind, again.state.hidden) == ("lstm", 2)
        assert again.views.state_kind == "cell"  # was back to "hidden state h"
        assert again.bottom.currentWidget() is again.machine_panel
        assert again.controls.curves.loss_data() == (list(map(float, loss[0])), list(map(float, loss[1])))
        assert list(again.controls.curves.accuracy_points[1]) == list(map(float, accuracy[1]))
        assert not again.controls.curves.shows_empty_text() and again.controls.curves.note() == ""
        kept = again.timelines[again.state.model]
        assert [s.sequences for s in kept] == [s.sequences for s in snapshots]
        for key, value in weights.items():
            torch.testing.assert_close(kept[0].state_dict[key], value)
        assert again.timeline.isVisible() or not again.isVisible()
        again.timeline.choose(0)  # the first snapshot is shown as it was
        assert again.current_model() is not again.state.model
    finally:
        assert again.shutdown()
