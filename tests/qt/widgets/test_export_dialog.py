"""Right-click "Export…" on any view opens one dialog that writes the chosen file."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTableWidget

from explorer.qt.widgets.export_dialog import ExportDialog, install_export_action
from explorer.qt.widgets.figure_export import Figure


def test_export_action_opens_the_dialog_which_writes_the_chosen_size(loss_plot, tmp_path, qtbot):
    titles = iter(["epoch 3", "epoch 4"])
    action = install_export_action(loss_plot, lambda: Figure(loss_plot, title=next(titles), name="loss"))
    assert action in loss_plot.actions() and action.text() == "Export…"
    action.trigger()
    dialog = loss_plot.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.figure.title == "epoch 3"  # made when asked for
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == ["png", "svg", "pdf"]
    dialog.keep_shape.setChecked(False)
    dialog.width_box.setValue(640)
    dialog.height_box.setValue(480)
    dialog.path.setText(str(tmp_path / "loss.png"))
    dialog.accept()
    assert dialog.written == tmp_path / "loss.png"
    image = QImage(str(dialog.written))
    assert (image.width(), image.height()) == (640, 480)


def test_changing_the_format_changes_the_suffix(loss_plot, tmp_path, qtbot):
    dialog = ExportDialog(Figure(loss_plot, name="loss"), folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.path.text().endswith("loss.png")
    dialog.format.setCurrentIndex(1)
    assert dialog.path.text() == str(tmp_path / "loss.svg")
    assert dialog.export().read_text().lstrip().startswith("<?xml")


def test_pyqtgraph_menu_export_entry_opens_our_dialog(qtbot):
    plot = pg.PlotWidget()  # menus enabled: pyqtgraph's own right-click menu stays
    qtbot.addWidget(plot)
    install_export_action(plot)
    assert plot.contextMenuPolicy() != Qt.ContextMenuPolicy.ActionsContextMenu
    plot.scene().contextMenu[0].trigger()
    assert isinstance(plot.export_dialog, ExportDialog)
    plot.export_dialog.close()


def test_views_without_a_plot_menu_show_the_action_on_right_click(loss_plot, qtbot):
    loss_plot.setMenuEnabled(False)
    install_export_action(loss_plot)
    assert loss_plot.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    table = QTableWidget(2, 2)
    qtbot.addWidget(table)
    install_export_action(table)
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu


def test_width_and_height_keep_the_shape_unless_told_not_to(loss_plot, qtbot):
    dialog = ExportDialog(Figure(loss_plot, aspect=2.0))
    qtbot.addWidget(dialog)
    assert (dialog.width_box.value(), dialog.height_box.value()) == (1600, 800)
    dialog.width_box.setValue(1000)
    assert dialog.height_box.value() == 500
    dialog.keep_shape.setChecked(False)
    dialog.height_box.setValue(1000)
    assert dialog.width_box.value() == 1000


def test_a_failed_export_says_why_in_a_box_that_does_not_block_and_the_dialog_stays(loss_plot, tmp_path, qtbot):
    from PySide6.QtWidgets import QMessageBox

    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    dialog = ExportDialog(Figure(loss_plot, name="loss"), folder=blocker, parent=loss_plot)
    dialog.open()
    dialog.accept()  # returns at once: the box is window-modal, not a nested event loop
    boxes = [b for b in dialog.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert len(boxes) == 1 and boxes[0].windowTitle() == "Could not export the figure" and boxes[0].isVisible()
    assert dialog.isVisible() and dialog.written is None
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    dialog.reject()
