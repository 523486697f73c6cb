"""Two windows on one data folder: the second is told, and a crashed holder leaves no stale lock (issue 17, item 8)."""

from __future__ import annotations

import signal

import pytest

from explorer.core import instance_lock
from explorer.core.instance_lock import (
    DataFolderLock,
    claim_data_folder,
    refusal,
    release_data_folder,
)
from tests.core.lock_holder import held_by_another_process


def test_a_second_process_is_refused_and_told_who_has_the_folder(tmp_path):
    with held_by_another_process(tmp_path):
        message = claim_data_folder(tmp_path)
        assert message.startswith(f"Another Neural Dynamics Explorer window has the data folder {tmp_path} open.")
        assert "changes made here are not kept" in message
        assert refusal(tmp_path) == message
    release_data_folder(tmp_path)


def test_the_first_claim_holds_and_claiming_again_is_harmless(tmp_path):
    assert claim_data_folder(tmp_path) is None
    assert claim_data_folder(tmp_path) is None
    assert refusal(tmp_path) is None
    release_data_folder(tmp_path)


@pytest.mark.parametrize("mechanism", ["flock", "exclusive-file"])
def test_a_lock_dies_with_its_process(tmp_path, mechanism):
    with held_by_another_process(tmp_path, mechanism) as holder:
        mine = DataFolderLock(tmp_path, mechanism)
        assert not mine.acquire()
        holder.send_signal(signal.SIGKILL)  # a crash: nothing is cleaned up
        holder.wait()
        assert mine.acquire()
        mine.release()


@pytest.mark.parametrize("mechanism", ["flock", "exclusive-file"])
def test_a_released_lock_can_be_taken(tmp_path, mechanism):
    first, second = DataFolderLock(tmp_path, mechanism), DataFolderLock(tmp_path, mechanism)
    assert first.acquire()
    first.release()
    assert not (tmp_path / "window.lock").exists() or mechanism == "flock"
    assert second.acquire()
    second.release()


def test_a_folder_that_cannot_hold_a_lock_file_is_not_called_in_use(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert claim_data_folder(blocker / "data") is None  # its own writes will say what is wrong
    assert instance_lock.refusal(blocker / "data") is None
