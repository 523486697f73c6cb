"""The command line: ``python -m explorer <experiment> <command> …``.

Each experiment's module registers its sub-commands; every command calls the
same core functions as the GUI. Bad input exits non-zero with one readable
line on stderr.
"""

from __future__ import annotations

import argparse
import sys

from explorer import __version__
from explorer.core.errors import UserError


class _Parser(argparse.ArgumentParser):
    """Reports a bad command line as one ``error: …`` line (sub-parsers inherit the class)."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from explorer.cli import export, kuzushiji, mlp, recurrent, report

    parser = _Parser(
        prog="python -m explorer",
        description="Neural Dynamics Explorer on the command line (no window).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    experiments = parser.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)
    for module in (kuzushiji, mlp, recurrent, export, report):
        module.register(experiments)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from explorer.core import paths

        paths.data_dir()  # EXPLORER_DATA_DIR naming a file: one clear line before any work
        paths.remove_leftover_temporaries()  # of writers killed mid-write
        return int(args.run(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
