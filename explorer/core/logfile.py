"""The app's log file handler: a failed write is said once, in one line, and never again.

The standard handlers print ``--- Logging error ---`` and a traceback to stderr
for every record they cannot write, so a full or read-only data folder buries
the terminal in tracebacks while the window says nothing. :class:`LogFileHandler`
turns the file off at the first failure, prints one ``warning:`` line (where
there is a stderr) and tells whoever asked (:meth:`LogFileHandler.on_failure`;
the window shows it in its status bar).
"""

from __future__ import annotations

import contextlib
import logging.handlers
import sys
import threading
from collections.abc import Callable

from explorer.core.atomic import reason


class LogFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that stops quietly, after one line, when it cannot be written."""

    def __init__(self, filename, **kwargs) -> None:
        super().__init__(filename, **kwargs)
        self.failure: str | None = None
        self._listeners: list[Callable[[str], object]] = []
        self._failure_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if self.failure is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        exc = sys.exc_info()[1]
        with self._failure_lock:
            if self.failure is not None:
                return
            why = reason(exc) if exc is not None else "unknown error"
            self.failure = f"could not write the log file {self.baseFilename}: {why}; logging is off for this session"
            listeners = list(self._listeners)
        with contextlib.suppress(Exception):
            if self.stream is not None:
                self.stream.close()
        self.stream = None
        if sys.stderr is not None:
            with contextlib.suppress(Exception):
                print(f"warning: {self.failure}", file=sys.stderr, flush=True)
        for listener in listeners:
            with contextlib.suppress(Exception):
                listener(self.failure)

    def on_failure(self, listener: Callable[[str], object]) -> None:
        """Call ``listener(message)`` when writing fails (at once if it already has); from any thread."""
        with self._failure_lock:
            failure = self.failure
            if failure is None:
                self._listeners.append(listener)
        if failure is not None:
            listener(failure)
