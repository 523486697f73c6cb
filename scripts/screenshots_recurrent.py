"""Screenshots of the recurrent tab (called by scripts/screenshots.py; `scripts/screenshots.py recurrent` takes only these).

``shots(app, window, shoot)`` sets the tab up as a user would: the shipped
SRN stepping through a string and the state machine it has built, a quick training run, and an LSTM on
a^n b^2n c^3n with its cell state and gates.
"""

from __future__ import annotations

import time


def _settle(app, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def _wait_for(app, condition, timeout: float = 300.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the recurrent tab's screenshot set-up did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def shots(app, window, shoot) -> None:
    from explorer.core.recurrent.weights import shipped_weights
    from explorer.qt.recurrent.tab import RecurrentTab

    tab = window.tab("recurrent")
    assert isinstance(tab, RecurrentTab)
    window.tabs.setCurrentWidget(tab)
    tab.show_string("AABBBBAAABBBBBBAAAABBBBBBBBA")
    tab.sequence_bar.set_position(12)
    _settle(app)
    shoot(window, "recurrent_srn_stepping")

    # The machine the SRN-2 has built: the diagram below, its states and moves over the views.
    _wait_for(app, lambda: not tab.machine.busy() and tab.machine.study is not None)
    tab.bottom.setCurrentWidget(tab.machine_panel)
    _settle(app)
    shoot(window, "recurrent_state_machine")
    tab.bottom.setCurrentWidget(tab.step_panel)

    tab.controls.train.seed.setValue(1)
    tab.start_training()
    _wait_for(app, lambda: tab.task is None)
    tab.sequence_bar.set_position(20)
    _settle(app)
    shoot(window, "recurrent_training")

    network = tab.controls.network
    network.language.setCurrentIndex(network.language.findData("anb2nc3n"))
    network.model.setCurrentIndex(network.model.findData("lstm"))
    network.hidden.setValue(3)  # swaps in the shipped LSTM-3, or an untrained one
    if shipped_weights("anb2nc3n", "lstm", 3) is None:
        tab.start_training()
        _wait_for(app, lambda: tab.task is None)
    tab.show_string("AAABBBBBBCCCCCCCCCAABBBBCCCCCCA")
    tab.views.which.setCurrentIndex(1)  # the cell state
    tab.sequence_bar.set_position(14)
    _settle(app)
    shoot(window, "recurrent_lstm_cell")
