"""Print the build venv's requirements: the app's dependencies plus the ``package`` extra.

``--cpu`` swaps torch for the CPU-only 2.13.0 build and drops torchvision (its
PyPI wheels are built against CUDA torch and fail to load with a CPU torch).
Read from ``pyproject.toml`` so the bundle never drifts from what the app
declares.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

CPU_TORCH = "torch==2.13.0"


def requirements(cpu: bool) -> list[str]:
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["package"])
    if not cpu:
        return reqs
    return [CPU_TORCH] + [r for r in reqs if _name(r) not in {"torch", "torchvision"}]


def _name(requirement: str) -> str:
    """The distribution name of a requirement line (``"torch==2.14.1"`` → ``"torch"``)."""
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


if __name__ == "__main__":
    print("\n".join(requirements("--cpu" in sys.argv[1:])))
