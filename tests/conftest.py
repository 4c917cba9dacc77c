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
