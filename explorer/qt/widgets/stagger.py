"""Views that repaint one per turn of the event loop (issue 20).

When a recurrent training ends, the trained net goes into every view in one
call (the pair views, the step panel, the charts: each with new axes), and the
window then painted them all in one turn: 60-130 ms of the window's thread
without a pause, the longest gap a user could feel; the MLP tab's six or seven
region plots of a new 10^6-point data set likewise. :class:`StaggeredRepaint`
lets each view take its new contents at once (what they show always agrees),
but holds their repaints and releases one per turn of the event loop, so the
window answers clicks between them.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QWidget


class StaggeredRepaint(QObject):
    """Holds widgets' repaints and lets one repaint per turn of the event loop."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._held: list[QWidget] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._release_next)

    def hold(self, widgets: Iterable[QWidget]) -> None:
        """Hold the visible ``widgets``' repaints (a newer hold releases what was still held)."""
        self.release_all()
        self._held = [w for w in widgets if w.isVisible() and w.updatesEnabled()]
        for widget in self._held:
            widget.setUpdatesEnabled(False)
        if self._held:
            self._timer.start()

    def held(self) -> int:
        """How many widgets still wait for their repaint."""
        return len(self._held)

    @Slot()
    def _release_next(self) -> None:
        while self._held:
            widget = self._held.pop(0)
            if shiboken6.isValid(widget):
                widget.setUpdatesEnabled(True)  # (an update() of the whole widget)
                break
        if self._held:
            self._timer.start()

    def release_all(self) -> None:
        self._timer.stop()
        while self._held:
            widget = self._held.pop(0)
            if shiboken6.isValid(widget):
                widget.setUpdatesEnabled(True)
