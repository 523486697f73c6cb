"""All-or-nothing writes: a failed write keeps the old file and says why."""

from __future__ import annotations

import errno
import os

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
