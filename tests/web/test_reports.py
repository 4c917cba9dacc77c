"""The département report and « L'essentiel »: the PDFs read back with Poppler (text, pages,
tags, title, the demo mark on every page), the outline, who may download them (every role,
the refusals), and the ``numeduc report`` command."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from numeduc.cli.report import app as report_app
from numeduc.web.reports import data, rendering
from numeduc.web.surveys.models import Campaign, Response

from .conftest import full_answers, submit_response

pytestmark = pytest.mark.django_db

CODES = ["45", "59", "50", "54", "64", "71", "90", "93", "33", "69"]


def build(campaign_factory, *, demo: bool = False, **extra) -> Campaign:
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, is_demo=demo, **extra)
    for i, code in enumerate(CODES):
        submit_response(campaign, code, full_answers(1 + i % 4))
    return campaign


@pytest.fixture
def closed_2017(territories, campaign_factory):
    return build(campaign_factory)


@pytest.fixture
def demo_2017(territories, campaign_factory):
    return build(campaign_factory, demo=True)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def save(tmp_path: Path, answer, name: str) -> Path:
    assert answer.status_code == 200, answer.content[:500]
    assert answer["Content-Type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(answer.content)
    return path


def test_departement_pdf_read_back(client, login, users, closed_2017, tmp_path):
    login(users["loiret_viewer"])
    answer = client.get("/rapports/departements/45/2017/rapport.pdf")
    assert 'filename="rapport-45-2017.pdf"' in answer["Content-Disposition"]
    path = save(tmp_path, answer, "rapport.pdf")
    info = pdf_info(path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Rapport du Loiret — autodiagnostic 2017"
    pages = int(info["Pages"])
    assert 4 <= pages <= 12
    text = pdf_text(path)
    flat = " ".join(text.split())
    for words in (
        "Rapport du Loiret (45)",
        "Sommaire",
        "Chiffres clés",
        "Profil sur les 13 facteurs",
        "Points forts",
        "Points à renforcer",
        "Que faire maintenant ?",
        "Les départements comparables",
        "Budget",
        "Sources et méthode",
        "Médiane nationale calculée sur les 10 départements",
    ):
        assert words in flat, words
    # the key figures of the experience sheets, French-formatted
    loiret = data.find_subject("45", 2017).departement
    for figure in data.figures_section(loiret)[:3]:
        if figure["value"] != "—":
            assert figure["value"].replace("\u202f", " ") in flat.replace("\u202f", " "), figure
    # page numbers « n / N » on every page, and the table of contents points at real pages
    for page in range(1, pages + 1):
        assert re.search(rf"\b{page}\s*/\s*{pages}\b", pdf_text(path, page)), page
    toc = re.search(r"Sources et méthode\s*\.*\s*(\d+)", flat)
    assert toc and 1 < int(toc.group(1)) <= pages
    assert "données de démonstration" not in flat


def test_headings_are_bookmarks_and_the_chart_has_its_description(users, closed_2017):
    import weasyprint

    subject = data.find_subject("45", 2017)
    context = data.departement_report(None, subject)
    html = rendering.render_html("reports/departement.html", context, pdf=True)
    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(filename=str(rendering.STYLESHEET))]
    )
    tree = document.make_bookmark_tree()
    # each node: (label, (page, x, y), children, state)
    assert [node[0] for node in tree] == ["Rapport du Loiret (45)"]
    below = [child[0] for child in tree[0][2]]
    assert "Chiffres clés" in below and "Sources et méthode" in below
    # the radar: the same description as on the results page, as alternate text and caption
    assert f'alt="{context["radar"].description}"' in html.replace("&#x27;", "'").replace("&#39;", "'")
    assert '<html lang="fr">' in html


def test_demo_report_says_so_on_every_page(client, login, users, demo_2017, tmp_path):
    login(users["coordinator"])
    answer = client.get("/rapports/departements/45/2017/rapport.pdf")
    assert "rapport-45-2017-demonstration.pdf" in answer["Content-Disposition"]
    path = save(tmp_path, answer, "demo.pdf")
    info = pdf_info(path)
    assert info["Title"].endswith("(données de démonstration)")
    for page in range(1, int(info["Pages"]) + 1):
        assert "données de démonstration" in pdf_text(path, page), f"page {page}"


def test_essentiel_is_one_page(client, login, users, demo_2017, tmp_path):
    login(users["loiret_editor"])
    path = save(tmp_path, client.get("/rapports/departements/45/2017/essentiel.pdf"), "essentiel.pdf")
    info = pdf_info(path)
    assert info["Pages"] == "1" and info["Tagged"] == "yes"
    flat = " ".join(pdf_text(path).split())
    assert "Le numérique éducatif du Loiret en 2017" in flat
    assert "Trois chiffres" in flat and "Ce qu'il faut décider maintenant" in flat
    assert "données de démonstration" in flat


def test_html_pages_link_their_stylesheet_and_the_pdf(client, login, users, closed_2017):
    login(users["loiret_editor"])
    page = client.get("/rapports/departements/45/2017/").content.decode()
    assert '<html lang="fr">' in page and "reports/report.css" in page and "<style" not in page
    assert "/rapports/departements/45/2017/rapport.pdf" in page and 'role="img"' in page
    essentiel = client.get("/rapports/departements/45/2017/essentiel/").content.decode()
    assert "Trois chiffres" in essentiel and "/rapports/departements/45/2017/essentiel.pdf" in essentiel
    results = client.get(f"/resultats/{closed_2017.pk}/departements/45/").content.decode()
    assert "/rapports/departements/45/2017/rapport.pdf" in results
    assert "/rapports/departements/45/2017/essentiel.pdf" in results


@pytest.mark.parametrize(
    "role, published, expected",
    [
        ("coordinator", False, 200),
        ("loiret_editor", False, 200),
        ("loiret_viewer", False, 200),
        ("nord_editor", False, 403),
        ("dan_loiret", False, 403),
        ("dan_loiret", True, 200),
        ("dan_other", True, 403),
    ],
)
def test_who_may_read_the_report(client, login, users, closed_2017, role, published, expected):
    Campaign.objects.filter(pk=closed_2017.pk).update(published=published)
    login(users[role])
    answer = client.get("/rapports/departements/45/2017/")
    assert answer.status_code == expected
    if expected == 403:
        assert "Le rapport de ce département ne vous est pas accessible" in answer.content.decode()
        assert client.get("/rapports/departements/45/2017/essentiel.pdf").status_code == 403
    if role == "dan_loiret" and expected == 200:
        # the DAN reads the results, not the département's working documents
        page = answer.content.decode()
        assert "ne figurent que dans le rapport lu par ses équipes" in page
        assert "Scénarios enregistrés dans numeduc" not in page


def test_a_consenting_departement_is_read_by_the_others_without_its_documents(
    client, login, users, campaign_factory, territories
):
    campaign = build(campaign_factory, public=True, published=True)
    Response.objects.filter(campaign=campaign, departement__code="45").update(share_consent=True)
    login(users["nord_editor"])
    page = client.get("/rapports/departements/45/2017/").content.decode()
    assert "ce rapport est lu avec son accord" in page
    assert "Scénarios enregistrés" not in page


def test_anonymous_unknown_and_missing(client, login, users, closed_2017, campaign_factory):
    assert client.get("/rapports/departements/45/2017/").status_code == 302  # sign in first
    login(users["coordinator"])
    assert client.get("/rapports/departements/00/2017/").status_code == 404
    assert client.get("/rapports/departements/45/1999/").status_code == 404
    assert client.get("/rapports/departements/2A/2017/rapport.pdf").status_code == 404  # no answer


def test_cli_writes_pdf_and_html_and_refuses_in_french(closed_2017, tmp_path):
    runner = CliRunner()
    pdf = tmp_path / "rapport.pdf"
    result = runner.invoke(report_app, ["departement", "45", "--campaign-year", "2017", "--output", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf_info(pdf)["Tagged"] == "yes"
    html = tmp_path / "essentiel.html"
    result = runner.invoke(
        report_app, ["departement", "45", "--campaign-year", "2017", "--output", str(html), "--essentiel"]
    )
    assert result.exit_code == 0, result.output
    assert "Trois chiffres" in html.read_text(encoding="utf-8")
    for args, message in [
        (["99", "--campaign-year", "2017", "--output", str(pdf)], "département inconnu : « 99 »"),
        (["45", "--campaign-year", "1999", "--output", str(pdf)], "aucune campagne d'autodiagnostic en 1999"),
        (
            ["45", "--campaign-year", "2017", "--output", str(tmp_path / "r.docx")],
            "doit finir par .pdf ou .html",
        ),
    ]:
        result = runner.invoke(report_app, ["departement", *args])
        assert result.exit_code == 2
        assert "Erreur : " in result.output and message in result.output
