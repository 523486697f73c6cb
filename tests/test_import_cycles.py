"""No two modules under explorer/ import each other, directly or round a longer loop.

A cycle makes import order matter (a half-initialised module is seen from
the other side) and usually means two modules share a job that belongs in
one of them or in a third. The graph is built from the source with ``ast``,
so nothing is imported and a cycle is named even where Python copes with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "explorer"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.Module, *, everywhere: bool, type_hints: bool = False):
    """Import statements run when the module is imported (``everywhere``: also those inside functions).

    Imports under ``if TYPE_CHECKING:`` never run, so they cannot close a cycle
    at run time; with ``type_hints`` they count too (a type-hint cycle is still
    two modules that each need the other to be understood).
    """
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node) and not type_hints:
            stack.extend(node.orelse)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not everywhere:
            continue
        else:
            stack.extend(ast.iter_child_nodes(node))


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The explorer modules an import statement loads (``from a import b`` is module ``a.b`` if there is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in known]
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    found = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
    if base in known and len(found) < len(node.names):
        found.append(base)
    return found


def import_graph(*, everywhere: bool = False, type_hints: bool = False) -> nx.DiGraph:
    """Every module under explorer/ and the explorer modules it imports (see :func:`_import_nodes`)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _import_nodes(tree, everywhere=everywhere, type_hints=type_hints):
            for target in _targets(node, module, path.name == "__init__.py", known):
                if target != module:
                    graph.add_edge(module, target)
    return graph


def _describe(graph: nx.DiGraph) -> list[str]:
    """Each cycle once, as ``a -> b -> a`` starting from its alphabetically first module."""
    found = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle))
        cycle = cycle[start:] + cycle[:start]
        found.append(" -> ".join([*cycle, cycle[0]]))
    return sorted(found)


def test_the_graph_sees_the_imports():
    """The check below would pass vacuously if imports were missed."""
    graph = import_graph()
    assert graph.has_edge("explorer.qt.main_window", "explorer.qt.tab")
    assert graph.has_edge("explorer.qt.kuzushiji.tab", "explorer.qt.kuzushiji.train_page")
    assert graph.number_of_edges() > 100


def test_cycle_is_found():
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert _describe(graph) == ["a -> b -> c -> a"]


def test_no_module_level_import_cycles():
    assert _describe(import_graph()) == []


def test_no_import_cycles_even_through_imports_inside_functions():
    """A function-level import back into a module that imports you hides a cycle until it runs."""
    assert _describe(import_graph(everywhere=True)) == []


def test_type_hint_imports_are_seen_when_asked_for():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from explorer.qt.tab import ExperimentTab\n")
    hinted = [n.module for n in _import_nodes(tree, everywhere=True, type_hints=True)]
    assert sorted(hinted) == ["explorer.qt.tab", "typing"]
    assert [n.module for n in _import_nodes(tree, everywhere=True)] == ["typing"]


def test_no_import_cycles_even_through_type_hint_imports():
    """A module that needs another's names even only for type hints depends on it: no loops there either
    (e.g. a figures module must not import its tab, even under TYPE_CHECKING)."""
    assert _describe(import_graph(everywhere=True, type_hints=True)) == []


def test_no_type_hint_cycles_outside_the_tab_packages():
    """The part of the check above that holds already, kept strict so nothing new slips in under its mark."""
    tabs = tuple(f"explorer.qt.{key}." for key in ("kuzushiji", "mlp", "recurrent"))
    cycles = _describe(import_graph(everywhere=True, type_hints=True))
    assert [c for c in cycles if not all(m.startswith(tabs) for m in c.split(" -> "))] == []
