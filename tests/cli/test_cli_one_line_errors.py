"""Every failure of the command line is one ``error: …`` line and exit code 2 (Ctrl+C: 130), never a traceback.

The cases are the fault audit's (issue 17): crafted data files, pictures, weights with
out-of-range numbers, FIFOs, checkpoints with ill-typed metadata, options argparse
misread, an unexpected exception, and Ctrl+C while torch is still being imported.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from numpy.lib import format as npy_format

from explorer.cli import main
from explorer.core import checkpoints, paths
from explorer.core.kuzushiji import dataset, nets
from explorer.core.mlp import analysis
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.weights_io import save_json, to_python_block
from tests.core.kuzushiji.image_files import huge_png_header, png_with_broken_idat

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "resources" / "weights" / "anb2n_srn2.pt"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    before = torch.get_num_threads()
    yield tmp_path / "data"
    torch.set_num_threads(before)


def one_error_line(capsys, argv: list[str]) -> str:
    """Run the command in-process; assert exit 2 and exactly one ``error:`` line; return it."""
    code = main(argv)
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "Warning" not in err
    return lines[0]


def _npz_folder(tmp_path, first: bytes) -> Path:
    """A KMNIST .npz folder whose training images file holds ``first`` (the others are good)."""
    folder = tmp_path / "kmnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    good = (rng.integers(0, 255, (20, 28, 28), dtype=np.uint8), np.arange(20) % 10) * 2
    for name, array in zip(dataset.FILES["npz"], good, strict=True):
        np.savez(folder / name, arr_0=array)
    (folder / dataset.FILES["npz"][0]).write_bytes(first)
    return folder


def _npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _huge_npz() -> bytes:
    member = io.BytesIO()
    npy_format.write_array_header_1_0(member, {"descr": "|u1", "fortran_order": False, "shape": (10**11, 28, 28)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("arr_0.npy", member.getvalue())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (_npy_bytes(np.zeros((2, 28, 28), np.uint8)), "a single NumPy array (.npy) with a .npz name"),
        (_huge_npz(), "declares an array of 100,000,000,000×28×28 values"),
        (pickle.dumps(np.zeros(3)), "a Python pickle, not a .npz archive; the app never loads pickles"),
    ],
    ids=["npy-renamed-npz", "header-1e11-images", "raw-pickle"],
)
def test_crafted_npz_files_in_an_import(tmp_path, capsys, content, expected):
    line = one_error_line(capsys, ["kuzushiji", "data", "--import", str(_npz_folder(tmp_path, content))])
    assert expected in line and "allow_pickle" not in line
    assert not dataset.store_path().exists()  # nothing stored


@pytest.mark.parametrize("make", [png_with_broken_idat, lambda folder: huge_png_header(folder, 12_000, 12_000)],
                         ids=["broken-idat", "144-megapixels"])
def test_bad_pictures_to_classify(tmp_path, capsys, make):
    weights = tmp_path / "lin.pt"
    checkpoints.save(weights, nets.create("lin", seed=0).state_dict(), experiment="kuzushiji",
                     architecture=nets.display_name("lin"))
    picture = make(tmp_path)
    line = one_error_line(capsys, ["kuzushiji", "classify", str(picture), "--weights", str(weights)])
    assert line.startswith(f"error: {picture.name}: ")


def test_mlp_weights_with_a_401_digit_integer_a_boolean_or_a_python_block(tmp_path, capsys):
    path = save_json(reference_step_network(), tmp_path / "w.json", "step")
    values = json.loads(path.read_text())
    values["in_hid_weight"][0][0] = "HUGE"
    path.write_text(json.dumps(values).replace('"HUGE"', "9" * 401))
    assert one_error_line(capsys, ["mlp", "evaluate", "--weights", str(path)]) == (
        "error: w.json: in_hid_weight[0][0] is out of range (a whole number of 401 digits)"
    )
    values["in_hid_weight"][0][0], values["out_bias"] = 1.0, [True]
    path.write_text(json.dumps(values))
    assert one_error_line(capsys, ["mlp", "evaluate", "--weights", str(path)]) == (
        "error: w.json: out_bias[0] is true, not a number"
    )
    block = tmp_path / "w.py"
    block.write_text(to_python_block(reference_step_network()).replace("[-0.5]", f"[{'9' * 5000}]"))
    line = one_error_line(capsys, ["mlp", "evaluate", "--weights", str(block)])
    assert line.startswith("error: w.py: a number on line 4 is out of range") and "set_int_max_str_digits" not in line


@pytest.mark.parametrize("option", ["--weights", "--data"])
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path, option):
    fifo = tmp_path / ("pipe.json" if option == "--weights" else "pipe.csv")
    os.mkfifo(fifo)
    argv = ["mlp", "evaluate", option, str(fifo)] + (["--reference"] if option == "--data" else [])
    # A second process: if the FIFO were opened, it would wait for a writer for ever (the timeout fails the test).
    done = subprocess.run([sys.executable, "-m", "explorer", *argv], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, paths.DATA_DIR_ENV: str(tmp_path / "data")})
    assert done.returncode == 2
    assert done.stderr == f"error: {fifo}: a named pipe (FIFO), not a regular {'weights' if option == '--weights' else 'CSV'} file\n"


def test_a_negative_number_in_exponent_form_is_a_value_not_an_option(capsys):
    assert one_error_line(capsys, ["mlp", "evaluate", "--reference", "--scale", "-1e7"]) == (
        "error: --scale must be between -1e+06 and 1e+06 (got -1e+07)"
    )
    assert main(["mlp", "evaluate", "--reference", "--scale", "-2.5e0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scale"] == -2.5


@pytest.mark.parametrize("command", ["evaluate", "trace", "fsm"])
def test_recurrent_hidden_zero_is_refused_naming_the_option(capsys, command):
    argv = ["recurrent", command, "--weights", str(SHIPPED), "--hidden", "0"]
    argv += ["--string", "AABBBBA"] if command == "trace" else []
    assert one_error_line(capsys, argv) == "error: --hidden must be between 1 and 32 (got 0)"


def _checkpoint(tmp_path, name: str, change) -> Path:
    raw = torch.load(SHIPPED, weights_only=True)
    change(raw)
    path = tmp_path / name
    torch.save(raw, path)
    return path


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw["meta"]["hyperparameters"].update(L="abc"),
        lambda raw: raw["meta"]["hyperparameters"].update(L=[4]),
        lambda raw: raw["meta"].update(created=5),
        lambda raw: raw["meta"].update(architecture=["SRN-2 on anb2n"]),
        lambda raw: raw.pop("state_dict"),
        lambda raw: raw.update(state_dict=5),
    ],
    ids=["L-abc", "L-list", "created-5", "architecture-list", "no-state_dict", "state_dict-5"],
)
@pytest.mark.parametrize("command", ["evaluate", "trace", "fsm"])
def test_checkpoint_meta_of_the_wrong_type_is_one_line(tmp_path, capsys, change, command):
    path = _checkpoint(tmp_path, "anb2n_srn2_100.pt", change)
    argv = ["recurrent", command, "--weights", str(path)] + (["--string", "AABBBBA"] if command == "trace" else [])
    line = one_error_line(capsys, argv)
    assert "invalid literal" not in line and "anb2n_srn2_100.pt" in line


def test_an_unexpected_exception_is_one_line_and_its_traceback_is_in_the_log(capsys, monkeypatch, data_dir):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("float division by zero")

    # A fault inside the core (not in the command line under test): what a bug would look like.
    monkeypatch.setattr(analysis, "accuracy", broken)
    line = one_error_line(capsys, ["mlp", "evaluate", "--reference"])
    log_file = data_dir / "logs" / "explorer.log"
    assert line == f"error: unexpected ZeroDivisionError: float division by zero (details in {log_file})"
    logged = log_file.read_text()
    assert "Traceback" in logged and "ZeroDivisionError: float division by zero" in logged


def test_a_system_error_is_one_line_naming_the_file_and_exit_2(capsys, monkeypatch):
    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", "/media/usb/check.csv")

    monkeypatch.setattr(analysis, "accuracy", refused)  # exit 1 before issue 17
    assert one_error_line(capsys, ["mlp", "evaluate", "--reference"]) == "error: /media/usb/check.csv: Permission denied"


def _mapped(pid: int, library: str) -> bool:
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see torch being loaded")
@pytest.mark.parametrize("entry", [["-m", "explorer"], [str(REPO / "main.py"), "--cli"]], ids=["python-m", "main.py"])
def test_ctrl_c_while_torch_is_being_imported_is_one_line_and_exit_130(tmp_path, entry):
    env = {**os.environ, paths.DATA_DIR_ENV: str(tmp_path / "data")}
    for _attempt in range(3):  # a parent starved of CPU (a fresh machine, both cores busy) can miss the import
        child = subprocess.Popen([sys.executable, *entry, "recurrent", "evaluate", "--weights", str(SHIPPED)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
        try:
            deadline = time.monotonic() + 60
            # libtorch is mapped as soon as `import torch` starts loading it, seconds before the import ends.
            while not _mapped(child.pid, "libtorch") and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            caught = child.poll() is None
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
        if caught:
            break
    assert caught, "the command ended before this test saw torch being loaded, three times"
    assert (child.returncode, err) == (130, "error: interrupted\n"), err


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_checkpoint_readers_name_a_fifo_or_folder_for_what_it_is(tmp_path, capsys, kind):
    path = tmp_path / "anb2n_srn2_100.pt"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    what = "a named pipe (FIFO)" if kind == "fifo" else "a folder"
    assert one_error_line(capsys, ["recurrent", "evaluate", "--weights", str(path)]) == (
        f"error: {path}: {what}, not a regular weights file"
    )


def test_library_warnings_do_not_reach_stderr(tmp_path, capsys):
    # torch warns about a checkpoint pickled with protocol 4 before refusing it: only the error line shows.
    raw = torch.load(SHIPPED, weights_only=True)
    path = tmp_path / "anb2n_srn2_100.pt"
    torch.save(raw, path, pickle_protocol=4)
    line = one_error_line(capsys, ["recurrent", "evaluate", "--weights", str(path)])
    assert line.startswith("error: anb2n_srn2_100.pt: not a readable weights file")
