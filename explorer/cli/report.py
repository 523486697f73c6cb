"""``python -m explorer report --out FILE.html``: the one-file HTML lab report, as File → Export report… writes it.

Each experiment's renderer builds its model from the user's stored work or the
shipped defaults (see :mod:`explorer.cli.export`; no tab is built) and draws its
report sections from it, in the window's order.
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
    from explorer.cli.export import draws_3d, has_opengl, headless_app, model_notes, opengl_note
    from explorer.core.experiments import EXPERIMENTS
    from explorer.core.report import ReportSection
    from explorer.qt.exports import model_sections, renderer, write_sections

    out = Path(args.out).expanduser()
    if out.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"{out.name}: the report is an HTML file; give a name ending in .html")
    if out.is_dir():
        raise UserError(f"{out} is a folder; give a file name ending in .html")
    drawings = {each.key: renderer(each.key) for each in EXPERIMENTS}  # before any OpenGL context (see export)
    headless_app()
    notes: list[str] = []
    sections: list[ReportSection] = []
    three_d = False
    for each in EXPERIMENTS:
        try:
            model = drawings[each.key].load_model()
        except UserError as exc:
            sections.append(ReportSection(each.title, text=[f"This part could not be reported: {exc}"]))
            continue
        notes += model_notes(model)
        sections += model_sections(each.key, model)
        three_d = three_d or (not has_opengl() and draws_3d(drawings[each.key].figures(model)))
    path = write_sections(out, sections)
    if three_d:
        notes.insert(0, opengl_note("the 3-D views are not in the report"))
    for note in dict.fromkeys(notes):
        print(note, file=sys.stderr)
    print(path)
    return 0
