"""The glossary: every technical term the pages show, with a plain-French explanation.

Content as data (``numeduc/content/glossary.yaml``, read with ``numeduc.safeyaml``), checked
at load so that a typo fails when the file is read, not when a page shows it: unique keys of
lower-case letters, digits and hyphens; a term and a definition of one or two sentences ending
with a full stop; cross-references (``see``) that name existing entries. The web pages render
it (the « Glossaire » page and the ``{% terme %}`` template tag); no Django here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from numeduc import safeyaml
from numeduc.text import control_character_problem

GLOSSARY_PATH = Path(__file__).parent / "content" / "glossary.yaml"

CATEGORIES = {
    "statistiques": "Statistiques et lecture des graphiques",
    "numerique": "Numérique éducatif",
    "education": "Éducation nationale",
}
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TERM = 60
# One or two sentences: long enough for a definition and an example, short enough for a tooltip.
MAX_DEFINITION = 420
MAX_SENTENCES = 2
FIELDS = {"id", "term", "expansion", "category", "definition", "see"}
REQUIRED = {"id", "term", "category", "definition"}


class GlossaryError(ValueError):
    """The glossary file breaks a rule (French message naming the entry)."""


@dataclass(frozen=True)
class Entry:
    key: str
    term: str
    category: str
    definition: str
    expansion: str = ""
    see: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of its entry on the glossary page (``/aide/glossaire/#terme-inertie``)."""
        return f"terme-{self.key}"

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]


def _sentences(text: str) -> int:
    # A sentence ends with . ! or ? followed by a space and a capital letter (or the end);
    # « p < 0,05 » or « 0450001A » do not end one.
    return len(re.findall(r"[.!?](?=\s+[A-ZÀ-Ý«]|\s*$)", text))


def _text(value: object, where: str, field: str, *, required: bool, limit: int) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise GlossaryError(f"{where} : le champ « {field} » doit être un texte non vide.")
    text = " ".join(value.split())
    problem = control_character_problem(text)
    if problem:
        raise GlossaryError(f"{where} : le champ « {field} » est refusé ({problem}).")
    if len(text) > limit:
        raise GlossaryError(f"{where} : le champ « {field} » dépasse {limit} caractères ({len(text)}).")
    return text


def parse_entry(raw: object, position: int) -> Entry:
    """One entry of the file (``position`` counts from 1, for the messages)."""
    where = f"entrée n° {position}"
    if not isinstance(raw, dict):
        raise GlossaryError(f"{where} : une entrée est un dictionnaire (id, term, category, definition).")
    unknown = set(raw) - FIELDS
    if unknown:
        raise GlossaryError(f"{where} : champ(s) inconnu(s) {', '.join(sorted(map(str, unknown)))}.")
    missing = REQUIRED - set(raw)
    if missing:
        raise GlossaryError(f"{where} : champ(s) manquant(s) {', '.join(sorted(missing))}.")
    key = raw["id"]
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise GlossaryError(f"{where} : la clé « {key} » doit être en minuscules, chiffres et tirets.")
    where = f"entrée « {key} »"
    category = raw["category"]
    if category not in CATEGORIES:
        raise GlossaryError(f"{where} : catégorie « {category} » inconnue ({', '.join(CATEGORIES)}).")
    definition = _text(raw["definition"], where, "definition", required=True, limit=MAX_DEFINITION)
    if not definition.endswith((".", "!", "?")):
        raise GlossaryError(f"{where} : la définition doit finir par un point.")
    if not 1 <= _sentences(definition) <= MAX_SENTENCES:
        raise GlossaryError(f"{where} : la définition tient en une ou deux phrases.")
    see = raw.get("see") or []
    if not isinstance(see, list) or not all(isinstance(s, str) for s in see):
        raise GlossaryError(f"{where} : « see » est une liste de clés.")
    return Entry(
        key=key,
        term=_text(raw["term"], where, "term", required=True, limit=MAX_TERM),
        category=category,
        definition=definition,
        expansion=_text(raw.get("expansion"), where, "expansion", required=False, limit=MAX_TERM * 2),
        see=tuple(see),
    )


def parse_glossary(document: object) -> dict[str, Entry]:
    """The entries of a loaded YAML document, by key, in the file's order."""
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise GlossaryError("Le glossaire est un dictionnaire avec une liste « entries ».")
    entries: dict[str, Entry] = {}
    for position, raw in enumerate(document["entries"], start=1):
        entry = parse_entry(raw, position)
        if entry.key in entries:
            raise GlossaryError(f"entrée « {entry.key} » : clé en double.")
        entries[entry.key] = entry
    for entry in entries.values():
        unknown = [key for key in entry.see if key not in entries]
        if unknown:
            raise GlossaryError(
                f"entrée « {entry.key} » : renvoi vers {', '.join(unknown)}, absent du glossaire."
            )
    return entries


@cache
def glossary(path: Path = GLOSSARY_PATH) -> dict[str, Entry]:
    """The glossary file, read and checked once per process."""
    try:
        document = safeyaml.safe_load_file(path)
    except safeyaml.UnsafeYamlError as exc:
        raise GlossaryError(str(exc)) from None
    return parse_glossary(document)


def entry(key: str) -> Entry:
    """The entry of ``key``; ``KeyError`` naming the missing key (a template using an unknown
    term must fail in the tests, not show an empty tooltip)."""
    entries = glossary()
    if key not in entries:
        raise KeyError(f"Terme absent du glossaire : « {key} ».")
    return entries[key]


def by_category() -> list[tuple[str, list[Entry]]]:
    """(category label, its entries sorted alphabetically) in the order of ``CATEGORIES``."""
    entries = glossary().values()
    return [
        (label, sorted((e for e in entries if e.category == category), key=lambda e: _sort_key(e.term)))
        for category, label in CATEGORIES.items()
    ]


def _sort_key(term: str) -> str:
    decomposed = unicodedata.normalize("NFD", term.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
