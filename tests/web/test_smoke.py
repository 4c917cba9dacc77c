import pytest


@pytest.mark.django_db
def test_home_page_answers_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "numeduc" in page and "Se connecter" in page


@pytest.mark.django_db
def test_sources_page_cites_insee_with_years(client):
    page = client.get("/sources/").content.decode()
    assert "Filosofi 2013" in page and "2020-2021" in page
