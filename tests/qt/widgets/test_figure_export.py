"""2-D figures export at the asked size with title, labels and key, without UI chrome."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from explorer.core.errors import UserError
from explorer.qt.widgets.figure_export import (
    ColourKey,
    Figure,
    export_all,
    export_figure,
    filters_for,
)

SVG_NS = "{http://www.w3.org/2000/svg}"


def _rgb(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return array[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def _figure(plot, **extra) -> Figure:
    return Figure(plot, title="Test loss of NetLin", note="epoch 10", x_label="epoch", y_label="loss",
                  hide=[plot.selection_box], **extra)


def test_png_has_the_asked_size_and_shows_the_curves_not_the_selection_box(loss_plot, tmp_path):
    path = export_figure(_figure(loss_plot), tmp_path / "loss.png", size=(1000, 700))
    rgb = _rgb(path)
    assert rgb.shape == (700, 1000, 3)
    blue = (rgb[..., 2] > 200) & (rgb[..., 0] < 80) & (rgb[..., 1] < 80)
    red = (rgb[..., 0] > 200) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)
    assert blue.sum() > 200  # the curve is there, and not a hairline
    assert red.sum() == 0  # the selection box is not
    assert loss_plot.selection_box.isVisible()  # and is back on screen afterwards
    dark = rgb.sum(axis=2) < 200
    assert dark[:60].sum() > 100  # the title band has text in it


def test_default_is_report_sized_with_a_sane_aspect_whatever_the_window(loss_plot, tmp_path):
    path = export_figure(_figure(loss_plot), tmp_path / "loss.png")
    image = QImage(str(path))
    assert image.width() == 1600
    assert 0.5 <= image.width() / image.height() <= 2.0  # the window is 220×900
    assert round(image.dotsPerMeterX() * 0.0254) == 192  # 2× screen resolution, for print
    assert loss_plot.getPlotItem().geometry().height() == pytest.approx(loss_plot.height(), abs=2)
    legend = loss_plot.getPlotItem().legend  # scaled with the file, then fixed-size on screen again
    assert legend.flags() & legend.GraphicsItemFlag.ItemIgnoresTransformations


def test_svg_parses_and_carries_title_axis_labels_and_key(loss_plot, tmp_path):
    figure = _figure(loss_plot, key=ColourKey([(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)], 0, 4, "state value"))
    path = export_figure(figure, tmp_path / "loss.svg", size=(900, 600))
    root = ET.parse(path).getroot()
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    for words in ("Test loss of NetLin", "epoch 10", "epoch", "loss", "state value", "NetConv"):
        assert words in texts
    assert root.get("viewBox") is not None
    assert loss_plot.getPlotItem().getAxis("bottom").labelText == ""  # the plot's own label is restored


def test_pdf_is_written(loss_plot, tmp_path):
    path = export_figure(_figure(loss_plot), tmp_path / "loss.pdf")
    data = path.read_bytes()
    assert data[:5] == b"%PDF-" and b"%%EOF" in data[-64:] and len(data) > 2000


def test_chrome_hook_is_called_around_the_export(loss_plot, tmp_path):
    calls = []
    figure = Figure(loss_plot, chrome=calls.append)
    export_figure(figure, tmp_path / "a.png", size=(400, 300))
    assert calls == [True, False]


def test_old_call_with_a_bare_widget_still_works(loss_plot, tmp_path):
    path = export_figure(loss_plot, tmp_path / "plain.png", width=900)
    assert QImage(str(path)).width() == 900
    assert "<svg" in export_figure(loss_plot, tmp_path / "plain.svg").read_text()[:600]


def test_unknown_suffix_and_bad_size_are_refused(loss_plot, tmp_path):
    with pytest.raises(UserError, match=r"\.png"):
        export_figure(loss_plot, tmp_path / "loss.jpg")
    with pytest.raises(UserError, match="pixels"):
        export_figure(loss_plot, tmp_path / "loss.png", size=(5, 5))
    with pytest.raises(UserError, match="megapixels"):
        export_figure(loss_plot, tmp_path / "loss.png", size=(12000, 12000))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_read_only_folder_gives_a_user_error_and_no_file(loss_plot, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(UserError, match="could not write"):
            export_figure(loss_plot, folder / "loss.png")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_failed_write_leaves_no_partial_file(loss_plot, tmp_path, monkeypatch):
    """A full disk halfway through the write: the final name never appears, nor a temporary."""
    import explorer.core.atomic as atomic

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    with pytest.raises(UserError, match="disk full"):
        export_figure(loss_plot, tmp_path / "loss.png")
    assert list(tmp_path.iterdir()) == []


def test_export_all_writes_every_format_a_figure_has(loss_plot, tmp_path, qtbot):
    image_plot = pg.PlotWidget()
    qtbot.addWidget(image_plot)
    image_plot.addItem(pg.ImageItem(np.random.default_rng(0).random((10, 10))))
    figures = {"loss": _figure(loss_plot), "confusion": Figure(image_plot, kind="image", title="Confusion")}
    written = export_all(figures, tmp_path / "set", formats=("png", "svg"))
    assert sorted(p.name for p in written) == ["confusion.png", "confusion.svg", "loss.png", "loss.svg"]
    svg = ET.parse(tmp_path / "set" / "confusion.svg").getroot()
    assert "pixelated" in svg.get("style")  # a 10×10 matrix stays ten crisp cells when scaled
    assert any(i.get("{http://www.w3.org/1999/xlink}href", "").startswith("data:image/png")
               for i in svg.iter(f"{SVG_NS}image"))
    assert all(p.stat().st_size > 1000 for p in written)
    assert filters_for(figures["loss"]).count("*.") == 3


def test_a_plain_widget_is_drawn_scaled_to_fit(qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel

    label = QLabel("step 3: p(b) = 0.91")
    label.setStyleSheet("background: rgb(0, 0, 255); color: white;")
    qtbot.addWidget(label)
    label.resize(200, 50)
    rgb = _rgb(export_figure(Figure(label, title="Step panel"), tmp_path / "panel.png", size=(800, 400)))
    blue = (rgb[..., 2] > 200) & (rgb[..., 0] < 60)
    assert blue.sum() > 0.25 * 800 * 400 * 0.5  # fills the page's width, aspect kept


def test_colour_key_from_a_pyqtgraph_map_and_colour_forms():
    from explorer.qt.widgets.figure_page import qcolor

    key = ColourKey.from_colormap(pg.ColorMap([0.0, 1.0], [(255, 255, 255), (0, 0, 255)]), 0, 500, "count")
    assert key.colors[0].getRgb()[:3] == (255, 255, 255) and key.colors[-1].getRgb()[:3] == (0, 0, 255)
    assert qcolor((1, 1, 1)).getRgb()[:3] == (1, 1, 1)  # integers are 0..255
    assert qcolor((1.0, 0.5, 0.0)).getRgb()[:3] == (255, 128, 0)
    assert qcolor(np.array([0.0, 0.0, 1.0, 1.0])).getRgb() == (0, 0, 255, 255)


def test_one_plot_of_a_layout_exports_alone_even_if_never_shown(qtbot, tmp_path):
    layout = pg.GraphicsLayoutWidget()  # a tab that was never opened
    qtbot.addWidget(layout)
    top = layout.addPlot(row=0, col=0)
    bottom = layout.addPlot(row=1, col=0)
    top.plot([0, 1], [0, 1], pen=pg.mkPen(255, 0, 0, width=3))
    bottom.plot([0, 1], [1, 0], pen=pg.mkPen(0, 0, 255, width=3))
    before = top.geometry()
    rgb = _rgb(export_figure(Figure(bottom, title="unit 0 against unit 1"), tmp_path / "pair.png", size=(800, 800)))
    blue = (rgb[..., 2] > 200) & (rgb[..., 0] < 80) & (rgb[..., 1] < 80)
    red = (rgb[..., 0] > 200) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)
    assert blue.sum() > 1000 and red.sum() == 0  # the other plot of the layout is left out
    rows = np.flatnonzero(blue.any(axis=1))
    assert rows[-1] - rows[0] > 400  # and the exported one fills the square page, not a strip of it
    assert top.isVisible() and top.geometry() == before


def test_lines_keep_their_on_screen_thickness_at_2x(qtbot, tmp_path):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.setXRange(0, 1, padding=0)
    plot.addItem(pg.InfiniteLine(0.5, angle=90, pen=pg.mkPen(255, 0, 0, width=2)))
    thickness = []
    for dpi in (96, 192):
        rgb = _rgb(export_figure(plot, tmp_path / f"line{dpi}.png", size=(800, 600), dpi=dpi))
        redness = (rgb[300, :, 0] - rgb[300, :, 1]).clip(0) / 255  # antialiased edges count in part
        thickness.append(redness.sum())
    assert thickness[0] == pytest.approx(2, abs=0.6)
    assert thickness[1] == pytest.approx(2 * thickness[0], rel=0.25)
