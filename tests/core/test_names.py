"""numeduc.names: every département and académie with its article, from checked data."""

from __future__ import annotations

import csv
import unicodedata
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc import names
from numeduc.names import (
    FORMS,
    AcademieName,
    PlaceName,
    PlaceNamesError,
    academie_codes,
    academie_name,
    capfirst,
    departement_codes,
    departement_name,
    parse_place_names,
)

SHARED_DEPARTEMENTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "departements.csv"


def _packaged_csv(name: str) -> list[dict[str, str]]:
    with resources.files("numeduc.data.reference").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _ascii_upper(name: str) -> str:
    return unicodedata.normalize("NFD", name).encode("ascii", "ignore").decode().upper()


# --- the data file against the reference data ------------------------------------------------


def _check_same_departements(rows: list[dict[str, str]]) -> None:
    expected = {row["code"]: row["name"] for row in rows}
    assert len(expected) == 101
    assert set(departement_codes()) == set(expected)  # every code present, no extra
    assert {code: departement_name(code).name for code in expected} == expected


def test_every_departement_of_the_packaged_reference_has_its_name_and_only_those():
    _check_same_departements(_packaged_csv("departements.csv"))


@pytest.mark.skipif(not SHARED_DEPARTEMENTS.exists(), reason="../shared/data not on this machine")
def test_every_departement_of_the_shared_reference_has_its_name_and_only_those():
    with SHARED_DEPARTEMENTS.open(encoding="utf-8") as handle:
        _check_same_departements(list(csv.DictReader(handle)))


def test_every_academie_of_the_reference_map_has_its_accented_name_and_only_those():
    source_names = {row["academie_code"]: row["academie_name"] for row in _packaged_csv("academies.csv")}
    assert set(academie_codes()) == set(source_names)
    # The accented name is the source's upper-case name, accents and case restored, nothing else.
    assert {code: _ascii_upper(academie_name(code).name) for code in source_names} == source_names


def test_academie_names_are_those_of_the_ministry_directory_where_it_has_the_code():
    directory = {row["academie_code"]: row["academie_name"] for row in _packaged_csv("colleges.csv")}
    shared_codes = set(directory) & set(academie_codes())
    assert len(shared_codes) == 29  # all but Caen (05) and Rouen (21), merged into Normandie in 2020
    assert {code: academie_name(code).name for code in shared_codes} == {
        c: directory[c] for c in shared_codes
    }


# --- the forms ---------------------------------------------------------------------------------

EXAMPLES = [
    # code, TNCC, with article, « de », « à »
    ("45", 2, "le Loiret", "du Loiret", "au Loiret"),
    ("14", 2, "le Calvados", "du Calvados", "au Calvados"),
    ("50", 3, "la Manche", "de la Manche", "à la Manche"),
    ("78", 4, "les Yvelines", "des Yvelines", "aux Yvelines"),
    ("36", 5, "l'Indre", "de l'Indre", "à l'Indre"),
    ("34", 5, "l'Hérault", "de l'Hérault", "à l'Hérault"),
    ("37", 5, "l'Indre-et-Loire", "de l'Indre-et-Loire", "à l'Indre-et-Loire"),  # usage, not the COG
    ("35", 1, "Ille-et-Vilaine", "d'Ille-et-Vilaine", "à Ille-et-Vilaine"),
    ("75", 0, "Paris", "de Paris", "à Paris"),
    ("976", 0, "Mayotte", "de Mayotte", "à Mayotte"),
    ("974", 0, "La Réunion", "de La Réunion", "à La Réunion"),
    ("68", 2, "le Haut-Rhin", "du Haut-Rhin", "au Haut-Rhin"),  # h aspiré: no elision
    ("971", 3, "la Guadeloupe", "de la Guadeloupe", "à la Guadeloupe"),
]


