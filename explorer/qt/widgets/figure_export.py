"""Export any figure of the app at report quality: PNG at a chosen size, SVG and PDF.

API (for the views and tabs):

- :class:`Figure` -- what to draw and what a reader needs with it: the widget
  or plot item (``target``), ``title`` and ``note`` (net, epoch, scale…),
  axis labels, a colour key (:class:`~explorer.qt.widgets.figure_page.ColourKey`
  or a ``paint(painter, rect)`` callable) or legend entries, the items to hide
  while exporting (selection boxes) and/or a ``chrome(exporting: bool)`` hook,
  ``kind`` ("2d", "image" or "3d") and ``name`` (the file stem in
  :func:`export_all`).
- ``export_figure(figure, path, size=None, width=None, dpi=None)`` -- write
  one file; the suffix picks the format. ``figure`` may also be a bare widget
  (the old call ``export_figure(widget, path)`` still works). The default size
  is report-sized: :data:`DEFAULT_WIDTH` px wide at 2× (192 dpi), height from
  the figure's aspect ratio, which is kept sane whatever the window's shape.
- ``render_figure(figure, fmt, ...) -> bytes`` -- the same, in memory (for the
  HTML report: SVG for 2-D, PNG for 3-D).
- ``export_all(figures, folder, formats=("png", "svg"))`` -- a set of files,
  returns the paths written (3-D views get PNG only).
- :data:`FILTERS` / :func:`filters_for` -- file-dialog filters (no SVG for 3-D).

Nothing of the window is drawn: 2-D figures are painted from their plot item's
scene region, laid out afresh at the export size; 3-D views are rendered
offscreen from their current camera (:mod:`explorer.qt.widgets.gl_export`).
Files are written atomically and checked to be non-empty; a failed write
raises :class:`UserError` and leaves no partial file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsItem, QWidget

from explorer.core.atomic import write_bytes
from explorer.core.errors import UserError
from explorer.qt.widgets import figure_page
from explorer.qt.widgets.figure_page import ColourKey

__all__ = ["ColourKey", "Figure", "export_all", "export_figure", "filters_for", "formats_for", "render_figure"]

DEFAULT_WIDTH = 1600
DEFAULT_SCALE = 2.0
SCREEN_DPI = 96.0
MAX_PIXELS = 12000
#: 64 megapixels: a 256 MB image in memory, far beyond any printed page at 600 dpi.
MAX_AREA = 64_000_000
FORMATS_2D = ("png", "svg", "pdf")
FORMATS_3D = ("png",)
_FILTER_NAMES = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "pdf": "PDF document (*.pdf)"}
FILTERS = ";;".join(_FILTER_NAMES[f] for f in FORMATS_2D)
#: Window shapes outside these width/height ratios are not copied into files.
ASPECT_RANGE = (0.6, 2.0)


@dataclass
class Figure:
    """One exportable figure and what a reader needs with it."""

    target: Any
    title: str = ""
    note: str = ""
    x_label: str | None = None
    y_label: str | None = None
    kind: str = "2d"
    key: ColourKey | Callable | None = None
    legend: Sequence[tuple[str, Any]] = ()
    hide: Sequence[QGraphicsItem | QWidget] = ()
    chrome: Callable[[bool], None] | None = None
    aspect: float | None = None
    name: str = ""
    _scale: float = field(default=DEFAULT_SCALE, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in ("2d", "image", "3d"):
            raise ValueError(f"Figure kind must be '2d', 'image' or '3d', not {self.kind!r}")

    @classmethod
    def of(cls, target) -> Figure:
        """``target`` itself if it is a Figure, else a Figure around the widget."""
        if isinstance(target, Figure):
            return target
        return cls(target, kind="3d" if _is_gl(target) else "2d")

    def formats(self) -> tuple[str, ...]:
        return FORMATS_3D if self.kind == "3d" else FORMATS_2D

    def default_aspect(self) -> float:
        """Width / height of the file: the figure's own, or the window's within :data:`ASPECT_RANGE`."""
        if self.aspect:
            return float(self.aspect)
        widget = self.target if isinstance(self.target, QWidget) else None
        shape = widget.width() / widget.height() if widget is not None and widget.height() > 0 else 4 / 3
        if self.kind in ("3d", "image"):
            shape = 1.0 + (0.25 if self.key is not None or self.legend else 0.0)
        return min(max(shape, ASPECT_RANGE[0]), ASPECT_RANGE[1])

    def paint_plot(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the plot itself into ``rect`` (called by :func:`figure_page.paint_page`)."""
        if self.kind == "3d":
            from explorer.qt.widgets.gl_export import paint_labels, render_view

            w, h = max(int(round(rect.width() * self._scale)), 1), max(int(round(rect.height() * self._scale)), 1)
            image, labels = render_view(self.target, w, h, self._scale)
            painter.drawImage(rect, image)
            paint_labels(painter, labels, rect.topLeft(), 1 / self._scale)
            return
        item = figure_page.graphics_item(self.target)
        if item is not None and item.scene() is not None:
            with _labels_applied(self, item):
                figure_page.paint_scene_item(painter, item, rect, self._scale)
        elif isinstance(self.target, QWidget):
            figure_page.paint_widget(painter, self.target, rect)
        else:
            raise UserError(f"cannot export {type(self.target).__name__}")


