"""A crafted settings file runs no code: Qt's INI reader would unpickle it, and the app never uses it."""

from __future__ import annotations

import ast
import builtins
import json
from pathlib import Path

from PySide6.QtCore import QSettings

import explorer


class _Payload:
    """Pickles to ``open(marker, "w")``: loading it creates the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def _pickled_value(tmp_path: Path, marker: Path) -> str:
    """The text QSettings writes for a Python object: ``@Variant(…PyObjectWrapper…)``."""
    scratch = tmp_path / "scratch.ini"
    writer = QSettings(str(scratch), QSettings.Format.IniFormat)
    writer.setValue("evil", _Payload(marker))
    writer.sync()
    del writer
    line = next(x for x in scratch.read_text(encoding="latin-1").splitlines() if x.startswith("evil="))
    value = line[len("evil="):]
    assert "PyObjectWrapper" in value
    return value


def _spellings(evil: str) -> list[str]:
    """The audit's spellings and more: each is an INI text whose reading by Qt may unpickle ``evil``."""
    rest = evil[1:]  # after the '@'
    return [
        f"[window]\ngeometry={evil}\n",
        f"[window]\n#geometry={evil}\n",  # Qt reads '#geometry' as a key, not a comment
        f"[window]\n; a comment\\\nstate={evil}\n",  # a backslash continues the comment onto a key
        f"[window]\n# a comment\\\ntab={evil}\n",
        f"[General]\nescaped=\\x40{rest}\n",
        f"[General]\nwide=\\x10040{rest}\n",
        f"[General]\noctal=\\0100{rest}\n",
        f"[General]\ncontinued=\\\n{evil}\n",
        f'[General]\nquoted="{evil}"\n',
        f"[General]\nlist=1, {evil}\n",
        f"[window]\n   indented={evil}\n",
        f"[window]\n%67eometry={evil}\n",  # a percent-encoded key name
        f"[General]\nwindow%2Fgeometry={evil}\r\n",  # a section in the key, CRLF line ends
        f"[compute]\ndevice={evil}\n",
        f"[kuzushiji]\nfolder%2Fopen={evil}\n",
        f"[%77indow]\ngeometry={evil}\n",  # a percent-encoded section
    ]


def _qt_reads(path: Path) -> None:
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    for key in settings.allKeys():
        settings.value(key)


def test_no_module_of_the_app_uses_qsettings():
    """Qt's INI reader is the way code gets in: the app keeps settings in its own JSON file instead."""
    root = Path(explorer.__file__).parent
    users = []
    for source in root.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        if "QSettings" in names:
            users.append(str(source.relative_to(root)))
    assert users == []


def test_every_spelling_runs_code_in_qt_and_none_runs_in_the_app(user_data_dir, tmp_path, qtbot):
    from explorer.core import paths
    from explorer.qt.main_window import MainWindow

    marker = tmp_path / "marker"
    evil = _pickled_value(tmp_path, marker)
    spellings = _spellings(evil)

    # Read by Qt, the known dangerous spellings do run the code: the test can fail.
    ran = []
    for i, text in enumerate(spellings):
        probe = tmp_path / f"probe{i}.ini"
        probe.write_text(text, encoding="latin-1", newline="")
        _qt_reads(probe)
        ran.append(marker.exists())
        marker.unlink(missing_ok=True)
    assert ran[0] and ran[1] and ran[2], ran  # plain, '#key' and a continued comment

    # The app's data folder holds all of them as an old settings.ini, and the same text as values
    # of every key the app reads in its own settings.json.
    (user_data_dir / "settings.ini").write_text("".join(spellings), encoding="latin-1", newline="")
    keys = ["window/geometry", "window/state", "window/tab", "compute/device", "dirs/data",
            "dirs/export", "kuzushiji/folder/open", "mlp/hidden", "mlp/lr", "recurrent/lang"]
    paths.settings_file().write_text(json.dumps({k: evil for k in keys}), encoding="utf-8")

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not marker.exists()
    assert window.isVisible() and window.tabs.currentIndex() == 0  # defaults where the values made no sense
    window.close()
    assert not marker.exists()
    # What the app wrote back is plain JSON it reads again.
    kept = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert isinstance(kept["window/tab"], int) and isinstance(kept["window/geometry"], str)


def test_the_window_comes_back_where_it_was(user_data_dir, qtbot):
    from explorer.qt.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(640, 480)
    window.tabs.setCurrentIndex(2)
    window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 2
    assert (again.width(), again.height()) == (640, 480)
    again.close()
