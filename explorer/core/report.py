"""The lab report: one self-contained HTML file, printable from the browser (no Qt here).

API (each tab fills sections; the window writes the file):

- :class:`ReportTable` -- ``caption``, ``headers``, ``rows``.
- :class:`ReportFigure` -- ``caption`` and either ``svg`` (text, for 2-D
  figures: inlined as vector) or ``png`` (bytes, for 3-D views: embedded as a
  ``data:`` URI). Make them with
  :func:`explorer.qt.widgets.report_figures.report_figure`.
- :class:`ReportSection` -- ``title``, ``settings`` (name -> value), ``seed``,
  ``text`` paragraphs, ``tables``, ``figures``; every section gets a notes box.
- ``build_report(sections, title=..., app_version=...) -> str`` and
  ``write_report(path, sections, ...)`` (atomic; raises ``UserError``).

Every text (titles, settings, seeds, table cells, captions) is escaped with
:func:`html.escape`, whatever file it came from, and a figure's SVG may hold
no script, event handler or embedded document.

The output is XHTML-ish: it parses as XML (``xml.etree``), references nothing
outside itself (no ``src``/``href`` but ``data:`` and ``#`` ones), and has
print CSS so that the browser's "Print to PDF" gives a clean document. The
notes boxes are ``contenteditable``: the student types into them before printing.
"""

from __future__ import annotations

import base64
import datetime as _dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from explorer.core.atomic import write_text
from explorer.core.errors import UserError


@dataclass
class ReportTable:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass
class ReportFigure:
    """A figure: ``svg`` text (2-D, inlined) or ``png`` bytes (3-D, embedded)."""

    caption: str
    svg: str | None = None
    png: bytes | None = None

    def __post_init__(self) -> None:
        if (self.svg is None) == (self.png is None):
            raise ValueError("a report figure needs exactly one of svg or png")


@dataclass
class ReportSection:
    title: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    text: Sequence[str] = ()
    tables: Sequence[ReportTable] = ()
    figures: Sequence[ReportFigure] = ()


CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 60em; color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #999; margin-top: 2em; }
.meta, .provenance { color: #444; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
th { background: #eee; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.2em; }
figure { margin: 1em 0; }
figure svg, figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #333; }
.notes { border: 1px dashed #888; min-height: 5em; padding: 0.5em; margin: 1em 0; white-space: pre-wrap; }
.notes:empty::before { content: "Notes: click here and type."; color: #999; }
nav.contents { font-size: 0.95em; }
@media print {
  body { margin: 0; max-width: none; }
  nav.contents a { color: inherit; text-decoration: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  figure, table { break-inside: avoid; }
  .notes { border: none; min-height: 0; }
  .notes:empty { display: none; }
}
"""

_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_ACTIVE = {"script", "foreignobject", "iframe", "object", "embed", "handler"}
_EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["'](?!data:|#)""", re.IGNORECASE)


def _svg_fragment(svg: str, prefix: str) -> str:
    """The SVG ready to inline: no XML prologue, well-formed, nothing fetched from outside.

    Its ids get ``prefix`` so that two figures' ``clip1`` or ``gradient1`` do not
    collide in one page (the second would draw with the first's clip).
    """
    body = _XML_PROLOGUE.sub("", svg, count=1)
    body = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', body)
    body = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", body)
    body = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', body)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise UserError(f"a figure for the report is not valid SVG: {exc}") from exc
    if not root.tag.endswith("svg"):
        raise UserError("a figure for the report is not an SVG drawing")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in _ACTIVE or any(name.rsplit("}", 1)[-1].lower().startswith("on") for name in element.attrib):
            raise UserError("a figure for the report holds a script or an event handler; it must be a plain drawing")
    if _EXTERNAL.search(body):
        raise UserError("a figure for the report refers to an outside file; it must be self-contained")
    return body


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def _table(table: ReportTable) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>" for row in table.rows)
    return (f"<table><caption>{escape(table.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _figure(figure: ReportFigure, prefix: str) -> str:
    if figure.svg is not None:
        content = _svg_fragment(figure.svg, prefix)
    else:
        data = base64.b64encode(figure.png).decode("ascii")
        content = f'<img alt="{escape(figure.caption)}" src="data:image/png;base64,{data}"/>'
    return f"<figure>{content}<figcaption>{escape(figure.caption)}</figcaption></figure>"


def _section(index: int, section: ReportSection, app_version: str) -> str:
    parts = [f'<section id="section-{index}"><h2>{escape(section.title)}</h2>']
    provenance = [f"app version {escape(app_version)}"]
    if section.seed is not None:  # a checkpoint's seed may come from a stranger's file: text like the rest
        provenance.insert(0, f"seed {escape(str(section.seed))}")
    parts.append(f'<p class="provenance">{", ".join(provenance)}</p>')
    if section.settings:
        rows = [(name, value) for name, value in section.settings.items()]
        parts.append(_table(ReportTable("Settings", ("setting", "value"), rows)))
    parts.extend(f"<p>{escape(paragraph)}</p>" for paragraph in section.text)
    parts.extend(_table(table) for table in section.tables)
    parts.extend(_figure(figure, f"s{index}f{j}-") for j, figure in enumerate(section.figures, start=1))
    parts.append('<div class="notes" contenteditable="true"></div>')
    parts.append("</section>")
    return "\n".join(parts)


def build_report(sections: Sequence[ReportSection], title: str = "Neural Dynamics Explorer: lab report",
                 app_version: str | None = None, created: _dt.datetime | None = None) -> str:
    """The whole report as one HTML document (a string)."""
    if app_version is None:
        from explorer import __version__ as app_version
    created = created or _dt.datetime.now().astimezone()
    body = "\n".join(_section(i, s, app_version) for i, s in enumerate(sections, start=1))
    contents = "".join(f'<li><a href="#section-{i}">{escape(s.title)}</a></li>' for i, s in enumerate(sections, start=1))
    contents = f'<nav class="contents"><ol>{contents}</ol></nav>\n' if len(sections) > 1 else ""
    return (
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">\n'
        f'<head><meta charset="utf-8"/><title>{escape(title)}</title>\n<style>{CSS}</style></head>\n'
        f"<body>\n<h1>{escape(title)}</h1>\n"
        f'<p class="meta">Made with Neural Dynamics Explorer {escape(app_version)} on '
        f"{escape(created.strftime('%Y-%m-%d %H:%M'))}</p>\n{contents}{body}\n</body>\n</html>\n"
    )


def write_report(path: str | Path, sections: Sequence[ReportSection], **options) -> Path:
    """Build the report and write it to ``path`` atomically; see :func:`build_report`."""
    return write_text(path, build_report(sections, **options))
