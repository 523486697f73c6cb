"""A run's balanced accuracy per epoch: kept with its curves, read back only when it is sound."""

from __future__ import annotations

import csv
import io

import pytest

from explorer.core.kuzushiji.model import KuzushijiModel, RunCurve


def test_balanced_accuracy_is_kept_with_the_curves_and_in_the_csv():
    curve = RunCurve("#1 NetLin · SGD lr 0.01, batch 64")
    curve.add_epoch(1, 1.5, 60.0, 55.5)
    curve.add_epoch(2, 1.2, 70.0, 66.25)
    data = curve.as_data()
    assert data["balanced"] == [55.5, 66.25]
    assert RunCurve.from_data(data).balanced == [55.5, 66.25]
    model = KuzushijiModel(runs={"run1": curve})
    rows = list(csv.DictReader(io.StringIO(model.curves_csv())))
    assert [float(r[f"{curve.label}: test balanced accuracy (%)"]) for r in rows] == pytest.approx([55.5, 66.25])


@pytest.mark.parametrize("bad", [[1.0], ["50"], [float("nan"), 1.0], [True, 1.0], "55.5"])
def test_a_stored_balanced_list_that_is_not_one_finite_number_per_epoch_is_dropped(bad):
    data = RunCurve("r").as_data() | {"epoch_x": [1.0, 2.0], "test_loss": [1.0, 1.0], "accuracy": [50.0, 60.0],
                                      "balanced": bad}
    curve = RunCurve.from_data(data)
    assert curve.balanced == [] and not curve.has_balanced()
    assert "balanced" not in curve.as_data()
    assert "balanced" not in KuzushijiModel(runs={"r": curve}).curves_csv()


def test_runs_kept_before_balanced_accuracy_still_load_without_it():
    data = {"label": "old", "batch_x": [], "batch_loss": [], "epoch_x": [1.0], "test_loss": [0.5], "accuracy": [90.0]}
    assert RunCurve.from_data(data).balanced == []
