"""The bundle's and ``main.py``'s entry: the command line or the application.

``neural-explorer --cli …`` (or the executable called as ``neural-explorer-cli``)
is the command line; anything else goes to :func:`explorer.qt.app.main` (the
window, ``--self-test``, ``--help``). Kept apart from ``explorer.qt.app`` so
that the command line, which builds tabs offscreen for its exports, and the
application never import each other.
"""

from __future__ import annotations

import sys
from pathlib import Path


def invoked_as_cli() -> bool:
    """A copy or link of the bundle's executable named ``neural-explorer-cli`` is the command line."""
    return Path(sys.argv[0]).stem.endswith("-cli")


def main(argv: list[str] | None = None) -> int:
    """Dispatch on the arguments (without the program name)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["--cli"] or invoked_as_cli():
        try:  # Ctrl+C during the command line's imports: one line and 130, as later on
            from explorer.cli import main as cli_main

            return cli_main(args[1:] if args[:1] == ["--cli"] else args)
        except KeyboardInterrupt:
            print("error: interrupted", file=sys.stderr, flush=True)
            return 130
    from explorer.qt.app import main as app_main

    return app_main(args)
