"""Nothing lost in the Kuzushiji tab: a diverging run, an unwritable checkpoint, a window closed mid-download."""

from __future__ import annotations

import dataclasses
import math

import pytest
from PySide6.QtWidgets import QMessageBox

from explorer.core import checkpoints, divergence
from explorer.core.errors import UserError
from explorer.core.kuzushiji import engine, trained
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.qt.kuzushiji import keeping
from tests.core.kuzushiji import fakedata
from tests.qt.kuzushiji.test_kuzushiji_tab import (  # noqa: F401 - fixtures
    WAIT_MS,
    folder,
    make_tab,
    tab,
    tab_with_data,
    train,
)


def stored_accuracy() -> float:
    return checkpoints.load(trained.checkpoint_path(KMNIST, "lin")).extra["accuracy"]


@pytest.fixture
def diverging(monkeypatch):
    """Training that blows up in its second epoch, after one good one (the engine's own message)."""
    real_train = engine.train

    def train_then_diverge(*args, **kwargs):
        gen = real_train(*args, **kwargs)
        try:
            for record in gen:
                yield record
                if record.keep and record.data.epoch == 1:
                    raise divergence.TrainingDiverged(divergence.message(2, math.nan), epoch=2, loss=math.nan)
        finally:
            gen.close()

    monkeypatch.setattr(engine, "train", train_then_diverge)


@pytest.fixture
def answers(monkeypatch):
    """The QMessageBox.question calls (title, text); answer with ``answers.reply``."""

    class Answers(list):
        reply = QMessageBox.StandardButton.No

    asked = Answers()

    def question(parent, title, text, *args):
        asked.append((title, text))
        return asked.reply

    monkeypatch.setattr(keeping.QMessageBox, "question", question)
    return asked


def store_a_better_lin(kt, qtbot) -> object:
    """Train NetLin, then make its stored checkpoint claim 100 %; later runs learn slowly (lr 0.0001)."""
    good = train(kt, qtbot, "lin", epochs=1)
    better = dataclasses.replace(good.evaluation, accuracy=100.0)
    trained.save(good.model, "lin", good.config, better, 1.0)
    kt.controls.lr.setValue(0.0001)  # one epoch at this rate stays far below 100 %
    return good


def test_a_diverging_run_asks_before_replacing_a_better_stored_net(tab_with_data, qtbot, diverging, answers):  # noqa: F811
    kt = tab_with_data
    good = store_a_better_lin(kt, qtbot)
    train(kt, qtbot, "lin", epochs=3)
    assert len(answers) == 1
    title, text = answers[0]
    assert title == "Keep the better NetLin?"
    assert "training diverged at epoch 2 (loss nan)" in text and "100.00 %" in text
    assert stored_accuracy() == 100.0  # "No": the stored net stays
    assert kt.results["lin"] is good
    assert "kept the stored net" in kt.controls.task_panel.label.text()
    assert kt.curves.runs[kt.run_key].label.endswith("(diverged)")

    answers.reply = QMessageBox.StandardButton.Yes
    train(kt, qtbot, "lin", epochs=3)
    kept = kt.results["lin"]
    assert kept is not good and [h.epoch for h in kept.history] == [1]
    assert stored_accuracy() == pytest.approx(kept.history[0].accuracy)
    assert "training diverged at epoch 2" in kt.controls.task_panel.label.text()
    assert kt.results_table.row_texts("lin")["Test accuracy"] == f"{kept.history[0].accuracy:.2f} %"


def test_a_worse_run_asks_too_and_a_better_one_does_not(tab_with_data, qtbot, answers):  # noqa: F811
    kt = tab_with_data
    store_a_better_lin(kt, qtbot)
    train(kt, qtbot, "lin", epochs=1)
    assert len(answers) == 1 and stored_accuracy() == 100.0
    trained.checkpoint_path(KMNIST, "lin").unlink()  # nothing stored: nothing to ask about
    train(kt, qtbot, "lin", epochs=1)
    assert len(answers) == 1 and stored_accuracy() == pytest.approx(kt.results["lin"].accuracy)


def test_a_checkpoint_that_cannot_be_written_keeps_the_net_in_the_tab(tab_with_data, qtbot, monkeypatch):  # noqa: F811
    def full_disk(*args, **kwargs):
        raise UserError("could not write lin.pt: disk full")

    monkeypatch.setattr(trained, "save", full_disk)
    result = train(tab_with_data, qtbot, "lin", epochs=1)
    assert result.source == "trained here (not saved)"
    assert tab_with_data.results_table.row_texts("lin")["Weights"] == "trained here (not saved)"
    assert tab_with_data.evaluation_page.current() is result
    boxes = [b for b in tab_with_data.findChildren(QMessageBox) if b.objectName() == "errorBox" and b.isVisible()]
    assert any("disk full" in b.text() and "stays in this tab" in b.text() for b in boxes)


def test_closing_during_a_silent_download_ends_at_once(qtbot, folder, monkeypatch):  # noqa: F811
    # Headers, then silence: without shutting the connection the worker would sit in its
    # read for the whole read timeout (30 s), longer than shutdown waits (10 s).
    with fakedata.streaming_server(length=10**6, head_only=True) as url:
        monkeypatch.setenv("EXPLORER_KMNIST_MIRRORS", url)
        kt = make_tab(qtbot, download_md5s=fakedata.md5s_of(folder))
        kt.data_page.start_download()
        qtbot.waitUntil(lambda: kt.data_page._cancel.connections > 0, timeout=WAIT_MS)
        task = kt.data_page.task
        assert kt.shutdown()
        assert not task.is_running()
    assert kt.data is None
