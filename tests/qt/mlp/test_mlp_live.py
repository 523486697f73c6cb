"""The MLP tab's views agree with each other while training and on the timeline (issues 12 and 10)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QWheelEvent
from PySide6.QtWidgets import QApplication

from explorer.core.mlp import analysis, weights_io
from explorer.core.mlp.network import forward
from explorer.core.mlp.training import initial_weights
from explorer.qt.widgets.wheel_guard import install_wheel_guard
from tests.qt.mlp.driver import MLPUser


def _shown(value: float) -> str:
    """A value as the table shows it: exact short values as they are, others to four decimals."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if round(value, 4) == value else f"{value:.4f}"


def _heading_accuracy(tab) -> int:
    return int(re.match(r"Accuracy (\d+) %", tab.accuracy_label.text()).group(1))


def _assert_views_show(tab, weights, activation="sigmoid"):
    """Every title, the heading, the red rings and the table show ``weights``."""
    lines = analysis.hidden_lines(weights)
    for j, line in enumerate(lines):
        assert tab.region_plots[j].title_text() == f"h{j}: {line.equation()}"
    _, output = forward(weights, tab.state.dataset.points, activation)
    correct = (output >= 0.5) == (tab.state.dataset.targets == 1)
    expected = round(float(np.mean(correct)) * 100)
    out = tab.region_plots[-1]
    assert out.title_text() == f"output: {expected} % right"
    assert _heading_accuracy(tab) == expected
    rings = out.rings()
    assert rings == int((~correct).sum()) == tab.table.column_texts("correct").count("✗")
    assert tab.table.column_texts("output") == [_shown(v) for v in output]


