"""The Kuzushiji renderer draws the stored work with no tab: load_model, export_all, report_sections.

The work is a NetLin trained for two epochs on small fake KMNIST files and kept through the
model, exactly as the tab keeps a run; nothing here builds a tab or reads a widget of one.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QImage

from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji import engine, nets
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.progress import run_to_end
from explorer.core.report import build_report
from explorer.core.work_store import WorkStore
from explorer.qt.kuzushiji import exports
from tests.core.kuzushiji.fakedata import write_kmnist_folder


@pytest.fixture
def stored_work(tmp_path):
    """The user's stored work after training NetLin for two epochs: weights, history and curves."""
    write_kmnist_folder(tmp_path / "kmnist", n_train=600, n_test=100)
    data = kmnist.import_folder(tmp_path / "kmnist")
    store = WorkStore("kuzushiji")
    model = KuzushijiModel()
    config = TrainConfig(net="lin", epochs=2)
    model.start_run(config)
    trained = run_to_end(engine.train(nets.create("lin", seed=config.seed), data, config))
    for record in trained.history:
        model.add_epoch(record)
    model.keep_run(model.run_history, trained.seconds, False, "", store, lambda *_: True)
    model.save_runs(store)
    return trained


def test_export_all_of_the_stored_work_writes_the_windows_files_with_its_numbers(stored_work, qapp, tmp_path):
    model = exports.load_model()
    assert model.names() == ["lin"] and model.notes == []
    out = tmp_path / "figures"
    out.mkdir()
    written = exports.export_all(model, out)
    stems = ("kuzushiji_lin_loss_curves", "kuzushiji_lin_confusion_matrix", "kuzushiji_confusion_matrix",
             "kuzushiji_results_table")
    assert {p.name for p in written} == {f"{s}.{f}" for s in stems for f in ("png", "svg")} | {
        "kuzushiji_lin_training_curves.csv"}
    last = stored_work.history[-1]
    svg = (out / "kuzushiji_lin_confusion_matrix.svg").read_text()
    ET.fromstring(svg)
    assert "NetLin confusion matrix after epoch 2 of 2" in svg and f"test accuracy {last.accuracy:.2f} %" in svg
    assert "NetLin: training loss" in (out / "kuzushiji_lin_loss_curves.svg").read_text()
    assert f"{last.accuracy:.2f} %" in (out / "kuzushiji_results_table.svg").read_text()
    assert QImage(str(out / "kuzushiji_lin_loss_curves.png")).width() == 1600
    rows = list(csv.DictReader((out / "kuzushiji_lin_training_curves.csv").open(encoding="utf-8")))
    column = "#1 NetLin · SGD lr 0.01, batch 64: test accuracy (%)"
    assert [float(r[column]) for r in rows] == pytest.approx([h.accuracy for h in stored_work.history])


def test_the_confusion_matrix_looked_at_follows_the_models_selection(stored_work, qapp, tmp_path):
    model = exports.load_model()
    model.select("lin", 1)
    exports.export_all(model, tmp_path, formats=("svg",))
    first = stored_work.history[0]
    svg = (tmp_path / "kuzushiji_confusion_matrix.svg").read_text()
    assert "NetLin confusion matrix after epoch 1 of 2" in svg and f"test accuracy {first.accuracy:.2f} %" in svg
    assert "after epoch 2 of 2" in (tmp_path / "kuzushiji_lin_confusion_matrix.svg").read_text()


def test_report_sections_state_the_stored_runs_numbers_and_settings(stored_work, qapp):
    model = exports.load_model()
    (section,) = exports.report_sections(model)
    assert section.title == "Kuzushiji-MNIST: NetLin"
    result_table, matrix, pairs = section.tables
    row = dict(zip(result_table.headers, result_table.rows[0], strict=True))
    last = stored_work.history[-1]
    assert row["Test accuracy"] == f"{last.accuracy:.2f} %" and row["Test loss"] == f"{last.test_loss:.4f}"
    assert row["Epochs"] == "2" and row["Parameters"] == "7,850" and row["Weights"].startswith("the last training")
    np.testing.assert_array_equal(np.array([r[1:] for r in matrix.rows]), last.evaluation.confusion)
    assert section.settings["lr"] == 0.01 and section.settings["epochs"] == 2 and section.seed == 1
    assert all(p[2] > 0 for p in pairs.rows)
    html = build_report([section])
    ET.fromstring(html)
    assert row["Test accuracy"] in html and len(section.figures) == 2 and all(f.svg for f in section.figures)


def test_nothing_stored_reports_nothing_and_draws_empty_figures(qapp, tmp_path):
    model = exports.load_model()
    assert model.results == {} and exports.report_sections(model) == []
    names = {p.name for p in exports.export_all(model, tmp_path, formats=("svg",))}
    assert names == {"kuzushiji_all_nets_loss_curves.svg", "kuzushiji_confusion_matrix.svg",
                     "kuzushiji_results_table.svg"}


def test_the_renderer_imports_no_tab(tmp_path):
    """In a process of its own: loading, exporting and reporting never import the tab's module."""
    code = ("import sys\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from explorer.qt.kuzushiji import exports\n"
            "model = exports.load_model()\n"
            f"exports.export_all(model, {str(tmp_path)!r}, formats=('svg',))\n"
            "exports.report_sections(model)\n"
            "print('tab imported' if 'explorer.qt.kuzushiji.tab' in sys.modules else 'no tab')\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EXPLORER_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "no tab"
