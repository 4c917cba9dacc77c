"""The apps of ``numeduc.web`` form a tree: no import cycle between them, no module imports a
views module of another module, and every app only imports the apps listed below it in
``DEPENDENCY_ORDER``. Function-level (lazy) imports count like top-level ones."""

from __future__ import annotations

import ast
from pathlib import Path

import numeduc.web

WEB = Path(numeduc.web.__file__).parent

# Each layer may import the layers after it, never one before it (nor, for the apps, another
# app of its own layer). A node is an app package (``surveys``) or a module at the root of
# ``numeduc.web`` (``downloads``).
DEPENDENCY_ORDER: list[tuple[str, ...]] = [
    # project wiring: WSGI entry, URL conf, home page, demo loader, settings, context processors
    ("wsgi",),
    ("urls",),
    ("views", "demo", "settings", "context_processors"),
    # the JSON API: reads through the apps' data modules and permission rules
    ("api",),
    # pages: the reports and the open data read every app below them
    ("reports", "opendata"),
    ("evaluation",),
    ("stories",),
    ("experiences",),
    ("action_plans",),
    ("resources",),
    ("school_surveys",),
    ("results", "national"),
    ("usage_dashboard",),
    ("planning",),
    ("surveys",),
    ("accounts",),
    ("territories",),
    # shared helpers without a model of their own
    # the request middleware: the page cache reads the data version of caching
    ("middleware",),
    ("caching", "downloads", "form_helpers", "terms"),
    ("validators",),
    ("demo_mark",),
]

VIEW_MODULES = ("views", "campaign_views")


def _modules() -> dict[str, Path]:
    modules = {}
    for f in WEB.rglob("*.py"):
        rel = f.relative_to(WEB.parent.parent)
        if "migrations" in rel.parts:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = f
    return modules


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Modules of ``numeduc.web`` imported anywhere in ``path`` (function bodies included);
    ``from package import name`` counts the submodule when ``name`` is one."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            candidates = [f"{base}.{alias.name}" for alias in node.names]
            candidates = [c if c in known else base for c in candidates]
        else:
            continue
        for name in candidates:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module and name != "numeduc.web":
                found.add(name)
    return found


def _node(module: str) -> str:
    """``numeduc.web.surveys.models`` -> ``surveys``; ``numeduc.web.downloads`` -> ``downloads``."""
    return module.split(".")[2]


def module_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def app_graph(graph: dict[str, set[str]]) -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the module-level edges that make that dependency."""
    apps: dict[str, dict[str, list[str]]] = {}
    for module, imported in graph.items():
        if module == "numeduc.web":
            continue
        edges = apps.setdefault(_node(module), {})
        for other in imported:
            if _node(other) != _node(module):
                edges.setdefault(_node(other), []).append(f"{module} -> {other}")
    return apps


def test_the_parser_sees_the_imports():
    graph = module_graph()
    assert sum(len(v) for v in graph.values()) > 80
    # a function-level import is seen
    assert "numeduc.web.middleware" in graph["numeduc.web.views"]


def test_no_import_cycle_between_apps(import_cycles):
    apps = app_graph(module_graph())
    cycles = import_cycles({app: set(edges) for app, edges in apps.items()})
    details = [
        f"{' <-> '.join(cycle)}:\n  "
        + "\n  ".join(e for a in cycle for b in cycle if b in apps[a] for e in apps[a][b])
        for cycle in cycles
    ]
    assert not cycles, "import cycles between numeduc.web apps:\n" + "\n".join(details)


def test_no_module_imports_a_views_module():
    graph = module_graph()
    offenders = sorted(
        f"{module} imports {other}"
        for module, imported in graph.items()
        for other in imported
        if other.rpartition(".")[2] in VIEW_MODULES
        and not module.endswith(".urls")  # a URL conf routes to views: that is its job
    )
    assert not offenders, "views are imported only by URL confs:\n" + "\n".join(offenders)


def test_every_app_is_placed_in_the_dependency_order():
    placed = [node for layer in DEPENDENCY_ORDER for node in layer]
    assert len(placed) == len(set(placed))
    nodes = set(app_graph(module_graph()))
    assert nodes - set(placed) == set(), "place the new app in DEPENDENCY_ORDER"


def test_apps_only_import_the_layers_below_them():
    rank = {node: i for i, layer in enumerate(DEPENDENCY_ORDER) for node in layer}
    offenders = sorted(
        f"{app} ({rank[app]}) imports {other} ({rank[other]}): {', '.join(sorted(edges))}"
        for app, imported in app_graph(module_graph()).items()
        for other, edges in imported.items()
        if rank[other] <= rank[app]
    )
    assert not offenders, "imports against DEPENDENCY_ORDER:\n" + "\n".join(offenders)
