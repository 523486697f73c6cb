"""A folder of images as the classifier's data set: its description, training on it, its nets' checkpoints."""

from __future__ import annotations

import pytest

from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.dataset import from_image_folder
from explorer.core.kuzushiji.datasets import K49, KMNIST, check_class_names, folder_dataset
from explorer.core.kuzushiji.engine import TrainConfig, train
from explorer.core.kuzushiji.image_folder import read_image_folder
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.shapes import SHAPES, shape_picture, write_shapes_folder


def shapes_folder(root, per_class: int = 6):
    """Circles, squares and triangles, dark-on-light and light-on-dark, and one file that is no picture."""
    write_shapes_folder(root, per_class=per_class)
    for shape in SHAPES:
        for i in range(2):
            shape_picture(shape, 100 + 20 * i, dark=True).save(root / shape / f"{shape}-dark-{i}.png")
    (root / "circle" / "broken.png").write_bytes(b"this is not a PNG")
    return root


def test_the_folder_description_names_its_classes_after_the_folders():
    described = folder_dataset(["circle", "square", "三角"])
    assert (described.key, described.num_classes, described.metric) == ("folder", 3, "balanced accuracy")
    assert described.labels() == ["circle", "square", "三角"]
    assert described.files == () and described.mirrors == ()
    assert described.checkpoint_name("conv") == "kuzushiji_folder_conv.pt"


def test_a_folder_of_shapes_trains_and_its_net_comes_back_with_the_class_names(tmp_path):
    folder = run_to_end(read_image_folder(shapes_folder(tmp_path / "shapes"), seed=3))
    assert [u.describe().split(":")[0] for u in folder.unreadable] == ["circle/broken.png"]
    data = from_image_folder(folder)
    assert data.dataset.class_names == SHAPES and data.counts == (18, 6)
    config = TrainConfig(net="lin", epochs=30, lr=0.05, batch=6, seed=0)
    model = nets.create("lin", seed=0, dataset=data.dataset)
    assert nets.num_outputs(model) == 3
    result = run_to_end(train(model, data, config))
    assert result.evaluation.confusion.shape == (3, 3)
    assert result.evaluation.accuracy >= 80  # the shapes are told apart (100 % in every seed tried)
    saved = trained.save(model, "lin", config, result.evaluation, dataset=data.dataset)
    assert saved.name == "kuzushiji_folder_lin.pt"
    # Nothing but the file says which classes: the description is rebuilt from it.
    back = trained.load(saved)
    assert back.dataset.key == "folder" and back.dataset.class_names == SHAPES
    assert back.checkpoint.extra["class_names"] == list(SHAPES)
    assert trained.latest("lin", folder_dataset(())).dataset.class_names == SHAPES
    assert trained.stored_accuracy("lin", dataset=data.dataset) == result.evaluation.accuracy


def test_nets_of_kmnist_k49_and_a_folder_never_overwrite_each_other():
    shapes = folder_dataset(SHAPES)
    for data_set in (KMNIST, K49, shapes):
        trained.save(nets.create("lin", seed=1, dataset=data_set), "lin", TrainConfig(net="lin"), dataset=data_set)
    paths = {trained.checkpoint_path(d, "lin").name for d in (KMNIST, K49, shapes)}
    assert paths == {"kuzushiji_lin.pt", "kuzushiji_k49_lin.pt", "kuzushiji_folder_lin.pt"}
    assert [nets.num_outputs(trained.latest("lin", d).model) for d in (KMNIST, K49, shapes)] == [10, 49, 3]
    # A folder net is no KMNIST net, and a KMNIST net is no folder net.
    with pytest.raises(UserError, match="holds a net for a folder of images, not for Kuzushiji-MNIST"):
        trained.load(trained.checkpoint_path(shapes, "lin"), dataset=KMNIST)
    with pytest.raises(UserError, match="holds a net for Kuzushiji-MNIST, not for Folder of images"):
        trained.load(trained.checkpoint_path(KMNIST, "lin"), dataset=shapes)


def test_a_net_of_the_folder_imported_before_is_not_this_folders():
    before = folder_dataset(SHAPES)
    trained.save(nets.create("lin", seed=1, dataset=before), "lin", TrainConfig(net="lin"), dataset=before,
                 extra={"accuracy": 99.0})
    now = folder_dataset(("cat", "dog", "fish"))
    with pytest.raises(UserError, match=r"classes \(circle, square, triangle\), not for this one's \(cat, dog, fish\)"):
        trained.load(trained.checkpoint_path(now, "lin"), dataset=now)
    assert trained.latest("lin", now) is None and trained.all_latest(now) == {}
    assert trained.stored_accuracy("lin", dataset=now) is None  # its 99 % does not stop a new net being kept


def craft(path, class_names, outputs: int = 3, **more):
    """A weights file of a folder NetLin with ``outputs`` outputs and these (perhaps wrong) class names."""
    extra = {"dataset": "folder", **more}
    if class_names is not ...:
        extra["class_names"] = class_names
    model = nets.create("lin", seed=0, dataset=folder_dataset([f"c{i}" for i in range(outputs)]))
    return checkpoints.save(path, model.state_dict(), experiment="kuzushiji", architecture="NetLin", extra=extra)


