"""All-or-nothing writes: a failed write keeps the old file and says why."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.core import atomic
from explorer.core.atomic import atomic_write, write_bytes, write_text
from explorer.core.errors import UserError


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "w.json"
    write_text(target, "old")
    write_text(target, "new\n")
    assert target.read_text() == "new\n"
    write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(target.parent) == []


def test_an_error_midway_keeps_the_old_file(tmp_path):
    target = tmp_path / "w.csv"
    write_text(target, "good")
    with pytest.raises(UserError, match=r"could not write .*w\.csv: disk full"):
        with atomic_write(target, "w") as fh:
            fh.write("half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "good"
    assert _leftovers(tmp_path) == []


def test_a_full_disk_at_fsync_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "w.bin"
    write_bytes(target, b"good")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(UserError, match="disk full"):
        write_bytes(target, b"new" * 1000)
    assert target.read_bytes() == b"good"
    assert _leftovers(tmp_path) == []


def test_torch_runtime_error_becomes_a_message(tmp_path):
    target = tmp_path / "net.pt"
    write_bytes(target, b"good")
    with pytest.raises(UserError, match=r"net\.pt: .*disk full"):
        with atomic_write(target) as fh:
            fh.write(b"PK")
            raise RuntimeError("[enforce fail at inline_container.cc:672] . PytorchStreamWriter failed writing file data/0: file write failed")
    assert target.read_bytes() == b"good"


def test_a_bug_in_the_block_is_not_disguised(tmp_path):
    target = tmp_path / "x"
    with pytest.raises(TypeError):
        with atomic_write(target) as fh:
            fh.write("text into a binary file")
    assert not target.exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_a_read_only_folder_is_named(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "w.txt").write_text("good")
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match=r"could not write .*w\.txt: .*read-only"):
            write_text(folder / "w.txt", "new")
        assert (folder / "w.txt").read_text() == "good"
    finally:
        folder.chmod(0o755)


def test_the_mode_of_the_replaced_file_is_kept(tmp_path):
    target = tmp_path / "w.txt"
    write_text(target, "a")
    target.chmod(0o640)
    write_text(target, "b")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_read_only_file_system_is_named(tmp_path, monkeypatch):
    target = tmp_path / "w.txt"
    write_text(target, "good")

    def read_only(src, dst):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic.os, "replace", read_only)
    with pytest.raises(UserError, match=r"could not write .*w\.txt: read-only file system"):
        write_text(target, "new")
    assert target.read_text() == "good"
    assert _leftovers(tmp_path) == []


def test_a_read_only_mount_is_named_and_the_old_file_kept(tmp_path):
    from tests.read_only_mount import run_with_read_only, why_not_available

    if why_not_available():
        pytest.skip(why_not_available())
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "w.txt").write_text("good")
    script = (
        "import sys\n"
        "from explorer.core.atomic import write_text\n"
        "from explorer.core.errors import UserError\n"
        "try:\n"
        "    write_text(sys.argv[1], 'new')\n"
        "except UserError as exc:\n"
        "    print(exc)\n"
    )
    done = run_with_read_only(folder, [sys.executable, "-c", script, str(folder / "w.txt")])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"could not write {folder / 'w.txt'}: read-only file system"
    assert (folder / "w.txt").read_text() == "good"
    assert _leftovers(folder) == []


def _special_files(tmp_path):
    """A FIFO, a symbolic link, a folder and (as root) a copy of the /dev/full device node."""
    made = {"a named pipe (FIFO)": tmp_path / "fifo", "a symbolic link": tmp_path / "link",
            "a folder": tmp_path / "folder"}
    os.mkfifo(made["a named pipe (FIFO)"])
    (tmp_path / "linked.txt").write_text("kept")
    made["a symbolic link"].symlink_to(tmp_path / "linked.txt")
    made["a folder"].mkdir()
    try:
        os.mknod(tmp_path / "full", 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
        made["a device"] = tmp_path / "full"
    except PermissionError:
        pass
    return made


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and device nodes are POSIX")
def test_only_a_regular_file_is_ever_replaced(tmp_path):
    for kind, path in _special_files(tmp_path).items():
        before = os.lstat(path)
        with pytest.raises(UserError) as err:
            write_bytes(path, b"weights")
        assert str(err.value) == f"could not write {path}: it is {kind}, not a regular file (nothing was replaced)"
        after = os.lstat(path)
        assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert (tmp_path / "linked.txt").read_text() == "kept"
    assert _leftovers(tmp_path) == []


def test_a_file_where_the_folder_should_be_is_named(tmp_path):
    (tmp_path / "checkpoints").write_text("not a folder")
    with pytest.raises(UserError, match=r"checkpoints is a file, not a folder"):
        write_bytes(tmp_path / "checkpoints" / "net.pt", b"x")


def _writer(folder):
    """A second process in the middle of an atomic write into ``folder`` (it sleeps there); and its temporary."""
    script = (
        "import sys, time\n"
        "from explorer.core.atomic import atomic_write\n"
        "with atomic_write(sys.argv[1]) as fh:\n"
        "    fh.write(b'half a checkpoint')\n"
        "    fh.flush()\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(120)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(folder / "net.pt")], stdout=subprocess.PIPE,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert writer.stdout.readline() == b"writing\n"
    except BaseException:
        _kill(writer)
        raise
    (leftover,) = _leftovers(folder)
    return writer, folder / leftover


def _kill(writer):
    writer.send_signal(signal.SIGKILL)
    writer.wait(30)
    writer.stdout.close()


def _killed_writer(folder):
    """A second process that is SIGKILLed in the middle of an atomic write into ``folder``; returns the leftover."""
    writer, leftover = _writer(folder)
    _kill(writer)
    return leftover


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to see which files are open")
def test_a_temporary_another_process_is_still_writing_is_left_alone(tmp_path):
    # Another instance of the app, started earlier, downloading or saving right now.
    writer, part = _writer(tmp_path / "data" / "checkpoints")
    try:
        assert atomic.remove_leftover_parts(tmp_path / "data", before=time.time() + 1) == []
        assert part.exists()
    finally:
        _kill(writer)
    assert atomic.remove_leftover_parts(tmp_path / "data", before=time.time() + 1) == [part]


def test_leftovers_of_a_killed_writer_are_removed_and_nothing_else(tmp_path):
    data = tmp_path / "data"
    leftover = _killed_writer(data / "checkpoints")
    kept = [data / "checkpoints" / "net.pt", data / "checkpoints" / ".notes.part", data / ".top.1234abcd.part",
            data / "work" / "mlp" / "arrays.npz"]
    for path in kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"keep me")
    deep = data / "work" / "mlp" / ".arrays.npz.0a1b2c3d.part"
    deep.write_bytes(b"half")
    # Written before this process started: nothing is removed.
    assert atomic.remove_leftover_parts(data, before=leftover.stat().st_mtime - 1) == []
    removed = atomic.remove_leftover_parts(data, before=time.time() + 1)
    assert sorted(removed) == sorted([leftover, deep])
    assert all(path.read_bytes() == b"keep me" for path in kept)
