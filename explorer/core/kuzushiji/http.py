"""``urlopen`` with separate connect and read timeouts (stdlib only).

urllib takes a single timeout for both; a host that accepts but never sends
must fail after ``read_timeout`` while a dead host should fail fast after
``connect_timeout``. Redirects (Hugging Face answers with one) and proxies
from the environment work as with plain ``urlopen``.

``on_socket`` is handed each connected socket, so the downloader can narrow
its timeout to a deadline and shut it down from another thread (cancel).
"""

from __future__ import annotations

import http.client
import socket
import urllib.request
from collections.abc import Callable
from typing import Any

from explorer import __version__

USER_AGENT = f"NeuralDynamicsExplorer/{__version__} (+urllib)"


OnSocket = Callable[[socket.socket], None]


def open_url(
    url: str, connect_timeout: float, read_timeout: float, on_socket: OnSocket | None = None
) -> Any:
    """Open ``url``; the response raises ``TimeoutError`` when a read waits over ``read_timeout``.

    ``on_socket(sock)``, if given, is called with every socket once it is connected
    (a redirect opens a second one).
    """
    opener = urllib.request.build_opener(
        _HTTPHandler(read_timeout, on_socket), _HTTPSHandler(read_timeout, on_socket)
    )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return opener.open(request, timeout=connect_timeout)


def _with_read_timeout(connection_class: type, read_timeout: float, on_socket: OnSocket | None):
    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = connection_class(host, **kwargs)
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
    def __init__(self, read_timeout: float, on_socket: OnSocket | None = None):
        super().__init__()
        self.read_timeout, self.on_socket = read_timeout, on_socket

    def http_open(self, req):
        return self.do_open(
            _with_read_timeout(http.client.HTTPConnection, self.read_timeout, self.on_socket), req
        )


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float, on_socket: OnSocket | None = None):
        super().__init__()
        self.read_timeout, self.on_socket = read_timeout, on_socket

    def https_open(self, req):
        return self.do_open(
            _with_read_timeout(http.client.HTTPSConnection, self.read_timeout, self.on_socket),
            req,
            context=self._context,
            check_hostname=self._check_hostname,
        )
