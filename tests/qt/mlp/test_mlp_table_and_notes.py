"""What a new user tripped over on the MLP tab (issue 19): the table's numbers and header, cut weights, stale notes."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from explorer.core.mlp.network import forward
from tests.qt.mlp.driver import MLPUser


def _column(tab, header: str) -> int:
    model = tab.table.model_
    return next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == header)


def test_at_x10_tiny_activations_read_as_four_decimals_with_the_full_value_in_the_tooltip(tab):
    tab.load_reference()
    user = MLPUser(tab)
    user.set_activation("sigmoid")
    user.set_scale(10)
    model = tab.table.model_
    hidden, output = forward(tab.network(), tab.state.dataset.points, "sigmoid")
    assert hidden.min() < 1e-6  # the 8.32e-07 and 1.71e-15 are there
    texts = [model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(model.columnCount() - 2)]
    assert not any("e" in t for t in texts), texts
    assert all(re.fullmatch(r"-?\d+(\.\d{1,4})?", t) for t in texts), texts
    h0 = _column(tab, "h0")
    row = int(hidden[:, 0].argmin())
    assert model.data(model.index(row, h0)) == "0.0000"  # "off", not an exponent, and not a bare 0
    tip = model.data(model.index(row, h0), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("h0 = ") and float(tip.split("= ")[1]) == float(f"{hidden[row, 0]:.10g}")
    assert tab.table.column_texts("output") == [f"{v:.4f}" if round(v, 4) != v else f"{v:g}" for v in output]


def test_the_check_column_has_a_header(tab):
    model = tab.table.model_
    last = model.columnCount() - 1
    assert model.headerData(last, Qt.Orientation.Horizontal) == "correct"
    assert set(tab.table.column_texts("correct")) <= {"✓", "✗"}
    assert "right" in model.headerData(last, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_the_weights_editor_shows_every_value_whole(tab, qtbot):
    editor = tab.controls.network.editor
    editor.item(0, 0).setText("-0.206049")  # the "-0.2060…"
    editor.item(1, 3).setText("-12.3456789")
    assert tab.state.weights.in_hid_weight[0, 0] == -0.206049
    delegate = editor.itemDelegate()
    metrics = editor.fontMetrics()
    for row in range(editor.rowCount()):
        for col in range(editor.columnCount()):
            item = editor.item(row, col)
            shown = delegate.displayText(item.text(), editor.locale())
            assert metrics.horizontalAdvance(shown) + 8 <= editor.columnWidth(col), (row, col, shown)
    assert delegate.displayText(editor.item(0, 0).text(), editor.locale()) == "-0.206"
    assert editor.item(0, 0).text() == "-0.206049"  # an edit starts from the full value
    assert "-0.206049" in editor.item(0, 0).toolTip()
    assert "-12.3457" in editor.item(1, 3).toolTip()


def test_while_training_the_curves_note_says_so_and_the_curves_page_shows(tab, qtbot):
    assert "No training run yet" in tab.curves_note.text()
    MLPUser(tab).set_max_epochs(1000)
    tab.start_training()
    assert tab.bottom.currentWidget().isAncestorOf(tab.curves) and tab.curves.isVisible()
    assert "No training run yet" not in tab.curves_note.text() and "Training" in tab.curves_note.text()
    qtbot.waitUntil(lambda: tab.task is None, timeout=120_000)
    assert "gave the net shown" in tab.curves_note.text()


def test_the_train_box_says_the_weights_were_edited_by_hand_after_a_run(tab, qtbot):
    MLPUser(tab).set_max_epochs(1000)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=120_000)
    panel = tab.controls.train.task_panel
    ran = panel.label.text()
    assert ran.startswith("epoch ") and panel.bar.value() == panel.bar.maximum()
    editor = tab.controls.network.editor
    editor.item(0, 2).setText("0.5")  # a hand edit: the run's numbers no longer describe the net
    assert "edited by hand" in panel.label.text() and not panel.label.text().startswith("epoch ")
    assert panel.bar.value() == 0 and panel.bar.format() == ""
    assert tab.bottom.currentWidget() is tab.table  # the edit changes the table: it is shown
    tab.undo_stack.undo()  # the trained net again: its run's line comes back
    assert panel.label.text() == ran and panel.bar.value() == panel.bar.maximum()
    tab.load_reference()
    assert "reference step net" in panel.label.text()


def test_help_says_the_step_convention_at_zero_and_titles_name_the_rescale(tab):
    from explorer.qt.help import guide_markdown

    guide = guide_markdown("mlp")
    assert "1 where its input sum z is ≥ 0" in guide and "(z = 0) counts as on" in guide
    tab.load_reference()
    user = MLPUser(tab)
    user.set_scale(10)
    assert all(plot.title_text().endswith("(×10)") for plot in tab.region_plots)  # as Help says
    user.set_scale(1)
    assert not any("×" in plot.title_text() for plot in tab.region_plots)
