"""The one undo command the app needs: switch an owner between two immutable states."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand


class SetState(QUndoCommand):
    """Undoable change of whatever ``owner`` shows; ``owner._set_state(state)`` displays a state.

    States are immutable values (a data set, weights, strokes…), so undo and
    redo simply show the old or the new one again.
    """

    def __init__(self, owner, text: str, before, after):
        super().__init__(text)
        self.owner, self.before, self.after = owner, before, after

    def redo(self) -> None:
        self.owner._set_state(self.after)

    def undo(self) -> None:
        self.owner._set_state(self.before)
