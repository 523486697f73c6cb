"""The main window: one tab per experiment, menus, status bar, settings."""

from __future__ import annotations

import dataclasses
import logging
import platform
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from explorer import __version__
from explorer.core import instance_lock, paths
from explorer.core.errors import UserError
from explorer.qt import help as guides
from explorer.qt.dialogs import choose_folder, open_file, remember_folder, save_file, start_folder
from explorer.qt.exports import export_tab, tab_slots, write_lab_report
from explorer.qt.menus import ActionsMenu, redo_shortcuts, shortcuts_markdown
from explorer.qt.messages import show_error
from explorer.qt.settings import app_settings
from explorer.qt.tab import ExperimentTab, PendingTab, TabSlot
from explorer.qt.widgets.export_dialog import open_export_dialog
from explorer.qt.widgets.figure_export import Figure
from explorer.qt.widgets.wheel_guard import install_wheel_guard

log = logging.getLogger(__name__)

FIRST_LAUNCH_SIZE = (1280, 860)  # a first launch's window, where the screen has room for it


def default_tabs() -> list[ExperimentTab | TabSlot]:
    """One tab per experiment of :mod:`explorer.core.experiments`, in its order, each built when first shown."""
    return tab_slots()


class MainWindow(QMainWindow):
    """Tabs, File/Edit/View/Help menus, a status bar and a compute-device choice.

    ``tabs`` are tabs or :class:`~explorer.qt.tab.TabSlot`\\ s (by default the
    three experiments, as slots): a slot's tab is built when it is first shown
    or asked for (:meth:`tab`), so the window opens with one tab built, not
    three. ``on_step`` hears what is being built (the getting-ready window shows it).
    """

    def __init__(self, tabs: list[ExperimentTab | TabSlot] | None = None, on_step=None):
        super().__init__()
        self.on_step = on_step
        self._device = "cpu"
        # Before the tabs: a second window on this data folder gets read-only work stores.
        self.read_only = instance_lock.claim_data_folder()
        self.setWindowTitle("Neural Dynamics Explorer" + (" (read-only: changes are not kept)" if self.read_only else ""))
        self.setObjectName("MainWindow")
        self.settings = app_settings()
        install_wheel_guard()  # before the tabs are shown: their controls get StrongFocus as they are polished
        self.help_dialog: guides.HelpDialog | None = None
        self.undo_group = QUndoGroup(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setObjectName("experimentTabs")
        for tab in tabs if tabs is not None else default_tabs():
            self.add_tab(tab)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self._build_status_bar()
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._restore_settings()
        self._on_tab_changed(self.tabs.currentIndex())

    # construction --------------------------------------------------------
    def add_tab(self, tab: ExperimentTab | TabSlot) -> None:
        if isinstance(tab, TabSlot):
            self.tabs.addTab(PendingTab(tab), tab.title)
            return
        self.tabs.addTab(tab, tab.title)
        self._adopt(tab)

    def _adopt(self, tab: ExperimentTab) -> None:
        self.undo_group.addStack(tab.undo_stack)
        tab.status_message.connect(self.show_status)
        tab.set_device(self._device)

    def tab(self, which: int | str) -> ExperimentTab:
        """The tab at index ``which`` or called ``which`` (``"mlp"``, ``"kuzushiji"``, ``"recurrent"``, or its
        title), built now if it was not yet; :class:`KeyError` if there is none."""
        index = which if isinstance(which, int) else self._index_of(which)
        if not 0 <= index < self.tabs.count():
            raise KeyError(which)
        widget = self.tabs.widget(index)
        return self._build(index) if isinstance(widget, PendingTab) else widget

    def _index_of(self, name: str) -> int:
        from explorer.qt.exports import tab_key

        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            key = widget.slot.key if isinstance(widget, PendingTab) else tab_key(widget)
            if name in (key, self.tabs.tabText(i)):
                return i
        return -1

    def all_tabs(self) -> list[ExperimentTab]:
        """Every tab, the ones not visited yet built now (the lab report covers them all)."""
        return [self.tab(i) for i in range(self.tabs.count())]

    def built_tabs(self) -> list[ExperimentTab]:
        """The tabs built so far (visited or asked for), in tab order."""
        widgets = [self.tabs.widget(i) for i in range(self.tabs.count())]
        return [w for w in widgets if not isinstance(w, PendingTab)]

    def _build(self, index: int) -> ExperimentTab:
        """Build the tab of a slot and put it in its place (the placeholder says so meanwhile)."""
        from PySide6.QtWidgets import QApplication

        pending = self.tabs.widget(index)
        slot = pending.slot
        log.info("building the %s tab", slot.title)
        if self.on_step is not None:
            self.on_step(f"building the {slot.title} tab…")
        if pending.isVisible():
            pending.repaint()  # "Building this tab…" on screen while it is built
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            tab = slot.build()
        finally:
            QApplication.restoreOverrideCursor()
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the same tab stays current: no change to announce
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, tab, slot.title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        pending.deleteLater()
        self._adopt(tab)
        return tab

    def _action(self, menu, text, slot, shortcut=None, tip=""):
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_data_action = self._action(
            file_menu, "Open &data…", self.open_data, QKeySequence.StandardKey.Open, "Load a data file into the current tab"
        )
        file_menu.addSeparator()
        self.open_weights_action = self._action(
            file_menu, "Open &weights…", self.open_weights, "Ctrl+Shift+O", "Load saved weights into the current tab"
        )
        self.save_weights_action = self._action(
            file_menu, "&Save weights…", self.save_weights, QKeySequence.StandardKey.Save, "Save the current network's weights"
        )
        file_menu.addSeparator()
        self.export_action = self._action(
            file_menu, "&Export figure…", self.export_one_figure, "Ctrl+E",
            "Save one figure of this tab as PNG, SVG or PDF at a chosen size"
        )
        self.export_all_action = self._action(
            file_menu, "Export &figures…", self.export_all_figures, "Ctrl+Shift+E",
            "Save this tab's standard figure set (PNG and SVG) into a folder"
        )
        self.export_report_action = self._action(
            file_menu, "Export &report…", self.export_report, "Ctrl+Shift+R",
            "Save one HTML lab report with every tab's results, figures and settings"
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "Quit the application")

        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts(redo_shortcuts())
        for action in (undo, redo):
            # The undo group's actions are not in any tab; the window owns their keys.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit_menu.addSeparator()
        # Ctrl+C itself stays the focused widget's (tables copy themselves); the entry shows the key.
        copy_keys = QKeySequence(QKeySequence.StandardKey.Copy).toString(QKeySequence.SequenceFormat.NativeText)
        self._action(edit_menu, f"&Copy table\t{copy_keys}", self.copy_table, None,
                     "Copy the table you clicked last as tab-separated text (pastes into a spreadsheet)")

        view_menu = bar.addMenu("&View")
        for i in range(self.tabs.count()):
            self._action(
                view_menu, self.tabs.tabText(i), lambda _=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}"
            )

        self.actions_menu = ActionsMenu("&Actions", self.current_tab, self)
        bar.addMenu(self.actions_menu)

        help_menu = bar.addMenu("&Help")
        self.guide_action = self._action(
            help_menu, "&Guide to this tab", self.show_guide, QKeySequence.StandardKey.HelpContents,
            "What each view of the current tab shows and how to read its colours"
        )
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, None, "Every key the app answers to")
        self._action(help_menu, "&Documentation…", self.show_docs, None, "The project's docs/ folder")
        help_menu.addSeparator()
        self._action(help_menu, "&About Neural Dynamics Explorer", self.show_about, None, "Versions and where files are kept")

    def _build_status_bar(self) -> None:
        from explorer.qt.preloading import when_torch_is_loaded

        status = self.statusBar()
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setToolTip("Where training and evaluation run")
        self.device_combo.addItem("CPU", "cpu")
        self.device_combo.currentIndexChanged.connect(self._on_device_changed)
        when_torch_is_loaded(self, self._add_gpus)  # asking torch for GPUs waits for it: it loads meanwhile
        status.addPermanentWidget(QLabel("Compute:"))
        status.addPermanentWidget(self.device_combo)
        status.showMessage("Ready", 3000)
        if self.read_only:
            note = QLabel("Read-only: changes are not kept")
            note.setObjectName("readOnlyNote")
            note.setToolTip(self.read_only)
            status.insertPermanentWidget(0, note)
            QTimer.singleShot(0, self, lambda: show_error(self, "Data folder in use", self.read_only))

    def _add_gpus(self) -> None:
        """The GPUs torch sees, in the device choice; the saved choice again if it was one of them."""
        from explorer.core import device as devices

        for name in devices.available_devices():
            if self.device_combo.findData(name) < 0:
                self.device_combo.addItem(devices.describe(name), name)
        saved = self.settings.value("compute/device", "cpu")
        found = self.device_combo.findData(saved) if isinstance(saved, str) else -1
        if found > 0 and self.device_combo.currentIndex() == 0:
            self.device_combo.setCurrentIndex(found)

    # settings --------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = _bytes_setting(self.settings.value("window/geometry"))
        self.first_launch = geometry.isEmpty() or not self.restoreGeometry(geometry)
        if self.first_launch:
            self.resize(*FIRST_LAUNCH_SIZE)
        state = _bytes_setting(self.settings.value("window/state"))
        if not state.isEmpty():
            self.restoreState(state)
        index = self.settings.value("window/tab", 0)  # first run: Kuzushiji, with its "Get started"
        if isinstance(index, int) and 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)
        device = self.settings.value("compute/device", "cpu")
        found = self.device_combo.findData(device) if isinstance(device, str) else -1
        self.device_combo.setCurrentIndex(found if found >= 0 else 0)
        self._on_device_changed(self.device_combo.currentIndex())

    def fit_to_screen(self) -> None:
        """On a first launch (no saved geometry), before it is shown: the window's default size, or the
        screen's available area if that is smaller (a 1024×700 laptop screen), centred on it. A window whose
        geometry was restored is left where the user put it (Qt's restoreGeometry already keeps it on a
        screen)."""
        screen = self.screen() or QApplication.primaryScreen()
        if not self.first_launch or screen is None:
            return
        area = screen.availableGeometry()
        # The frame (title bar, borders) is not known before the window is shown: leave room for a typical one.
        width = max(min(FIRST_LAUNCH_SIZE[0], area.width() - 16), self.minimumSizeHint().width())
        height = max(min(FIRST_LAUNCH_SIZE[1], area.height() - 40), self.minimumSizeHint().height())
        self.resize(width, height)
        self.move(area.x() + max(0, (area.width() - width) // 2), area.y() + max(0, (area.height() - height - 32) // 2))

    def save_settings(self) -> None:
        self.settings.set_value("window/geometry", bytes(self.saveGeometry().toBase64()).decode("ascii"))
        self.settings.set_value("window/state", bytes(self.saveState().toBase64()).decode("ascii"))
        self.settings.set_value("window/tab", self.tabs.currentIndex())
        self.settings.set_value("compute/device", str(self.device_combo.currentData()))

    # slots -------------------------------------------------------------------
    def current_tab(self) -> ExperimentTab:
        return self.tabs.currentWidget()

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if index < 0:
            return
        tab = self.tab(index)  # built on its first visit
        self.undo_group.setActiveStack(tab.undo_stack)
        self.open_data_action.setEnabled(tab.supports_data)
        self.open_weights_action.setEnabled(tab.supports_weights)
        self.save_weights_action.setEnabled(tab.supports_weights)
        has_figures = tab.has_figures()
        self.export_action.setEnabled(has_figures)
        self.export_all_action.setEnabled(has_figures)

    @Slot(int)
    def _on_device_changed(self, index: int) -> None:
        name = self.device_combo.itemData(index) or "cpu"
        self._device = name
        for tab in self.built_tabs():  # the others take it when they are built
            tab.set_device(name)

    @Slot()
    def copy_table(self) -> None:
        from PySide6.QtWidgets import QAbstractItemView, QApplication

        from explorer.qt.widgets.table_export import copy_table

        focused = QApplication.focusWidget()
        while focused is not None and not isinstance(focused, QAbstractItemView):
            focused = focused.parentWidget()
        if focused is None:
            self.show_status("Click into a table first, then copy it")
            return
        copy_table(focused)
        self.show_status("Copied the table as tab-separated text")

    @Slot(str)
    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _run_file_action(self, title: str, action, path) -> bool:
        try:
            action(Path(path))
        except UserError as exc:
            show_error(self, title, str(exc))
            return False
        except (OSError, ValueError) as exc:
            show_error(self, title, f"{Path(path).name}: {exc}")
            return False
        return True

    @Slot()
    def open_data(self) -> None:
        tab = self.current_tab()
        path = open_file(self, "Open data", "data", tab.data_filter)
        if path:
            if self._run_file_action("Could not open the data", tab.open_data, path):
                self.show_status(f"Loaded {Path(path).name}")

    @Slot()
    def open_weights(self) -> None:
        tab = self.current_tab()
        path = open_file(self, "Open weights", "weights", tab.weights_filter)
        if not path:
            return
        from explorer.qt.preloading import torch_is_loaded, when_torch_is_loaded

        def open_it() -> None:
            if self._run_file_action("Could not open the weights", tab.open_weights, path):
                self.show_status(f"Loaded weights from {Path(path).name}")

        if not torch_is_loaded():
            # In the first seconds PyTorch is still loading in the background: reading the
            # weights now would hold the window until it is there. They open when it is.
            self.show_status(f"Loading PyTorch… {Path(path).name} opens when it is ready")
        when_torch_is_loaded(self, open_it)

    @Slot()
    def save_weights(self) -> None:
        tab = self.current_tab()
        path = save_file(self, "Save weights", "weights", "", tab.save_weights_filter)
        if path:
            if self._run_file_action("Could not save the weights", tab.save_weights, path):
                self.show_status(f"Saved weights to {Path(path).name}")

    @Slot()
    def export_one_figure(self) -> None:
        """The export dialog (format, size or DPI, file) for one figure of the current tab."""
        figures = self.current_tab().figures()
        if not figures:
            return
        names = list(figures)
        # The current view first: the first figure on screen now (the tabs' pages hide the others).
        on_screen = [i for i, n in enumerate(names) if _on_screen(figures[n])]
        current = on_screen[0] if on_screen else 0
        name = names[current]
        if len(names) > 1:
            name, ok = QInputDialog.getItem(self, "Export figure", "Figure:", names, current, False)
            if not ok:
                return
        figure = Figure.of(figures[name])
        if not figure.name:  # the file is named as File → Export figures… would name it
            figure = dataclasses.replace(figure, name=name)
        self.export_dialog = open_export_dialog(figure, self, folder=start_folder("export"))
        self.export_dialog.finished.connect(lambda _=0, d=self.export_dialog: self._exported_one(d))

    def _exported_one(self, dialog) -> None:
        if dialog.written is not None:
            remember_folder("export", dialog.written)
            self.show_status(f"Exported {dialog.written}")  # the folder too: it may not be where the user looks

    @Slot()
    def export_all_figures(self) -> None:
        """The current tab's standard set, PNG and SVG, into a chosen folder; says what it wrote."""
        folder = choose_folder(self, "Export figures into", "export")
        if folder:
            written: list[Path] = []
            if self._run_file_action(
                "Could not export the figures", lambda p: written.extend(export_tab(self.current_tab(), p)), folder
            ):
                names = ", ".join(p.name for p in written[:6]) + (" …" if len(written) > 6 else "")
                self.show_status(f"Exported {len(written)} files to {folder}: {names}")

    @Slot()
    def export_report(self) -> None:
        """One HTML lab report from every tab's report sections."""
        path = save_file(self, "Export report", "report", "lab_report.html", "HTML report (*.html)")
        if not path:
            return
        if not path.lower().endswith((".html", ".htm")):
            path += ".html"
        from explorer.qt.workers import wait_for_tasks

        fresh = [i for i in range(self.tabs.count()) if isinstance(self.tabs.widget(i), PendingTab)]
        if fresh:
            self.show_status("Opening the tabs not visited yet, for the report…")
        tabs = self.all_tabs()
        wait_for_tasks([tabs[i] for i in fresh])  # their stored work is restored in the background
        if self._run_file_action("Could not export the report", lambda p: write_lab_report(p, tabs), path):
            self.show_status(f"Wrote the lab report {Path(path).name}: open it in a browser, add notes, print to PDF")

    # help ---------------------------------------------------------------------------
    def _help(self, title: str, text: str) -> guides.HelpDialog:
        if self.help_dialog is None:
            self.help_dialog = guides.HelpDialog(self)
        self.help_dialog.show_markdown(title, text)
        return self.help_dialog

    @Slot()
    def show_guide(self) -> None:
        name = guides.guide_name(self.current_tab())
        if name is None:
            self._help("Help", shortcuts_markdown(self))
        else:
            self._help(f"Guide: {self.current_tab().title}", guides.guide_markdown(name))

    @Slot()
    def show_shortcuts(self) -> None:
        self._help("Keyboard shortcuts", shortcuts_markdown(self))

    @Slot()
    def show_docs(self) -> None:
        self._help("Documentation", guides.docs_markdown())

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About Neural Dynamics Explorer", about_text())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_settings()
        for tab in self.built_tabs():
            if not tab.shutdown():
                log.warning("a background task in %s did not stop in time", tab.title)
        from explorer.core.subprocess_runner import stop_training_children

        stop_training_children()  # the warm child and the fork server too: quitting leaves no process
        super().closeEvent(event)


def about_text() -> str:
    """Versions of the parts the app is built on, and where its files live."""
    import pyqtgraph
    import PySide6
    import torch
    from PySide6.QtCore import qVersion

    from explorer.core import device as devices

    device = ", ".join(devices.describe(n) for n in devices.available_devices())
    return (
        f"<h3>Neural Dynamics Explorer {__version__}</h3>"
        "<p>Look inside small neural networks while they learn.</p>"
        f"<p>Python {platform.python_version()}<br>"
        f"Qt {qVersion()} (PySide6 {PySide6.__version__})<br>"
        f"PyTorch {torch.__version__}<br>"
        f"pyqtgraph {pyqtgraph.__version__}<br>"
        f"Compute devices: {device}</p>"
        f"<p>Data folder: {paths.data_dir()}<br>Log file: {paths.log_file()}</p>"
    )


def _on_screen(figure) -> bool:
    target = figure.target if isinstance(figure, Figure) else figure
    return isinstance(target, QWidget) and target.isVisible()


def _bytes_setting(value) -> QByteArray:
    """A window geometry or state kept as base64 text (anything else: empty)."""
    if not isinstance(value, str):
        return QByteArray()
    return QByteArray.fromBase64(value.encode("ascii", "ignore"))
