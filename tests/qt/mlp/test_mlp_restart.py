"""The MLP tab's rescale and training curves come back after a restart (issue 19 item 10).

Lost before: the ×10 rescale (back to 1×, 56 %) and the curves of the last run.
The kept run in ``work.json`` is input from a stranger: ill-typed rows are named.
"""

from __future__ import annotations

import json

from explorer.core.mlp.work import load_run
from explorer.core.work_store import WorkStore
from explorer.qt.mlp.tab import MLPTab
from tests.qt.mlp.driver import MLPUser


def _build(qtbot) -> MLPTab:
    tab = MLPTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    return tab


def test_rescale_and_curves_come_back(qtbot):
    tab = _build(qtbot)
    user = MLPUser(tab)
    user.set_max_epochs(300)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=120_000)
    history = tab.model.run.rows()
    assert len(history) > 1 and tab.model.owns_run()
    epochs = [snap.epoch for snap in tab.timeline.snapshots]
    assert len(epochs) > 1
    assert tab.bottom.currentWidget() is tab.curves.parentWidget()  # a run shows its curves
    user.set_scale(10)  # the user's ×10
    shown = tab.accuracy_label.text()
    assert "×10" in shown
    assert tab.shutdown()
    tab.close()

    again = _build(qtbot)
    try:
        user = MLPUser(again)
        assert user.scale() == 10 and user.scale_slider() == 10 and again.model.scale == 10
        assert again.accuracy_label.text() == shown  # the same accuracy at ×10, not 1×
        assert again.model.run.rows() == [(int(e), float(loss), float(a)) for e, loss, a in history]
        assert again.curves.points("loss") == len(history) and not again.curves.isHidden()
        assert again.curves_note.text().startswith("Curves of the run that gave the net shown")
        assert again.bottom.currentWidget() is again.curves.parentWidget()  # the page last looked at
        # the training timeline is back too, and scrubbing it shows an earlier moment
        assert [snap.epoch for snap in again.timeline.snapshots] == epochs and not again.timeline.isHidden()
        again.timeline.scrub_to(0)
        assert f"timeline: epoch {epochs[0]:,}" in again.accuracy_label.text()
    finally:
        assert again.shutdown()


def _kept(folder) -> dict:
    return json.loads((folder / "work.json").read_text())


def _trained_and_closed(qtbot) -> tuple[WorkStore, object, dict]:
    """Train a short run, close the tab; the store, its work.json and what it kept."""
    tab = _build(qtbot)
    MLPUser(tab).set_max_epochs(200)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.task is None, timeout=120_000)
    assert tab.shutdown()
    tab.close()
    store = WorkStore("mlp")
    return store, store.folder / "work.json", _kept(store.folder)


def test_an_ill_typed_kept_run_is_named_and_the_rest_starts(qtbot, user_data_dir):
    store, path, good = _trained_and_closed(qtbot)
    for bad, words in (([[1, 0.5, True]], "holds true/false"), ([[1.5, 0.5, 50]], "whole epoch"),
                       ([[1, 0.5, 500]], "0-100 %"), ({"a": 1}, "should be a list of points")):
        meta = json.loads(json.dumps(good))
        meta["work"]["run"]["history"] = bad
        path.write_text(json.dumps(meta))
        fresh = WorkStore("mlp")
        assert load_run(fresh) is None
        assert any(words in p for p in fresh.problems), fresh.problems
        for damaged in store.folder.glob("work.json*.damaged*"):
            damaged.unlink()


def test_a_strangers_kept_timeline_is_named_and_set_aside(qtbot, user_data_dir):
    store, path, good = _trained_and_closed(qtbot)
    snapshot = good["work"]["run"]["timeline"][0]
    for bad, words in (("all of them", "should be a list"), ([snapshot] * 201, "more than the 200"),
                       ([{**snapshot, "epoch": True}], "epoch should be a whole number"),
                       ([{**snapshot, "loss": "low"}], "loss should be a number"),
                       ([{**snapshot, "weights": {"in_hid_weight": [[10**400]]}}], "snapshot 0"),
                       ([snapshot, snapshot], "should come after")):
        meta = json.loads(json.dumps(good))
        meta["work"]["run"]["timeline"] = bad
        path.write_text(json.dumps(meta))
        fresh = WorkStore("mlp")
        assert load_run(fresh) is None
        assert any(words in p for p in fresh.problems), (words, fresh.problems)
        for damaged in store.folder.glob("work.json*.damaged*"):
            damaged.unlink()
