"""Evaluation numbers, the course's printed lines, confused pairs, cell galleries."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from explorer.core.kuzushiji import evaluation, nets

# The NetConv confusion matrix of the reference (rows true お..を, columns predicted).
REPORTED = np.array(
    [
        [971, 3, 2, 1, 11, 0, 0, 9, 1, 2],
        [3, 914, 5, 0, 13, 3, 37, 1, 4, 20],
        [11, 0, 872, 49, 8, 8, 24, 8, 5, 15],
        [1, 1, 9, 973, 0, 2, 7, 1, 3, 3],
        [26, 3, 1, 13, 918, 3, 13, 6, 13, 4],
        [3, 9, 29, 8, 3, 913, 24, 4, 3, 4],
        [3, 4, 11, 4, 3, 0, 970, 2, 1, 2],
        [4, 1, 6, 1, 8, 1, 9, 946, 3, 21],
        [4, 19, 10, 6, 6, 4, 11, 1, 927, 12],
        [4, 2, 10, 5, 10, 2, 10, 3, 2, 952],
    ]
)


def images_and_labels(n: int = 100, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=g), torch.arange(n) % 10


def test_a_net_that_knows_nothing_scores_chance_with_loss_ln10():
    model = nets.create("lin")
    torch.nn.init.zeros_(model.linear.weight)
    torch.nn.init.zeros_(model.linear.bias)
    images, labels = images_and_labels(100)
    result = evaluation.evaluate(model, images, labels, batch=30)
    assert result.test_loss == pytest.approx(math.log(10), rel=1e-6)
    # every probability is 1/10, so every image goes to the first class
    assert result.confusion[:, 0].tolist() == [10] * 10 and result.confusion.sum() == 100
    assert (result.correct, result.total, result.accuracy) == (10, 100, 10.0)
    assert result.per_class_accuracy.tolist() == [100.0] + [0.0] * 9
    assert np.allclose(result.probabilities, 0.1)


def test_confusion_rows_are_true_classes_and_columns_predictions():
    model = nets.create("lin")
    torch.nn.init.zeros_(model.linear.weight)
    with torch.no_grad():
        model.linear.bias.copy_(torch.arange(10.0) == 7)  # always predicts class 7
    images, labels = images_and_labels(50)
    result = evaluation.evaluate(model, images, labels)
    assert result.confusion[3, 7] == 5 and result.confusion[7, 7] == 5
    assert result.confusion[:, 7].sum() == 50
    assert (result.predictions == 7).all() and result.accuracy == 10.0


def test_evaluate_restores_training_mode_and_accepts_normalised_images():
    from explorer.core.kuzushiji.engine import normalise

    model = nets.create("full", seed=0).train()
    images, labels = images_and_labels(40)
    raw = evaluation.evaluate(model, images, labels)
    ready = evaluation.evaluate(model, normalise(images), labels)
    assert model.training
    assert raw.test_loss == pytest.approx(ready.test_loss) and raw.correct == ready.correct


def test_reference_matrix_gives_the_reported_accuracy_and_most_confused_pairs():
    assert REPORTED.sum() == 10000 and np.trace(REPORTED) == 9356  # 93.56 %
    pairs = evaluation.most_confused_pairs(REPORTED, k=6)
    assert pairs == [(2, 3, 49), (1, 6, 37), (5, 2, 29), (4, 0, 26), (2, 6, 24), (5, 6, 24)]
    assert evaluation.format_pair(*pairs[0]) == "す (su) → つ (tsu): 49"


def test_most_confused_pairs_leaves_out_empty_cells():
    confusion = np.diag([10] * 10)
    confusion[4, 1] = 3
    assert evaluation.most_confused_pairs(confusion) == [(4, 1, 3)]


def test_cell_examples_lists_the_images_of_one_cell_most_confident_first():
    probabilities = np.full((5, 10), 0.05, dtype=np.float32)
    probabilities[[0, 2, 4], 3] = [0.5, 0.9, 0.7]
    result = evaluation.Evaluation(
        accuracy=0.0,
        correct=0,
        total=5,
        test_loss=0.0,
        confusion=np.zeros((10, 10), int),
        per_class_accuracy=np.zeros(10),
        predictions=np.array([3, 1, 3, 3, 3]),
        probabilities=probabilities,
        labels=np.array([2, 2, 2, 5, 2]),
    )
    cell = evaluation.cell_examples(result, true=2, predicted=3)
    assert [i for i, _ in cell] == [2, 4, 0]
    assert [round(c, 2) for _, c in cell] == [0.9, 0.7, 0.5]
    assert evaluation.cell_examples(result, true=0, predicted=0) == []


def test_course_style_lines():
    line = evaluation.format_epoch_line(
        epoch=1, batch=10, batch_size=64, n_train=60000, batches=938, loss=2.3025851
    )
    assert line == "Train Epoch: 1 [640/60000 (1%)]\tLoss: 2.302585"
    result = evaluation.Evaluation(
        accuracy=93.56,
        correct=9356,
        total=10000,
        test_loss=0.22314,
        confusion=REPORTED,
        per_class_accuracy=np.zeros(10),
        predictions=np.zeros(0),
        probabilities=np.zeros((0, 10)),
        labels=np.zeros(0),
    )
    assert (
        evaluation.format_test_line(result)
        == "Test set: Average loss: 0.2231, Accuracy: 9356/10000 (94%)"
    )
    table = evaluation.format_confusion(REPORTED).splitlines()
    assert table[0].split() == ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    assert table[3].split() == ["su", "11", "0", "872", "49", "8", "8", "24", "8", "5", "15"]
