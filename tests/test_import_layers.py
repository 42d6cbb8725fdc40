"""The import layers of DESIGN.md, checked over every import statement (function-level too)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "bot",
    "handlers",
    "service",
    "reports",
    "analyzers",
    "instagram",
    "storage",
    "playground",
)
# Never imported by the app (DESIGN.md: training is never imported; tests and benchmarks import it).
OUTSIDE = {"training", "tests", "benchmarks"}
# What each package may not import (DESIGN.md, "Layout").
FORBIDDEN: dict[str, set[str]] = {
    "bot": OUTSIDE,
    "service": {"bot", "handlers", "playground"} | OUTSIDE,
    "reports": {"bot", "handlers", "storage", "service", "instagram", "playground"} | OUTSIDE,
    "analyzers": {"bot", "handlers", "storage", "service", "instagram", "reports", "playground"}
    | OUTSIDE,
    "instagram": {"bot", "handlers", "storage", "service", "reports", "analyzers", "playground"}
    | OUTSIDE,
    "storage": {"bot", "handlers", "service", "reports", "analyzers", "instagram", "playground"}
    | OUTSIDE,
    "handlers": {"bot", "storage", "analyzers", "playground"} | OUTSIDE,
    "playground": {"bot", "handlers", "service", "reports", "analyzers", "instagram", "storage"}
    | OUTSIDE,
}
# Packages a layer may reach only through named modules: handlers use instagram's username
# parsing alone; reports read analyzers' result types alone.
ONLY_THROUGH: dict[tuple[str, str], set[str]] = {
    ("handlers", "instagram"): {"instagram.usernames"},
    ("reports", "analyzers"): {"analyzers.types"},
}
LIBRARY_HOMES = {
    "sqlalchemy": {"storage", "bot"},
    "alembic": {"storage", "bot"},
    "aiogram": {"bot", "handlers"},
    "telegram": {"bot", "handlers"},
    "matplotlib": {"reports"},
    "instaloader": {"instagram"},
    "ai_edge_litert": {"analyzers"},
    "tensorflow": set(),
    "torch": set(),
    "sklearn": {"analyzers"},
    "mediapipe": {"analyzers"},
    "fer": {"analyzers"},
    "aiohttp": {"bot", "playground"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _full_edges() -> list[tuple[str, str, str]]:
    """(importing package, imported module, 'file:line') for every import in the app."""
    edges = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, module in _imports(path):
                edges.append((package, module, f"{path.relative_to(ROOT)}:{line}"))
    return edges


def _edges() -> list[tuple[str, str, str]]:
    """(importing package, imported top-level name, 'file:line') for every import in the app."""
    return [(pkg, module.split(".")[0], where) for pkg, module, where in _full_edges()]


def test_no_package_imports_a_layer_above_it() -> None:
    bad = [
        f"{where}: {pkg} imports {top}"
        for pkg, top, where in _edges()
        if top in FORBIDDEN.get(pkg, set())
    ]
    assert not bad, "\n".join(bad)


def _too_wide_imports() -> list[str]:
    return [
        f"{where}: {pkg} imports {module}"
        for pkg, module, where in _full_edges()
        if (allowed := ONLY_THROUGH.get((pkg, module.split(".")[0]))) is not None
        and not any(module == name or module.startswith(name + ".") for name in allowed)
    ]


def test_narrow_imports_stay_narrow() -> None:
    bad = _too_wide_imports()
    assert not bad, "\n".join(bad)


def test_frameworks_stay_in_their_layers() -> None:
    bad = [
        f"{where}: {pkg} imports {top}"
        for pkg, top, where in _edges()
        if top in LIBRARY_HOMES and pkg not in LIBRARY_HOMES[top]
    ]
    assert not bad, "\n".join(bad)


def test_no_circle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for pkg, top, _ in _edges():
        if top in PACKAGES and top != pkg:
            graph[pkg].add(top)
    circles = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in trail:
                circles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            else:
                visit(nxt, [*trail, nxt])

    for start in PACKAGES:
        visit(start, [start])
    assert not circles, "\n".join(sorted(set(circles)))


def _pulls_matplotlib(module: str, seen: set[str]) -> bool:
    """Whether importing `module` (one of the app's) imports matplotlib, directly or through
    the app's own modules."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if module in seen or not path.exists():
        return False
    seen.add(module)
    for _, imported in _imports(path):
        if imported.split(".")[0] == "matplotlib":
            return True
        if imported.split(".")[0] in PACKAGES and _pulls_matplotlib(imported, seen):
            return True
    return False


def test_handlers_do_not_pull_matplotlib() -> None:
    """Naming a style in a button must not load the charts (matplotlib takes seconds)."""
    bad = [
        f"{where}: handlers import {module}"
        for pkg, module, where in _full_edges()
        if pkg == "handlers" and _pulls_matplotlib(module, set())
    ]
    assert not bad, "\n".join(bad)
