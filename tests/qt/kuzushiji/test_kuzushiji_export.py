"""Exports of the Kuzushiji tab: figures titled by net and epoch, tables as data, the set per net, the report."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.inputs import normalise
from explorer.core.report import build_report
from explorer.qt.kuzushiji import exports
from explorer.qt.widgets.figure_export import Figure, render_figure
from explorer.qt.widgets.table_export import copy_table, export_table_csv
from tests.qt.kuzushiji.test_kuzushiji_tab import WAIT_MS, folder, make_tab, train  # noqa: F401 - fixture

LABELS = [f"{k} {r}" for k, r in CLASSES]


@pytest.fixture
def trained(qtbot, folder):  # noqa: F811
    """A tab with data and a NetLin trained for two epochs."""
    tab = make_tab(qtbot)
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        tab.data_page.import_folder(folder)
    train(tab, qtbot, "lin", epochs=2)
    tab.pages.setCurrentWidget(tab.evaluation_page)
    qtbot.waitUntil(tab.evaluation_page.matrix.isVisible)
    yield tab
    assert tab.shutdown()


def red_pixels(png: bytes) -> int:
    """Pixels of the selection box's red (220, 30, 30) in a PNG."""
    image = QImage.fromData(png).convertToFormat(QImage.Format.Format_RGB888)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = array[:, : 3 * image.width()].reshape(image.height(), image.width(), 3).astype(int)
    return int((np.abs(rgb - (220, 30, 30)).sum(axis=2) < 60).sum())


def test_every_figure_has_export_and_the_matrix_says_its_epoch_without_the_red_box(trained):
    tab, page = trained, trained.evaluation_page
    for widget in (tab.curves, page.matrix, page.per_class_view.bars, page.gallery, tab.data_page.gallery):
        assert "Export…" in [a.text() for a in widget.actions()], widget
    page.epoch.setValue(1)
    page.open_cell(0, 0)
    assert page.matrix.highlight.isVisible()
    figure = exports.confusion_figure(page)
    assert figure.title == "NetLin confusion matrix after epoch 1 of 2"
    first = tab.results["lin"].history[0].evaluation
    assert f"{first.accuracy:.2f} %" in figure.note
    assert red_pixels(render_figure(Figure(page.matrix), "png", width=700)) > 50  # the box, as on screen
    assert red_pixels(render_figure(figure, "png", width=700)) == 0
    assert page.matrix.highlight.isVisible()  # back after the export
    svg = render_figure(figure, "svg", width=700).decode()
    assert "epoch 1 of 2" in svg and "predicted class" in svg
    bars = exports.per_class_figure(page)
    assert "NetLin, epoch 1 of 2" in bars.title
    assert page.per_class_view.heights() == pytest.approx(np.nan_to_num(first.per_class_accuracy).tolist())


