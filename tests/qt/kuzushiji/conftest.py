"""Fixtures shared by the Draw page's tests."""

from __future__ import annotations

import pytest

from explorer.qt.kuzushiji.drawing_panel import DrawingPanel
from tests.qt.showing import shown


@pytest.fixture
def panel(qtbot):
    """The Draw page, shown at a typical window size."""
    return shown(qtbot, DrawingPanel(), 1100, 700)
