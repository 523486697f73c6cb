"""Shared fixtures for the recurrent tab's tests."""

from __future__ import annotations

import pytest

from tests.qt.recurrent.helpers import wait_machine


@pytest.fixture
def machine_tab(qtbot):
    """The recurrent tab at the default 1280×860 with the shipped SRN-2 and its machine extracted."""
    from explorer.qt.recurrent.tab import RecurrentTab

    widget = RecurrentTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    wait_machine(qtbot, widget)
    yield widget
    assert widget.shutdown()