@pytest.mark.parametrize(
    ("class_names", "message"),
    [
        (..., "should be a list of class names, not empty (null)"),
        ("circle,square,triangle", "should be a list of class names, not text"),
        ([1, 2, 3], "class name 1 should be text, not a number"),
        (["circle", None, "triangle"], "class name 2 should be text, not empty (null)"),
        (["circle", "circle", "triangle"], "a class name is repeated"),
        (["circle", "../../etc", "triangle"], "class name 2 ('../../etc') is not a plain name"),
        (["circle", "sq\nuare", "triangle"], "is not a plain name"),
        (["circle", "x" * 201, "triangle"], "longer than 200 characters"),
        (["circle"], "holds 1 class names, expected 2 to 1,000"),
        (["circle", "square"], "names 2 classes, which the weights' outputs do not fit"),
        (["a", "b", "c", "d"], "names 4 classes, which the weights' outputs do not fit"),
    ],
)
def test_a_crafted_checkpoint_with_bad_class_names_is_refused_naming_the_field(tmp_path, class_names, message):
    path = craft(tmp_path / "crafted.pt", class_names)
    for how in ({}, {"name": "lin"}, {"dataset": folder_dataset(())}):
        with pytest.raises(UserError) as refused:
            trained.load(path, **how)
        assert str(refused.value).startswith("crafted.pt: ")
        assert "'extra.class_names'" in str(refused.value) and message in str(refused.value)


def test_folder_names_that_a_checkpoint_could_not_keep_are_refused_on_import(tmp_path):
    for name in ("circle", "tab\there"):
        (tmp_path / name).mkdir()
        for i in range(2):
            shape_picture("circle" if name == "circle" else "square", 90 + i).save(tmp_path / name / f"{i}.png")
    folder = run_to_end(read_image_folder(tmp_path, test_fraction=0.5))
    with pytest.raises(UserError, match=r"its class folders: class name 2 \('tab\\there'\) is not a plain name"):
        from_image_folder(folder)


def test_a_folder_too_small_for_a_test_set_is_refused(tmp_path):
    for shape in ("circle", "square"):
        (tmp_path / shape).mkdir()
        shape_picture(shape, 90).save(tmp_path / shape / "only.png")
    folder = run_to_end(read_image_folder(tmp_path, test_fraction=0.2))
    with pytest.raises(UserError, match="too few pictures for a"):
        from_image_folder(folder)


def test_class_names_are_checked_as_a_strangers_input():
    assert check_class_names(["円", "四角"], "x") == ("円", "四角")
    with pytest.raises(UserError, match=r"x: class name 1 \('\.\.'\) is not a plain name"):
        check_class_names(["..", "b"], "x")
    with pytest.raises(UserError, match="x holds 1,001 class names"):
        check_class_names([f"c{i}" for i in range(1001)], "x")


@pytest.mark.parametrize(("preparation", "shown"), [("blur", "'blur'"), (3, "a number"), (["resize"], "a list")])
def test_a_crafted_preparation_is_refused_naming_the_field(tmp_path, preparation, shown):
    path = craft(tmp_path / "crafted.pt", list(SHAPES), preparation=preparation)
    with pytest.raises(UserError) as refused:
        trained.load(path)
    assert str(refused.value) == (
        f"crafted.pt: meta field 'extra.preparation' should be drawing or resize, not {shown}"
    )


def test_an_imported_folder_is_kept_and_another_import_replaces_it(tmp_path):
    from explorer.core.kuzushiji import folder_data

    first = run_to_end(folder_data.import_image_folder(shapes_folder(tmp_path / "shapes"), "resize", seed=2))
    assert first.unreadable == ["circle/broken.png: not a readable image (not a picture format the app knows)"]
    back = folder_data.load_stored_folder()
    assert back.data.dataset.class_names == SHAPES and back.preparation == "resize"
    assert back.unreadable == first.unreadable and back.data.counts == first.data.counts
    assert (back.data.train_images == first.data.train_images).all()
    # One imported folder at a time: the next import takes its place.
    for name in ("cat", "dog"):
        (tmp_path / "pets" / name).mkdir(parents=True)
        for i in range(3):
            shape_picture("circle" if name == "cat" else "square", 80 + 9 * i).save(tmp_path / "pets" / name / f"{i}.png")
    run_to_end(folder_data.import_image_folder(tmp_path / "pets"))
    assert folder_data.load_stored_folder().data.dataset.class_names == ("cat", "dog")
    assert folder_data.stored_class_names() == ("cat", "dog")


@pytest.mark.parametrize(
    ("change", "names"),
    [("a name with a line break", ["circle", "squa\nre", "triangle"]), ("fewer names than labels", ["circle", "square"]),
     ("names that are not text", None), ("a repeated name", ["circle", "circle", "triangle"])],
)
def test_a_stored_folder_that_was_tampered_with_is_not_used(tmp_path, change, names):
    import numpy as np

    from explorer.core.kuzushiji import folder_data

    run_to_end(folder_data.import_image_folder(shapes_folder(tmp_path / "shapes")))
    path = folder_data.folder_path()
    with np.load(path) as stored:
        arrays = dict(stored)
    arrays["class_names"] = np.arange(3) if names is None else np.array(names)
    np.savez(path, **arrays)
    assert folder_data.load_stored_folder() is None, change
