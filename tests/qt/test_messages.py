"""Telling the user about a failure: one non-blocking box (show_error), never a blocking QMessageBox.warning."""

from __future__ import annotations

import ast
from pathlib import Path

import explorer

BLOCKING = {"warning", "critical"}


def blocking_boxes(source: str) -> list[int]:
    """Lines that call ``QMessageBox.warning`` or ``.critical`` (each waits in its own event loop)."""
    tree = ast.parse(source)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in BLOCKING
        and isinstance(node.value, ast.Name)
        and node.value.id == "QMessageBox"
    ]


def test_the_check_sees_a_blocking_box():
    assert blocking_boxes("QMessageBox.warning(self, 'title', 'text')\nQMessageBox.critical(None, 'a', 'b')\n") == [1, 2]
    assert blocking_boxes("show_error(self, 'title', 'text')\nlog.warning('x')\n") == []


def test_no_module_of_the_app_shows_a_blocking_warning_box():
    """Failures go through explorer.qt.messages.show_error: the window stays live, the status line says it too."""
    root = Path(explorer.__file__).parent
    found = []
    for source in sorted(root.rglob("*.py")):
        found += [f"{source.relative_to(root)}:{line}" for line in blocking_boxes(source.read_text(encoding="utf-8"))]
    assert found == []
