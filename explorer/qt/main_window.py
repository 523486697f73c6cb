"""The main window: one tab per experiment, menus, status bar, settings."""

from __future__ import annotations

import logging
import platform
from pathlib import Path

from PySide6.QtCore import QByteArray, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
)

from explorer import __version__
from explorer.core import device as devices
from explorer.core import paths
from explorer.core.errors import UserError
from explorer.qt.messages import show_error
from explorer.qt.settings import app_settings
from explorer.qt.tab import ExperimentTab
from explorer.qt.widgets.figure_export import FILTERS, export_figure

log = logging.getLogger(__name__)


def default_tabs() -> list[ExperimentTab]:
    """The three experiment tabs, in menu order."""
    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from explorer.qt.mlp.tab import MLPTab
    from explorer.qt.recurrent.tab import RecurrentTab

    return [KuzushijiTab(), MLPTab(), RecurrentTab()]


class MainWindow(QMainWindow):
    """Tabs, File/Edit/View/Help menus, a status bar and a compute-device choice."""

    def __init__(self, tabs: list[ExperimentTab] | None = None):
        super().__init__()
        self.setWindowTitle("Neural Dynamics Explorer")
        self.setObjectName("MainWindow")
        self.settings = app_settings()
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
    def add_tab(self, tab: ExperimentTab) -> None:
        self.tabs.addTab(tab, tab.title)
        self.undo_group.addStack(tab.undo_stack)
        tab.status_message.connect(self.show_status)

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
            file_menu, "&Export figure…", self.export_one_figure, "Ctrl+E", "Save one figure as PNG or SVG"
        )
        self.export_all_action = self._action(
            file_menu, "Export &all figures…", self.export_all_figures, "Ctrl+Shift+E", "Save every figure of this tab into a folder"
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "Quit the application")

        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo

        view_menu = bar.addMenu("&View")
        for i in range(self.tabs.count()):
            self._action(
                view_menu, self.tabs.tabText(i), lambda _=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}"
            )

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Neural Dynamics Explorer", self.show_about, None, "Versions and where files are kept")

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setToolTip("Where training and evaluation run")
        for name in devices.available_devices():
            self.device_combo.addItem(devices.describe(name), name)
        self.device_combo.currentIndexChanged.connect(self._on_device_changed)
        status.addPermanentWidget(QLabel("Compute:"))
        status.addPermanentWidget(self.device_combo)
        status.showMessage("Ready", 3000)

    # settings --------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 860)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        index = int(self.settings.value("window/tab", 0))  # first run: Kuzushiji, with its "Get started"
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)
        device = self.settings.value("compute/device", "cpu")
        found = self.device_combo.findData(device)
        self.device_combo.setCurrentIndex(found if found >= 0 else 0)
        self._on_device_changed(self.device_combo.currentIndex())

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        self.settings.setValue("compute/device", self.device_combo.currentData())
        self.settings.sync()

    # slots -------------------------------------------------------------------
    def current_tab(self) -> ExperimentTab:
        return self.tabs.currentWidget()

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        self.undo_group.setActiveStack(tab.undo_stack)
        self.open_data_action.setEnabled(tab.supports_data)
        self.open_weights_action.setEnabled(tab.supports_weights)
        self.save_weights_action.setEnabled(tab.supports_weights)
        has_figures = bool(tab.figures())
        self.export_action.setEnabled(has_figures)
        self.export_all_action.setEnabled(has_figures)

    @Slot(int)
    def _on_device_changed(self, index: int) -> None:
        name = self.device_combo.itemData(index) or "cpu"
        for i in range(self.tabs.count()):
            self.tabs.widget(i).set_device(name)

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

    def _last_dir(self, key: str) -> str:
        return str(self.settings.value(f"dirs/{key}", str(Path.home())))

    def _remember_dir(self, key: str, path: str) -> None:
        self.settings.setValue(f"dirs/{key}", str(Path(path).parent))

    @Slot()
    def open_data(self) -> None:
        tab = self.current_tab()
        path, _ = QFileDialog.getOpenFileName(self, "Open data", self._last_dir("data"), tab.data_filter)
        if path:
            self._remember_dir("data", path)
            if self._run_file_action("Could not open the data", tab.open_data, path):
                self.show_status(f"Loaded {Path(path).name}")

    @Slot()
    def open_weights(self) -> None:
        tab = self.current_tab()
        path, _ = QFileDialog.getOpenFileName(self, "Open weights", self._last_dir("weights"), tab.weights_filter)
        if path:
            self._remember_dir("weights", path)
            if self._run_file_action("Could not open the weights", tab.open_weights, path):
                self.show_status(f"Loaded weights from {Path(path).name}")

    @Slot()
    def save_weights(self) -> None:
        tab = self.current_tab()
        path, _ = QFileDialog.getSaveFileName(self, "Save weights", self._last_dir("weights"), tab.save_weights_filter)
        if path:
            self._remember_dir("weights", path)
            if self._run_file_action("Could not save the weights", tab.save_weights, path):
                self.show_status(f"Saved weights to {Path(path).name}")

    @Slot()
    def export_one_figure(self) -> None:
        figures = self.current_tab().figures()
        if not figures:
            return
        names = list(figures)
        name = names[0]
        if len(names) > 1:
            name, ok = QInputDialog.getItem(self, "Export figure", "Figure:", names, 0, False)
            if not ok:
                return
        start = str(Path(self._last_dir("export")) / f"{name}.png")
        path, _ = QFileDialog.getSaveFileName(self, "Export figure", start, FILTERS)
        if path:
            self._remember_dir("export", path)
            if self._run_file_action("Could not export the figure", lambda p: export_figure(figures[name], p), path):
                self.show_status(f"Exported {Path(path).name}")

    @Slot()
    def export_all_figures(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export all figures into", self._last_dir("export"))
        if folder:
            self.settings.setValue("dirs/export", folder)
            written: list[Path] = []
            if self._run_file_action(
                "Could not export the figures", lambda p: written.extend(self.current_tab().export_all(p)), folder
            ):
                self.show_status(f"Exported {len(written)} figures to {folder}")

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About Neural Dynamics Explorer", about_text())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_settings()
        for i in range(self.tabs.count()):
            if not self.tabs.widget(i).shutdown():
                log.warning("a background task in %s did not stop in time", self.tabs.tabText(i))
        super().closeEvent(event)


def about_text() -> str:
    """Versions of the parts the app is built on, and where its files live."""
    import pyqtgraph
    import PySide6
    import torch
    from PySide6.QtCore import qVersion

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


