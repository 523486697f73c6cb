"""Make ``docs/drawing_stats.png``: real KMNIST images, re-rendered as drawings and scans, and what the nets see.

Each row is one real image of the sample (``../shared/data/kmnist-sample/``
or ``EXPLORER_KMNIST_SAMPLE``): first the raw 28×28 image, then for each
re-rendering (normal, thin and thick pen, half-size off-centre, scan) the
picture given to the preprocessing and the 28×28 input it produced.

Run: ``.venv/bin/python scripts/drawing_figure.py [OUTPUT.png]``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.fidelity import load_sample
from explorer.core.kuzushiji.preprocess import to_kmnist_input
from explorer.core.kuzushiji.rerender import VARIANTS, rerender

ROOT = Path(__file__).resolve().parents[1]
TILE = 112
GAP = 6
LABEL = 18


def tile(image: np.ndarray, nearest: bool) -> Image.Image:
    grey = Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8) if image.dtype != np.uint8 else image)
    return grey.resize((TILE, TILE), Image.NEAREST if nearest else Image.LANCZOS)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "drawing_stats.png"
    folder = Path(os.environ.get("EXPLORER_KMNIST_SAMPLE", ROOT / ".." / "shared" / "data" / "kmnist-sample"))
    sample = load_sample(folder)
    picks = [int(np.flatnonzero(sample.labels == c)[0]) for c in (0, 3, 4, 9)]
    headers = ["raw 28x28"] + [f"{v}: {what}" for v in VARIANTS for what in ("picture", "input")]
    width = len(headers) * (TILE + GAP) + GAP
    height = LABEL + len(picks) * (TILE + GAP) + GAP
    figure = Image.new("L", (width, height), 128)
    draw = ImageDraw.Draw(figure)
    for col, header in enumerate(headers):
        draw.text((GAP + col * (TILE + GAP), 3), header, fill=255)
    for row, index in enumerate(picks):
        image = sample.images[index]
        tiles = [tile(image, nearest=True)]
        for variant in VARIANTS:
            picture = rerender(image, variant)
            tiles.append(tile(picture, nearest=False))
            tiles.append(tile(to_kmnist_input(picture).array28, nearest=True))
        y = LABEL + row * (TILE + GAP)
        for col, t in enumerate(tiles):
            figure.paste(t, (GAP + col * (TILE + GAP), y))
        draw.text((GAP + 2, y + 2), CLASSES[int(sample.labels[index])][1], fill=200)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.save(out, optimize=True)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
