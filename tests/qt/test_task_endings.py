"""Whatever ends a training -- Ctrl+C in the child included -- the tab's Train button comes back."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.qt import task_jobs


def error_texts(widget) -> list[str]:
    return [b.text() for b in widget.findChildren(QMessageBox) if b.objectName() == "errorBox"]


@pytest.mark.parametrize("experiment", ["mlp", "recurrent"])
def test_keyboard_interrupt_from_the_training_child_ends_the_task(qtbot, monkeypatch, experiment):
    if experiment == "mlp":
        import explorer.qt.mlp.tab as module

        tab = module.MLPTab()
        train_button = tab.controls.train.train_button
    else:
        import explorer.qt.recurrent.tab as module

        tab = module.RecurrentTab()
        train_button = tab.controls.train.train_button
    monkeypatch.setattr(module, "train", task_jobs.interrupted)
    qtbot.addWidget(tab)
    tab.show()
    tab.start_training()
    assert tab.task is not None and not train_button.isEnabled()
    with qtbot.waitSignal(tab.task.finished, timeout=60_000):
        pass
    assert tab.task is None and train_button.isEnabled()
    assert any("interrupted" in text for text in error_texts(tab))
    assert tab.shutdown()
