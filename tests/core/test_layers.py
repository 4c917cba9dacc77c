"""The pure core never imports Django (it must run in a notebook, a Spark job or the CLI alone) and
its modules import each other without a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import numeduc

PURE_PACKAGES = [
    "stats",
    "analysis",
    "budget",
    "usage",
    "charts",
    "questionnaires",
    "demo",
    "actions",
    "school_surveys",
    "experiences",
    "evaluation",
    "opendata",
]
PURE_MODULES = [
    "exports.py",
    "reference.py",
    "formatting.py",
    "glossary.py",
    "names.py",
    "safeyaml.py",
    "text.py",
]
# Not the core: the Django shell, the CLI (which sets Django up for some commands), and folders of
# data or content files.
NOT_CORE = {"web", "cli", "content", "data", "__init__.py"}


def test_every_module_of_numeduc_is_either_core_or_named_as_not_core():
    """A new module or package at the top of numeduc is checked like the rest of the core unless it
    is added to NOT_CORE on purpose."""
    root = Path(numeduc.__file__).parent
    found = {
        p.name for p in root.iterdir() if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    }
    found |= {p.name for p in root.iterdir() if p.is_dir() and p.name in NOT_CORE}
    assert found == set(PURE_PACKAGES) | set(PURE_MODULES) | NOT_CORE


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_pure_core_does_not_import_django_or_the_web_layer():
    root = Path(numeduc.__file__).parent
    files = [f for package in PURE_PACKAGES for f in (root / package).rglob("*.py")]
    files += [root / name for name in PURE_MODULES]
    assert len(files) > 20
    offenders = {
        str(f.relative_to(root)): sorted(
            m for m in imported_modules(f) if m.startswith(("django", "numeduc.web", "ninja"))
        )
        for f in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _core_files(root: Path) -> dict[str, Path]:
    """Every module of the pure core by dotted name (``numeduc.budget.model``…)."""
    files = [f for package in PURE_PACKAGES for f in (root / package).rglob("*.py")]
    files += [root / name for name in PURE_MODULES]
    modules = {}
    for f in files:
        parts = list(f.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = f
    return modules


def _core_imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Core modules imported anywhere in ``path`` (top level, functions, ``TYPE_CHECKING``
    blocks; relative imports resolved; ``from package import name`` counts the submodule
    ``package.name`` when it is one, else the package)."""
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
            while name and name not in known:  # numeduc.budget.model.X -> numeduc.budget.model
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def test_no_import_cycle_inside_the_core(import_cycles):
    root = Path(numeduc.__file__).parent
    modules = _core_files(root)
    known = set(modules)
    # A package's __init__ counts as a module: a submodule importing its own package while the
    # package re-exports that submodule is a cycle too.
    graph = {name: _core_imports(path, name, known) for name, path in modules.items()}
    assert sum(len(v) for v in graph.values()) > 50  # the parser sees the imports
    assert import_cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle(import_cycles):
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []
