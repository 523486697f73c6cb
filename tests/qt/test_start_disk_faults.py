"""Starting the app on an unlucky disk: a log file that cannot be written, a data folder that is a file,
temporaries left by a write that was killed."""

from __future__ import annotations

import logging
import os
import shutil
import time

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from explorer.core import paths
from explorer.qt import app as app_module
from explorer.qt.main_window import MainWindow
from tests.qt.test_app import started  # noqa: F401 - the fixture that runs main() without its event loop


def _window() -> MainWindow:
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return window


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a device that is always full")
def test_a_log_file_on_a_full_disk_costs_one_line_and_a_status_message(started, capfd, qtbot):  # noqa: F811
    # The log file is /dev/full: every write fails with ENOSPC, as on a full data folder.
    logs = paths.subdir("logs")
    (logs / "explorer.log").symlink_to("/dev/full")
    assert app_module.main([]) == 0
    for n in range(5):
        logging.getLogger("explorer.test").warning("record %d that cannot be written", n)
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err
    warnings = [line for line in err.splitlines() if "could not write the log file" in line]
    assert warnings == [f"warning: could not write the log file {logs / 'explorer.log'}: disk full; "
                        "logging is off for this session"], err
    window = _window()
    qtbot.waitUntil(lambda: "could not write the log file" in window.statusBar().currentMessage())
    assert os.path.realpath(logs / "explorer.log") == "/dev/full"  # nothing replaced the device


def test_a_data_folder_that_is_a_file_falls_back_to_a_temporary_one(started, monkeypatch, tmp_path):  # noqa: F811
    blocker = tmp_path / "data-is-a-file"
    blocker.write_text("EXPLORER_DATA_DIR points here")
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(blocker))
    assert app_module.main([]) == 0
    used = paths.data_dir()
    try:
        assert used != blocker and used.is_dir()
        box = _window().findChild(QMessageBox, "dataDirFallbackBox")
        assert box is not None and box.isVisible()
        assert str(blocker) in box.text() and "it is a file, not a folder" in box.text()
        assert "Errno" not in box.text()
        assert blocker.read_text() == "EXPLORER_DATA_DIR points here"
    finally:
        shutil.rmtree(used, ignore_errors=True)


def test_temporaries_of_a_killed_write_are_removed_at_start(started):  # noqa: F811
    # What SIGKILL in the middle of saving weights or downloading leaves (atomic_write's temporary names),
    # from an earlier session; files the app did not make, and the finished files, stay.
    leftovers = [paths.subdir("checkpoints") / ".kuzushiji_conv.pt.0a1b2c3d.part",
                 paths.subdir("datasets") / "kmnist" / "raw" / ".train-images-idx3-ubyte.gz.deadbeef.part"]
    kept = [paths.subdir("checkpoints") / "kuzushiji_conv.pt", paths.subdir("checkpoints") / ".my notes.part"]
    an_hour_ago = time.time() - 3600
    for path in leftovers + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert app_module.main([]) == 0
    assert [p for p in leftovers if p.exists()] == []
    assert all(p.exists() for p in kept)
    assert "left by a write that was cut off" in paths.log_file().read_text()
