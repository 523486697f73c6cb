"""The recurrent tab's exports (issue 11): every view titled and named as the course names it, data as CSV/TSV, a report section."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QImage

from tests.qt.recurrent.driver import RecurrentUser, machine_found


@pytest.fixture
def tab(machine_tab):
    return machine_tab


def _svg_text(path) -> str:
    root = ET.parse(path).getroot()
    return " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text") or t.tag.endswith("tspan"))


def test_every_view_has_a_right_click_export(tab):
    widgets = [*tab.views.pairs.views, tab.views.view3d, tab.machine_panel.diagram, tab.machine_panel.curve,
               tab.generalisation, tab.needed_chart, tab.step_panel, tab.controls.curves]
    for widget in widgets:
        assert any(a.text() == "Export…" for a in widget.actions()), type(widget).__name__
    assert any("numbers" in a.text() for a in tab.step_panel.actions())


def test_export_all_writes_the_course_names_png_svg_and_csv(tab, tmp_path):
    names = {p.name for p in tab.export_all(tmp_path, size=(800, 600))}
    for stem in ("anb2n_srn2_01", "anb2n_srn2_fsm", "anb2n_srn2_per_n", "anb2n_srn2_states_needed",
                 "anb2n_srn2_fidelity_k", "anb2n_srn2_step"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names, stem
    assert {"anb2n_srn2_steps.csv", "anb2n_srn2_per_n.csv", "anb2n_srn2_fsm_states.csv",
            "anb2n_srn2_fsm_transitions.csv", "anb2n_srn2_states_needed.csv"} <= names
    image = QImage(str(tmp_path / "anb2n_srn2_fsm.png"))
    assert (image.width(), image.height()) == (800, 600)
    pixels = np.frombuffer(image.convertToFormat(QImage.Format.Format_RGB32).constBits(), np.uint8)
    assert pixels.min() < 100  # not blank
    text = _svg_text(tmp_path / "anb2n_srn2_fsm.svg")
    assert "SRN-2" in text and "state machine" in text and "reads A" in text
    assert "accuracy" in _svg_text(tmp_path / "anb2n_srn2_per_n.svg")


def test_csvs_round_trip_with_the_numbers_shown(tab, tmp_path):
    tab.export_all(tmp_path, formats=("png",), size=(400, 300))
    with open(tmp_path / "anb2n_srn2_per_n.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["n"]) for r in rows] == sorted(tab.generalisation.per_n)
    assert float(rows[9]["chance (%)"]) == pytest.approx(95.0)
    assert float(rows[0]["accuracy (%)"]) == pytest.approx(tab.generalisation.per_n[1])
    with open(tmp_path / "anb2n_srn2_fsm_states.csv", newline="") as fh:
        states = list(csv.DictReader(fh))
    assert len(states) == machine_found(tab).machine.size
    with open(tmp_path / "anb2n_srn2_steps.csv", newline="") as fh:
        steps = list(csv.DictReader(fh))
    assert len(steps) == len(tab.sequence.text) - 1  # every step of the string, not just the one shown
    np.testing.assert_allclose([float(steps[2]["h0"]), float(steps[2]["h1"])], tab.trace.hidden[2], atol=1e-6)
    assert steps[2]["machine state"] == str(tab.machine.lockstep.machine_states[2])


def test_step_numbers_as_tsv(tab, tmp_path):
    from explorer.qt.recurrent.figures import write_step_numbers

    path = write_step_numbers(tab.model, tmp_path / "steps.tsv")
    lines = path.read_text().splitlines()
    assert lines[0].split("\t")[:3] == ["step", "read", "next"]
    assert len(lines) == len(tab.sequence.text)


def test_report_section_has_settings_machine_and_length_chart(tab):
    section = tab.report_sections()[0]  # the counting units follow in a section of their own
    assert section.settings["model"] == "SRN-2" and section.settings["largest n (L)"] == 4
    captions = " ".join(f.caption for f in section.figures)
    assert "state machine" in captions and "length generalisation" in captions and "01" not in section.title
    assert any(t.caption == "fsm states" and len(t.rows) == machine_found(tab).machine.size for t in section.tables)
    assert all(f.svg is not None for f in section.figures if "3-D" not in f.caption)
    assert "chance" in section.text[0]


def test_export_right_after_opening_does_not_wait_for_the_background_extraction(qtbot, tmp_path):
    from explorer.qt.recurrent.tab import RecurrentTab

    fresh = RecurrentTab()  # as `explorer export` builds it: no event loop turns before exporting
    qtbot.addWidget(fresh)
    names = {p.name for p in fresh.export_all(tmp_path, formats=("png",), size=(300, 200))}
    assert {"anb2n_srn2_fsm.png", "anb2n_srn2_fsm_states.csv", "anb2n_srn2_states_needed.csv"} <= names
    assert machine_found(fresh).machine.size == 12
    assert fresh.shutdown()


def test_the_report_states_the_accuracy_as_text_not_markup(tab):
    """Issue 19: the accuracy readout's HTML reached the report as literal ``<span …>`` text."""
    from explorer.core.report import build_report

    section = tab.report_sections()[0]  # the counting units follow in a section of their own
    assert "<" not in section.text[0] and "span" not in section.text[0]
    assert section.text[0].startswith("Accuracy (n = 1..4): 100.0 % — solves the language; chance: ")
    html = build_report([section])
    assert "&lt;span" not in html and "&lt;br" not in html


