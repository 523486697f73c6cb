"""Two windows on one data folder (issue 17, item 8): the second says so, opens read-only and keeps nothing.

Window A is a real second process holding the data folder's lock, with its
edit already in the work store; window B is the real main window in this
process. The audit's loss: A edits and closes, B edits and closes, A's edit
is gone. Now B writes nothing, and A's edit is there for the next window.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QMessageBox

from explorer.core.instance_lock import release_data_folder
from explorer.core.mlp.data import Dataset2D
from explorer.core.mlp.training import initial_weights
from explorer.core.mlp.work import save_work
from explorer.core.work_store import WorkStore
from explorer.qt.main_window import MainWindow
from tests.core.lock_holder import held_by_another_process


def test_a_second_window_opens_read_only_and_keeps_nothing(user_data_dir, qtbot):
    folder = user_data_dir / "work" / "mlp"
    a_edit = Dataset2D(np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), np.array([0, 1, 0]), "window A's points")
    save_work(WorkStore("mlp", folder), a_edit, initial_weights(3, 0.1, 7), "sigmoid")
    kept_by_a = (folder / "work.json").read_bytes()

    with held_by_another_process(user_data_dir) as window_a:
        b = MainWindow()
        qtbot.addWidget(b)
        b.show()
        assert "read-only: changes are not kept" in b.windowTitle()
        assert b.findChild(QLabel, "readOnlyNote").text() == "Read-only: changes are not kept"
        qtbot.waitUntil(lambda: any(box.windowTitle() == "Data folder in use" for box in b.findChildren(QMessageBox)))
        box = next(box for box in b.findChildren(QMessageBox) if box.windowTitle() == "Data folder in use")
        assert "Another Neural Dynamics Explorer window has the data folder" in box.text()

        mlp = b.tab("mlp")
        assert mlp.state.dataset.name == "window A's points"  # B shows A's work
        b.tabs.setCurrentWidget(mlp)
        mlp.controls.network.reference_button.click()  # B's edit
        assert mlp.state.activation == "step"
        assert "Could not keep the MLP work: this window is read-only" in b.statusBar().currentMessage()
        b.close()
        assert (folder / "work.json").read_bytes() == kept_by_a  # B wrote nothing over A's edit
        assert sorted(p.name for p in folder.iterdir()) == ["work.json"]
        window_a.kill()  # A goes away (even a crash leaves no stale lock)
        window_a.wait()
    release_data_folder(user_data_dir)

    c = MainWindow()  # the next window keeps work again, and finds A's edit
    qtbot.addWidget(c)
    assert "read-only" not in c.windowTitle() and c.findChild(QLabel, "readOnlyNote") is None
    assert c.tab("mlp").state.dataset.name == "window A's points"
    c.close()
