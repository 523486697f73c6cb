"""Helpers for the recurrent tab's tests."""

from __future__ import annotations


def wait_machine(qtbot, tab) -> None:
    """Until the tab's background extraction has shown a machine."""
    qtbot.waitUntil(lambda: not tab.machine.busy() and tab.machine.study is not None, timeout=60_000)


def shipped_lstm_tab(qtbot):
    """A recurrent tab at 1280×800 showing the shipped LSTM-2 on a^n b^2n (hidden states), its machine extracted.

    The caller shuts it down (``assert tab.shutdown()``).
    """
    from explorer.qt.recurrent.tab import RecurrentTab

    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    net = tab.controls.network
    net.model.setCurrentIndex(net.model.findData("lstm"))
    net.model.activated.emit(net.model.currentIndex())  # as a user's choice in the combo box
    wait_machine(qtbot, tab)
    return tab