@pytest.mark.parametrize(("code", "tncc", "with_article", "of", "to"), EXAMPLES)
def test_departement_forms(code, tncc, with_article, of, to):
    place = departement_name(code)
    assert (place.tncc, place.with_article, place.of, place.to) == (tncc, with_article, of, to)


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("18", "académie d'Orléans-Tours"),
        ("02", "académie d'Aix-Marseille"),
        ("20", "académie d'Amiens"),
        ("10", "académie de Lyon"),
        ("03", "académie de Besançon"),
        ("24", "académie de Créteil"),
        ("28", "académie de La Réunion"),
        ("32", "académie de la Guadeloupe"),
        ("27", "académie de Corse"),
        ("43", "académie de Mayotte"),
    ],
)
def test_academie_titles(code, title):
    assert academie_name(code).title == title


@pytest.mark.parametrize(
    ("tncc", "name", "of"),
    [(6, "Aix", "des Aix"), (7, "Vegas", "de las Vegas"), (8, "Angeles", "de los Angeles")],
)
def test_the_rarer_insee_types_have_their_forms_too(tncc, name, of):
    assert PlaceName(name, tncc).of == of


def test_every_insee_type_has_its_three_forms_and_nothing_else_is_accepted():
    assert sorted(FORMS) == list(range(9))
    with pytest.raises(ValueError, match="TNCC"):
        PlaceName("Loiret", 9)


def test_capfirst_only_touches_the_first_letter():
    assert capfirst(departement_name("35").with_article) == "Ille-et-Vilaine"
    assert capfirst(departement_name("45").with_article) == "Le Loiret"
    assert capfirst("") == ""


every_departement = st.sampled_from(sorted(names.departement_codes()))
every_place = st.one_of(
    every_departement.map(departement_name), st.sampled_from(sorted(academie_codes())).map(academie_name)
)


@given(every_place)
def test_no_form_is_ever_wrong_french(place):
    for form in (place.with_article, place.of, place.to):
        assert form.endswith(place.name)
        lowered = form.lower()
        for wrong in ("de le ", "de les ", "à le ", "à les ", "de l' ", "d' "):
            assert not lowered.startswith(wrong), form
    head = place.of[: len(place.of) - len(place.name)]
    if names.starts_with_vowel(place.name):
        # Before a vowel, « de » and the article are always elided: d'Amiens, de l'Ain, never « de A… ».
        assert head in ("d'", "de l'", "des "), place.of
    else:
        assert not head.endswith("'") or place.name[:1] in "Hh", place.of


@given(every_departement)
def test_the_of_form_agrees_with_the_article(code):
    place = departement_name(code)
    article = FORMS[place.tncc][0]
    expected = {
        "": "d'" if place.tncc == 1 else "de ",
        "le ": "du ",
        "les ": "des ",
        "la ": "de la ",
        "l'": "de l'",
    }
    assert place.of == expected[article] + place.name


def test_academie_names_are_academie_names():
    assert isinstance(academie_name("18"), AcademieName)
    with pytest.raises(KeyError):
        academie_name("99")
    with pytest.raises(KeyError):
        departement_name("99")


# --- the parser --------------------------------------------------------------------------------

VALID = """version: 2
departements:
  "45": ["Loiret", 2]
academies:
  "18": ["Orléans-Tours", 1]
"""


