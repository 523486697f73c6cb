"""``python -m explorer export --tab KEY --out DIR [--size WxH] [--format png,svg]`` (KEY: see explorer.core.experiments).

The same figure set as the window's File → Export figures…, made headless:
the experiment's renderer builds its model from the user's stored work (or the
shipped defaults where nothing was trained) and draws the figures from it; no
tab is built. Qt runs on its ``offscreen`` platform unless ``QT_QPA_PLATFORM``
says otherwise. The 3-D views need OpenGL, which is found by making a context
(the ``offscreen`` platform has one through GLX when a display is set, e.g.
under Xvfb); without it the other figures are written and one note says so.

:func:`headless_app`, :func:`has_opengl`, :func:`draws_3d`, :func:`opengl_note` and :func:`model_notes`
are shared with ``explorer report``.
"""

from __future__ import annotations

import os
import re
import sys

from explorer.core.errors import UserError

FORMATS = ("png", "svg", "pdf")


def register(commands) -> None:
    from explorer.core.experiments import KEYS

    parser = commands.add_parser("export", help="write a tab's standard figure set (no window)",
                                 description="Write a tab's standard figure set, as File → Export figures… does.")
    parser.add_argument("--tab", required=True, choices=KEYS, help="which tab's figures")
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
        _check_platform()
        _quiet_qt()
    _quiet_warnings()
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


#: Qt platforms that end the process (abort, exit 134) when their display is missing, and what names it.
_NEEDS_DISPLAY = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY", "wayland-egl": "WAYLAND_DISPLAY"}


def _check_platform() -> None:
    """A platform that needs a display, asked for with none: one error line instead of Qt's abort."""
    platforms = os.environ.get("QT_QPA_PLATFORM", "").split(";")  # "xcb;offscreen": Qt falls back by itself
    wanted = platforms[0].split(":")[0].strip()
    variable = _NEEDS_DISPLAY.get(wanted) if len(platforms) == 1 else None
    if variable and not os.environ.get(variable):
        raise UserError(f"QT_QPA_PLATFORM={wanted} needs a display and {variable} is not set; "
                        "unset QT_QPA_PLATFORM to export without one")


def _quiet_warnings() -> None:
    """The app's logged warnings (a renderer skipping a 3-D view…) are not printed bare between the output
    lines, as Python does for a logger with no handler; the command says what matters as ``note:`` lines."""
    import logging

    log = logging.getLogger("explorer")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())


def has_opengl() -> bool:
    """Whether 3-D views can be drawn here: an OpenGL context can be made (not the platform's name)."""
    from explorer.qt.widgets.gl_export import opengl_available

    return opengl_available()


def draws_3d(figures) -> bool:
    """Whether any of ``figures`` (a list or a dict by name) is a 3-D view."""
    from explorer.qt.widgets.figure_export import Figure

    return any(Figure.of(f).kind == "3d" for f in (figures.values() if isinstance(figures, dict) else figures))


def opengl_note(what: str) -> str:
    """The one plain line said when 3-D views cannot be drawn here."""
    return (f"note: no OpenGL here (no display, or one without GLX): {what}; "
            "run on a desktop or under Xvfb to get them")


def model_notes(model) -> list[str]:
    """The model's notes (damaged work set aside…) as ``note:`` lines."""
    return [f"note: {text}" for text in getattr(model, "notes", None) or []]


def run(args) -> int:
    from explorer.qt.exports import export_model, renderer

    # The renderer is imported before any OpenGL context is made (the first loads Mesa's LLVM): its
    # modules load what must come before it (explorer.qt.recurrent.scatter3d loads triton's LLVM).
    drawing = renderer(args.tab)
    headless_app()
    model = drawing.load_model()
    notes = model_notes(model)
    written = export_model(args.tab, model, args.out, formats=args.format, size=args.size)
    if not has_opengl() and draws_3d(drawing.figures(model)):
        notes.insert(0, opengl_note("the 3-D views are skipped"))
    if not written:
        raise UserError(f"the {args.tab} tab has no figures to export yet")
    for path in written:
        print(path)
    for note in dict.fromkeys(notes):
        print(note, file=sys.stderr)
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    return 0
