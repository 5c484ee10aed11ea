"""The layering a newcomer reads: the admin is built on the app, never the other way round, and
no two of the project's modules import each other (directly or around a circle).

Every import counts, also those inside functions: a lazy import still ties two modules together.
The one exception is app/asgi.py, the composition root that mounts the admin at /admin/.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.settings import ROOT

PACKAGES = ("app", "admin", "tables")
COMPOSITION_ROOT = "app.asgi"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for pkg in PACKAGES for path in (ROOT / pkg).rglob("*.py")}


def known(name: str) -> str | None:
    """The project module `name` refers to (a name imported from a module counts as it)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package
                for _ in range(node.level - 1):
                    parent = parent.rpartition(".")[0]
                base = f"{parent}.{base}" if base else parent
            found.update(known(f"{base}.{alias.name}") or known(base) for alias in node.names)
    return {name for name in found if name and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_walk_sees_the_project() -> None:
    assert {"app.asgi", "app.worker", "app.jobs.tasks", "admin.site", "tables.work"} <= set(GRAPH)
    assert "app.worker" in GRAPH["app.jobs.tasks"]
    assert "admin.site" in GRAPH["app.asgi"]


def test_app_never_imports_the_admin() -> None:
    offenders = {
        module: sorted(name for name in imported if name.split(".")[0] == "admin")
        for module, imported in GRAPH.items()
        if module.split(".")[0] == "app" and module != COMPOSITION_ROOT
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_tables_import_nothing_but_tables() -> None:
    outside = {
        module: sorted(name for name in imported if name.split(".")[0] != "tables")
        for module, imported in GRAPH.items()
        if module.split(".")[0] == "tables"
    }
    assert {module: names for module, names in outside.items() if names} == {}


def test_no_import_circle() -> None:
    assert circles(GRAPH) == []


def test_a_circle_is_found() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
