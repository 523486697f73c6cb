"""The audit's nine work-store and checkpoint shapes that stopped the start (issue 17, item 4).

Each test writes the crafted file into a fresh data folder (``EXPLORER_DATA_DIR``),
builds the real main window with its three real tabs, and checks what the user
sees: the window opens, one message names the problem, and the damaged file is
set aside (or, for a stored checkpoint, left for the next training to replace).
"""

from __future__ import annotations

import json

import pytest
import torch
from PySide6.QtWidgets import QMessageBox

from explorer.core import checkpoints
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.datasets import KMNIST
from explorer.core.recurrent.kinds import kinds_text
from explorer.qt.main_window import MainWindow

CHOICE = {"lang": "anb2n", "model": "srn", "hidden": 2, "L": 4}


def _write_work(data_dir, experiment, work):
    folder = data_dir / "work" / experiment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "work.json").write_text(json.dumps({"format": 1, "experiment": experiment, "work": work}))
    return folder


def _stored_lin_with_meta(**changes):
    path = trained.checkpoint_path(KMNIST, "lin")
    checkpoints.save(path, nets.create("lin").state_dict(), experiment="kuzushiji", architecture="NetLin",
                     hyperparameters={"lr": 0.1}, extra={"accuracy": 50.0, "test_loss": 1.0})
    raw = torch.load(path, weights_only=True)
    raw["meta"].update(changes)
    torch.save(raw, path)
    return path


