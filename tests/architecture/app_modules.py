"""app/ read as source: its modules by dotted name, and the app modules each one imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def python_files() -> dict[str, Path]:
    """Dotted module name (app.http.errors; a package by its own name) → its file."""
    modules = {}
    for path in sorted(APP_DIR.rglob("*.py")):
        parts = path.relative_to(APP_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module → the app modules it imports, at module level or inside a function alike.

    Imports under `if TYPE_CHECKING:` are left out: they never run, so they cannot make a
    cycle at import time. So is the implicit import of parent packages (importing
    app.http.errors runs app/__init__.py first): counting it would put every module in
    one cycle through app/__init__.py, which imports create_app's parts by design.
    """
    modules = python_files()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = {_known(target, modules) for target in _imported_names(tree, package)}
        graph[name] = {target for target in targets if target and target != name}
    return graph


def _imported_names(tree: ast.AST, package: str) -> Iterator[str]:
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            # `from app.http import errors` imports the module app.http.errors; `from app.http.errors
            # import ApiError` the module app.http.errors (_known drops the attribute).
            yield from (base if alias.name == "*" else f"{base}.{alias.name}" for alias in node.names)


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except the bodies of `if TYPE_CHECKING:` blocks (their `else:` does run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The app module `name` denotes (its longest known prefix for `module.attribute`), or None."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module, as a closed path."""
    found = []
    for component in _components(graph):
        if len(component) > 1:
            found.append(_cycle_within(graph, component))
    return found


def _components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative so deep graphs do not hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_within(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest closed path through the component's first module (breadth-first)."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start} in its own component")