def test_after_live_updates_every_plot_title_and_number_shows_the_training_net(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(2)  # two lines cannot solve the checkerboard: it runs until cancelled
    tab.start_training()
    for updates in (3, 6, 9):
        qtbot.waitUntil(lambda n=updates: len(tab.model.live.history) >= n, timeout=30_000)
        tab._refresh_live()  # what the live timer does
        assert "training, epoch" in tab.accuracy_label.text()
        _assert_views_show(tab, tab.model.live.weights)
        # No false ETA: the stopping rule cannot be foreseen, so no "left", but epochs and accuracy.
        panel = tab.controls.train.task_panel
        assert "left" not in panel.bar.format()
        assert "epoch" in panel.label.text() and "accuracy" in panel.label.text() and "at most" in panel.label.text()
    user.cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    _assert_views_show(tab, tab.state.weights)


def test_the_train_box_follows_a_run_with_a_bar_of_its_epochs_and_ends_on_its_last_line(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(2)  # cannot solve the checkerboard: runs until cancelled
    tab.start_training()
    panel = tab.controls.train.task_panel
    qtbot.waitUntil(lambda: len(tab.model.live.history) >= 5, timeout=30_000)
    qtbot.waitUntil(lambda: panel.bar.value() > 0, timeout=10_000)
    # A bar that fills against the run's cap (not an endless busy animation), epochs but no time left.
    assert panel.bar.maximum() == 1000 and 0 < panel.bar.value() < 1000
    assert re.fullmatch(r"epoch [\d,]+ of at most 1,000,000", panel.bar.format())
    user.cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    assert panel.label.text() == "Cancelled"  # a later record held back for the next redraw does not cover it


def test_a_finished_run_leaves_its_last_record_in_the_train_box(tab, qtbot):
    MLPUser(tab, qtbot).set_max_epochs(3_000)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=60_000)
    last = tab.model.run.history[-1]
    panel = tab.controls.train.task_panel
    assert last.epoch == 3_000
    assert panel.label.text().startswith(f"epoch 3,000: loss {last.loss:.4f}, accuracy {last.accuracy:.0f} %")
    assert panel.bar.value() == panel.bar.maximum()
    epochs, losses, _accuracies = tab.curves.run_data("loss")  # fed in batches, the last record included
    assert epochs[-1] == 3_000 and losses[-1] == pytest.approx(last.loss) and epochs == sorted(set(epochs))


def test_after_a_run_the_plots_repaint_one_per_turn_and_all_come_back(tab, qtbot):
    """The kept net is in every plot at once; their repaints are spread over turns (issue 20)."""
    import pyqtgraph as pg

    MLPUser(tab, qtbot).set_max_epochs(2_000)
    tab.start_training()
    held_at_end: list[int] = []
    tab.task.finished.connect(lambda: held_at_end.append(tab.stagger.held()))
    qtbot.waitUntil(lambda: tab.task is None, timeout=60_000)
    assert held_at_end and held_at_end[0] >= 2  # the visible plots wait for their turns
    _assert_views_show(tab, tab.state.weights)  # ... with the kept net already in them
    qtbot.waitUntil(lambda: tab.stagger.held() == 0, timeout=5000)
    assert all(view.updatesEnabled() for view in tab.findChildren(pg.GraphicsView))
    assert tab.curves.run_data("loss")[0][-1] == 2_000  # the curves, repainted in their turn, end with the run
    assert not tab.region_plots[-1].grab().isNull()


def test_the_curves_follow_a_run_while_it_goes(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(2)
    tab.start_training()
    qtbot.waitUntil(lambda: len(tab.model.live.history) >= 3, timeout=30_000)
    qtbot.waitUntil(lambda: tab.curves.points("loss") >= 3, timeout=10_000)  # without waiting for the end
    epochs = tab.curves.run_data("loss")[0]
    assert epochs == [r.epoch for r in tab.model.live.history[:len(epochs)]]
    user.cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    assert tab.curves.run_data("loss")[0][-1] == tab.model.run.history[-1].epoch


def test_live_frames_wait_while_another_tab_is_in_front(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_max_epochs(1_000_000)
    user.set_hidden(2)
    tab.start_training()
    qtbot.waitUntil(lambda: len(tab.model.live.history) >= 2, timeout=30_000)
    tab._refresh_live()
    qtbot.waitUntil(lambda: "training, epoch" in tab.accuracy_label.text(), timeout=10_000)
    tab.hide()  # another tab in front
    shown = tab.accuracy_label.text()
    qtbot.waitUntil(lambda: len(tab.model.live.history) >= 8, timeout=30_000)
    tab._refresh_live()  # what the live timer does: nothing is drawn for a tab no one sees
    assert tab.accuracy_label.text() == shown
    tab.show()
    qtbot.waitUntil(lambda: tab.accuracy_label.text() != shown, timeout=10_000)  # back in front: it follows again
    tab._refresh_live()  # (records keep coming: draw the newest before comparing)
    _assert_views_show(tab, tab.model.live.weights)
    user.cancel()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)


def test_the_shading_is_painted_from_an_rgb_picture_in_the_two_region_colours(tab):
    from PySide6.QtGui import QColor, QImage

    tab.load_reference()  # the step net: every cell is exactly on (1) or off (0)
    plot = tab.region_plots[-1]
    plot.image.render()  # what its first paint does
    picture, values = plot.image.qimage, plot.image.image
    assert picture.format() == QImage.Format.Format_RGB32  # converted once, not at every paint
    assert (picture.width(), picture.height()) == (values.shape[1], values.shape[0])
    on, off = np.argwhere(values == 1)[0], np.argwhere(values == 0)[0]
    assert QColor(picture.pixel(int(on[1]), int(on[0]))).getRgb()[:3] == (150, 190, 240)
    assert QColor(picture.pixel(int(off[1]), int(off[0]))).getRgb()[:3] == (236, 236, 236)


def test_the_shading_covers_the_whole_view_after_a_coarse_live_frame(tab):
    tab.refresh(live=True)
    tab.refresh()
    (x0, x1), (y0, y1) = tab.state.dataset.bounds(0.5)
    for plot in tab.region_plots:
        rx, ry, rw, rh = plot.visible_region()
        assert (rx, ry, rx + rw, ry + rh) == pytest.approx((x0, y0, x1, y1))
        (vx0, vx1), (vy0, vy1) = plot.getPlotItem().vb.viewRange()
        assert (vx0, vx1, vy0, vy1) == pytest.approx((x0, x1, y0, y1), abs=1e-6)


def test_copy_as_python_copies_the_scaled_weights_the_view_shows_and_says_so(tab):
    tab.load_reference()
    user = MLPUser(tab)
    user.set_scale(10)
    assert "×10" in user.copy_button_text()
    tab.copy_python()
    text = QGuiApplication.clipboard().text()
    assert "×10" in text.splitlines()[0]
    assert weights_io.parse_python_block(text) == tab.state.weights.scaled(10)


def test_old_curves_are_labelled_next_to_a_hand_designed_net(tab, qtbot):
    assert not tab.curves.isVisible()  # no empty axes with made-up ticks before any run
    assert "No training run yet" in tab.curves_note.text()
    MLPUser(tab).set_hidden(5)
    with qtbot.waitSignal(tab.undo_stack.indexChanged, timeout=120_000):
        tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    assert tab.curves.isVisible() and "gave the net shown" in tab.curves_note.text()
    tab.load_reference()
    assert "earlier run" in tab.curves_note.text()
    assert not tab.timeline.isVisible()  # the timeline is of the trained net, not this one
    tab.undo_stack.undo()
    assert "gave the net shown" in tab.curves_note.text() and tab.timeline.isVisible()


def test_the_timeline_scrubs_every_view_back_to_the_first_snapshot_and_forward(tab, qtbot):
    user = MLPUser(tab, qtbot)
    user.set_hidden(5)
    user.set_seed(0)
    with qtbot.waitSignal(tab.undo_stack.indexChanged, timeout=120_000):
        tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=10_000)
    snapshots = tab.timeline.snapshots
    assert tab.timeline.isVisible() and 2 < len(snapshots) <= 200
    assert snapshots[-1].weights == tab.state.weights
    tab.timeline.scrub_to(0)
    first = initial_weights(5, user.init_std(), 0)
    assert snapshots[0].epoch == 0 and snapshots[0].weights == first
    _assert_views_show(tab, first)
    assert "timeline: epoch 0" in tab.accuracy_label.text()
    assert tab.state.weights == snapshots[-1].weights  # scrubbing shows, it does not edit
    tab.timeline.scrub_to(-1)
    _assert_views_show(tab, tab.state.weights)
    assert "timeline" not in tab.accuracy_label.text()


def test_a_wheel_over_the_unfocused_scale_box_leaves_the_scale_alone(tab):
    install_wheel_guard()
    box = tab.controls.rescale.factor
    box.setValue(10)
    tab.setFocus()
    centre = QPointF(box.width() / 2, box.height() / 2)
    event = QWheelEvent(centre, QPointF(box.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(box, event)
    assert box.value() == 10 and tab.scale == 10


def test_the_plot_areas_stay_put_when_a_data_set_with_other_tick_labels_comes(tab, qtbot):
    from explorer.core.mlp.data import Dataset2D

    QApplication.processEvents()
    before = [plot.getPlotItem().vb.sceneBoundingRect() for plot in tab.region_plots]
    xy = np.array([[-3.5, -2.0], [3.25, 2.5], [-1.0, 1.5], [2.0, -3.0]])
    tab.change("use other points", dataset=Dataset2D(xy, np.array([0, 1, 1, 0]), "wide"))
    QApplication.processEvents()
    # Wider tick labels ("-3", "-2") do not squeeze the shading sideways (nor make every axis draw twice).
    assert [plot.getPlotItem().vb.sceneBoundingRect() for plot in tab.region_plots] == before
