"""The kept drawings in File → Export figures…, the lab report and ``explorer export``/``report`` (issue 21).

The stored work is a NetLin trained for one epoch on small fake KMNIST files and kept through the model
as the tab keeps a run; the kept drawings are written through ``OwnDrawings`` (no window). The renderer
reads both with no tab: its numbers must be ``OwnDrawings.evaluate``'s own.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from explorer.core import paths
from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji import engine, nets
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.kuzushiji.own_drawings import OwnDrawings, net_classifier
from explorer.core.progress import run_to_end
from explorer.core.report import build_report
from explorer.core.work_store import WorkStore
from explorer.qt.kuzushiji import exports
from explorer.qt.kuzushiji.own_drawings_evaluation import evaluation_row
from tests.core.kuzushiji.fakedata import write_kmnist_folder

MATRIX = "kuzushiji_own_drawings_lin_confusion_matrix"


@pytest.fixture
def stored_work(tmp_path):
    """NetLin trained for one epoch and kept; six of the test images kept as the user's own drawings."""
    write_kmnist_folder(tmp_path / "kmnist", n_train=300, n_test=60)
    data = kmnist.import_folder(tmp_path / "kmnist")
    store = WorkStore("kuzushiji")
    model = KuzushijiModel()
    config = TrainConfig(net="lin", epochs=1)
    model.start_run(config)
    trained = run_to_end(engine.train(nets.create("lin", seed=config.seed), data, config))
    for record in trained.history:
        model.add_epoch(record)
    model.keep_run(model.run_history, trained.seconds, False, "", store, lambda *_: True)
    model.save_runs(store)
    kept = OwnDrawings.of(KMNIST)
    for i in range(6):
        kept.add(data.test_images[i].numpy(), int(data.test_labels[i]))
    kept.add(data.test_images[0].numpy(), (int(data.test_labels[0]) + 1) % KMNIST.num_classes)  # a wrong one
    return trained


def expected_evaluation(model):
    """What the Draw page's "Evaluate every net" computes for the stored NetLin."""
    result = model.results["lin"]
    return OwnDrawings.of(KMNIST).evaluate(net_classifier(result.model), result.accuracy)


