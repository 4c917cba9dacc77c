"""The « données de démonstration » mark: one wording, one include, one demo test."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

import numeduc.web
from numeduc.charts._svg import DEMO_LABEL
from numeduc.demo.mark import DEMO_MARK as CORE_MARK
from numeduc.web.demo_mark import DEMO_MARK, built_on_demo, demo_notices


def test_one_wording_everywhere():
    assert DEMO_MARK == CORE_MARK == DEMO_LABEL == "données de démonstration"


def test_the_include_says_the_mark_in_the_three_forms_the_pages_use():
    assert render_to_string("_demo_mark.html", {"demo": False}) == ""
    assert render_to_string("_demo_mark.html", {"demo": True}) == (f'<span class="badge">{DEMO_MARK}</span>')
    assert render_to_string("_demo_mark.html", {"demo": True, "tag": "strong"}) == (
        f'<strong class="badge">{DEMO_MARK}</strong>'
    )
    assert render_to_string("_demo_mark.html", {"demo": True, "css": "usage-demo"}) == (
        f'<span class="usage-demo">{DEMO_MARK}</span>'
    )


def test_built_on_demo_reads_flags_and_objects():
    demo, real = SimpleNamespace(is_demo=True), SimpleNamespace(is_demo=False)
    assert built_on_demo(demo)
    assert built_on_demo(real, demo)
    assert built_on_demo(False, True)
    assert not built_on_demo(real, False)
    assert not built_on_demo()
    assert not built_on_demo(real, None) and built_on_demo(None, demo)  # absent reference
    assert demo_notices(demo) == [DEMO_MARK]
    assert demo_notices(real) == []


def test_an_object_without_a_flag_is_refused():
    with pytest.raises(TypeError):
        built_on_demo(object())


WEB = Path(numeduc.web.__file__).parent


def test_no_template_writes_the_badge_itself():
    """A badge is the include; sentences that say more than the mark may spell it out."""
    badge = re.compile(r"<(span|strong)[^>]*>données de démonstration</\1>")
    offenders = [
        str(path.relative_to(WEB))
        for path in WEB.rglob("templates/**/*.html")
        if path.name != "_demo_mark.html" and badge.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
