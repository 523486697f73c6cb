"""Start the application: the GUI or the self-test.

The window must appear within a fraction of a second of a double-click, so
this module imports nothing heavy at start-up: a small "getting ready" window
is shown first (Qt only, no torch, no pyqtgraph), then the main window and its
tabs are built while it is on screen. Any failure on the way is written to
``explorer.log`` and shown in a message box that says what failed and where
the log is: a double-clicked app has no terminal to print a traceback to.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
import traceback
from pathlib import Path

from explorer.core import paths
from explorer.core.logfile import LogFileHandler
from explorer.qt.preloading import (  # noqa: F401 - also used from here
    Preloader,
    still_loading,
    torch_is_loaded,
    when_torch_is_loaded,
)

log = logging.getLogger("explorer")

STARTUP_PROBE_ENV = "EXPLORER_STARTUP_PROBE"
"""Set to ``1`` to print ``startup <stage> <unix time>`` lines to stderr (``bench/startup.py``);
``quit`` also quits as soon as the tabs are ready, ``quit-torch`` once torch is loaded too."""

USAGE = """usage: neural-explorer [--self-test | --cli COMMAND… | --help]

  (no option)   open the window
  --self-test   check this installation without a window and print a short report
  --cli …       the command line, e.g. `neural-explorer --cli mlp train --json`
                (`--cli --help` lists the commands)
"""


def setup_logging() -> Path | None:
    """Log to a rotating file in the user data folder; return the file (``None``: stderr only)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_explorer", False):
            return getattr(handler, "baseFilename", None) and Path(handler.baseFilename)
    try:
        file = paths.log_file()
        # Not RotatingFileHandler itself: a full disk would print a traceback for every record.
        handler = LogFileHandler(file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:  # even the fallback folder failed: keep going, log to stderr
        file, handler = None, logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._explorer = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return file


def show_log_failures(window) -> None:
    """The window's status bar says so when the log file cannot be written (a full or read-only disk)."""
    from PySide6.QtCore import QObject, Signal

    class LogNotice(QObject):
        failed = Signal(str)  # emitted from whichever thread logged; shown in the GUI thread

    handler = next((h for h in logging.getLogger().handlers if isinstance(h, LogFileHandler)), None)
    if handler is not None:
        notice = LogNotice(window)
        notice.failed.connect(window.statusBar().showMessage)
        handler.on_failure(notice.failed.emit)


def install_excepthook(window):
    """An unexpected error is logged and shown in one plain box per failure; the window stays up."""
    from explorer.qt.messages import FailureBoxes

    boxes = FailureBoxes(window, lambda: f"Details are in {paths.log_file()}")

    def hook(exc_type, exc, tb):
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        try:
            boxes.report(exc)
        except Exception:  # noqa: BLE001 - never let the hook itself crash the app
            traceback.print_exception(exc_type, exc, tb)

    sys.excepthook = hook
    return boxes


def switch_interval() -> float:
    """The GIL switch interval the GUI runs with (``EXPLORER_SWITCH_INTERVAL`` overrides it)."""
    return float(os.environ.get("EXPLORER_SWITCH_INTERVAL", "0.0002"))


def configure_runtime() -> None:
    """Process-wide settings the GUI needs; :func:`main` calls it before the QApplication exists.

    * A 0.2 ms GIL switch interval (Python's default is 5 ms): while a worker
      thread runs a tight numpy/torch loop, every Python callback of a paint
      (pyqtgraph has many) otherwise waits up to 5 ms for the GIL, and one
      repaint of the MLP tab took half a second.
    * Shared OpenGL contexts, so several 3-D views can use pyqtgraph's shaders
      (Qt only accepts this before the application object exists).
    * pyqtgraph's axes repainted from a pixmap while unchanged (``axes.cache_axis_pictures``).
    """
    from PySide6.QtCore import QCoreApplication, Qt

    from explorer.qt.widgets.axes import cache_axis_pictures

    sys.setswitchinterval(switch_interval())
    cache_axis_pictures()
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


_collector = None


def collect_garbage_on_the_gui_thread():
    """Run Python's cycle collector only on the GUI thread, from a timer (pyqtgraph's ``GarbageCollector``).

    Left automatic, the collector runs in whichever thread allocates: a worker
    thread (k-means, the counting probe) then deleted a cycle holding a Qt
    object, whose C++ destructor waited for the GIL while the GUI thread,
    deleting a menu, waited for that destructor's lock. The app froze (seen in
    a test run; py-spy's native stacks showed both threads). Call it on the
    GUI thread once the application object exists; later calls do nothing.
    """
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=0.5)
    return _collector


