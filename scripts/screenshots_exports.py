"""Pictures of what the app writes: the exported figure sets and the HTML lab report.

Called by ``scripts/screenshots.py`` after the tabs' own shots, so the
figures show the nets trained there. The files go to a temporary folder;
only the pictures of them land in ``docs/screenshots/``.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Size of each exported figure, and of its thumbnail on the contact sheet.
EXPORT_SIZE = (800, 600)
THUMB = (320, 240)
COLUMNS = 4


def _contact_sheet(files: list[Path], title: str, out: Path) -> Path:
    """The PNG files as a grid of labelled thumbnails."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    rows = max(1, math.ceil(len(files) / COLUMNS))
    label, pad, head = 22, 12, 40
    sheet = QImage(COLUMNS * (THUMB[0] + pad) + pad, head + rows * (THUMB[1] + label + pad) + pad,
                   QImage.Format.Format_RGB32)
    sheet.fill(QColor(245, 245, 245))
    painter = QPainter(sheet)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    font = QFont()
    font.setPixelSize(18)
    painter.setFont(font)
    painter.drawText(QRect(pad, 0, sheet.width(), head), Qt.AlignmentFlag.AlignVCenter, title)
    font.setPixelSize(13)
    painter.setFont(font)
    for i, path in enumerate(files):
        x = pad + (i % COLUMNS) * (THUMB[0] + pad)
        y = head + (i // COLUMNS) * (THUMB[1] + label + pad)
        image = QImage(str(path)).scaled(*THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation)
        painter.fillRect(x, y, *THUMB, QColor("white"))
        painter.drawImage(x + (THUMB[0] - image.width()) // 2, y + (THUMB[1] - image.height()) // 2, image)
        painter.drawText(QRect(x, y + THUMB[1], THUMB[0], label), Qt.AlignmentFlag.AlignCenter, path.name)
    painter.end()
    sheet.save(str(out))
    print(f"wrote {out}")
    return out


def figure_sets(app, window, out_dir: Path) -> list[Path]:
    """Each tab's File → Export figures… set (PNG and SVG), pictured as ``exported_<tab>.png``."""
    from explorer.qt.exports import export_tab, tab_key

    sheets = []
    folder = Path(tempfile.mkdtemp(prefix="explorer-exports-"))
    for i in range(window.tabs.count()):
        tab = window.tab(i)  # built on first use
        key = tab_key(tab)
        window.tabs.setCurrentWidget(tab)
        app.processEvents()
        written = export_tab(tab, folder / key, formats=("png", "svg"), size=EXPORT_SIZE)
        pngs = [p for p in written if p.suffix == ".png"]
        svgs = sum(p.suffix == ".svg" for p in written)
        print(f"{key}: exported {len(pngs)} PNG and {svgs} SVG files to {folder / key}")
        if pngs:
            title = f"File → Export figures… on the {tab.title} tab: {len(pngs)} figures (PNG and SVG), {EXPORT_SIZE[0]}×{EXPORT_SIZE[1]}"
            sheets.append(_contact_sheet(pngs, title, out_dir / f"exported_{key}.png"))
    return sheets


def report(app, window, out_dir: Path) -> Path | None:
    """The lab report of every tab, rendered by headless Chromium as ``report.png``."""
    from explorer.qt.exports import write_lab_report

    folder = Path(tempfile.mkdtemp(prefix="explorer-report-"))
    tabs = window.all_tabs()
    html = write_lab_report(folder / "lab_report.html", tabs)
    print(f"wrote {html}")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("screenshots: no chromium to render the report (apt-get install chromium)", file=sys.stderr)
        return None
    shot = out_dir / "report.png"
    # Root (a container) needs --no-sandbox; the page is a local file with nothing to fetch.
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1100,2400", f"--screenshot={shot}", html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    print(f"wrote {shot}")
    return shot
