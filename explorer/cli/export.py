"""``python -m explorer export --tab mlp|kuzushiji|recurrent --out DIR [--size WxH] [--format png,svg]``.

The same figure set as the window's File → Export figures…, made headless:
the tab is built as the window builds it (the user's stored work, or the
shipped defaults where nothing was trained) on Qt's ``offscreen`` platform
unless ``QT_QPA_PLATFORM`` says otherwise. The 3-D view needs OpenGL: run
under Xvfb with ``QT_QPA_PLATFORM=xcb`` to get it; without, the other figures
are written and a note says the 3-D view was skipped.

:func:`headless_app` and :func:`built_tabs` are shared with ``explorer report``.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import time
from contextlib import contextmanager

from explorer.core.errors import UserError

FORMATS = ("png", "svg", "pdf")
#: The window size the tabs are laid out at before their figures are drawn (the app's default).
WINDOW_SIZE = (1280, 860)
#: How long a tab may take to restore its stored work in the background before the export goes ahead.
SETTLE_SECONDS = 120.0


#: The tabs by their command-line names (the same as ``explorer.qt.exports.TAB_NAMES``; not imported
#: from there so that building the parser for any command loads nothing of Qt).
TAB_NAMES = ("mlp", "kuzushiji", "recurrent")


def register(commands) -> None:
    parser = commands.add_parser("export", help="write a tab's standard figure set (no window)",
                                 description="Write a tab's standard figure set, as File → Export figures… does.")
    parser.add_argument("--tab", required=True, choices=TAB_NAMES, help="which tab's figures")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files (made if missing)")
    parser.add_argument("--size", type=parse_size, default=None, metavar="WxH",
                        help="pixel size of every figure, e.g. 1600x1200 (default: 1600 px wide, the figure's shape)")
    parser.add_argument("--format", type=parse_formats, default=("png", "svg"), metavar="png,svg",
                        help="comma-separated formats: png, svg, pdf (default png,svg; 3-D views are PNG only)")
    parser.set_defaults(run=run)


def parse_size(text: str) -> tuple[int, int]:
    """``"1600x1200"`` -> ``(1600, 1200)``; argparse reports a bad one in one line."""
    import argparse

    match = re.fullmatch(r"\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1600x1200")
    w, h = int(match[1]), int(match[2])
    if not (16 <= w <= 12000 and 16 <= h <= 12000):
        raise argparse.ArgumentTypeError(f"{w}x{h}: each side must be 16 to 12000 pixels")
    return w, h


def parse_formats(text: str) -> tuple[str, ...]:
    import argparse

    formats = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()))
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        raise argparse.ArgumentTypeError(f"{text!r}: formats are {', '.join(FORMATS)}, comma-separated")
    return formats


def headless_app():
    """The running QApplication, or a new one on the ``offscreen`` platform (no window appears)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from explorer.qt.app import configure_runtime

    configure_runtime()
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        _quiet_qt()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Neural Dynamics Explorer")
    app.setOrganizationName("NeuralDynamicsExplorer")
    return app


def _quiet_qt() -> None:
    """Qt's notes (the offscreen platform has no OpenGL…) go to the log file, not between the output lines."""
    import logging

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    log = logging.getLogger("explorer.qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.INFO, QtMsgType.QtCriticalMsg: logging.WARNING,
              QtMsgType.QtFatalMsg: logging.ERROR}

    def handler(kind, _context, message) -> None:
        log.log(levels.get(kind, logging.INFO), "Qt: %s", message)

    qInstallMessageHandler(handler)


def has_opengl() -> bool:
    """Whether 3-D views can be drawn: a platform with OpenGL (xcb under Xvfb), not ``offscreen``."""
    from PySide6.QtWidgets import QApplication

    return QApplication.platformName() not in ("offscreen", "minimal")


def settle(app, seconds: float = SETTLE_SECONDS) -> None:
    """Turn the event loop until the tabs' background work (restoring stored nets…) is done."""
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    end = time.monotonic() + seconds
    quiet = 0
    while time.monotonic() < end and quiet < 20:
        app.processEvents()
        quiet = quiet + 1 if pool.activeThreadCount() == 0 else 0
        time.sleep(0.01)


@contextmanager
def built_tabs(names):
    """The tabs ``names``, laid out at the app's default window size, shut down afterwards."""
    from PySide6.QtWidgets import QTabWidget

    from explorer.qt.exports import build_tab

    app = headless_app()
    holder = QTabWidget()
    holder.resize(*WINDOW_SIZE)
    tabs = []
    # Background tasks run beside the tabs: the cycle collector must not run in their threads
    # (a Qt object collected there deadlocked against this thread; see
    # explorer.qt.app.collect_garbage_on_the_gui_thread). Here, with no timer, it runs once at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for name in names:
            tabs.append(build_tab(name))
            holder.addTab(tabs[-1], tabs[-1].title)
        holder.show()
        for tab in tabs:
            holder.setCurrentWidget(tab)
            settle(app)
        yield tabs
    finally:
        for tab in tabs:
            tab.shutdown()
        holder.close()
        holder.deleteLater()
        app.processEvents()
        gc.collect()
        if collecting:
            gc.enable()


def run(args) -> int:
    from explorer.qt.exports import export_tab

    with built_tabs([args.tab]) as (tab,):
        notes = []
        if not has_opengl() and args.tab == "recurrent":
            notes.append("note: no OpenGL on this platform: the 3-D views are skipped "
                         "(run under Xvfb with QT_QPA_PLATFORM=xcb to get them)")
        tab.status_message.connect(lambda text: notes.append(f"note: {text}"))
        written = export_tab(tab, args.out, formats=args.format, size=args.size)
    if not written:
        raise UserError(f"the {args.tab} tab has no figures to export yet")
    for path in written:
        print(path)
    for note in dict.fromkeys(notes):
        print(note, file=sys.stderr)
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    return 0
