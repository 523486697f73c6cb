"""Start-up builds one tab: the others are built when first visited or asked for, and the
getting-ready window says what is loading."""

from __future__ import annotations

import logging
import sys
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from explorer.core.experiments import EXPERIMENTS
from explorer.core.report import ReportSection
from explorer.qt import app as app_module
from explorer.qt.main_window import MainWindow
from explorer.qt.tab import ExperimentTab, PendingTab, PlaceholderTab, TabSlot
from tests.qt.mlp.driver import MLPUser


def _click_tab(qtbot, window, index: int) -> None:
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_second_and_third_tabs_are_built_when_their_tab_is_clicked(qtbot):
    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from explorer.qt.mlp.tab import MLPTab
    from explorer.qt.recurrent.tab import RecurrentTab

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert [window.tabs.tabText(i) for i in range(3)] == [e.title for e in EXPERIMENTS]
    assert isinstance(window.tabs.widget(0), KuzushijiTab)
    assert all(isinstance(window.tabs.widget(i), PendingTab) for i in (1, 2))  # not built yet

    _click_tab(qtbot, window, 1)
    mlp = window.tabs.widget(1)
    assert isinstance(mlp, MLPTab) and window.current_tab() is mlp and mlp.isVisible()
    assert isinstance(window.tabs.widget(2), PendingTab)
    # usable: its Train button is on screen and enabled, and the window's menus act on it
    assert MLPUser(mlp, qtbot).train_button_ready()
    assert window.undo_group.activeStack() is mlp.undo_stack
    assert window.open_data_action.isEnabled() == mlp.supports_data

    _click_tab(qtbot, window, 2)
    recurrent = window.tabs.widget(2)
    assert isinstance(recurrent, RecurrentTab) and window.current_tab() is recurrent and recurrent.isVisible()
    assert window.tabs.widget(1) is mlp  # built once
    assert [window.tabs.widget(i).title for i in range(3)] == [window.tabs.tabText(i) for i in range(3)]
    window.close()


def test_tab_accessor_builds_a_tab_without_showing_it(qtbot):
    from explorer.qt.recurrent.tab import RecurrentTab

    window = MainWindow()
    qtbot.addWidget(window)
    recurrent = window.tab("recurrent")
    assert isinstance(recurrent, RecurrentTab) and window.tabs.widget(2) is recurrent
    assert window.tabs.currentIndex() == 0 and isinstance(window.tabs.widget(1), PendingTab)
    assert window.tab(2) is recurrent and window.tab("Recurrent dynamics") is recurrent
    with pytest.raises(KeyError):
        window.tab("nonsense")
    window.close()


class _ReportTab(ExperimentTab):
    title = "Later"

    def report_sections(self):
        return [ReportSection("Later tab's results", text=["built for the report"])]


def test_the_report_covers_a_tab_never_visited(qtbot, tmp_path, monkeypatch):
    built = []
    slot = TabSlot("later", "Later", lambda: built.append(1) or _ReportTab())
    window = MainWindow([PlaceholderTab("First", "here"), slot])
    qtbot.addWidget(window)
    window.show()
    assert built == []
    target = tmp_path / "report.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_report_action.trigger()
    assert built == [1] and window.tabs.currentIndex() == 0
    text = ET.tostring(ET.parse(target).getroot(), encoding="unicode")
    assert "Later tab's results" in text and "built for the report" in text
    window.close()


@pytest.fixture
def started(qapp, monkeypatch):
    """``main()`` with the event loop patched out; closes what it opened."""
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) or widget.objectName() == "startupWindow":
            for timer in widget.findChildren(QTimer):  # the torch warm-up must not fire in a later test
                timer.stop()
            widget.close()
            widget.deleteLater()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_explorer", False)]:
        root.removeHandler(handler)
        handler.close()


def test_getting_ready_window_lists_what_it_loads(started, monkeypatch):
    splashes = []
    real = app_module.startup_window
    monkeypatch.setattr(app_module, "startup_window", lambda app: splashes.append(real(app)) or splashes[-1])
    shown = []  # the words on screen at each step, read as the user would (the accessible text)
    real_step = app_module.startup_step

    def step(window, text):
        real_step(window, text)
        shown.append((window.isVisible(), window.accessibleDescription()))

    monkeypatch.setattr(app_module, "startup_step", step)
    assert app_module.main([]) == 0
    (splash,) = splashes
    # The first tab (Kuzushiji) is built without torch: the window does not wait for it (issue 20).
    assert "importing PyTorch…" not in splash.steps
    assert splash.steps[0] == "loading the plots…"
    assert splash.steps[-1] == "building the Kuzushiji-MNIST tab…"
    assert all(visible for visible, _ in shown)  # each step was said while the window was up
    assert shown[-1][1].startswith("Getting ready…") and shown[-1][1].endswith("building the Kuzushiji-MNIST tab…")
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    assert len(windows) == 1 and not splash.isVisible()
    assert isinstance(windows[0].tabs.widget(1), PendingTab)  # the other tabs wait for a visit
    count = len(shown)
    windows[0].tab("mlp")  # a first visit later on: the closed getting-ready window is left alone
    assert len(shown) == count and splash.steps[-1] == "building the Kuzushiji-MNIST tab…"