def _is_gl(widget) -> bool:
    try:
        from pyqtgraph.opengl import GLViewWidget
    except Exception:  # noqa: BLE001 - no PyOpenGL: nothing is a GL view
        return False
    return isinstance(widget, GLViewWidget)


class _labels_applied:  # noqa: N801 - used as a context manager
    """Set the figure's axis labels on its plot for the export, then put the old ones back."""

    def __init__(self, figure: Figure, item):
        self.changes = []
        axes = getattr(item, "getAxis", None)
        for side, text in (("bottom", figure.x_label), ("left", figure.y_label)):
            if text is not None and axes is not None:
                axis = item.getAxis(side)
                self.changes.append((axis, axis.labelText, axis.labelUnits, axis.label.isVisible(), text))

    def __enter__(self):
        for axis, _text, units, _shown, new in self.changes:
            axis.setLabel(new, units=units or None)
        return self

    def __exit__(self, *_exc):
        for axis, text, units, shown, _new in self.changes:
            axis.setLabel(text, units=units or None)
            axis.showLabel(shown)


def export_size(figure: Figure, size=None, width=None, dpi=None) -> tuple[int, int, float]:
    """Pixel width, height and scale (pixels per screen pixel) for the asked size or width + dpi."""
    scale = (float(dpi) / SCREEN_DPI) if dpi else DEFAULT_SCALE
    if size is not None:
        w, h = (int(v) for v in size)
    else:
        w = int(width) if width else DEFAULT_WIDTH
        h = int(round(w / figure.default_aspect()))
    if not (16 <= w <= MAX_PIXELS and 16 <= h <= MAX_PIXELS):
        raise UserError(f"a figure must be 16 to {MAX_PIXELS} pixels on each side, not {w}×{h}")
    if w * h > MAX_AREA:
        raise UserError(f"{w}×{h} pixels is more than a figure needs (at most {MAX_AREA // 10**6} megapixels)")
    if not 0.25 <= scale <= 16:
        raise UserError(f"{dpi} dpi is outside 24..1536")
    return w, h, scale


def render_figure(figure, fmt: str = "png", size=None, width=None, dpi=None) -> bytes:
    """The figure as PNG, SVG or PDF bytes, ready to be written or embedded."""
    figure = Figure.of(figure)
    fmt = fmt.lower().lstrip(".")
    if fmt not in figure.formats():
        offered = ", ".join(f".{f}" for f in figure.formats())
        raise UserError(f"this {'3-D view' if figure.kind == '3d' else 'figure'} can be exported as {offered}")
    w, h, scale = export_size(figure, size, width, dpi)
    figure._scale = scale
    logical = QSizeF(w / scale, h / scale)
    hidden = [each for each in figure.hide if each.isVisible()]
    for each in hidden:
        each.setVisible(False)
    if figure.chrome is not None:
        figure.chrome(True)
    try:
        if fmt == "png":
            return _render_png(figure, w, h, logical, scale)
        if fmt == "svg":
            return _render_svg(figure, w, h, logical, scale)
        return _render_pdf(figure, w, h, logical, scale)
    finally:
        if figure.chrome is not None:
            figure.chrome(False)
        for each in hidden:
            each.setVisible(True)


def _paint(device, figure: Figure, logical: QSizeF, scale: float) -> None:
    painter = QPainter(device)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.scale(scale, scale)
        figure_page.paint_page(painter, figure, logical)
    finally:
        painter.end()


