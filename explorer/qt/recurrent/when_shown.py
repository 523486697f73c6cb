"""Draw a widget that sits on a page nobody is looking at only when its page is shown (issue 20).

After a training the machine diagram and the counting chart were rebuilt on
their pages of the bottom tabs even when the user was looking at another page:
tens of milliseconds of the window's thread, right when it also draws the
trained net. :class:`WhenShown` holds the newest drawing asked of such a
widget while it is hidden (another page is current, or the whole tab is not)
and runs it as the widget is shown, before it is painted, so what the user
sees is never the older drawing. A widget that would be visible with its
window (a window not shown yet, a standalone export drawing) is drawn at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class WhenShown(QObject):
    """The newest drawing of ``widget``, run now if it can be seen, else when it is next shown."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.widget = widget
        self._draw: Callable[[], None] | None = None
        widget.installEventFilter(self)

    def hidden(self) -> bool:
        """Whether the widget is on a page not shown (it would stay hidden if its window were shown)."""
        return not self.widget.isVisibleTo(self.widget.window())

    def run(self, draw: Callable[[], None]) -> None:
        """Draw now, or (hidden) keep ``draw`` in place of any drawing still waiting."""
        if self.hidden():
            self._draw = draw
        else:
            self._draw = None
            draw()

    def cancel(self) -> None:
        """Forget the waiting drawing (what it would draw is no longer wanted)."""
        self._draw = None

    def waiting(self) -> bool:
        return self._draw is not None

    def flush(self) -> None:
        """Run the waiting drawing now, if any."""
        draw, self._draw = getattr(self, "_draw", None), None
        if draw is not None:
            draw()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        # getattr: a widget whose Python side is gone (a discarded export drawing) can still get events
        # before Qt deletes it, through a fresh wrapper of this object that __init__ never saw.
        if event.type() == QEvent.Type.Show and watched is getattr(self, "widget", None):
            self.flush()
        return False
