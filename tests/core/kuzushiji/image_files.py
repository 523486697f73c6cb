"""Crafted picture files: a broken PNG, a PNG header declaring a huge picture, a float TIFF with NaN."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png_header(folder: Path, width: int, height: int) -> Path:
    """A PNG whose header declares ``width``×``height`` grey pixels (its data is a few bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _chunk(
        b"IEND", b""
    )
    path = folder / f"huge-{width}x{height}.png"
    path.write_bytes(data)
    return path


def png_with_broken_idat(folder: Path) -> Path:
    """A real 100×100 PNG whose compressed pixel data is overwritten (its checksum made right again)."""
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (100, 100), dtype=np.uint8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    at = data.index(b"IDAT")
    length = struct.unpack(">I", data[at - 4 : at])[0]
    data[at + 24 : at + 44] = b"\xff" * 20
    data[at + 4 + length : at + 8 + length] = struct.pack(">I", zlib.crc32(bytes(data[at : at + 4 + length])))
    path = folder / "broken.png"
    path.write_bytes(bytes(data))
    return path


def nan_tiff(folder: Path) -> Path:
    """A float (mode 'F') TIFF of a dark stroke on light paper with one NaN pixel."""
    pixels = np.full((60, 60), 230.0, np.float32)
    pixels[10:50, 28:32] = 10.0
    pixels[5, 5] = np.nan
    path = folder / "nan.tif"
    Image.fromarray(pixels).save(path)  # float32: mode "F"
    return path
