"""Issue 19, the Kuzushiji tab as a new user saw it: the banner, the charts, the exports, the Draw page."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.qt.kuzushiji.test_kuzushiji_tab import WAIT_MS, folder, make_tab  # noqa: F401 - fixture


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(20)


@pytest.fixture
def bare_tab(qtbot):
    """A newcomer's tab: nothing stored, nothing trained."""
    tab = make_tab(qtbot, load_at_start=False)
    yield tab
    assert tab.shutdown()


def test_after_an_import_the_banner_says_the_data_is_here_not_that_one_click_gets_it(bare_tab, qtbot, folder):  # noqa: F811
    assert "gets the KMNIST data" in bare_tab.banner_text.text()
    assert bare_tab.get_started_button.text() == "Get started: download and train all three"
    with qtbot.waitSignal(bare_tab.data_page.data_changed, timeout=WAIT_MS):
        bare_tab.data_page.import_folder(folder)  # real IDX .gz files, through the Data page's import
    settle(qtbot)
    text = bare_tab.banner_text.text()
    assert "The KMNIST data is here" in text and "gets the" not in text
    assert bare_tab.get_started_button.text() == "Get started: train all three"
    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.engine import TrainConfig
    from explorer.core.kuzushiji.results import NetResult

    bare_tab.results["lin"] = NetResult("lin", nets.create("lin", seed=7), TrainConfig(net="lin"), source="test")
    bare_tab._show_results()
    assert "NetLin is trained; NetFull and NetConv are not yet" in bare_tab.banner_text.text()


# item 5: the charts ------------------------------------------------------------------------------------
def shown_curves(qtbot, size):
    from explorer.qt.kuzushiji.plots import RunCurves

    curves = RunCurves()
    qtbot.addWidget(curves)
    curves.resize(*size)
    curves.show()
    qtbot.waitExposed(curves)
    return curves


