"""The layout check of tests/qt/test_layout.py on a trained MLP tab at 1024×700, not a fresh one.

Trained, the tab shows the timeline and the curves; going from five hidden units
back to the reference net's four once left the removed plot on screen.
"""

from __future__ import annotations

from explorer.qt.mlp.tab import MLPTab
from tests.qt.mlp.driver import MLPUser
from tests.qt.test_layout import _problems, _settle, open_window

SIZE = (1024, 700)


def test_trained_then_reference_net_fits_at_1024x700(qtbot):
    window, tab = open_window(qtbot, SIZE, MLPTab)
    tab.load_reference()
    user = MLPUser(tab, qtbot)
    user.set_hidden(5)
    user.set_seed(5)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=120_000)
    window.resize(*SIZE)
    _settle()
    assert tab.curves.isVisible()
    problems = _problems(window, "trained, 5 hidden units (curves)")
    tab.bottom.setCurrentWidget(tab.table)  # every column of the 5-unit table in view (issue 19)
    _settle()
    problems += _problems(window, "trained, 5 hidden units (table)")
    tab.load_reference()  # fewer hidden units: one plot goes
    window.resize(*SIZE)
    _settle()
    shown = [p for p in tab.region_grid.findChildren(type(tab.region_grid.plots[0])) if p.isVisible()]
    assert len(shown) == len(tab.region_grid.plots) == user.hidden() + 1
    problems += _problems(window, "reference net after training")
    assert (window.width(), window.height()) == SIZE
    assert not problems, "\n".join(dict.fromkeys(problems))
    assert tab.shutdown()
