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


def test_the_window_and_its_guides_show_exactly_the_list_of_experiments(qtbot):
    """One tab per experiment of the list, in its order, each with its own guide in Help."""
    from PySide6.QtGui import QTextDocument

    from explorer.core.experiments import EXPERIMENTS

    window = MainWindow()
    qtbot.addWidget(window)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [e.title for e in EXPERIMENTS]
    for index, each in enumerate(EXPERIMENTS):
        window.tabs.setCurrentIndex(index)  # built on its first visit
        assert window.current_tab().title == each.title
        window.guide_action.trigger()
        dialog = window.help_dialog
        assert dialog.windowTitle() == f"Guide: {each.title}"
        page = QTextDocument()
        page.setMarkdown(guides.guide_markdown(each.help_page))
        assert dialog.browser.toPlainText() == page.toPlainText()
        assert "could not be read" not in page.toPlainText()
    window.help_dialog.close()
    window.close()


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