def test_tables_copy_as_tsv_and_export_as_csv(trained, tmp_path):
    tab, page = trained, trained.evaluation_page
    tsv = copy_table(tab.results_table)
    assert QGuiApplication.clipboard().text() == tsv
    header, row = (line.split("\t") for line in tsv.splitlines())
    assert dict(zip(header, row, strict=True)) == tab.results_table.row_texts("lin")
    path = export_table_csv(page.per_class, tmp_path / "per_class.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["Class", "Accuracy", "Right / images"]
    assert [r[1] for r in rows[1:]] == [page.per_class.item(i, 1).text() for i in range(10)]
    copy = next(a for a in page.matrix.actions() if a.text() == "Copy counts")
    copy.trigger()
    lines = [line.split("\t") for line in QGuiApplication.clipboard().text().splitlines()]
    assert lines[0][1:] == LABELS and [line[0] for line in lines[1:]] == LABELS
    np.testing.assert_array_equal(np.array([line[1:] for line in lines[1:]], dtype=int), page.matrix.matrix)


def test_export_all_writes_each_nets_figures_and_the_curves_csv(trained, tmp_path):
    tab, page = trained, trained.evaluation_page
    page.epoch.setValue(1)
    written = tab.export_all(tmp_path)
    names = {p.name for p in written}
    for stem in ("kuzushiji_lin_loss_curves", "kuzushiji_lin_confusion_matrix", "kuzushiji_confusion_matrix"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names
    assert "kuzushiji_lin_training_curves.csv" in names  # only NetLin's runs: the file says so
    assert page.epoch.value() == 1  # the view is put back
    svg = (tmp_path / "kuzushiji_lin_confusion_matrix.svg").read_text()
    ET.fromstring(svg)
    assert "NetLin confusion matrix after epoch 2 of 2" in svg
    assert "NetLin: training loss" in (tmp_path / "kuzushiji_lin_loss_curves.svg").read_text()
    assert QImage(str(tmp_path / "kuzushiji_lin_loss_curves.png")).width() == 1600
    rows = list(csv.DictReader((tmp_path / "kuzushiji_lin_training_curves.csv").open(encoding="utf-8")))
    run = tab.curves.runs[tab.run_key]
    loss_column = f"{run.label}: test loss"
    assert [float(r[loss_column]) for r in rows] == pytest.approx(run.test_loss)
    assert [float(r[f"{run.label}: test accuracy (%)"]) for r in rows] == pytest.approx(run.accuracies)
    assert [r["epoch"] for r in rows] == ["1", "2"]


def test_report_sections_carry_the_results_tables_numbers(trained):
    tab = trained
    sections = tab.report_sections()
    assert [s.title for s in sections] == ["Kuzushiji-MNIST: NetLin"]
    section = sections[0]
    row = tab.results_table.row_texts("lin")
    result_table, matrix, pairs = section.tables
    assert dict(zip(result_table.headers, result_table.rows[0], strict=True)) == row
    evaluation = tab.results["lin"].evaluation
    assert [r[0] for r in matrix.rows] == LABELS
    np.testing.assert_array_equal(np.array([r[1:] for r in matrix.rows]), evaluation.confusion)
    assert all(p[0] in LABELS and p[1] in LABELS and p[2] > 0 for p in pairs.rows)
    assert section.settings["parameters"] == "7,850" and section.seed == tab.results["lin"].config.seed
    html = build_report(sections)
    ET.fromstring(html)
    assert row["Test accuracy"] in html and "を wo" in html
    assert len(section.figures) == 2 and all(f.svg for f in section.figures)


def test_a_thumbnail_opens_large_with_each_nets_reading_and_goes_to_the_draw_page(trained, qtbot):
    tab, page = trained, trained.evaluation_page
    off = page.matrix.matrix.copy()
    true, predicted = np.unravel_index(np.argmax(off), off.shape)
    page.open_cell(int(true), int(predicted))
    item = page.gallery.item(0)
    qtbot.mouseClick(page.gallery.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.gallery.visualItemRect(item).center())
    dialog = page.image_dialog
    assert dialog is not None and dialog.isVisible()
    index = page.gallery.indices[0]
    assert dialog.heading.text().startswith(f"Test image {index:,}: a {CLASSES[true][0]}")
    image = tab.data.test_images[index]
    with torch.no_grad():
        expected = tab.results["lin"].model(normalise(image[None]).reshape(1, 1, 28, 28)).exp()[0]
    top = int(expected.argmax())
    assert dialog.readings()["NetLin"].startswith(f"{CLASSES[top][0]} ({CLASSES[top][1]}) {100 * expected[top]:.1f} %")
    assert dialog.table.item(0, 2).text() == f"{100 * expected[true]:.1f} %"
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert tab.pages.currentWidget() is tab.draw_holder
    qtbot.waitUntil(lambda: tab.draw_page.preprocessed is not None)
    assert tab.draw_page.canvas.undo_stack.undoText() == "Put a test image on the canvas"


def test_curves_say_they_are_of_earlier_runs_once_a_net_is_loaded(trained, qtbot, tmp_path):
    tab = trained
    tab.save_weights(tmp_path / "mine.pth")
    tab.open_weights(tmp_path / "mine.pth")
    assert "NetLin is now the one from mine.pth; these curves are of earlier runs" in tab.curves.note
    assert "earlier runs" in tab.curves.loss_plot.titleLabel.text
    assert tab.controls.task_panel.label.text() == "Loaded NetLin from mine.pth"
    train(tab, qtbot, "lin", epochs=1)
    assert tab.curves.note == "" and "earlier runs" not in tab.curves.loss_plot.titleLabel.text


def test_a_tab_never_shown_exports_the_stored_work_as_the_command_line_does(trained, qtbot, tmp_path):
    from explorer.qt.kuzushiji.tab import KuzushijiTab

    hidden = KuzushijiTab()  # as `explorer export --tab kuzushiji` builds it: restored, never shown
    qtbot.addWidget(hidden)
    try:
        written = hidden.export_all(tmp_path, formats=("svg",), size=(900, 700))
        assert {"kuzushiji_lin_loss_curves.svg", "kuzushiji_lin_confusion_matrix.svg"} <= {p.name for p in written}
        svg = (tmp_path / "kuzushiji_lin_confusion_matrix.svg").read_text()
        assert "NetLin confusion matrix after epoch 2 of 2" in svg
        table = hidden.report_sections()[0].tables[0]
        shown = dict(zip(table.headers, table.rows[0], strict=True))
        assert shown["Test accuracy"] == trained.results_table.row_texts("lin")["Test accuracy"]
    finally:
        assert hidden.shutdown()


def test_right_click_export_of_the_matrix_writes_what_the_slider_shows(trained, tmp_path):
    page = trained.evaluation_page
    page.epoch.setValue(1)
    action = next(a for a in page.matrix.actions() if a.text() == "Export…")
    action.trigger()
    dialog = page.matrix.export_dialog
    try:
        dialog.format.setCurrentIndex(dialog.format.findData("svg"))
        dialog.path.setText(str(tmp_path / "matrix.svg"))
        written = dialog.export()
    finally:
        dialog.close()
    text = written.read_text()
    assert "NetLin confusion matrix after epoch 1 of 2" in text and "を" in text
