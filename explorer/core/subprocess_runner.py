"""Run a progress generator in a child process and stream its records back.

Pure-Python/numpy training loops on tiny arrays hold the GIL almost all the
time. Run on a thread of the GUI process they slow every repaint (each Qt
call waits for the GIL) and are slowed by it in turn. In a child process they
get a core of their own; the parent only waits on a pipe.

Portability: children are started with ``forkserver`` on Linux and with
``spawn`` elsewhere. Windows has no ``forkserver``, and on macOS forking a
process that has imported torch (or any framework with threads) is what
CPython's ``spawn`` default exists to avoid. ``EXPLORER_START_METHOD`` or the
``start_method`` argument of :class:`Runner` forces one (the tests run both).

Start-up cost: a fresh ``spawn`` child imports torch, seconds on a slow
machine. So a :class:`Runner` keeps ONE *warm* child ready: a process that has
already imported torch and the training modules and waits on its pipe for a
job. A job takes it, and the next warm child is started in the background.
Each child runs one job and exits, so a finished training returns all its
memory. :func:`warm_up` starts the first warm child ahead of time.

Children ignore SIGINT: Ctrl+C in the terminal that started the app reaches
every process of its group, and must not kill a training the window shows.

Children yield the CPU to the window: each runs :data:`CHILD_NICENESS` steps
below the app's scheduling priority (``os.nice``; Windows has none and keeps
the normal priority), uses the torch thread count of
:mod:`explorer.core.threads` (all cores but one), and sends its records
throttled (:class:`explorer.core.progress.Throttle`), so a fast loop never
floods the pipe the window reads.

Quitting does not wait for a child to notice a polite request:
:func:`stop_training_children` (the window calls it on close) terminates every
child, kills what is still there after a short grace, and ends the fork server,
which may itself be busy importing torch while a first training waits for it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

from explorer.core.errors import UserError

#: Imported by each child before it asks for a job (and by the fork server).
PRELOAD = ["numpy", "torch", "explorer.core.mlp.training", "explorer.core.recurrent.training"]

#: Environment variable that forces a start method ("forkserver" or "spawn").
START_METHOD_ENV = "EXPLORER_START_METHOD"

#: Start methods the runner accepts. Plain ``fork`` is left out: forking a
#: process that runs Qt and torch threads can deadlock the child.
START_METHODS = ("forkserver", "spawn")

#: Name of every training child process.
CHILD_NAME = "explorer-training"

#: How many ``nice`` steps below the app a training child runs (19 is the lowest priority there is):
#: when the window and a training want the same core, the window gets three times the child's share.
#: Not 10: on a 2-core machine with 8 busy processes a 10,000-epoch MLP run took 1.9 s at 0, 3.1 s at 5
#: and 8.0 s at 10 (a tenth of a nice-0 neighbour's share, for every training, for a window that needs
#: only short bursts of CPU).
CHILD_NICENESS = 5


def default_start_method() -> str:
    """``EXPLORER_START_METHOD`` if set, else ``forkserver`` on Linux and ``spawn`` elsewhere."""
    chosen = os.environ.get(START_METHOD_ENV, "").strip()
    if chosen:
        return check_start_method(chosen, START_METHOD_ENV)
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def check_start_method(method: str, source: str = "start method") -> str:
    """``method`` if this platform supports it, else a :class:`UserError` naming ``source``."""
    available = [m for m in START_METHODS if m in multiprocessing.get_all_start_methods()]
    if method not in available:
        raise UserError(f"{source} must be one of {', '.join(available)} (got {method!r})")
    return method


def describe_exit(exitcode: int | None) -> str:
    """``exit code -9, killed by SIGKILL`` and the like, for a child that stopped unexpectedly."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"exit code {exitcode}, killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"exit code {exitcode}"


# ---------------------------------------------------------------- the child side


def niceness() -> int | None:
    """This process's ``nice`` value, ``None`` where the OS has none (Windows)."""
    try:
        return os.getpriority(os.PRIO_PROCESS, 0)
    except (AttributeError, OSError):
        return None


def lower_priority(parent: int | None) -> None:
    """Run this process :data:`CHILD_NICENESS` steps below ``parent``'s priority (never raise it)."""
    current = niceness()
    if current is None:
        return
    want = min(19, (current if parent is None else parent) + CHILD_NICENESS)
    if want > current:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, want)


def _send(conn, message: tuple) -> None:
    # Plain pickle, not the connection's own: that one hands torch tensors over as
    # shared-memory handles, which vanish when the child exits before we read them.
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _send_failure(conn, exc: BaseException) -> None:
    try:
        _send(conn, ("failed", exc))
    except (pickle.PicklingError, TypeError, AttributeError):
        _send(conn, ("failed", UserError(f"{type(exc).__name__}: {exc}")))


