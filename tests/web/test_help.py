"""« Sources et méthodes » and « Aide »: reachable from the main menu, in French, citing the
official publishers (not the copies used to download their files)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

OFFICIAL_HOSTS = {
    "www.insee.fr",
    "data.education.gouv.fr",
    "geoservices.ign.fr",
    "www.departements.fr",
}


def nav(html: str) -> str:
    return html.split('aria-label="Navigation principale"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("signed_in", [False, True])
def test_main_menu_leads_to_sources_and_help(client, login, users, signed_in):
    if signed_in:
        login(users["loiret_editor"])
    menu = nav(client.get("/").content.decode())
    assert '<a href="/sources/">Sources et méthodes</a>' in menu
    assert '<a href="/aide/">Aide</a>' in menu
    for url in ("/sources/", "/aide/", "/aide/glossaire/"):
        assert client.get(url).status_code == 200, url


def test_the_current_help_page_is_marked_in_the_menu(client):
    menu = nav(client.get("/aide/glossaire/").content.decode())
    assert '<a href="/aide/" aria-current="page">Aide</a>' in menu


def test_sources_page_names_publisher_year_and_licence_of_each_figure(client):
    page = client.get("/sources/").content.decode()
    main = page.split('<main id="contenu">', 1)[1].split("</main>", 1)[0]
    visible, technical = main.split('<details class="technical"', 1)
    for words in [
        "Insee",
        "Filosofi 2013",
        "Ministère de l'Éducation nationale (DEPP)",
        "IGN",
        "Assemblée des départements de France",
        "Licence Ouverte",
        "Rentrée 2020 (année 2020-2021)",
        "Ce qu'il mesure",
    ]:
        assert words in visible, words
    # Links go to the official publishers, never to the GitHub copies or their commits.
    hosts = {
        re.match(r"https?://([^/]+)", href).group(1) for href in re.findall(r'href="(https?://[^"]+)"', main)
    }
    assert hosts and hosts <= OFFICIAL_HOSTS
    assert "github" not in main.lower()
    assert not re.search(r"\b[0-9a-f]{40}\b", main), "no commit hash on the page"
    # The data dictionary stays, folded, under French headings.
    assert "Détail technique" in technical and '<th scope="col">Transformation</th>' in technical
    assert "<code>poverty_rate</code>" in technical


def test_help_page_explains_the_roles_and_the_demo_mark(client):
    page = client.get("/aide/").content.decode()
    assert "Ce que vous pouvez faire selon votre compte" in page
    assert "Glossaire" in page and "Sources et méthodes" in page
    assert "au moins 5 réponses" in page
