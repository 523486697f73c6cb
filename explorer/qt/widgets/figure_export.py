"""Export any figure (a pyqtgraph plot, a GL view or a plain widget) to PNG or SVG."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtWidgets import QWidget

from explorer.core.errors import UserError

FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"


def _plot_item(figure):
    if isinstance(figure, pg.PlotWidget):
        return figure.getPlotItem()
    if isinstance(figure, pg.GraphicsLayoutWidget):
        return figure.ci
    if isinstance(figure, pg.GraphicsView):
        return figure.sceneObj
    return figure


def export_figure(figure, path: str | Path, width: int | None = None) -> Path:
    """Write ``figure`` to ``path``; the suffix (.png or .svg) picks the format.

    pyqtgraph plots go through pyqtgraph's exporters (vector SVG); other
    widgets, such as the OpenGL 3-D view, are grabbed as PNG.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise UserError(f"{path.name}: figures can be exported as .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    item = _plot_item(figure)
    if isinstance(item, (pg.GraphicsItem, pg.GraphicsScene)) or hasattr(item, "scene"):
        if suffix == ".png":
            exporter = exporters.ImageExporter(item)
            if width:
                exporter.parameters()["width"] = int(width)
        else:
            exporter = exporters.SVGExporter(item)
        exporter.export(str(path))
    elif isinstance(figure, QWidget):
        if suffix == ".svg":
            raise UserError(f"{path.name}: this view can only be exported as PNG")
        image = figure.grabFramebuffer() if hasattr(figure, "grabFramebuffer") else figure.grab().toImage()
        if not image.save(str(path)):
            raise UserError(f"{path}: could not write the image")
    else:
        raise UserError(f"cannot export {type(figure).__name__}")
    if not path.exists():
        raise UserError(f"{path}: could not write the figure")
    return path