def _child_main(conn, parent_niceness: int | None = None) -> None:
    """A child's whole life: import the training modules, say so, run one job, exit."""
    # First of all, before the slow imports: Ctrl+C in the terminal is for the parent,
    # and the window's thread has the first claim on the CPU (the imports too are work).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lower_priority(parent_niceness)
    try:
        import importlib

        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001, S112 - only a head start: a job that needs it fails itself
                continue
        _send(conn, ("ready", os.getpid()))
        try:
            job = conn.recv_bytes()
        except (EOFError, OSError):  # the parent closed the pipe: no job will come
            return
        _child(conn, job)
    except OSError:  # the pipe broke: the parent is gone or gave up on us, nobody to tell
        pass
    finally:
        conn.close()


def _child(conn, job: bytes) -> None:
    """Run one pickled job: stream its throttled records, then its result, failure or cancellation."""
    from explorer.core.progress import Throttle
    from explorer.core.threads import use_training_threads

    try:
        func, args, kwargs, environ, cwd = pickle.loads(job)
        # A warm child was started a while ago: take the parent's state as of now.
        os.environ.clear()
        os.environ.update(environ)
        try:
            os.chdir(cwd)
        except OSError:  # the parent's folder is gone: run where we are rather than not at all
            pass
        use_training_threads()
        gen = func(*args, **kwargs)
        throttle = Throttle()  # the GUI draws ~20 records a second: sending more is wasted work
        while True:
            if conn.poll():  # the parent asked us to stop
                gen.close()
                _send(conn, ("cancelled", None))
                return
            try:
                record = next(gen)
            except StopIteration as stop:
                for pending in throttle.flush():
                    _send(conn, ("progress", pending))
                _send(conn, ("returned", stop.value))
                return
            for ready in throttle.offer(record):
                _send(conn, ("progress", ready))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        _send_failure(conn, exc)


# ---------------------------------------------------------------- the parent side


