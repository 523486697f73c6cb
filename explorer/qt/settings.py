"""The app's QSettings, kept in the user data folder (not the registry or ~/.config)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from explorer.core import paths


def app_settings() -> QSettings:
    return QSettings(str(paths.settings_file()), QSettings.Format.IniFormat)


def restore_spin_boxes(prefix: str, boxes: dict) -> None:
    """Set each spin box from the settings, where a value was saved."""
    settings = app_settings()
    for name, box in boxes.items():
        value = settings.value(f"{prefix}/{name}")
        if value is None:
            continue
        try:
            box.setValue(type(box.value())(value))
        except (TypeError, ValueError):
            pass


def save_spin_boxes(prefix: str, boxes: dict) -> None:
    settings = app_settings()
    for name, box in boxes.items():
        settings.setValue(f"{prefix}/{name}", box.value())
    settings.sync()
