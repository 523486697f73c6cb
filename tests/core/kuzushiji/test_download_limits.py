"""Downloads that always end: trickle, silence, endless streams, cancel from another thread, gzip bombs.

Deadlines are parameters, so each case ends in about a second here; the
defaults (minutes) are what users get.
"""

from __future__ import annotations

import errno
import gzip
import struct
import threading

import pytest

from explorer.core import atomic
from explorer.core.errors import UserError
from explorer.core.kuzushiji import download, formats
from explorer.core.kuzushiji.dataset import FILES
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.fakedata import (
    hanging_server,
    md5s_of,
    slow_headers_server,
    slow_start_server,
    streaming_server,
    unreachable_server,
)

FIRST = FILES["idx.gz"][0]  # train-images, the first file fetched
SHORT = (0.5, 0.5)


def _fails(tmp_path, url, expected, *, timeout=SHORT, limits=None):
    with pytest.raises(UserError) as err:
        run_to_end(download.download(tmp_path / "dl", [url], timeout, limits=limits))
    message = str(err.value)
    assert message.startswith(f"could not download {FIRST}: ") and expected in message, message
    assert list((tmp_path / "dl").iterdir()) == []  # no .part file left behind


def test_a_trickle_is_a_timeout(tmp_path):
    # 1 kB every 0.2 s always beats the 0.5 s read timeout, so only the rate can stop it.
    with streaming_server(length=18_000_000, every=0.2) as url:
        _fails(tmp_path, url, "too slow", limits=download.Limits(min_rate=20_000, rate_grace=0.0, rate_window=0.6))


def test_the_default_minimum_rate_makes_a_5_kB_trickle_a_timeout(tmp_path):
    # reliability.md: 1 kB every 0.2 s is a timeout. Only the grace and window are shortened here;
    # the rate is the default users get (10 kB/s, after 10 s of grace, over 30 s windows).
    with streaming_server(length=18_000_000, every=0.2) as url:
        _fails(tmp_path, url, "too slow", limits=download.Limits(rate_grace=0.2, rate_window=0.6))


def test_a_slow_start_within_the_grace_period_still_downloads(tmp_path, write_kmnist_folder):
    # The first half second comes at 1 kB/s, far below the minimum; the grace period forgives it.
    write_kmnist_folder(tmp_path / "mirror", n_train=100, n_test=20)
    md5s = md5s_of(tmp_path / "mirror")
    with slow_start_server(tmp_path / "mirror", slow_for=0.5) as url:
        forgiving = download.Limits(min_rate=50_000, rate_grace=1.0, rate_window=0.3)
        data = run_to_end(download.download(tmp_path / "ok", [url], SHORT, md5s=md5s, limits=forgiving))
        assert len(data.train_images) == 100
        # The same start with no grace is a trickle.
        strict = download.Limits(min_rate=50_000, rate_grace=0.0, rate_window=0.3)
        with pytest.raises(UserError, match="too slow"):
            run_to_end(download.download(tmp_path / "strict", [url], SHORT, md5s=md5s, limits=strict))


def test_headers_sent_a_byte_at_a_time_end_at_the_file_deadline(tmp_path):
    # Every byte beats the 30 s read timeout: only the one deadline over connect, headers and body ends it.
    with slow_headers_server(every=0.02) as url:
        _fails(tmp_path, url, "timed out (over 1 s for one file)", timeout=(0.5, 30.0),
               limits=download.Limits(file_deadline=1.0))


def test_headers_must_be_complete_within_the_connect_and_read_timeouts(tmp_path):
    with slow_headers_server(every=0.02) as url:
        _fails(tmp_path, url, "timed out (no complete response headers within 1 s)")


def test_each_file_has_an_overall_deadline(tmp_path):
    # Fast enough for the rate rule, but a file may not take longer than its deadline.
    with streaming_server(length=18_000_000, every=0.01) as url:
        _fails(tmp_path, url, "over 1 s for one file",
               limits=download.Limits(file_deadline=1.0, min_rate=1, rate_window=100))


