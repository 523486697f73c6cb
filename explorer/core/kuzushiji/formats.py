"""Read one data file (KMNIST's IDX, gzipped IDX or .npz; Kuzushiji-49's .npz) into a numpy array.

IDX parsing is torchvision's, imported only when a file is read: importing
torchvision costs seconds (it pulls in ``torchvision.models``/``ops`` and
``torch._dynamo``), which must not happen while the window starts. Where
torchvision is not installed (the CPU-only bundle) a small numpy reader of the
same format is used. This module only unpacks gzip first and turns every parse
failure into a :class:`UserError` that names the file.

Every size is checked before memory is allocated: an IDX or ``.npy`` header
declares its array's shape, and a file whose array would be larger than
:data:`MAX_ARRAY_BYTES` (:data:`MAX_IMAGES` images of 28×28 bytes) is refused
from its header alone, as is one whose data does not match its header.
``.npz`` members are read with ``numpy.lib.format``'s header readers, never
with ``allow_pickle``: an archive of Python objects is refused, not loaded.
"""

from __future__ import annotations

import gzip
import math
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from explorer.core.errors import UserError
from explorer.core.user_files import regular_file

# Everything torchvision's IDX reader or gzip may raise on a bad file.
_PARSE_ERRORS = (AssertionError, RuntimeError, ValueError, TypeError, KeyError, IndexError)
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)
# IDX type codes (third magic byte) and their big-endian numpy types, as torchvision maps them.
_IDX_DTYPES = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}
MAX_IMAGES = 300_000
"""Most images one file may hold: Kuzushiji-49's 232,365 training images fit, with room to spare."""
MAX_ARRAY_BYTES = MAX_IMAGES * 28 * 28
"""Largest array (in bytes) one file may declare: :data:`MAX_IMAGES` images of 28×28 bytes (235 MB)."""
MAX_IDX_BYTES = 16 + MAX_ARRAY_BYTES
"""Largest IDX file, unpacked: the header plus :data:`MAX_ARRAY_BYTES`.
A gzip "bomb" is refused once it inflates past this (or past what its header declares)."""


def _too_large(name: str, shape: tuple[int, ...], nbytes: int) -> UserError:
    dims = "×".join(f"{d:,}" for d in shape)
    return UserError(
        f"{name}: declares an array of {dims} values ({nbytes:,} bytes); the most a data file may hold is "
        f"{MAX_ARRAY_BYTES:,} bytes ({MAX_IMAGES:,} images of 28×28)"
    )


def idx_header(head: bytes, name: str) -> tuple[int, np.dtype, tuple[int, ...]]:
    """``(header length, dtype, shape)`` from the first bytes of an IDX file, checked against the limits.

    Raises :class:`UserError` naming the file for a header that is not IDX or
    declares more than :data:`MAX_ARRAY_BYTES`.
    """
    if len(head) < 4 or head[:2] != b"\0\0" or head[2] not in _IDX_DTYPES or not 1 <= head[3] <= 3:
        raise UserError(f"{name}: not an IDX file (its first bytes are {head[:4].hex() or 'missing'})")
    ndim = head[3]
    length = 4 * (ndim + 1)
    if len(head) < length:
        raise UserError(f"{name}: truncated IDX file (the header is cut short)")
    shape = struct.unpack(f">{ndim}I", head[4:length])
    dtype = np.dtype(_IDX_DTYPES[head[2]])
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > MAX_ARRAY_BYTES:
        raise _too_large(name, shape, nbytes)
    return length, dtype, shape


def read_idx(file: Path) -> np.ndarray:
    """The array in an IDX file, gzipped (``.gz``) or not."""
    file = regular_file(file, "data file")
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
    """Copy the unpacked stream, refusing it once it outgrows its header or :data:`MAX_IDX_BYTES`."""
    head = src.read(16)
    length, dtype, shape = idx_header(head, name)
    cap = length + math.prod(shape) * dtype.itemsize
    written = len(head)
    dst.write(head)
    while block := src.read(1 << 20):
        written += len(block)
        if written > cap:
            raise UserError(
                f"{name}: unpacks to more than {cap:,} bytes, more than its header declares"
            )
        dst.write(block)


def _parse_idx(file: Path, name: str) -> np.ndarray:
    size = file.stat().st_size
    if size < 8:
        raise UserError(f"{name}: truncated IDX file ({size} bytes, not even a header)")
    with open(file, "rb") as handle:
        length, dtype, shape = idx_header(handle.read(16), name)
    if size != length + math.prod(shape) * dtype.itemsize:
        dims = "×".join(f"{d:,}" for d in shape)
        raise UserError(
            f"{name}: truncated or corrupt IDX file (its header declares {dims} values, "
            f"which do not match its {size:,} bytes)"
        )
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
    """The array in an official ``.npz`` file (key ``arr_0``, or its only array)."""
    file = regular_file(file, "data file")
    with open(file, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\x93NUMPY"):
        raise UserError(f"{file.name}: a single NumPy array (.npy) with a .npz name, not a .npz archive")
    if head[:1] == b"\x80":
        raise UserError(f"{file.name}: a Python pickle, not a .npz archive; the app never loads pickles")
    if not head.startswith(b"PK"):
        raise UserError(f"{file.name}: not a .npz archive (no zip header)")
    try:
        with zipfile.ZipFile(file) as archive:
            members = [n for n in archive.namelist() if n.endswith(".npy")]
            if "arr_0.npy" in members:
                member = "arr_0.npy"
            elif len(members) == 1:
                member = members[0]
            else:
                found = ", ".join(n.removesuffix(".npy") for n in members) or "none"
                raise UserError(f"{file.name}: no array 'arr_0' in this .npz file (found {found})")
            with archive.open(member) as stream:
                return read_npy_stream(stream, f"{file.name} ({member})")
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError,
            ValueError) as exc:
        raise UserError(f"{file.name}: truncated or corrupt .npz file ({exc})") from exc


def read_npy_stream(stream, name: str, max_bytes: int = MAX_ARRAY_BYTES) -> np.ndarray:
    """One ``.npy`` array from ``stream``, its header checked before its data is allocated.

    Refuses (with a :class:`UserError` naming ``name``) a header that is not
    ``.npy``, an array of Python objects (a pickle), and an array over
    ``max_bytes``; a short data part is refused too.
    """
    try:
        version = npy_format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(stream)
        else:
            raise UserError(f"{name}: an .npy format version {version} this app does not read")
    except ValueError as exc:
        raise UserError(f"{name}: not a NumPy array ({exc})") from None
    if dtype.hasobject:
        raise UserError(f"{name}: holds Python objects (a pickle), not numbers; the app never loads pickles")
    if not all(isinstance(d, int) and d >= 0 for d in shape):
        raise UserError(f"{name}: an array header with an impossible shape {shape}")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > max_bytes:
        raise _too_large(name, shape, nbytes)
    # Read straight into the array: one allocation of its size (Kuzushiji-49's images are 182 MB).
    array = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
    buffer = memoryview(array.reshape(-1, order="A").view(np.uint8))
    got = 0
    while got < nbytes and (n := stream.readinto(buffer[got:])):
        got += n
    if got != nbytes:
        raise UserError(f"{name}: truncated array ({got:,} of {nbytes:,} bytes)")
    return array if dtype.isnative else array.astype(dtype.newbyteorder("="))
