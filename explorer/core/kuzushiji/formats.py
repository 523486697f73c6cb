"""Read one KMNIST file (IDX, gzipped IDX or official .npz) into a numpy array.

IDX parsing is torchvision's, imported only when a file is read: importing
torchvision costs seconds (it pulls in ``torchvision.models``/``ops`` and
``torch._dynamo``), which must not happen while the window starts. Where
torchvision is not installed (the CPU-only bundle) a small numpy reader of the
same format is used. This module only unpacks gzip first and turns every parse
failure into a :class:`UserError` that names the file.
"""

from __future__ import annotations

import gzip
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from explorer.core.errors import UserError

# Everything torchvision's IDX reader or gzip may raise on a bad file.
_PARSE_ERRORS = (AssertionError, RuntimeError, ValueError, TypeError, KeyError, IndexError)
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)
# IDX type codes (third magic byte) and their big-endian numpy types, as torchvision maps them.
_IDX_DTYPES = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}
# The largest KMNIST file unpacked: 60,000 images of 28 x 28 bytes plus the 16-byte header.
# A gzip "bomb" is refused once it inflates past this, not after gigabytes.
MAX_IDX_BYTES = 16 + 60_000 * 28 * 28


def read_idx(file: Path) -> np.ndarray:
    """The array in an IDX file, gzipped (``.gz``) or not."""
    if file.suffix != ".gz":
        return _parse_idx(file, file.name)
    with tempfile.TemporaryDirectory(prefix="kmnist-") as tmp:
        raw = Path(tmp) / file.stem
        try:
            with gzip.open(file, "rb") as src, open(raw, "wb") as dst:
                _inflate_capped(src, dst, file.name)
        except _GZIP_ERRORS as exc:
            raise UserError(f"{file.name}: truncated or corrupt gzip file ({exc})") from exc
        return _parse_idx(raw, file.name)


def _inflate_capped(src, dst, name: str) -> None:
    """Copy the unpacked stream, refusing it as soon as it outgrows :data:`MAX_IDX_BYTES`."""
    written = 0
    while block := src.read(1 << 20):
        written += len(block)
        if written > MAX_IDX_BYTES:
            raise UserError(
                f"{name}: unpacks to more than {MAX_IDX_BYTES:,} bytes, more than any KMNIST file"
            )
        dst.write(block)


def _parse_idx(file: Path, name: str) -> np.ndarray:
    size = file.stat().st_size
    if size < 8:
        raise UserError(f"{name}: truncated IDX file ({size} bytes, not even a header)")
    try:
        array = _idx_reader()(file)
    except _PARSE_ERRORS as exc:
        raise UserError(
            f"{name}: truncated or corrupt IDX file (its header does not match its "
            f"{size:,} bytes{': ' + str(exc) if str(exc) else ''})"
        ) from exc
    return array


def _idx_reader():
    """torchvision's IDX reader (as numpy), or the numpy one where torchvision is absent."""
    try:
        from torchvision.datasets.mnist import read_sn3_pascalvincent_tensor
    except ImportError:
        return read_idx_numpy
    return lambda file: read_sn3_pascalvincent_tensor(str(file), strict=True).numpy()


def read_idx_numpy(file: Path) -> np.ndarray:
    """Parse a raw IDX file with numpy alone (same checks as torchvision's strict reader).

    Raises ``ValueError`` when the header is not IDX or does not match the file's size.
    """
    data = Path(file).read_bytes()
    zero, type_code, ndim = int.from_bytes(data[:2], "big"), data[2], data[3]
    if zero != 0 or type_code not in _IDX_DTYPES or not 1 <= ndim <= 3:
        raise ValueError(f"not an IDX header (magic {data[:4].hex()})")
    header = 4 * (ndim + 1)
    if len(data) < header:
        raise ValueError("header cut short")
    shape = tuple(int.from_bytes(data[4 * (i + 1) : 4 * (i + 2)], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[type_code])
    if len(data) - header != int(np.prod(shape)) * dtype.itemsize:
        raise ValueError(f"shape {shape} needs {int(np.prod(shape)) * dtype.itemsize:,} data bytes")
    return np.frombuffer(data, dtype=dtype, offset=header).astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def read_npz(file: Path) -> np.ndarray:
    """The array in an official KMNIST ``.npz`` file (key ``arr_0``, or its only array)."""
    try:
        with np.load(file, allow_pickle=False) as npz:
            keys = list(npz.keys())
            if "arr_0" in keys:
                return npz["arr_0"]
            if len(keys) == 1:
                return npz[keys[0]]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise UserError(f"{file.name}: truncated or corrupt .npz file ({exc})") from exc
    raise UserError(
        f"{file.name}: no array 'arr_0' in this .npz file (found {', '.join(keys) or 'none'})"
    )
