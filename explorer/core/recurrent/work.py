"""The recurrent tab's work in the store: the chosen language, model and size, and every net trained.

Each trained (or opened) net is kept per (language, model, hidden) as
``<lang>_<model><hid>.pt`` (an app checkpoint, :func:`save_net`), so
switching to another language and back, or restarting, brings it back.
"""

from __future__ import annotations

from explorer.core.errors import UserError
from explorer.core.recurrent.weights import NetState, load_net, save_net
from explorer.core.work_store import META, WorkStore, file_name


def save_net_state(store: WorkStore, state: NetState, nets: dict[str, NetState]) -> None:
    """Write ``state``'s weights, then the list of kept nets (``nets``, stem → state, ``state`` among them)."""
    target = file_name(state.stem, ".pt")
    save_net(store.folder / target, state.model, state.language.name,
             hyperparameters={**state.hyperparameters, "L": state.L})
    work = store.load()
    kept = work.get("nets", {}) if isinstance(work.get("nets"), dict) else {}
    kept[state.stem] = {"file": target, "label": state.label}
    work["nets"] = {stem: entry for stem, entry in kept.items() if stem in nets}
    store.save(work)


def save_choice(store: WorkStore, lang: str, model: str, hidden: int, L: int) -> None:
    """Remember the net on display (by language, model and size) and L."""
    work = store.load()
    work["choice"] = {"lang": lang, "model": model, "hidden": hidden, "L": L}
    store.save(work)


def load_work(store: WorkStore) -> tuple[tuple[str, str, int, int] | None, dict[str, NetState]]:
    """The kept choice ``(lang, model, hidden, L)`` (or ``None``) and the kept nets by stem.

    A damaged metadata file or weights file is set aside (see :class:`WorkStore`).
    """
    work = store.load()
    choice = None
    try:
        c = work.get("choice")
        if c is not None:
            choice = (str(c["lang"]), str(c["model"]), int(c["hidden"]), int(c["L"]))
        entries = dict(work.get("nets", {}))
    except (KeyError, TypeError, ValueError) as exc:
        store.set_aside(store.folder / META, exc)
        return None, {}
    nets = {}
    for stem, entry in entries.items():
        path = store.folder / str(entry.get("file", ""))
        if not path.is_file():
            continue
        try:
            loaded = load_net(path)
        except UserError as exc:
            store.set_aside(path, exc)
            continue
        hp = dict(loaded.hyperparameters or {})
        nets[stem] = NetState(loaded.model, loaded.language, loaded.L, str(entry.get("label", "kept")), hp)
    return choice, nets