def drawn_labels(axis) -> list[str]:
    """The tick labels pyqtgraph draws on ``axis`` now (those it drops for lack of room are missing)."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]] if specs else []


def add_run(curves, key, losses, test_losses, accuracies):
    curves.start_run(key, f"#{len(curves.runs) + 1} {key} · SGD lr 0.01, batch 64")
    per_epoch = len(losses) // len(test_losses)
    for i, loss in enumerate(losses):
        curves.add_batch(key, i / per_epoch, float(loss))
    for epoch, (test, accuracy) in enumerate(zip(test_losses, accuracies, strict=True), start=1):
        curves.add_epoch(key, epoch, test, accuracy)
    curves.stop_updates()


@pytest.mark.parametrize("size", [(620, 420), (860, 480)], ids=["1024-wide", "1280-wide"])
def test_the_loss_axis_has_three_readable_ticks_and_says_log_scale(qtbot, size):
    import numpy as np
    from PySide6.QtGui import QFontMetrics

    curves = shown_curves(qtbot, size)
    # The run: smoothed training loss near 2.0, test loss 1.33: pyqtgraph labelled only "2".
    add_run(curves, "NetLin", np.linspace(2.3, 1.95, 60), [1.6, 1.33], [60.0, 70.0])
    curves.loss_plot.vb.autoRange()
    settle(qtbot)
    axis = curves.loss_plot.getAxis("left")
    assert "log scale" in axis.labelText
    ticks = axis._tickLevels[0]
    assert len(ticks) >= 3, ticks
    assert len(drawn_labels(axis)) >= 3, drawn_labels(axis)  # drawn, not only asked for
    low, high = curves.loss_plot.vb.viewRange()[1]
    assert all(low <= position <= high for position, _ in ticks)
    pixels = curves.loss_plot.vb.height() / (high - low)
    gaps = np.diff(sorted(p for p, _ in ticks)) * pixels
    assert gaps.min() >= QFontMetrics(axis.style.get("tickFont") or axis.font()).height(), "labels run together"
    title = curves.loss_plot.titleLabel.text
    assert "running average" in title and "epoch's end" in title  # why training lies above test


def _points_under_legend(curves) -> list:
    rect = curves.legend.sceneBoundingRect()
    return [p for p in curves._data_points() if rect.contains(p)]


@pytest.mark.parametrize("size", [(620, 420), (860, 480)], ids=["1024-wide", "1280-wide"])
def test_the_accuracy_legend_covers_no_data_point(qtbot, size):
    import numpy as np

    curves = shown_curves(qtbot, size)
    falling = np.geomspace(2.3, 0.4, 90)
    add_run(curves, "NetLin", falling, [0.9, 0.65, 0.5], [72.0, 80.0, 84.0])
    add_run(curves, "NetFull", falling, [1.5, 1.0, 0.7], [55.0, 76.0, 86.0])
    add_run(curves, "NetConv", falling, [2.0, 1.2, 0.6], [34.0, 70.0, 88.0])
    settle(qtbot)
    assert not _points_under_legend(curves), curves.legend_corner
    # A run that got stuck at chance lies along the bottom, another near 100 % along the top.
    add_run(curves, "NetConv lr 5", np.full(90, 2.3), [2.3, 2.3, 2.3], [10.0, 10.0, 10.0])
    add_run(curves, "NetConv lr 0.1", np.full(90, 0.1), [0.1, 0.1, 0.1], [97.0, 98.0, 99.0])
    settle(qtbot)
    assert not _points_under_legend(curves), curves.legend_corner
    vb = curves.accuracy_plot.vb.sceneBoundingRect()
    assert vb.contains(curves.legend.sceneBoundingRect())  # still inside the plot, whole
    assert {"0", "100"} <= set(drawn_labels(curves.accuracy_plot.getAxis("left")))


def test_the_per_class_bars_leave_room_above_100(qtbot):
    import numpy as np

    from explorer.core.kuzushiji.evaluation import Evaluation
    from explorer.qt.kuzushiji.per_class import PerClassView

    view = PerClassView()
    qtbot.addWidget(view)
    confusion = np.diag(np.full(10, 1000))  # every class right: bars up to 100
    view.show_evaluation(Evaluation(100.0, 10_000, 10_000, 0.1, confusion, np.full(10, 100.0),
                                    np.zeros(0), np.zeros((0, 10)), np.zeros(0)))
    view.setCurrentIndex(1)
    view.resize(300, 330)
    view.show()
    settle(qtbot)
    plot = view.bars.getPlotItem()
    top = plot.vb.viewRange()[1][1]
    pixels_above_100 = (top - 100) / top * plot.vb.height()
    axis = plot.getAxis("left")
    from PySide6.QtGui import QFont, QFontMetrics

    font = axis.style.get("tickFont") or QFont()
    assert pixels_above_100 >= QFontMetrics(font).height() / 2  # the label "100" is whole
    assert drawn_labels(axis) == ["0", "25", "50", "75", "100"]


@pytest.mark.parametrize("classes", [10, 49])
def test_the_per_class_table_headers_fit_their_columns_at_1024(qtbot, classes):
    import numpy as np
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QStyle

    from explorer.core.kuzushiji.datasets import K49
    from explorer.core.kuzushiji.evaluation import Evaluation
    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from tests.qt.test_layout import _settle, open_window

    window, tab = open_window(qtbot, (1024, 700), KuzushijiTab)
    page = tab.evaluation_page
    tab.pages.setCurrentWidget(page)
    if classes == 49:  # Kuzushiji-49: longer names ("ゝ (odoriji)") and a scroll bar narrow the last column
        page.per_class_view.set_classes(K49.labels(), list(K49.glyphs))
    confusion = np.diag(np.full(classes, 1000))  # the real test set: "1,000 / 1,000" in every row
    page.per_class_view.show_evaluation(Evaluation(
        100.0, 1000 * classes, 1000 * classes, 0.1, confusion, np.full(classes, 100.0),
        np.zeros(0), np.zeros((0, classes)), np.zeros(0)))
    window.resize(1024, 700)
    _settle()
    settle(qtbot)
    table = page.per_class
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    pad = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    for column in range(table.columnCount()):
        text = table.horizontalHeaderItem(column).text()
        width = header.sectionSize(column)
        wrapped = metrics.boundingRect(QRect(0, 0, width - pad, 10_000),
                                       int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
        assert wrapped.width() <= width - pad and wrapped.height() <= header.height(), (text, width, header.height())
        for row in range(table.rowCount()):
            cell = table.item(row, column).text()
            assert metrics.horizontalAdvance(cell) < table.columnWidth(column), (cell, table.columnWidth(column))
    assert sum(table.columnWidth(c) for c in range(3)) <= table.viewport().width()
    tab.shutdown()


# item 7: exports -----------------------------------------------------------------------------------------
def test_file_export_figure_drawing_predictions_holds_only_the_charts_and_says_where_it_went(
        qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.engine import TrainConfig
    from explorer.core.kuzushiji.results import NetResult
    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from explorer.qt.settings import app_settings
    from tests.qt.test_layout import open_window

    window, tab = open_window(qtbot, (1280, 860), KuzushijiTab)
    for name in nets.NETS:
        tab.results[name] = NetResult(name, nets.create(name, seed=7), TrainConfig(net=name), source="test")
    tab._show_results()
    tab.pages.setCurrentWidget(tab.draw_holder)
    panel = tab.ensure_draw_page()
    panel.characters.buttons[3][0].click()  # a real つ on the canvas
    qtbot.waitUntil(lambda: panel.preprocessed is not None, timeout=10_000)
    out = tmp_path / "exports"
    out.mkdir()
    app_settings().set_value("dirs/export", str(out))  # where the last export went
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("drawing_predictions", True))
    window.export_one_figure()
    dialog = window.export_dialog
    assert dialog.path.text() == str(out / "drawing_predictions.png")  # opens in the last export folder
    dialog.format.setCurrentIndex(dialog.format.findData("svg"))
    dialog.accept()
    written = out / "drawing_predictions.svg"
    svg = written.read_text(encoding="utf-8")
    for chrome in ("Put a real one on the canvas", "The real thing", "Real examples", "What the nets see"):
        assert chrome not in svg, chrome  # no button, no dropdown's group, no panels of the page
    for name in ("NetLin", "NetFull", "NetConv"):
        assert f"{name} reads" in svg
    assert str(written) in window.statusBar().currentMessage()  # the folder and the file
    # Right-click Export… on a look inside the nets starts in the same folder and says where it wrote.
    other = tmp_path / "elsewhere"
    other.mkdir()
    app_settings().set_value("dirs/export", str(other))
    figure = panel.insides.templates_page.figure
    next(a for a in figure.actions() if a.text() == "Export…").trigger()
    dialog = figure.export_dialog
    assert dialog.path.text().startswith(str(other))
    dialog.accept()
    assert f"Exported {other}" in window.statusBar().currentMessage()
    assert app_settings().value("dirs/export") == str(other)
    tab.shutdown()


def test_training_curve_files_and_titles_name_their_nets(qtbot, tmp_path):
    import numpy as np

    from explorer.qt.kuzushiji import exports
    from explorer.qt.widgets.figure_export import export_figure

    curves = shown_curves(qtbot, (700, 500))
    add_run(curves, "NetLin", np.geomspace(2.3, 0.5, 40), [0.9, 0.6], [70.0, 80.0])
    first = exports.curves_figure(curves, which="loss")
    assert first.name == "kuzushiji_lin_loss_curves" and "NetLin" in first.title
    assert exports.whole_curves_figure(curves).name == "kuzushiji_lin_training_curves"
    export_figure(first, tmp_path / f"{first.name}.png")
    curves.clear_runs()
    add_run(curves, "NetConv", np.geomspace(2.3, 0.3, 40), [0.7, 0.4], [80.0, 90.0])
    second = exports.curves_figure(curves, which="accuracy")
    export_figure(second, tmp_path / f"{second.name}.png")
    from explorer.qt.widgets.figure_export import render_figure

    svg = render_figure(second, "svg", width=800).decode()
    assert "test accuracy (%)" in svg and "(%) (%)" not in svg
    assert "Test accuracy" not in svg  # the on-screen title is not repeated under the figure's own
    assert curves.accuracy_plot.titleLabel.text == "Test accuracy"  # and is back on screen
    assert {p.name for p in tmp_path.iterdir()} == {"kuzushiji_lin_loss_curves.png",
                                                      "kuzushiji_conv_accuracy_curves.png"}
    add_run(curves, "NetLin", np.geomspace(2.3, 0.5, 40), [0.9, 0.6], [70.0, 80.0])
    both = exports.curves_figure(curves, which="loss")
    assert both.name == "kuzushiji_lin_conv_loss_curves" and "NetLin and NetConv" in both.title
    add_run(curves, "NetFull", np.geomspace(2.3, 0.5, 40), [0.9, 0.6], [70.0, 80.0])
    every = exports.curves_figure(curves, which="loss")
    assert every.name == "kuzushiji_all_nets_loss_curves" and "All nets" in every.title


# item 9: the Draw page -----------------------------------------------------------------------------------
def draw_page_with_three_nets(qtbot, size):
    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.engine import TrainConfig
    from explorer.core.kuzushiji.results import NetResult
    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from tests.qt.test_layout import _settle, open_window

    window, tab = open_window(qtbot, size, KuzushijiTab)
    for name in nets.NETS:
        tab.results[name] = NetResult(name, nets.create(name, seed=7), TrainConfig(net=name), source="test")
    tab._show_results()
    tab.pages.setCurrentWidget(tab.draw_holder)
    panel = tab.ensure_draw_page()
    panel.characters.buttons[3][0].click()  # a real つ
    qtbot.waitUntil(lambda: panel.preprocessed is not None, timeout=10_000)
    window.resize(*size)
    _settle()
    settle(qtbot)
    return window, tab, panel


def thumbnail_pixels(image_item, tile: int) -> float:
    """On-screen width in pixels of one ``tile``-pixel-wide tile of ``image_item``'s mosaic."""
    units_per_pixel = image_item.getViewBox().viewPixelSize()[0]
    return tile / units_per_pixel