class _Child:
    """A started child process and the parent's end of its pipe."""

    def __init__(self, ctx):
        self.conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(target=_child_main, args=(child_conn, niceness()), daemon=True, name=CHILD_NAME)
        self.process.start()
        child_conn.close()
        self.pid = self.process.pid
        self.ready = False
        self.lock = threading.Lock()  # one reader of the pipe at a time

    def wait_ready(self) -> None:
        """Block until the child has imported the training modules (or raise why it cannot)."""
        with self.lock:
            if self.ready:
                return
            kind, value = self.receive()
            if kind == "failed":
                raise value
            self.ready = True

    def receive(self) -> tuple:
        try:
            return pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError):
            self.process.join(1)
            raise UserError(
                f"the training process stopped unexpectedly ({describe_exit(self.process.exitcode)})"
            ) from None

    def release(self) -> None:
        """Close our end of the pipe of a child that is exiting by itself (it is reaped later)."""
        self.conn.close()

    def terminate(self) -> None:
        """SIGTERM now (from any thread); the pipe stays open for whichever thread reads it."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if self.process.is_alive():
                self.process.terminate()

    def stop(self, grace: float = 2.0) -> None:
        """Ask the child to stop, then terminate it if it does not within ``grace`` seconds."""
        if self.process.is_alive():
            try:
                self.conn.send_bytes(b"stop")
            except OSError:
                pass
            self.process.join(grace)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join(1)
        else:
            self.process.join(0)
        self.conn.close()


class Runner:
    """Runs progress generators in child processes, with one warm child kept ready.

    Parameters
    ----------
    start_method
        ``"forkserver"`` or ``"spawn"``; by default :func:`default_start_method`.
    """

    def __init__(self, start_method: str | None = None):
        method = default_start_method() if start_method is None else check_start_method(start_method)
        self.start_method = method
        self._ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # The server imports these once, so even a child started cold is quick.
            self._ctx.set_forkserver_preload(PRELOAD)
        self._lock = threading.Lock()
        self._warm: _Child | None = None
        self._refill: threading.Thread | None = None
        self._closed = False
        self._children: set[_Child] = set()  # every child started and maybe still alive
        self._generation = 0  # counts stop_children() calls: a job started before one is over

    def _new_child(self) -> _Child:
        child = _Child(self._ctx)
        with self._lock:
            self._children = {c for c in self._children if c.process.is_alive()}
            self._children.add(child)
        return child

    def warm_up(self) -> int:
        """Make sure a warm child is ready (waiting for its imports) and return its process id."""
        with self._lock:
            warm = self._warm if self._warm is not None and self._warm.process.is_alive() else None
        if warm is None:
            warm = self._new_child()
            with self._lock:
                self._warm = warm
        warm.wait_ready()
        return warm.pid

    def warm_pid(self) -> int | None:
        """Process id of the warm child, or ``None`` when there is none right now."""
        with self._lock:
            return self._warm.pid if self._warm is not None else None

    def wait_for_refill(self, timeout: float | None = None) -> None:
        """Wait for the background start of the next warm child (if one is under way)."""
        refill = self._refill
        if refill is not None:
            refill.join(timeout)

    def _take(self) -> _Child:
        with self._lock:
            if self._closed:
                raise UserError("the training process runner was closed")
            child, self._warm = self._warm, None
        if child is not None and not child.process.is_alive():
            child.stop()
            child = None
        return child if child is not None else self._new_child()

    def _refill_later(self) -> None:
        """Start the next warm child on a background thread (unless one is already on its way)."""
        with self._lock:
            if self._closed or self._warm is not None:
                return
            if self._refill is None or not self._refill.is_alive():
                self._refill = threading.Thread(target=self._start_warm, name="explorer-warm-child", daemon=True)
                self._refill.start()

    def _start_warm(self) -> None:
        generation = self._generation
        try:
            child = self._new_child()
        except (OSError, EOFError, ValueError):  # the fork server was ended (quitting): no spare needed
            return
        with self._lock:
            if self._closed or self._warm is not None or self._generation != generation:
                spare = child
            else:
                self._warm, spare = child, None
        if spare is not None:
            spare.stop(0)

    def run(self, func: Callable[..., Generator], *args: Any, **kwargs: Any) -> Generator:
        """A generator that runs ``func(*args, **kwargs)`` in a child process.

        It yields the child's records (throttled by
        :class:`explorer.core.progress.Throttle`) and returns its result. Any
        exception in the child, ``BaseException`` included, is raised here; a
        child that dies (killed, out of memory) raises a :class:`UserError`
        with its exit code. Closing the generator (cancel) stops the child at
        its next record; it is terminated if it does not stop within two
        seconds. ``func``, its arguments, records and result must be picklable.
        """
        generation = self._generation
        child = self._take()
        finished = False
        try:
            child.wait_ready()
            if self._generation != generation:  # stop_children() ran while this child was starting
                raise UserError("the training process was stopped")
            # Only now: two children importing torch at once would slow this one down.
            self._refill_later()
            job = (func, args, kwargs, dict(os.environ), os.getcwd())
            child.conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            while True:
                kind, value = child.receive()
                if kind == "progress":
                    yield value
                    continue
                finished = True
                if kind == "returned":
                    return value
                if kind == "failed":
                    raise value
                return None  # "cancelled": only after we asked, i.e. while closing
        finally:
            if finished:
                # The child is exiting by itself: do not make the caller wait for it
                # (a spawned child's shutdown with torch loaded takes ~0.5 s).
                child.release()
            else:
                child.stop()

    def stop_children(self, grace: float = 0.3) -> None:
        """End every child now, running a job or warm: SIGTERM, SIGKILL after ``grace`` s; then the fork server.

        Safe from any thread (the window calls it on close). A job's :meth:`run`
        then ends with a :class:`UserError` (the child is gone); a job that was
        still waiting for its child to start ends too. The runner stays usable:
        a later job starts a new child (and fork server).
        """
        with self._lock:
            self._generation += 1
            self._warm = None
            children = [c for c in self._children if c.process.is_alive()]
        for child in children:
            child.terminate()
        deadline = time.monotonic() + grace
        for child in children:
            child.process.join(max(0.0, deadline - time.monotonic()))
            if child.process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    child.process.kill()
                child.process.join(1)
        if self.start_method == "forkserver":
            _stop_fork_server()

    def pids(self) -> list[int]:
        """Process ids of the children that are alive now (running a job, warm, or exiting)."""
        with self._lock:
            return [c.pid for c in self._children if c.process.is_alive()]

    def close(self) -> None:
        """Stop the warm child; no new jobs are accepted."""
        with self._lock:
            self._closed = True
            child, self._warm = self._warm, None
        self.wait_for_refill(5)
        if child is not None:
            child.stop(0)


def _stop_fork_server() -> None:
    """End multiprocessing's fork server (a later forkserver start makes a new one).

    Killed rather than asked: it may be importing torch (seconds) with a child
    start waiting on it, and that start must fail now, not when the import is done.
    """
    from multiprocessing import forkserver

    server = forkserver._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError, AttributeError, TypeError):
        server._stop()  # reaps it and forgets its address, so the next start begins afresh


def fork_server_pid() -> int | None:
    """Process id of multiprocessing's fork server, ``None`` when none runs."""
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)


_default: Runner | None = None
_default_lock = threading.Lock()


def stop_training_children() -> None:
    """End the default runner's children and the fork server now (the window calls it on close)."""
    with _default_lock:
        runner = _default
    if runner is not None:
        runner.stop_children()


def default_runner() -> Runner:
    """The app's runner (created on first use with :func:`default_start_method`)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runner()
        return _default


def warm_up() -> None:
    """Start the warm child now and wait until it has imported torch, e.g. on a background thread.

    A warm-up cut short by :func:`stop_training_children` (the window closed) ends quietly.
    """
    runner = default_runner()
    generation = runner._generation
    try:
        runner.warm_up()
    except (UserError, OSError, EOFError):
        if runner._generation == generation:
            raise


def in_subprocess(func: Callable[..., Generator], *args: Any, **kwargs: Any) -> Generator:
    """A generator that runs ``func(*args, **kwargs)`` in a child process of the default runner.

    See :meth:`Runner.run`. Nothing starts until the first ``next()``, so a bad
    ``EXPLORER_START_METHOD`` is raised where the records are read.
    """
    return (yield from default_runner().run(func, *args, **kwargs))
