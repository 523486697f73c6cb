"""CSV and tab-separated text from plain rows; curves joined on x with real column names."""

from __future__ import annotations

import csv
import io

import numpy as np

from explorer.core.table_export import curves_to_csv, rows_to_csv, rows_to_tsv, write_csv


def test_floats_round_trip_exactly_and_nan_is_an_empty_cell(tmp_path):
    values = [0.1 + 0.2, 1e-9, np.float64(2 / 3), float("nan"), np.int64(7), None]
    path = write_csv(tmp_path / "t.csv", ["a", "b", "c", "d", "e", "f"], [values])
    header, row = list(csv.reader(path.open(newline="")))
    assert header == ["a", "b", "c", "d", "e", "f"]
    assert [float(v) for v in row[:3]] == [0.1 + 0.2, 1e-9, 2 / 3]
    assert row[3:] == ["", "7", ""]


def test_commas_and_quotes_survive_and_tsv_uses_tabs():
    text = rows_to_csv(["name", "note"], [["a, b", 'say "hi"']])
    assert list(csv.reader(io.StringIO(text)))[1] == ["a, b", 'say "hi"']
    assert rows_to_tsv(["x", "y"], [[1, 2]]).splitlines() == ["x\ty", "1\t2"]


def test_curves_join_on_x_with_gaps_left_empty():
    text = curves_to_csv({"loss": ([1, 2, 3], [0.5, 0.25, 0.125]), "accuracy (%)": ([2, 3], [80.0, 90.0])})
    assert text.splitlines() == ["epoch,loss,accuracy (%)", "1,0.5,", "2,0.25,80.0", "3,0.125,90.0"]
