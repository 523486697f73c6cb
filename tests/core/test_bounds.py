"""The one range check behind every typed number."""

from __future__ import annotations

import pytest

from explorer.core.bounds import check_float, check_int
from explorer.core.errors import UserError


def test_whole_numbers_in_range_pass_and_others_name_the_range():
    assert check_int("hidden units", 32, 1, 32) == 32
    with pytest.raises(UserError, match=r"^hidden units must be between 1 and 32 \(got 100,000\)$"):
        check_int("hidden units", 100_000, 1, 32)
    with pytest.raises(UserError, match="must be a whole number"):
        check_int("n", True, 0, 5)
    with pytest.raises(UserError, match="must be a whole number"):
        check_int("n", 2.5, 0, 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.0, r"^the learning rate must be above 0 and at most 10 \(got 0\)$"),
        (11.0, "at most 10"),
        (float("nan"), "must be a finite number"),
        (float("inf"), "must be a finite number"),
        ("fast", "must be a number"),
    ],
)
def test_floats_out_of_range_are_refused(value, message):
    with pytest.raises(UserError, match=message):
        check_float("the learning rate", value, 0.0, 10.0, low_open=True)


def test_closed_ranges_include_their_ends():
    assert check_float("momentum", 0, 0.0, 0.999) == 0.0
    with pytest.raises(UserError, match=r"momentum must be between 0 and 0.999 \(got 1\)"):
        check_float("momentum", 1, 0.0, 0.999)
