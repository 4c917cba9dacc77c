"""The catalogue loader: every kind of error with its file, field path and line, all at once."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.actions import ActionCatalogueError, load_catalogue
from numeduc.actions.loader import _cycles

from .conftest import GOOD_FILE, write_catalogue


def _errors(directory: Path) -> list[str]:
    with pytest.raises(ActionCatalogueError) as caught:
        load_catalogue(directory)
    return caught.value.errors


def _broken(tmp_path: Path, old: str, new: str) -> list[str]:
    assert GOOD_FILE.count(old) == 1, old
    directory = write_catalogue(tmp_path / "broken", {"equipement.yaml": GOOD_FILE.replace(old, new)})
    return _errors(directory)


def test_the_small_catalogue_loads_with_every_field(good_dir):
    catalogue = load_catalogue(good_dir)
    assert [a.id for a in catalogue] == ["fibre", "wifi"]
    fibre = catalogue.get("fibre")
    assert fibre.family == "equipement" and fibre.family_label == "Équipement et infrastructure"
    assert [(t.factor, t.from_level, t.to_level) for t in fibre.factors] == [("f04", 1, 3)]
    assert fibre.cost.investment == 1000.0 and fibre.cost.per == "college"
    assert fibre.cost.preset == "livre-blanc-2017" and fibre.cost.parameters == ("isp_cost_per_year",)
    assert fibre.source.lines == (4295, 4299) and fibre.source.sheets[0].departement == "50"
    assert fibre.source.describe() == "Livre blanc ADF 2017, Plans d'actions opérationnels, lignes 4295-4299"
    assert catalogue.get("wifi").prerequisites == ("fibre",)
    assert fibre.file == "equipement.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # unknown field (a typo must not silently drop a value)
        (
            '    why: "Sans débit',
            '    wyh: "x"\n    why: "Sans débit',
            "equipement.yaml: actions[0].wyh: clé inconnue « wyh »",
        ),
        # missing field
        (
            '    how: "Raccorder chaque collège."\n',
            "",
            "equipement.yaml: actions[0]: champ « how » manquant (ligne 3)",
        ),
        # bad factor id
        (
            "{factor: f04,",
            "{factor: f14,",
            "equipement.yaml: actions[0].factors[0].factor: facteur « f14 » inconnu (f01 à f13) (ligne 8)",
        ),
        # level out of 1-4
        (
            "from: 1, to: 3}\n    prerequisites: []",
            "from: 0, to: 3}\n    prerequisites: []",
            "actions[0].factors[0].from: niveau entre 1 et 4 attendu, 0 trouvé (ligne 8)",
        ),
        (
            "f05, from: 1, to: 3",
            "f05, from: 1, to: 5",
            "actions[1].factors[0].to: niveau entre 1 et 4 attendu, 5 trouvé (ligne 23)",
        ),
        # to-level not above from-level
        (
            "f05, from: 1, to: 3",
            "f05, from: 3, to: 3",
            "actions[1].factors[0].to: le niveau visé (3) doit être au-dessus du niveau de départ (3) (ligne 23)",
        ),
        # unknown prerequisite
        (
            "prerequisites: [fibre]",
            "prerequisites: [fibres]",
            "equipement.yaml: actions[1].prerequisites[0]: "
            "préalable « fibres » inconnu (aucune action de ce nom) (ligne 24)",
        ),
        # unknown indicator
        (
            "indicators: [bandwidth_pressure]",
            "indicators: [bandwith_pressure]",
            "equipement.yaml: actions[0].indicators[0]: "
            "indicateur d'usage « bandwith_pressure » inconnu (voir docs/usage.md) (ligne 12)",
        ),
        # unknown budget parameter and preset
        (
            "parameters: [isp_cost_per_year]",
            "parameters: [isp_cost]",
            "actions[0].cost.parameters[0]: paramètre budgétaire « isp_cost » inconnu",
        ),
        (
            "preset: livre-blanc-2017",
            "preset: livre-blanc-2018",
            "actions[0].cost.preset: préréglage budgétaire « livre-blanc-2018 » inconnu",
        ),
        # the closed lists: family, partners, cost unit, département codes
        (
            "family: equipement",
            "family: equipements",
            "equipement.yaml: family: famille « equipements » inconnue",
        ),
        ("partners: [dsi]", "partners: [DSI]", "actions[0].partners[0]: partenaire « DSI » inconnu"),
        (
            "per: college, preset",
            "per: eleve, preset",
            "actions[0].cost.per: « eleve » inconnu (valeurs possibles : departement, college) (ligne 10)",
        ),
        (
            '{departement: "50"',
            '{departement: "500"',
            "actions[0].source.sheets[0].departement: code de département « 500 » inconnu",
        ),
        (
            "lines: [1694, 1695]",
            "lines: [1695, 1694]",
            "actions[1].source.lines: lignes 1695-1694 hors du livre blanc",
        ),
        (
            "  - id: wifi",
            "  - id: Wifi",
            "actions[1].id: « Wifi » : minuscules, chiffres et tirets seulement",
        ),
        (
            "investment: 500,",
            "investment: -500,",
            "actions[1].cost.investment: montant positif ou nul attendu, -500 trouvé",
        ),
        (
            "factors:\n      - {factor: f05, from: 1, to: 3}",
            "factors: []",
            "actions[1].factors: au moins un facteur attendu",
        ),
    ],
)
def test_each_error_names_file_field_and_line(tmp_path, old, new, expected):
    errors = _broken(tmp_path, old, new)
    assert any(expected in error for error in errors), errors


def test_a_prerequisite_cycle_is_named_with_its_chain(tmp_path):
    errors = _broken(tmp_path, "    prerequisites: []\n", "    prerequisites: [wifi]\n")
    assert errors == [
        "equipement.yaml: actions[0].prerequisites[0]: préalables en boucle : fibre → wifi → fibre (ligne 9)"
    ]


def test_an_action_cannot_be_its_own_prerequisite(tmp_path):
    errors = _broken(tmp_path, "prerequisites: [fibre]", "prerequisites: [wifi]")
    assert errors == [
        "equipement.yaml: actions[1].prerequisites[0]: "
        "l'action « wifi » ne peut pas être son propre préalable (ligne 24)"
    ]


def test_a_duplicate_id_across_files_names_both_places(tmp_path):
    other = GOOD_FILE.replace("family: equipement", "family: budget").replace(
        "  - id: fibre", "  - id: fibre-bis"
    )
    directory = write_catalogue(tmp_path / "two", {"equipement.yaml": GOOD_FILE, "z-budget.yaml": other})
    errors = _errors(directory)
    assert errors == [
        "z-budget.yaml: actions[1].id: identifiant « wifi » déjà utilisé (equipement.yaml, actions[1]) (ligne 18)"
    ]


def test_a_broken_catalogue_reports_every_error_of_every_file_at_once(tmp_path):
    first = (
        GOOD_FILE.replace("{factor: f04,", "{factor: f99,")
        .replace("indicators: [bandwidth_pressure]", "indicators: [nope]")
        .replace("prerequisites: [fibre]", "prerequisites: [absent]")
    )
    second = 'family: budget\nactions:\n  - id: seule\n    title: "Seule"\n'
    directory = write_catalogue(tmp_path / "many", {"a.yaml": first, "b.yaml": second})
    with pytest.raises(ActionCatalogueError) as caught:
        load_catalogue(directory)
    errors = caught.value.errors
    assert any("a.yaml: actions[0].factors[0].factor: facteur « f99 »" in e for e in errors)
    assert any("a.yaml: actions[0].indicators[0]: indicateur d'usage « nope »" in e for e in errors)
    assert any("a.yaml: actions[1].prerequisites[0]: préalable « absent » inconnu" in e for e in errors)
    for missing in ("why", "how", "factors", "cost", "partners", "indicators", "source"):
        assert f"b.yaml: actions[0]: champ « {missing} » manquant (ligne 3)" in errors
    assert str(caught.value).startswith(f"{directory} : {len(errors)} erreurs dans le catalogue d'actions\n")


def test_yaml_problems_are_reported_like_the_questionnaires(tmp_path):
    directory = write_catalogue(
        tmp_path / "yaml",
        {
            "a.yaml": "family: budget\nfamily: budget\nactions: []\n",
            "b.yaml": "family: [unclosed\n",
            "c.yaml": "",
        },
    )
    errors = _errors(directory)
    assert any(e.startswith("a.yaml: family: clé « family » répétée (ligne 2)") for e in errors), errors
    assert any(e.startswith("b.yaml") for e in errors), errors
    assert "c.yaml: fichier vide" in errors


def test_a_missing_or_empty_directory_is_refused(tmp_path):
    assert _errors(tmp_path / "absent") == [f"{tmp_path / 'absent'} : dossier introuvable"]
    (tmp_path / "empty").mkdir()
    assert _errors(tmp_path / "empty") == [f"{tmp_path / 'empty'} : aucun fichier .yaml dans ce dossier"]


@given(
    st.dictionaries(
        st.sampled_from("abcdef"), st.lists(st.sampled_from("abcdef"), max_size=3, unique=True), min_size=1
    )
)
def test_cycle_search_agrees_with_graphlib(raw):
    graph = {node: tuple(p for p in prereqs if p != node) for node, prereqs in raw.items()}
    cycles = _cycles(graph)
    try:
        TopologicalSorter({n: [p for p in ps if p in graph] for n, ps in graph.items()}).prepare()
        has_cycle = False
    except CycleError:
        has_cycle = True
    assert bool(cycles) == has_cycle
    for cycle in cycles:  # each one is a real loop, starting at its smallest id
        assert cycle[0] == min(cycle)
        for here, after in zip(cycle, cycle[1:] + cycle[:1]):
            assert after in graph[here]


VALUE_LINES = [
    i for i, line in enumerate(GOOD_FILE.splitlines()) if ": " in line and not line.rstrip().endswith(":")
]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(VALUE_LINES), st.text(max_size=20))
def test_any_value_anywhere_loads_or_is_refused_with_catalogue_errors(tmp_path_factory, index, text):
    # Whatever an editor types after a key, the loader answers with its own errors, never a crash.
    lines = GOOD_FILE.splitlines()
    key, _, _ = lines[index].partition(": ")
    lines[index] = f"{key}: {text}"
    directory = write_catalogue(tmp_path_factory.mktemp("fuzz"), {"equipement.yaml": "\n".join(lines) + "\n"})
    try:
        load_catalogue(directory)
    except ActionCatalogueError as exc:
        assert exc.errors and all(e.startswith("equipement.yaml") for e in exc.errors), exc.errors
