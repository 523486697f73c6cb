"""Read one KMNIST file (IDX, gzipped IDX or official .npz) into a numpy array.

IDX parsing is torchvision's; this module only unpacks gzip first and turns
every parse failure into a :class:`UserError` that names the file.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
from torchvision.datasets.mnist import read_sn3_pascalvincent_tensor

from explorer.core.errors import UserError

# Everything torchvision's IDX reader or gzip may raise on a bad file.
_PARSE_ERRORS = (AssertionError, RuntimeError, ValueError, TypeError, KeyError, IndexError)
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def read_idx(file: Path) -> np.ndarray:
    """The array in an IDX file, gzipped (``.gz``) or not."""
    if file.suffix != ".gz":
        return _parse_idx(file, file.name)
    with tempfile.TemporaryDirectory(prefix="kmnist-") as tmp:
        raw = Path(tmp) / file.stem
        try:
            with gzip.open(file, "rb") as src, open(raw, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except _GZIP_ERRORS as exc:
            raise UserError(f"{file.name}: truncated or corrupt gzip file ({exc})") from exc
        return _parse_idx(raw, file.name)


def _parse_idx(file: Path, name: str) -> np.ndarray:
    size = file.stat().st_size
    if size < 8:
        raise UserError(f"{name}: truncated IDX file ({size} bytes, not even a header)")
    try:
        tensor = read_sn3_pascalvincent_tensor(str(file), strict=True)
    except _PARSE_ERRORS as exc:
        raise UserError(
            f"{name}: truncated or corrupt IDX file (its header does not match its "
            f"{size:,} bytes{': ' + str(exc) if str(exc) else ''})"
        ) from exc
    return tensor.numpy()


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