def warm_up_torch() -> Preloader:
    """Pay the one-off start-up costs in the background: torch's optimiser set-up
    (it imports torch._dynamo, ~2-8 s), the training-process server, the
    other tabs' modules (:func:`preload_other_tabs`) and scipy's image tools.

    Otherwise the first click on Train sits on a busy bar for that long. It
    runs as the start-up's imports do (a :class:`Preloader`): nothing waits
    for it, and quitting does not wait for it either.
    """
    return Preloader(
        [
            ("preparing torch's optimisers", _prepare_optimisers),
            ("starting the training process server", _start_training_server),
            ("loading the other tabs", preload_other_tabs),
            # The Draw page measures strokes with it: imported on the GUI thread at the first
            # opened or drawn character, it held the window for 0.3-0.4 s.
            ("loading the image tools", "scipy.ndimage"),
        ],
        name="torch-warm-up",
    )


def _prepare_optimisers() -> None:
    import torch

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    log.info("torch optimisers ready")


def _start_training_server() -> None:
    from explorer.core.subprocess_runner import warm_up

    warm_up()
    log.info("training process server ready")


def preload_other_tabs() -> None:
    """Import the Qt-free modules of every tab (the start-up imported the first tab's), so that a
    tab's first visit only builds its widgets. Runs on the warm-up thread; a failure is only logged:
    the visit imports the module again and says what failed."""
    import importlib

    from explorer.qt.exports import tab_slots

    for slot in tab_slots():
        for name in slot.preload:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - said where it is needed, on the tab's first visit
                log.warning("could not preload %s", name, exc_info=True)
    log.info("every tab's modules loaded")


def _probe(stage: str) -> None:
    """One timestamp line for ``bench/startup.py`` when ``EXPLORER_STARTUP_PROBE`` is set."""
    if os.environ.get(STARTUP_PROBE_ENV) and sys.stderr is not None:
        print(f"startup {stage} {time.time():.6f}", file=sys.stderr, flush=True)


def _say(text: str, stream=None) -> None:
    """Print where there is a terminal; a windowed Windows/macOS bundle has ``sys.stderr = None``."""
    stream = stream or sys.stderr
    if stream is not None:
        print(text, file=stream, flush=True)


READY_MESSAGE = "Getting ready…"

#: Steps the getting-ready window lists at most (the latest ones).
SHOWN_STEPS = 4


def startup_window(app):
    """A light "getting ready" window: the app icon, its name and what is loading.

    Built from Qt alone so it shows in a fraction of a second; it is painted
    before the heavy imports (torch, pyqtgraph's views, the tabs). A frameless
    QLabel rather than QSplashScreen, whose show() waits up to a second for an
    expose event that some platforms (offscreen, some Wayland compositors) never
    send. :func:`startup_step` adds a line saying what is loading now; the
    window keeps them in ``steps``.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    window = QLabel()
    window.steps = []
    window.setPixmap(_startup_pixmap(app, []))
    window.setObjectName("startupWindow")
    window.setWindowTitle("Neural Dynamics Explorer")
    window.setAccessibleDescription(READY_MESSAGE)
    window.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    screen = app.primaryScreen()
    if screen is not None:
        window.resize(window.pixmap().size())
        window.move(screen.availableGeometry().center() - window.pixmap().rect().center())
    window.show()
    # Let the window system map it (briefly), then paint it once for real.
    deadline = time.monotonic() + 0.5
    while not (window.windowHandle() and window.windowHandle().isExposed()) and time.monotonic() < deadline:
        app.processEvents()
    window.repaint()
    app.processEvents()
    return window


def startup_step(window, text: str) -> None:
    """Say on the getting-ready window what is loading now ("importing PyTorch…"), painted at once."""
    from PySide6.QtWidgets import QApplication

    log.info("start-up: %s", text)
    if window is None:
        return
    window.steps.append(text)
    window.setPixmap(_startup_pixmap(QApplication.instance(), window.steps))
    window.setAccessibleDescription(" ".join([READY_MESSAGE, *window.steps]))
    window.repaint()
    QApplication.processEvents()


def _startup_pixmap(app, steps: list[str]):
    """The getting-ready picture: icon, name, and the latest steps (the current one last, brightest)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

    pixmap = QPixmap(460, 170)
    pixmap.fill(QColor("#1f3b64"))
    painter = QPainter(pixmap)
    icon = paths.resource("icons/app.svg")
    if icon.exists():
        painter.drawPixmap(24, 21, QIcon(str(icon)).pixmap(128, 128))
    painter.setPen(QColor("white"))
    font = QFont(app.font())
    font.setPointSize(15)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(170, 30, 280, 60), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     "Neural Dynamics\nExplorer")
    font.setPointSize(9)
    font.setBold(False)
    painter.setFont(font)
    painter.setPen(QColor("#dfe9f7"))
    painter.drawText(QRect(170, 92, 280, 18), Qt.AlignmentFlag.AlignLeft, READY_MESSAGE)
    shown = steps[-SHOWN_STEPS:]
    for row, step in enumerate(shown):
        painter.setPen(QColor("white" if row == len(shown) - 1 else "#9fb3cf"))
        painter.drawText(QRect(178, 110 + 13 * row, 272, 14), Qt.AlignmentFlag.AlignLeft, step)
    painter.end()
    return pixmap


