"""User-facing messages: errors as a clear box, never a traceback dialog."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from explorer.core.errors import UserError

log = logging.getLogger(__name__)


def show_error(parent: QWidget, title: str, text: str) -> QMessageBox:
    """Show ``text`` in a window-modal box that does not block the caller."""
    log.warning("%s: %s", title, text)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    window = parent.window() if parent is not None else None
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(f"{title}: {text}", 10000)
    return box


# PySide6 puts this before the message of an exception raised inside a Python override of a Qt
# virtual (eventFilter, resizeEvent…), once per override the exception passed through.
_OVERRIDE_WRAPPER = re.compile(r"^(?:\s*Error calling Python override of [^\s()]+\(\):\s*)+")


def failure_text(exc: BaseException) -> str:
    """One readable line for an unexpected failure: the exception's own text, PySide's wrappers removed.

    A :class:`UserError` is its message; anything else is ``"ValueError: its message"``.
    """
    raw = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    text = _OVERRIDE_WRAPPER.sub("", raw).strip()
    first = text.splitlines()[0].strip() if text else ""
    if isinstance(exc, UserError):
        return first or "an unreadable input"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl+C)"
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


class FailureBoxes:
    """One plain message box per failure, however often the same failure is reported.

    An exception inside a Qt override can reach ``sys.excepthook`` several
    times in a row (once per event that meets the same fault); while a box
    for the same text is open, a repeat adds nothing but a count in the log.
    """

    TITLE = "Something went wrong"

    def __init__(self, parent: QWidget, details: Callable[[], str] | None = None):
        self.parent = parent
        self.details = details
        self.open_boxes: dict[str, QMessageBox] = {}
        self.repeats: dict[str, int] = {}

    def report(self, exc: BaseException) -> QMessageBox | None:
        """Show ``exc`` in a box, unless a box for the same failure is still open (then ``None``)."""
        text = failure_text(exc)
        if text in self.open_boxes:
            self.repeats[text] = self.repeats.get(text, 0) + 1
            log.info("the same failure again (%d times while its box is open): %s", self.repeats[text], text)
            return None
        shown = f"{text}\n\n{self.details()}" if self.details else text
        box = show_error(self.parent, self.TITLE, shown)
        self.open_boxes[text] = box
        box.finished.connect(lambda _result, key=text: self._closed(key))
        return box

    def _closed(self, text: str) -> None:
        self.open_boxes.pop(text, None)
        self.repeats.pop(text, None)
