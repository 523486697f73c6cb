"""The MLP report states the settings the run used, not the spin boxes' values afterwards (issue 18).

Before, the report read the Train box's spin boxes: change the learning rate after
training and the report claimed the net was trained with it. The same holds for the
report drawn with no tab at all, from the stored work (``report_sections(load_model())``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from explorer.core.report import build_report
from explorer.qt.exports import write_lab_report
from explorer.qt.mlp import figures as mlp_figures
from tests.qt.mlp.driver import MLPUser


def _train(tab, qtbot) -> None:
    train = tab.controls.train
    train.lr.setValue(0.01)
    train.seed.setValue(3)
    train.max_epochs.setValue(300)
    train.init_std.setValue(0.2)
    MLPUser(tab).set_hidden(2)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=120_000)
    assert tab.undo_stack.undoText() == "train"


def _change_the_spin_boxes(tab) -> None:
    train = tab.controls.train
    train.lr.setValue(0.05)
    train.seed.setValue(7)
    train.max_epochs.setValue(5_000)
    train.init_std.setValue(0.5)


def _states_the_run(settings: dict, seed) -> None:
    assert settings["learning rate"] == 0.01 and seed == 3
    assert settings["max epochs"] == 300 and settings["initial weight size"] == 0.2
    assert settings["hidden units trained"] == 2


def test_the_report_states_the_runs_settings_after_the_spin_boxes_change(tab, qtbot, tmp_path):
    _train(tab, qtbot)
    _change_the_spin_boxes(tab)
    MLPUser(tab).set_hidden(3)  # an edit of the net: three units shown, the run had two
    (section,) = tab.report_sections()
    _states_the_run(section.settings, section.seed)
    assert section.settings["hidden units"] == 3
    assert section.settings["training run"].startswith("an earlier run: the net shown has changed since")
    html = write_lab_report(tmp_path / "report.html", [tab]).read_text(encoding="utf-8")  # File → Export report…
    assert "seed 3," in html and "seed 7" not in html


def test_the_report_from_the_stored_work_needs_no_tab(tab, qtbot):
    _train(tab, qtbot)
    _change_the_spin_boxes(tab)
    shown = tab.accuracy_label.text()
    assert tab.shutdown()  # the work is kept; the report below is made without the tab
    model = mlp_figures.load_model()
    assert model.owns_run() and model.run.outcome == "finished"
    (section,) = mlp_figures.report_sections(model)
    _states_the_run(section.settings, section.seed)
    assert section.settings["training run"].startswith("gave the net shown")
    assert section.text[0] == shown
    html = build_report([section], title="Lab report", app_version="test")
    assert html.count("<svg") == 4  # two hidden units, the output and the curves
    assert "Curves of the run that gave the net shown" in html


def _tabs() -> int:
    return sum(type(w).__name__ == "MLPTab" for w in QApplication.allWidgets())


def test_the_renderer_exports_the_stored_work_with_no_tab(qtbot, tmp_path):
    tabs = _tabs()  # earlier tests' tabs may still wait for their deletion
    model = mlp_figures.load_model()  # nothing stored yet: the shipped defaults
    written = {p.name for p in mlp_figures.export_all(model, tmp_path, formats=("png",))}
    assert written == {"hid_5_0.png", "hid_5_1.png", "hid_5_2.png", "hid_5_3.png", "hid_5_4.png", "out_5.png",
                       "activation_table.csv"}  # no run: no curves
    assert (tmp_path / "activation_table.csv").read_text(encoding="utf-8").count("\n") == 10  # header + 9 points
    assert [f.name for f in mlp_figures.figures(model)][-1] == "training_curves"
    assert _tabs() == tabs  # none was built
