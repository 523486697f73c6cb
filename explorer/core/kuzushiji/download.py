"""Download a data set's four official files (KMNIST's IDX, Kuzushiji-49's .npz) from an ordered list of mirrors.

The original host has timed out since March 2026, so each file is tried on
every mirror in turn, with a connect and a read timeout. A file is written to a
``.part`` name, its md5 checked against the published sums (:mod:`.datasets`),
and only then renamed: a partial or wrong file never replaces a good one.

Every download ends, whatever the server does: reads take what has arrived
(``read1``) under a socket timeout, each file has an overall deadline and a
minimum rate (a trickle is a timeout), no file may grow past the size that
file can have (an endless stream is cut off), and :meth:`Cancel.cancel` shuts
the connection down from any thread, so a blocked read returns at once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from explorer.core import paths
from explorer.core.atomic import atomic_write
from explorer.core.errors import UserError
from explorer.core.kuzushiji.dataset import KMNIST, read_folder, store
from explorer.core.kuzushiji.datasets import DATASETS, DataSet
from explorer.core.kuzushiji.datasets import KMNIST as KMNIST_SET
from explorer.core.kuzushiji.http import FOLLOWED_SCHEMES
from explorer.core.kuzushiji.transfer import (  # noqa: F401 - Limits, Cancel, _reason: public here too
    Budget,
    Cancel,
    Connection,
    DownloadCancelled,
    Limits,
    _MirrorFailed,
    _reason,
)
from explorer.core.progress import Progress, ProgressGenerator

DEFAULT_MIRRORS: list[str] = list(KMNIST_SET.mirrors)
MIRRORS_ENV = KMNIST_SET.mirrors_env
MD5S: dict[str, str] = KMNIST_SET.md5s()
"""KMNIST's md5 sums by file name (see :data:`explorer.core.kuzushiji.datasets.KMNIST`)."""
_UNPACKED_SIZES = {f.name: f.size for d in DATASETS.values() for f in d.files}


def max_download_bytes(name: str) -> int:
    """The most an official file can weigh: its unpacked size (gzip or zip never grow data by more than 1 %)."""
    raw = _UNPACKED_SIZES.get(name, max(_UNPACKED_SIZES.values()))
    return raw + raw // 100 + 1024


def configured_mirrors(data_set: DataSet = KMNIST_SET) -> list[str]:
    """The mirror base URLs of ``data_set`` in the order they are tried (e.g. ``EXPLORER_KMNIST_MIRRORS`` overrides).

    Raises
    ------
    UserError
        An entry of the data set's mirrors variable is not an http(s) address;
        the message names the variable and the entry.
    """
    override = os.environ.get(data_set.mirrors_env, "")
    mirrors = [m.strip() for m in override.split(",") if m.strip()]
    return check_mirrors(mirrors, data_set.mirrors_env) if mirrors else list(data_set.mirrors)


def check_mirrors(mirrors: Iterable[str], source: str = "mirror list") -> list[str]:
    """``mirrors`` as a list if every entry is an ``http://`` or ``https://`` address with a host.

    Checked before anything is fetched, so a typo is one clear message naming
    ``source`` (e.g. ``EXPLORER_KMNIST_MIRRORS``) and the entry, not a urllib
    error (``Invalid IPv6 URL``) per file.
    """
    checked = []
    for mirror in mirrors:
        shown = mirror if len(mirror) <= 100 else mirror[:97] + "…"
        problem = ""
        try:
            parts = urlsplit(mirror)
            if parts.scheme.lower() not in FOLLOWED_SCHEMES:
                problem = "it does not start with http:// or https://"
            elif not parts.hostname:
                problem = "it has no host name"
            else:
                parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError as exc:
            problem = str(exc)
        if any(ch.isspace() or ord(ch) < 32 for ch in mirror):
            problem = problem or "it contains spaces or control characters"
        if problem:
            raise UserError(
                f"{source}: {shown!r} is not a usable mirror address ({problem}); "
                "give http(s) base URLs separated by commas"
            )
        checked.append(mirror)
    return checked


def download_dir(data_set: DataSet = KMNIST_SET) -> Path:
    """Where the downloaded files of ``data_set`` are kept (so finished files are not fetched twice)."""
    return paths.subdir("datasets") / data_set.key / "raw"


def download(
    dest_dir: str | os.PathLike | None = None,
    mirrors: Iterable[str] | None = None,
    timeout: tuple[float, float] = (10.0, 30.0),
    chunk: int = 64 * 1024,
    md5s: dict[str, str] | None = None,
    limits: Limits | None = None,
    cancel: Cancel | None = None,
    data_set: DataSet = KMNIST_SET,
) -> ProgressGenerator[KMNIST]:
    """Fetch the four official files of ``data_set``, check their md5, then read and store the data.

    Yields :class:`Progress` in bytes (``total`` grows as each file's size becomes
    known; 0 while none is) and returns the stored data. Closing the
    generator removes the file being fetched and stores nothing. ``timeout`` is
    (connect, read) seconds; ``limits`` bounds each file's time, rate and size
    (a failing mirror is left for the next); ``cancel`` stops it from another
    thread (raising :class:`DownloadCancelled`).
    """
    cancel = cancel or Cancel()
    limits = limits or Limits()
    mirrors = [m if m.endswith("/") else m + "/"
               for m in (check_mirrors(mirrors) if mirrors else configured_mirrors(data_set))]
    md5s = dict(data_set.md5s() if md5s is None else md5s)
    dest = Path(dest_dir) if dest_dir is not None else download_dir(data_set)
    dest.mkdir(parents=True, exist_ok=True)
    names = [f.name for f in data_set.files]
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
                    mirror + name, dest / name, md5s[name], host, state,
                    Budget(timeout, chunk, limits, cancel),
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
    cancel.check()
    yield Progress(done, total, "reading the downloaded files", keep=True)
    data = read_folder(dest, data_set)
    data.source = f"downloaded from {', '.join(used) or 'earlier downloads'} into {dest}"
    store(data)
    return data


def _fetch(
    url: str,
    target: Path,
    md5: str,
    host: str,
    state: dict,
    budget: Budget,
) -> ProgressGenerator[None]:
    """Fetch ``url`` into ``target`` through a temporary file; raise _MirrorFailed with the reason."""
    name = target.name
    cap = max_download_bytes(name)
    # atomic_write: the file takes its name only once the md5 matched; a failing
    # mirror, a cancel or a full disk (a UserError that stops everything) leaves nothing.
    with atomic_write(target) as out:
        with Connection(url, budget) as conn:
            length = conn.response.headers.get("Content-Length", "")
            file_total = int(length) if length.isdigit() else 0
            if file_total > cap:
                raise _MirrorFailed(f"too large ({file_total:,} bytes; {name} is at most {cap:,})")
            state["total"] += file_total
            digest = hashlib.md5(usedforsecurity=False)
            file_bytes = 0
            while block := conn.read():
                file_bytes += len(block)
                if file_bytes > cap:
                    raise _MirrorFailed(f"sent more than {cap:,} bytes, the most {name} can have")
                out.write(block)
                digest.update(block)
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
    state["done"] += file_bytes
    if not file_total:
        state["total"] += file_bytes


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
