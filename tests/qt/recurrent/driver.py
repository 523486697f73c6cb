"""A user's steps on the recurrent tab, each through the real widget a user touches (issue 18).

Tests read like what the user does (``user.choose_model("gru")``, ``user.train()``,
``user.description()``); the widget paths are written once, here. Every step goes
through the real combo box, spin box or button and its real signals -- never a setter
that bypasses them. What a test checks as logic (the net, the machine found, its
states) it reads from ``tab.model`` (:func:`machine_found`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt


def machine_found(tab):
    """The state machine the tab's model holds for the net drawn (``tab.model.study.found``)."""
    study = tab.model.study
    assert study is not None, "no machine extracted"
    return study.found


class RecurrentUser:
    """The recurrent tab as its user drives it: the network and training controls."""

    def __init__(self, tab, qtbot=None):
        self.tab, self.qtbot = tab, qtbot
        self.network, self.training = tab.controls.network, tab.controls.train
        self.task_panel = self.training.task_panel
        self.machine_panel = tab.machine_panel

    # the Network box ------------------------------------------------------------------------
    def choose_language(self, name: str) -> None:
        """Pick a language in its combo box as a user does (the combo's ``activated``)."""
        self._choose(self.network.language, name)

    def choose_model(self, kind: str) -> None:
        """Pick ``"srn"``, ``"gru"`` or ``"lstm"`` as a user does."""
        self._choose(self.network.model, kind)

    @staticmethod
    def _choose(combo, data) -> None:
        index = combo.findData(data)
        assert index >= 0, f"{data} is not offered"
        combo.setCurrentIndex(index)
        combo.activated.emit(index)

    def description(self) -> str:
        """The line saying which net is shown (pretrained, trained, opened from a file…)."""
        return self.network.describe.text()

    def accuracy(self) -> str:
        """The net's accuracy line, as the user reads it."""
        return self.network.accuracy.text()

    def can_load_shipped(self) -> bool:
        """Whether "Shipped net" can be pressed."""
        return self.network.shipped_button.isEnabled()

    def shipped_tooltip(self) -> str:
        return self.network.shipped_button.toolTip()

    # the machine page -----------------------------------------------------------------------
    def set_k(self, k: int) -> None:
        """Move the machine page's slider to ``k`` clusters."""
        self.machine_panel.slider.setValue(k)

    def ring_colour(self):
        """The colour of the ring around the machine diagram's current state (red where the net parts ways)."""
        return self.machine_panel.diagram.ring.pen().color()

    def k_marks(self) -> tuple[float, float]:
        """Where the states-per-k chart marks the k shown and the k chosen automatically."""
        curve = self.machine_panel.curve
        return curve.now.value(), curve.auto.value()

    # the Training box -----------------------------------------------------------------------
    def set_sequences(self, count: int) -> None:
        self.training.sequences.setValue(count)

    def set_learning_rate(self, lr: float) -> None:
        self.training.lr.setValue(lr)

    def train(self) -> None:
        """Press Train."""
        self.qtbot.mouseClick(self.training.train_button, Qt.MouseButton.LeftButton)

    def can_train(self) -> bool:
        return self.training.train_button.isEnabled()

    def escape_cancel(self) -> None:
        """Press Escape on the task panel's Cancel button."""
        self.qtbot.keyClick(self.task_panel.cancel_button, Qt.Key.Key_Escape)