def test_export_all_writes_the_kept_drawings_table_and_matrix_with_their_numbers(stored_work, qapp, tmp_path):
    model = exports.load_model()
    assert model.notes == [] and list(model.drawings_evaluations) == ["lin"]
    expected = expected_evaluation(model)
    assert expected.count == 7 and expected.gap is not None
    written = {p.name for p in exports.export_all(model, tmp_path, formats=("svg", "png"))}
    assert {"kuzushiji_own_drawings.csv", f"{MATRIX}.svg", f"{MATRIX}.png"} <= written
    (row,) = list(csv.DictReader((tmp_path / "kuzushiji_own_drawings.csv").open(encoding="utf-8")))
    assert row["Net"] == "NetLin" and int(row["Drawings"]) == 7
    assert float(row["Accuracy (%)"]) == pytest.approx(expected.accuracy)
    assert float(row["Balanced accuracy (%)"]) == pytest.approx(expected.balanced_accuracy)
    assert float(row["Test accuracy (%)"]) == pytest.approx(stored_work.history[-1].accuracy)
    assert float(row["Gap (points)"]) == pytest.approx(expected.gap)
    svg = (tmp_path / f"{MATRIX}.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)
    assert "NetLin confusion matrix on your kept drawings" in svg and expected.describe() in svg
    # The standard figures are all still there.
    assert {"kuzushiji_lin_confusion_matrix.svg", "kuzushiji_results_table.svg"} <= written


def test_the_report_has_a_section_of_your_own_drawings(stored_work, qapp):
    model = exports.load_model()
    expected = expected_evaluation(model)
    net, own = exports.report_sections(model)
    assert net.title == "Kuzushiji-MNIST: NetLin" and own.title == "Kuzushiji-MNIST: your own drawings"
    table, per_class = own.tables
    assert table.caption == "Your own drawings" and table.rows == [evaluation_row("lin", expected)]
    counts = OwnDrawings.of(KMNIST).counts()
    assert per_class.rows == [[model.labels()[i], int(c)] for i, c in enumerate(counts) if c]
    assert sum(r[1] for r in per_class.rows) == 7
    html = build_report([net, own])
    ET.fromstring(html)
    assert f"{expected.accuracy:.1f} %" in html and expected.describe() in html and len(own.figures) == 1


def test_no_kept_drawings_adds_nothing(qapp, tmp_path, stored_work):
    (paths.data_dir() / "drawings" / "kmnist" / "drawings.npz").unlink()
    model = exports.load_model()
    assert model.drawings_evaluations == {} and model.notes == []
    names = {p.name for p in exports.export_all(model, tmp_path, formats=("svg",))}
    assert not [n for n in names if "own_drawings" in n]
    assert [s.title for s in exports.report_sections(model)] == ["Kuzushiji-MNIST: NetLin"]


def test_a_damaged_kept_store_is_one_note_and_the_rest_exported(stored_work, qapp, tmp_path):
    store = paths.data_dir() / "drawings" / "kmnist" / "drawings.npz"
    store.write_bytes(b"PK\x03\x04 not really a zip archive")
    model = exports.load_model()
    assert len(model.notes) == 1 and "kept drawings" in model.notes[0] and "drawings.npz.damaged" in model.notes[0]
    assert store.with_name("drawings.npz.damaged").is_file()
    names = {p.name for p in exports.export_all(model, tmp_path, formats=("svg",))}
    assert "kuzushiji_lin_confusion_matrix.svg" in names and not [n for n in names if "own_drawings" in n]
    assert [s.title for s in exports.report_sections(model)] == ["Kuzushiji-MNIST: NetLin"]


def test_explorer_report_and_export_in_a_process_of_their_own_include_the_drawings(stored_work, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    report = tmp_path / "lab.html"
    done = subprocess.run([sys.executable, "-m", "explorer", "report", "--out", str(report)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    root = ET.fromstring(report.read_text(encoding="utf-8"))
    titles = ["".join(h.itertext()) for h in root.iter("{http://www.w3.org/1999/xhtml}h2")]
    assert "Kuzushiji-MNIST: your own drawings" in titles
    assert "7 drawings" in "".join(root.itertext())
    out = tmp_path / "figures"
    done = subprocess.run([sys.executable, "-m", "explorer", "export", "--tab", "kuzushiji", "--out", str(out),
                           "--format", "png"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "kuzushiji_own_drawings.csv").is_file() and (out / f"{MATRIX}.png").is_file()


def test_the_windows_export_figures_includes_the_evaluation_on_show(stored_work, qtbot, tmp_path):
    """File → Export figures… (the tab's export_all): the kept set's evaluation once "Evaluate every net"
    has run, and none of an earlier kept set's after a drawing is kept since."""
    from PySide6.QtCore import Qt

    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from explorer.qt.workers import wait_for_tasks

    tab = KuzushijiTab()
    qtbot.addWidget(tab)
    tab.resize(1440, 920)
    tab.show()
    qtbot.waitExposed(tab)
    assert wait_for_tasks([tab])
    qtbot.waitUntil(lambda: "lin" in tab.results, timeout=30_000)
    tab.pages.setCurrentWidget(tab.draw_holder)
    own = tab.draw_page.own_drawings
    qtbot.waitUntil(lambda: not own.is_loading() and own.evaluate_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(own.evaluated, timeout=30_000):
        qtbot.mouseClick(own.evaluate_button, Qt.MouseButton.LeftButton)
    expected = own.evaluations["lin"]
    first = tmp_path / "first"
    assert {"kuzushiji_own_drawings.csv", f"{MATRIX}.svg"} <= {p.name for p in tab.export_all(first, ("svg",))}
    (row,) = list(csv.DictReader((first / "kuzushiji_own_drawings.csv").open(encoding="utf-8")))
    assert int(row["Drawings"]) == 7 and float(row["Accuracy (%)"]) == pytest.approx(expected.accuracy)
    assert [s.title for s in tab.report_sections()][-1] == "Kuzushiji-MNIST: your own drawings"

    own.select_ids([own.store.drawings()[0].id])
    with qtbot.waitSignal(own.changed):
        own.delete_selected()  # the Delete button's and key's action
    assert own.is_stale() and len(own.store) == 6
    later = tmp_path / "later"
    assert not [p for p in tab.export_all(later, ("svg",)) if "own_drawings" in p.name]
    assert tab.shutdown()
