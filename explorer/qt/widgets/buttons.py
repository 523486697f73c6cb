"""Small helpers for the controls every tab has."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton


def button(text: str, tip: str, shortcut: str | None = None) -> QPushButton:
    """A push button whose tooltip names its shortcut."""
    widget = QPushButton(text)
    widget.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
    if shortcut:
        widget.setShortcut(shortcut)
    return widget
