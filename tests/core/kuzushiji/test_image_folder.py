"""A folder of pictures in class folders as a data set: classes, 28×28 images, split, files left out."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.kuzushiji import image_folder
from explorer.core.kuzushiji.image_folder import read_image_folder, write_image_folder
from explorer.core.progress import Progress, run_to_end
from tests.core.kuzushiji.image_files import png_with_broken_idat
from tests.core.kuzushiji.shapes import SHAPES, shape_picture, write_shapes_folder


def read(root, **kwargs):
    records: list[Progress] = []
    result = run_to_end(read_image_folder(root, **kwargs), records.append)
    return result, records


def nearest_neighbour_accuracy(data) -> float:
    train = data.train_images.reshape(len(data.train_images), -1).astype(np.float32)
    test = data.test_images.reshape(len(data.test_images), -1).astype(np.float32)
    distances = ((test[:, None, :] - train[None, :, :]) ** 2).sum(axis=2)
    return float((data.train_labels[distances.argmin(axis=1)] == data.test_labels).mean())


@pytest.mark.parametrize("preparation", ["drawing", "resize"])
def test_a_folder_of_shapes_becomes_a_three_class_data_set(tmp_path, preparation):
    write_shapes_folder(tmp_path / "shapes", per_class=6)
    data, records = read(tmp_path / "shapes", preparation=preparation, test_fraction=1 / 3, seed=0)
    assert data.class_names == SHAPES
    assert data.counts == (12, 6)
    assert data.unreadable == []
    assert data.train_images.dtype == np.uint8 and data.train_images.shape[1:] == (28, 28)
    assert sorted(np.bincount(data.test_labels).tolist()) == [2, 2, 2]  # stratified
    # White ink on black, whatever the paper: the outlines' insides are dark, the ink is bright.
    every = np.concatenate([data.train_images, data.test_images])
    assert every[:, 14, 14].max() < 40 and every.max(axis=(1, 2)).min() > 200
    # The shapes stay shapes: each test picture's nearest training picture is of its class.
    assert nearest_neighbour_accuracy(data) == 1.0
    reading = [r for r in records if r.total == 18]
    assert [r.done for r in reading] == [*range(18), 18]
    assert "read 18 pictures of 3 classes" in records[-1].message
    assert f"({preparation})" in data.describe() and "3 classes" in data.describe()


def test_dark_and_light_backgrounds_give_the_same_image(tmp_path):
    for shape in ("circle", "square"):
        (tmp_path / shape).mkdir()
        shape_picture(shape, 150).save(tmp_path / shape / "light.png")
        shape_picture(shape, 150, dark=True).save(tmp_path / shape / "dark.png")
    for preparation in ("drawing", "resize"):
        data, _ = read(tmp_path, preparation=preparation, test_fraction=0.5)
        every = np.concatenate([data.train_images, data.test_images]).astype(int)
        labels = np.concatenate([data.train_labels, data.test_labels])
        for label in (0, 1):
            light, dark = every[labels == label]
            assert np.abs(light - dark).mean() < 3, preparation


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_files_it_cannot_read_are_listed_with_their_reason_and_nothing_else_is_lost(tmp_path):
    root = tmp_path / "shapes"
    write_shapes_folder(root, per_class=4)
    png_with_broken_idat(root / "circle")
    (root / "square" / "notes.txt").write_text("not a picture")
    (root / "square" / "empty.png").write_bytes(b"")
    shape_picture("square", 80).point(lambda _: 245).save(root / "square" / "blank.png")  # no ink at all
    (root / "stray.png").write_bytes((root / "circle" / "circle-0.png").read_bytes())
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shape_picture("triangle").save(outside / "secret.png")
    os.symlink(outside / "secret.png", root / "triangle" / "linked-out.png")
    os.symlink(outside, root / "linked-class")
    os.mkfifo(root / "triangle" / "pipe.png")
    (root / "no-pictures-here").mkdir()
    (root / "no-pictures-here" / "readme.md").write_text("hi")

    data, _ = read(root, seed=3)
    assert data.class_names == SHAPES  # a folder without pictures is no class
    assert sum(data.counts) == 12
    reasons = {u.path.as_posix(): u.reason for u in data.unreadable}
    assert set(reasons) == {
        "circle/broken.png", "square/notes.txt", "square/empty.png", "square/blank.png", "stray.png",
        "triangle/linked-out.png", "linked-class", "triangle/pipe.png", "no-pictures-here/readme.md",
    }
    assert "not a readable image" in reasons["circle/broken.png"]
    assert "not a picture file" in reasons["square/notes.txt"]
    assert "not a readable image" in reasons["square/empty.png"]
    assert "no ink" in reasons["square/blank.png"]
    assert reasons["stray.png"] == "not inside a class folder"
    assert "outside the folder" in reasons["triangle/linked-out.png"]
    assert "outside the folder" in reasons["linked-class"]
    assert "named pipe" in reasons["triangle/pipe.png"]
    assert "12 pictures" not in data.describe() and "9 files left out" in data.describe()


def test_the_split_is_seeded(tmp_path):
    write_shapes_folder(tmp_path, per_class=6)
    a, _ = read(tmp_path, seed=1, preparation="resize")
    b, _ = read(tmp_path, seed=1, preparation="resize")
    c, _ = read(tmp_path, seed=2, preparation="resize")
    assert np.array_equal(a.test_images, b.test_images) and np.array_equal(a.test_labels, b.test_labels)
    assert not np.array_equal(a.test_images, c.test_images)
    assert sorted(np.bincount(c.test_labels).tolist()) == [1, 1, 1]  # 20 % of 6, at least one each


def test_split_keeps_a_single_picture_for_training():
    train, test = image_folder.split(np.array([0, 1, 1, 1, 1, 1]), 0.2, seed=0)
    assert sorted(train.tolist() + test.tolist()) == list(range(6))
    assert 0 in train and len(test) == 1


def test_reading_can_be_cancelled_between_pictures(tmp_path):
    write_shapes_folder(tmp_path, per_class=6)
    steps = read_image_folder(tmp_path)
    seen = [next(steps) for _ in range(3)]
    steps.close()  # what Cancel does: the generator stops at its yield
    assert [p.done for p in seen] == [0, 1, 2]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such folder"),
        (lambda p: p.write_text("x"), "not a folder"),
        (lambda p: (p / "only").mkdir(parents=True) or shape_picture("circle").save(p / "only" / "a.png"),
         "at least two class folders"),
    ],
)
def test_a_folder_that_is_not_a_data_set_is_refused(tmp_path, make, message):
    target = tmp_path / "data"
    make(target)
    with pytest.raises(UserError, match=message):
        run_to_end(read_image_folder(target))


def test_a_folder_where_no_picture_reads_is_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.png").write_bytes(b"\x89PNG broken")
    with pytest.raises(UserError, match="none of the 2 pictures could be read"):
        run_to_end(read_image_folder(tmp_path))


def test_too_many_pictures_is_refused_before_reading_any(tmp_path, monkeypatch):
    write_shapes_folder(tmp_path, per_class=4)
    monkeypatch.setattr(image_folder, "MAX_IMAGES", 10)
    with pytest.raises(UserError, match="more than 10 pictures"):
        run_to_end(read_image_folder(tmp_path))


def test_bad_choices_are_refused(tmp_path):
    with pytest.raises(UserError, match="unknown preparation 'crop'"):
        run_to_end(read_image_folder(tmp_path, preparation="crop"))
    with pytest.raises(UserError, match="test share"):
        run_to_end(read_image_folder(tmp_path, test_fraction=1.0))


def test_written_folder_reads_back_exactly_with_a_plain_resize(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    frame = np.ones((28, 28), bool)
    frame[2:-2, 2:-2] = False
    images[:, frame] = 0  # dark paper, as exported drawings have
    images[:, 14, 14] = 255
    labels = np.array([0, 1, 2, 0, 1, 2, 2])
    written = write_image_folder(tmp_path / "out", images, labels, ("o", "ki/ki", ".su"))
    assert sorted(p.parent.name for p in written) == ["ki_ki", "ki_ki", "o", "o", "su", "su", "su"]
    back, _ = read(tmp_path / "out", preparation="resize", test_fraction=0.3)
    assert back.class_names == ("ki_ki", "o", "su")
    # Each written image comes back unchanged, under its class's folder name.
    names = {0: "o", 1: "ki_ki", 2: "su"}
    got = {(back.class_names[int(lab)], img.tobytes()) for img, lab in
           zip(np.concatenate([back.train_images, back.test_images]),
               np.concatenate([back.train_labels, back.test_labels]), strict=True)}
    assert got == {(names[int(lab)], img.tobytes()) for img, lab in zip(images, labels, strict=True)}


def test_writing_again_keeps_the_files_already_there(tmp_path):
    images = np.zeros((2, 28, 28), np.uint8)
    first = write_image_folder(tmp_path, images, np.array([0, 1]), ("a", "b"))
    second = write_image_folder(tmp_path, images, np.array([0, 0]), ("a", "b"))
    assert not set(first) & set(second)
    assert len(list(Path(tmp_path, "a").iterdir())) == 3
