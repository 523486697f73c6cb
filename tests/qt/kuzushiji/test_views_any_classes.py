"""The Draw page's characters, the per-class accuracy and NetLin's note follow the data set in use (issue 21).

KMNIST's ten classes, Kuzushiji-49's 49 and a folder's own class names (shown as the user
typed them: plain text, never read as markup).
"""

from __future__ import annotations

import html

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QToolButton

from explorer.core.kuzushiji.datasets import K49, KMNIST, folder_dataset
from explorer.core.kuzushiji.evaluation import Evaluation
from explorer.qt.kuzushiji.per_class import PerClassView
from explorer.qt.kuzushiji.ten_characters import MAX_GRID_HEIGHT, TenCharacters

FOLDER_NAMES = ("<b>circle</b>", "a & b", "<i>square")
"""A folder's sub-folder names that rich text would turn into bold or italic, or swallow."""


def folder():
    return folder_dataset(FOLDER_NAMES)


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def _evaluation(n: int) -> Evaluation:
    confusion = np.diag(np.arange(1, n + 1) * 10)
    return Evaluation(100.0, int(confusion.sum()), int(confusion.sum()), 0.1, confusion, np.full(n, 100.0),
                      np.zeros(0), np.zeros((0, n)), np.zeros(0))


def test_the_draw_page_lists_kuzushiji_49s_characters_and_back_to_kmnists_ten(panel, qtbot):
    characters = panel.characters
    panel.set_data_set(K49)
    _settle()
    assert characters.title() == "The 49 characters"
    assert len(characters.class_labels) == 49
    assert characters.texts() == [f"{g} {n}" for g, n in zip(K49.glyphs, K49.class_names, strict=True)]
    assert all(label.isVisible() for label in characters.class_labels)
    # No shipped examples of K49: no example buttons, no KMNIST credit.
    assert characters.buttons == {} and not characters.findChildren(QToolButton)
    assert not characters.credit.isVisible()
    assert "49 characters" in characters.note.text()
    # 7 rows of 7, each kana under the one above: the 49 fit beside the canvas.
    rows = {label.geometry().top() for label in characters.class_labels}
    assert len(rows) == 7
    assert characters.width() <= panel.width() // 2
    kmnist = TenCharacters()
    qtbot.addWidget(kmnist)
    kmnist_height = kmnist.minimumSizeHint().height()
    assert characters.minimumSizeHint().height() <= kmnist_height  # the canvas's column keeps its room
    assert panel.insides.templates_page.note.text() == "Train NetLin to see its 49 weight templates."

    panel.set_data_set(KMNIST)
    _settle()
    assert characters.title() == "The ten characters"
    assert characters.texts() == [f"{g} {n}" for g, n in zip(KMNIST.glyphs, KMNIST.class_names, strict=True)]
    assert len(characters.buttons) == 10 and all(len(b) == 3 and b[0].isVisible() for b in characters.buttons.values())
    assert characters.credit.isVisible()
    assert "ten characters" in characters.note.text()
    assert panel.insides.templates_page.note.text() == "Train NetLin to see its ten weight templates."


def test_the_draw_page_lists_a_folders_class_names_as_plain_text(panel):
    characters = panel.characters
    panel.set_data_set(folder())
    _settle()
    assert characters.title() == "The 3 classes"
    assert characters.texts() == list(FOLDER_NAMES)
    for label, name in zip(characters.class_labels, FOLDER_NAMES, strict=True):
        assert label.isVisible()
        assert label.textFormat() == Qt.TextFormat.PlainText  # "<b>circle</b>" shows its brackets
        assert html.escape(name) in label.toolTip()  # shown literally, not as markup
    assert not characters.findChildren(QToolButton)
    assert panel.insides.templates_page.note.text() == "Train NetLin to see its 3 weight templates."


def test_a_folder_with_many_long_names_scrolls_and_elides_instead_of_growing(qtbot):
    # The panel alone: the whole Draw page with 300 classes takes minutes to build (its other parts).
    characters = TenCharacters()
    qtbot.addWidget(characters)
    characters.show()
    width, height = characters.sizeHint().width(), characters.sizeHint().height()
    names = [f"class number {i} with a rather long folder name" for i in range(300)]
    characters.set_data_set(folder_dataset(names))
    _settle()
    assert len(characters.class_labels) == 300
    assert characters.sizeHint().height() < height + MAX_GRID_HEIGHT
    assert characters.sizeHint().width() < 2 * width
    assert characters.class_labels[0].text().endswith("…")
    assert names[0] in characters.class_labels[0].toolTip()


def _per_class(qtbot, width: int) -> PerClassView:
    view = PerClassView()
    qtbot.addWidget(view)
    view.setCurrentIndex(1)
    view.resize(width, 330)
    view.show()
    qtbot.waitExposed(view)
    _settle()
    return view


