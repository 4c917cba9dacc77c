"""The glossary: its content file is checked at load, every ``{% terme %}`` of the templates
names an entry, and the pages render the explanation next to the term."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import numeduc.web
from numeduc import glossary
from numeduc.glossary import GlossaryError, parse_entry, parse_glossary
from numeduc.web.surveys.models import Campaign

from .test_national import DEMO_ROWS, fill  # the national tests' demo answers

TEMPLATES = Path(numeduc.web.__file__).parent
TERM_TAG = re.compile(r"""{%\s*terme\s+["']([^"']+)["']""")

# Words the issue found unexplained on pages for elected officials, and the other terms the
# pages use: each must have its entry.
REQUIRED_TERMS = {
    "inertie", "valeurs-propres", "acp", "tau-b-de-kendall", "kruskal-wallis", "khi-deux",
    "rang-centile", "mediane", "z-robuste", "repli", "classification-de-ward", "tco", "ent",
    "mdm", "byod", "vpi", "uai", "rep",
}  # fmt: skip


def used_keys() -> dict[str, list[str]]:
    """Every key given to ``{% terme %}`` in a template, with the templates using it."""
    used: dict[str, list[str]] = {}
    for path in TEMPLATES.rglob("*.html"):
        for key in TERM_TAG.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, []).append(str(path.relative_to(TEMPLATES)))
    return used


def test_the_glossary_file_loads_and_holds_the_terms_of_the_issue():
    entries = glossary.glossary()
    assert REQUIRED_TERMS <= set(entries)
    for entry in entries.values():
        assert entry.definition.endswith(".") and len(entry.definition) <= glossary.MAX_DEFINITION
    assert entries["acp"].expansion == "analyse en composantes principales"


def test_every_term_used_in_a_template_is_in_the_glossary():
    used = used_keys()
    assert used, "no {% terme %} found: the scan is broken"
    missing = {key: where for key, where in used.items() if key not in glossary.glossary()}
    assert missing == {}


def test_unknown_key_fails_loudly():
    with pytest.raises(KeyError, match="absent du glossaire"):
        glossary.entry("mot-inconnu")


def test_the_glossary_page_lists_every_entry_with_its_anchor(client, db):
    page = client.get("/aide/glossaire/").content.decode()
    for entry in glossary.glossary().values():
        assert f'id="{entry.anchor}"' in page, entry.key
    assert "Voir aussi" in page and "Statistiques et lecture des graphiques" in page


def test_terme_renders_the_explanation_linked_to_its_entry(client, db):
    page = client.get("/aide/").content.decode()
    inertie = glossary.entry("inertie")
    match = re.search(
        r'<span class="terme"><a href="/aide/glossaire/#terme-inertie" aria-describedby="(def-inertie-\d+)">'
        r'inertie</a><span class="terme-bulle" role="tooltip" id="(def-inertie-\d+)">(.*?)</span></span>',
        page,
    )
    assert match, "the term, its link and its bubble"
    assert match.group(1) == match.group(2)
    assert inertie.definition.replace("'", "&#x27;") in match.group(3)


def test_an_acronym_is_an_abbr_with_its_expansion(client, db):
    page = client.get("/sources/").content.decode()
    assert '<abbr title="coût total de possession">TCO</abbr>' in page


# -- the rules of the content file, checked at load -------------------------------------------

VALID = {"id": "terme-exemple", "term": "exemple", "category": "statistiques", "definition": "Une phrase."}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "Majuscule"}, "minuscules"),
        ({"category": "cuisine"}, "catégorie"),
        ({"definition": "Sans point final"}, "finir par un point"),
        ({"definition": "Une. Deux. Trois."}, "une ou deux phrases"),
        ({"definition": "x" * 430 + "."}, "dépasse"),
        ({"term": ""}, "texte non vide"),
        ({"term": "a\x00b"}, "refusé"),
        ({"see": "inertie"}, "liste de clés"),
        ({"couleur": "bleu"}, "inconnu"),
    ],
)
def test_a_broken_entry_is_refused_with_a_french_message(change, message):
    with pytest.raises(GlossaryError, match=message):
        parse_entry({**VALID, **change}, 1)


def test_duplicate_keys_and_dangling_references_are_refused():
    with pytest.raises(GlossaryError, match="en double"):
        parse_glossary({"entries": [VALID, VALID]})
    with pytest.raises(GlossaryError, match="absent du glossaire"):
        parse_glossary({"entries": [{**VALID, "see": ["ailleurs"]}]})


keys = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
words = st.text(st.characters(whitelist_categories=("Ll", "Lu")), min_size=1, max_size=12)
sentences = st.lists(words, min_size=1, max_size=6).map(lambda w: " ".join(w).capitalize() + ".")


@given(
    key=keys,
    term=words,
    body=st.lists(sentences, min_size=1, max_size=2).map(" ".join),
    category=st.sampled_from(sorted(glossary.CATEGORIES)),
)
def test_any_well_formed_entry_is_read_back_as_written(key, term, body, category):
    entry = parse_entry({"id": key, "term": term, "category": category, "definition": body}, 1)
    assert (entry.key, entry.term, entry.category, entry.definition) == (key, term, category, body)
    assert entry.anchor == f"terme-{key}"


@given(st.dictionaries(st.text(max_size=10), st.none() | st.text(max_size=20) | st.integers(), max_size=6))
def test_arbitrary_mappings_are_refused_or_parsed_never_crash(raw):
    try:
        parse_entry(raw, 1)
    except GlossaryError as exc:
        assert str(exc).startswith("entrée")


def test_the_national_analysis_page_explains_its_technical_words(users, login, campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, is_demo=True)
    fill(campaign, list(DEMO_ROWS.index))
    page = login(users["coordinator"]).get(f"/national/{campaign.pk}/").content.decode()
    for key in ("acp", "inertie", "valeurs-propres", "tau-b-de-kendall", "kruskal-wallis", "mediane"):
        assert f'href="/aide/glossaire/#terme-{key}"' in page, key
    assert glossary.entry("tau-b-de-kendall").definition.split(" ")[0] in page
