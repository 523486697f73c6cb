"""Writes to a store of the user's work run off the window's thread, in order, and none is lost (the recurrent
tab's work store; the Kuzushiji tab's kept drawings are tested in tests/qt/kuzushiji/test_own_drawings_panel.py)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from explorer.core.errors import UserError
from explorer.core.recurrent.work import save_choice
from explorer.core.work_store import WorkStore
from explorer.qt.store_writer import StoreWriter


def test_writes_keep_their_order_and_wait_returns_when_all_are_written(qtbot, tmp_path):
    owner = QObject()
    writer = StoreWriter(owner)
    store = WorkStore("recurrent", tmp_path)
    gate = threading.Event()
    writer.write("a gate", gate.wait, 30)  # the first write is slow: the others queue behind it
    for L in (5, 6, 7):
        writer.write("the net choice", save_choice, store, "anb2n", "srn", 2, L)
    assert writer.busy() and store.load() == {}  # nothing written yet: the window did not wait
    gate.set()
    assert writer.wait(30)
    assert not writer.busy()
    assert store.load()["choice"]["L"] == 7  # the last asked for is the one kept


def test_a_failed_write_is_said_and_the_next_still_written(qtbot, tmp_path):
    owner = QObject()
    writer = StoreWriter(owner)
    store = WorkStore("recurrent", tmp_path)

    def full_disk():
        raise UserError("no space left on the device")

    with qtbot.waitSignal(writer.failed, timeout=10_000) as failure:
        writer.write("the trained net", full_disk)
        writer.write("the net choice", save_choice, store, "anb2n", "srn", 2, 4)
    assert failure.args == ["the trained net", "no space left on the device"]
    assert writer.wait(30) and store.load()["choice"]["L"] == 4


def test_the_tab_says_when_its_work_cannot_be_kept(qtbot, tmp_path):
    """A second window on the same data folder keeps nothing: the status bar says so."""
    from explorer.core.recurrent.weights import shipped_state
    from explorer.qt.recurrent.tab import RecurrentTab

    tab = RecurrentTab()
    qtbot.addWidget(tab)
    tab.work = WorkStore("recurrent", tmp_path, read_only="another window keeps this folder")
    with qtbot.waitSignal(tab.status_message, timeout=10_000,
                          check_params_cb=lambda text: text.startswith("Could not keep the net choice")):
        tab.change("GRU-2", shipped_state("anb2n", "gru", 2, 4))
    # (superqt queues a task's start on a timer: closing before it reaches the pool waits for it.)
    qtbot.waitUntil(lambda: not tab.machine.busy() and not tab.counting.busy(), timeout=60_000)
    assert tab.shutdown()