def _no_overlap(view: PerClassView) -> None:
    axis = view.bars.getPlotItem().getAxis("bottom")
    metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
    ticks = view.tick_labels()
    per_bar = axis.width() / (view.table.rowCount() + 0.2)
    for (a, text_a), (b, text_b) in zip(ticks, ticks[1:], strict=False):
        half_widths = (metrics.horizontalAdvance(text_a) + metrics.horizontalAdvance(text_b)) / 2
        assert (b - a) * per_bar >= half_widths, (text_a, text_b)


def test_per_class_accuracy_keeps_kmnists_ten_ticks(qtbot):
    view = _per_class(qtbot, 300)
    assert view.table.rowCount() == 10
    assert [text for _, text in view.tick_labels()] == list(KMNIST.glyphs)


def test_per_class_accuracy_of_kuzushiji_49_ticks_every_nth_kana_when_narrow(qtbot):
    view = _per_class(qtbot, 300)
    view.set_classes(K49.labels(), list(K49.glyphs))
    view.show_evaluation(_evaluation(49))
    _settle()
    assert view.table.rowCount() == 49
    assert [view.table.item(i, 0).text() for i in (0, 48)] == ["あ (a)", "ゝ (odoriji)"]
    assert len(view.heights()) == 49 and view.heights()[0] == pytest.approx(100.0)
    ticks = view.tick_labels()
    assert 1 < len(ticks) < 49 and ticks[0] == (0, "あ")
    assert all(text == K49.glyphs[i] for i, text in ticks)
    _no_overlap(view)
    # Wide enough, every kana is ticked.
    view.resize(1400, 330)
    _settle()
    assert [text for _, text in view.tick_labels()] == list(K49.glyphs)
    _no_overlap(view)


def test_per_class_accuracy_of_a_folder_names_its_classes_as_plain_text(qtbot):
    view = _per_class(qtbot, 300)
    data_set = folder()
    view.set_classes(data_set.labels(), list(data_set.glyphs))
    view.show_evaluation(_evaluation(3))
    _settle()
    assert view.table.rowCount() == 3
    assert [view.table.item(i, 0).text() for i in range(3)] == list(FOLDER_NAMES)
    assert len(view.heights()) == 3
    ticks = view.tick_labels()
    assert [i for i, _ in ticks] == [0, 1, 2]
    assert ticks[1][1] == "a & b"
    assert all(text.rstrip("…") and name.startswith(text.rstrip("…")) for (_, text), name in zip(ticks, FOLDER_NAMES, strict=True))
    _no_overlap(view)
    assert not view.findChildren(QLabel)  # nothing here reads the names as rich text


def test_the_kept_drawings_matrix_of_a_new_data_set_replaces_the_old_one_at_once(qtbot):
    """Choosing Kuzushiji-49 makes a new 49-class matrix; the ten-class one leaves the page at once, not at a
    later turn of the event loop (until then it lay, 809 px wide, across the page: the layout check saw it)."""
    from explorer.qt.kuzushiji.confusion_matrix import ConfusionMatrixView
    from explorer.qt.kuzushiji.own_drawings_evaluation import DrawingsEvaluationView

    view = DrawingsEvaluationView()
    qtbot.addWidget(view)
    view.set_classes(KMNIST.labels())
    view.resize(540, 350)
    view.show()
    view.set_classes(K49.labels())
    matrices = view.findChildren(ConfusionMatrixView)
    assert matrices == [view.matrix] and view.matrix.size_in_classes == 49


@pytest.mark.parametrize("described", [K49, folder()], ids=["k49", "folder"])
def test_the_matrix_counts_are_copied_with_the_data_sets_own_classes(qtbot, described):
    """Copy counts / Export counts as CSV… on a matrix of another data set than KMNIST (a folder's 3×3 raised an
    IndexError: the rows were labelled with KMNIST's ten classes)."""
    from explorer.core.kuzushiji.model import class_labels
    from explorer.qt.kuzushiji.confusion_matrix import ConfusionMatrixView
    from explorer.qt.kuzushiji.exports import install_confusion_table_actions

    n = described.num_classes
    view = ConfusionMatrixView(class_labels(KMNIST))
    qtbot.addWidget(view)
    view.set_labels(class_labels(described))
    matrix = np.arange(n * n).reshape(n, n)
    view.set_matrix(matrix)
    copy, _save = install_confusion_table_actions(view)
    copy.trigger()
    lines = [line.split("\t") for line in QApplication.clipboard().text().splitlines()]
    assert lines[0][1:] == class_labels(described) and [line[0] for line in lines[1:]] == class_labels(described)
    np.testing.assert_array_equal(np.array([line[1:] for line in lines[1:]], dtype=int), matrix)
