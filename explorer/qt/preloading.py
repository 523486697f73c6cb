"""Work the start-up does in the background, and waiting for torch, which it imports there.

torch takes seconds to import. The window and the first tab are built while it
imports on a thread of its own (:class:`Preloader`); what needs torch after that
(reading trained nets, the list of GPUs) waits for it with
:func:`when_torch_is_loaded`, without holding up the GUI thread or quitting.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger("explorer")

_STARTED: list[Preloader] = []


class Preloader:
    """Imports modules (or runs other one-off start-up work) on a background thread while the GUI
    thread shows what it is doing: the one way the start-up works in the background.

    torch takes seconds to import; on a thread of its own it loads while the
    GUI thread imports the plots and keeps the getting-ready window painted.
    A failed step is only logged here: the GUI thread imports the module again
    when it needs it and reports the failure there, at the step that failed.
    The thread is a daemon, not a :class:`~explorer.qt.workers.Task`: the
    start-up runs before there is a window to own a task, and closing the
    window must not wait for an import to end.
    """

    def __init__(self, steps: list[tuple[str, str | Callable[[], object]]], name: str = "explorer-preload"):
        import threading

        self.steps = list(steps)  # (what the window says, the module or the work)
        self.now = self.steps[0][0] if self.steps else ""
        self.done = threading.Event()
        _STARTED.append(self)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import importlib

        try:
            for text, step in self.steps:
                self.now = text
                try:
                    step() if callable(step) else importlib.import_module(step)
                except Exception:  # noqa: BLE001 - said again, with its stage, where it is needed
                    log.warning("could not preload %s", step if isinstance(step, str) else text, exc_info=True)
        finally:
            self.done.set()

    def wait(self, app, splash, say: Callable[[object, str], None], timeout: float = 600.0) -> None:
        """Until the imports are done, turning the event loop: ``say(splash, text)`` says which one is loading."""
        deadline = time.monotonic() + timeout
        while not self.done.wait(0.02) and time.monotonic() < deadline:
            now = self.now
            if splash is not None and splash.steps and splash.steps[-1] not in (now, f"still {now}"):
                say(splash, f"still {now}" if now in splash.steps else now)
            app.processEvents()


def still_loading() -> list[str]:
    """What the preloaders not yet done are loading now (empty when all are done)."""
    return [p.now for p in _STARTED if not p.done.is_set()]


def torch_is_loaded() -> bool:
    """Whether torch is imported and done initialising (while a thread imports it, it is in
    ``sys.modules`` already, half made: using it then would wait for the import to end)."""
    torch = sys.modules.get("torch")
    return torch is not None and not getattr(getattr(torch, "__spec__", None), "_initializing", False)


def when_torch_is_loaded(owner, then: Callable[[], object], interval_ms: int = 50) -> None:
    """Call ``then()`` on the GUI thread once torch is imported: at once when it is, otherwise when the
    import in the background ends.

    The first tab is built without torch and restores its trained nets this way: it is on screen
    and usable meanwhile. The import starts (or joins one under way) at the timer's first tick, so
    at start-up once the event loop runs, after the window's first paint: importing torch on a
    thread still takes the GIL from the GUI thread for seconds, and the window comes first. A timer
    owned by ``owner`` (a widget) waits: a tab closed before then is never called back, and
    quitting never waits for the import (a daemon thread).
    """
    if torch_is_loaded():
        then()
        return
    from PySide6.QtCore import QTimer

    timer = QTimer(owner, interval=interval_ms)
    loading: list[Preloader] = []

    def check() -> None:
        if not loading:
            loading.append(Preloader([("importing PyTorch…", "torch")], name="torch-import"))
        elif loading[0].done.is_set():
            timer.stop()
            timer.deleteLater()
            then()

    timer.timeout.connect(check)  # same thread as the timer: a plain function is fine
    timer.start()
