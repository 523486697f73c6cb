"""Reading one HTTP response so that it always ends: deadline, minimum rate, cancel.

:func:`~explorer.core.kuzushiji.download.download` reads every file through a
:class:`Connection`. One deadline per file covers everything: connecting, the
response headers and the body. A watchdog shuts the socket down when it
passes, so a server that sends its headers a byte a second cannot outlast it
(socket timeouts only bound each single wait). The headers must also be
complete within the connect and read timeouts together. Body reads take what
has arrived (``read1``); after a grace period a rate below ``Limits.min_rate``
over a window is a timeout (a trickle otherwise never ends); and
:class:`Cancel` shuts the socket down from any thread, which wakes a blocked
read at once.
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
        Bytes per second a file must average over each ``rate_window``. The
        default, 10 kB/s, is the slowest rate at which the largest KMNIST file
        (18.2 MB) could finish within the default deadline anyway; a trickle of
        5 kB/s (1 kB every 0.2 s) fails after ``rate_grace + rate_window`` (40 s).
    rate_window : float
        Seconds over which the rate is measured (windows follow each other).
    rate_grace : float
        Seconds after the body starts before the first window opens: a slow
        start (TCP ramping up, a mirror waking) is not held against it.
    """

    file_deadline: float = 1800.0
    min_rate: float = 10_000.0
    rate_window: float = 30.0
    rate_grace: float = 10.0


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
    """One response, read under one deadline, a minimum rate and the cancel switch.

    Network failures become _MirrorFailed (try the next mirror); a cancel
    becomes DownloadCancelled (stop everything).
    """

    def __init__(self, url: str, budget: Budget):
        self.url, self.budget, self.response = url, budget, None
        self.sockets: list[socket.socket] = []
        self.started = time.monotonic()
        self.deadline = self.started + budget.limits.file_deadline
        # The headers are a few hundred bytes: they come within the two timeouts or not at all.
        self.headers_due = min(self.deadline, self.started + budget.timeout[0] + budget.timeout[1])
        self.window_start, self.window_bytes = self.started, 0
        self.expired: str | None = None  # why the watchdog shut the connection
        self._watchdog: threading.Timer | None = None
        self._lock = threading.Lock()

    # -- the watchdog: the one deadline, whatever phase the connection is in
    def _arm(self, due: float, why: str) -> None:
        self._disarm()
        timer = threading.Timer(max(0.0, due - time.monotonic()), self._expire, args=(why,))
        timer.daemon = True
        timer.name = "explorer-download-deadline"
        self._watchdog = timer
        timer.start()

    def _disarm(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    def _expire(self, why: str) -> None:
        with self._lock:
            self.expired = why
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)

    def _deadline_message(self) -> str:
        return f"timed out (over {self.budget.limits.file_deadline:g} s for one file)"

    def _headers_message(self) -> str:
        waited = min(self.headers_due - self.started, self.budget.limits.file_deadline)
        if self.headers_due >= self.deadline:
            return self._deadline_message()
        return f"timed out (no complete response headers within {waited:g} s)"

    def _past_deadline(self) -> bool:
        return self.expired is not None or time.monotonic() >= self.deadline

    def _on_socket(self, sock: socket.socket) -> None:
        with self._lock:
            self.sockets.append(sock)
            expired = self.expired
        self.budget.cancel.attach(sock)
        if expired:
            _shut(sock)
            return
        sock.settimeout(max(0.001, min(self.budget.timeout[1], self.deadline - time.monotonic())))

    def _read_timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0 or self.expired:
            raise _MirrorFailed(self._deadline_message())
        return min(self.budget.timeout[1], left)

    def __enter__(self):
        self.budget.cancel.check()
        self._arm(self.headers_due, "headers")
        connect_timeout = max(0.001, min(self.budget.timeout[0], self.deadline - time.monotonic()))
        try:
            self.response = open_url(
                self.url, connect_timeout, self.budget.timeout[1], self._on_socket,
                lambda: self.budget.cancel.cancelled or self._past_deadline(),
            )
        except urllib.error.HTTPError as exc:
            exc.close()
            self._release()
            raise _MirrorFailed(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            self._release()
            self.budget.cancel.check()
            if self.expired or time.monotonic() >= self.headers_due:
                raise _MirrorFailed(self._headers_message()) from exc
            raise _MirrorFailed(_reason(exc)) from exc
        except BaseException:
            self._release()
            raise
        if self.expired:  # the headers were complete just as the watchdog fired
            self._release()
            self.response.close()
            raise _MirrorFailed(self._headers_message())
        self._arm(self.deadline, "deadline")
        body_start = time.monotonic()
        self.window_start, self.window_bytes = body_start + self.budget.limits.rate_grace, 0
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
            if self._past_deadline():
                raise _MirrorFailed(self._deadline_message()) from exc
            raise _MirrorFailed(_reason(exc)) from exc
        self.budget.cancel.check()
        if self.expired:  # the watchdog shut the socket: what came before is not the file
            raise _MirrorFailed(self._deadline_message())
        self._check_rate(len(block))
        return block

    def _check_rate(self, size: int) -> None:
        limits = self.budget.limits
        now = time.monotonic()
        if now < self.window_start:  # still in the grace period
            return
        self.window_bytes += size
        if now - self.window_start >= limits.rate_window:
            rate = self.window_bytes / (now - self.window_start)
            if rate < limits.min_rate:
                raise _MirrorFailed(
                    f"timed out (too slow: {rate:,.0f} bytes/s, at least {limits.min_rate:,.0f} needed)"
                )
            self.window_start, self.window_bytes = now, 0

    def _release(self) -> None:
        self._disarm()
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
