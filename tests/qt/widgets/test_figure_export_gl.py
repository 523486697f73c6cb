"""The 3-D view exports offscreen at the asked size, points in their colours, with key and labels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from explorer.core.errors import UserError
from explorer.qt.widgets.figure_export import ColourKey, Figure, export_all, export_figure

pytestmark = pytest.mark.gl


@pytest.fixture
def view(qtbot):
    import pyqtgraph.opengl as gl

    widget = gl.GLViewWidget()
    qtbot.addWidget(widget)
    widget.setBackgroundColor(QColor(255, 255, 255))
    widget.resize(260, 480)  # a narrow window: the file still gets the asked shape
    positions = np.random.default_rng(0).normal(size=(300, 3))
    colours = np.zeros((300, 4))
    colours[:150] = (0, 0, 1, 1)
    colours[150:] = (1, 0, 0, 1)
    points = gl.GLScatterPlotItem(pos=positions, color=colours, size=12, pxMode=True)
    points.setGLOptions("translucent")
    widget.addItem(points)
    widget.addItem(gl.GLTextItem(pos=(2.5, 0, 0), text="unit 0", color=QColor(0, 0, 0)))
    widget.setCameraPosition(distance=9)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _rgb(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return array[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def test_3d_png_has_the_asked_size_and_shows_the_points(view, tmp_path):
    key = ColourKey([(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)], 0, 4, "state")
    figure = Figure(view, kind="3d", title="SRN-3 hidden states", key=key)
    rgb = _rgb(export_figure(figure, tmp_path / "srn_3d.png", size=(900, 700)))
    assert rgb.shape == (700, 900, 3)
    plot = rgb[:, :600]  # left of the colour key (the last 120 of 450 page units)
    blue = (plot[..., 2] > 150) & (plot[..., 0] < 80) & (plot[..., 1] < 80)
    red = (plot[..., 0] > 150) & (plot[..., 1] < 80) & (plot[..., 2] < 80)
    assert blue.sum() > 500 and red.sum() > 500  # BGRA read the right way round: blue stays blue
    assert (rgb[:60].sum(axis=2) < 200).sum() > 100  # the title
    key_strip = rgb[:, 630:]
    assert ((key_strip[..., 0] > 150) & (key_strip[..., 2] < 80)).sum() > 50  # the colour key's red end


def test_3d_offers_png_only_and_export_all_skips_svg(view, tmp_path):
    figure = Figure(view, kind="3d", name="srn_3d")
    with pytest.raises(UserError, match=r"\.png"):
        export_figure(figure, tmp_path / "srn.svg")
    written = export_all([figure], tmp_path, formats=("png", "svg"))
    assert [p.name for p in written] == ["srn_3d.png"]
    assert QImage(str(written[0])).width() == 1600


def test_bare_gl_widget_is_recognised_as_3d(view, tmp_path):
    assert Figure.of(view).kind == "3d"
    with pytest.raises(UserError, match="3-D view"):
        export_figure(view, tmp_path / "v.pdf")


def test_3d_goes_into_the_report_as_png(view):
    from explorer.qt.widgets.report_figures import report_figure

    figure = report_figure(Figure(view, kind="3d", title="SRN-3"))
    assert figure.svg is None and figure.png[:8] == b"\x89PNG\r\n\x1a\n"


def test_points_grow_with_the_scale_and_get_their_size_back(view, tmp_path):
    import pyqtgraph.opengl as gl

    points = next(i for i in view.items if isinstance(i, gl.GLScatterPlotItem))
    rgb_1x = _rgb(export_figure(Figure(view, kind="3d"), tmp_path / "a.png", size=(600, 600), dpi=96))
    rgb_2x = _rgb(export_figure(Figure(view, kind="3d"), tmp_path / "b.png", size=(600, 600), dpi=192))
    coloured = [(np.abs(rgb[..., 0] - rgb[..., 1]) + np.abs(rgb[..., 2] - rgb[..., 1]) > 200).sum()
                for rgb in (rgb_1x, rgb_2x)]
    assert coloured[1] > 1.5 * coloured[0]
    assert points.size == 12


def test_a_view_never_shown_still_exports_and_stays_hidden(qtbot, tmp_path):
    import pyqtgraph.opengl as gl

    view = gl.GLViewWidget()  # as on the command line: no window
    qtbot.addWidget(view)
    view.setBackgroundColor(QColor(255, 255, 255))
    point = gl.GLScatterPlotItem(pos=np.zeros((1, 3)), color=(0, 0, 1, 1), size=40, pxMode=True)
    point.setGLOptions("translucent")  # the default, additive, vanishes on white
    view.addItem(point)
    rgb = _rgb(export_figure(Figure(view, kind="3d"), tmp_path / "hidden.png", size=(400, 400), dpi=96))
    assert ((rgb[..., 2] > 150) & (rgb[..., 0] < 80)).sum() > 500
    assert not view.isVisible()
