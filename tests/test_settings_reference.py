"""docs/settings.md names every environment variable and project setting the code reads.

Parses (ast) every module of ``src/numeduc`` for ``os.environ[...]``, ``os.environ.get(...)``,
``os.getenv(...)`` (and ``os.environ.setdefault(...)``) with a literal name, and for
``settings.X`` / ``getattr(settings, "X")`` reads of settings that Django does not define
itself (``django.conf.global_settings``). Each name must appear in backquotes in
docs/settings.md. ``getattr(settings, …)`` is allowed in settings.py only: a setting the code
needs is defined there, with its default.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "numeduc"
SETTINGS_PY = SRC / "web" / "settings.py"
REFERENCE = ROOT / "docs" / "settings.md"
DJANGO_NAMES = frozenset(name for name in dir(global_settings) if name.isupper())
ENV_METHODS = {"get", "setdefault", "pop"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    ) or (isinstance(node, ast.Name) and node.id == "environ")


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def env_reads(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            names.add(_literal(node.slice) or "<non-literal>")
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            is_env_call = (
                isinstance(func, ast.Attribute) and func.attr in ENV_METHODS and _is_os_environ(func.value)
            )
            is_getenv = (
                isinstance(func, ast.Attribute)
                and func.attr == "getenv"
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
            ) or (isinstance(func, ast.Name) and func.id == "getenv")
            if is_env_call or is_getenv:
                names.add(_literal(node.args[0]) or "<non-literal>")
    return names


def _is_settings(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "settings"


def setting_reads(tree: ast.AST) -> tuple[set[str], list[int]]:
    """Project settings read as ``settings.X`` or ``getattr(settings, "X")``, and the lines of
    every ``getattr(settings, …)``."""
    names: set[str] = set()
    getattr_lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_settings(node.value) and node.attr.isupper():
            names.add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and node.args
            and _is_settings(node.args[0])
        ):
            getattr_lines.append(node.lineno)
            if len(node.args) > 1:
                names.add(_literal(node.args[1]) or "<non-literal>")
    return {n for n in names if n not in DJANGO_NAMES}, getattr_lines


def documented_names() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", REFERENCE.read_text(encoding="utf-8")))


def _scan() -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    env: dict[str, list[str]] = {}
    project: dict[str, list[str]] = {}
    getattrs: list[str] = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = str(path.relative_to(ROOT))
        for name in env_reads(tree):
            env.setdefault(name, []).append(rel)
        names, lines = setting_reads(tree)
        for name in names:
            project.setdefault(name, []).append(rel)
        if path != SETTINGS_PY:
            getattrs += [f"{rel}:{line}" for line in lines]
    return env, project, getattrs


def test_every_environment_variable_read_is_documented():
    env, _, _ = _scan()
    assert "NUMEDUC_SECRET_KEY" in env  # the scanner sees settings.py's reads
    documented = documented_names()
    missing = {name: where for name, where in env.items() if name not in documented}
    assert not missing, f"environment variables read in code but missing from docs/settings.md: {missing}"


def test_every_project_setting_read_is_documented():
    _, project, _ = _scan()
    assert "INVITATION_VALIDITY_DAYS" in project  # a project setting read outside settings.py
    documented = documented_names()
    missing = {name: where for name, where in project.items() if name not in documented}
    assert not missing, f"settings read in code but missing from docs/settings.md: {missing}"


def test_no_getattr_on_settings_outside_settings_py():
    _, _, getattrs = _scan()
    assert not getattrs, (
        f"getattr(settings, …) outside settings.py: {getattrs} — define the setting, with its "
        "default, in src/numeduc/web/settings.py and read it as settings.NAME"
    )


def test_scanner_finds_each_form_of_read():
    tree = ast.parse(
        "import os\nfrom django.conf import settings\n"
        "a = os.environ['A_VAR']\nb = os.environ.get('B_VAR')\nc = os.getenv('C_VAR', '')\n"
        "d = settings.MY_SETTING\ne = getattr(settings, 'OTHER_SETTING', None)\nf = settings.DEBUG\n"
    )
    assert env_reads(tree) == {"A_VAR", "B_VAR", "C_VAR"}
    names, lines = setting_reads(tree)
    assert names == {"MY_SETTING", "OTHER_SETTING"}  # DEBUG is Django's own
    assert lines == [7]
