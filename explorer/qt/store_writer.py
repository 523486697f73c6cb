"""Writes to a store of the user's work on a thread of its own, one after another, in order.

Each write is atomic and ``fsync``-ed: on a busy disk a trained recurrent
net's files took 50-120 ms, and the Kuzushiji tab's kept drawings (2,000 of
them in one ``.npz``) about 80 ms, a whole turn of the window's event loop
(issue 20). Here they run on a short-lived thread (``fsync``, zlib and file
writes let go of the GIL), strictly in the order asked, since each write
rewrites what the one before wrote. The thread ends when nothing is left to
write, so a closed tab leaves none behind; :meth:`StoreWriter.wait` (the tab's
shutdown) blocks until all are written, so nothing the user made is lost.

A failed write (a full disk, a second window keeping the folder) comes back
on the GUI thread as :attr:`StoreWriter.failed` with the readable message;
the writes after it are still made. Used by the recurrent tab (its work store)
and the Kuzushiji tab (the kept drawings).
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from explorer.core.errors import UserError

log = logging.getLogger(__name__)


class StoreWriter(QObject):
    """Runs ``save(*args)`` calls on a background thread, in the order given."""

    #: A write failed: what it kept ("the trained net", "Keep the drawing as す su") and why.
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, name: str = "store-writer"):
        super().__init__(parent)
        self._name = name
        self._lock = threading.Lock()
        self._waiting: collections.deque[tuple[str, Callable, tuple]] = collections.deque()
        self._thread: threading.Thread | None = None

    def write(self, what: str, save: Callable, *args) -> None:
        """Call ``save(*args)`` after every write asked for before it (``what``: for a failure's message)."""
        with self._lock:
            self._waiting.append((what, save, args))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def busy(self) -> bool:
        """Whether a write is waiting or under way."""
        with self._lock:
            return self._thread is not None

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until every write asked for is done; ``False`` if some are still going after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                thread = self._thread
            if thread is None:
                return True
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                return False

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self._thread = None
                    return
                what, save, args = self._waiting.popleft()
            try:
                save(*args)
            except UserError as exc:
                self.failed.emit(what, str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug must not end the thread with writes still waiting
                log.exception("keeping %s failed", what)
                self.failed.emit(what, f"{type(exc).__name__}: {exc}")
