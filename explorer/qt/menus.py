"""The Actions menu (the current tab's buttons that have a key) and the list of every keyboard shortcut.

API:

- ``tab_shortcuts(tab) -> list[(text, keys, button)]`` -- the buttons of a tab
  (on any of its pages) that have a keyboard shortcut.
- :class:`ActionsMenu` -- a menu rebuilt each time it opens from the current
  tab's buttons: "Train  Ctrl+T" and so on. Choosing an entry shows the
  button's page and clicks it.
- ``shortcuts_markdown(window) -> str`` -- every menu shortcut and every
  tab's button shortcuts, as a Markdown table (Help → Keyboard shortcuts).
- ``redo_shortcuts() -> list[QKeySequence]`` -- Edit → Redo's keys.

Why the menu entries do not own the keys: the buttons already hold them
(their shortcut works while their page is on screen); a second QAction with
the same key in the same window would make Qt refuse both as an "Ambiguous
shortcut overload". The entries show the key after a tab character, which
menus draw in the shortcut column, so every key a message mentions can be
found in a menu.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QMenu, QTabWidget, QToolButton, QWidget


def _plain(text: str) -> str:
    """Button text without its ``&`` accelerator marks."""
    return re.sub(r"&(?!&)", "", text).replace("&&", "&").strip()


def _button_keys(button: QAbstractButton) -> str:
    keys = button.shortcut()
    if keys.isEmpty() and isinstance(button, QToolButton) and button.defaultAction() is not None:
        keys = button.defaultAction().shortcut()
    return keys.toString(QKeySequence.SequenceFormat.NativeText)


def tab_shortcuts(tab: QWidget) -> list[tuple[str, str, QAbstractButton]]:
    """``(text, keys, button)`` for each button of ``tab`` with a shortcut, in the tab's order, once per key."""
    found: list[tuple[str, str, QAbstractButton]] = []
    seen: set[tuple[str, str]] = set()
    for button in tab.findChildren(QAbstractButton):
        keys = _button_keys(button)
        text = _plain(button.text()) or _plain(button.toolTip().split("(")[0])
        if not keys or not text or (text, keys) in seen:
            continue
        seen.add((text, keys))
        found.append((text, keys, button))
    return found


def reveal(widget: QWidget) -> None:
    """Bring the pages holding ``widget`` to the front (nested tab widgets included)."""
    child = widget
    parent = widget.parentWidget()
    while parent is not None:
        tabs = parent.parentWidget()
        if isinstance(tabs, QTabWidget) and tabs.indexOf(child) >= 0:
            tabs.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()


def press(button: QAbstractButton) -> None:
    """What the key would do: show the button's page and click it."""
    reveal(button)
    if button.isEnabled():
        button.click()


class ActionsMenu(QMenu):
    """The current tab's keyed buttons, rebuilt each time the menu opens (their enabled state is now's)."""

    def __init__(self, title: str, current_tab, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.setObjectName("actionsMenu")
        self._current_tab = current_tab
        self.aboutToShow.connect(self.rebuild)

    def rebuild(self) -> list[QAction]:
        self.clear()
        tab = self._current_tab()
        entries = tab_shortcuts(tab) if tab is not None else []
        actions = []
        for text, keys, button in entries:
            # "\t" puts the key in the menu's shortcut column without binding it a second time.
            action = self.addAction(f"{text}\t{keys}")
            action.setEnabled(button.isEnabled())
            action.setToolTip(button.toolTip())
            action.setStatusTip(button.toolTip())
            action.triggered.connect(lambda _=False, b=button: press(b))
            actions.append(action)
        if not entries:
            self.addAction("(this tab has no keyboard actions)").setEnabled(False)
        return actions


def _menu_rows(menu: QMenu, path: str) -> list[tuple[str, str]]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), f"{path} → {_plain(action.text())}")
            continue
        text, _, shown = action.text().partition("\t")  # "Copy table\tCtrl+C": a key shown, owned by a widget
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()) or shown
        if keys:
            rows.append((f"{path} → {_plain(text)}", keys))
    return rows


def shortcuts_markdown(window) -> str:
    """Every key of the menus and of each tab's buttons, as Markdown."""
    lines = ["# Keyboard shortcuts", "", "| What | Keys |", "|---|---|"]
    for action in window.menuBar().actions():
        if action.menu() is not None:
            lines += [f"| {what} | {keys} |" for what, keys in _menu_rows(action.menu(), _plain(action.text()))]
    for i in range(window.tabs.count()):
        entries = tab_shortcuts(window.tab(i) if hasattr(window, "tab") else window.tabs.widget(i))  # built if not yet
        if entries:
            lines += ["", f"## {window.tabs.tabText(i)}", "", "| What | Keys |", "|---|---|"]
            lines += [f"| {text} | {keys} |" for text, keys, _button in entries]
    lines += ["", "Keys of a tab's buttons work while the button is on screen; Actions lists the current tab's.",
              "In the recurrent tab's sequence bar: ← and → step, Space plays or pauses, Home and End jump to the ends.",
              "The mouse wheel changes a spin box, slider or list only after you click into it; "
              "otherwise it scrolls the panel."]
    return "\n".join(lines)


def redo_shortcuts() -> list[QKeySequence]:
    """Ctrl+Shift+Z and Ctrl+Y, each once.

    ``StandardKey.Redo`` already is Ctrl+Shift+Z on Linux (and Ctrl+Y on
    Windows); listing a key twice makes Qt refuse it as an "Ambiguous shortcut
    overload", so the platform's keys are merged with ours without repeats.
    """
    keys: list[QKeySequence] = []
    for key in [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z"),
                QKeySequence("Ctrl+Y")]:
        if key.toString() not in (k.toString() for k in keys):
            keys.append(key)
    return keys
