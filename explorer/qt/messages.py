"""User-facing messages: errors as a clear box, never a traceback dialog."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

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
