"""Whether a net just trained in the GUI may replace the stored one.

The CLI keeps a better stored net unless ``--force``; the GUI asks. A run
that diverged (``TrainingDiverged``: the engine put back the last finite
weights) or just ended worse, e.g. Adam at lr 1.0 taking NetConv from
87.5 % to 9.8 %, must not silently overwrite the good checkpoint.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.folder_data import FOLDER_KEY, stored_preparation
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.kuzushiji.results import NetResult
from explorer.core.kuzushiji.work import load_drawing, save_drawing
from explorer.core.work_store import WorkStore
from explorer.qt.messages import show_error
from explorer.qt.tab import ExperimentTab


def may_replace(parent: QWidget, model: KuzushijiModel, name: str, accuracy: float, why: str = "") -> bool:
    """``True`` if the run's net (``accuracy`` %) may replace the stored one; asks when that is better.

    ``why`` is said first (e.g. the divergence message).
    """
    stored = model.stored_accuracy(name)
    if stored is None or stored <= accuracy:
        return True
    display = nets.display_name(name)
    text = (f"{why}\n\n" if why else "") + (
        f"The stored {display} reaches {stored:.2f} % test accuracy; this run's reaches {accuracy:.2f} %.\n\n"
        f"Replace the stored {display} with this run's weights?"
    )
    answer = QMessageBox.question(
        parent, f"Keep the better {display}?", text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def run_extra(model: KuzushijiModel) -> dict[str, str] | None:
    """What a net trained on the data in use keeps in its checkpoint's ``extra``, as ``kuzushiji train`` does:
    a folder net the preparation of the stored folder it was trained on (a "resize" net reads the Draw
    page's canvas shrunk whole); ``None`` for the other data sets."""
    if model.dataset != FOLDER_KEY:
        return None
    preparation = stored_preparation(model.description.class_names)
    return None if preparation is None else {"preparation": preparation}


def keep_run(tab: ExperimentTab, model: KuzushijiModel, store: WorkStore, history: list, seconds: float,
             stopped: bool, why: str = "") -> NetResult | None:
    """The net a run leaves, kept in ``model`` and saved as the net's latest; ``None`` when nothing is kept.

    :meth:`KuzushijiModel.keep_run` decides and writes; here the user is asked before a better stored
    net is replaced, told when the checkpoint could not be written, and the status bar says
    ``model.run_note``.
    """
    kept, error = model.keep_run(history, seconds, stopped, why, store,
                                 lambda name, accuracy, why: may_replace(tab, model, name, accuracy, why),
                                 run_extra(model))
    if error:
        display = nets.display_name(model.run_config.net)
        show_error(tab, "Could not save the trained weights",
                   f"{error}\n\nThe trained {display} stays in this tab until the app closes; "
                   "File → Save weights can write it to another folder.")
    tab.status_message.emit(model.run_note)
    return kept


def keep_drawing(tab: ExperimentTab, store: WorkStore, panel) -> None:
    """The Draw page's canvas comes back as it was left, and is kept after each change (issue 19 item 10).

    Restored without an undo step (the canvas shows the last session's drawing, flattened into
    its 280×280 picture); kept after each stroke, clear, undo or picture put on it, never mid-stroke.
    """
    from explorer.qt.kuzushiji.drawing_canvas import CanvasState

    canvas = panel.canvas
    try:
        kept = load_drawing(store)
    except UserError as exc:  # a name in work.json that is no plain file name of the store: nothing touched
        kept = None
        tab.status_message.emit(f"The kept drawing was not restored: {exc}")
    if kept is not None and canvas.is_empty():
        canvas._set_state(CanvasState((), kept))
    tab.report_problems(store)

    def changed() -> None:
        if not canvas.is_drawing():
            tab.keep("the drawing", save_drawing, store, None if canvas.is_empty() else canvas.image())

    canvas.changed.connect(changed)
