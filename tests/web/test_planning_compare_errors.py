"""A comparison that cannot be made answers a French page in the site's layout (status 400, 404
for an unknown scenario) that says why, how to choose, and links back; never a bare text page."""

from __future__ import annotations

import html as html_lib

import pytest

from .test_planning import make_scenario

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html_lib.unescape(response.content.decode())


def assert_french_comparison_page(response, status: int, message: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = page(response)
    assert '<html lang="fr"' in html and 'id="contenu"' in html  # the site's layout
    assert "<h1>Comparaison impossible</h1>" in html
    assert f'<div class="msg msg-error" role="alert"><p>{message}</p></div>' in html
    assert "cochez-en de 2 à 4 dans la liste « Scénarios du département »" in html
    return html


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("", 400, "Aucun scénario n'est coché : cochez ceux à comparer."),
        (
            "s=99999",
            404,
            "Scénario introuvable : aucun scénario n'a le numéro 99999 (il a peut-être été supprimé).",
        ),
        ("s=abc", 400, "Identifiant de scénario invalide : « abc » (un nombre entier positif est attendu)."),
    ],
)
def test_no_unknown_or_unreadable_scenario_gives_the_french_page_with_the_way_back(
    users, login, query, status, message
):
    client = login(users["loiret_viewer"])
    for path in ("/budget/comparer/", "/budget/comparer/export.csv", "/budget/comparer/export.xlsx"):
        html = assert_french_comparison_page(client.get(f"{path}?{query}"), status, message)
        # A département's account goes back to its own budget page.
        assert '<a class="btn secondary" href="/budget/departements/45/">Retour au budget' in html


def test_one_scenario_alone_links_to_its_own_page(users, login):
    scenario = make_scenario(name="Livre blanc")
    client = login(users["coordinator"])
    html = assert_french_comparison_page(
        client.get(f"/budget/comparer/?s={scenario.pk}&s={scenario.pk}"),  # the same one twice is one
        400,
        "Un seul scénario est coché : une comparaison en demande au moins 2.",
    )
    assert f'<a href="/budget/scenarios/{scenario.pk}/">Livre blanc</a>' in html
    # The coordinator has no budget page of its own: back to the département of the scenario.
    assert '<a class="btn secondary" href="/budget/departements/45/">Retour au budget' in html


def test_too_many_scenarios(users, login):
    ids = [make_scenario(name=f"S{i}").pk for i in range(5)]
    client = login(users["coordinator"])
    html = assert_french_comparison_page(
        client.get("/budget/comparer/?" + "&".join(f"s={i}" for i in ids)),
        400,
        "On compare au plus 4 scénarios à la fois (5 cochés).",
    )
    assert '<a class="btn secondary" href="/budget/">Retour aux scénarios budgétaires</a>' in html


def test_the_departement_page_says_how_many_to_tick(users, login):
    make_scenario()
    html = page(login(users["loiret_viewer"]).get("/budget/departements/45/"))
    assert 'Comparer les scénarios cochés</button> <span class="help">(de 2 à 4)</span>' in html
