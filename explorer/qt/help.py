"""The Help menu's content: a short guide per tab, the keyboard shortcuts, the docs folder.

API:

- ``guide_name(tab) -> str`` -- the ``help_page`` of the tab's experiment
  (``explorer.core.experiments``), the stem of its guide in ``resources/help/``.
- ``guide_markdown(name) -> str`` -- the guide's text (Markdown).
- :class:`HelpDialog` -- a non-modal window showing Markdown in a
  QTextBrowser; links to local files open in the desktop's viewer.
- ``doc_files() -> list[Path]`` -- the Markdown files of ``docs/`` (where the
  app runs from a checkout; a bundle may not carry them).
- ``open_local(path) -> bool`` -- open a file with the desktop's default app.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from explorer.core import paths
from explorer.core.experiments import experiment
from explorer.qt.exports import tab_key


def guide_name(tab) -> str | None:
    """The guide for ``tab``: its experiment's Help page, or ``None`` for a tab of no experiment."""
    key = tab_key(tab)
    return experiment(key).help_page if key is not None else None


def guide_file(name: str) -> Path:
    return paths.resource(f"help/{name}.md")


def guide_markdown(name: str) -> str:
    """The guide's Markdown, or a line saying it is missing (a damaged install)."""
    try:
        return guide_file(name).read_text(encoding="utf-8")
    except OSError as exc:
        return f"# {name}\n\nThe guide could not be read ({exc})."


def docs_dir() -> Path:
    """``docs/`` next to ``resources/`` (the checkout, or a bundle that ships it)."""
    return paths.RESOURCES.parent / "docs"


def doc_files() -> list[Path]:
    folder = docs_dir()
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def open_local(path: Path) -> bool:
    """Open ``path`` with the desktop's viewer; False where there is none (a headless session)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class HelpDialog(QDialog):
    """Markdown in a browser pane; one window reused for every help page."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle("Help")
        self.resize(640, 620)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenLinks(False)  # file links go to the desktop's viewer, web links to the browser
        self.browser.anchorClicked.connect(self._follow)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def show_markdown(self, title: str, text: str) -> None:
        self.setWindowTitle(title)
        self.browser.setMarkdown(text)
        self.show()
        self.raise_()
        self.activateWindow()

    def _follow(self, url: QUrl) -> None:
        if url.isRelative():  # "docs/state_machines.md" in a guide
            url = QUrl.fromLocalFile(str(paths.RESOURCES.parent / url.toString()))
        QDesktopServices.openUrl(url)


def docs_markdown() -> str:
    """An index of the docs folder, with links that open each file."""
    files = doc_files()
    if not files:
        return ("# Documentation\n\nThe `docs/` folder is not part of this installation; it is in the project's "
                "source, next to `README.md`.")
    lines = ["# Documentation", "", f"The files in `{docs_dir()}`:", ""]
    for path in files:
        first = path.read_text(encoding="utf-8", errors="replace").lstrip().splitlines()[:1]
        title = first[0].lstrip("# ").strip() if first else path.stem
        lines.append(f"- [{path.name}]({QUrl.fromLocalFile(str(path)).toString()}) — {title}")
    return "\n".join(lines)

