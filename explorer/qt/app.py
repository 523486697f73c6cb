"""Start the GUI: logging, the Qt application, the main window."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback

from explorer.core import paths

log = logging.getLogger("explorer")


def setup_logging() -> None:
    """Log to a rotating file in the user data folder (and warnings to stderr)."""
    root = logging.getLogger()
    if any(getattr(h, "_explorer", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(paths.log_file(), maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._explorer = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def install_excepthook(window) -> None:
    """An unexpected error is logged and shown as one line; the window stays up."""

    def hook(exc_type, exc, tb):
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        from explorer.qt.messages import show_error
        from explorer.qt.workers import describe_error

        try:
            show_error(window, "Something went wrong", f"{describe_error(exc)}\n\nDetails are in {paths.log_file()}")
        except Exception:  # noqa: BLE001 - never let the hook itself crash the app
            traceback.print_exception(exc_type, exc, tb)

    sys.excepthook = hook


def switch_interval() -> float:
    """The GIL switch interval the GUI runs with (``EXPLORER_SWITCH_INTERVAL`` overrides it)."""
    import os

    return float(os.environ.get("EXPLORER_SWITCH_INTERVAL", "0.0002"))


def configure_runtime() -> None:
    """Process-wide settings the GUI needs; call before the QApplication exists.

    * A 0.2 ms GIL switch interval (Python's default is 5 ms): while a worker
      thread runs a tight numpy/torch loop, every Python callback of a paint
      (pyqtgraph has many) otherwise waits up to 5 ms for the GIL, and one
      repaint of the MLP tab took half a second.
    * Shared OpenGL contexts, so several 3-D views can use pyqtgraph's shaders.
    """
    from PySide6.QtCore import QCoreApplication, Qt

    sys.setswitchinterval(switch_interval())
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


def warm_up_torch() -> None:
    """Pay the one-off start-up costs in the background: torch's optimiser set-up
    (it imports torch._dynamo, ~2-8 s) and the training-process server.

    Otherwise the first click on Train sits on a busy bar for that long.
    """
    import threading

    def work() -> None:
        import torch

        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        log.info("torch optimisers ready")
        from explorer.core.subprocess_runner import warm_up

        warm_up()
        log.info("training process server ready")

    threading.Thread(target=work, name="torch-warm-up", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """Run the application until its window closes."""
    setup_logging()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from explorer.qt.main_window import MainWindow

    # Several OpenGL views share shader programs; must be set before the QApplication exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Neural Dynamics Explorer")
    app.setOrganizationName("NeuralDynamicsExplorer")
    app.setDesktopFileName("neural-explorer")
    icon = paths.resource("icons/app.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    window = MainWindow()
    install_excepthook(window)
    window.show()
    log.info("started")
    from PySide6.QtCore import QTimer

    QTimer.singleShot(300, warm_up_torch)
    return app.exec()
