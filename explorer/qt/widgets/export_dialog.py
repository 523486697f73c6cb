"""The "Export…" dialog (format, size or DPI, file) and the right-click helper any view installs.

API:

- ``install_export_action(widget, figure)`` -- right-click "Export…" on a
  PlotWidget, GraphicsLayoutWidget, GLViewWidget or any widget; ``figure`` is
  a :class:`~explorer.qt.widgets.figure_export.Figure` or a callable returning
  one (so the title can say the current epoch). pyqtgraph's own "Export..."
  entry in a plot's menu opens this dialog too. Returns the QAction.
- :class:`ExportDialog` -- the dialog itself; :meth:`ExportDialog.export`
  writes the file and returns its path (a failed write shows the message).
- Tables get "Copy" and "Export as CSV…" from
  :func:`explorer.qt.widgets.table_export.install_table_actions`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from explorer.core.errors import UserError
from explorer.qt.dialogs import remember_folder, save_file, start_folder
from explorer.qt.messages import show_error
from explorer.qt.widgets.figure_export import (
    DEFAULT_SCALE,
    SCREEN_DPI,
    Figure,
    export_figure,
    export_size,
)

FORMAT_NAMES = {"png": "PNG image", "svg": "SVG drawing", "pdf": "PDF document"}


class ExportDialog(QDialog):
    """Choose the format, the pixel size and the DPI and the file, then export."""

    def __init__(self, figure: Figure, folder: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export figure")
        self.figure = figure
        self.written: Path | None = None
        self.format = QComboBox()
        for fmt in figure.formats():
            self.format.addItem(FORMAT_NAMES[fmt], fmt)
        w, h, _ = export_size(figure)
        self.width_box = self._spin(w, "Width of the file in pixels")
        self.height_box = self._spin(h, "Height of the file in pixels")
        self.keep_shape = QCheckBox("keep shape")
        self.keep_shape.setChecked(True)
        self.keep_shape.setToolTip("Change the height with the width, so the figure keeps its proportions")
        self._aspect = w / h
        self.width_box.valueChanged.connect(self._width_changed)
        self.height_box.valueChanged.connect(self._height_changed)
        self.dpi = QSpinBox()
        self.dpi.setRange(48, 1200)
        self.dpi.setValue(int(SCREEN_DPI * DEFAULT_SCALE))
        self.dpi.setSuffix(" dpi")
        self.dpi.setToolTip("Print resolution: text and lines are drawn this much larger than on screen (96 dpi)")
        stem = figure.name or "figure"
        self.path = QLineEdit(str(Path(folder or Path.home()) / f"{stem}.{self.current_format()}"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_box)
        size_row.addWidget(self.height_box)
        size_row.addWidget(self.keep_shape)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Size (px)", size_row)
        form.addRow("Resolution", self.dpi)
        form.addRow("File", file_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)

    @staticmethod
    def _spin(value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(16, 12000)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    @Slot(int)
    def _width_changed(self, width: int) -> None:
        if self.keep_shape.isChecked():
            self.height_box.blockSignals(True)
            self.height_box.setValue(max(16, round(width / self._aspect)))
            self.height_box.blockSignals(False)

    @Slot(int)
    def _height_changed(self, height: int) -> None:
        if self.keep_shape.isChecked():
            self.width_box.blockSignals(True)
            self.width_box.setValue(max(16, round(height * self._aspect)))
            self.width_box.blockSignals(False)
        else:
            self._aspect = self.width_box.value() / max(height, 1)

    def current_format(self) -> str:
        return self.format.currentData()

    @Slot()
    def _format_changed(self) -> None:
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix(f".{self.current_format()}")))

    @Slot()
    def choose_file(self) -> None:
        fmt = self.current_format()
        path = save_file(self, "Export figure", "export", self.path.text(), f"{FORMAT_NAMES[fmt]} (*.{fmt})")
        if path:
            self.path.setText(path if path.lower().endswith(f".{fmt}") else f"{path}.{fmt}")

    def export(self) -> Path:
        """Write the file as chosen; raises :class:`UserError` when it cannot."""
        path = Path(self.path.text()).expanduser()
        if path.suffix.lower() != f".{self.current_format()}":
            path = path.with_suffix(f".{self.current_format()}")
        self.written = export_figure(self.figure, path, size=(self.width_box.value(), self.height_box.value()),
                                     dpi=self.dpi.value())
        return self.written

    def accept(self) -> None:
        try:
            self.export()
        except UserError as exc:
            show_error(self, "Could not export the figure", str(exc))
            return
        # The next export opens here, and the status line says where this one went (folder and file).
        remember_folder("export", self.written)
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        if hasattr(window, "show_status"):
            window.show_status(f"Exported {self.written}")
        super().accept()


def _resolve(figure: Figure | Callable[[], Figure] | QWidget) -> Figure:
    return Figure.of(figure() if callable(figure) and not isinstance(figure, (Figure, QWidget)) else figure)


def open_export_dialog(figure, parent: QWidget | None = None, folder=None) -> ExportDialog:
    """Show the export dialog (window-modal, returns at once) for ``figure``."""
    if folder is None:  # the last export folder, as File → Export figure uses
        folder = start_folder("export")
    dialog = ExportDialog(_resolve(figure), folder=folder, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def install_export_action(widget: QWidget, figure=None) -> QAction:
    """Give ``widget`` a right-click "Export…" that opens :class:`ExportDialog`.

    ``figure`` is a Figure, a callable returning one (evaluated when the menu
    is used, so titles can follow the current state), or ``None`` for the
    widget itself.
    """
    source = widget if figure is None else figure
    action = QAction("Export…", widget)
    action.setToolTip("Save this figure as PNG, SVG or PDF at a chosen size")
    action.triggered.connect(lambda: setattr(widget, "export_dialog", open_export_dialog(source, widget)))
    widget.addAction(action)
    scene = widget.scene() if isinstance(widget, pg.GraphicsView) else None
    if scene is not None and hasattr(scene, "contextMenu") and scene.contextMenu:
        # pyqtgraph's plot menu has its own "Export..." (its exporter window, screen-sized):
        # point it at ours so that one entry does one thing.
        pg_export = scene.contextMenu[0]
        pg_export.triggered.disconnect()
        pg_export.triggered.connect(action.trigger)
    if scene is None or not any(vb.menuEnabled() for vb in _view_boxes(scene)):
        # Without a pyqtgraph menu of its own, the widget shows its actions on right-click.
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action


def _view_boxes(scene) -> list:
    return [item for item in scene.items() if isinstance(item, pg.ViewBox)]
