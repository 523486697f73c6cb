"""The command line: ``python -m explorer <experiment> <command> …``.

Each experiment's module (named in :mod:`explorer.core.experiments`) registers
its sub-commands; every command calls the same core functions as the GUI.
Whatever goes wrong ends in exactly one
``error: …`` line on stderr and exit code 2, never a traceback: bad options
(argparse), bad input (:class:`UserError`), files that cannot be read or
written, and anything unexpected (its traceback goes to the log file, which
the line names). Ctrl+C ends with ``error: interrupted`` and exit code 130.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import re
import sys
from pathlib import Path

from explorer import __version__
from explorer.core.errors import UserError

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

# argparse takes "-1e7" for an option (its own pattern knows only "-1" and "-1.5"): every number a
# float() accepts is a value here, so "--scale -1e7" reaches the range check that names the option.
_NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """Reports a bad command line as one ``error: …`` line (sub-parsers inherit the class)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command: each experiment's (its ``cli`` module in
    :mod:`explorer.core.experiments`), then ``export`` and ``report``."""
    import importlib

    from explorer.cli import export, report
    from explorer.core.experiments import EXPERIMENTS

    parser = _Parser(
        prog="python -m explorer",
        description="Neural Dynamics Explorer on the command line (no window).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    experiments = parser.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)
    for module in [importlib.import_module(e.cli) for e in EXPERIMENTS] + [export, report]:
        module.register(experiments)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code is 0, 2 (any error) or 130 (interrupted).

    Library warnings (torch's notes on a file's pickle protocol, PIL's) are not
    printed: stderr carries progress and at most one ``error:`` line.
    """
    logging.captureWarnings(True)
    warnings_log = logging.getLogger("py.warnings")
    quiet = logging.NullHandler()
    warnings_log.addHandler(quiet)
    try:
        return _run(argv)
    finally:
        warnings_log.removeHandler(quiet)
        logging.captureWarnings(False)


def _run(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        from explorer.core import paths

        paths.data_dir()  # EXPLORER_DATA_DIR naming a file: one clear line before any work
        paths.remove_leftover_temporaries()  # of writers killed mid-write
        return int(args.run(args) or 0)
    except UserError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return interrupted()
    except OSError as exc:
        return fail(describe_os_error(exc))
    except MemoryError:
        return fail("not enough memory for this command")
    except RecursionError:
        return fail("the input is nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback for the log
        log_file = log_unexpected(exc)
        where = f" (details in {log_file})" if log_file else ""
        return fail(f"unexpected {type(exc).__name__}: {_first_line(exc)}{where}")


def fail(message: str) -> int:
    """Print ``error: message`` as one line on stderr; return exit code 2."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr, flush=True)
    return EXIT_ERROR


def interrupted() -> int:
    """Ctrl+C: one line, exit code 130 (128 + SIGINT, as shells report it)."""
    print("error: interrupted", file=sys.stderr, flush=True)
    return EXIT_INTERRUPTED


def describe_os_error(exc: OSError) -> str:
    """``<file>: <reason>`` for a file the system could not read or write."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else reason


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else "(no message)"


def log_unexpected(exc: BaseException) -> Path | None:
    """Append ``exc``'s traceback to the app's log file; the file, or ``None`` if it cannot be written."""
    from explorer.core import paths

    log = logging.getLogger("explorer.cli")
    try:
        file = paths.log_file()
        handler = logging.handlers.RotatingFileHandler(file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.handleError = lambda record: None  # a full disk must not print "--- Logging error ---"
    log.addHandler(handler)
    try:
        log.error("command line %s: unexpected error", " ".join(sys.argv[1:]), exc_info=exc)
    finally:
        log.removeHandler(handler)
        handler.close()
    return file
