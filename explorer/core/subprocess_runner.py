"""Run a progress generator in a child process and stream its records back.

Pure-Python/numpy training loops on tiny arrays hold the GIL almost all the
time. Run on a thread of the GUI process they slow every repaint (each Qt
call waits for the GIL) and are slowed by it in turn. In a child process they
get a core of their own; the parent only waits on a pipe.

The children are forked from a *forkserver* that has already imported the
training modules, so starting one costs milliseconds, not a fresh import of
torch. :func:`warm_up` starts that server ahead of time.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

from explorer.core.errors import UserError

#: Imported once by the fork server, so each child starts with them loaded.
PRELOAD = ["numpy", "torch", "explorer.core.mlp.training", "explorer.core.recurrent.training"]

#: At most one ordinary record per this many seconds goes through the pipe.
SEND_INTERVAL = 0.02

_context = None
_lock = threading.Lock()


def context():
    """The multiprocessing context used for training children (created on first use)."""
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def warm_up() -> None:
    """Start the fork server now (about as long as importing torch), e.g. on a background thread."""
    process = context().Process(target=_nothing, daemon=True)
    process.start()
    process.join()


def _nothing() -> None:
    return None


def _send(conn, message: tuple) -> None:
    # Plain pickle, not the connection's own: that one hands torch tensors over as
    # shared-memory handles, which vanish when the child exits before we read them.
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _child(conn, func: Callable, args: tuple, kwargs: dict) -> None:
    try:
        import torch

        torch.set_num_threads(1)  # the parent's GUI and other work keep the remaining cores
        gen = func(*args, **kwargs)
        last_sent, pending = 0.0, None
        while True:
            if conn.poll():  # the parent asked us to stop
                gen.close()
                _send(conn, ("cancelled", None))
                return
            try:
                record = next(gen)
            except StopIteration as stop:
                if pending is not None:
                    _send(conn, ("progress", pending))
                _send(conn, ("returned", stop.value))
                return
            # The GUI shows ~20 records a second: sending (and unpickling) more is wasted work.
            now = time.monotonic()
            if getattr(record, "keep", False) or now - last_sent >= SEND_INTERVAL:
                if pending is not None and getattr(record, "keep", False):
                    _send(conn, ("progress", pending))
                _send(conn, ("progress", record))
                last_sent, pending = now, None
            else:
                pending = record
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        try:
            _send(conn, ("failed", exc))
        except (pickle.PicklingError, TypeError, AttributeError):
            _send(conn, ("failed", UserError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def in_subprocess(func: Callable[..., Generator], *args: Any, **kwargs: Any) -> Generator:
    """A generator that runs ``func(*args, **kwargs)`` in a child process.

    It yields the child's records and returns its result; an exception in
    the child is raised here. Closing it (cancel) stops the child at its next
    record; the child is terminated if it does not stop within two seconds.
    ``func``, its arguments, records and result must be picklable.
    """
    ctx = context()
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_child, args=(child, func, args, kwargs), daemon=True, name="explorer-training")
    process.start()
    child.close()
    try:
        while True:
            try:
                kind, value = pickle.loads(parent.recv_bytes())
            except EOFError:
                process.join(1)
                raise UserError(
                    f"the training process stopped unexpectedly (exit code {process.exitcode})"
                ) from None
            if kind == "progress":
                yield value
            elif kind == "returned":
                return value
            elif kind == "failed":
                raise value
            else:
                return None
    finally:
        if process.is_alive():
            try:
                parent.send("stop")
            except OSError:
                pass
            process.join(2)
            if process.is_alive():
                process.terminate()
                process.join(1)
        parent.close()
