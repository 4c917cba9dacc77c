"""Loading shipped questionnaires and refusing bad files with a message naming file and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from numeduc.questionnaires import (
    QuestionnaireError,
    available_questionnaires,
    load_questionnaire,
    load_questionnaire_file,
)
from numeduc.questionnaires.loader import CONTENT_ROOT

FACTOR_LABELS = [
    "La maturité du numérique éducatif au sein des équipes départementales",
    "L'évaluation et le suivi de l'utilisation des équipements et services",
    "L'accompagnement des utilisateurs des équipements et services",
    "L'état de l'infrastructure réseau/internet dans les établissements",
    "L'état de l'infrastructure réseau/wifi dans les établissements",
    "La clarté des responsabilités entre les services de l'État et le département",
    "Le budget consacré au numérique éducatif, par élève et par an",
    "La sécurisation des usages des utilisateurs",
    "La maîtrise du parc d'équipements déployés",
    "L'utilisation effective des équipements déployés",
    "La maturité numérique du personnel éducatif",
    "La coopération avec les services de l'État",
    "La coopération avec les établissements du département",
]


def test_every_shipped_file_loads():
    shipped = available_questionnaires()
    assert shipped == sorted(shipped)
    assert len(shipped) >= 1
    for slug, version in shipped:
        questionnaire = load_questionnaire(slug, version)
        assert (questionnaire.slug, questionnaire.version) == (slug, version)
        assert questionnaire.items
        ids = [item.id for item in questionnaire.items]
        assert len(ids) == len(set(ids))


def test_latest_version_and_cache():
    latest = load_questionnaire("autodiagnostic")
    assert latest is load_questionnaire("autodiagnostic", latest.version)
    versions = [v for s, v in available_questionnaires() if s == "autodiagnostic"]
    assert latest.version == versions[-1]


def test_unknown_slug_or_version_is_a_clear_error():
    with pytest.raises(QuestionnaireError, match="introuvable"):
        load_questionnaire("n-existe-pas")
    with pytest.raises(QuestionnaireError, match="version « 1999 » introuvable"):
        load_questionnaire("autodiagnostic", "1999")


def test_autodiagnostic_has_the_13_factors_in_order_with_the_paper_labels():
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    assert questionnaire.audience == "departement"
    factors = questionnaire.factor_items()
    assert [item.factor for item in factors] == list(range(1, 14))
    assert [item.label for item in factors] == FACTOR_LABELS
    for item in factors:
        assert item.type == "level" and item.required and item.allow_comment
        assert [level.value for level in item.levels] == [1, 2, 3, 4]
        assert all(level.label and level.descriptor for level in item.levels)
        assert item.id.startswith(f"f{item.factor:02d}_")


def test_axes_partition_the_13_factors_and_items_know_their_axis():
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    assert [axis.label for axis in questionnaire.axes] == [
        "Gouvernance interne",
        "Budget",
        "Équipements et infrastructures",
    ]
    covered = sorted(f for axis in questionnaire.axes for f in axis.factors)
    assert covered == list(range(1, 14))
    for item in questionnaire.factor_items():
        assert item.factor in questionnaire.axis(item.axis).factors


def test_autodiagnostic_context_items():
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    strategy = questionnaire.item("strategie_equipement")
    assert [c.value for c in strategy.choices] == ["eim", "classes_mobiles", "byod", "hybride", "aucune"]
    security = questionnaire.item("responsabilite_securite")
    assert [c.value for c in security.choices] == ["etat", "departement", "partagee"]
    assert questionnaire.item("homogeneite_parc").type == "level"
    assert questionnaire.item("homogeneite_parc").factor is None
    for item_id in ("budget_investissement_par_eleve", "budget_fonctionnement_par_eleve"):
        assert questionnaire.item(item_id).unit == "€/élève/an"
    for item_id in ("part_colleges_thd", "part_colleges_wifi"):
        item = questionnaire.item(item_id)
        assert (item.unit, item.min, item.max) == ("%", 0, 100)
    assert questionnaire.item("nombre_colleges").integer
    assert questionnaire.item("nombre_collegiens").integer
    assert questionnaire.item("equipements_par_eleve").type == "number"
    assert questionnaire.item("wifi_ouvert_eleves").type == "choice"


def test_budget_and_bandwidth_levels_carry_the_paper_thresholds():
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    budget = [level.label for level in questionnaire.item("f07_budget_par_eleve").levels]
    assert (
        "50 €" in budget[0]
        and "50 à 75 €" in budget[1]
        and "75 à 100 €" in budget[2]
        and "100 €" in budget[3]
    )
    internet = questionnaire.item("f04_infrastructure_internet")
    texts = [level.label + level.descriptor for level in internet.levels]
    assert (
        "15 à 20 Mbit/s" in texts[0]
        and "50 Mbit/s" in texts[1]
        and "100 Mbit/s" in texts[2]
        and "200 Mbit/s" in texts[3]
    )
    assert "100 kbit/s" in internet.help and "1 Mbit/s" in internet.help


def test_missing_required():
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    answers = {item.id: 2 for item in questionnaire.factor_items()}
    assert questionnaire.missing_required(answers) == []
    del answers["f05_infrastructure_wifi"]
    answers["f06_clarte_responsabilites"] = None
    # questionnaire order: f06 sits in the governance section, before the equipment section
    assert [i.id for i in questionnaire.missing_required(answers)] == [
        "f06_clarte_responsabilites",
        "f05_infrastructure_wifi",
    ]


# -- invalid files --------------------------------------------------------------------------------
MINIMAL = {
    "slug": "essai",
    "version": "2020",
    "title": "Essai",
    "description": "Un questionnaire d'essai.",
    "audience": "departement",
    "sections": [
        {
            "id": "s1",
            "title": "Section 1",
            "items": [
                {"id": "q_texte", "type": "text", "label": "Texte"},
                {"id": "q_nombre", "type": "number", "label": "Nombre", "min": 0, "max": 10},
            ],
        },
        {
            "id": "s2",
            "title": "Section 2",
            "items": [
                {
                    "id": "q_choix",
                    "type": "choice",
                    "label": "Choix",
                    "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                }
            ],
        },
        {
            "id": "s3",
            "title": "Section 3",
            "items": [
                {
                    "id": "q_niveau",
                    "type": "level",
                    "label": "Niveau",
                    "levels": [
                        {"value": v, "label": f"N{v}", "descriptor": f"Fait {v}"} for v in (1, 2, 3, 4)
                    ],
                }
            ],
        },
    ],
}


def write(tmp_path: Path, data, slug="essai", version="2020") -> Path:
    folder = tmp_path / slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{version}.yaml"
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def copy_minimal():
    return yaml.safe_load(yaml.safe_dump(MINIMAL))


def error_of(path: Path) -> QuestionnaireError:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_file(path)
    return info.value


def test_minimal_file_loads(tmp_path):
    questionnaire = load_questionnaire_file(write(tmp_path, MINIMAL))
    assert [item.id for item in questionnaire.items] == ["q_texte", "q_nombre", "q_choix", "q_niveau"]
    assert questionnaire.factor_items() == []


def test_three_levels_names_file_and_field(tmp_path):
    data = copy_minimal()
    data["sections"][2]["items"][0]["levels"].pop()
    error = error_of(write(tmp_path, data))
    assert "essai/2020.yaml: sections[2].items[0].levels: 4 niveaux attendus, 3 trouvés" in str(error)


def test_missing_field(tmp_path):
    data = copy_minimal()
    del data["sections"][0]["items"][1]["label"]
    error = error_of(write(tmp_path, data))
    assert "essai/2020.yaml: sections[0].items[1]: champ « label » manquant" in str(error)


def test_duplicate_item_id(tmp_path):
    data = copy_minimal()
    data["sections"][1]["items"][0]["id"] = "q_texte"
    error = error_of(write(tmp_path, data))
    assert (
        "sections[1].items[0].id: identifiant de question « q_texte » déjà utilisé (sections[0].items[0].id)"
        in str(error)
    )


def test_unknown_key_is_refused(tmp_path):
    data = copy_minimal()
    data["sections"][0]["items"][0]["requied"] = True
    error = error_of(write(tmp_path, data))
    assert "essai/2020.yaml: sections[0].items[0].requied: clé inconnue « requied »" in str(error)


def test_key_of_another_type_is_refused(tmp_path):
    data = copy_minimal()
    data["sections"][0]["items"][0]["min"] = 3  # min belongs to number items only
    error = error_of(write(tmp_path, data))
    assert "sections[0].items[0].min: clé inconnue « min »" in str(error)


def test_bad_bounds(tmp_path):
    data = copy_minimal()
    data["sections"][0]["items"][1].update(min=20, max=10)
    error = error_of(write(tmp_path, data))
    assert "essai/2020.yaml: sections[0].items[1].min: min (20) supérieur à max (10)" in str(error)


def test_duplicate_choice_value_and_bad_level_order(tmp_path):
    data = copy_minimal()
    data["sections"][1]["items"][0]["choices"][1]["value"] = "a"
    data["sections"][2]["items"][0]["levels"][3]["value"] = 5
    error = error_of(write(tmp_path, data))
    assert "sections[1].items[0].choices[1].value: valeur « a » déjà utilisée" in str(error)
    assert "sections[2].items[0].levels[3].value: niveau 4 attendu" in str(error)
    assert len(error.errors) == 2


def test_empty_descriptor_and_wrong_type(tmp_path):
    data = copy_minimal()
    data["sections"][2]["items"][0]["levels"][0]["descriptor"] = "  "
    data["sections"][0]["items"][0]["required"] = "oui"
    error = error_of(write(tmp_path, data))
    assert "sections[2].items[0].levels[0].descriptor: texte vide" in str(error)
    assert "sections[0].items[0].required: vrai/faux attendu, texte trouvé" in str(error)


def test_unknown_type_and_audience(tmp_path):
    data = copy_minimal()
    data["audience"] = "college"
    data["sections"][0]["items"][0]["type"] = "texte"
    error = error_of(write(tmp_path, data))
    assert "essai/2020.yaml: audience: « college » inconnu" in str(error)
    assert "sections[0].items[0].type: type « texte » inconnu" in str(error)


def test_slug_and_version_must_match_the_path(tmp_path):
    error = error_of(write(tmp_path, MINIMAL, slug="autre", version="2021"))
    assert "autre/2021.yaml: slug: « essai » ne correspond pas au dossier « autre »" in str(error)
    assert "version: « 2020 » ne correspond pas au nom du fichier « 2021.yaml »" in str(error)


def test_duplicate_yaml_key_is_refused_with_line(tmp_path):
    text = textwrap.dedent(
        """\
        slug: essai
        version: "2020"
        title: Essai
        title: Essai bis
        """
    )
    error = error_of(write(tmp_path, text))
    assert "essai/2020.yaml: title: clé « title » répétée (ligne 4)" in str(error)


def test_yaml_syntax_error_names_line(tmp_path):
    error = error_of(write(tmp_path, "slug: essai\nsections: [\n  - id: x\n"))
    assert "essai/2020.yaml: YAML illisible" in str(error)
    assert "ligne" in str(error)


def test_error_lines_point_at_the_field(tmp_path):
    data = copy_minimal()
    data["sections"][0]["items"][1].update(min=20, max=10)
    path = write(tmp_path, data)
    error = error_of(path)
    line_of_min = next(
        n for n, line in enumerate(path.read_text().splitlines(), 1) if line.strip().startswith("min: 20")
    )
    assert f"(ligne {line_of_min})" in str(error)


def _factor_file(factors_by_axis, item_factors):
    data = copy_minimal()
    level_template = data["sections"][2]["items"][0]
    data["sections"][2]["items"] = [
        {**level_template, "id": f"f{factor:02d}", "factor": factor} for factor in item_factors
    ]
    data["axes"] = [
        {"id": f"axe{i}", "label": f"Axe {i}", "description": "d", "factors": factors}
        for i, factors in enumerate(factors_by_axis)
    ]
    return data


def test_factors_all_13_once_and_axes_cover_them(tmp_path):
    good = _factor_file([[1, 2, 3, 6, 11, 12, 13], [7], [4, 5, 8, 9, 10]], range(1, 14))
    questionnaire = load_questionnaire_file(write(tmp_path, good))
    assert [i.factor for i in questionnaire.factor_items()] == list(range(1, 14))
    assert questionnaire.item("f07").axis == "axe1"

    missing = _factor_file([list(range(1, 13))], range(1, 13))
    assert "facteurs sans question : 13" in str(error_of(write(tmp_path, missing)))

    twice = _factor_file([list(range(1, 14))], [*range(1, 14), 5])
    twice["sections"][2]["items"][-1]["id"] = "f05_bis"
    assert "facteur 5 déjà porté par sections[2].items[4]" in str(error_of(write(tmp_path, twice)))

    overlap = _factor_file([list(range(1, 14)), [3]], range(1, 14))
    assert "axes[1].factors: facteur 3 déjà rangé dans l'axe « axe0 »" in str(
        error_of(write(tmp_path, overlap))
    )

    uncovered = _factor_file([list(range(1, 13))], range(1, 14))
    assert "facteurs rangés dans aucun axe : 13" in str(error_of(write(tmp_path, uncovered)))

    out_of_range = _factor_file([list(range(1, 14))], range(1, 14))
    out_of_range["sections"][2]["items"][0]["factor"] = 14
    assert "sections[2].items[0].factor: numéro de facteur entre 1 et 13 attendu, 14 trouvé" in str(
        error_of(write(tmp_path, out_of_range))
    )


def test_shipped_files_are_exactly_the_content_tree():
    on_disk = sorted((p.parent.name, p.stem) for p in CONTENT_ROOT.glob("*/*.yaml"))
    assert sorted(available_questionnaires()) == on_disk


def test_to_dict_is_plain_json():
    import json

    data = load_questionnaire("autodiagnostic", "2017").to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert "source" not in data
    assert data["sections"][0]["items"][0]["levels"][0]["value"] == 1
    assert "Gouvernance interne" in text


def test_unquoted_version_is_accepted(tmp_path):
    text = yaml.safe_dump(MINIMAL, allow_unicode=True, sort_keys=False).replace(
        "version: '2020'", "version: 2020"
    )
    assert "version: 2020\n" in text
    assert load_questionnaire_file(write(tmp_path, text)).version == "2020"


def test_factor_on_a_non_level_item_and_unknown_axis(tmp_path):
    data = copy_minimal()
    data["sections"][0]["items"][0]["factor"] = 3
    data["sections"][0]["items"][1]["axis"] = "nulle_part"
    error = error_of(write(tmp_path, data))
    assert "sections[0].items[0].factor: seule une question de type level peut porter un facteur" in str(
        error
    )
    assert "sections[0].items[1].axis: axe « nulle_part » inconnu" in str(error)


def test_top_level_must_be_a_mapping(tmp_path):
    error = error_of(write(tmp_path, "- 1\n- 2\n"))
    assert "essai/2020.yaml: dictionnaire attendu, liste trouvé" in str(error)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(QuestionnaireError, match="essai/absent.yaml: fichier introuvable"):
        load_questionnaire_file(tmp_path / "essai" / "absent.yaml")
    folder = tmp_path / "essai"
    folder.mkdir()
    (folder / "2020.yaml").write_bytes("title: \xe9t\xe9".encode("latin-1"))
    with pytest.raises(QuestionnaireError, match="UTF-8"):
        load_questionnaire_file(folder / "2020.yaml")
