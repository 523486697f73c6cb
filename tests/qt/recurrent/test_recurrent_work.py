"""The recurrent tab keeps every net trained in it: across language switches and restarts."""

from __future__ import annotations

import torch
from PySide6.QtWidgets import QMessageBox

from explorer.qt.main_window import MainWindow
from explorer.qt.recurrent.tab import RecurrentTab
from tests.qt.recurrent.driver import RecurrentUser


def open_window(qtbot) -> tuple[MainWindow, RecurrentTab]:
    window = MainWindow(tabs=[RecurrentTab()])
    qtbot.addWidget(window)
    window.show()
    return window, window.current_tab()


def same_weights(a, b) -> bool:
    return all(torch.equal(v, b.state_dict()[k]) for k, v in a.state_dict().items())


def test_a_trained_net_survives_a_language_switch_and_a_restart(qtbot):
    window, tab = open_window(qtbot)
    user = RecurrentUser(tab, qtbot)
    user.set_sequences(320)
    user.train()
    with qtbot.waitSignal(tab.task.finished, timeout=60_000):
        pass
    trained = tab.state.model
    assert "trained" in user.description()

    user.choose_language("anb2nc3n")
    assert tab.state.language.name == "anb2nc3n" and "pretrained" in user.description()
    user.choose_language("anb2n")
    assert tab.state.model is trained and "trained" in user.description()

    user.choose_language("anb2nc3n")  # the language on display is kept too
    window.close()
    window, tab = open_window(qtbot)
    user = RecurrentUser(tab, qtbot)
    assert tab.state.language.name == "anb2nc3n"
    user.choose_language("anb2n")
    assert same_weights(tab.state.model, trained)
    assert "trained" in user.description()
    window.close()


def test_a_damaged_kept_net_is_set_aside_and_the_tab_starts(qtbot, user_data_dir):
    window, tab = open_window(qtbot)
    user = RecurrentUser(tab, qtbot)
    user.set_sequences(320)
    user.train()
    with qtbot.waitSignal(tab.task.finished, timeout=60_000):
        pass
    window.close()
    weights = user_data_dir / "work" / "recurrent" / "anb2n_srn2.pt"
    weights.write_bytes(weights.read_bytes()[:100])  # cut short, as by a full disk in another program

    window, tab = open_window(qtbot)
    user = RecurrentUser(tab, qtbot)
    assert "pretrained" in user.description()
    assert (weights.parent / "anb2n_srn2.pt.damaged").is_file()
    qtbot.waitUntil(lambda: any(b.objectName() == "errorBox" for b in window.findChildren(QMessageBox)))
    window.close()
