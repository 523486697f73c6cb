"""Looking inside the nets for the current drawing.

NetConv: both conv layers' feature maps and a saliency map; NetLin: its weight
templates, one per class; NetFull: its 128 hidden activations. Items are created
once and updated with ``setImage``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QWidget

from explorer.core.kuzushiji import net_insides
from explorer.core.kuzushiji.datasets import KMNIST, DataSet
from explorer.core.kuzushiji.preprocess import Preprocessed
from explorer.qt.kuzushiji.prediction_panel import class_text, kana_font

if TYPE_CHECKING:
    from torch import nn

GREY = pg.colormap.get("CET-L1")
HEAT = pg.colormap.get("inferno")
# Saliency over the input: transparent where the gradient is small, opaque yellow where it is large.
HEAT_OVERLAY = pg.ColorMap([0.0, 0.3, 1.0], [(255, 40, 0, 0), (255, 80, 0, 150), (255, 255, 60, 255)])
DIVERGING = pg.colormap.get("CET-D1")
TEMPLATE_COLUMNS = 5
MAP_COLUMNS = (4, 8)
"""conv1's 32 maps in 4 columns (8 rows), conv2's 64 in 8: both as tall as the tab, maps of about the same size."""
TEMPLATE_GAP = 16


def _image_view(figure: pg.GraphicsLayoutWidget, title: str, row: int, col: int) -> tuple[pg.LabelItem, pg.ViewBox, pg.ImageItem]:
    """A titled, fixed image view (a bare ViewBox: far lighter than a PlotItem)."""
    label = figure.addLabel(title, row=2 * row, col=col, color="k")
    view = figure.addViewBox(row=2 * row + 1, col=col, lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
    view.setDefaultPadding(0.0)  # the mosaic fills its view: no margin taken from the thumbnails
    image = pg.ImageItem(axisOrder="row-major")
    view.addItem(image)
    return label, view, image


def _note(model: nn.Module | None, name: str, what: str) -> str:
    """What to do to see ``what`` of net ``name``: train it, or (trained) draw a character."""
    return f"Train {name} to see {what}." if model is None else f"Draw a character to see {name}'s {what[4:]}."


def templates_note(data_set: DataSet) -> str:
    """What the NetLin page says before NetLin is trained: one weight template per class of ``data_set``."""
    n = data_set.num_classes
    return f"Train NetLin to see its {'ten' if n == 10 else f'{n:,}'} weight templates."


class _Page(QStackedWidget):
    """A figure, or a line saying which net to train to see it."""

    def __init__(self, missing: str):
        super().__init__()
        self.figure = pg.GraphicsLayoutWidget()
        self.figure.setBackground("w")
        # Every pixel to the thumbnails (at least 48 px each at 1280×860).
        self.figure.ci.setContentsMargins(2, 2, 2, 2)
        self.figure.ci.setSpacing(2)
        self.note = QLabel(missing)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.addWidget(self.figure)
        self.addWidget(self.note)

    def show_figure(self, shown: bool, note: str | None = None) -> None:
        if note is not None:
            self.note.setText(note)
        self.setCurrentWidget(self.figure if shown else self.note)


class NetInsides(QTabWidget):
    """Tabs: feature maps, saliency, NetLin templates, NetFull hidden units."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(160)
        self.maps_page = _Page("Train NetConv to see its feature maps.")
        self.maps_plots = []
        for j, title in enumerate(("conv1: 32 maps, 26×26", "conv2: 64 maps, 11×11")):
            _, _, image = _image_view(self.maps_page.figure, title, 0, j)
            self.maps_page.figure.ci.layout.setColumnStretchFactor(j, MAP_COLUMNS[j])
            image.setColorMap(HEAT)
            self.maps_plots.append(image)

        self.saliency_page = _Page("Train a net to see which pixels its answer depends on.")
        fig = self.saliency_page.figure
        _, _, self.saliency_input = _image_view(fig, "input", 0, 0)
        self.saliency_input.setColorMap(GREY)
        self.saliency_title, over_view, self.saliency_base = _image_view(fig, "saliency", 0, 1)
        self.saliency_title.item.setFont(kana_font(9))
        self.saliency_base.setColorMap(GREY)
        self.saliency_heat = pg.ImageItem(axisOrder="row-major")
        self.saliency_heat.setColorMap(HEAT_OVERLAY)
        over_view.addItem(self.saliency_heat)

        self.templates_page = _Page("Train NetLin to see its ten weight templates.")
        _, view, self.templates_image = _image_view(
            self.templates_page.figure, "weights of each class (red +, blue −)", 0, 0
        )
        self.templates_image.setColorMap(DIVERGING)
        self._templates_view = view
        self._template_labels: list[pg.TextItem] = []
        self.data_set: DataSet | None = None
        self.set_data_set(KMNIST)

        self.hidden_page = _Page("Train NetFull to see its 128 hidden units.")
        _, _, self.hidden_image = _image_view(
            self.hidden_page.figure, "tanh activations of the 128 hidden units (8 × 16)", 0, 0
        )
        self.hidden_image.setColorMap(DIVERGING)

        # Short names: the five tabs (with "Input" in front) fit the width of a 1024 px window.
        self.addTab(self.maps_page, "NetConv maps")
        self.addTab(self.saliency_page, "Saliency")
        self.setTabToolTip(0, "NetConv's feature maps of the drawing: conv1 (32 maps), conv2 (64 maps)")
        self.addTab(self.templates_page, "NetLin templates")
        self.addTab(self.hidden_page, "NetFull units")
        self.setTabToolTip(3, "NetFull's 128 hidden units for the drawing (tanh activations, 8 × 16)")
        self._models: dict[str, nn.Module] = {}
        self.set_models({})

    def set_data_set(self, data_set: DataSet) -> None:
        """The classes the nets' outputs are: NetLin's templates are labelled, and the saliency titled, by them."""
        if data_set == self.data_set:
            return
        self.data_set = data_set
        self.templates_page.note.setText(templates_note(data_set))
        for text in self._template_labels:
            self._templates_view.removeItem(text)
        self._template_labels = []
        for i, (kana, name) in enumerate(zip(data_set.glyphs, data_set.class_names, strict=True)):
            r, c = divmod(i, TEMPLATE_COLUMNS)
            text = pg.TextItem(name if kana == name else f"{kana} {name}", color="k", anchor=(0.5, 1.0))  # plain
            text.setFont(kana_font(9))
            text.setPos(c * (28 + TEMPLATE_GAP) + 14, r * (28 + TEMPLATE_GAP) + TEMPLATE_GAP - 1)
            self._templates_view.addItem(text)
            self._template_labels.append(text)

    def set_models(self, models: dict[str, nn.Module]) -> None:
        """The nets to look inside; NetLin's templates are drawn at once."""
        self._models = dict(models)
        lin = models.get("lin")
        self.templates_page.show_figure(lin is not None)
        if lin is not None:
            templates = net_insides.weight_templates(lin)
            bound = float(np.abs(templates).max()) or 1.0
            tiled = net_insides.mosaic(templates, TEMPLATE_COLUMNS, gap=TEMPLATE_GAP, normalise=False)
            # Room above each row for its label: shift the mosaic down by one gap.
            padded = np.vstack([np.full((TEMPLATE_GAP, tiled.shape[1]), np.nan, np.float32), tiled])
            self.templates_image.setImage(padded, levels=(-bound, bound), autoLevels=False)
        self.show_input(None)

    def show_input(self, pre: Preprocessed | None) -> None:
        """Recompute the feature maps, saliency and hidden units for ``pre`` (``None``: nothing drawn)."""
        conv, full = self._models.get("conv"), self._models.get("full")
        drawn = pre is not None
        # A note says what is missing: the net (train it) or the drawing (draw one).
        self.maps_page.show_figure(drawn and conv is not None, _note(conv, "NetConv", "its feature maps"))
        self.hidden_page.show_figure(drawn and full is not None, _note(full, "NetFull", "its 128 hidden units"))
        if drawn and conv is not None:
            first, second = net_insides.feature_maps(conv, pre)
            self.maps_plots[0].setImage(net_insides.mosaic(first, MAP_COLUMNS[0]), levels=(0.0, 1.0), autoLevels=False)
            self.maps_plots[1].setImage(net_insides.mosaic(second, MAP_COLUMNS[1]), levels=(0.0, 1.0), autoLevels=False)
        if drawn and full is not None:
            hidden = net_insides.hidden_activations(full, pre).reshape(8, 16)
            self.hidden_image.setImage(hidden, levels=(-1.0, 1.0), autoLevels=False)
        explained = conv if conv is not None else next(iter(self._models.values()), None)
        self.saliency_page.show_figure(
            drawn and explained is not None,
            "Draw a character to see which pixels the answer depends on." if explained is not None
            else "Train a net to see which pixels its answer depends on.",
        )
        if drawn and explained is not None:
            cls, grad = net_insides.saliency(explained, pre)
            known = cls < self.data_set.num_classes  # "を wo" as the templates are labelled; a folder's by its name
            answer = self._template_labels[cls].toPlainText() if known else class_text(self.data_set, cls)
            answer = html.escape(answer)  # the title is rich text; a folder's name is not
            self.saliency_title.setText(f"{type(explained).__name__}: pixels that sway “{answer}”", color="k")
            self.saliency_input.setImage(pre.array28, levels=(0.0, 1.0), autoLevels=False)
            self.saliency_base.setImage(pre.array28, levels=(0.0, 1.0), autoLevels=False)
            peak = float(grad.max()) or 1.0
            self.saliency_heat.setImage(grad / peak, levels=(0.0, 1.0), autoLevels=False)
