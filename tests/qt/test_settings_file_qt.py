"""The issue's crafted settings.ini: Qt would run its code; after the check it cannot."""

from __future__ import annotations

import builtins
import shutil

from PySide6.QtCore import QSettings

from explorer.core.settings_file import drop_unsafe_values


class _Payload:
    """Pickles to ``open(marker, "w")``: loading it creates the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def _read_all(path):
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    return {key: settings.value(key) for key in settings.allKeys()}


def test_crafted_settings_run_no_code(tmp_path):
    marker = tmp_path / "marker"
    ini = tmp_path / "settings.ini"
    writer = QSettings(str(ini), QSettings.Format.IniFormat)
    writer.setValue("kuzushiji/epochs", 3)
    writer.setValue("kuzushiji/net", "NetConv")
    writer.setValue("window/geometry", _Payload(marker))
    writer.setValue("recent", [1, _Payload(marker)])
    writer.sync()
    del writer
    text = ini.read_text(encoding="latin-1")
    assert "PyObjectWrapper" in text
    # The same file slipped past as an escaped '@' and a continued line.
    evil = next(line for line in text.splitlines() if line.startswith("geometry="))[len("geometry="):]
    ini.write_text(text + f"\n[extra]\nescaped=\\x40{evil[1:]}\ncontinued=\\\n{evil}\n", encoding="latin-1")

    # Without the check, reading the file runs the code: the test can fail.
    unchecked = tmp_path / "unchecked.ini"
    shutil.copy(ini, unchecked)
    _read_all(unchecked)
    assert marker.exists()
    marker.unlink()

    dropped = drop_unsafe_values(ini)
    assert sorted(dropped) == ["extra/continued", "extra/escaped", "recent", "window/geometry"]
    values = _read_all(ini)
    assert not marker.exists()
    assert values == {"kuzushiji/epochs": "3", "kuzushiji/net": "NetConv"}


def test_the_window_starts_with_defaults_from_a_crafted_settings_file(user_data_dir, qtbot, caplog):
    """The app's own start: the data folder's settings.ini holds the pickle; no code runs, the window opens."""
    from explorer.core import paths
    from explorer.qt.main_window import MainWindow

    marker = user_data_dir / "marker"
    ini = paths.settings_file()
    writer = QSettings(str(ini), QSettings.Format.IniFormat)
    writer.setValue("window/geometry", _Payload(marker))
    writer.setValue("window/tab", 2)
    writer.sync()
    del writer

    with caplog.at_level("WARNING"):
        window = MainWindow()
    qtbot.addWidget(window)
    assert not marker.exists()
    assert window.tabs.currentIndex() == 2  # the plain value next to it is still honoured
    assert any("dropped unsafe values of window/geometry" in r.getMessage() for r in caplog.records)
    window.close()
