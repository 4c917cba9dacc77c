"""The national report: the PDF read back with Poppler (sections, key figures, tags, pages,
title, the demo mark on every page), what it may show (a département's levels only with its
consent, no aggregate under 5), who may download it, and ``numeduc report national``."""

from __future__ import annotations

import html as html_lib
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.html import escape
from typer.testing import CliRunner

from numeduc import reference
from numeduc.cli.report import app as report_app
from numeduc.demo.dataset import split_answers
from numeduc.demo.selfdiag import generate_selfdiag_campaign
from numeduc.web.reports import national, rendering
from numeduc.web.surveys.data import reference_peer_groups
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db

DEMO_ROWS = generate_selfdiag_campaign(reference.departements(), 2017, seed=2017)
URL = "/rapports/national/2017/"


def fill(campaign, codes, *, consent=()) -> None:
    for code in codes:
        response = Response.objects.create(
            campaign=campaign,
            departement=Departement.objects.get(code=code),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            share_consent=code in consent,
        )
        answers, _ = split_answers(DEMO_ROWS.loc[code])
        Answer.objects.bulk_create(Answer(response=response, item_id=k, value=v) for k, v in answers.items())


def small_group_and_codes() -> tuple[int, list[str]]:
    """Every demo respondent except all but three of the smallest peer group's."""
    groups = reference_peer_groups().groups
    in_demo = groups[groups.index.isin(DEMO_ROWS.index)]
    group = int(in_demo.value_counts().loc[lambda s: s >= 5].idxmin())
    kept = list(in_demo[in_demo == group].index[:3])
    return group, [c for c in DEMO_ROWS.index if groups.get(c) != group or c in kept]


@pytest.fixture
def published(campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, is_demo=True, public=True, published=True)
    _, codes = small_group_and_codes()
    fill(campaign, codes, consent={codes[0]})
    return campaign


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_national_pdf_read_back(client, login, users, published, tmp_path):
    login(users["nord_editor"])
    answer = client.get(URL + "rapport.pdf")
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Content-Type"] == "application/pdf"
    assert 'filename="rapport-national-2017-demonstration.pdf"' in answer["Content-Disposition"]
    path = tmp_path / "national.pdf"
    path.write_bytes(answer.content)
    info = pdf_info(path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Rapport national — autodiagnostic 2017 (données de démonstration)"
    pages = int(info["Pages"])
    assert 10 <= pages <= 40
    text = flat(pdf_text(path))
    context = national.national_report(published)
    n = context["participation"]["n"]
    for words in (
        "Rapport national — autodiagnostic 2017",
        "Sommaire",
        "Participation",
        "Méthode",
        "Les groupes de pairs",
        "Analyse nationale",
        "Éboulis des valeurs propres",
        "Cercle des corrélations",
        "Les quatre croisements du livre blanc",
        "Tests des croisements",
        "Budgets déclarés",
        "Usages mesurés",
        "Les actions les plus prévues",
        "Fiches d'expérience publiées",
        "Annexe : les départements",
        f"{n} départements répondants sur 101 interrogés",
        "réponse transmise, non partagée",
    ):
        assert words in text, words
    # key figures: participation, the budget median, the cross-tabs' statistics
    assert context["participation"]["rate"].replace("\u202f", " ") in text
    assert flat(context["budget"]["median"]) in text
    for row in context["analysis"]["crosstab_rows"]:
        assert flat(row["statistic"]) in text
    # the individual factor map stays the coordinator's
    assert "Carte factorielle des départements répondants" not in text
    # the demo mark and the page number on every page, the contents point at real pages
    for page in range(1, pages + 1):
        one = pdf_text(path, page)
        assert "données de démonstration" in one, page
        assert re.search(rf"\b{page}\s*/\s*{pages}\b", one), page
    toc = re.search(r"Annexe : les départements\s*\.*\s*(\d+)", text)
    assert toc and 1 < int(toc.group(1)) <= pages


def test_charts_keep_their_descriptions_and_headings_are_bookmarks(published):
    import weasyprint

    context = national.national_report(published)
    html = rendering.render_html(national.TEMPLATE, context, pdf=True)
    charts = [f.chart for f in context["analysis"]["pca"] + context["analysis"]["crosstabs"] if f.chart]
    charts += [context["participation"]["map"], context["budget"]["chart"]]
    assert len(charts) >= 6
    for chart in charts:
        assert f'alt="{escape(chart.description)}"' in html, chart.title
    # the national page's description, unchanged
    assert context["analysis"]["pca"][0].chart.description.startswith(
        context["analysis"]["pca"][0].sentence[:40]
    )
    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(filename=str(p)) for p in (rendering.STYLESHEET, national.STYLESHEET)]
    )
    tree = document.make_bookmark_tree()
    assert [node[0] for node in tree] == ["Rapport national — autodiagnostic 2017"]
    below = [child[0] for child in tree[0][2]]
    assert "Participation" in below and "Annexe : les départements" in below


