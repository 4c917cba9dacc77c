"""Shared fixtures: the browser every Playwright test uses (Debian's Chromium)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge behaviour, not speed: a loaded CI machine must not fail them on
# Hypothesis' 200 ms deadline or its "too slow" health check.
settings.register_profile("numeduc", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("numeduc")

# Playwright's sync API runs an event loop in this thread; Django must still be allowed to query.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def data_version_moves_at_rollback():
    """A test's database changes are rolled back at its end, which no write hook sees: the data
    version (numeduc.web.caching) is moved then, as a write would, so that nothing a test kept
    per data version (open-data package, experience cards) is taken by the next test for its own."""
    yield
    from django.conf import settings as django_settings

    if django_settings.configured:
        from numeduc.web.caching import bump_data_version

        bump_data_version()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium introuvable : `make test` l'installe (paquet Debian chromium).")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# -- import graphs: one cycle finder for the core's layer test and the web apps' boundary test --


def _import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


@pytest.fixture
def import_cycles():
    """The import cycles of a graph {node: nodes it imports}, each a sorted list of nodes."""
    return _import_cycles


class ExportReader:
    """Reads an export back the way its reader would, independently of numeduc.exports: a
    French Excel or LibreOffice (UTF-8 with BOM, ``;``, decimal comma) or an analyst's
    ``pandas.read_csv`` with its defaults."""

    @staticmethod
    def french(content: bytes):
        import io

        import pandas as pd

        assert content.startswith(b"\xef\xbb\xbf"), (
            "a UTF-8 byte order mark first (Excel reads accents right)"
        )
        text = content.decode("utf-8")
        assert "\r\n" in text, "CRLF line ends"
        return pd.read_csv(io.StringIO(text[1:], newline=""), sep=";", decimal=",", dtype={"Code UAI": str})

    @staticmethod
    def machine(content: bytes):
        import io

        import pandas as pd

        assert not content.startswith(b"\xef\xbb\xbf"), "no byte order mark in the machine file"
        return pd.read_csv(io.BytesIO(content), dtype={"uai": str})

    @classmethod
    def web_variants(cls, client, url: str):
        """The French file, the machine file and the schema a CSV export URL answers, checked
        against each other: the schema lists exactly the machine file's columns, its titles are
        the French headers, both files hold the same rows and the same numbers."""
        import json

        import pandas as pd

        sep = "&" if "?" in url else "?"
        french = client.get(url)
        machine = client.get(f"{url}{sep}format=csv-machine")
        schema = client.get(f"{url}{sep}format=schema")
        assert (french.status_code, machine.status_code, schema.status_code) == (200, 200, 200)
        assert "-machine" in machine["Content-Disposition"]
        schema = json.loads(schema.content)
        french, machine = cls.french(french.content), cls.machine(machine.content)
        assert list(machine.columns) == [f["name"] for f in schema["fields"]]
        assert list(french.columns) == [f["title"] for f in schema["fields"]]
        assert len(french) == len(machine)
        for field in schema["fields"]:
            if field["type"] in ("number", "integer"):
                pd.testing.assert_series_equal(
                    french[field["title"]].astype(float),
                    machine[field["name"]].astype(float),
                    check_names=False,
                )
        return french, machine, schema


@pytest.fixture
def export_reader():
    """:class:`ExportReader`: parse a French or machine export back."""
    return ExportReader
