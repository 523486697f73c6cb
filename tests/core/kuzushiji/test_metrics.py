"""Balanced accuracy, class weights and a readable order for large confusion matrices, against hand-worked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.kuzushiji import metrics

# Three classes, imbalanced: 10, 4 and 2 test images.
IMBALANCED = np.array(
    [
        [9, 1, 0],  # 9/10 right
        [2, 2, 0],  # 2/4 right
        [0, 1, 1],  # 1/2 right
    ]
)


def test_per_class_and_balanced_accuracy_by_hand():
    np.testing.assert_allclose(metrics.per_class_accuracy(IMBALANCED), [0.9, 0.5, 0.5])
    # (0.9 + 0.5 + 0.5) / 3, while plain accuracy is 12/16 = 0.75.
    assert metrics.balanced_accuracy(IMBALANCED) == pytest.approx(1.9 / 3)


def test_a_class_absent_from_the_test_set_does_not_count():
    confusion = np.array([[3, 1, 0], [0, 0, 0], [0, 2, 2]])
    accuracy = metrics.per_class_accuracy(confusion)
    assert accuracy[0] == pytest.approx(0.75) and math.isnan(accuracy[1]) and accuracy[2] == pytest.approx(0.5)
    assert metrics.balanced_accuracy(confusion) == pytest.approx((0.75 + 0.5) / 2)


def test_balanced_accuracy_of_an_empty_test_set_is_nan():
    assert math.isnan(metrics.balanced_accuracy(np.zeros((4, 4), dtype=int)))


def test_balanced_accuracy_equals_accuracy_when_classes_are_equal_in_size():
    confusion = np.array([[8, 2], [4, 6]])
    assert metrics.balanced_accuracy(confusion) == pytest.approx(14 / 20)


def test_class_counts_and_out_of_range_labels():
    counts = metrics.class_counts(np.array([0, 2, 2, 4, 2], dtype=np.uint8), 5)
    assert counts.tolist() == [1, 0, 3, 0, 1]
    with pytest.raises(UserError, match="class label 5 is outside 0..4"):
        metrics.class_counts(np.array([1, 5]), 5)
    with pytest.raises(UserError, match="class label -1"):
        metrics.class_counts(np.array([-1, 0]), 5)
    with pytest.raises(UserError, match="whole numbers"):
        metrics.class_counts(np.array([0.5]), 5)


def test_class_weights_are_inverse_frequency_with_mean_one():
    # counts 10, 4, 2 -> inverses 0.1, 0.25, 0.5, mean 0.85/3.
    weights = metrics.class_weights(np.array([10, 4, 2]))
    np.testing.assert_allclose(weights, np.array([0.1, 0.25, 0.5]) * 3 / 0.85)
    assert weights.mean() == pytest.approx(1.0)
    # Each class then weighs the same in total: count x weight is constant.
    np.testing.assert_allclose(weights * [10, 4, 2], [30 / 8.5] * 3)


def test_class_weights_equal_counts_and_absent_classes():
    np.testing.assert_allclose(metrics.class_weights(np.array([7, 7, 7])), [1, 1, 1])
    np.testing.assert_allclose(metrics.class_weights(np.array([4, 0, 2])), [2 / 3, 0, 4 / 3])
    np.testing.assert_allclose(metrics.class_weights(np.zeros(3)), [0, 0, 0])


def test_most_confused_pairs_on_a_larger_matrix():
    confusion = np.diag(np.full(12, 50))
    confusion[11, 3] = 7
    confusion[3, 11] = 2
    confusion[5, 0] = 4
    assert metrics.most_confused_pairs(confusion, k=3) == [(11, 3, 7), (5, 0, 4), (3, 11, 2)]
    assert metrics.most_confused_pairs(confusion, k=10) == [(11, 3, 7), (5, 0, 4), (3, 11, 2)]


def test_confusion_order_puts_confused_classes_side_by_side():
    # 0<->3 and 1<->4 are confused, 3 also a little with 5; 2 is never confused.
    confusion = np.diag(np.full(6, 20))
    confusion[0, 3] = 6
    confusion[3, 0] = 4
    confusion[1, 4] = 5
    confusion[3, 5] = 2
    # By hand: pairs by rate 0-3 (0.3+0.2), 1-4 (0.25), 3-5 (0.1) -> chains [0,3,5], [1,4], [2].
    assert metrics.confusion_order(confusion) == [0, 3, 5, 1, 4, 2]


def test_confusion_order_uses_rates_not_counts():
    # Class 0 is large: 30 of its 1000 go to 1 (3 %); class 2 is small: 5 of its 10 go to 3 (50 %).
    confusion = np.array([[970, 30, 0, 0], [0, 100, 0, 0], [0, 0, 5, 5], [0, 0, 0, 10]])
    order = metrics.confusion_order(confusion)
    assert sorted(order) == [0, 1, 2, 3]
    assert abs(order.index(2) - order.index(3)) == 1
    assert abs(order.index(0) - order.index(1)) == 1


def test_confusion_order_never_loops_and_keeps_a_permutation_on_49_classes():
    rng = np.random.default_rng(7)
    confusion = rng.integers(0, 5, size=(49, 49)) + np.diag(rng.integers(50, 200, size=49))
    order = metrics.confusion_order(confusion)
    assert sorted(order) == list(range(49))
    rates = metrics.confusion_rates(confusion)

    def adjacent(o):
        return sum(rates[a, b] for a, b in zip(o, o[1:], strict=False))

    assert adjacent(order) > adjacent(list(range(49)))


def test_no_confusion_keeps_the_class_order():
    assert metrics.confusion_order(np.diag([3, 4, 5])) == [0, 1, 2]


def test_a_non_square_matrix_is_refused():
    with pytest.raises(ValueError, match="square"):
        metrics.balanced_accuracy(np.zeros((2, 3)))