TORCH_FREE_TABS = ("kuzushiji",)
"""Tabs whose module and construction import no torch (tests/qt/test_startup.py builds each in a fresh
process to check): when one is shown first, the window is built while torch imports in the background,
and the tab restores its trained nets once torch is there (:func:`when_torch_is_loaded`)."""


def preload_steps(slot) -> list[tuple[str, str]]:
    """What :class:`Preloader` imports before ``slot``'s tab is built, with the words for each."""
    return [("importing PyTorch…", "torch")] + [(f"loading the {slot.title} nets…", m)
                                                for m in slot.preload if m != "torch"]


def _first_tab_slot():
    """The tab the window will show first (the one the user left last time), as a slot."""
    from explorer.qt.exports import tab_slots
    from explorer.qt.settings import app_settings

    slots = tab_slots()
    index = app_settings().value("window/tab", 0)
    return slots[index] if isinstance(index, int) and 0 <= index < len(slots) else slots[0]


def _fallback_message(fallback: paths.DataDirFallback) -> str:
    return (
        f"Could not write to the data folder\n{fallback.wanted}\n({fallback.reason}).\n\n"
        f"This session keeps its settings, data and trained weights in the temporary folder\n"
        f"{fallback.used}\ninstead; they will not be there next time. Set EXPLORER_DATA_DIR "
        "to a folder you can write to, or fix the permissions."
    )