def _open_window(qtbot, tab: str = "kuzushiji") -> tuple[MainWindow, str]:
    """The real window, shown with ``tab`` visited (a tab reads its saved work when first built);
    and the text of the message about saved work."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.tab(tab))

    def boxes():
        return [b for b in window.findChildren(QMessageBox)
                if b.objectName() == "errorBox" and b.windowTitle() == "Some saved work could not be restored"]

    qtbot.waitUntil(lambda: bool(boxes()))
    assert window.isVisible() and window.tabs.count() == 3
    return window, "\n".join(b.text() for b in boxes())


RECURRENT_SHAPES = {
    "choice.lang bogus": ({"choice": {**CHOICE, "lang": "bogus"}}, "unknown language 'bogus'"),
    "choice.hidden 100000": ({"choice": {**CHOICE, "hidden": 100000}},
                             "'choice.hidden' (hidden units) must be between 1 and 32 (got 100,000)"),
    # The audit's "gru" became a real model kind (issue 22); a kind the app does not know stands in for it.
    "choice.model unknown": ({"choice": {**CHOICE, "model": "tcn"}}, f"'choice.model' should be {kinds_text()},"
                                                                     " not 'tcn'"),
    "a nets entry that is text": ({"nets": {"anb2n_srn2": "anb2n_srn2.pt"}},
                                  "the kept net 'anb2n_srn2' should be a table of file and label, not text"),
    "choice.L [4]": ({"choice": {**CHOICE, "L": [4]}}, "'choice.L' (the length L, largest n in training) must be a whole"
                                                        " number (got [4])"),
}


@pytest.mark.parametrize("shape", list(RECURRENT_SHAPES))
def test_the_window_opens_with_a_crafted_recurrent_store(shape, user_data_dir, qtbot):
    work, problem = RECURRENT_SHAPES[shape]
    folder = _write_work(user_data_dir, "recurrent", work)
    window, message = _open_window(qtbot, "recurrent")
    assert problem in message and "work.json.damaged" in message
    assert (folder / "work.json.damaged").is_file()
    tab = window.tab("recurrent")
    assert (tab.state.language.name, tab.state.kind, tab.state.hidden) == ("anb2n", "srn", 2)  # the default net
    window.close()


def test_the_window_opens_when_work_is_a_list(user_data_dir, qtbot):
    folder = _write_work(user_data_dir, "mlp", [1, 2, 3])
    window, message = _open_window(qtbot, "mlp")
    assert "Saved mlp work work.json could not be read (its 'work' should be a table of named entries, not a list)" in message
    assert (folder / "work.json.damaged").is_file()
    window.close()


@pytest.mark.parametrize("histories, problem", [
    ([{"file": "lin_epochs.npz"}], "'histories' should be a table of nets, not a list"),
    ({"lin": {"file": "lin_epochs.npz", "epochs": [{"epoch": 1, "accuracy": 50.0}]}},
     "the history of 'lin': epoch 1's 'train_loss' is missing"),
], ids=["histories a list", "an epoch missing keys"])
def test_the_window_opens_with_crafted_kuzushiji_histories(histories, problem, user_data_dir, qtbot):
    folder = _write_work(user_data_dir, "kuzushiji", {"histories": histories})
    window, message = _open_window(qtbot)
    assert f"Saved kuzushiji work work.json could not be read ({problem})" in message
    assert (folder / "work.json.damaged").is_file()
    window.close()


@pytest.mark.parametrize("meta, problem", [
    ({"created": 5}, "kuzushiji_lin.pt: meta field 'created' should be text, not a number"),
    ({"hyperparameters": [1, 2]}, "kuzushiji_lin.pt: meta field 'hyperparameters' should be a table of named values,"
                                  " not a list"),
], ids=["created 5", "hyperparameters a list"])
def test_the_window_opens_with_a_crafted_stored_checkpoint(meta, problem, user_data_dir, qtbot):
    path = _stored_lin_with_meta(**meta)
    window, message = _open_window(qtbot)
    assert "The last trained NetLin (kuzushiji_lin.pt) could not be read" in message and problem in message
    assert "lin" not in window.tab("kuzushiji").results  # started without it
    assert path.is_file()  # the next training replaces it, as on the command line
    window.close()


@pytest.mark.parametrize("L, problem", [(10**9, "must be between 1 and 20 (got 1,000,000,000)"),
                                        ([4], "must be a whole number (got [4])")])
def test_opening_a_recurrent_checkpoint_with_an_absurd_L_is_refused_in_a_box(L, problem, tmp_path, qtbot):
    """Item 5: File → Open weights with ``hyperparameters.L = 10**9`` grew the window to 24 GB."""
    from explorer.core.recurrent.languages import get_language
    from explorer.core.recurrent.models import make_model
    from explorer.core.recurrent.weights import save_net

    path = tmp_path / "anb2n_srn2.pt"
    save_net(path, make_model("srn", get_language("anb2n").size, 2), "anb2n", hyperparameters={"L": L})
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("recurrent")
    window.tabs.setCurrentWidget(tab)
    before = tab.state
    assert not window._run_file_action("Could not open the weights", tab.open_weights, path)
    box = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"][-1]
    assert box.text() == ("anb2n_srn2.pt: meta field 'hyperparameters.L' (the length L, largest n in training) "
                          + problem)
    assert tab.state is before
    window.close()


@pytest.mark.parametrize("change, problem", [
    (lambda raw: raw["meta"].update(created=5), "meta field 'created' should be text, not a number"),
    (lambda raw: raw["meta"].update(architecture=["NetLin"]), "meta field 'architecture' should be text, not a list"),
    (lambda raw: raw.pop("state_dict"), "not a weights file (it has no state_dict)"),
    (lambda raw: raw.update(state_dict=5), "not a weights file (its state_dict should be a table of tensors, not a number)"),
], ids=["created 5", "architecture a list", "state_dict missing", "state_dict 5"])
def test_opening_a_checkpoint_with_ill_typed_meta_says_which_field(change, problem, tmp_path, qtbot):
    """Item 6: these gave 'Something went wrong … eventFilter' up to five times; now one box names the field."""
    path = tmp_path / "netlin.pt"
    checkpoints.save(path, nets.create("lin").state_dict(), experiment="kuzushiji", architecture="NetLin")
    raw = torch.load(path, weights_only=True)
    change(raw)
    torch.save(raw, path)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("kuzushiji")
    assert not window._run_file_action("Could not open the weights", tab.open_weights, path)
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert [b.text() for b in boxes] == [f"netlin.pt: {problem}"]
    assert "lin" not in tab.results
    window.close()
