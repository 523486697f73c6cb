from __future__ import annotations

import pytest
import torch

from explorer.core import checkpoints
from explorer.core.checkpoints import CheckpointError
from explorer.core.errors import UserError


def _net():
    return torch.nn.Sequential(torch.nn.Linear(3, 2))


def test_round_trip_keeps_weights_and_metadata(tmp_path):
    net = _net()
    path = checkpoints.save(
        tmp_path / "w.pt", net.state_dict(), experiment="mlp", architecture="MLP-2",
        hyperparameters={"lr": 0.01},
    )
    ckpt = checkpoints.load(path, experiment="mlp", architecture="MLP-2")
    assert ckpt.hyperparameters == {"lr": 0.01}
    assert ckpt.created.startswith("20")
    other = _net()
    other.load_state_dict(ckpt.state_dict)
    assert torch.equal(other[0].weight, net[0].weight)


def test_other_architecture_is_refused_naming_both(tmp_path):
    path = checkpoints.save(tmp_path / "w.pt", _net().state_dict(), experiment="kuzushiji", architecture="NetLin")
    with pytest.raises(CheckpointError) as info:
        checkpoints.load(path, experiment="kuzushiji", architecture="NetConv")
    assert "NetLin" in str(info.value) and "NetConv" in str(info.value)


def test_shape_mismatch_is_refused(tmp_path):
    path = checkpoints.save(tmp_path / "w.pt", _net().state_dict(), experiment="x", architecture="A")
    ckpt = checkpoints.load(path)
    with pytest.raises(CheckpointError, match="does not fit B"):
        checkpoints.check_shapes(ckpt, torch.nn.Sequential(torch.nn.Linear(4, 2)), "B")


def test_bare_course_state_dict_loads(tmp_path):
    path = checkpoints.save_state_dict(tmp_path / "anb2n_srn2_10.pth", _net().state_dict())
    ckpt = checkpoints.load(path)
    assert ckpt.architecture == "" and set(ckpt.state_dict) == {"0.weight", "0.bias"}


def test_code_in_a_pickle_never_runs(tmp_path):
    import pickle

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    with open(path, "wb") as fh:
        pickle.dump({"x": Evil()}, fh)
    with pytest.raises(CheckpointError, match="evil.pt: not a readable weights file .it holds objects other than weights"):
        checkpoints.load(path)


def test_garbage_file_gives_clear_message(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match=r"junk.pt: not a weights file \(a PyTorch .pt/.pth file; this one is text\)"):
        checkpoints.load(path)


@pytest.mark.parametrize("writer", ["save", "save_state_dict"])
@pytest.mark.parametrize(
    "failure, reason",
    [
        (RuntimeError("[enforce fail at inline_container.cc:672] . PytorchStreamWriter failed writing file data/0: file write failed"), "disk full"),
        (OSError(28, "No space left on device"), "disk full"),
    ],
)
def test_a_failed_save_keeps_the_good_file(tmp_path, monkeypatch, writer, failure, reason):
    path = tmp_path / "net.pth"
    good = _net()
    checkpoints.save_state_dict(path, good.state_dict())
    real_save = torch.save

    def fail_midway(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a zip")
        raise failure

    monkeypatch.setattr(torch, "save", fail_midway)
    with pytest.raises(UserError, match=rf"could not write .*net\.pth: .*{reason}"):
        if writer == "save":
            checkpoints.save(path, _net().state_dict(), experiment="x", architecture="Y")
        else:
            checkpoints.save_state_dict(path, _net().state_dict())
    monkeypatch.setattr(torch, "save", real_save)
    back = checkpoints.load(path).state_dict
    assert all(torch.equal(back[k], v) for k, v in good.state_dict().items())
    assert [p.name for p in tmp_path.iterdir()] == ["net.pth"]


def test_a_truncated_file_is_named(tmp_path):
    path = tmp_path / "cut.pt"
    checkpoints.save(path, torch.nn.Linear(50, 50).state_dict(), experiment="x", architecture="Y")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match=r"cut\.pt: not a readable weights file"):
        checkpoints.load(path)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_weights_that_are_not_finite_are_refused(tmp_path, bad):
    state = _net().state_dict()
    state["0.weight"][0, 0] = bad
    path = tmp_path / "diverged.pth"
    torch.save(state, path)  # as a diverged course script would have saved it
    with pytest.raises(CheckpointError, match=r"diverged\.pth: 0\.weight holds values that are not finite"):
        checkpoints.load(path)
    with pytest.raises(CheckpointError, match="not saving"):
        checkpoints.save(tmp_path / "new.pt", state, experiment="x", architecture="Y")
    assert not (tmp_path / "new.pt").exists()


