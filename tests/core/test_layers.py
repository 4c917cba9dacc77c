"""The pure core never imports Django: it must run in a notebook, a Spark job or the CLI alone."""

from __future__ import annotations

import ast
from pathlib import Path

import numeduc

PURE_PACKAGES = ["stats", "analysis", "budget", "usage", "charts", "questionnaires", "demo"]
PURE_MODULES = ["reference.py", "formatting.py", "safeyaml.py", "text.py"]


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
