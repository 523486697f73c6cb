"""The MLP tab alone in a window at the app's default size, shut down (tasks joined) after the test."""

from __future__ import annotations

import pytest

from explorer.qt.mlp.tab import MLPTab


@pytest.fixture
def tab(qtbot):
    tab = MLPTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    yield tab
    assert tab.shutdown()
