"""``urlopen`` with separate connect and read timeouts (stdlib only).

urllib takes a single timeout for both; a host that accepts but never sends
must fail after ``read_timeout`` while a dead host should fail fast after
``connect_timeout``. Redirects (Hugging Face answers with one) and proxies
from the environment work as with plain ``urlopen``.

``on_socket`` is handed each connected socket, so the downloader can narrow
its timeout to a deadline and shut it down from another thread (cancel).
``should_stop`` is polled while connecting (a host that drops SYNs would
otherwise hold a cancel for the whole connect timeout).

Redirects are followed only to ``http`` and ``https`` addresses: one to
``file://``, ``ftp://`` or anything else raises :class:`RedirectRefused`, and a
redirect loop raises :class:`RedirectLoop` (urllib reports both as "HTTP 302").
"""

from __future__ import annotations

import errno
import http.client
import os
import select
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from explorer import __version__

USER_AGENT = f"NeuralDynamicsExplorer/{__version__} (+urllib)"


OnSocket = Callable[[socket.socket], None]
ShouldStop = Callable[[], bool]
_IN_PROGRESS = {errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, 10035}  # 10035: Windows
FOLLOWED_SCHEMES = ("http", "https")
"""The only kinds of address a redirect may lead to."""


class RedirectRefused(urllib.error.URLError):
    """A redirect to an address that is not http(s) (``file://``, ``ftp://``…); ``reason`` says which."""


class RedirectLoop(urllib.error.URLError):
    """The server's redirects go round in a circle (or on for more than urllib's limit)."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only, and names a loop as one."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("location") or headers.get("uri")
        if target:
            try:
                scheme = urlsplit(urljoin(req.full_url, target.strip())).scheme.lower()
            except ValueError:
                scheme = ""
            if scheme not in FOLLOWED_SCHEMES:
                fp.close()
                shown = target if len(target) <= 80 else target[:77] + "…"
                raise RedirectRefused(
                    f"redirected to {shown!r}, which is not an http or https address (not followed)"
                )
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except urllib.error.HTTPError as exc:
            if not str(exc.msg).startswith(self.inf_msg):
                raise
            exc.close()
            raise RedirectLoop(
                "redirect loop (the server's redirects lead back to an address already tried, "
                f"or on for more than {self.max_redirections})"
            ) from None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def open_url(
    url: str,
    connect_timeout: float,
    read_timeout: float,
    on_socket: OnSocket | None = None,
    should_stop: ShouldStop | None = None,
) -> Any:
    """Open ``url``; the response raises ``TimeoutError`` when a read waits over ``read_timeout``.

    ``on_socket(sock)``, if given, is called with every socket once it is connected
    (a redirect opens a second one). ``should_stop()``, if given, is asked ten
    times a second while connecting; when it says yes the connect is abandoned
    with ``ConnectionAbortedError``.
    """
    hooks = (on_socket, should_stop)
    opener = urllib.request.build_opener(
        _HTTPHandler(read_timeout, hooks), _HTTPSHandler(read_timeout, hooks), _HttpOnlyRedirects()
    )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return opener.open(request, timeout=connect_timeout)


def _stoppable_connection(should_stop: ShouldStop):
    """``socket.create_connection`` that connects without blocking and gives up when asked."""

    def create_connection(address, timeout=None, source_address=None, *args, **kwargs):
        host, port = address
        limit = timeout if isinstance(timeout, int | float) else 60.0
        deadline = time.monotonic() + limit
        error: OSError = OSError(f"no address for {host}")
        for family, kind, proto, _, sockaddr in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
            sock = socket.socket(family, kind, proto)
            try:
                if source_address:
                    sock.bind(source_address)
                sock.setblocking(False)
                code = sock.connect_ex(sockaddr)
                while code in _IN_PROGRESS:
                    if should_stop():
                        raise ConnectionAbortedError("cancelled")
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError("timed out")
                    _, ready, _ = select.select([], [sock], [], min(0.1, left))
                    if ready:
                        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, os.strerror(code))
                sock.settimeout(timeout if isinstance(timeout, int | float) else None)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
                if isinstance(exc, ConnectionAbortedError | TimeoutError):
                    break
        raise error

    return create_connection


def _with_read_timeout(connection_class: type, read_timeout: float, hooks: tuple):
    on_socket, should_stop = hooks

    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = connection_class(host, **kwargs)
        if should_stop is not None:
            connection._create_connection = _stoppable_connection(should_stop)
        connect = connection.connect

        def connect_then_slow_down() -> None:
            connect()  # uses the connect timeout given to the constructor
            connection.sock.settimeout(read_timeout)
            if on_socket is not None:
                on_socket(connection.sock)

        connection.connect = connect_then_slow_down
        return connection

    return make


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float, hooks: tuple = (None, None)):
        super().__init__()
        self.read_timeout, self.hooks = read_timeout, hooks

    def http_open(self, req):
        return self.do_open(
            _with_read_timeout(http.client.HTTPConnection, self.read_timeout, self.hooks), req
        )


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float, hooks: tuple = (None, None)):
        super().__init__()
        self.read_timeout, self.hooks = read_timeout, hooks

    def https_open(self, req):
        return self.do_open(
            _with_read_timeout(http.client.HTTPSConnection, self.read_timeout, self.hooks),
            req,
            context=self._context,
            check_hostname=self._check_hostname,
        )
