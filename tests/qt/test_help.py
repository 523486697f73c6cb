"""Help: a guide per tab with its legends, the keyboard shortcuts, the docs folder."""

from __future__ import annotations

from explorer.qt import help as guides
from explorer.qt.main_window import MainWindow
from explorer.qt.tab import PlaceholderTab


def test_each_tab_has_a_guide_with_its_legends():
    mlp = guides.guide_markdown("mlp").lower()
    assert "blue region = the unit's output is 1" in mlp and "black dot = target 1" in mlp
    recurrent = guides.guide_markdown("recurrent").lower()
    assert "counter" in recurrent and "state machine" in recurrent
    assert "confusion matrix" in guides.guide_markdown("kuzushiji").lower()


def test_guide_menu_shows_the_current_tabs_guide(qtbot, monkeypatch):
    window = MainWindow([PlaceholderTab("One", "a")])
    qtbot.addWidget(window)
    monkeypatch.setattr(guides, "guide_name", lambda tab: "mlp")
    window.guide_action.trigger()
    dialog = window.help_dialog
    assert dialog.isVisible() and "Guide" in dialog.windowTitle()
    assert "black dot = target 1" in dialog.browser.toPlainText()
    window.show_shortcuts()
    text = dialog.browser.toPlainText()
    assert "Ctrl+Shift+Z" in text and "Ctrl+Y" in text and "Ctrl+E" in text
    assert "Copy table" in text  # a key shown in a menu and owned by the tables is listed too
    dialog.close()


def test_docs_index_links_the_local_files():
    text = guides.docs_markdown()
    assert "state_machines.md" in text and "file://" in text


def test_a_docs_link_opens_the_local_file(qtbot, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = MainWindow([PlaceholderTab("One", "a")])
    qtbot.addWidget(window)
    window.show_docs()
    window.help_dialog.browser.anchorClicked.emit(QUrl("docs/state_machines.md"))
    assert opened and opened[0].isLocalFile()
    assert opened[0].toLocalFile().endswith("docs/state_machines.md")
    assert guides.Path(opened[0].toLocalFile()).exists()
    window.help_dialog.close()
