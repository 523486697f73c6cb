"""File dialogs: the one way to ask for a file or a folder, and the folder each one opens in.

Every dialog has a *kind* (``"data"``, ``"weights"``, ``"export"``,
``"report"``, ``"table"``, ``"image"``, ``"import"``…). It opens in the folder
last chosen for that kind, else the user's home, never the process's working
folder (the app's own folder when started from a bundle); the folder chosen
is remembered for the next time. Folders are kept as plain strings under
``dirs/<kind>`` in the app's settings (:func:`~explorer.qt.settings.app_settings`);
a kept value that is not a string naming an existing folder by its full path
is ignored.

API:

- ``open_file(parent, title, kind, filter="") -> str`` -- a file to read, or "" if cancelled.
- ``save_file(parent, title, kind, name, filter="") -> str`` -- a file to write,
  proposed as ``name`` in the kind's folder (a full path is proposed as it is).
- ``choose_folder(parent, title, kind) -> str`` -- a folder, or "" if cancelled.
- ``start_folder(kind)`` / ``remember_folder(kind, path)`` -- for dialogs of
  the app's own (the figure export dialog).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from explorer.qt.settings import app_settings


def _key(kind: str) -> str:
    return f"dirs/{kind}"


def start_folder(kind: str) -> str:
    """The folder a ``kind`` dialog opens in: the last one chosen if it still exists, else home."""
    kept = app_settings().value(_key(kind))
    if isinstance(kept, str) and kept and Path(kept).is_absolute() and Path(kept).is_dir():
        return kept
    return str(Path.home())


def remember_folder(kind: str, path: str | Path) -> None:
    """Keep the folder of ``path`` (``path`` itself if it is a folder) for the next ``kind`` dialog."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    app_settings().set_value(_key(kind), str(folder))


def open_file(parent: QWidget | None, title: str, kind: str, filter: str = "") -> str:  # noqa: A002 - Qt's word
    """Ask for a file to open, starting in the ``kind`` folder; "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, start_folder(kind), filter)
    if path:
        remember_folder(kind, path)
    return path


def save_file(parent: QWidget | None, title: str, kind: str, name: str, filter: str = "") -> str:  # noqa: A002
    """Ask where to save, proposing ``name`` in the ``kind`` folder; "" when cancelled."""
    proposed = Path(name) if Path(name).is_absolute() else Path(start_folder(kind)) / name
    path, _ = QFileDialog.getSaveFileName(parent, title, str(proposed), filter)
    if path:
        remember_folder(kind, path)
    return path


def choose_folder(parent: QWidget | None, title: str, kind: str) -> str:
    """Ask for a folder, starting in the ``kind`` folder; "" when cancelled."""
    folder = QFileDialog.getExistingDirectory(parent, title, start_folder(kind))
    if folder:
        app_settings().set_value(_key(kind), str(folder))  # the folder itself, even one not made yet
    return folder
