"""The main window shell: tabs, menus, settings remembered, errors shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QFileDialog, QMessageBox

from explorer.core.errors import UserError
from explorer.qt import preloading
from explorer.qt.main_window import FIRST_LAUNCH_SIZE, MainWindow, about_text
from explorer.qt.tab import ExperimentTab, PlaceholderTab


class BadDataTab(ExperimentTab):
    title = "Bad data"
    supports_data = True

    def open_data(self, path: Path) -> None:
        raise UserError(f"{path.name} line 4: expected 3 columns, found 2")


class WeightsTab(ExperimentTab):
    title = "Weights"
    supports_weights = True

    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    def open_weights(self, path: Path) -> None:
        self.opened.append(path.name)


def _window(qtbot, tabs=None):
    window = MainWindow(tabs or [PlaceholderTab("One", "first"), PlaceholderTab("Two", "second"), BadDataTab()])
    qtbot.addWidget(window)
    window.show()
    return window


def test_three_tabs_and_file_menu(qtbot):
    window = _window(qtbot)
    assert [window.tabs.tabText(i) for i in range(3)] == ["One", "Two", "Bad data"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Actions", "&Help"]


def test_geometry_and_last_tab_are_remembered(qtbot):
    window = _window(qtbot)
    window.resize(700, 520)
    window.tabs.setCurrentIndex(2)
    window.close()
    again = _window(qtbot)
    assert again.tabs.currentIndex() == 2
    assert (again.width(), again.height()) == (700, 520)


def test_a_first_launch_fits_a_small_screen_and_a_restored_window_stays_as_the_user_left_it(qtbot, monkeypatch):
    area = QRect(0, 0, 1024, 700)  # a small laptop screen: the default 1280×860 would hang off its right side
    monkeypatch.setattr(QScreen, "availableGeometry", lambda screen: area)
    window = MainWindow([PlaceholderTab("One", "first")])
    qtbot.addWidget(window)
    assert window.first_launch and (window.width(), window.height()) == FIRST_LAUNCH_SIZE
    window.fit_to_screen()
    window.show()
    assert area.contains(window.geometry()), (window.geometry(), area)
    assert window.width() >= 1000 and window.height() >= 640  # fills the screen, not a postage stamp
    window.resize(700, 520)  # within the test platform's own 800×600 screen, which restoreGeometry keeps it on
    window.close()
    area = QRect(0, 0, 1920, 1080)  # a big screen: the default size, centred
    first = MainWindow([PlaceholderTab("One", "first")])
    qtbot.addWidget(first)
    assert not first.first_launch  # the geometry the last window saved
    first.fit_to_screen()
    assert (first.width(), first.height()) == (700, 520)
    first.settings.remove("window/geometry")
    again = MainWindow([PlaceholderTab("One", "first")])
    qtbot.addWidget(again)
    again.fit_to_screen()
    assert (again.width(), again.height()) == FIRST_LAUNCH_SIZE
    assert abs(again.geometry().center().x() - area.center().x()) <= 1


def test_bad_file_shows_message_and_window_stays(qtbot, tmp_path):
    window = _window(qtbot)
    window.tabs.setCurrentIndex(2)
    ok = window._run_file_action("Could not open the data", window.current_tab().open_data, tmp_path / "pts.csv")
    assert not ok
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert boxes and boxes[-1].text() == "pts.csv line 4: expected 3 columns, found 2"
    assert "pts.csv line 4" in window.statusBar().currentMessage()
    assert window.isVisible()


def test_menu_actions_follow_what_the_tab_supports(qtbot):
    window = _window(qtbot)
    window.tabs.setCurrentIndex(0)
    assert not window.open_data_action.isEnabled()
    window.tabs.setCurrentIndex(2)
    assert window.open_data_action.isEnabled()


def test_about_names_qt_torch_and_devices():
    text = about_text()
    assert "Qt 6." in text and "PyTorch 2." in text and "CPU" in text


def test_weights_opened_while_torch_still_loads_open_when_it_is_there_without_holding_the_window(
        qtbot, tmp_path, monkeypatch):
    """File → Open weights in the first seconds, while PyTorch loads in the background: the window
    says so and stays free; the weights open once PyTorch is there."""
    (tmp_path / "net.pt").write_bytes(b"weights")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "net.pt"), ""))
    monkeypatch.setattr(preloading, "torch_is_loaded", lambda: False)  # as in the first seconds
    tab = WeightsTab()
    window = _window(qtbot, [tab])
    window.open_weights()
    assert tab.opened == []  # not yet: the menu's action returned at once
    assert window.statusBar().currentMessage() == "Loading PyTorch… net.pt opens when it is ready"
    qtbot.waitUntil(lambda: tab.opened == ["net.pt"])
    assert window.statusBar().currentMessage() == "Loaded weights from net.pt"
