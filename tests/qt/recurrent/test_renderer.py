"""The recurrent renderer (issue 18): figures, files and report drawn from the model, no tab built."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from explorer.core.report import build_report
from explorer.core.work_store import WorkStore
from explorer.qt.recurrent import figures as renderer


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return renderer.load_model(WorkStore("recurrent", tmp_path_factory.mktemp("work")))


def _tabs_alive() -> int:
    """Recurrent tabs alive now. Counted before and after, as an earlier test's closed tab may await deletion."""
    return sum(type(w).__name__ == "RecurrentTab" for w in QApplication.allWidgets())


def test_export_all_writes_the_tabs_files_from_the_model_alone(qapp, model, tmp_path):
    tabs = _tabs_alive()
    said = []
    written = renderer.export_all(model, tmp_path, formats=("png", "svg"), size=(400, 300), say=said.append)
    names = {p.name for p in written}
    for stem in ("anb2n_srn2_01", "anb2n_srn2_fsm", "anb2n_srn2_fidelity_k", "anb2n_srn2_per_n",
                 "anb2n_srn2_states_needed", "anb2n_srn2_step", "anb2n_srn2_counting"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names, stem
    assert {"anb2n_srn2_steps.csv", "anb2n_srn2_per_n.csv", "anb2n_srn2_fsm_states.csv",
            "anb2n_srn2_fsm_transitions.csv", "anb2n_srn2_fidelity_k.csv", "anb2n_srn2_states_needed.csv",
            "anb2n_srn2_counting_units.csv", "anb2n_srn2_counting_points.csv"} <= names
    assert not any("training_curves" in n for n in names)  # no run: no empty chart
    assert all(Path(p).stat().st_size > 0 for p in written)
    with open(tmp_path / "anb2n_srn2_per_n.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [float(r["accuracy (%)"]) for r in rows] == [model.results.per_n[n] for n in sorted(model.results.per_n)]
    with open(tmp_path / "anb2n_srn2_fsm_states.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == model.study.found.machine.size == 12
    if "anb2n_srn2_3d.png" not in names:  # no OpenGL here: said once, the rest written
        assert len(said) == 1 and "3-D" in said[0]
    else:
        assert {"anb2n_srn2_3d_front.png", "anb2n_srn2_3d_side.png", "anb2n_srn2_3d_top.png"} <= names
    assert _tabs_alive() == tabs  # the renderer built no tab


def test_report_sections_state_plain_numbers_from_the_model(qapp, model):
    tabs = _tabs_alive()
    sections = renderer.report_sections(model)
    assert [s.title.split(":")[0] for s in sections] == ["Recurrent dynamics", "Counting units"]
    first = sections[0]
    assert first.text[0] == model.results.accuracy_text
    assert first.text[0].startswith("Accuracy (n = 1..4): 100.0 % — solves the language; chance: 80 % (")
    assert "12 states" in first.text[1]
    assert first.settings["model"] == "SRN-2" and first.settings["net"] == "pretrained (shipped with the app)"
    html = build_report(sections)
    assert "&lt;span" not in html and "&lt;br" not in html and "chance: 80 %" in html
    assert _tabs_alive() == tabs  # the renderer built no tab


def test_the_report_follows_the_models_choices_not_a_widget(qapp, model):
    model.views.coordinates = "pca"
    try:
        section = renderer.report_sections(model)[0]
        assert section.settings["coordinates"] == "pca"
        assert any("PC1" in f.caption for f in section.figures)
    finally:
        model.views.coordinates = "units"


@pytest.mark.parametrize("module", ["figures.py", "counting_panel.py", "drawing.py"])
def test_the_renderer_never_imports_the_tab(module):
    source = (Path(renderer.__file__).parent / module).read_text(encoding="utf-8")
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert "explorer.qt.recurrent.tab" not in imported


@pytest.mark.gl
def test_with_opengl_the_3d_views_are_drawn_from_the_model_alone(qapp, model, tmp_path):
    import numpy as np
    from PySide6.QtGui import QImage

    tabs = _tabs_alive()
    said = []
    names = {p.name for p in renderer.export_all(model, tmp_path, formats=("png",), size=(400, 300), say=said.append)}
    assert said == []
    assert {"anb2n_srn2_3d.png", "anb2n_srn2_3d_front.png", "anb2n_srn2_3d_side.png", "anb2n_srn2_3d_top.png"} <= names
    image = QImage(str(tmp_path / "anb2n_srn2_3d_top.png")).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)[..., :3]
    assert (pixels.sum(axis=2) < 600).mean() > 0.01  # points drawn, not a blank frame
    assert _tabs_alive() == tabs  # the renderer built no tab
