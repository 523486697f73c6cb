"""Download the four KMNIST IDX files from an ordered list of mirrors.

The original host has timed out since March 2026, so each file is tried on
every mirror in turn, with a connect and a read timeout. A file is written to a
``.part`` name, its md5 checked against torchvision's published sums, and only
then renamed: a partial or wrong file never replaces a good one.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from explorer.core import paths
from explorer.core.errors import UserError
from explorer.core.kuzushiji.dataset import FILES, KMNIST, read_folder, store
from explorer.core.kuzushiji.http import open_url
from explorer.core.progress import Progress, ProgressGenerator

DEFAULT_MIRRORS: list[str] = [
    "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
    "https://huggingface.co/datasets/tanganke/kmnist/resolve/main/raw/",
]
MIRRORS_ENV = "EXPLORER_KMNIST_MIRRORS"
MD5S: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "bdb82020997e1d708af4cf47b453dcf7",
    "train-labels-idx1-ubyte.gz": "e144d726b3acfaa3e44228e80efcd344",
    "t10k-images-idx3-ubyte.gz": "5c965bf0a639b31b8f53240b1b52f4d7",
    "t10k-labels-idx1-ubyte.gz": "7320c461ea6c1c855c0b718fb2a4b134",
}
"""torchvision's md5 sums of the four ``.gz`` files (``torchvision.datasets.KMNIST.resources``),
copied so that opening the Kuzushiji tab does not import torchvision (seconds at start-up)
and the CPU-only bundle, which has no torchvision, can download too;
``tests/qt/test_startup.py`` checks they still equal torchvision's."""


class _MirrorFailed(Exception):
    """One file could not be fetched from one mirror; the message is the reason."""


def configured_mirrors() -> list[str]:
    """The mirror base URLs in the order they are tried (``EXPLORER_KMNIST_MIRRORS`` overrides)."""
    override = os.environ.get(MIRRORS_ENV, "")
    mirrors = [m.strip() for m in override.split(",") if m.strip()]
    return mirrors or list(DEFAULT_MIRRORS)


def download_dir() -> Path:
    """Where downloaded ``.gz`` files are kept (so finished files are not fetched twice)."""
    return paths.subdir("datasets") / "kmnist" / "raw"


def download(
    dest_dir: str | os.PathLike | None = None,
    mirrors: Iterable[str] | None = None,
    timeout: tuple[float, float] = (10.0, 30.0),
    chunk: int = 64 * 1024,
    md5s: dict[str, str] | None = None,
) -> ProgressGenerator[KMNIST]:
    """Fetch the four IDX ``.gz`` files, check their md5, then read and store the data.

    Yields :class:`Progress` in bytes (``total`` grows as each file's size becomes
    known; 0 while none is) and returns the stored :class:`KMNIST`. Closing the
    generator removes the file being fetched and stores nothing.
    """
    mirrors = [m if m.endswith("/") else m + "/" for m in (mirrors or configured_mirrors())]
    md5s = dict(MD5S if md5s is None else md5s)
    dest = Path(dest_dir) if dest_dir is not None else download_dir()
    dest.mkdir(parents=True, exist_ok=True)
    names = FILES["idx.gz"]
    done = total = 0
    todo, used = [], []
    for name in names:
        present = dest / name
        if present.is_file() and _md5(present) == md5s[name]:
            done += present.stat().st_size
            total += present.stat().st_size
        else:
            todo.append(name)
    yield Progress(
        done,
        total if not todo else 0,
        f"{len(names) - len(todo)} of {len(names)} files already here, fetching {len(todo)}",
        keep=True,
    )
    for name in todo:
        reasons = []
        for mirror in list(mirrors):
            host = urlsplit(mirror).netloc or mirror
            state = {"done": done, "total": total}
            try:
                yield from _fetch(
                    mirror + name, dest / name, md5s[name], host, state, timeout, chunk
                )
            except _MirrorFailed as exc:
                reasons.append(f"{host}: {exc}")
                more = ", trying the next mirror" if len(reasons) < len(mirrors) else ""
                yield Progress(
                    done,
                    total,
                    f"{name} from {host} failed ({exc}){more}",
                    data={"file": name, "mirror": mirror, "error": str(exc)},
                    keep=True,
                )
                continue
            done, total = state["done"], state["total"]
            if host not in used:
                used.append(host)
            # Start the next files on the mirror that worked: a dead host costs one timeout, not four.
            mirrors.remove(mirror)
            mirrors.insert(0, mirror)
            break
        else:
            raise UserError(f"could not download {name}: " + "; ".join(reasons))
    yield Progress(done, total, "reading the downloaded files", keep=True)
    data = read_folder(dest)
    data.source = f"downloaded from {', '.join(used) or 'earlier downloads'} into {dest}"
    store(data)
    return data


