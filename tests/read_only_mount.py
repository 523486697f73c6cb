"""Run a command with a folder really read-only: a read-only bind mount in a private mount namespace.

``chmod`` does not stop root (these tests often run as root), and a monkeypatched
``os.replace`` only fails the one call it replaces. A read-only bind mount makes
every write under the folder fail with EROFS, for root too, the way a read-only
USB stick or network share does. ``unshare -rm`` gives the command its own mount
namespace (as root in a user namespace when not root), so nothing outside it sees
the mount.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_SCRIPT = 'mount --bind -o ro "$0" "$0" && exec "$@"'


@functools.cache
def why_not_available() -> str | None:
    """``None`` when read-only bind mounts work here, else why not (for ``pytest.skip``)."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None or shutil.which("mount") is None:
        return "needs Linux with unshare(1) and mount(8)"
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(
            ["unshare", "-rm", "sh", "-c", 'mount --bind -o ro "$0" "$0" && ! touch "$0/probe" 2>/dev/null', folder],
            capture_output=True, text=True, timeout=30,
        )
        if probe.returncode != 0:
            return f"a read-only bind mount is not allowed here ({probe.stderr.strip() or probe.returncode})"
    return None


def run_with_read_only(folder: str | os.PathLike, argv: list[str], env: dict | None = None,
                       timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``argv`` (from the repository root) while ``folder`` is mounted read-only for it alone."""
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", _SCRIPT, str(folder), *argv],
        cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout,
    )


def run_explorer_with_read_only(folder: str | os.PathLike, args: list[str], env: dict | None = None,
                                timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m explorer ARGS`` in a second process that sees ``folder`` read-only."""
    return run_with_read_only(folder, [sys.executable, "-m", "explorer", *args], env, timeout)
