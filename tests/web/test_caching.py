"""The caches of the results and national pages (docs/architecture.md, « Caching »).

What is cached is keyed on the version of the data it is computed from, so these tests change
the data between two views of a page whose cache is warm and check that the change shows at
once; and that readers with different rights never get each other's cached parts, whichever
of them fills the cache first.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from numeduc.questionnaires import load_questionnaire
from numeduc.web import caching
from numeduc.web.results import data as results_data
from numeduc.web.surveys import data, services
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db

CODES = ["45", "59", "50", "54", "64", "71", "90", "93", "33", "69"]
QUESTIONNAIRE = load_questionnaire("autodiagnostic")
FACTOR_1 = next(item for item in QUESTIONNAIRE.factor_items() if item.factor == 1)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache (LocMemCache lives as long as the test process)."""
    cache.clear()
    data.analysis_for_version.cache_clear()
    yield
    cache.clear()


def submitted(campaign, code: str, level: int, full_answers) -> Response:
    response = Response.objects.create(
        campaign=campaign,
        departement=Departement.objects.get(code=code),
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Answer.objects.bulk_create(
        Answer(response=response, item_id=k, value=int(v) if v.isdigit() else v)
        for k, v in full_answers(level).items()
    )
    return response


@pytest.fixture
def closed_2017(campaign_factory, full_answers):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, published=True)
    for i, code in enumerate(CODES):
        submitted(campaign, code, 1 + i % 4, full_answers)
    return campaign


def own_level_of_factor_1(page_html: str) -> str:
    """The département's level in the « Niveau par facteur » table, row of factor 1."""
    match = re.search(r'<tr><td>1\. [^<]*</td><td class="num">([^<]*)</td>', page_html)
    assert match, "ligne du facteur 1 introuvable"
    return match.group(1)


