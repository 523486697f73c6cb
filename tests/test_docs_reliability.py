"""docs/reliability.md names a test for every row: each named test file and test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _references() -> list[tuple[str, str | None]]:
    """Every ``tests/…py[::name]`` and ``::name`` (of the file named before it) in the doc's tables."""
    found = []
    for line in (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        current = None
        for token in re.findall(r"`([^`]+)`", line):
            if token.startswith("tests/"):
                current, _, name = token.partition("::")
                if not current.endswith((".py", "/")):
                    continue
                found.append((current, name or None))
            elif token.startswith("::") and current:
                found.append((current, token[2:]))
    return found


def test_every_test_the_reliability_doc_names_exists():
    references = _references()
    assert len(references) > 80
    missing = []
    for file, name in references:
        path = ROOT / file
        if not path.exists():
            missing.append(file)
            continue
        if name:
            bare = name.split("[")[0]
            if not re.search(rf"^\s*def {re.escape(bare)}\(", path.read_text(encoding="utf-8"), re.MULTILINE):
                missing.append(f"{file}::{name}")
    assert missing == []
