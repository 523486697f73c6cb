"""Render resources/icons/app.svg to the icons the bundles need.

PyInstaller (through Pillow) cannot read SVG, so Qt's SVG renderer draws the
picture at each size and Pillow writes the containers:

* ``neural-explorer.png`` (256 px, for the Linux hicolor theme and the .desktop file),
* ``neural-explorer.ico`` (16–256 px, Windows),
* ``neural-explorer.icns`` (16–1024 px incl. @2x, macOS).

Usage: ``python packaging/make_icons.py [OUT_DIR]`` (default ``build/icons``). Runs
without a display (Qt's offscreen platform). Nothing is redone when every output is
newer than the SVG.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]


def render_png(svg: Path, size: int) -> bytes:
    """``svg`` drawn on a transparent ``size``×``size`` canvas, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def make_icons(out: Path, svg: Path = SVG) -> list[Path]:
    """Write the .png, .ico and .icns into ``out``; return their paths."""
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - fonts/painting need it
    out.mkdir(parents=True, exist_ok=True)
    big = Image.open(io.BytesIO(render_png(svg, 1024))).convert("RGBA")
    png, ico, icns = out / "neural-explorer.png", out / "neural-explorer.ico", out / "neural-explorer.icns"
    Image.open(io.BytesIO(render_png(svg, 256))).save(png)
    # Pillow downsamples the 1024 px drawing for every size listed; Qt draws the SVG crisply once.
    big.save(ico, sizes=[(s, s) for s in ICO_SIZES])
    big.save(icns)  # Pillow writes every standard icns size from the largest image
    return [png, ico, icns]


def up_to_date(out: Path, svg: Path = SVG) -> bool:
    files = [out / f"neural-explorer.{ext}" for ext in ("png", "ico", "icns")]
    return all(f.exists() and f.stat().st_mtime >= svg.stat().st_mtime for f in files)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons"
    if not up_to_date(target):
        for path in make_icons(target):
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