def test_annex_shows_levels_only_with_consent_and_no_small_aggregate(client, login, users, published):
    login(users["coordinator"])
    page = client.get(URL).content.decode()
    annex = page[page.index('id="annexe"') :]
    _, codes = small_group_and_codes()
    names = dict(Departement.objects.values_list("code", "name"))

    def row(code: str) -> str:
        found = re.search(rf'<tr><th scope="row">{code} {re.escape(names[code])}</th>(.*?)</tr>', annex)
        assert found, code
        return found.group(1)

    sharing = row(codes[0])  # the consenting respondent: its group and its 13 levels
    assert sharing.count('<td class="num">') == 14
    assert re.findall(r'<td class="num">(\d)</td>', sharing)[1:] == [
        str(int(v)) for v in national.surveys_data.campaign_levels(published).loc[codes[0]]
    ]
    private = row(codes[1])  # a respondent without consent: only its group
    assert "réponse transmise, non partagée" in private and private.count('<td class="num">') == 1
    # a peer group with 3 respondents: no median of its own, named as not given
    group, _ = small_group_and_codes()
    context = national.national_report(published)
    scopes = [g["scope"] for g in context["annex"]["group_rows"]]
    assert scopes[0] == "France" and f"groupe {group}" not in scopes
    assert f"groupe {group}" in context["annex"]["hidden_groups"]
    budget_group = next(g for g in context["budget"]["groups"] if g["group"] == group)
    assert budget_group["median"] is None
    assert "pas de réponse" in annex  # not every département answered


def test_fewer_than_five_respondents_give_no_aggregate(client, login, users, campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, public=True, published=True)
    fill(campaign, list(DEMO_ROWS.index[:4]), consent=set(DEMO_ROWS.index[:4]))
    context = national.national_report(campaign)
    assert context["analysis"] is None and not context["budget"]["shown"]
    assert context["annex"]["group_rows"] == []
    login(users["loiret_viewer"])
    page = client.get(URL).content.decode()
    assert "Pas assez de réponses transmises pour une analyse nationale" in page
    assert "Moins de 5 budgets déclarés" in page
    assert "Moins de 5 réponses : aucune médiane n'est donnée" in page
    assert "données de démonstration" not in page


@pytest.mark.parametrize(
    "role, published_flag, expected",
    [
        ("coordinator", False, 200),
        ("loiret_editor", False, 403),
        ("dan_loiret", False, 403),
        ("loiret_editor", True, 200),
        ("dan_other", True, 200),
    ],
)
def test_who_may_read_the_national_report(
    client, login, users, campaign_factory, role, published_flag, expected
):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, published=published_flag)
    fill(campaign, list(DEMO_ROWS.index[:12]))
    login(users[role])
    answer = client.get(URL)
    assert answer.status_code == expected
    if expected == 403:
        assert "Le rapport national de cette campagne n'est pas encore publié" in html_lib.unescape(
            answer.content.decode()
        )
        assert client.get(URL + "rapport.pdf").status_code == 403
    else:
        assert "Rapport national — autodiagnostic 2017" in answer.content.decode()


def test_open_campaign_anonymous_and_unknown_year(client, login, users, campaign_factory):
    campaign_factory(2017, Campaign.Status.OPEN, published=True)
    assert client.get(URL).status_code == 302  # sign in first
    login(users["loiret_editor"])
    assert client.get(URL).status_code == 403  # published but not closed
    answer = client.get("/rapports/national/1999/")
    assert answer.status_code == 404


def test_national_page_links_to_the_report(client, login, users, published):
    login(users["loiret_viewer"])
    page = client.get(f"/national/{published.pk}/").content.decode()
    assert "/rapports/national/2017/rapport.pdf" in page
    report = client.get(URL).content.decode()
    assert '<html lang="fr">' in report and "reports/national.css" in report and "<style" not in report
    assert "/rapports/national/2017/rapport.pdf" in report and 'role="img"' in report


def test_cli_writes_the_national_report_and_refuses_in_french(published, tmp_path):
    runner = CliRunner()
    html = tmp_path / "national.html"
    result = runner.invoke(report_app, ["national", "--campaign-year", "2017", "--output", str(html)])
    assert result.exit_code == 0, result.output
    assert "national.html écrit" in result.output
    text = html.read_text(encoding="utf-8")
    assert "Annexe : les départements" in text and "Éboulis des valeurs propres" in text
    for args, message in [
        (["--campaign-year", "1999", "--output", str(html)], "aucune campagne d'autodiagnostic en 1999"),
        (["--campaign-year", "2017", "--output", str(tmp_path / "r.docx")], "doit finir par .pdf ou .html"),
        (["--campaign-year", "2017", "--output", str(tmp_path / "nul" / "r.pdf")], "n'existe pas"),
    ]:
        result = runner.invoke(report_app, ["national", *args])
        assert result.exit_code == 2
        assert "Erreur : " in result.output and message in result.output
