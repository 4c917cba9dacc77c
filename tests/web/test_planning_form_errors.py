"""The budget scenario form tells a person everything to correct in one go: every error at once
(each field alone and the checks across fields), a summary at the top whose entries name their
field and link to it, each field's own message next to it and announced by screen readers."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc import budget
from numeduc.web.planning.forms import ScenarioForm
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import College, Departement

from .test_planning import form_data

pytestmark = pytest.mark.django_db
NNBSP = "\u202f"
CREATE = "/budget/departements/45/nouveau/"


def summary_links(html: str) -> list[tuple[str, str]]:
    """(target id, text) of every link of the error summary."""
    block = re.search(r'<div class="msg msg-error error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return [
        (target, html_lib.unescape(text))
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', block.group(0), re.S)
    ]


def tag_with_id(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no field with id {element_id}"
    return match.group(0)


def test_several_wrong_fields_are_all_reported_at_once_each_naming_and_linking_to_its_field(users, login):
    client = login(users["loiret_editor"])
    response = client.post(
        CREATE,
        form_data(name="", horizon="", cohorts="99", p_desktops="-3", p_desktop_price="huit cents"),
    )
    assert response.status_code == 400
    assert not Scenario.objects.exists()
    html = response.content.decode()
    links = summary_links(html)
    assert [target for target, _ in links] == [
        "id_name",
        "id_horizon",
        "id_cohorts",
        "id_p_desktops",
        "id_p_desktop_price",
    ]
    texts = dict(links)
    assert texts["id_name"] == "Nom du scénario : valeur obligatoire (120 caractères au plus)"
    assert texts["id_horizon"].startswith("Horizon : valeur obligatoire")
    assert texts["id_cohorts"] == "Cohortes d'équipement : 99 années, maximum 30 années"
    # Bounds in French: thousands grouped, no decimals for a whole number.
    assert texts["id_p_desktop_price"] == (
        f"Prix d'un ordinateur fixe : nombre attendu, reçu « huit cents » (entre 0 et 10{NNBSP}000 €/poste)"
    )
    assert "Ce champ est obligatoire" not in html
    # The summary is announced, and its heading can take the focus (error_summary.js moves it there).
    assert re.search(r'role="alert" id="form-errors" aria-labelledby="form-errors-title"', html)
    assert (
        '<h2 id="form-errors-title" tabindex="-1">Le scénario n\'est pas enregistré : 5 champs à corriger'
        in (html_lib.unescape(html))
    )
    assert "numeduc/error_summary.js" in html
    for target, text in links:
        field = tag_with_id(html, target)
        assert 'aria-invalid="true"' in field
        described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        assert f"{target}-error" in described
        # Every id the field points to exists, and its own message is written next to it.
        for ref in described:
            assert f'id="{ref}"' in html, ref
        own = re.search(rf'<ul class="errorlist" id="{target}-error">(.*?)</ul>', html, re.S).group(1)
        assert text in html_lib.unescape(own)


def test_a_valid_field_describes_its_help_only(users, login):
    client = login(users["loiret_editor"])
    html = client.post(CREATE, form_data(p_desktops="-3")).content.decode()
    horizon = tag_with_id(html, "id_horizon")
    assert "aria-invalid" not in horizon
    assert 'aria-describedby="id_horizon-help"' in horizon and 'id="id_horizon-help"' in html
    # A parameter's help is its unit, in the table cell beside it.
    price = tag_with_id(html, "id_p_desktop_price")
    assert 'aria-describedby="id_p_desktop_price-help"' in price
    assert re.search(r'<td id="id_p_desktop_price-help">€/poste</td>', html)


@pytest.fixture
def big_college(territories):
    loiret = Departement.objects.get(code="45")
    for i, pupils in enumerate([300, 1900]):
        College.objects.create(uai=f"04599{i:02d}X", name=f"Collège {i}", departement=loiret, pupils=pupils)
    return loiret


def test_scaled_equipment_is_checked_against_the_largest_college_in_the_same_pass(users, login, big_college):
    client = login(users["loiret_editor"])
    scaled = {"scope": "departement", "scale_equipment": "on"}
    # 40 desktops for a 400-pupil collège are 190 for 1 900 pupils (within 0-5 000): accepted.
    assert client.post(CREATE, form_data(**scaled)).status_code == 302
    # 1 200 desktops are allowed for one collège, not scaled to 1 900 pupils; reported together
    # with a wrong field elsewhere in the form.
    response = client.post(CREATE, form_data(**scaled, p_desktops="1200", p_tbi_price="-5"))
    assert response.status_code == 400
    links = dict(summary_links(response.content.decode()))
    assert set(links) == {"id_p_desktops", "id_p_tbi_price"}
    assert links["id_p_desktops"] == (
        "Ordinateurs fixes : avec l'équipement proportionnel à l'effectif, le plus grand collège du "
        f"département (1{NNBSP}900 élèves) en aurait 5{NNBSP}700 postes, maximum 5{NNBSP}000 postes ; "
        "réduisez cette valeur ou décochez « Équipement proportionnel à l'effectif »"
    )
    # The same values for one typical collège, or without scaling, are fine.
    assert client.post(CREATE, form_data(p_desktops="1200")).status_code == 302
    assert client.post(CREATE, form_data(scope="departement", p_desktops="1200")).status_code == 302


# -- hypothesis: any value in any field ------------------------------------------------------

FIELD_NAMES = sorted(form_data())
BOOLEAN_FIELDS = ["state_cofunding", "indirect_costs", "scale_equipment"]
any_value = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "0", "-1", "1e30", "NaN", "12,5", "10 000", "oui", "byod", "departement"]),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.dictionaries(st.sampled_from(FIELD_NAMES + BOOLEAN_FIELDS), any_value, max_size=6),
    removed=st.sets(st.sampled_from(FIELD_NAMES), max_size=3),
    base=st.sampled_from(budget.list_presets()),
    pupils=st.lists(st.integers(min_value=0, max_value=5000), max_size=3),
)
def test_any_values_never_break_the_form_and_every_error_names_its_field(
    territories, changes, removed, base, pupils
):
    data = form_data(base=base, base_preset=base)
    data.update(changes)
    for name in removed:
        data.pop(name, None)
    form = ScenarioForm(data, base=budget.load_preset(base), college_pupils=tuple(pupils))
    valid = form.is_valid()  # never raises
    summary = form.error_summary()
    assert valid == (not summary)
    if valid:
        assert form.engine_scenario is not None
        return
    assert not form.non_field_errors()
    # One summary entry per message, each linking to the field it names.
    assert len(summary) == sum(len(messages) for messages in form.errors.values())
    for name, messages in form.errors.items():
        label = form.fields[name].label
        for message in messages:
            assert message.startswith(f"{label} : "), message
            assert {"field_id": f"id_{name}", "message": message} in summary
        attrs = form.fields[name].widget.attrs
        assert attrs["aria-invalid"] == "true" and f"id_{name}-error" in attrs["aria-describedby"]
