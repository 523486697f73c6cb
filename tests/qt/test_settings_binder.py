"""One settings binder for every tab: restored when bound, saved on change, unsafe values never read."""

from __future__ import annotations

import json

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
    saved = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert saved["test/optimizer"] == "adam" and saved["test/epochs"] == 42  # plain JSON values


def test_a_value_that_does_not_fit_leaves_the_default(qtbot):
    settings = app_settings()
    settings.set_value("test/epochs", "many")
    settings.set_value("test/optimizer", "rmsprop")  # an item that no longer exists
    found = widgets()
    binder = SettingsBinder("test")
    assert not binder.restore("epochs", found["epochs"]) and found["epochs"].value() == 0
    assert not binder.restore("optimizer", found["optimizer"]) and found["optimizer"].currentData() == "sgd"
