"""What every experiment tab offers the main window.

The File menu acts on the current tab through these methods; a tab
overrides what it supports and says so with the ``supports_*`` flags (the
menu greys out the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from explorer.core.errors import UserError
from explorer.qt.messages import show_error
from explorer.qt.workers import shutdown_tasks


class ExperimentTab(QWidget):
    """Base class for the three experiment tabs."""

    #: Text on the tab.
    title = "Experiment"
    #: File-dialog filters for File → Open data / Open weights / Save weights.
    data_filter = "All files (*)"
    weights_filter = "Weights (*.pt *.pth)"
    save_weights_filter = "Weights (*.pt)"
    supports_data = False
    supports_weights = False

    #: A short text for the main window's status bar.
    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.device = "cpu"

    # File menu ----------------------------------------------------------
    def open_data(self, path: Path) -> None:
        raise NotImplementedError

    def open_weights(self, path: Path) -> None:
        raise NotImplementedError

    def save_weights(self, path: Path) -> None:
        raise NotImplementedError

    def figures(self) -> dict:
        """Exportable figures by name: a :class:`~explorer.qt.widgets.figure_export.Figure` or a widget each.

        The name becomes the default file name. File → Export figure… offers
        them; the first one is the default choice, so put the main view first.
        """
        return {}

    def has_figures(self) -> bool:
        """Whether :meth:`figures` has any (the window enables File → Export figure… by it at each tab change).

        A tab whose figures are drawn afresh from its model (hundreds of milliseconds) says so without
        drawing them."""
        return bool(self.figures())

    def export_all(self, folder: Path, formats=("png", "svg"), size=None) -> list[Path]:
        """Write the tab's standard figure set into ``folder`` (File → Export figures…, ``explorer export``).

        Course names where the course has them; every 2-D figure in each of
        ``formats``, 3-D views as PNG only; ``size`` is ``(width, height)`` in
        pixels or ``None`` for the report-sized default. Overrides keep these
        keyword arguments. Returns the paths written; a failed write raises
        :class:`UserError` and leaves no partial file.
        """
        from explorer.qt.widgets.figure_export import export_all

        return export_all(self.figures(), Path(folder), formats=formats, size=size)

    def report_sections(self) -> list:
        """This tab's part of the lab report (File → Export report…, ``explorer report``).

        A list of :class:`explorer.core.report.ReportSection` (settings, seed,
        tables with the numbers the tab shows, figures made with
        :func:`explorer.qt.widgets.report_figures.report_figure`); empty when
        the tab has nothing to report yet.
        """
        return []

    def report_problems(self, store) -> None:
        """Tell the user, once the window is up, which saved work was damaged and set aside."""
        if store.problems:
            text = "\n\n".join(store.problems)
            store.problems.clear()
            QTimer.singleShot(0, lambda: show_error(self, "Some saved work could not be restored", text))

    def keep(self, what: str, save, *args) -> None:
        """Call ``save(*args)`` to keep work; a failure (full disk…) is said in the status bar, not raised.

        The work is still on screen, so a failed save must not interrupt the user.
        """
        try:
            save(*args)
        except UserError as exc:
            self.status_message.emit(f"Could not keep {what}: {exc}")

    # App-wide settings --------------------------------------------------
    def set_device(self, device: str) -> None:
        self.device = device

    # Life cycle ----------------------------------------------------------
    def shutdown(self) -> bool:
        """Cancel and join this tab's background tasks (called on close)."""
        return shutdown_tasks(self)


class PlaceholderTab(ExperimentTab):
    """A clearly marked stand-in for a tab whose issue has not landed yet."""

    def __init__(self, title: str, what: str, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QVBoxLayout

        self.title = title
        label = QLabel(f"<h2>{title}</h2><p><b>Not built yet.</b></p><p>{what}</p>")
        label.setObjectName("placeholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)


@dataclass(frozen=True)
class TabSlot:
    """A tab the window lists at once and builds on first visit (its module may import torch).

    ``key`` is the experiment's name (``mlp``, ``kuzushiji``, ``recurrent``),
    ``title`` the text on its tab, ``build`` makes the tab and ``preload`` names
    the Qt-free modules it needs, which may be imported on a background thread
    before the tab is built.
    """

    key: str
    title: str
    build: Callable[[], ExperimentTab]
    preload: tuple[str, ...] = ()


class PendingTab(PlaceholderTab):
    """Where a tab will be, until it is visited: says that it is being built."""

    def __init__(self, slot: TabSlot, parent: QWidget | None = None):
        super().__init__(slot.title, "Building this tab…", parent)
        self.slot = slot
        self.setObjectName(f"pendingTab_{slot.key}")


def run_alone(tab_class: type[ExperimentTab], width: int, height: int) -> None:
    """Show one tab in a window of its own (``python -m explorer.qt.<experiment>.tab``) for a quick look."""
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    tab = tab_class()
    tab.resize(width, height)
    tab.show()
    sys.exit(app.exec())