def test_the_draw_page_says_whose_answer_the_real_examples_follow(qtbot):
    import numpy as np

    from explorer.core.kuzushiji.classes import CLASSES

    window, tab, panel = draw_page_with_three_nets(qtbot, (1280, 860))
    prediction = panel.prediction
    top = int(np.argmax(panel.probabilities["conv"]))  # the examples follow NetConv, the most accurate
    kana, romaji = CLASSES[top]
    title = prediction.examples_title.text()
    answers = {name: int(np.argmax(p)) for name, p in panel.probabilities.items()}
    if len(set(answers.values())) == 1:
        assert title.startswith(f"Every net's answer: {kana} ({romaji})")
    else:
        assert "NetConv" in title.split("answer")[0] and f"answer: {kana} ({romaji})" in title
        for cls in answers.values():
            if cls != top:  # a net that reads something else is named with what it reads
                assert CLASSES[cls][0] in title
    assert prediction.examples_title.isVisibleTo(window)
    # The case, told to the panel directly: NetConv reads を, NetLin and NetFull つ.
    wo, tsu = np.eye(10)[9], np.eye(10)[3]
    prediction.show_result(np.zeros((28, 28), np.float32), {"lin": tsu, "full": tsu, "conv": wo})
    prediction.show_examples(9, [])
    assert prediction.examples_title.text().startswith("NetConv's answer: を (wo); NetLin and NetFull say つ (tsu)")
    tab.shutdown()


