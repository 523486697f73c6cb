"""What the recurrent tab shows: the net and its description, undo steps, shipped weights."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch

from explorer.core import checkpoints, paths
from explorer.core.errors import UserError
from explorer.core.recurrent.languages import Language, get_language
from explorer.core.recurrent.models import RecurrentNet, make_model
from explorer.core.recurrent.weights import load_net, parse_course_filename, save_net


@dataclass(frozen=True)
class NetState:
    """The net on display and what it is (an undo step restores one)."""

    model: RecurrentNet
    language: Language
    L: int
    label: str
    hyperparameters: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def hidden(self) -> int:
        return self.model.num_hid

    @property
    def stem(self) -> str:
        """``anb2n_srn2``: the start of the course's file names."""
        return f"{self.language.name}_{self.kind}{self.hidden}"


@contextmanager
def one_thread():
    """Run the GUI thread's tiny tensor work on one thread.

    These nets have a few units: thread hand-offs cost far more than the
    arithmetic (100× slower on a busy 2-core machine). torch's OpenMP thread
    count is per calling thread, so a training worker keeps its own setting.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def shipped_weights(lang: str, model: str, hidden: int) -> Path | None:
    """The pretrained net shipped in ``resources/weights`` for this case, if there is one."""
    path = paths.resource(f"weights/{lang}_{model}{hidden}.pt")
    return path if path.exists() else None


def untrained_state(lang: str, model: str, hidden: int, L: int = 4, seed: int = 0) -> NetState:
    """Fresh random weights, clearly labelled as untrained."""
    language = get_language(lang)
    torch.manual_seed(seed)
    net = make_model(model, language.size, hidden, 0.3 if model == "srn" else None)
    return NetState(net, language, L, "untrained: random weights")


def shipped_state(lang: str, model: str, hidden: int, L: int = 4) -> NetState:
    """The shipped pretrained net, or an untrained one if none is shipped for this case."""
    path = shipped_weights(lang, model, hidden)
    if path is None:
        return untrained_state(lang, model, hidden, L)
    try:
        loaded = load_net(path)
    except UserError as exc:  # a damaged install must not stop the app from starting
        state = untrained_state(lang, model, hidden, L)
        return NetState(state.model, state.language, L, f"untrained: the shipped weights could not be read ({exc})")
    return NetState(loaded.model, loaded.language, loaded.L, "pretrained (shipped with the app)",
                    loaded.hyperparameters or {})


def open_state(path: Path, lang: str, model: str) -> NetState:
    """An app checkpoint or a course ``.pth``: language and model from its name, else ``lang`` and ``model``."""
    path = Path(path)
    try:
        loaded = load_net(path)
    except UserError as first:
        if "file name" not in str(first):
            raise
        try:
            loaded = load_net(path, lang=lang, model=model)
        except UserError as second:
            raise UserError(f"{path.name} has no course name (like anb2n_srn2_100.pth) to say which net it"
                            f" holds; tried as the chosen {model.upper()} on {lang}: {second}") from second
    return NetState(loaded.model, loaded.language, loaded.L, f"from {path.name}", loaded.hyperparameters or {})


def save_state(path: Path, state: NetState) -> str | None:
    """``.pth``: the course's bare state dict; anything else: the app's checkpoint (``.pt``).

    Returns a note for the user when the file name will not tell later readers which net it holds.
    """
    path = Path(path)
    if path.suffix.lower() != ".pth":
        save_net(path if path.suffix.lower() == ".pt" else path.with_suffix(".pt"), state.model,
                 state.language.name, hyperparameters={**state.hyperparameters, "L": state.L})
        return None
    checkpoints.save_state_dict(path, state.model.state_dict())
    try:
        parse_course_filename(path)
    except UserError:
        return (f"Saved {path.name}; a course name such as {state.stem}_100.pth lets the app and the course"
                " scripts tell which net it holds")
    return None
