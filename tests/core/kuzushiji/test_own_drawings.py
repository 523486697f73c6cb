"""A class's own drawings as a test set: kept, edited, exported as a folder and read back, evaluated."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import torch

from explorer.core import paths
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets, own_drawings
from explorer.core.kuzushiji.datasets import K49, KMNIST
from explorer.core.kuzushiji.image_folder import read_image_folder
from explorer.core.kuzushiji.own_drawings import OwnDrawings, net_classifier
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.shapes import SHAPES, as_array, shape_picture


def drawing_of(shape: str, seed: int = 0) -> np.ndarray:
    """A 28×28 uint8 white-on-black outline, as a preprocessed drawing looks."""
    picture = 255 - as_array(shape_picture(shape, 28, pen=2, jitter=seed % 2))
    return np.where(picture > 128, 255, 0).astype(np.uint8)


def store_file():
    return paths.data_dir() / "drawings" / "kmnist" / "drawings.npz"


def test_drawings_are_kept_in_the_data_folder_and_come_back():
    kept = OwnDrawings.of(KMNIST)
    canvas = np.zeros((280, 280), np.uint8)
    canvas[100:180, 130:150] = 255
    strokes = np.array([[130, 100, 0], [140, 180, 0], [100, 140, 1]], np.float32)
    a = kept.add(drawing_of("circle"), 2, original=canvas, strokes=strokes)
    b = kept.add(drawing_of("square").astype(np.float32) / 255, 5)  # the float input of the Draw page
    assert store_file().is_file()

    again = OwnDrawings.of(KMNIST)
    assert again.notes == []
    assert [(d.id, d.label) for d in again.drawings()] == [(a.id, 2), (b.id, 5)]
    assert np.array_equal(again.get(a.id).image, drawing_of("circle"))
    assert np.array_equal(again.get(b.id).image, drawing_of("square"))
    assert np.array_equal(again.get(a.id).original, canvas)
    assert np.array_equal(again.get(a.id).strokes, strokes)
    assert again.get(b.id).original is None and again.get(b.id).strokes is None
    assert again.counts().tolist() == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0]


def test_relabel_and_delete_are_kept_and_numbers_are_never_reused():
    kept = OwnDrawings.of(KMNIST)
    first = kept.add(drawing_of("circle"), 0)
    second = kept.add(drawing_of("triangle"), 1)
    kept.relabel(first.id, 7)
    kept.delete(second.id)
    again = OwnDrawings.of(KMNIST)
    assert [(d.id, d.label) for d in again.drawings()] == [(first.id, 7)]
    third = again.add(drawing_of("square"), 3)
    assert third.id not in (first.id, second.id)
    images, labels = again.arrays()
    assert images.shape == (2, 28, 28) and images.dtype == np.uint8 and labels.tolist() == [7, 3]
    with pytest.raises(UserError, match="no kept drawing number 99"):
        again.delete(99)


def test_each_data_set_keeps_its_own_drawings():
    OwnDrawings.of(KMNIST).add(drawing_of("circle"), 9)
    k49 = OwnDrawings.of(K49)
    assert len(k49) == 0
    k49.add(drawing_of("circle"), 48)
    assert len(OwnDrawings.of(KMNIST)) == 1 and OwnDrawings.of(K49).drawings()[0].label == 48


@pytest.mark.parametrize(
    ("image", "label", "message"),
    [
        (np.zeros((28, 27), np.uint8), 0, "28×28"),
        (np.zeros((28, 28), np.uint8), 10, "not one of the 10 classes"),
        (np.zeros((28, 28), np.uint8), -1, "not one of the 10 classes"),
        (np.zeros((28, 28), np.uint8), True, "not one of"),
        (np.full((28, 28), np.nan), 0, "not numbers"),
    ],
)
def test_a_bad_drawing_is_refused_and_nothing_is_written(image, label, message):
    kept = OwnDrawings.of(KMNIST)
    with pytest.raises(UserError, match=message):
        kept.add(image, label)
    assert len(kept) == 0 and not store_file().exists()


def test_a_full_store_refuses_more(monkeypatch):
    monkeypatch.setattr(own_drawings, "MAX_DRAWINGS", 2)
    kept = OwnDrawings.of(KMNIST)
    kept.add(drawing_of("circle"), 0)
    kept.add(drawing_of("circle"), 0)
    with pytest.raises(UserError, match="2 drawings are kept already"):
        kept.add(drawing_of("circle"), 0)


def test_exported_drawings_read_back_as_an_image_folder(tmp_path):
    kept = OwnDrawings("shapes", SHAPES)
    made = {}
    for i in range(9):
        shape = SHAPES[i % 3]
        made.setdefault(shape, []).append(drawing_of(shape, seed=i).tobytes())
        kept.add(drawing_of(shape, seed=i), i % 3)
    written = kept.export(tmp_path / "export")
    assert len(written) == 9 and {p.parent.name for p in written} == set(SHAPES)

    back = run_to_end(read_image_folder(tmp_path / "export", preparation="resize", test_fraction=1 / 3))
    assert back.class_names == SHAPES and back.unreadable == []
    images = np.concatenate([back.train_images, back.test_images])
    labels = np.concatenate([back.train_labels, back.test_labels])
    got = {shape: sorted(img.tobytes() for img, lab in zip(images, labels, strict=True) if lab == k)
           for k, shape in enumerate(SHAPES)}
    assert got == {shape: sorted(v) for shape, v in made.items()}
    # A second export into the same folder (another pupil's) keeps the first one's files.
    assert len(list((tmp_path / "export").rglob("*.png"))) == 9
    kept.export(tmp_path / "export")
    assert len(list((tmp_path / "export").rglob("*.png"))) == 18


def test_nothing_to_export_is_said():
    with pytest.raises(UserError, match="no kept drawings to export"):
        OwnDrawings.of(KMNIST).export(paths.data_dir() / "out")


def test_evaluation_gives_accuracy_balanced_accuracy_confusion_and_the_gap():
    kept = OwnDrawings("shapes", SHAPES)
    # 4 circles, 1 square, 1 triangle: the classifier below reads every circle and nothing else right.
    for label in (0, 0, 0, 0, 1, 2):
        kept.add(drawing_of(SHAPES[label]), label)

    def always_circle(images):
        return np.zeros(len(images), np.int64)

    result = kept.evaluate(always_circle, test_accuracy=90.0)
    assert result.count == 6
    assert result.accuracy == pytest.approx(400 / 6)
    assert result.balanced_accuracy == pytest.approx(100 / 3)  # (1 + 0 + 0) / 3
    assert result.confusion.tolist() == [[4, 0, 0], [1, 0, 0], [1, 0, 0]]
    assert result.gap == pytest.approx(400 / 6 - 90)
    assert result.describe() == "6 drawings: 66.7 % (balanced 33.3 %), 23.3 points below the test images"

    def scores(images):  # N×classes scores work too
        out = np.zeros((len(images), 3))
        out[:, 1] = 1
        return out

    assert kept.evaluate(scores).confusion[:, 1].tolist() == [4, 1, 1]
    assert kept.evaluate(scores).gap is None


def test_evaluating_no_drawings_says_so():
    result = OwnDrawings.of(KMNIST).evaluate(lambda images: np.zeros(len(images)), test_accuracy=93.0)
    assert result.count == 0 and result.gap is None and result.describe() == "no drawings kept yet"


def test_a_classifier_answering_outside_the_classes_is_refused():
    kept = OwnDrawings("shapes", SHAPES)
    kept.add(drawing_of("circle"), 0)
    with pytest.raises(UserError, match="do not fit the 3 classes"):
        kept.evaluate(lambda images: np.full(len(images), 3))


def test_a_trained_net_is_evaluated_on_the_drawings():
    kept = OwnDrawings.of(KMNIST)
    for i, shape in enumerate(SHAPES * 2):
        kept.add(drawing_of(shape, seed=i), i % 10)
    model = nets.create("lin", seed=0)
    result = kept.evaluate(net_classifier(model), test_accuracy=69.58)
    images, _ = kept.arrays()
    with torch.no_grad():
        expected = model(((torch.from_numpy(images).float() / 255 - 0.5) / 0.5)[:, None]).argmax(dim=1).numpy()
    assert result.predictions.tolist() == expected.tolist()
    assert result.confusion.shape == (10, 10) and result.confusion.sum() == 6


# -- a store from a stranger ------------------------------------------------------------------


def npz_bytes(**arrays) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def good_parts(**changes):
    parts = {
        "images": np.zeros((2, 28, 28), np.uint8),
        "labels": np.array([0, 9]),
        "ids": np.array([1, 2]),
        "class_names": np.array(KMNIST.class_names),
        "next_id": np.array(3),
    }
    parts.update(changes)
    return {k: v for k, v in parts.items() if v is not None}


DAMAGED = {
    "cut short": lambda: npz_bytes(**good_parts())[:300],
    "not a zip": lambda: b"hello, not drawings",
    "a pickle": lambda: npz_bytes(**good_parts(labels=np.array([0, object()], dtype=object))),
    "a label out of range": lambda: npz_bytes(**good_parts(labels=np.array([0, 10]))),
    "other classes": lambda: npz_bytes(**good_parts(class_names=np.array(["a", "b"]))),
    "images of the wrong size": lambda: npz_bytes(**good_parts(images=np.zeros((2, 28, 29), np.uint8))),
    "float images": lambda: npz_bytes(**good_parts(images=np.zeros((2, 28, 28)))),
    "labels not matching": lambda: npz_bytes(**good_parts(labels=np.array([0]))),
    "repeated numbers": lambda: npz_bytes(**good_parts(ids=np.array([1, 1]))),
    "a next number too small": lambda: npz_bytes(**good_parts(next_id=np.array(2))),
    "a stray part": lambda: npz_bytes(**good_parts(), original_7=np.zeros((5, 5), np.uint8)),
    "an original of NaN strokes": lambda: npz_bytes(**good_parts(), strokes_1=np.full((2, 3), np.nan, np.float32)),
    "a missing part": lambda: npz_bytes(**good_parts(ids=None)),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_store_is_set_aside_with_a_message_and_the_app_goes_on(damage):
    target = store_file()
    target.parent.mkdir(parents=True)
    data = DAMAGED[damage]()
    target.write_bytes(data)
    kept = OwnDrawings.of(KMNIST)
    assert len(kept) == 0
    assert len(kept.notes) == 1 and "could not be read" in kept.notes[0] and "drawings.npz.damaged" in kept.notes[0]
    aside = target.with_name("drawings.npz.damaged")
    assert aside.read_bytes() == data  # the user's file is kept, not deleted
    kept.add(drawing_of("circle"), 1)  # and drawing goes on
    assert len(OwnDrawings.of(KMNIST)) == 1 and aside.read_bytes() == data


def test_a_huge_declared_array_is_refused_before_it_is_allocated():
    target = store_file()
    target.parent.mkdir(parents=True)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False, "shape": (10**7, 28, 28)})
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("images.npy", header.getvalue() + b"\0" * 64)
    kept = OwnDrawings.of(KMNIST)
    assert len(kept) == 0 and "images.npy" in kept.notes[0] and "7,840,000,000 bytes" in kept.notes[0]


def test_a_store_that_is_a_link_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere.npz"
    elsewhere.write_bytes(npz_bytes(**good_parts()))
    target = store_file()
    target.parent.mkdir(parents=True)
    target.symlink_to(elsewhere)
    kept = OwnDrawings.of(KMNIST)
    assert len(kept) == 0 and "not a regular file" in kept.notes[0] and elsewhere.exists()


def test_a_store_key_must_be_a_plain_name():
    with pytest.raises(ValueError, match="plain name"):
        OwnDrawings("../escape", ("a", "b"))