def page(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return html_lib.unescape(answer.content.decode())


def resubmit_with(response: Response, item_id: str, value: str, user) -> None:
    """What an editor does in the browser: re-open, change one answer (autosave), submit."""
    services.reopen(response, user)
    services.save_answer(Response.objects.get(pk=response.pk), item_id, value, None, user)
    services.submit(Response.objects.get(pk=response.pk), user)


# -- a saved answer shows at once -----------------------------------------------------------------


def test_saved_answer_shows_at_once_on_the_results_page(
    client, login, users, closed_2017, campaign_factory, full_answers
):
    open_2018 = campaign_factory(2018, Campaign.Status.OPEN)
    response = submitted(open_2018, "45", 2, full_answers)
    login(users["loiret_editor"])
    url = f"/resultats/{open_2018.pk}/departements/45/"
    assert own_level_of_factor_1(page(client, url)) == "2"
    assert own_level_of_factor_1(page(client, url)) == "2"  # the second view comes from the cache

    resubmit_with(response, FACTOR_1.id, "4", users["loiret_editor"])
    assert own_level_of_factor_1(page(client, url)) == "4"
    # The radar (cached apart) is drawn from the new profile too: its data table says 4.
    html = page(client, url)
    radar = html[html.index("<figure") : html.index("</figure>")]
    assert f'<td>1</td><th scope="row">{FACTOR_1.label}</th><td>4,0</td>' in radar


def test_a_new_respondent_changes_the_medians_at_once(client, login, users, closed_2017, full_answers):
    login(users["loiret_viewer"])
    url = f"/resultats/{closed_2017.pk}/departements/45/"
    assert "Médiane nationale (10 départements)" in page(client, url)
    submitted(closed_2017, "75", 4, full_answers)
    html = page(client, url)
    assert "Médiane nationale (11 départements)" in html
    assert "Médiane nationale (10 départements)" not in html


def test_an_answer_changed_around_the_services_still_changes_the_key(closed_2017):
    """An answer corrected directly in the database (admin, script) bumps only the answer's own
    ``updated_at``: the campaign's version reads the answers too."""
    before = data.campaign_version(closed_2017)
    answer = Answer.objects.filter(response__campaign=closed_2017, item_id=FACTOR_1.id).first()
    Answer.objects.filter(pk=answer.pk).update(value=4, updated_at=timezone.now())
    assert data.campaign_version(closed_2017) != before


def test_the_api_profile_follows_a_saved_answer(client, users, closed_2017, campaign_factory, full_answers):
    from numeduc.web.accounts.models import ApiToken

    open_2018 = campaign_factory(2018, Campaign.Status.OPEN)
    response = submitted(open_2018, "45", 2, full_answers)
    _, token = ApiToken.issue(users["loiret_editor"], "test")
    url = f"/api/v1/campaigns/{open_2018.pk}/departements/45/profile"

    def level():
        body = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
        return next(f["level"] for f in body["factors"] if f["factor"] == 1)

    assert level() == 2
    assert level() == 2
    resubmit_with(response, FACTOR_1.id, "3", users["loiret_editor"])
    assert level() == 3


def test_saved_answer_shows_at_once_on_the_national_page(
    client, login, users, campaign_factory, full_answers
):
    """The coordinator's map of one factor shows each département's own level: it follows an
    answer re-submitted by the Loiret, and a new respondent shows in the count."""
    campaign = campaign_factory(2018, Campaign.Status.OPEN)
    responses = {code: submitted(campaign, code, 1 + i % 4, full_answers) for i, code in enumerate(CODES)}
    login(users["coordinator"])
    url = f"/national/{campaign.pk}/?carte=facteur-1"
    html = page(client, url)
    assert "10 départements ont transmis leur réponse" in html
    assert "Loiret</td><td>niveau 1</td>" in html
    assert "Loiret</td><td>niveau 1</td>" in page(client, url)  # warm

    resubmit_with(responses["45"], FACTOR_1.id, "4", users["loiret_editor"])
    html = page(client, url)
    assert "Loiret</td><td>niveau 4</td>" in html and "Loiret</td><td>niveau 1</td>" not in html

    submitted(campaign, "75", 3, full_answers)
    html = page(client, url)
    assert "11 départements ont transmis leur réponse" in html
    assert "Paris</td><td>niveau 3</td>" in html


def test_national_page_is_the_same_from_the_cache(client, login, users, closed_2017):
    """The first view (computed and stored) and the second (read back) are the same bytes,
    the CSRF token of the sign-out form aside."""
    login(users["loiret_viewer"])
    url = f"/national/{closed_2017.pk}/?carte=facteur-2"

    def body():
        text = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert body() == body()


# -- readers with different rights never share a cached part -------------------------------------

# In the analysis part (cached apart from the map): said to everyone but the coordinator.
NOT_FOR_OTHERS = "La carte des départements sur ces axes n'est pas affichée"


@pytest.mark.parametrize("first", ["coordinator", "loiret_viewer"])
def test_national_page_parts_are_not_shared_between_coordinator_and_others(
    client, login, users, closed_2017, first
):
    seen = {}
    for name in (first, "loiret_viewer" if first == "coordinator" else "coordinator"):
        client.logout()
        login(users[name])
        seen[name] = page(client, f"/national/{closed_2017.pk}/?carte=facteur-1")
    assert NOT_FOR_OTHERS not in seen["coordinator"] and NOT_FOR_OTHERS in seen["loiret_viewer"]
    # The map: each département's own level for the coordinator, group medians for the others.
    assert "niveau de chaque département répondant" in seen["coordinator"]
    assert "Loiret</td><td>niveau 1</td>" in seen["coordinator"]
    assert "Loiret</td><td>niveau" not in seen["loiret_viewer"]
    assert "médiane par groupe de pairs" in seen["loiret_viewer"]


@pytest.mark.parametrize("first", ["nord_editor", "loiret_viewer"])
def test_previous_levels_never_leak_through_the_cached_profile(
    client, login, users, campaign_factory, full_answers, first
):
    """Nord reads its own change since 2016; the Loiret reads Nord's shared 2017 results but not
    its 2016 ones: whoever views first, each gets its own profile (page and API)."""
    from numeduc.web.accounts.models import ApiToken

    public_2017 = campaign_factory(2017, Campaign.Status.CLOSED, published=True, public=True)
    for i, code in enumerate(CODES):
        submitted(public_2017, code, 1 + i % 4, full_answers)
    earlier = campaign_factory(2016, Campaign.Status.CLOSED, published=True)
    submitted(earlier, "59", 4, full_answers)
    services.set_share_consent(
        Response.objects.get(campaign=public_2017, departement__code="59"), True, users["nord_editor"]
    )
    order = [first, "loiret_viewer" if first == "nord_editor" else "nord_editor"]
    pages, apis = {}, {}
    for name in order:
        client.logout()
        login(users[name])
        pages[name] = page(client, f"/resultats/{public_2017.pk}/departements/59/")
        _, token = ApiToken.issue(users[name], "test")
        apis[name] = client.get(
            f"/api/v1/campaigns/{public_2017.pk}/departements/59/profile",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()
    assert "Niveau 2016" in pages["nord_editor"]
    assert any(f["previous_level"] == 4 for f in apis["nord_editor"]["factors"])
    assert (
        "Niveau 2016" not in pages["loiret_viewer"] and "évolution depuis 2016" not in pages["loiret_viewer"]
    )
    assert all(f["previous_level"] is None for f in apis["loiret_viewer"]["factors"])
    assert "Ce département a accepté de partager" in pages["loiret_viewer"]
    assert "Ce département a accepté de partager" not in pages["nord_editor"]


def test_usage_comparison_is_checked_per_reader_even_when_cached(users, closed_2017, monkeypatch, tmp_path):
    """The rows « déclaré / mesuré » are cached under the warehouse's signature; a reader who may
    not see the usage logs (the DAN) gets none, after someone who may filled the cache."""
    from numeduc.web.results import views
    from numeduc.web.usage_dashboard import integration, store

    departement = Departement.objects.get(code="45")
    folder = tmp_path / "45"
    folder.mkdir()
    monkeypatch.setattr(store, "warehouse_path", lambda code: tmp_path / code)
    signature = {"value": "sig-1"}
    monkeypatch.setattr(store, "manifest_signature", lambda path: signature["value"])
    calls = []

    def fake(dep, factors, *, user=None, declared_year=None):
        calls.append(signature["value"])
        return {"rows": [], "month_label": signature["value"], "demo": False, "code": dep.code}

    monkeypatch.setattr(views, "declared_vs_measured", fake)
    assert integration  # the real function is replaced in the view's namespace only
    profile, *_ = results_data.compute_profile(
        closed_2017, departement, Response.objects.get(campaign=closed_2017, departement=departement)
    )
    editor = users["loiret_editor"]
    assert views._usage_comparison(departement, profile, editor)["month_label"] == "sig-1"
    assert views._usage_comparison(departement, profile, editor)["month_label"] == "sig-1"
    assert calls == ["sig-1"]  # the second view came from the cache
    assert views._usage_comparison(departement, profile, users["dan_loiret"]) is None
    assert views._usage_comparison(departement, profile, users["nord_editor"]) is None
    signature["value"] = "sig-2"  # a new ingestion
    assert views._usage_comparison(departement, profile, editor)["month_label"] == "sig-2"


def test_cache_keys_are_short_and_name_their_kind():
    key = caching.cache_key("profile", 1, "45", ("x" * 1000,))
    assert len(key) < 250 and ":profile:" in key
    assert caching.cache_key("profile", 1) != caching.cache_key("profile", 2)
    assert caching.cache_key("profile", 1) != caching.cache_key("radar", 1)


# -- the budget page of a département ------------------------------------------------------------


def budget_rows(client) -> str:
    """The département's budget page."""
    return page(client, "/budget/departements/45/")


def row_of(html: str, name: str) -> str:
    """The table row of the scenario called ``name``."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, re.DOTALL) if name in row]
    assert len(rows) == 1, rows
    return rows[0]


def euros(value) -> str:
    from numeduc.formatting import fr_euro

    return fr_euro(float(value))


def test_saved_and_edited_scenarios_show_at_once_on_the_budget_page(client, login, users, territories):
    from numeduc import budget
    from numeduc.web.planning import data as planning_data
    from numeduc.web.planning.models import Scenario

    from .test_planning import form_data

    login(users["loiret_editor"])
    assert client.post("/budget/departements/45/nouveau/", form_data(name="Scénario A")).status_code == 302
    scenario = Scenario.objects.get(name="Scénario A")
    first = planning_data.run(scenario).total_per_year
    assert euros(first) in row_of(budget_rows(client), "Scénario A")
    assert euros(first) in row_of(budget_rows(client), "Scénario A")  # warm

    # Edited through the form: the new name and the new total at once.
    preset = budget.load_preset("livre-blanc-2017")
    dearer = format((preset.values["tbi_price"] * 3).normalize(), "f").replace(".", ",")
    answer = client.post(
        f"/budget/scenarios/{scenario.pk}/modifier/", form_data(name="Scénario A modifié", p_tbi_price=dearer)
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    scenario.refresh_from_db()
    second = planning_data.run(scenario).total_per_year
    assert second != first
    row = row_of(budget_rows(client), "Scénario A modifié")
    assert euros(second) in row and euros(first) not in row

    # A second scenario saved: listed at once, beside the first.
    assert (
        client.post(
            "/budget/departements/45/nouveau/", form_data(name="Scénario B", strategy="eim")
        ).status_code
        == 302
    )
    html = budget_rows(client)
    assert euros(planning_data.run(Scenario.objects.get(name="Scénario B")).total_per_year) in row_of(
        html, "Scénario B"
    )
    assert euros(second) in row_of(html, "Scénario A modifié")


def test_a_scenario_value_written_around_the_form_shows_at_once(client, login, users, territories):
    """``updated_at`` is not bumped by ``.update()``: the key holds every stored field, so a
    value a rule now refuses is named on the page at once instead of the cached total."""
    from numeduc.web.planning import data as planning_data
    from numeduc.web.planning.models import Scenario

    from .test_planning import make_scenario

    scenario = make_scenario(name="Écrit en base")
    login(users["loiret_viewer"])
    total = euros(planning_data.run(scenario).total_per_year)
    assert total in row_of(budget_rows(client), "Écrit en base")
    assert total in row_of(budget_rows(client), "Écrit en base")  # warm
    Scenario.objects.filter(pk=scenario.pk).update(horizon=0)
    row = row_of(budget_rows(client), "Écrit en base")
    assert total not in row and "horizon" in row.lower()


def test_a_new_declared_budget_moves_the_positioning_at_once(
    client, login, users, campaign_factory, full_answers
):
    """The positioning (declared budget per pupil against the distribution) is cached under every
    response and campaign: the Loiret's newly submitted answer shows at once."""
    closed = campaign_factory(2017, Campaign.Status.CLOSED)
    for i, code in enumerate(CODES[1:]):
        submitted(closed, code, 1 + i % 4, full_answers)
    login(users["loiret_viewer"])
    before = budget_rows(client)
    response = submitted(closed, "45", 2, full_answers)
    Answer.objects.filter(response=response, item_id="budget_investissement_par_eleve").update(value=400)
    Answer.objects.filter(response=response, item_id="budget_fonctionnement_par_eleve").update(value=99)
    after = budget_rows(client)
    assert after != before
    assert "Loiret, budget déclaré (2017)" in after


# -- the usage dashboard's figures, kept with the warehouse state ---------------------------------


def test_usage_figures_are_kept_with_their_warehouse_state_only():
    """What the département page computes from the indicators is kept in ``data.derived``: a new
    ingestion gives a new ``WarehouseData`` (new manifest signature), so nothing is carried over."""
    import pandas as pd

    from numeduc.web.usage_dashboard import presenters as services
    from numeduc.web.usage_dashboard.store import WarehouseData

    def state(signature: str, months: list[str]) -> WarehouseData:
        indicators = pd.DataFrame(
            {
                "month": months,
                "uai": ["0450001A"] * len(months),
                "indicator": ["monthly_active_rate"] * len(months),
                "profile": ["ELEVE"] * len(months),
                "value": [0.5] * len(months),
            }
        )
        return WarehouseData("45", signature, indicators, pd.DataFrame({"uai": ["0450001A"]}), 0.0)

    old, new = state("a", ["2024-09", "2024-10"]), state("b", ["2024-09", "2024-10", "2024-11"])
    calls = []
    assert services.memo(old, ("k",), lambda: calls.append("old") or "old") == "old"
    assert services.memo(old, ("k",), lambda: calls.append("again") or "again") == "old"
    assert services.memo(new, ("k",), lambda: calls.append("new") or "new") == "new"
    assert calls == ["old", "new"]
    assert old.months == ["2024-09", "2024-10"] and new.months[-1] == "2024-11"
    old.months.append("2099-01")  # a caller changing the list it got changes nothing kept
    assert old.months == ["2024-09", "2024-10"]
