"""Whether a net just trained in the GUI may replace the stored one.

The CLI keeps a better stored net unless ``--force``; the GUI asks. A run
that diverged (``TrainingDiverged``: the engine put back the last finite
weights) or just ended worse, e.g. Adam at lr 1.0 taking NetConv from
87.5 % to 9.8 %, must not silently overwrite the good checkpoint.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from explorer.core.errors import UserError
from explorer.core.kuzushiji import evaluation as kmnist_eval
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.results import result_of_run
from explorer.core.kuzushiji.work import load_drawing, save_drawing, save_history
from explorer.qt.messages import show_error

log = logging.getLogger(__name__)


def stored_accuracy(name: str) -> float | None:
    """The test accuracy saved with net ``name``'s stored checkpoint (``None``: none, or unreadable)."""
    return kmnist_eval.stored_accuracy(name, lambda path, exc: log.warning("could not read %s: %s", path, exc))


def may_replace(parent: QWidget, name: str, accuracy: float, why: str = "") -> bool:
    """``True`` if the run's net (``accuracy`` %) may replace the stored one; asks when that is better.

    ``why`` is said first (e.g. the divergence message).
    """
    stored = stored_accuracy(name)
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


def keep_run(tab, config, history: list, seconds: float, stopped: bool, why: str = ""):
    """The net a run leaves, saved as the net's latest; ``None`` when nothing is kept.

    Nothing is kept for a run stopped before its first epoch, or when the user
    keeps a better stored net. A checkpoint that cannot be written still
    leaves the net in the tab, with a message. ``tab._run_note`` and the status
    bar say what happened; ``why`` (a divergence message) is said first.
    """
    display = nets.display_name(config.net)
    if not history:
        tab._run_note = f"{display} stopped before its first epoch finished: nothing kept"
        tab.status_message.emit(tab._run_note)
        return None
    last = history[-1]
    if not may_replace(tab, config.net, last.accuracy, why):
        tab._run_note = (f"{display}: kept the stored net; this run ({last.accuracy:.2f} %) was not saved"
                         + (f" ({why})" if why else ""))
        tab.status_message.emit(tab._run_note)
        return None
    result = result_of_run(config, history, seconds, stopped)
    try:
        tab.work.check_writable()  # a second window on the data folder keeps nothing, weights included
        path = kmnist_eval.save_trained(result.model, config.net, result.config, last.evaluation, seconds)
        result.source = f"trained here, saved as {path.name}"
        save_history(tab.work, config.net, history)  # the epoch replay, back after a restart
    except (UserError, OSError) as exc:
        # The net stays in the tab (File → Save weights can still write it elsewhere).
        result.source = "trained here (not saved)"
        show_error(tab, "Could not save the trained weights",
                   f"{exc}\n\nThe trained {display} stays in this tab until the app closes; "
                   "File → Save weights can write it to another folder.")
    what = f"stopped; kept epoch {last.epoch}'s weights" if stopped else f"{last.epoch} epochs"
    if why:
        what = f"{why}; kept epoch {last.epoch}'s weights"
    tab._run_note = f"{display}: {what}, test accuracy {last.accuracy:.2f} %"
    tab.status_message.emit(tab._run_note)
    return result


def keep_drawing(tab, panel) -> None:
    """The Draw page's canvas comes back as it was left, and is kept after each change (issue 19 item 10).

    Restored without an undo step (the canvas shows the last session's drawing, flattened into
    its 280×280 picture); kept after each stroke, clear, undo or picture put on it, never mid-stroke.
    """
    from explorer.qt.kuzushiji.drawing_canvas import CanvasState

    canvas = panel.canvas
    try:
        kept = load_drawing(tab.work)
    except UserError as exc:  # a name in work.json that is no plain file name of the store: nothing touched
        kept = None
        tab.status_message.emit(f"The kept drawing was not restored: {exc}")
    if kept is not None and canvas.is_empty():
        canvas._set_state(CanvasState((), kept))
    tab.report_problems(tab.work)

    def changed() -> None:
        if not canvas.is_drawing():
            tab.keep("the drawing", save_drawing, tab.work, None if canvas.is_empty() else canvas.image())

    canvas.changed.connect(changed)