def _fetch(
    url: str,
    target: Path,
    md5: str,
    host: str,
    state: dict,
    timeout: tuple[float, float],
    chunk: int,
) -> ProgressGenerator[None]:
    """Fetch ``url`` into ``target`` via a ``.part`` file; raise _MirrorFailed with the reason."""
    name = target.name
    fd, part_name = tempfile.mkstemp(dir=target.parent, prefix=name + ".", suffix=".part")
    part = Path(part_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest = hashlib.md5(usedforsecurity=False)
            with _opened(url, timeout) as response:
                length = response.headers.get("Content-Length", "")
                file_total = int(length) if length.isdigit() else 0
                state["total"] += file_total
                file_bytes = 0
                while True:
                    block = _read(response, chunk)
                    if not block:
                        break
                    out.write(block)
                    digest.update(block)
                    file_bytes += len(block)
                    yield Progress(
                        state["done"] + file_bytes,
                        state["total"],
                        f"{name} from {host}: {_size(file_bytes, file_total)}",
                        data={
                            "file": name,
                            "mirror": url.removesuffix(name),
                            "bytes": state["done"] + file_bytes,
                            "file_bytes": file_bytes,
                            "file_total": file_total,
                        },
                    )
        if file_total and file_bytes != file_total:
            raise _MirrorFailed(f"incomplete ({file_bytes:,} of {file_total:,} bytes)")
        if digest.hexdigest() != md5:
            raise _MirrorFailed("md5 mismatch")
        os.replace(part, target)
        state["done"] += file_bytes
        if not file_total:
            state["total"] += file_bytes
    finally:
        part.unlink(missing_ok=True)


class _opened:
    """Open ``url`` and turn network failures into _MirrorFailed, closing the response."""

    def __init__(self, url: str, timeout: tuple[float, float]):
        self.url, self.timeout, self.response = url, timeout, None

    def __enter__(self):
        try:
            self.response = open_url(self.url, *self.timeout)
        except urllib.error.HTTPError as exc:
            raise _MirrorFailed(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            raise _MirrorFailed(_reason(exc)) from exc
        return self.response

    def __exit__(self, *exc_info):
        self.response.close()


def _read(response, chunk: int) -> bytes:
    try:
        return response.read(chunk)
    except (OSError, http.client.HTTPException) as exc:
        raise _MirrorFailed(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    """A short user-facing reason for a network failure."""
    inner = getattr(exc, "reason", exc)
    if isinstance(inner, TimeoutError) or "timed out" in str(inner):
        return "timed out"
    if isinstance(inner, ConnectionRefusedError):
        return "connection refused"
    if isinstance(inner, socket.gaierror):
        return "host not found (offline?)"
    if isinstance(exc, http.client.IncompleteRead):
        return "connection dropped mid-file"
    return str(inner) or type(inner).__name__


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _size(done: int, total: int) -> str:
    """``"3.2/18.2 MB"`` (or kB for small files); total omitted when unknown."""
    unit, scale = ("MB", 1e6) if max(done, total) >= 1e6 else ("kB", 1e3)
    if not total:
        return f"{done / scale:.1f} {unit}"
    return f"{done / scale:.1f}/{total / scale:.1f} {unit} ({100 * done / total:.0f} %)"