def test_markup_in_an_opened_checkpoint_is_shown_as_text(tab, tmp_path):
    """A stranger's ``.pt`` whose name and recipe hold markup: the header and the report show it as text."""
    import xml.etree.ElementTree as ET

    from explorer.core.recurrent.weights import save_net
    from explorer.core.report import build_report

    markup = "<img src=x onerror=alert(1)>"
    path = tmp_path / "anb2n_srn2_<b>bold<i>.pt"
    save_net(path, tab.state.model, "anb2n", hyperparameters={"recipe": markup, "seed": 5, "L": 4})
    tab.open_weights(path)
    header = RecurrentUser(tab).description()
    assert "&lt;b&gt;bold&lt;i&gt;" in header and "&lt;img" in header and "<img" not in header
    section = tab.report_sections()[0]  # the counting units follow in a section of their own
    html = build_report([section])
    root = ET.fromstring(html.split("\n", 1)[1])
    assert not [e for e in root.iter() if e.tag.endswith("}img") and e.get("onerror") is not None]
    assert markup in "".join(root.itertext())  # the recipe is in the settings table, as text


def _tick_numbers(path) -> list[float]:
    """Every text of the SVG that is a plain number (the axes' tick labels, the colour key's)."""
    found = []
    for text in _svg_text(path).split():
        try:
            found.append(float(text.replace("−", "-")))
        except ValueError:
            pass
    return found


def _in(numbers, low, high) -> set[float]:
    return {n for n in numbers if low <= n <= high}


# A narrow window no auto-ranged tanh view shows three tick labels in (its ticks are 0.2 or 0.5 apart).
ZOOM_X, ZOOM_Y = (0.31, 0.37), (-0.57, -0.51)


def test_export_all_keeps_the_pair_views_zoom(tab, tmp_path):
    """Issue 20: File → Export figures… drew the pair views afresh at their full range, not the zoom on screen."""
    view = tab.views.pairs.views[0]
    view.getViewBox().setRange(xRange=ZOOM_X, yRange=ZOOM_Y, padding=0)  # what a wheel zoom and a drag end in
    tab.export_all(tmp_path, formats=("svg",), size=(800, 640))
    numbers = _tick_numbers(tmp_path / "anb2n_srn2_01.svg")
    assert len(_in(numbers, *ZOOM_X)) >= 3, numbers  # the x axis of the zoom: 0.32, 0.34, 0.36 …
    assert len(_in(numbers, *ZOOM_Y)) >= 3, numbers
    assert not {-1.0, -0.5, 0.5} & set(numbers), numbers  # not the whole tanh square's ticks
    (x0, x1), (y0, y1) = view.viewRange()
    assert (x0, x1, y0, y1) == pytest.approx((*ZOOM_X, *ZOOM_Y))  # the view on screen is as the user left it


def test_a_wheel_zoom_reaches_the_exported_pair_view(tab, qtbot, tmp_path):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    view = tab.views.pairs.views[0]
    (fx0, fx1), _ = view.viewRange()
    centre = view.mapFromScene(view.getViewBox().sceneBoundingRect().center())
    for _ in range(6):  # six notches in: about a third of the width left
        wheel = QWheelEvent(QPointF(centre), QPointF(view.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(view.viewport(), wheel)
    (x0, x1), (y0, y1) = view.viewRange()
    assert x1 - x0 < 0.6 * (fx1 - fx0)  # the wheel did zoom in
    tab.export_all(tmp_path, formats=("svg",), size=(800, 640))
    numbers = _tick_numbers(tmp_path / "anb2n_srn2_01.svg")
    fractions = [n for n in numbers if n != int(n)]  # the axes' ticks; the colour key's are whole counts
    assert len(fractions) >= 4, numbers
    outside = [n for n in fractions if not (min(x0, y0) <= n <= max(x1, y1))]
    assert not outside, (outside, (x0, x1), (y0, y1))  # the full range's ±0.5 are not in the file


def test_lstm_export_keeps_the_zoom_of_the_pairs_shown_and_fits_the_other_kinds(qtbot, tmp_path):
    """The cell pairs written beside an LSTM's hidden view have no view on screen: they stay fitted."""
    from tests.qt.recurrent.helpers import shipped_lstm_tab

    lstm = shipped_lstm_tab(qtbot)
    try:
        lstm.views.pairs.views[0].getViewBox().setRange(xRange=ZOOM_X, yRange=ZOOM_Y, padding=0)
        lstm.export_all(tmp_path, formats=("svg",), size=(800, 640))
        shown = _tick_numbers(tmp_path / "anb2n_lstm2_01.svg")
        assert len(_in(shown, *ZOOM_X)) >= 3 and len(_in(shown, *ZOOM_Y)) >= 3, shown
        other = _tick_numbers(tmp_path / "anb2n_lstm2_cell_01.svg")
        # Its own fitted range (the cells reach past ±1; the colour key has no negative ticks), not the zoom.
        assert -1.0 in other and not _in(other, *ZOOM_X) and not _in(other, *ZOOM_Y), other
    finally:
        assert lstm.shutdown()


def test_a_zoom_does_not_outlive_the_points_it_was_of(tab, tmp_path):
    """Principal components after a zoom of the units: the views fit the new points, and so does the file."""
    tab.views.pairs.views[0].getViewBox().setRange(xRange=ZOOM_X, yRange=ZOOM_Y, padding=0)
    tab.views.mode.setCurrentIndex(tab.views.mode.findData("pca"))
    (x0, x1), (y0, y1) = tab.views.pairs.views[0].viewRange()
    assert x1 - x0 > 10 * (ZOOM_X[1] - ZOOM_X[0])  # fitted to the components on screen
    tab.export_all(tmp_path, formats=("svg",), size=(800, 640))
    numbers = _tick_numbers(tmp_path / "anb2n_srn2_pc12.svg")
    assert len(_in(numbers, *ZOOM_X)) < 3 and len(_in(numbers, *ZOOM_Y)) < 3, numbers