@pytest.mark.parametrize("size", [(1280, 860), (1024, 700)], ids=["1280x860", "1024x700"])
def test_templates_feature_maps_and_hidden_units_are_readable_and_on_screen(qtbot, size):
    window, tab, panel = draw_page_with_three_nets(qtbot, size)
    insides = panel.insides
    tiles = {
        "NetLin templates": [(insides.templates_image, 28)],
        "NetConv maps": [(insides.maps_plots[0], 26), (insides.maps_plots[1], 11)],
        "NetFull units": [(insides.hidden_image, 1)],
    }
    for title, images in tiles.items():
        insides.setCurrentIndex(next(i for i in range(insides.count()) if insides.tabText(i) == title))
        window.resize(*size)
        settle(qtbot)
        page = insides.currentWidget()
        assert not insides.tabBar().usesScrollButtons() or insides.tabBar().sizeHint().width() <= insides.width()
        # On screen without scrolling: the whole tab lies inside the window's visible part of the page.
        scroll = tab.draw_holder.scroll
        top_left = page.mapTo(scroll.viewport(), page.rect().topLeft())
        assert 0 <= top_left.y() and top_left.y() + 100 <= scroll.viewport().height(), (title, top_left.y())
        if size == (1280, 860):
            for image, tile in images:
                assert thumbnail_pixels(image, tile) >= 48, (title, tile, thumbnail_pixels(image, tile))
    tab.shutdown()


@pytest.mark.parametrize("kept", ["gone", 5, ["/tmp"]], ids=["deleted-folder", "number", "list"])
def test_a_remembered_export_folder_that_is_gone_or_not_a_path_opens_the_dialog_at_home(qtbot, tmp_path, kept):
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

    from explorer.qt.settings import app_settings
    from explorer.qt.widgets.export_dialog import open_export_dialog
    from explorer.qt.widgets.figure_export import Figure

    app_settings().set_value("dirs/export", str(tmp_path / "gone") if kept == "gone" else kept)
    widget = QWidget()
    qtbot.addWidget(widget)
    dialog = open_export_dialog(Figure(widget, name="figure"), widget)
    assert dialog.path.text() == str(Path.home() / "figure.png")
