"""Starting the app: runtime settings applied, failures reach the log and a message box,
an unwritable data folder falls back to a temporary one, the CLI dispatch."""

from __future__ import annotations

import json
import logging
import shutil
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from explorer.core import paths
from explorer.qt import app as app_module
from explorer.qt.main_window import MainWindow
from explorer.qt.tab import PlaceholderTab


@pytest.fixture
def started(qapp, monkeypatch):
    """Run ``main()`` with the event loop patched out; record message boxes; close what it opened."""
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(
        "explorer.qt.main_window.default_tabs", lambda: [PlaceholderTab("One", "a"), PlaceholderTab("Two", "b")]
    )
    yield boxes
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) or widget.objectName() == "startupWindow":
            for timer in widget.findChildren(QTimer):  # the torch warm-up must not fire in a later test
                timer.stop()
            widget.close()
            widget.deleteLater()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_explorer", False)]:
        root.removeHandler(handler)
        handler.close()


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_main_applies_runtime_settings_and_shows_the_window(started, monkeypatch):
    splashes = []
    real_startup_window = app_module.startup_window

    def recorded(app):
        splashes.append(real_startup_window(app))
        assert splashes[-1].isVisible() and "Getting ready" in splashes[-1].accessibleDescription()
        return splashes[-1]

    monkeypatch.setattr(app_module, "startup_window", recorded)
    sys.setswitchinterval(0.005)  # Python's default: main() must set the GUI's own
    try:
        assert app_module.main([]) == 0
        assert sys.getswitchinterval() == pytest.approx(app_module.switch_interval())
    finally:
        app_module.configure_runtime()
    windows = _main_windows()
    assert len(windows) == 1 and windows[0].tabs.count() == 2
    assert len(splashes) == 1 and not splashes[0].isVisible()  # the getting-ready window made way
    assert started == []  # no error box
    assert "started" in paths.log_file().read_text()


def test_a_failure_building_the_window_reaches_the_log_and_a_message_box(started, monkeypatch):
    def explode(self, *args, **kwargs):
        raise RuntimeError("tab exploded while loading")

    monkeypatch.setattr(MainWindow, "__init__", explode)
    assert app_module.main([]) == 1
    assert len(started) == 1
    box = started[0]
    assert box.objectName() == "startupErrorBox" and box.icon() == QMessageBox.Icon.Critical
    assert "failed while building the main window" in box.text()
    assert "RuntimeError: tab exploded while loading" in box.text()
    assert str(paths.log_file()) in box.informativeText()
    logged = paths.log_file().read_text()
    assert "start-up failed while building the main window" in logged
    assert "Traceback" in logged and "tab exploded while loading" in logged
    assert _main_windows() == []


def test_an_uncreatable_data_folder_falls_back_to_a_temporary_one(started, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the data folder's parent should be")
    wanted = blocker / "NeuralDynamicsExplorer"
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(wanted))
    assert app_module.main([]) == 0
    used = paths.data_dir()
    try:
        assert used != wanted and used.is_dir()
        window = _main_windows()[0]
        box = window.findChild(QMessageBox, "dataDirFallbackBox")
        assert box is not None and box.isVisible()
        assert str(wanted) in box.text() and str(used) in box.text()
        assert (used / "logs" / "explorer.log").exists()  # the app really writes there instead
    finally:
        shutil.rmtree(used, ignore_errors=True)


def test_cli_dispatch_runs_the_command_line(capsys):
    from explorer.launch import main

    weights = paths.resource("weights/anb2n_srn2.pt")
    assert main(["--cli", "recurrent", "evaluate", "--weights", str(weights), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] == 100.0
    assert main(["--cli", "recurrent", "evaluate", "--weights", "/no/such.pt"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")


def test_help_lists_the_options(capsys):
    assert app_module.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--self-test" in out and "--cli" in out


def test_an_executable_named_cli_is_the_command_line(monkeypatch, capsys):
    from explorer.launch import main

    monkeypatch.setattr(sys, "argv", ["/opt/neural-explorer/neural-explorer-cli"])
    assert main(["mlp", "evaluate", "--reference", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] == 100.0
