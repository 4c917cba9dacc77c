"""``{% terme "inertie" %}``: a technical term with its plain-French explanation at hand.

A template builtin (``settings.TEMPLATES``): every template may use it without ``{% load %}``,
so marking a word on a page is a one-word edit. The term renders as a link to its entry on the
« Glossaire » page, followed by a bubble holding the explanation:

* the bubble shows on hover and on keyboard focus (CSS ``:focus-within``), and screen readers
  read it as the link's description (``aria-describedby``);
* on a touch screen, where nothing hovers, a tap follows the link to the glossary entry;
* acronyms (ACP, TCO…) are also an ``<abbr>`` with their expansion.

The words come from ``numeduc.glossary`` (content/glossary.yaml); an unknown key is an error,
caught by ``tests/web/test_glossary.py``, which checks every key used in the templates.
"""

from __future__ import annotations

import itertools

from django import template
from django.urls import reverse
from django.utils.html import format_html

from numeduc import glossary

register = template.Library()

# Unique ids within a process: a page may show the same term several times, in fragments
# rendered (and cached) separately, and each bubble needs its own id.
_ids = itertools.count(1)


@register.simple_tag
def terme(key: str, text: str = "") -> str:
    """The term of ``key`` (or ``text``, e.g. « l'inertie », « Valeurs propres ») with its
    explanation."""
    entry = glossary.entry(key)
    shown = text or entry.term
    bubble_id = f"def-{entry.key}-{next(_ids)}"
    href = f"{reverse('glossary')}#{entry.anchor}"
    if entry.expansion:
        label = format_html('<abbr title="{}">{}</abbr>', entry.expansion, shown)
        explanation = format_html(
            "<strong>{}</strong> ({}) : {}", entry.term, entry.expansion, entry.definition
        )
    else:
        label = format_html("{}", shown)
        explanation = format_html("<strong>{}</strong> : {}", entry.term, entry.definition)
    return format_html(
        '<span class="terme"><a href="{}" aria-describedby="{}">{}</a>'
        '<span class="terme-bulle" role="tooltip" id="{}">{}</span></span>',
        href,
        bubble_id,
        label,
        bubble_id,
        explanation,
    )
