"""One folder scheme for file dialogs: each kind opens where the last one of that kind was chosen, else at home.

The operating system's dialog cannot be driven from a test, so
``QFileDialog``'s static functions answer as a user would (the folder the
dialog was opened in is recorded); everything around them is the app's own.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTableWidget, QTableWidgetItem, QWidget

from explorer.qt.dialogs import choose_folder, open_file, save_file, start_folder
from explorer.qt.settings import app_settings
from explorer.qt.widgets.table_export import save_table_as


class FakeDialogs:
    """Answers the next file dialog with ``answer`` and keeps where each one opened."""

    def __init__(self, monkeypatch):
        self.answer = ""
        self.opened_at: list[str] = []
        self.filters: list[str] = []
        for name in ("getOpenFileName", "getSaveFileName"):
            monkeypatch.setattr(QFileDialog, name, self._file)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._folder)

    def _file(self, parent, title, start="", filters="", *args, **kwargs):
        self.opened_at.append(start)
        self.filters.append(filters)
        return str(self.answer), ""

    def _folder(self, parent, title, start="", *args, **kwargs):
        self.opened_at.append(start)
        return str(self.answer)


@pytest.fixture
def dialogs(monkeypatch):
    return FakeDialogs(monkeypatch)


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _error_boxes(widget: QWidget) -> list[QMessageBox]:
    return [b for b in widget.findChildren(QMessageBox) if b.objectName() == "errorBox"]


def test_each_kind_opens_at_home_then_where_its_last_file_was_chosen(dialogs, parent, tmp_path):
    data, weights = tmp_path / "data", tmp_path / "weights"
    data.mkdir()
    weights.mkdir()
    dialogs.answer = data / "points.csv"
    assert open_file(parent, "Open data", "data", "CSV files (*.csv)") == str(data / "points.csv")
    dialogs.answer = weights / "net.pt"
    assert save_file(parent, "Save weights", "weights", "net.pt") == str(weights / "net.pt")
    dialogs.answer = ""  # cancelled: nothing remembered
    assert open_file(parent, "Open data", "data") == ""
    assert save_file(parent, "Save data", "data", "points.csv") == ""
    home = str(Path.home())
    assert dialogs.opened_at == [home, str(Path.home() / "net.pt"), str(data), str(data / "points.csv")]
    assert start_folder("weights") == str(weights)


def test_a_chosen_folder_is_remembered_itself_and_a_vanished_one_opens_at_home(dialogs, parent, tmp_path):
    target = tmp_path / "figures"
    target.mkdir()
    dialogs.answer = target
    assert choose_folder(parent, "Export figures into", "export") == str(target)
    assert choose_folder(parent, "Export figures into", "export") == str(target)
    assert dialogs.opened_at == [str(Path.home()), str(target)]
    target.rmdir()
    assert start_folder("export") == str(Path.home())


@pytest.mark.parametrize("kept", [5, ["/tmp"], "", "."], ids=["number", "list", "empty", "working-folder"])
def test_a_remembered_folder_that_is_not_a_path_opens_at_home(kept):
    app_settings().set_value("dirs/data", kept)
    assert start_folder("data") == str(Path.home())


def test_a_full_path_is_proposed_as_it_is(dialogs, parent, tmp_path):
    dialogs.answer = ""
    save_file(parent, "Export figure", "export", str(tmp_path / "loss.png"))
    assert dialogs.opened_at == [str(tmp_path / "loss.png")]


def _table(qtbot) -> QTableWidget:
    table = QTableWidget(2, 2)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["n", "accuracy (%)"])
    for r, row in enumerate([("1", "100"), ("2", "87.5")]):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    return table


def test_save_table_as_writes_a_csv_that_reads_back_and_the_next_opens_there(dialogs, qtbot, tmp_path):
    table = _table(qtbot)
    dialogs.answer = tmp_path / "per_n.csv"
    written = save_table_as(table, table, "per_n.csv")
    assert written == tmp_path / "per_n.csv"
    with written.open(newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["n", "accuracy (%)"], ["1", "100"], ["2", "87.5"]]
    dialogs.answer = ""
    assert save_table_as(table, table, "again.csv") is None  # cancelled: nothing written
    assert dialogs.opened_at == [str(Path.home() / "per_n.csv"), str(tmp_path / "again.csv")]
    assert dialogs.filters == ["CSV table (*.csv)"] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["per_n.csv"]


def test_save_table_as_tab_separated_for_a_tsv_name(dialogs, parent, tmp_path):
    rows = (["step", "read"], [[1, "A"], [2, "B"]])
    dialogs.answer = tmp_path / "steps.tsv"
    written = save_table_as(parent, lambda: rows, "steps.csv", "Export the step numbers", tab_separated=True)
    assert written.read_text(encoding="utf-8") == "step\tread\n1\tA\n2\tB\n"
    assert dialogs.filters == ["CSV table (*.csv);;Tab-separated (*.tsv)"]


def test_a_failed_csv_write_says_why_without_blocking_and_leaves_nothing(dialogs, parent, tmp_path):
    blocker = tmp_path / "not a folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    dialogs.answer = blocker / "table.csv"
    assert save_table_as(parent, (["a"], [[1]]), "table.csv") is None  # returns at once: the box does not block
    (box,) = _error_boxes(parent)
    assert box.windowTitle() == "Could not export the table" and "table.csv" in box.text()
    assert box.isVisible()
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"