# meta from a stranger's file: checked by type on load (issue 17, items 4-6, 10) --------------------------

class _Missing:
    def __repr__(self):  # a stable test id: two pytest-xdist workers must collect the same names
        return "MISSING"


_MISSING = _Missing()


def _with_meta(path, **changes):
    checkpoints.save(path, _net().state_dict(), experiment="recurrent", architecture="SRN-2 on anb2n",
                     hyperparameters={"seed": 3}, extra={"accuracy": 90.0})
    raw = torch.load(path, weights_only=True)
    for key, value in changes.items():
        if value is _MISSING:
            del raw[key]
        elif key in ("state_dict", "meta"):
            raw[key] = value
        else:
            raw["meta"][key] = value
    torch.save(raw, path)
    return path


@pytest.mark.parametrize("changes, problem", [
    ({"created": 5}, "meta field 'created' should be text, not a number"),
    ({"architecture": ["SRN"]}, "meta field 'architecture' should be text, not a list"),
    ({"experiment": None}, "meta field 'experiment' should be text, not empty (null)"),
    ({"hyperparameters": [1, 2]}, "meta field 'hyperparameters' should be a table of named values, not a list"),
    ({"extra": "x"}, "meta field 'extra' should be a table of named values, not text"),
    ({"hyperparameters": {"seed": "<script>alert('seed')</script>"}},
     "meta field 'hyperparameters.seed' should be a whole number, not text"),
    ({"hyperparameters": {"seed": 2**70}}, "meta field 'hyperparameters.seed' should be between 0 and 2**64 - 1"),
    ({"extra": {"accuracy": "high"}}, "meta field 'extra.accuracy' should be a finite number, not text"),
    ({"meta": [1]}, "its meta should be a table of fields, not a list"),
    ({"state_dict": _MISSING}, "not a weights file (it has no state_dict)"),
    ({"state_dict": 5}, "not a weights file (its state_dict should be a table of tensors, not a number)"),
    ({"state_dict": {"w": 5}}, "not a weights file (w is not a tensor)"),
], ids=lambda v: str(v)[:40])
def test_ill_typed_meta_is_refused_naming_the_file_and_the_field(tmp_path, changes, problem):
    path = _with_meta(tmp_path / "anb2n_srn2.pt", **changes)
    with pytest.raises(CheckpointError) as info:
        checkpoints.load(path)
    assert str(info.value) == f"anb2n_srn2.pt: {problem}"


def test_a_seed_that_is_a_whole_number_is_kept(tmp_path):
    assert checkpoints.load(_with_meta(tmp_path / "w.pt")).hyperparameters["seed"] == 3


@pytest.mark.parametrize("content, kind", [(b'{"state_dict": {}}', "JSON or text"), (b"", "empty"),
                                           (b"\x89PNG\r\n\x1a\n", "some other kind of file")])
def test_a_file_that_is_not_a_torch_file_is_said_to_be_no_weights_file(tmp_path, content, kind):
    path = tmp_path / "net.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as info:
        checkpoints.load(path)
    assert str(info.value) == f"net.pt: not a weights file (a PyTorch .pt/.pth file; this one is {kind})"


def _declaring(tmp_path, name, change):
    """A real torch file whose pickle declares a size its data do not have (rewritten inside the zip)."""
    import struct
    import zipfile

    source = tmp_path / "source.pt"
    torch.save({"V": torch.zeros(2, 2)}, source)
    with zipfile.ZipFile(source) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for entry, data in entries:
            zout.writestr(entry, change(data, lambda n: b"J" + struct.pack("<i", n)) if entry.endswith("data.pkl")
                          else data)
    return path


@pytest.mark.parametrize("name, change", [
    ("storage.pt", lambda data, J: data.replace(b"K\x04t", J(10**9) + b"t")),  # 10**9 elements stored
    ("shape.pt", lambda data, J: data.replace(b"K\x02K\x02\x86", J(100_000) + J(100_000) + b"\x86")),  # 10**10 shape
])
def test_tensors_declaring_an_absurd_size_are_refused_without_allocating(tmp_path, name, change):
    path = _declaring(tmp_path, name, change)
    assert path.read_bytes() != (tmp_path / "source.pt").read_bytes()
    with pytest.raises(CheckpointError, match=rf"{name}: not a readable weights file \(it may be truncated or damaged"):
        checkpoints.load(path)
