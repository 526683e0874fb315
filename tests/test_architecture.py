"""The code's shape, checked: packages that never import in a circle, ``jobs`` above ``coordinator``, one
place that commits, files a person can hold. Reads the source; runs nothing."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.db_independent

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "coordinator"
MAX_LINES = 500


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module this file imports, at module level or inside a function (a dependency all the same)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
    return found


def _package_of(path: Path) -> str:
    relative = path.relative_to(APP)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package -> package it imports -> where (``file:line``), for coordinator's top-level packages."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in _python_files("coordinator"):
        source = _package_of(path)
        for module, line in _imports(path):
            parts = module.split(".")
            if parts[0] != "coordinator" or len(parts) < 2:
                continue
            target = parts[1]
            if target != source and (APP / target).is_dir():
                graph[source][target].append(f"{path.relative_to(ROOT)}:{line}")
    return graph


def _cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_packages_never_import_in_a_circle():
    graph = package_graph()
    cycle = _cycle(graph)
    if cycle:
        hops = [f"{a} -> {b} ({', '.join(graph[a][b][:3])})" for a, b in zip(cycle, cycle[1:], strict=False)]
        pytest.fail("import cycle between packages:\n  " + "\n  ".join(hops))


def test_the_cycle_check_finds_a_cycle():
    """The check itself: a graph with a circle is caught."""
    assert _cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": []}, "b": {}}) is None


def test_coordinator_never_imports_jobs():
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in _python_files("coordinator")
                 for module, line in _imports(path) if module.split(".")[0] == "jobs"]
    assert offenders == [], "coordinator enqueues jobs by dotted path and never imports them"


def test_only_the_unit_of_work_commits():
    """Views, operations and jobs never commit the unit's session (``db.session``): a request or job commits
    once, in coordinator.core.uow. (Bookkeeping others must see at once uses a connection or session of
    its own: ``uow.independent()``, the mail service's.)"""
    offenders = []
    for path in _python_files("coordinator", "jobs"):
        if path == APP / "core" / "uow.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit" \
                    and ast.unparse(node.func.value) == "db.session":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_no_file_is_too_long_to_hold():
    long_files = {str(path.relative_to(ROOT)): n for path in _python_files("coordinator", "jobs")
                  if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long_files == {}, f"split by use case: files over {MAX_LINES} lines"
