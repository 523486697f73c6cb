"""Large data sets and diverging runs in the MLP tab (issue 9)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QTableView, QTableWidget, QWidget

from explorer.core.mlp.data import checkerboard
from tests.qt.mlp.driver import MLPUser


def test_a_100000_row_csv_is_read_in_the_background_into_a_model_table(tab, tmp_path, qtbot):
    rows = 100_000
    path = tmp_path / "many.csv"
    path.write_text("x, y, t\n" + "".join(f"{(i % 97) / 10}, {(i % 89) / 10}, {i % 2}\n" for i in range(rows)))
    tab.open_data(path)
    assert tab.load_task is not None  # off the GUI thread, with the task panel following it
    qtbot.waitUntil(lambda: len(tab.state.dataset) == rows, timeout=60_000)
    qtbot.waitUntil(lambda: tab.load_task is None, timeout=10_000)
    table = tab.table
    assert isinstance(table, QTableView) and not isinstance(table, QTableWidget)
    model = table.model()
    qtbot.waitUntil(lambda: model.rowCount() == rows, timeout=30_000)  # evaluated in the background too
    qtbot.waitUntil(lambda: tab.eval_task is None, timeout=30_000)
    assert model.data(model.index(rows - 1, 0)) == f"{((rows - 1) % 97) / 10:.3g}"
    assert len(table.findChildren(QWidget)) < 40  # no widget per row
    assert "showing 2,000 of 100,000 points" in tab.region_plots[-1].title_text()
    # The plots took the new set at once and repaint one per turn of the event loop: all of them, soon.
    qtbot.waitUntil(lambda: all(plot.updatesEnabled() for plot in tab.region_plots), timeout=5_000)
    tab.change("use the course's points", dataset=checkerboard())
    assert all(plot.updatesEnabled() for plot in tab.region_plots)  # a small set draws at once
    tab.undo_stack.undo()
    before = model.data(model.index(0, model.columnCount() - 2))
    tab.toggle_point(0)  # a point edit: the table follows once the background evaluation is done
    assert tab.eval_task is not None  # 100,000 points: evaluated off the GUI thread
    qtbot.waitUntil(lambda: model.data(model.index(0, model.columnCount() - 2)) != before, timeout=30_000)
    assert len(tab.state.dataset) == rows
    table = tab.report_sections()[0].tables[-1]  # the report lists a readable part, and says so
    assert "first 200 of 100,000 points" in table.caption and len(table.rows) == 200


def test_a_diverging_run_keeps_the_last_finite_weights_and_says_so(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_hidden(3)
    user.set_learning_rate(100.0)  # the loss passes 20 within 100 epochs
    assert user.learning_rate() == 100.0
    start = tab.state.weights
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=60_000)
    boxes = [b for b in tab.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert boxes and "diverged" in boxes[-1].text() and "last finite weights are kept" in boxes[-1].text()
    assert tab.state.weights != start and tab.undo_stack.undoText() == "train (diverged)"
    assert user.task_message().startswith("Failed")
    tab.undo_stack.undo()
    assert tab.state.weights == start
    assert user.task_message() == "Idle"  # the old run's error is not left beside this net


def test_a_large_data_set_is_kept_in_the_background_and_comes_back_after_close(tab, tmp_path, qtbot):
    from explorer.core.mlp import data
    from explorer.core.mlp.work import load_work

    big = data.two_circles(n=3_000)
    tab.change("use many points", dataset=big)
    tab.toggle_point(7)  # waits behind the first write, if that one still runs
    assert tab.shutdown()  # joins the write and keeps the newest state
    kept, _weights, _activation = load_work(tab.work)
    assert kept == tab.state.dataset and kept.targets[7] != big.targets[7]


def test_a_long_run_is_kept_in_the_background_and_a_short_one_at_once(tab, qtbot):
    """A 200,000-epoch run's 2,000 records took 50-90 ms of JSON on the window's thread (issue 20)."""
    from explorer.core.mlp.model import EpochRecord, MLPModel, MLPRun
    from explorer.core.mlp.training import TrainConfig

    def run_of(records: int) -> MLPRun:
        history = tuple(EpochRecord(100 * (i + 1), 1 / (i + 1), 50.0) for i in range(records))
        return MLPRun(history, tab.state.weights, (), TrainConfig(max_epochs=100 * records), "finished")

    long = 2_000  # the records of a 200,000-epoch run
    tab.model.set_run(run_of(long))
    assert tab.keeper.task is not None  # written off the window's thread
    qtbot.waitUntil(lambda: tab.keeper.task is None, timeout=30_000)
    assert len(MLPModel.from_store(tab.work).run.history) == long
    tab.model.set_run(run_of(10))
    assert tab.keeper.task is None and len(MLPModel.from_store(tab.work).run.history) == 10  # at once
    tab.model.set_run(run_of(long))
    assert tab.shutdown()  # closing joins the write
    assert len(MLPModel.from_store(tab.work).run.history) == long
