"""Small fake KMNIST files in the real formats, and loopback HTTP servers serving them.

Plain functions (no pytest) so benchmarks and CLI tests can import them:
``from tests.core.kuzushiji.fakedata import write_kmnist_folder``.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from explorer.core.kuzushiji.dataset import FILES, PARTS

IDX_TYPE = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C}


def make_kmnist_arrays(
    n_train: int = 600, n_test: int = 100, learnable: bool = True, seed: int = 0
) -> dict[str, np.ndarray]:
    """Images uint8 N×28×28 and labels uint8 N, keyed by ``PARTS``.

    With ``learnable`` each class is a fixed random pattern of bright pixels
    plus noise, so even a linear net separates them; otherwise pure noise.
    """
    rng = np.random.default_rng(seed)
    patterns = np.random.default_rng(1234).random((10, 28, 28)) > 0.75
    out = {}
    for split, n in (("train", n_train), ("test", n_test)):
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 90, size=(n, 28, 28), dtype=np.uint8)
        if learnable:
            images += patterns[labels].astype(np.uint8) * 165
        out[f"{split}_images"] = images
        out[f"{split}_labels"] = labels
    return out


def idx_bytes(array: np.ndarray) -> bytes:
    """``array`` (uint8 or int32) encoded as an IDX file."""
    header = struct.pack(">HBB", 0, IDX_TYPE[array.dtype], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_kmnist_folder(
    path: str | Path,
    fmt: str = "idx.gz",
    n_train: int = 600,
    n_test: int = 100,
    learnable: bool = True,
    seed: int = 0,
    arrays: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Write the four KMNIST files in ``fmt`` ("idx.gz", "idx" or "npz") into ``path``.

    Returns the arrays written (keyed by ``PARTS``); pass ``arrays`` to write
    your own (e.g. a wrong shape) instead of generated ones.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    if arrays is None:
        arrays = make_kmnist_arrays(n_train, n_test, learnable, seed)
    for part, name in zip(PARTS, FILES[fmt], strict=True):
        target = folder / name
        if fmt == "npz":
            np.savez_compressed(target, arr_0=arrays[part])
        elif fmt == "idx.gz":
            target.write_bytes(gzip.compress(idx_bytes(arrays[part]), compresslevel=1))
        else:
            target.write_bytes(idx_bytes(arrays[part]))
    return arrays


def k49_class_counts(n_classes: int = 49, smallest: int = 2, step: int = 4) -> np.ndarray:
    """Images per class, imbalanced as Kuzushiji-49 is: class ``c`` has ``smallest + c // step``."""
    return smallest + np.arange(n_classes) // step


def make_k49_arrays(seed: int = 0, learnable: bool = True) -> dict[str, np.ndarray]:
    """Small Kuzushiji-49-like arrays keyed by ``PARTS``: 49 imbalanced classes, uint8 images and labels.

    Training has 2 … 14 images a class (374 in all), the test set 1 … 5 (125), every class in both.
    """
    rng = np.random.default_rng(seed)
    patterns = np.random.default_rng(4949).random((49, 28, 28)) > 0.75
    out = {}
    for split, counts in (("train", k49_class_counts()), ("test", k49_class_counts(smallest=1, step=12))):
        labels = rng.permutation(np.repeat(np.arange(49), counts)).astype(np.uint8)
        images = rng.integers(0, 90, size=(len(labels), 28, 28), dtype=np.uint8)
        if learnable:
            images += patterns[labels].astype(np.uint8) * 165
        out[f"{split}_images"] = images
        out[f"{split}_labels"] = labels
    return out