def _encoded(write: Callable[[QBuffer], None]) -> bytes:
    """What ``write`` puts into an in-memory file (written out atomically later)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    write(buffer)
    buffer.close()
    return bytes(buffer.data().data())


def _render_png(figure: Figure, w: int, h: int, logical: QSizeF, scale: float) -> bytes:
    image = QImage(w, h, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    with figure_page.thicker_pens(figure_page.graphics_item(figure.target), scale):
        _paint(image, figure, logical, scale)
    # The print resolution is stored only now: set before painting, it would make
    # point-sized fonts grow twice (once by the dpi, once by the painter's scale).
    dots_per_metre = int(round(SCREEN_DPI * scale / 0.0254))
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)

    def save(buffer: QBuffer) -> None:
        if not image.save(buffer, "PNG"):
            raise UserError("the figure could not be encoded as PNG")

    return _encoded(save)


def _render_svg(figure: Figure, w: int, h: int, logical: QSizeF, scale: float) -> bytes:
    from PySide6.QtSvg import QSvgGenerator

    def draw(buffer: QBuffer) -> None:
        # SVG 1.1, not Tiny 1.2: only 1.1 output carries clip paths, without which a dividing
        # line or a curve runs out of its plot across the axes (browsers draw what is there).
        generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
        generator.setOutputDevice(buffer)
        # Drawn in screen units (the viewBox) and shown at the asked size: lines and
        # text keep their on-screen proportions, as they do in the PNG.
        generator.setSize(QSize(w, h))
        generator.setViewBox(QRectF(QPointF(0, 0), logical))
        generator.setResolution(int(SCREEN_DPI))
        generator.setTitle(figure.title or figure.name or "figure")
        _paint(generator, figure, logical, 1.0)

    # Heatmaps are embedded at one pixel per cell; viewers would blur them when
    # scaling up unless told the pixels are the data.
    return _encoded(draw).replace(b"<svg ", b'<svg style="image-rendering:pixelated" ', 1)


def _render_pdf(figure: Figure, w: int, h: int, logical: QSizeF, scale: float) -> bytes:
    def draw(buffer: QBuffer) -> None:
        writer = QPdfWriter(buffer)
        # Vector output in screen units (96 per inch) so point-sized fonts match the
        # screen; the page is the asked pixel size at the asked dpi.
        writer.setResolution(int(SCREEN_DPI))
        points = QSizeF(w / (SCREEN_DPI * scale) * 72, h / (SCREEN_DPI * scale) * 72)
        writer.setPageSize(QPageSize(points, QPageSize.Unit.Point, "figure", QPageSize.SizeMatchPolicy.ExactMatch))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setTitle(figure.title or figure.name or "figure")
        factor = writer.width() / logical.width()
        _paint(writer, figure, QSizeF(logical.width(), writer.height() / factor), factor)

    return _encoded(draw)


def export_figure(figure, path: str | Path, size=None, width: int | None = None, dpi: float | None = None) -> Path:
    """Write ``figure`` (a :class:`Figure` or a bare widget) to ``path``; the suffix picks the format.

    Parameters
    ----------
    size : (int, int), optional
        Pixel width and height. Without it: ``width`` (default
        :data:`DEFAULT_WIDTH`) and the figure's aspect ratio.
    dpi : float, optional
        Print resolution; text and lines scale with it (default 192, i.e. 2×).

    Raises
    ------
    UserError
        An unsupported suffix (e.g. .svg for a 3-D view), a bad size, or a
        failed write; no partial file is left under ``path``.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    figure = Figure.of(figure)
    if fmt not in figure.formats():
        offered = " or ".join(f".{f}" for f in figure.formats())
        raise UserError(f"{path.name}: this {'3-D view' if figure.kind == '3d' else 'figure'} "
                        f"can be exported as {offered}")
    data = render_figure(figure, fmt, size=size, width=width, dpi=dpi)
    if not data:
        raise UserError(f"{path.name}: the figure came out empty; nothing was written")
    write_bytes(path, data)
    if path.stat().st_size != len(data):
        raise UserError(f"could not write {path}: the file on disk is incomplete")
    return path


def formats_for(figure) -> tuple[str, ...]:
    """The file formats a figure can be exported as ("png", "svg", "pdf" or just "png" for 3-D)."""
    return Figure.of(figure).formats()


def filters_for(figure) -> str:
    """File-dialog filters for ``figure``: no SVG or PDF for a 3-D view."""
    return ";;".join(_FILTER_NAMES[f] for f in formats_for(figure))


def export_all(figures: Mapping[str, Any] | Iterable[Figure], folder: str | Path, formats: Sequence[str] = ("png", "svg"),
               size=None, width: int | None = None, dpi: float | None = None) -> list[Path]:
    """Write every figure into ``folder`` in each format it supports; return the paths written.

    ``figures`` maps file stems to figures (or widgets), or is a list of
    :class:`Figure` with ``name`` set. A 3-D view is written as PNG only.
    The first failure raises :class:`UserError`; files already written stay.
    """
    folder = Path(folder)
    items = figures.items() if isinstance(figures, Mapping) else ((f.name, f) for f in figures)
    written = []
    for name, each in items:
        each = Figure.of(each)
        if not name:
            raise UserError("every figure in a set needs a file name")
        for fmt in formats:
            if fmt.lower() in each.formats():
                written.append(export_figure(each, folder / f"{name}.{fmt.lower()}", size=size, width=width, dpi=dpi))
    return written
