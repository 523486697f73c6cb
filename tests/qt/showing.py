"""Showing a widget as a test's window: kept by qtbot, at a size, on screen."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def shown(qtbot, widget: QWidget, width: int, height: int) -> QWidget:
    """``widget``, closed with the test, resized to ``width``×``height``, shown and exposed."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
