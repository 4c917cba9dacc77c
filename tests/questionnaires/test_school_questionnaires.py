"""The four questionnaires of the collèges' anonymous surveys (pupils, teachers, parents, staff).

Content rules checked here: the right audience, a length people actually finish (the pupils'
questionnaire under ten minutes, its estimate written in the description), nothing that
identifies the respondent, and plain tutoiement for the pupils.
"""

import re

import pytest

from numeduc.questionnaires import load_questionnaire
from numeduc.questionnaires.model import SCHOOL_AUDIENCES

SCHOOL_QUESTIONNAIRES = {
    "college-eleves": ("eleve", 18),
    "college-enseignants": ("enseignant", 25),
    "college-parents": ("parent", 12),
    "college-personnels": ("personnel", 15),
}
# Seconds to answer an item: a click for a choice, level or number; a minute to write a text.
SECONDS = {"choice": 20, "level": 20, "number": 20, "text": 60}
# Words of a question that would ask who the respondent is. Word boundaries: « nombre » or
# « renommée » are fine, « nom » is not.
FORBIDDEN_IN_LABELS = re.compile(
    r"\b(nom|prénom|e-mail|email|courriel|classe de|date de naissance|âge|adresse)\b",
    re.IGNORECASE,
)
FORBIDDEN_ID_PARTS = {"nom", "prenom", "email", "mail", "courriel", "naissance", "age", "adresse"}
NO_NAMES_WARNING = "N'écris pas ton nom ni celui d'un camarade."
TUTOIEMENT = re.compile(r"\b(?:tu|ton|ta|tes|te|toi)\b|\bt'", re.IGNORECASE)
VOUVOIEMENT = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


def estimated_seconds(questionnaire) -> int:
    return sum(SECONDS[item.type] for item in questionnaire.items)


@pytest.mark.parametrize("slug", sorted(SCHOOL_QUESTIONNAIRES))
def test_each_loads_with_its_audience_and_length(slug):
    audience, max_items = SCHOOL_QUESTIONNAIRES[slug]
    questionnaire = load_questionnaire(slug)
    assert questionnaire.slug == slug
    assert questionnaire.version == "2026"
    assert questionnaire.audience == audience
    assert audience in SCHOOL_AUDIENCES
    assert 1 <= len(questionnaire.items) <= max_items


@pytest.mark.parametrize("slug", sorted(SCHOOL_QUESTIONNAIRES))
def test_the_description_gives_the_estimated_time(slug):
    questionnaire = load_questionnaire(slug)
    match = re.search(r"Environ (\d+) minutes\.", questionnaire.description)
    assert match, questionnaire.description
    assert int(match.group(1)) == round(estimated_seconds(questionnaire) / 60)


def test_the_pupils_questionnaire_is_short():
    questionnaire = load_questionnaire("college-eleves")
    assert len(questionnaire.items) <= 18
    assert estimated_seconds(questionnaire) <= 10 * 60


@pytest.mark.parametrize("slug", sorted(SCHOOL_QUESTIONNAIRES))
def test_no_item_asks_who_the_respondent_is(slug):
    for item in load_questionnaire(slug).items:
        assert not FORBIDDEN_ID_PARTS & set(item.id.split("_")), item.id
        assert "classe_de" not in item.id
        assert not FORBIDDEN_IN_LABELS.search(item.label), item.label
        assert not FORBIDDEN_IN_LABELS.search(item.short_label), item.short_label


def test_the_forbidden_words_have_word_boundaries():
    assert FORBIDDEN_IN_LABELS.search("Quel est ton nom ?")
    assert FORBIDDEN_IN_LABELS.search("Ton prénom")
    assert FORBIDDEN_IN_LABELS.search("Ta classe de 5e")
    assert FORBIDDEN_IN_LABELS.search("Ton adresse e-mail")
    assert not FORBIDDEN_IN_LABELS.search("Le nombre d'ordinateurs de la classe")
    assert not FORBIDDEN_IN_LABELS.search("En classe, utilises-tu une tablette ?")


@pytest.mark.parametrize("slug", sorted(SCHOOL_QUESTIONNAIRES))
def test_free_texts_are_optional_bounded_and_warn_against_names(slug):
    texts = [item for item in load_questionnaire(slug).items if item.type == "text"]
    assert texts
    for item in texts:
        assert not item.required, item.id
        assert item.max_length is not None and item.max_length <= 2000, item.id
        assert "anonyme" in item.help or NO_NAMES_WARNING in item.help, item.id


def test_every_pupils_free_text_says_not_to_write_names():
    texts = [item for item in load_questionnaire("college-eleves").items if item.type == "text"]
    assert len(texts) == 2
    for item in texts:
        assert NO_NAMES_WARNING in f"{item.label} {item.help}", item.id


def test_the_pupils_labels_are_short_and_say_tu():
    questionnaire = load_questionnaire("college-eleves")
    for item in questionnaire.items:
        assert len(item.label) <= 120, item.label
        assert TUTOIEMENT.search(item.label), item.label
    texts = [questionnaire.title, questionnaire.description]
    for section in questionnaire.sections:
        texts += [section.title, section.intro]
        for item in section.items:
            texts += [item.label, item.help, *(choice.label for choice in item.choices)]
    for text in texts:
        assert not VOUVOIEMENT.search(text), text


def test_the_pupils_ent_questions_share_one_frequency_scale():
    questionnaire = load_questionnaire("college-eleves")
    ent = [item for item in questionnaire.items if item.id.startswith("ent_")]
    assert [item.id for item in ent] == ["ent_notes", "ent_devoirs", "ent_messages", "ent_ressources"]
    labels = [choice.label for choice in ent[0].choices]
    assert labels == [
        "Jamais",
        "Moins d'une fois par mois",
        "Une ou plusieurs fois par mois",
        "Une ou plusieurs fois par semaine",
        "Presque tous les jours",
    ]
    for item in ent:
        assert item.required
        assert [choice.label for choice in item.choices] == labels


def test_the_adults_are_addressed_as_vous():
    for slug in ("college-enseignants", "college-parents", "college-personnels"):
        questionnaire = load_questionnaire(slug)
        assert VOUVOIEMENT.search(questionnaire.description), slug
        for item in questionnaire.items:
            assert not re.search(r"\b(tu|ton|tes)\b", item.label, re.IGNORECASE), item.label