def report_startup_failure(stage: str, exc: BaseException, log_path: Path | None) -> int:
    """Log the failure, say it on stderr and in a message box; return the exit code 1."""
    log.error("start-up failed while %s", stage, exc_info=(type(exc), exc, exc.__traceback__))
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" (in {Path(frame.filename).name}, line {frame.lineno})" if frame else ""
    details = f"Details are in {log_path}" if log_path else "The log could not be written either."
    text = f"Neural Dynamics Explorer could not start: it failed while {stage}.\n\n{type(exc).__name__}: {exc}{where}"
    _say(f"error: {text}\n{details}".replace("\n\n", "\n"))
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        _app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841 - the box needs one
        box = QMessageBox(QMessageBox.Icon.Critical, "Neural Dynamics Explorer", text)
        box.setObjectName("startupErrorBox")
        box.setInformativeText(details)
        box.setDetailedText("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        if not os.environ.get(STARTUP_PROBE_ENV, "").startswith("quit"):  # a measured launch has nobody to click OK
            box.exec()
    except Exception:  # noqa: BLE001 - no Qt at all: the log and stderr must do
        log.exception("could not show the start-up error box")
    return 1


def run_gui(qt_args: list[str]) -> int:
    """Show the getting-ready window, then the main window; run until it closes."""
    stage, log_path, splash = "preparing the data folder", None, None
    try:
        fallback = paths.ensure_writable_data_dir()
        log_path = setup_logging()
        for leftover in paths.remove_leftover_temporaries():
            log.info("removed %s, left by a write that was cut off", leftover)
        if fallback:
            log.warning("data folder %s not writable (%s); using %s", fallback.wanted, fallback.reason, fallback.used)
        stage = "starting Qt"
        configure_runtime()
        from PySide6.QtCore import QTimer
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
        collect_garbage_on_the_gui_thread()
        app.setApplicationName("Neural Dynamics Explorer")
        app.setOrganizationName("NeuralDynamicsExplorer")
        app.setDesktopFileName("neural-explorer")
        icon = paths.resource("icons/app.svg")
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
        splash = startup_window(app)
        _probe("first-window")
        stage = "loading the experiments (torch, plots, tabs)"
        first = _first_tab_slot()
        # A first tab that needs no torch is built at once; torch is imported after the window's
        # first paint (when_torch_is_loaded). Another loads torch meanwhile, off the GUI thread.
        preload = None if first.key in TORCH_FREE_TABS else Preloader(preload_steps(first))
        if preload is not None:
            startup_step(splash, preload.steps[0][0])
        startup_step(splash, "loading the plots…")
        import pyqtgraph  # noqa: F401 - meanwhile, here: Qt's own modules load on the GUI thread

        from explorer.qt.main_window import MainWindow

        if preload is not None:  # its module imports torch: wait, saying what loads
            preload.wait(app, splash, startup_step)
        stage = "building the main window"
        window = MainWindow(on_step=lambda text: startup_step(splash, text))
        install_excepthook(window)
        window.fit_to_screen()
        window.show()
        splash.close()
        window.on_step = None  # later builds (a tab's first visit) have no getting-ready window to tell
        show_log_failures(window)
        if fallback:
            box = QMessageBox(QMessageBox.Icon.Warning, "Data folder not writable", _fallback_message(fallback),
                              parent=window)
            box.setObjectName("dataDirFallbackBox")
            box.open()  # not modal-blocking: the app works meanwhile
        log.info("started")
        # Timers owned by the window: they die with it (tests build and close windows).
        warm = QTimer(window, singleShot=True, interval=300)
        warm.timeout.connect(warm_up_torch)
        warm.start()
        QTimer.singleShot(0, window, _ready)
        if os.environ.get(STARTUP_PROBE_ENV):  # (after the tab's own restore: its timer was started first)
            QTimer.singleShot(0, window, lambda: when_torch_is_loaded(window, _torch_ready))
    except Exception as exc:  # noqa: BLE001 - whatever it is, the user must see it
        if splash is not None:
            splash.close()
        return report_startup_failure(stage, exc, log_path)
    code = app.exec()
    loading = still_loading()
    if loading and not torch_is_loaded():
        # Quitting does not wait for torch's import (seconds), but the interpreter's own exit
        # crashes (SIGSEGV) while a thread is inside torch's initialisation. The window has
        # saved everything and ended the training children on closing: end the process here.
        log.info("quitting while %s: ending the process without waiting", ", ".join(loading))
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os._exit(code)
    return code


def _ready() -> None:
    """The main window has been shown and the event loop has turned once: the tabs are usable."""
    _probe("ready")
    if os.environ.get(STARTUP_PROBE_ENV) == "quit":  # torch may still be importing: quitting must not wait
        from PySide6.QtWidgets import QApplication

        _probe("quit")
        QApplication.instance().quit()


def _torch_ready() -> None:
    """(Measured launches only) torch is imported and the first tab has restored its work."""
    _probe("torch-ready")
    if os.environ.get(STARTUP_PROBE_ENV) == "quit-torch":
        from PySide6.QtWidgets import QApplication

        _probe("quit")
        QApplication.instance().quit()


def run_self_test() -> int:
    """``--self-test``: log to the data folder too, run :mod:`explorer.selftest`."""
    try:
        fallback = paths.ensure_writable_data_dir()
        setup_logging()
        if fallback:
            _say(f"note: {fallback.wanted} is not writable ({fallback.reason}); using {fallback.used}")
        configure_runtime()
        from explorer.selftest import run
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        log.exception("self-test could not start")
        _say(f"self-test failed: could not start: {type(exc).__name__}: {exc}")
        return 1
    return run()


def main(argv: list[str] | None = None) -> int:
    """The window, or ``--self-test`` / ``--help`` (arguments without the program name).

    ``--cli …`` is dispatched one level up, by :mod:`explorer.launch` (``main.py``).
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] in (["-h"], ["--help"]):
        _say(USAGE, sys.stdout)
        return 0
    if args[:1] == ["--self-test"]:
        return run_self_test()
    return run_gui(args)
