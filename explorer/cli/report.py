"""``python -m explorer report --out FILE.html``: the one-file HTML lab report, as File → Export report… writes it.

Every tab is built headless (see :mod:`explorer.cli.export`) from the user's
stored work or the shipped defaults, and contributes its report sections.
"""

from __future__ import annotations

import sys
from pathlib import Path

from explorer.core.errors import UserError


def register(commands) -> None:
    parser = commands.add_parser("report", help="write the HTML lab report of every tab (no window)",
                                 description="Write the one-file HTML lab report, as File → Export report… does.")
    parser.add_argument("--out", required=True, metavar="FILE.html", help="the report file to write")
    parser.set_defaults(run=run)


def run(args) -> int:
    from explorer.cli.export import built_tabs, has_opengl
    from explorer.qt.exports import TAB_NAMES, write_lab_report

    out = Path(args.out).expanduser()
    if out.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"{out.name}: the report is an HTML file; give a name ending in .html")
    if out.is_dir():
        raise UserError(f"{out} is a folder; give a file name ending in .html")
    with built_tabs(TAB_NAMES) as tabs:
        path = write_lab_report(out, tabs)
    if not has_opengl():
        print("note: no OpenGL on this platform: 3-D views are not in the report "
              "(run under Xvfb with QT_QPA_PLATFORM=xcb to include them)", file=sys.stderr)
    print(path)
    return 0
