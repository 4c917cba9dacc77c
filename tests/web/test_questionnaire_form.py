"""The self-diagnosis questionnaire page helps a person finish in one go: an incomplete
submission lists every missing question as a link to its field, the numbers the collèges
referential knows are pre-filled (and say so), bounds read in French, and factor 7's band is
checked against the budget figures of the same answer (a warning, never a refusal)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.questionnaires import AnswerError, load_questionnaire
from numeduc.questionnaires.derived import budget_level, budget_level_mismatch
from numeduc.web.surveys import presenters, services
from numeduc.web.surveys.models import Response
from numeduc.web.territories.models import College, Departement

from .test_responses import autosave, start

pytestmark = pytest.mark.django_db
NNBSP, NBSP = "\u202f", "\u00a0"
SELFDIAG = load_questionnaire("autodiagnostic")
REQUIRED = [item for item in SELFDIAG.items if item.required]


def page(response) -> str:
    return html_lib.unescape(response.content.decode())


def test_an_incomplete_submission_lists_every_missing_question_as_a_link_to_its_field(
    client, login, users, campaign
):
    login(users["loiret_editor"])
    response = start(client, campaign)
    autosave(client, response, item=REQUIRED[0].id, value="3")
    refused = client.post(f"/reponses/{response.pk}/transmettre/")
    assert refused.status_code == 400
    html = page(refused)
    still_missing = REQUIRED[1:]
    assert len(still_missing) > 5  # more than the five names the old banner showed
    heading = f"Réponse non transmise : {len(still_missing)} questions obligatoires sans réponse"
    assert f'<h2 id="form-errors-title" tabindex="-1">{heading}</h2>' in html
    assert "autres)" not in html
    links = re.findall(r'<li><a href="#(item-[^"]+)">([^<]+)</a></li>', html)
    assert [anchor for anchor, _ in links] == [f"item-{item.id}" for item in still_missing]
    for (anchor, label), item in zip(links, still_missing):
        assert f'id="{anchor}"' in html  # the link lands on the question
        assert label == (f"Facteur {item.factor} — {item.label}" if item.factor else item.label)
    assert "numeduc/error_summary.js" in html
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT


def test_the_referential_prefills_colleges_and_pupils_with_a_note(client, login, users, campaign):
    login(users["loiret_editor"])
    response = start(client, campaign)
    html = page(client.get(f"/reponses/{response.pk}/"))
    # The package's referential (DEPP, rentrée 2020): 58 public collèges in the Loiret, two of them
    # opened since without a count, given the mean as the budget planner does.
    assert re.search(r'name="item-nombre_colleges" id="field-nombre_colleges" value="58"', html)
    assert re.search(r'name="item-nombre_collegiens" id="field-nombre_collegiens" value="31665"', html)
    note = "Pré-rempli d'après l'annuaire des collèges (DEPP, rentrée 2020) : modifiable"
    assert f'<p class="note prefill-note" id="prefill-nombre_colleges">{note}</p>' in html
    assert (
        f"{note} (dont 1{NNBSP}092 élèves estimés pour 2 collèges sans effectif connu, à l'effectif moyen "
        "du département)" in html
    )
    field = re.search(r'<input [^>]*name="item-nombre_colleges"[^>]*>', html).group(0)
    assert 'aria-describedby="bounds-nombre_colleges prefill-nombre_colleges"' in field
    # Bounds in French: thousands grouped, whole numbers without decimals (not « max. 1000,0 »).
    assert f'<span class="help" id="bounds-nombre_colleges">(entre 0 et 1{NNBSP}000)</span>' in html
    assert "1000,0" not in html and "max." not in html
    # Nothing is stored until the person saves or sends the answer.
    assert not response.answers.filter(item_id__in=["nombre_colleges", "nombre_collegiens"]).exists()


def test_a_typed_value_wins_over_the_prefill_and_the_prefill_is_sent_as_shown(
    client, login, users, campaign, full_answers
):
    editor = users["loiret_editor"]
    login(editor)
    response = start(client, campaign)
    autosave(client, response, item="nombre_colleges", value="57")
    html = page(client.get(f"/reponses/{response.pk}/"))
    assert 'id="field-nombre_colleges" value="57"' in html and 'id="prefill-nombre_colleges"' not in html
    for item in REQUIRED:
        services.save_answer(response, item.id, full_answers()[item.id], None, editor)
    assert client.post(f"/reponses/{response.pk}/transmettre/").status_code == 302
    values = Response.objects.get(pk=response.pk).values()
    assert values["nombre_colleges"] == 57 and values["nombre_collegiens"] == 31665


def test_the_college_table_is_the_source_when_it_is_loaded(client, login, users, campaign):
    loiret = Departement.objects.get(code="45")
    for i, pupils in enumerate([400, 601, None]):
        College.objects.create(
            uai=f"04588{i:02d}X",
            name=f"C{i}",
            departement=loiret,
            pupils=pupils,
            pupils_school_year="2021-2022",
        )
    College.objects.create(uai="0458899X", name="Privé", departement=loiret, public=False, pupils=900)
    login(users["loiret_editor"])
    html = page(client.get(f"/reponses/{start(client, campaign).pk}/"))
    assert 'id="field-nombre_colleges" value="3"' in html
    assert 'id="field-nombre_collegiens" value="1502"' in html  # 400 + 601 + their mean, 501
    assert "(DEPP, rentrée 2021) : modifiable (dont 501 élèves estimés pour 1 collège sans" in html


def test_an_academie_response_is_not_prefilled(territories):
    assert presenters.reference_prefills(load_questionnaire("dan"), None) == {}


# -- factor 7 against the budget figures --------------------------------------------------------


def test_a_band_that_disagrees_with_the_budget_entered_is_a_warning_not_a_refusal(
    client, login, users, campaign, full_answers
):
    editor = users["loiret_editor"]
    login(editor)
    response = start(client, campaign)
    for item in REQUIRED:
        services.save_answer(response, item.id, full_answers()[item.id], None, editor)
    # Level 1 (« moins de 50 € ») with 60 + 25,5 = 85,50 € per pupil (level 3).
    for item_id, value in [
        ("f07_budget_par_eleve", "1"),
        ("budget_investissement_par_eleve", "60"),
        ("budget_fonctionnement_par_eleve", "25,5"),
    ]:
        assert autosave(client, response, item=item_id, value=value).json()["ok"]
    html = page(client.get(f"/reponses/{response.pk}/"))
    warning = (
        f"À vérifier : vos budgets d'investissement (60,00{NBSP}€) et de fonctionnement (25,50{NBSP}€) par "
        f"élève font 85,50{NBSP}€ par élève et par an, soit le niveau 3 « De 75 à 100 € par élève et par an » "
        "du facteur 7, mais le niveau 1 « Moins de 50 € par élève et par an » est choisi. Corrigez l'un "
        "ou l'autre si c'est une erreur ; la réponse peut être transmise telle quelle."
    )
    assert (
        f'<p class="msg msg-warning budget-warning" role="status" id="budget-warning">{warning}</p>' in html
    )
    # Inside factor 7's block, where the level is chosen.
    block = html.split('id="item-f07_budget_par_eleve"')[1].split("</fieldset>")[0]
    assert 'id="budget-warning"' in block
    sent = client.post(f"/reponses/{response.pk}/transmettre/", follow=True)
    assert sent.status_code == 200 and warning in page(sent)
    assert Response.objects.get(pk=response.pk).is_submitted


def test_no_warning_when_the_band_agrees_or_a_figure_is_missing(client, login, users, campaign):
    login(users["loiret_editor"])
    response = start(client, campaign)
    autosave(client, response, item="f07_budget_par_eleve", value="3")
    autosave(client, response, item="budget_investissement_par_eleve", value="60")
    assert 'id="budget-warning"' not in page(client.get(f"/reponses/{response.pk}/"))
    autosave(client, response, item="budget_fonctionnement_par_eleve", value="40")  # 100 €: level 3
    assert 'id="budget-warning"' not in page(client.get(f"/reponses/{response.pk}/"))


@given(
    level=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    investment=st.one_of(st.none(), st.floats(min_value=0, max_value=2000)),
    operating=st.one_of(st.none(), st.floats(min_value=0, max_value=2000)),
)
def test_the_mismatch_is_exactly_a_disagreement_with_the_bands(level, investment, operating):
    mismatch = budget_level_mismatch(level, investment, operating)
    if None in (level, investment, operating):
        assert mismatch is None
        return
    expected = budget_level(investment + operating)
    assert (mismatch is None) == (expected == level)
    if mismatch is not None:
        assert (mismatch.chosen, mismatch.expected) == (level, expected)


@given(value=st.one_of(st.integers(min_value=0, max_value=10**7), st.floats(min_value=0, max_value=1e6)))
def test_bounds_read_in_french_and_back_to_the_same_number(value):
    text = presenters.fr_bound(value)
    assert "." not in text and not re.search(r"\d{4}", text.split(",")[0])  # grouped by thousands
    assert float(text.replace(NNBSP, "").replace(",", ".")) == pytest.approx(value, rel=1e-4, abs=1e-4)
    if float(value).is_integer():
        assert "," not in text


def test_the_service_refusal_names_every_missing_question(users, campaign):
    response = services.response_for(campaign, departement=users["loiret_editor"].departement)
    with pytest.raises(AnswerError) as refused:
        services.submit(response, users["loiret_editor"])
    message = str(refused.value)
    assert message.startswith("Questions obligatoires sans réponse : ")
    assert all(item.label in message for item in REQUIRED) and "autres)" not in message
