"""Issue 19, the Kuzushiji tab as a new user saw it: the banner, the charts, the exports, the Draw page."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.qt.kuzushiji.test_kuzushiji_tab import WAIT_MS, folder, make_tab  # noqa: F401 - fixture


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(20)


@pytest.fixture
def bare_tab(qtbot):
    """A newcomer's tab: nothing stored, nothing trained."""
    tab = make_tab(qtbot, load_at_start=False)
    yield tab
    assert tab.shutdown()


def test_after_an_import_the_banner_says_the_data_is_here_not_that_one_click_gets_it(bare_tab, qtbot, folder):  # noqa: F811
    assert "gets the KMNIST data" in bare_tab.banner_text.text()
    assert bare_tab.get_started_button.text() == "Get started: download and train all three"
    with qtbot.waitSignal(bare_tab.data_page.data_changed, timeout=WAIT_MS):
        bare_tab.data_page.import_folder(folder)  # real IDX .gz files, through the Data page's import
    settle(qtbot)
    text = bare_tab.banner_text.text()
    assert "The KMNIST data is here" in text and "gets the" not in text
    assert bare_tab.get_started_button.text() == "Get started: train all three"
    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.engine import TrainConfig
    from explorer.core.kuzushiji.results import NetResult

    bare_tab.results["lin"] = NetResult("lin", nets.create("lin", seed=7), TrainConfig(net="lin"), source="test")
    bare_tab._show_results()
    assert "NetLin is trained; NetFull and NetConv are not yet" in bare_tab.banner_text.text()