def write_k49_folder(path: str | Path, seed: int = 0, arrays: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Write Kuzushiji-49's four official files (compressed ``.npz``, key ``arr_0``) into ``path``."""
    from explorer.core.kuzushiji.datasets import K49

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = make_k49_arrays(seed) if arrays is None else arrays
    for part, name in zip(PARTS, K49.layout("npz"), strict=True):
        np.savez_compressed(folder / name, arr_0=arrays[part])
    return arrays


def md5s_of(folder: str | Path) -> dict[str, str]:
    """MD5 of every file in ``folder``, by name (what ``download(md5s=…)`` expects)."""
    return {
        p.name: hashlib.md5(p.read_bytes()).hexdigest()
        for p in Path(folder).iterdir()
        if p.is_file()
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files; ``/redirect/<path>`` answers 302 to ``/<path>`` (as Hugging Face does).

    Hostile redirects: ``/loop/<path>`` redirects to itself, ``/to-file/<path>`` to
    ``file:///etc/passwd`` and ``/to-ftp/<path>`` to an ``ftp://`` address.
    """

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path.startswith("/redirect/"):
            return self._redirect(self.path.removeprefix("/redirect"))
        if self.path.startswith("/loop/"):
            return self._redirect(self.path)
        if self.path.startswith("/to-file/"):
            return self._redirect("file:///etc/passwd")
        if self.path.startswith("/to-ftp/"):
            return self._redirect(f"ftp://127.0.0.1:{self.server.server_address[1]}/x")
        return super().do_GET()

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@contextlib.contextmanager
def serve_folder(root: str | Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1; yields the base URL (``http://127.0.0.1:N/``).

    ``<base>redirect/<path>`` redirects to ``<base><path>``.
    """
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def _socket_server(on_connection: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A loopback listener whose accept loop hands each connection to ``on_connection(conn, stop)``.

    Yields the base URL; on exit sets ``stop``, joins the accept loop and closes the listener.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            on_connection(conn, stop)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        acceptor.join(5)
        listener.close()


@contextlib.contextmanager
def hanging_server() -> Iterator[str]:
    """A server that accepts connections and never answers; yields its base URL."""
    held: list[socket.socket] = []
    try:
        with _socket_server(lambda conn, stop: held.append(conn)) as url:
            yield url
    finally:
        for conn in held:
            conn.close()


def _torchvision_dataset_class():
    import torch
    import torchvision.transforms as T
    from PIL import Image
    from torch.utils.data import Dataset

    class PILDataset(Dataset):
        """What torchvision's KMNIST dataset does per sample: a PIL image through the transforms."""

        def __init__(self, images: torch.Tensor, labels: torch.Tensor) -> None:
            self.images, self.labels = images, labels
            self.transform = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])

        def __len__(self) -> int:
            return len(self.images)

        def __getitem__(self, i: int):
            return self.transform(Image.fromarray(self.images[i].numpy())), int(self.labels[i])

    return PILDataset


def plain_pipeline_dataset(images, labels):
    """The plain torchvision pipeline the engine is measured against (tests and bench share it)."""
    return _torchvision_dataset_class()(images, labels)


@contextlib.contextmanager
def streaming_server(
    *, length: int | None, block: bytes = b"\0" * 1024, every: float = 0.0, head_only: bool = False
) -> Iterator[str]:
    """A misbehaving HTTP server; yields its base URL. Every connection gets ``200 OK`` and then:

    - ``head_only``: nothing more (silent after the headers);
    - else ``block`` every ``every`` seconds (a trickle) or as fast as it can (``every=0``:
      an endless stream), until the client goes away or the server stops.

    ``length`` is the ``Content-Length`` announced (``None``: none, the body ends at close).
    """
    threads: list[threading.Thread] = []
    head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n"
    head += (b"Content-Length: %d\r\n" % length if length is not None else b"") + b"\r\n"

    def serve(conn: socket.socket, stop: threading.Event) -> None:
        with conn:
            try:
                conn.recv(65536)  # the request
                conn.sendall(head)
                while not stop.is_set():
                    if head_only:
                        stop.wait(0.05)
                        continue
                    conn.sendall(block)
                    if every:
                        stop.wait(every)
            except OSError:  # the client hung up: that is what the tests want
                return

    def start_serving(conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(5)
        thread = threading.Thread(target=serve, args=(conn, stop), daemon=True)
        thread.start()
        threads.append(thread)

    try:
        with _socket_server(start_serving) as url:
            yield url
    finally:
        for thread in threads:
            thread.join(5)


@contextlib.contextmanager
def slow_headers_server(every: float = 0.02) -> Iterator[str]:
    """A server that sends ``200 OK`` and then header bytes one at a time, every ``every`` s, forever."""

    def serve(conn: socket.socket, stop: threading.Event) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Pad: ")
                while not stop.is_set():
                    conn.sendall(b"a")
                    stop.wait(every)
            except OSError:
                return

    threads: list[threading.Thread] = []

    def start_serving(conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(5)
        threads.append(threading.Thread(target=serve, args=(conn, stop), daemon=True))
        threads[-1].start()

    try:
        with _socket_server(start_serving) as url:
            yield url
    finally:
        for thread in threads:
            thread.join(5)


@contextlib.contextmanager
def slow_start_server(root: str | Path, slow_for: float, rate: int = 1000) -> Iterator[str]:
    """Serves the files in ``root``; each body starts at ``rate`` bytes/s for ``slow_for`` s, then at full speed."""
    threads: list[threading.Thread] = []

    def serve(conn: socket.socket, stop: threading.Event) -> None:
        with conn:
            try:
                request = conn.recv(65536).decode("latin-1")
                name = request.split(" ")[1].rsplit("/", 1)[-1]
                body = (Path(root) / name).read_bytes()
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
                step = max(1, rate // 10)
                sent, started = 0, time.monotonic()
                while time.monotonic() - started < slow_for and sent < len(body) and not stop.is_set():
                    conn.sendall(body[sent:sent + step])
                    sent += step
                    stop.wait(0.1)
                conn.sendall(body[sent:])
            except (OSError, IndexError):
                return

    def start_serving(conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(5)
        threads.append(threading.Thread(target=serve, args=(conn, stop), daemon=True))
        threads[-1].start()

    try:
        with _socket_server(start_serving) as url:
            yield url
    finally:
        for thread in threads:
            thread.join(5)


@contextlib.contextmanager
def unreachable_server() -> Iterator[str]:
    """A port where connecting hangs (the listen backlog is full), like a host that drops SYNs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(3):  # fill the accept queue; later SYNs are dropped, not refused
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
