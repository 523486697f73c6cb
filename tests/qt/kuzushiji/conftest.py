"""Fixtures shared by the Draw page's tests."""

from __future__ import annotations

import pytest

from explorer.qt.kuzushiji.drawing_panel import DrawingPanel


@pytest.fixture
def panel(qtbot):
    """The Draw page, shown at a typical window size."""
    panel = DrawingPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel
