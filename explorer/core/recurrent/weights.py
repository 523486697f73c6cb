"""Reading and writing recurrent nets: course ``.pth`` state dicts and the app's checkpoints.

Course files are named ``<lang>_<model><hid>_<thousands>.pth`` (e.g.
``anb2nc3n_lstm3_100.pth``) and hold the bare state dict with the course's
parameter names; the language, model and size come from the name unless given.

:class:`NetState` is a net together with what it is (language, L, a label,
its training settings): what the GUI shows and an undo step restores, built
from the shipped weights, fresh random weights or a file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from explorer.core import checkpoints
from explorer.core.bounds import check_int
from explorer.core.errors import UserError
from explorer.core.paths import resource
from explorer.core.recurrent.languages import MAX_LENGTH, Language, get_language
from explorer.core.recurrent.models import MODEL_KINDS, RecurrentNet, make_model

EXPERIMENT = "recurrent"
_KINDS = "|".join(MODEL_KINDS)
_COURSE_NAME = re.compile(
    rf"(?P<lang>anb\d*n(?:c\d*n)?|dyck1)_(?P<model>{_KINDS})(?P<hid>\d+)(?:_(?P<k>\d+))?"
)
_ARCH = re.compile(rf"(?P<model>{_KINDS.upper()})-(?P<hid>\d+) on (?P<lang>\S+)")


def check_length(value: object, where: str = "L") -> int:
    """``value`` if it is a length L (largest n in training) the app can use: a whole number 1..MAX_LENGTH.

    The one check for an L from a file (a checkpoint's ``hyperparameters.L``,
    the work store's choice) and from a person (``--length``, the L box):
    every string up to L is built at once, so L = 10**9 would fill the memory.
    """
    return check_int(f"{where} (the length L, largest n in training)", value, 1, MAX_LENGTH)


def parse_course_filename(name: str | os.PathLike) -> tuple[str, str, int, int | None]:
    """``"anb2nc3n_lstm3_100.pth"`` → ``("anb2nc3n", "lstm", 3, 100)``; the thousands may be absent."""
    stem = Path(name).stem
    match = _COURSE_NAME.fullmatch(stem)
    if not match:
        raise UserError(
            f"cannot tell the language and model from the file name '{Path(name).name}'"
            " (expected e.g. anb2n_srn2_100.pth, or give --lang, --model and --hidden)"
        )
    k = match.group("k")
    return match.group("lang"), match.group("model"), int(match.group("hid")), int(k) if k else None


def course_filename(lang: str, model: str, hidden: int, thousands: int) -> str:
    """The course's name for a saved net, e.g. ``anb2n_srn2_100.pth``."""
    return f"{lang}_{model}{hidden}_{thousands}.pth"


def architecture(lang: str, model: str, hidden: int) -> str:
    """The checkpoint label, e.g. ``"LSTM-3 on anb2nc3n"``."""
    return f"{model.upper()}-{hidden} on {lang}"


@dataclass
class LoadedNet:
    """A net read from a file and what it was trained on."""

    model: RecurrentNet
    language: Language
    kind: str
    hidden: int
    L: int = 4
    hyperparameters: dict | None = None


def load_net(
    path: str | os.PathLike,
    lang: str | None = None,
    model: str | None = None,
    hidden: int | None = None,
) -> LoadedNet:
    """Load an app checkpoint or a course ``.pth``; mismatching shapes are refused with a clear message."""
    ckpt = checkpoints.load(path)
    if ckpt.experiment and ckpt.experiment != EXPERIMENT:
        raise UserError(f"{Path(path).name} holds weights for {ckpt.label}, not a recurrent net")
    found = _ARCH.fullmatch(ckpt.architecture) if ckpt.architecture else None
    if found:
        guess = (found.group("lang"), found.group("model").lower(), int(found.group("hid")))
    elif lang and model:
        guess = (lang, model, hidden or _hidden_from(ckpt.state_dict, model))
    else:
        name_lang, name_model, name_hid, _ = parse_course_filename(path)
        guess = (name_lang, name_model, name_hid)
    lang_name, kind, hid = lang or guess[0], model or guess[1], hidden or guess[2]
    language = get_language(lang_name)
    net = make_model(kind, language.size, hid)
    checkpoints.check_shapes(
        ckpt, net, f"{architecture(lang_name, kind, hid)} (parameters {_names(net)})"
    )
    net.load_state_dict({k: v.float() for k, v in ckpt.state_dict.items()})
    net.eval()
    hp = ckpt.hyperparameters or {}
    L = check_length(hp.get("L", 4), f"{Path(path).name}: meta field 'hyperparameters.L'")
    return LoadedNet(net, language, kind, hid, L, hp)


def save_net(
    path: str | os.PathLike,
    model: RecurrentNet,
    lang: str,
    hyperparameters: dict | None = None,
    extra: dict | None = None,
) -> Path:
    """Save in the app's format with metadata (experiment ``recurrent``, architecture ``LSTM-3 on anb2nc3n``)."""
    return checkpoints.save(
        path,
        model.state_dict(),
        experiment=EXPERIMENT,
        architecture=architecture(get_language(lang).name, model.kind, model.num_hid),
        hyperparameters=hyperparameters,
        extra=extra,
    )


def export_course(
    folder: str | os.PathLike, model: RecurrentNet, lang: str, thousands: int
) -> Path:
    """Write a bare course state dict named ``<lang>_<model><hid>_<thousands>.pth`` into ``folder``."""
    name = course_filename(get_language(lang).name, model.kind, model.num_hid, thousands)
    return checkpoints.save_state_dict(Path(folder) / name, model.state_dict())


def _hidden_from(state: dict, model: str) -> int:
    if "V" not in state:
        raise UserError("these weights have no output matrix V: not a course SRN/LSTM state dict")
    return int(state["V"].shape[0])


def _names(net) -> str:
    return ", ".join(net.state_dict())


PRETRAINED = (
    ("anb2n", "srn", 2),
    ("anb2n", "gru", 2),
    ("anb2n", "lstm", 2),
    ("anb2nc3n", "gru", 3),
    ("anb2nc3n", "lstm", 3),
    ("anb2nc3n", "srn", 4),
)
"""The nets shipped in ``resources/weights/`` (trained by ``scripts/train_pretrained_recurrent.py``)."""


def pretrained_path(lang: str, model: str, hidden: int) -> Path:
    """Where the shipped net ``<lang>_<model><hid>.pt`` lives (it may be missing for other sizes)."""
    return resource(f"weights/{lang}_{model}{hidden}.pt")


def load_pretrained(lang: str, model: str, hidden: int) -> LoadedNet:
    """The shipped net for this language, model and size; a missing one is refused with a message."""
    path = pretrained_path(lang, model, hidden)
    if not path.is_file():
        raise UserError(
            f"no pretrained {architecture(lang, model, hidden)} is shipped (have: "
            + ", ".join(architecture(*p) for p in PRETRAINED)
            + ")"
        )
    return load_net(path)


# --- the net a view shows ----------------------------------------------------------------------

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


def shipped_weights(lang: str, model: str, hidden: int) -> Path | None:
    """The pretrained net shipped in ``resources/weights`` for this case, if there is one."""
    path = pretrained_path(lang, model, hidden)
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
