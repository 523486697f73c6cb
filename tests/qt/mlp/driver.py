"""A user's steps on the MLP tab, each through the real widget a user touches (issue 18).

Tests read like what the user does (``user.set_hidden(1)``, ``user.train()``); the
widget paths are written once, here. Every step goes through the real spin box,
combo box, slider or button and its real signals -- never a setter that bypasses them.
What a test checks as logic (weights, accuracy, the run) it reads from ``tab.model``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt


class MLPUser:
    """The MLP tab as its user drives it: the training, network and rescale controls."""

    def __init__(self, tab, qtbot=None):
        self.tab, self.qtbot = tab, qtbot
        controls = tab.controls
        self.training, self.network, self.rescale = controls.train, controls.network, controls.rescale
        self.task_panel = controls.train.task_panel

    # the Training box -----------------------------------------------------------------------
    def set_max_epochs(self, epochs: int) -> None:
        self.training.max_epochs.setValue(epochs)

    def set_seed(self, seed: int) -> None:
        self.training.seed.setValue(seed)

    def seed(self) -> int:
        return self.training.seed.value()

    def set_learning_rate(self, lr: float) -> None:
        self.training.lr.setValue(lr)

    def learning_rate(self) -> float:
        return self.training.lr.value()

    def init_std(self) -> float:
        return self.training.init_std.value()

    def train(self) -> None:
        """Press Train."""
        self.qtbot.mouseClick(self.training.train_button, Qt.MouseButton.LeftButton)

    def can_train(self) -> bool:
        """Whether the Train button can be pressed."""
        return self.training.train_button.isEnabled()

    def train_button_ready(self) -> bool:
        """Whether the Train button is on screen and can be pressed."""
        return self.training.train_button.isVisible() and self.can_train()

    def cancel(self) -> None:
        """Press the task panel's Cancel."""
        self.qtbot.mouseClick(self.task_panel.cancel_button, Qt.MouseButton.LeftButton)

    def cancel_button(self):
        return self.task_panel.cancel_button

    def progress(self) -> int:
        """The task panel's progress bar value."""
        return self.task_panel.bar.value()

    def task_message(self) -> str:
        """The task panel's line of text."""
        return self.task_panel.label.text()

    # the Network box ------------------------------------------------------------------------
    def press_reference(self) -> None:
        """Press "Reference step net"."""
        self.qtbot.mouseClick(self.network.reference_button, Qt.MouseButton.LeftButton)

    def set_hidden(self, count: int) -> None:
        self.network.hidden.setValue(count)

    def hidden(self) -> int:
        return self.network.hidden.value()

    def set_activation(self, name: str) -> None:
        """Choose ``"sigmoid"`` or ``"step"`` in the activation combo box."""
        box = self.network.activation
        index = box.findData(name)
        assert index >= 0, name
        box.setCurrentIndex(index)

    def edit_cell(self, row: int, col: int, text: str) -> None:
        """Type ``text`` into a cell of the weights editor."""
        self.network.editor.item(row, col).setText(text)

    def cell(self, row: int, col: int) -> str:
        return self.network.editor.item(row, col).text()

    def editor_rows(self) -> int:
        return self.network.editor.rowCount()

    def refusal(self) -> str:
        """The message under the editor when a cell was refused."""
        return self.network.refusal.text()

    def copy_button_text(self) -> str:
        return self.network.copy_button.text()

    # the Rescale box ------------------------------------------------------------------------
    def set_scale(self, factor: int) -> None:
        """Type a factor in the rescale spin box."""
        self.rescale.factor.setValue(factor)

    def slide_scale(self, factor: int) -> None:
        """Move the rescale slider."""
        self.rescale.slider.setValue(factor)

    def scale(self) -> int:
        """The factor the spin box shows."""
        return self.rescale.factor.value()

    def scale_slider(self) -> int:
        """Where the rescale slider is."""
        return self.rescale.slider.value()

    def scale_readout(self) -> str:
        """The rescale box's readout line."""
        return self.rescale.readout.text()
