"""The app's settings: one JSON file in the user data folder, and one way for tabs to keep theirs.

:func:`app_settings` is the app's :class:`~explorer.core.settings_file.SettingsFile`
(plain values only; Qt's ``QSettings`` is never used, because its INI reader
unpickles ``@Variant`` values, i.e. a crafted file could run code).
:class:`SettingsBinder` is how a tab remembers its controls: bound once,
restored at once, saved on every change. Only plain values (str, int, float,
bool) are written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QComboBox,
    QDoubleSpinBox,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from explorer.core import paths
from explorer.core.settings_file import SettingsFile

log = logging.getLogger(__name__)

_open: dict[Path, SettingsFile] = {}  # one reading of each settings file per process


def app_settings() -> SettingsFile:
    """The app's settings (read once per process; every change is written at once)."""
    path = paths.settings_file()
    if path not in _open:
        _open[path] = SettingsFile(path)
    return _open[path]


def _as_bool(raw) -> bool:
    return raw.strip().lower() in ("true", "1", "yes") if isinstance(raw, str) else bool(raw)


class SettingsBinder:
    """Remembers widgets' values under ``prefix/name``: restored when bound, saved when changed.

    Supports spin boxes (int and float), combo boxes (by item data, else
    text), check boxes and other checkable buttons, sliders and tab widgets
    (the current page). A stored value that does not fit the widget (a
    removed combo item, text in a number field) leaves the widget's default.

    Examples
    --------
    >>> binder = SettingsBinder("mlp")                           # doctest: +SKIP
    >>> binder.bind("lr", controls.lr)                           # doctest: +SKIP
    """

    def __init__(self, prefix: str):
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def bind(self, name: str, widget: QWidget, *, restore: bool = True) -> QWidget:
        """Restore ``widget`` from the settings (unless ``restore`` is false), then save each change."""
        if restore:
            self.restore(name, widget)
        self._changed_signal(widget).connect(lambda *_: self.save(name, widget))
        return widget

    def restore(self, name: str, widget: QWidget) -> bool:
        """Set ``widget`` from the stored value; ``False`` if none is stored or it does not fit."""
        raw = app_settings().value(self.key(name))
        if raw is None:
            return False
        try:
            return self._set(widget, raw)
        except (TypeError, ValueError):
            log.info("settings: ignoring %s = %r", self.key(name), raw)
            return False

    def save(self, name: str, widget: QWidget) -> None:
        app_settings().set_value(self.key(name), self._get(widget))

    # the supported widgets ----------------------------------------------------------------
    @staticmethod
    def _changed_signal(widget: QWidget):
        if isinstance(widget, (QSpinBox, QDoubleSpinBox, QAbstractSlider)):
            return widget.valueChanged
        if isinstance(widget, (QComboBox, QTabWidget)):
            return widget.currentIndexChanged if isinstance(widget, QComboBox) else widget.currentChanged
        if isinstance(widget, QAbstractButton):
            return widget.toggled
        raise TypeError(f"cannot keep the settings of a {type(widget).__name__}")

    @staticmethod
    def _get(widget: QWidget) -> str | int | float | bool:
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            return data if isinstance(data, (str, int, float, bool)) else widget.currentText()
        if isinstance(widget, QTabWidget):
            return widget.currentIndex()
        if isinstance(widget, QAbstractButton):
            return widget.isChecked()
        return widget.value()

    @staticmethod
    def _set(widget: QWidget, raw) -> bool:
        if isinstance(widget, QComboBox):
            index = next((i for i in range(widget.count()) if str(widget.itemData(i)) == str(raw)), -1)
            index = index if index >= 0 else widget.findText(str(raw))
            if index < 0:
                return False
            widget.setCurrentIndex(index)
        elif isinstance(widget, QTabWidget):
            index = int(raw)
            if not 0 <= index < widget.count():
                return False
            widget.setCurrentIndex(index)
        elif isinstance(widget, QAbstractButton):
            widget.setChecked(_as_bool(raw))
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(float(raw))
        else:
            widget.setValue(int(float(raw)))
        return True
