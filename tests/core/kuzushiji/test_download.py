"""Downloading KMNIST from loopback HTTP mirrors: progress, md5, timeout, cancel, override."""

from __future__ import annotations

import socket
import urllib.error

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.kuzushiji import dataset, download
from explorer.core.kuzushiji.dataset import FILES
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.fakedata import md5s_of

GZ = FILES["idx.gz"]
SHORT = (0.5, 0.5)  # connect/read timeouts for loopback servers


@pytest.fixture
def served(tmp_path, write_kmnist_folder):
    """Mirror folders ``good`` and ``bad`` (same names, wrong train images) and the good md5s."""
    arrays = write_kmnist_folder(tmp_path / "mirror" / "good", n_train=300, n_test=50)
    write_kmnist_folder(tmp_path / "mirror" / "bad", n_train=300, n_test=50, seed=9)
    return tmp_path / "mirror", arrays, md5s_of(tmp_path / "mirror" / "good")


def _same(data: dataset.KMNIST, arrays) -> bool:
    return all(np.array_equal(getattr(data, p).numpy(), arrays[p]) for p in dataset.PARTS)


def test_download_reports_progress_and_stores_what_was_served(tmp_path, served, serve_folder):
    root, arrays, md5s = served
    base = serve_folder(root)
    records = []
    data = run_to_end(
        download.download(tmp_path / "dl", [base + "good/"], SHORT, chunk=4096, md5s=md5s),
        records.append,
    )
    assert _same(data, arrays)
    assert _same(dataset.load_stored(), arrays)
    assert data.describe() == (
        f"300 training / 50 test images, downloaded from {base[7:-1]} into {tmp_path / 'dl'}"
    )
    sizes = sum((root / "good" / n).stat().st_size for n in GZ)
    assert records[-1].done == records[-1].total == sizes
    dones = [r.done for r in records]
    totals = [r.total for r in records]
    assert dones == sorted(dones) and totals == sorted(totals)
    chunks = [r for r in records if "file_bytes" in r.data]
    assert len(chunks) > 10
    assert {r.data["file"] for r in chunks} == set(GZ)
    first = chunks[0]
    assert first.data["mirror"] == base + "good/"
    assert first.data["file_total"] == (root / "good" / GZ[0]).stat().st_size
    assert first.message.startswith(f"{GZ[0]} from 127.0.0.1:")
    assert " kB (" in first.message
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(GZ)


def test_md5_mismatch_falls_back_to_next_mirror(tmp_path, served, serve_folder):
    root, arrays, md5s = served
    base = serve_folder(root)
    records = []
    data = run_to_end(
        download.download(tmp_path / "dl", [base + "bad/", base + "good/"], SHORT, md5s=md5s),
        records.append,
    )
    assert _same(data, arrays)
    errors = [r.data["error"] for r in records if "error" in r.data]
    assert errors == ["md5 mismatch"]  # later files start on the mirror that worked


def test_redirects_are_followed(tmp_path, served, serve_folder):
    root, arrays, md5s = served
    base = serve_folder(root)
    data = run_to_end(
        download.download(tmp_path / "dl", [base + "redirect/good/"], SHORT, md5s=md5s)
    )
    assert _same(data, arrays)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("to-file/", "redirected to 'file:///etc/passwd', which is not an http or https address"),
        ("to-ftp/", "redirected to 'ftp://127.0.0.1:"),
        ("loop/", "redirect loop"),
    ],
)
def test_redirects_lead_only_to_http_and_a_loop_is_named(tmp_path, served, serve_folder, path, expected):
    root, arrays, md5s = served
    base = serve_folder(root)
    with pytest.raises(UserError) as err:
        run_to_end(download.download(tmp_path / "dl", [base + path], SHORT, md5s=md5s))
    assert expected in str(err.value) and "HTTP 302" not in str(err.value), err.value
    assert list((tmp_path / "dl").iterdir()) == []


@pytest.mark.parametrize("bad", ["http://[::1", "codh.rois.ac.jp/kmnist/", "ftp://127.0.0.1/kmnist/",
                                 "file:///etc/", "http:///no-host/", "http://127.0.0.1:port/"])
