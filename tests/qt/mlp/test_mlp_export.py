"""MLP figures and tables for a lab report: names, titles, axis labels, CSVs, the report section (issue 11)."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

from PySide6.QtGui import QImage

from explorer.core.report import build_report
from explorer.qt.widgets.table_export import table_rows
from tests.qt.mlp.driver import MLPUser


def _action_texts(widget) -> list[str]:
    return [a.text() for a in widget.actions()]


def test_every_plot_and_the_table_offer_export_on_right_click(tab):
    for plot in tab.region_plots:
        assert "Export…" in _action_texts(plot)
    assert "Export…" in _action_texts(tab.curves)
    assert {"Copy table", "Export as CSV…"} <= set(_action_texts(tab.table))


def test_exported_plots_carry_unit_activation_scale_equation_and_axis_labels(tab, tmp_path):
    tab.load_reference()
    MLPUser(tab).set_scale(10)
    written = tab.export_all(tmp_path)
    svg = (tmp_path / "hid_4_0.svg").read_text()
    ET.fromstring(svg)  # parses
    for text in ("Hidden unit h0 of 4", "step", "×10", "dividing line y = x - 1.4", "target 1"):
        assert text in svg, text
    out = (tmp_path / "out_4.svg").read_text()
    assert "Output of the 2-4-1 net" in out and "100 % right" in out
    image = QImage(str(tmp_path / "out_4.png"))
    assert image.width() == 1600 and image.height() > 0
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    assert len(colours) > 3  # shading, points, text: not a blank page
    assert all(p.stat().st_size > 0 for p in written)


def test_the_csvs_hold_the_numbers_shown_with_real_column_names(tab, tmp_path, qtbot):
    MLPUser(tab).set_hidden(5)
    with qtbot.waitSignal(tab.undo_stack.indexChanged, timeout=120_000):
        tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    written = {p.name for p in tab.export_all(tmp_path)}
    assert {"training_curves.png", "training_curves.svg", "out_5.svg", "hid_5_4.png"} <= written
    assert "loss" in (tmp_path / "training_curves.svg").read_text()
    with open(tmp_path / "training_curves.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["epoch", "loss", "accuracy (%)"]
    assert [(int(e), float(loss), float(a)) for e, loss, a in rows[1:]] == tab.model.run.rows()
    with open(tmp_path / "activation_table.csv", newline="") as handle:
        table = list(csv.reader(handle))
    headers, shown = table_rows(tab.table)
    assert table[0] == headers == ["x", "y", "h0", "h1", "h2", "h3", "h4", "output", "target", "correct"]
    assert table[1:] == shown and len(shown) == 9


def test_the_report_section_has_weights_lines_table_plots_settings_and_seed(tab):
    tab.load_reference()
    sections = tab.report_sections()
    html = build_report(sections, title="Lab report", app_version="test")
    root = ET.fromstring(html)
    svgs = [e for e in root.iter() if e.tag.endswith("svg")]
    assert len(svgs) == 5  # four hidden units and the output, inline
    for text in ("y = x - 1.4", "Dividing lines", "Activation table", "Weights as shown", "training run"):
        assert text in html, text
    # A hand-designed net: no run, so no training settings or seed to state (not the spin boxes').
    assert sections[0].seed is None and "learning rate" not in sections[0].settings
    assert "Accuracy 100 %" in html
