"""The folder a file dialog opens in: the last one used, else the user's home.

File dialogs without a start folder open in the process's working folder
(the app's own folder when started from a bundle). The last folder is kept
as a plain string in the app's settings, under the Kuzushiji tab's prefix of
:class:`~explorer.qt.settings.SettingsBinder`.
"""

from __future__ import annotations

from pathlib import Path

from explorer.qt.settings import SettingsBinder, app_settings

BINDER = SettingsBinder("kuzushiji")


def start_folder(name: str) -> str:
    """The folder to open dialog ``name`` in: the last one used if it still exists, else home."""
    raw = app_settings().value(BINDER.key(f"folder/{name}"))
    if isinstance(raw, str) and raw and Path(raw).is_dir():
        return raw
    return str(Path.home())


def remember_folder(name: str, path: str | Path) -> None:
    """Keep the folder of ``path`` (or ``path`` itself if it is a folder) for dialog ``name``."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    app_settings().set_value(BINDER.key(f"folder/{name}"), str(folder))
