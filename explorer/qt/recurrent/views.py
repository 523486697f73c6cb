"""The recurrent tab's hidden-state views: 2-D pairs, the OpenGL 3-D view and their controls.

The batch's coordinates are computed once per net, batch, state kind (hidden
or cell) and coordinates (units or principal components); the current string's
path once per string. Stepping only slices the path and moves the markers.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.core.recurrent.analysis import (
    Coordinates,
    Trajectories,
    coordinates,
    export_scatter_name,
    point_labels,
)
from explorer.core.recurrent.languages import Sequence
from explorer.core.recurrent.model import default_axes, with_state
from explorer.core.recurrent.models import Trace
from explorer.qt.recurrent.color_legend import ColorLegend
from explorer.qt.recurrent.pair_views import PairGrid, brushes
from explorer.qt.recurrent.scatter3d import Scatter3DView
from explorer.qt.widgets.gl_display import GLDisplay

STATE_AXIS = "state"
#: The current step in the 3-D view (magenta: not a jet colour); the SRN's initial state is black.
CURRENT_COLOR = (0.9, 0.0, 0.9, 1.0)


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


class StateViews(QWidget):
    """Pair views (with legend) beside the 3-D view, and the controls they share."""

    #: The user switched hidden/cell or units/PCA: the tab supplies a new batch if needed.
    settings_changed = Signal()
    #: A batch point was clicked: its row in the batch.
    point_clicked = Signal(int)
    #: A pair view's range changed (a zoom, a pan, a fit): :meth:`PairGrid.ranges` has the new one.
    pair_ranges_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.coords: Coordinates | None = None
        self.path = np.zeros((0, 1))
        self.path_states = np.zeros(0)
        self.path_start: np.ndarray | None = None
        self.position = 0
        self.L = 4.0
        self.which = QComboBox()
        self.which.addItem("hidden state h", "hidden")
        self.which.addItem("cell state c (LSTM)", "cell")
        self.which.setToolTip("Plot the hidden activations, or (LSTM) the cell state")
        self.mode = QComboBox()
        self.mode.addItem("unit pairs", "units")
        self.mode.addItem("principal components", "pca")
        self.mode.setToolTip("Every pair of units (01, 02, 12, …), or the batch's leading principal components")
        self.which.currentIndexChanged.connect(self._on_settings)
        self.mode.currentIndexChanged.connect(self._on_settings)
        self.pairs = PairGrid()
        self.pairs.point_clicked.connect(self.point_clicked)
        self.pairs.ranges_changed.connect(self.pair_ranges_changed)
        self.pairs.setToolTip("Each dot: the state after one step of a batch string, coloured by state."
                              " Colour: the course's state value (A's counted, then counting down; see the colour bar)."
                              " Squares, ellipses and arrows: the extracted machine's states and moves."
                              " Click a dot to step through its string")
        self.legend = ColorLegend()
        self.legend3d = ColorLegend()
        self.view3d = Scatter3DView()
        self.view3d.setObjectName("view3d")
        self.view3d.distance_factor = 1.9
        # The window shows the view's frames: an OpenGL widget in it would compose every repaint through OpenGL.
        self.display3d = GLDisplay(self.view3d)
        self.display3d.setObjectName("display3d")
        self.display3d.setMinimumSize(160, 160)
        # Black is invisible with the default additive blending: draw the markers opaque.
        for item in (self.view3d.current, self.view3d.marker):
            item.setGLOptions("translucent")
        self.display3d.setToolTip("Drag to rotate, wheel to zoom. Magenta: the current step; black: the SRN's initial state")
        self.axes_caption = QLabel("")
        self.axes_caption.setObjectName("axesCaption")
        self.axes_caption.setWordWrap(True)
        self.axes_caption.setToolTip("Which axis of the 3-D view is which (its tip carries the letter)")
        self.axis_boxes = [QComboBox() for _ in range(3)]
        for axis, box in zip("XYZ", self.axis_boxes, strict=True):
            box.setToolTip(f"What the 3-D view's {axis} axis shows")
            box.currentIndexChanged.connect(self._on_axes)
        self.reset_button = _button("Reset view", "Back to the default angle and zoom")
        self.reset_button.clicked.connect(self.view3d.reset_view)
        self.preset_buttons = {}
        for name in ("front", "side", "top"):
            button = _button(name.capitalize(), f"Look from the {name}")
            button.clicked.connect(lambda _=False, n=name: self.view3d.preset(n))
            self.preset_buttons[name] = button
        self._build()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.which)
        top.addWidget(QLabel("as"))
        top.addWidget(self.mode)
        top.addStretch(1)
        left = QWidget()
        pair_row = QHBoxLayout()
        pair_row.setContentsMargins(0, 0, 0, 0)
        # Many units give many pairs: fewer per row when narrow and scroll down, never sideways
        # or squeezed below a readable size (the only scroll area around the views).
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.pairs)
        scroll.viewport().installEventFilter(self)
        self.pair_scroll = scroll
        pair_row.addWidget(scroll, 1)
        pair_row.addWidget(self.legend)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addLayout(pair_row, 1)

        right = QWidget()
        axes = QHBoxLayout()
        axes.addWidget(QLabel("3-D:"))
        for box in self.axis_boxes:
            axes.addWidget(box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        for button in self.preset_buttons.values():
            buttons.addWidget(button)
        view_row = QHBoxLayout()
        view_row.setContentsMargins(0, 0, 0, 0)
        view_row.addWidget(self.display3d, 1)
        view_row.addWidget(self.legend3d)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(axes)
        right_layout.addLayout(view_row, 1)
        right_layout.addWidget(self.axes_caption)
        right_layout.addLayout(buttons)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([600, 330])
        split.setStretchFactor(0, 3)  # three units make three pair views: give them the room
        split.setStretchFactor(1, 2)
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and watched is self.pair_scroll.viewport():
            self.pairs.fit_width(watched.width())
        return False

    # settings ----------------------------------------------------------------
    @property
    def state_kind(self) -> str:
        return self.which.currentData()

    @property
    def coordinate_mode(self) -> str:
        return self.mode.currentData()

    def set_lstm(self, lstm: bool) -> None:
        """The cell-state choice only makes sense for an LSTM."""
        item = self.which.model().item(1)
        item.setEnabled(lstm)
        if not lstm and self.which.currentIndex() == 1:
            self.which.setCurrentIndex(0)

    @Slot(int)
    def _on_settings(self, _index: int) -> None:
        self.settings_changed.emit()

    # data ----------------------------------------------------------------------
    def set_batch(self, batch: Trajectories, L: float, srn: bool, refit: bool = True) -> None:
        """New points for every view (once per net, batch or setting); ``refit`` re-aims the 3-D camera."""
        coords = coordinates(batch, self.state_kind, self.coordinate_mode, L, srn)
        self.coords = coords
        self.L = float(L)
        self.legend.set_range(L)
        self.legend3d.set_range(L)
        views = self.pairs.ensure(len(coords.pairs))
        point_brushes = brushes(coords.colors)
        labels = point_labels(batch)
        for view, (j, k) in zip(views, coords.pairs, strict=True):
            kind = "cells" if self.state_kind == "cell" else "units"
            title = f"{kind} {j} and {k}" if self.coordinate_mode == "units" else "PC1 – PC2"  # not "01"
            view.set_axes((j, k), coords.names[j], coords.names[k], title)
            initial = None if coords.initial is None else coords.initial[[j, k]]
            view.set_points(coords.batch[:, [j, k]], point_brushes, initial, labels)
        self.pair_ranges_changed.emit()  # each view fitted to its new pair (a fit equal to the old range says nothing)
        self._fill_axis_boxes(coords.names)
        self._set_3d_points()
        if refit:
            self.view3d.reset_view()

    def _fill_axis_boxes(self, names: list[str]) -> None:
        options = [*names, STATE_AXIS]
        defaults = default_axes(len(names))
        for box, default in zip(self.axis_boxes, defaults, strict=True):
            old = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(options)
            box.setCurrentIndex(options.index(old) if old in options and old != STATE_AXIS else default)
            box.blockSignals(False)

    def axes(self) -> list[int]:
        """What the 3-D view's X, Y and Z show: coordinate indices, the last index being the state value."""
        return [box.currentIndex() for box in self.axis_boxes]

    def set_axes(self, axes) -> None:
        """Show these 3-D axes (indices as :meth:`axes` gives them), quietly, then redraw the 3-D view once."""
        if axes is None or list(axes) == self.axes() or not all(0 <= a < box.count() for a, box
                                                                   in zip(axes, self.axis_boxes, strict=True)):
            return
        for box, a in zip(self.axis_boxes, axes, strict=True):
            box.blockSignals(True)
            box.setCurrentIndex(a)
            box.blockSignals(False)
        self._set_3d_points()
        self._show_3d_step()

    def _with_state(self, coords: np.ndarray, states) -> np.ndarray:
        return with_state(coords, states, self.L)

    @Slot(int)
    def _on_axes(self, _index: int) -> None:
        self._set_3d_points()
        self._show_3d_step()
        self.view3d.reset_view()

    def _set_3d_points(self) -> None:
        c = self.coords
        if c is None:
            return
        axes = self.axes()
        full = self._with_state(c.batch, c.states)
        self.view3d.set_points(full[:, axes], c.colors)
        names = [*c.names, f"state 0..{self.L:g}"]
        self.view3d.set_axis_labels(*(names[a] for a in axes))
        self.axes_caption.setText(self.view3d.axes_caption())
        if c.initial is not None:
            self.view3d.set_marker(self._with_state(c.initial[None, :], [0.0])[0, axes])
        else:
            self.view3d.set_marker(None)

    def set_sequence(self, sequence: Sequence, trace: Trace) -> None:
        """The current string's full path (computed once per string)."""
        if self.coords is None:
            return
        states = trace.cell if self.state_kind == "cell" and trace.cell is not None else trace.hidden
        self.path = self.coords.project(states)
        self.path_states = np.asarray(sequence.states, float)
        self.path_start = self.coords.initial
        self.position = max(min(self.position, len(self.path) - 1), 0)
        self.set_position(self.position)

    def set_position(self, position: int) -> None:
        """Move the path and the current-step markers (cheap: called on every step)."""
        self.position = position
        if self.coords is None or not len(self.path):
            return
        upto = self.path[: position + 1]
        if self.path_start is not None:
            upto = np.vstack([self.path_start, upto])
        for view in self.pairs.views:
            j, k = view.pair
            view.set_step(upto[:, [j, k]], self.path[position, [j, k]])
        self._show_3d_step()

    def _show_3d_step(self) -> None:
        if self.coords is None or not len(self.path):
            return
        axes = self.axes()
        position = min(self.position, len(self.path) - 1)
        full = self._with_state(self.path, self.path_states[: len(self.path)])
        upto = full[: position + 1]
        if self.path_start is not None:
            upto = np.vstack([self._with_state(self.path_start[None, :], [0.0]), upto])
        self.view3d.set_path(upto[:, axes])
        self.view3d.set_current(full[position, axes], CURRENT_COLOR)

    # figures ----------------------------------------------------------------------
    def figures(self, lang: str, model: str, hidden: int) -> dict[str, QWidget]:
        """The pair views under the course's names (``anb2n_srn2_01``), then the 3-D view."""
        stem = f"{lang}_{model}{hidden}"
        cell = "_cell" if self.state_kind == "cell" else ""
        named: dict[str, QWidget] = {}
        for view in self.pairs.views:
            j, k = view.pair
            if self.coordinate_mode == "units":
                name = export_scatter_name(lang, model, hidden, j, k, "png")[: -len(".png")]
                name = name.replace(stem, stem + cell, 1)
            else:
                name = f"{stem}{cell}_pc{j + 1}{k + 1}"
            named[name] = view
        named[f"{stem}{cell}_3d"] = self.view3d
        return named