def test_silence_after_the_headers_ends_at_the_deadline(tmp_path):
    # A 30 s read timeout, but the file's 1 s deadline narrows every wait.
    with streaming_server(length=18_000_000, head_only=True) as url:
        _fails(tmp_path, url, "timed out", timeout=(0.5, 30.0),
               limits=download.Limits(file_deadline=1.0))


def test_an_endless_stream_is_cut_at_the_largest_possible_file(tmp_path):
    with streaming_server(length=None, block=b"\0" * 65536) as url:
        _fails(tmp_path, url, f"sent more than {download.max_download_bytes(FIRST):,} bytes")


def test_an_announced_size_too_large_is_refused_before_reading(tmp_path):
    with streaming_server(length=10**12, head_only=True) as url:
        _fails(tmp_path, url, "too large (1,000,000,000,000 bytes")


@pytest.mark.parametrize("server", ["unreachable", "silent", "trickle"])
def test_cancel_from_another_thread_ends_a_blocked_read(tmp_path, server):
    cancel = download.Cancel()
    outcome: list[BaseException] = []
    started = threading.Event()

    def run(url):
        def seen(record):
            started.set()
        try:
            run_to_end(download.download(tmp_path / "dl", [url], (30.0, 30.0), cancel=cancel), seen)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    context = {
        "unreachable": unreachable_server,  # cancel while connecting (connect timeout 30 s)
        "silent": hanging_server,
        "trickle": lambda: streaming_server(length=18_000_000, every=5.0),
    }[server]()
    with context as url:
        worker = threading.Thread(target=run, args=(url,), daemon=True)
        worker.start()
        assert started.wait(5)  # the first record: the connection is being opened
        waited = threading.Event()
        if server == "unreachable":
            waited.wait(0.3)  # now in connect, which no socket shutdown can reach
        while server != "unreachable" and cancel.connections == 0 and worker.is_alive():
            waited.wait(0.01)  # connected, now blocked reading
        cancel.cancel()
        worker.join(5)  # the read timeout is 30 s: only the cancel can end it this soon
        assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], download.DownloadCancelled), outcome
    assert list((tmp_path / "dl").glob("*.part")) == []


def _idx_header(count):
    return struct.pack(">HBB", 0, 8, 3) + struct.pack(">III", count, 28, 28)


def test_a_gzip_bomb_is_refused_once_it_outgrows_any_kmnist_file(tmp_path):
    bomb = tmp_path / "train-images-idx3-ubyte.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        out.write(_idx_header(200_000))
        zeros = b"\0" * (1 << 20)
        for _ in range(200):  # 200 MB unpacked, a few hundred kB packed
            out.write(zeros)
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(UserError, match=rf"{bomb.name}: unpacks to more than {16 + 200_000 * 28 * 28:,} bytes"):
        formats.read_idx(bomb)


def test_a_full_size_file_still_unpacks(tmp_path):
    good = tmp_path / "t10k-labels-idx1-ubyte.gz"
    with gzip.open(good, "wb") as out:
        out.write(struct.pack(">HBB", 0, 8, 1) + struct.pack(">I", 10_000) + bytes(10_000))
    assert formats.read_idx(good).shape == (10_000,)


def test_a_full_disk_stops_the_download_with_a_message(tmp_path, write_kmnist_folder, serve_folder, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    write_kmnist_folder(tmp_path / "mirror" / "good", n_train=300, n_test=50)
    md5s = md5s_of(tmp_path / "mirror" / "good")
    base = serve_folder(tmp_path / "mirror")
    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(UserError, match=rf"could not write .*{FIRST}: disk full"):
        run_to_end(download.download(tmp_path / "dl", [base + "good/", base + "good/"], SHORT, md5s=md5s))
    assert list((tmp_path / "dl").iterdir()) == []