def test_a_bad_mirror_in_the_environment_is_named_before_anything_is_fetched(monkeypatch, capsys, bad):
    from explorer.cli import main

    monkeypatch.setenv(download.MIRRORS_ENV, f"https://example.org/kmnist/,{bad}")
    with pytest.raises(UserError) as err:
        download.configured_mirrors()
    assert str(err.value).startswith(f"{download.MIRRORS_ENV}: {bad!r} is not a usable mirror address")
    assert main(["kuzushiji", "data", "--download"]) == 2
    err_lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err_lines) == 1 and err_lines[0].startswith(f"error: {download.MIRRORS_ENV}: "), err_lines
    assert not download.download_dir().joinpath("train-images-idx3-ubyte.gz").exists()


def test_network_failures_read_plainly():
    offline = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    assert download._reason(offline) == "host not found (offline?)"
    assert download._reason(urllib.error.URLError(ConnectionRefusedError(111, "refused"))) == (
        "connection refused"
    )
    assert download._reason(TimeoutError("The read operation timed out")) == "timed out"


def test_silent_mirror_times_out_and_next_one_is_used(
    tmp_path, served, serve_folder, hanging_server
):
    root, arrays, md5s = served
    base = serve_folder(root)
    records = []
    data = run_to_end(
        download.download(tmp_path / "dl", [hanging_server, base + "good/"], SHORT, md5s=md5s),
        records.append,
    )
    assert _same(data, arrays)
    assert [r.data["error"] for r in records if "error" in r.data] == ["timed out"]


def test_all_mirrors_failing_lists_each_reason(tmp_path, served, serve_folder, hanging_server):
    root, arrays, md5s = served
    base = serve_folder(root)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    closed.close()  # nothing listens there any more
    mirrors = [hanging_server, base + "nothing-here/", closed_url, base + "bad/"]
    with pytest.raises(UserError) as err:
        run_to_end(download.download(tmp_path / "dl", mirrors, SHORT, md5s=md5s))
    message = str(err.value)
    assert message.startswith(f"could not download {GZ[0]}: ")
    for reason in ("timed out", "HTTP 404", "connection refused", "md5 mismatch"):
        assert reason in message
    assert dataset.load_stored() is None
    assert list((tmp_path / "dl").iterdir()) == []


def test_cancel_leaves_no_part_file_and_keeps_the_old_store(
    tmp_path, served, serve_folder, write_kmnist_folder
):
    old = write_kmnist_folder(tmp_path / "old", n_train=20, n_test=10, seed=3)
    dataset.import_folder(tmp_path / "old")
    root, arrays, md5s = served
    gen = download.download(
        tmp_path / "dl", [serve_folder(root) + "good/"], SHORT, chunk=1024, md5s=md5s
    )
    for record in gen:
        if 0 < record.data.get("file_bytes", 0) < record.data.get("file_total", 0):
            break
    assert list((tmp_path / "dl").glob("*.part"))  # the download was really under way
    gen.close()
    assert list((tmp_path / "dl").iterdir()) == []
    assert _same(dataset.load_stored(), old)


def test_good_files_already_present_are_not_fetched_again(tmp_path, served, serve_folder):
    root, arrays, md5s = served
    dest = tmp_path / "dl"
    dest.mkdir()
    for name in GZ[:3]:
        (dest / name).write_bytes((root / "good" / name).read_bytes())
    (dest / GZ[3]).write_bytes(b"stale")  # wrong md5: fetched again and replaced
    records = []
    data = run_to_end(
        download.download(dest, [serve_folder(root) + "good/"], SHORT, md5s=md5s), records.append
    )
    assert _same(data, arrays)
    assert {r.data["file"] for r in records if "file" in r.data} == {GZ[3]}
    assert md5s_of(dest) == md5s


def test_environment_overrides_the_mirror_list(tmp_path, served, serve_folder, monkeypatch):
    root, arrays, md5s = served
    base = serve_folder(root)
    monkeypatch.setenv(download.MIRRORS_ENV, f" {base}nothing-here , {base}good/ ,")
    assert download.configured_mirrors() == [f"{base}nothing-here", f"{base}good/"]
    records = []
    data = run_to_end(download.download(md5s=md5s, timeout=SHORT), records.append)
    assert _same(data, arrays)
    assert [r.data["error"] for r in records if "error" in r.data] == ["HTTP 404"]
    assert sorted(p.name for p in download.download_dir().iterdir()) == sorted(GZ)


def test_default_mirrors_and_md5s():
    assert download.configured_mirrors() == download.DEFAULT_MIRRORS
    assert download.DEFAULT_MIRRORS[0].startswith("http://codh.rois.ac.jp/")
    assert "huggingface.co" in download.DEFAULT_MIRRORS[1]
    assert sorted(download.MD5S) == sorted(GZ)
    assert all(len(md5) == 32 for md5 in download.MD5S.values())
