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


def main(argv: list[str] | None = None) -> int:
    """Run the application until its window closes."""
    setup_logging()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from explorer.qt.main_window import MainWindow

    from PySide6.QtCore import QCoreApplication, Qt

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
    return app.exec()
