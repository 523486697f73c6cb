"""One settings binder for every tab: restored when bound, saved on change, unsafe values never read."""

from __future__ import annotations

import builtins

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QSlider, QSpinBox

from explorer.core import paths
from explorer.qt.settings import SettingsBinder, app_settings


def widgets():
    combo = QComboBox()
    for name in ("sgd", "adam"):
        combo.addItem(name.upper(), name)
    spin, real, check, slider = QSpinBox(maximum=500), QDoubleSpinBox(decimals=3), QCheckBox(), QSlider()
    return {"optimizer": combo, "epochs": spin, "lr": real, "shuffle": check, "speed": slider}


def test_values_are_saved_on_change_and_restored_on_bind(qtbot):
    first = widgets()
    binder = SettingsBinder("test")
    for name, widget in first.items():
        binder.bind(name, widget)
    first["optimizer"].setCurrentIndex(1)
    first["epochs"].setValue(42)
    first["lr"].setValue(0.125)
    first["shuffle"].setChecked(True)
    first["speed"].setValue(7)

    again = widgets()  # as after a restart: fresh widgets with their defaults
    for name, widget in again.items():
        SettingsBinder("test").bind(name, widget)
    assert again["optimizer"].currentData() == "adam"
    assert again["epochs"].value() == 42 and again["lr"].value() == 0.125
    assert again["shuffle"].isChecked() and again["speed"].value() == 7
    saved = QSettings(str(paths.settings_file()), QSettings.Format.IniFormat)
    assert saved.value("test/optimizer") == "adam"  # plain text in the file, no @Variant


def test_a_value_that_does_not_fit_leaves_the_default(qtbot):
    settings = app_settings()
    settings.setValue("test/epochs", "many")
    settings.setValue("test/optimizer", "rmsprop")  # an item that no longer exists
    settings.sync()
    found = widgets()
    binder = SettingsBinder("test")
    assert not binder.restore("epochs", found["epochs"]) and found["epochs"].value() == 0
    assert not binder.restore("optimizer", found["optimizer"]) and found["optimizer"].currentData() == "sgd"


class _Payload:
    """Pickles to ``open(marker, "w")``: unpickling it creates the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def test_the_app_settings_drop_unsafe_values_before_qt_reads_them(qtbot, tmp_path):
    marker = tmp_path / "marker"
    writer = QSettings(str(paths.settings_file()), QSettings.Format.IniFormat)
    writer.setValue("test/epochs", 3)
    writer.setValue("test/evil", _Payload(marker))
    writer.sync()
    del writer
    assert "@Variant" in paths.settings_file().read_text(encoding="latin-1")
    spin = QSpinBox()
    SettingsBinder("test").bind("epochs", spin)
    assert spin.value() == 3
    assert app_settings().value("test/evil") is None and not marker.exists()
    assert "@Variant" not in paths.settings_file().read_text(encoding="latin-1")
