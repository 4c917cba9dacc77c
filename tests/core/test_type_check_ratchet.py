"""The modules that mypy does not check yet (``[[tool.mypy.overrides]]`` with ``ignore_errors``
in pyproject.toml) are real modules: a module renamed or deleted leaves the list instead of
silently keeping a stale entry, so the list only ever gets shorter."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_excused_from_type_checking_exists():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    excused = [
        module
        for override in config["tool"]["mypy"].get("overrides", [])
        if override.get("ignore_errors")
        for module in override["module"]
    ]
    assert excused, "no module excused: remove this test together with the override"
    missing = []
    for module in excused:
        path = ROOT / "src" / Path(*module.split("."))
        if not (path.with_suffix(".py").exists() or (path / "__init__.py").exists()):
            missing.append(module)
    assert not missing, f"modules excused from mypy that do not exist any more: {missing}"
    assert len(excused) == len(set(excused)), "a module is listed twice"