def test_a_valid_file_parses():
    assert parse_place_names(VALID) == {
        "departements": {"45": ("Loiret", 2)},
        "academies": {"18": ("Orléans-Tours", 1)},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (VALID.replace("version: 2", "version: 1"), "version 2 attendue"),
        (VALID.replace('"45": ["Loiret", 2]', '"45": ["Loiret", 12]'), "TNCC 12 hors de 0 à 8"),
        (VALID.replace('"45": ["Loiret", 2]', '"45": ["Loiret", true]'), "TNCC True"),
        (VALID.replace('"45": ["Loiret", 2]', '"45": ["Loiret"]'), r"attendu \[nom, TNCC\]"),
        (VALID.replace('"45": ["Loiret", 2]', '45: ["Loiret", 2]'), "entre guillemets"),
        (VALID.replace('"45": ["Loiret", 2]', '"45": [" Loiret", 2]'), "espaces"),
        (VALID.replace('"45": ["Loiret", 2]', '"36": ["Indre", 2]'), "commence par une voyelle, TNCC 2"),
        (VALID.replace('["Orléans-Tours", 1]', '["Orléans-Tours", 0]'), "commence par une voyelle, TNCC 0"),
        (VALID.replace('["Orléans-Tours", 1]', '["Lyon", 1]'), "ni par une voyelle ni par h"),
        (VALID.replace("academies:\n", "academie:\n"), "clés inconnues"),
        ("version: 2\ndepartements: {}\nacademies: {}\n", "absente ou vide"),
    ],
)
def test_a_wrong_file_is_refused_with_the_entry_and_the_reason(text, message):
    with pytest.raises(PlaceNamesError, match=message):
        parse_place_names(text)


_names = st.text(alphabet=st.sampled_from("AÉeiHhLlMOoYzé- '"), min_size=0, max_size=8)
_tncc = st.one_of(st.integers(-2, 11), st.booleans(), st.none(), st.text(max_size=2))


@given(st.dictionaries(st.sampled_from(["01", "45", "2A", "976"]), st.tuples(_names, _tncc), max_size=4))
def test_the_parser_accepts_exactly_the_entries_that_follow_the_rules(entries):
    import json

    body = "".join(f"  {json.dumps(code)}: {json.dumps(list(entry))}\n" for code, entry in entries.items())
    text = f'version: 2\ndepartements:\n{body or "  {}"}\nacademies:\n  "18": ["Orléans-Tours", 1]\n'
    if not entries:
        text = text.replace("departements:\n  {}", "departements: {}")

    def follows_rules(name, tncc):
        if not name or name != name.strip() or isinstance(tncc, bool) or tncc not in FORMS:
            return False
        vowel = names.starts_with_vowel(name)
        if tncc in (0, 2, 3):
            return not vowel
        if tncc in (1, 5):
            return vowel or name[0] in "Hh"
        return True

    if entries and all(follows_rules(*entry) for entry in entries.values()):
        parsed = parse_place_names(text)
        assert parsed["departements"] == {code: tuple(entry) for code, entry in entries.items()}
    else:
        with pytest.raises(PlaceNamesError):
            parse_place_names(text)


def test_the_usage_section_overrides_the_cog_with_a_reason():
    text = VALID.replace('"45": ["Loiret", 2]', '"37": ["Indre-et-Loire", 1]') + (
        'usage:\n  "37": [5, "usage courant"]\n'
    )
    assert parse_place_names(text)["departements"]["37"] == ("Indre-et-Loire", 5)
    for usage, message in [
        ('  "99": [5, "x"]', "département inconnu"),
        ('  "37": [5]', r"attendu \[TNCC, raison\]"),
        ('  "37": [5, " "]', r"attendu \[TNCC, raison\]"),
        ('  "37": [2, "x"]', "commence par une voyelle, TNCC 2"),
    ]:
        wrong = VALID.replace('"45": ["Loiret", 2]', '"37": ["Indre-et-Loire", 1]') + f"usage:\n{usage}\n"
        with pytest.raises(PlaceNamesError, match=message):
            parse_place_names(wrong)


def test_indre_et_loire_reads_as_users_write_it_and_only_it_departs_from_the_cog():
    """« de l'Indre-et-Loire » (the brief's and issue 11's form); every other département keeps
    its COG article, so the departures stay few and each has its reason in the file."""
    assert departement_name("37").of == "de l'Indre-et-Loire"
    assert departement_name("28").of == "d'Eure-et-Loir"
    assert departement_name("77").of == "de Seine-et-Marne"
