"""Pictures of circles, squares and triangles drawn with PIL, in the ImageFolder layout (importable without pytest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ("circle", "square", "triangle")
FORMATS = ("png", "jpg", "bmp", "tif")


def shape_picture(shape: str, side: int = 120, *, dark: bool = False, pen: int = 0, jitter: int = 0) -> Image.Image:
    """``shape`` outlined with a pen of ``pen`` pixels (default side/12) on light paper, or light on dark."""
    paper, ink = (20, 235) if dark else (245, 15)
    image = Image.new("L", (side, side), paper)
    draw = ImageDraw.Draw(image)
    m = side // 6 + jitter
    width = pen or max(2, side // 12)
    box = (m, m, side - 1 - m, side - 1 - m)
    if shape == "circle":
        draw.ellipse(box, outline=ink, width=width)
    elif shape == "square":
        draw.rectangle(box, outline=ink, width=width)
    elif shape == "triangle":
        draw.line([(side // 2, m), (side - 1 - m, side - 1 - m), (m, side - 1 - m), (side // 2, m)], fill=ink,
                  width=width, joint="curve")
    else:
        raise ValueError(shape)
    return image


def write_shapes_folder(root: Path, per_class: int = 6) -> dict[str, list[Path]]:
    """``root/<shape>/<shape>-<i>.<fmt>`` in every format and several sizes; returns the files per class."""
    files: dict[str, list[Path]] = {}
    for shape in SHAPES:
        folder = root / shape
        folder.mkdir(parents=True, exist_ok=True)
        files[shape] = []
        for i in range(per_class):
            fmt = FORMATS[i % len(FORMATS)]
            side = (60, 120, 333, 90, 200, 150)[i % 6]
            picture = shape_picture(shape, side, jitter=i % 3)
            if fmt == "png" and i % 2 == 0:
                picture = picture.convert("RGB")  # colour files too
            path = folder / f"{shape}-{i}.{fmt}"
            picture.save(path)
            files[shape].append(path)
    return files


def as_array(picture: Image.Image) -> np.ndarray:
    return np.asarray(picture.convert("L"))
