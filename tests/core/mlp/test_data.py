"""Data sets: the course file, CSV parsing with line-numbered errors, built-in sets, edits."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.mlp.data import (
    BUILTIN_SETS,
    Dataset2D,
    checkerboard,
    load_csv,
    nearest_point,
    save_csv,
    with_point,
    with_toggled,
    without_point,
)
from explorer.core.paths import resource


def test_shipped_check_csv_is_the_course_checkerboard():
    data = load_csv(resource("check.csv"))
    assert data == checkerboard()
    assert len(data) == 9
    for (x, y), t in zip(data.points, data.targets, strict=True):
        assert t == (int(x) + int(y)) % 2
    assert resource("check.csv").read_text().splitlines()[0] == " X, Y, T"


def test_csv_without_header_and_with_spaces_and_float_targets(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("0.5 ,  -1, 1.0\n\n  2,3 , 0.0\n3e-1,4,1\n")
    data = load_csv(path)
    assert data.points.tolist() == [[0.5, -1.0], [2.0, 3.0], [0.3, 4.0]]
    assert data.targets.tolist() == [1, 0, 1]
    assert data.name == "mine"


@pytest.mark.parametrize(("field", "expected"), [
    ("9" * 2_000_000, "line 2: y is not a finite number ('" + "9" * 39 + "…')"),
    ("<script>" + "x" * 100_000, "line 2: y is not a number ('<script>" + "x" * 31 + "…')"),
], ids=["2-million-digits", "script-tag"])
def test_a_huge_field_is_quoted_in_a_few_characters(tmp_path, field, expected):
    path = tmp_path / "bad.csv"
    path.write_text(f"X,Y,T\n1,{field},1\n0,0,0\n")
    with pytest.raises(UserError) as info:
        load_csv(path)
    assert str(info.value) == f"bad.csv, {expected}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X,Y,T\n0,0,0\n1,1\n", "line 3: expected 3 values"),
        ("X,Y,T\n0,0,0\n1,1,1,1\n", "line 3: expected 3 values"),
        ("X,Y,T\n0,0,0\n1,abc,1\n", "line 3: y is not a number ('abc')"),
        ("X,Y,T\n0,0,0\n\n1,1,2\n", "line 4: target must be 0 or 1, not 2"),
        ("X,Y,T\n0,0,0.5\n1,1,1\n", "line 2: target must be 0 or 1"),
        ("X,Y,T\n0,nan,0\n1,1,1\n", "line 2: y is not a finite number"),
        ("X,Y,T\n0,0,0\n", "needs at least 2 data rows, found 1"),
        ("X,Y,T\n", "needs at least 2 data rows, found 0"),
        ("", "the file is empty"),
        ("\n  \n", "the file is empty"),
    ],
)
def test_malformed_csv_names_file_line_and_problem(tmp_path, text, expected):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_csv(path)
    message = str(info.value)
    assert message.startswith("bad.csv")
    assert expected in message
    assert "\n" not in message


def test_missing_csv_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        load_csv(tmp_path / "nope.csv")


def test_save_csv_round_trip(tmp_path):
    data = with_point(checkerboard(), 0.25, -1.5, 1)
    path = save_csv(data, tmp_path / "out" / "d.csv")
    assert path.read_text().startswith(" X, Y, T\n 0, 0, 0\n")
    assert load_csv(path) == data


@pytest.mark.parametrize("name", list(BUILTIN_SETS))
def test_builtin_sets_are_deterministic_two_class_sets(name):
    first, second = BUILTIN_SETS[name](), BUILTIN_SETS[name]()
    assert first == second
    assert len(first) >= 4
    assert set(first.targets.tolist()) == {0, 1}


def test_edits_return_new_sets_and_leave_the_old_one_alone():
    data = checkerboard()
    toggled = with_toggled(data, 4)
    assert toggled.targets[4] == 1 and data.targets[4] == 0
    assert np.array_equal(toggled.targets[:4], data.targets[:4])
    added = with_point(data, 3, 3, 0)
    assert len(added) == 10 and len(data) == 9
    assert added.points[-1].tolist() == [3, 3]
    removed = without_point(added, 9)
    assert removed == data
    assert nearest_point(data, 1.9, 0.2) == 6  # (2, 0)
    with pytest.raises(UserError):
        with_toggled(data, 9)
    with pytest.raises(ValueError):
        data.targets[0] = 1  # read-only arrays: nobody edits a set in place


def test_dataset_rejects_bad_targets():
    with pytest.raises(UserError):
        Dataset2D([[0, 0], [1, 1]], [0, 2])


def test_edited_sets_stay_read_only_and_an_added_point_is_still_checked():
    data = checkerboard()
    for edited in (with_toggled(data, 4), with_point(data, 3, 3, 1)):
        with pytest.raises(ValueError):
            edited.targets[0] = 1
        with pytest.raises(ValueError):
            edited.points[0, 0] = 5.0
        assert edited.points.dtype == np.float64 and edited.targets.dtype == np.int64
    with pytest.raises(UserError, match="finite"):
        with_point(data, float("nan"), 0.0, 1)
    with pytest.raises(UserError, match="between"):
        with_point(data, 1e300, 0.0, 1)
    with pytest.raises(UserError, match="0 or 1"):
        with_point(data, 1.0, 0.0, 2)


def test_a_csv_longer_than_one_progress_step_keeps_every_row_in_order(tmp_path):
    # 45,001 rows: the reader turns its lists into arrays every 20,000 lines; the seams must not show.
    rows = 45_001
    path = tmp_path / "long.csv"
    path.write_text("x, y, t\n" + "".join(f"{i}, {-i / 4}, {i % 3 == 0:d}\n" for i in range(rows)), encoding="utf-8")
    data = load_csv(path)
    assert len(data) == rows and data.name == "long"
    assert data.points[:, 0].tolist() == list(range(rows))
    assert data.points[:, 1].tolist() == [-i / 4 for i in range(rows)]
    assert data.targets.tolist() == [int(i % 3 == 0) for i in range(rows)]
