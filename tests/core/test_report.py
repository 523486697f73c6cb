"""The HTML lab report: one self-contained file that parses as XML and embeds every figure."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from explorer.core.errors import UserError
from explorer.core.report import (
    ReportFigure,
    ReportSection,
    ReportTable,
    build_report,
    write_report,
)

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg width="100" height="50" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink"><defs><clipPath id="clip1"><rect width="90" height="40"/></clipPath></defs>
<g clip-path="url(#clip1)"><text x="5" y="20">Test loss &amp; accuracy</text></g>
<image xlink:href="data:image/png;base64,AAAA" width="1" height="1"/></svg>"""
PNG = b"\x89PNG\r\n\x1a\nfake"


def _sections() -> list[ReportSection]:
    results = ReportTable("Results", ["net", "accuracy (%)", "test loss"], [["NetConv", 93.14, 0.25441234]])
    return [
        ReportSection("Kuzushiji: NetConv", settings={"epochs": 10, "lr": 0.01}, seed=7, tables=[results],
                      figures=[ReportFigure("Loss <NetConv>", svg=SVG), ReportFigure("Confusion", svg=SVG)]),
        ReportSection("Recurrent: SRN-3", text=["Hidden states & counting."],
                      figures=[ReportFigure("3-D view", png=PNG)]),
    ]


def test_report_parses_embeds_every_figure_and_refers_to_nothing_outside(tmp_path):
    path = write_report(tmp_path / "report.html", _sections(), title="My lab report", app_version="9.9")
    html = path.read_text(encoding="utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])  # after <!DOCTYPE html>
    assert root.tag == f"{XHTML}html"
    svgs = list(root.iter("{http://www.w3.org/2000/svg}svg"))
    images = list(root.iter(f"{XHTML}img"))
    assert len(svgs) == 2 and len(images) == 1
    assert base64.b64decode(images[0].get("src").split(",", 1)[1]) == PNG
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href") or name == "src":
                assert value.startswith(("data:", "#")), value
    assert "<link" not in html and "<script" not in html and "@import" not in html
    links = [a.get("href") for a in root.iter(f"{XHTML}a")]
    assert links == ["#section-1", "#section-2"] and all(f'id="{link[1:]}"' in html for link in links)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # two copies of one SVG do not share a clip id


def test_sections_carry_settings_seed_version_numbers_and_a_notes_box():
    root = ET.fromstring(build_report(_sections(), app_version="9.9").split("\n", 1)[1])
    text = "".join(root.itertext())
    assert "seed 7" in text and "app version 9.9" in text and "93.14" in text and "0.254412" in text
    assert "Loss <NetConv>" in text  # escaped on the way in, text again when parsed
    notes = [e for e in root.iter(f"{XHTML}div") if e.get("class") == "notes"]
    assert len(notes) == 2 and all(n.get("contenteditable") == "true" for n in notes)
    style = next(root.iter(f"{XHTML}style")).text
    assert "@media print" in style


def test_outside_references_and_broken_svg_are_refused():
    outside = SVG.replace("data:image/png;base64,AAAA", "http://example.org/x.png")
    with pytest.raises(UserError, match="outside"):
        build_report([ReportSection("x", figures=[ReportFigure("f", svg=outside)])])
    with pytest.raises(UserError, match="not valid SVG"):
        build_report([ReportSection("x", figures=[ReportFigure("f", svg="<svg><g></svg>")])])
    with pytest.raises(ValueError):
        ReportFigure("neither")


SCRIPT = "<script>alert('seed')</script>"


def test_every_text_from_a_file_reaches_the_page_as_text():
    """A stranger's checkpoint can carry markup in its seed, label or settings: it shows, it never runs."""
    section = ReportSection(
        f"Recurrent: {SCRIPT}", settings={"net": f"from {SCRIPT}.pt", SCRIPT: 1}, seed=SCRIPT,  # type: ignore[arg-type]
        text=[f"<img src=x onerror=alert(1)> {SCRIPT}"],
        tables=[ReportTable(SCRIPT, [SCRIPT], [[SCRIPT]])],
        figures=[ReportFigure(SCRIPT, svg=SVG), ReportFigure(SCRIPT, png=PNG)],
    )
    html = build_report([section], title=SCRIPT, app_version=SCRIPT)
    root = ET.fromstring(html.split("\n", 1)[1])
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert "script" not in tags and "<script" not in html.lower()
    assert not [e for e in root.iter(f"{XHTML}img") if e.get("onerror") is not None]
    provenance = next(e for e in root.iter(f"{XHTML}p") if e.get("class") == "provenance")
    assert provenance.text.startswith(f"seed {SCRIPT},")  # shown as the text it is
    assert "".join(root.itertext()).count(SCRIPT) >= 9


@pytest.mark.parametrize("active", [
    '<script>alert(1)</script>',
    '<g onload="alert(1)"/>',
    '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="x"/></foreignObject>',
])
def test_a_figure_with_a_script_or_a_handler_is_refused(active):
    svg = SVG.replace("</svg>", f"{active}</svg>")
    with pytest.raises(UserError, match="script or an event handler"):
        build_report([ReportSection("x", figures=[ReportFigure("f", svg=svg)])])
