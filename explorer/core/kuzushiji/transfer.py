"""Reading one HTTP response so that it always ends: deadline, minimum rate, cancel.

:func:`~explorer.core.kuzushiji.download.download` reads every file through a
:class:`Connection`. Reads take what has arrived (``read1``) under a socket
timeout narrowed to the file's deadline; a rate below ``Limits.min_rate`` over
a window is a timeout (a trickle otherwise never ends); and :class:`Cancel`
shuts the socket down from any thread, which wakes a blocked read at once.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.core.kuzushiji.http import open_url


@dataclass(frozen=True)
class Limits:
    """When a download counts as failed, however the server behaves.

    Attributes
    ----------
    file_deadline : float
        Seconds one file may take in all (connect, headers and body).
    min_rate : float
        Bytes per second a file must average over each ``rate_window``.
    rate_window : float
        Seconds over which the rate is measured (the first window starts with the body).
    """

    file_deadline: float = 1800.0
    min_rate: float = 2048.0
    rate_window: float = 30.0


class DownloadCancelled(UserError):
    """The download was cancelled (by :meth:`Cancel.cancel`)."""


class Cancel:
    """Cancels a running :func:`download` from any thread, within a fraction of a second.

    Closing the generator only takes effect at its next ``yield``, which a
    read blocked on a silent server may not reach for the whole read timeout.
    :meth:`cancel` also shuts down the open connection, so that read returns
    at once; the generator then raises :class:`DownloadCancelled`.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._event.is_set()

    @property
    def connections(self) -> int:
        """How many connections are open now (and would be shut by :meth:`cancel`)."""
        with self._lock:
            return len(self._sockets)

    def cancel(self) -> None:
        """Stop the download: safe to call from any thread, any number of times."""
        self._event.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def attach(self, sock: socket.socket) -> None:
        """Follow ``sock`` (shut it down now if already cancelled)."""
        with self._lock:
            self._sockets.add(sock)
        if self.cancelled:
            _shut(sock)

    def detach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def check(self) -> None:
        """Raise :class:`DownloadCancelled` if cancelled."""
        if self.cancelled:
            raise DownloadCancelled("download cancelled")


def _shut(sock: socket.socket) -> None:
    # shutdown (not just close) wakes a recv blocked in another thread.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _MirrorFailed(Exception):
    """One file could not be fetched from one mirror; the message is the reason."""


@dataclass
class Budget:
    """What one file may use: timeouts, read size, limits, and the cancel switch."""

    timeout: tuple[float, float]
    chunk: int
    limits: Limits
    cancel: Cancel


class Connection:
    """One response, read under a deadline, a minimum rate and the cancel switch.

    Network failures become _MirrorFailed (try the next mirror); a cancel
    becomes DownloadCancelled (stop everything).
    """

    def __init__(self, url: str, budget: Budget):
        self.url, self.budget, self.response = url, budget, None
        self.sockets: list[socket.socket] = []
        self.started = time.monotonic()
        self.deadline = self.started + budget.limits.file_deadline
        self.window_start, self.window_bytes = self.started, 0

    def _on_socket(self, sock: socket.socket) -> None:
        self.sockets.append(sock)
        sock.settimeout(self._read_timeout())
        self.budget.cancel.attach(sock)

    def _read_timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _MirrorFailed(f"timed out (over {self.budget.limits.file_deadline:g} s for one file)")
        return min(self.budget.timeout[1], left)

    def __enter__(self):
        self.budget.cancel.check()
        try:
            self.response = open_url(self.url, self.budget.timeout[0], self.budget.timeout[1],
                                     self._on_socket, lambda: self.budget.cancel.cancelled)
        except urllib.error.HTTPError as exc:
            exc.close()
            self._release()
            raise _MirrorFailed(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            self._release()
            self.budget.cancel.check()
            raise _MirrorFailed(_reason(exc)) from exc
        except BaseException:
            self._release()
            raise
        self.window_start = time.monotonic()
        return self

    def read(self) -> bytes:
        """What has arrived (at most one chunk), ``b""`` at the end; raises on a timeout or a cancel."""
        timeout = self._read_timeout()
        for sock in self.sockets[-1:]:
            with contextlib.suppress(OSError):
                sock.settimeout(timeout)
        try:
            # read1 returns as soon as some data is there: a read(64 KiB) would
            # wait for all 64 KiB, and a trickle would never time out.
            block = self.response.read1(self.budget.chunk)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self.budget.cancel.check()
            if time.monotonic() >= self.deadline:
                self._read_timeout()  # the wait was cut short by the deadline: say so
            raise _MirrorFailed(_reason(exc)) from exc
        self.budget.cancel.check()
        self._check_rate(len(block))
        return block

    def _check_rate(self, size: int) -> None:
        limits = self.budget.limits
        self.window_bytes += size
        now = time.monotonic()
        if now - self.window_start >= limits.rate_window:
            rate = self.window_bytes / (now - self.window_start)
            if rate < limits.min_rate:
                raise _MirrorFailed(
                    f"timed out (too slow: {rate:,.0f} bytes/s, at least {limits.min_rate:,.0f} needed)"
                )
            self.window_start, self.window_bytes = now, 0

    def _release(self) -> None:
        for sock in self.sockets:
            self.budget.cancel.detach(sock)

    def __exit__(self, *exc_info):
        self._release()
        if self.response is not None:
            self.response.close()


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
