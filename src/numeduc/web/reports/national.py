"""What the national report of a self-diagnosis campaign says: the white paper's structure
regenerated from data (participation, method, peer groups, national analysis, budget
distribution, usage nationally, most-planned actions, published sheets, annex per département).

Everything comes from the computations of the pages below this app, and only what those pages
show to *every* reader once the campaign is closed and published: the national page's sections
as a non-coordinator sees them (no factor map of individuals, no map of a département's own
levels), aggregates over at least ``MIN_GROUP`` départements or collèges, and a département's
own levels only where it agreed to share them (``departement_shares_results``). The report is
therefore the same document for the coordinator and for any other reader.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import pandas as pd
from django.http import Http404
from django.utils import timezone

from numeduc import budget, reference
from numeduc.analysis import campaign as analysis
from numeduc.analysis import wording
from numeduc.analysis.profile import MIN_GROUP
from numeduc.charts import Chart, DataTable, Series, bar, choropleth
from numeduc.experiences import THEMES
from numeduc.formatting import fr_date, fr_euro, fr_number
from numeduc.opendata import tables as open_tables
from numeduc.web.accounts.permissions import (
    can_view_national_results,
    check_rules,
    departement_shares_results,
)
from numeduc.web.action_plans import followup
from numeduc.web.action_plans import presenters as plans_presenters
from numeduc.web.demo_mark import built_on_demo
from numeduc.web.experiences import data as experiences_data
from numeduc.web.national import presenters as national
from numeduc.web.planning import data as planning_data
from numeduc.web.surveys import data as surveys_data
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard import labels as usage_labels
from numeduc.web.usage_dashboard import store as usage_store

from . import rendering
from .data import CAMPAIGN_NOT_FOUND, SELF_DIAGNOSIS, ReportError

REFUSED = (
    "Le rapport national de cette campagne n'est pas encore publié : il se lit comme l'analyse "
    "nationale, par la coordination nationale, puis par tous une fois la campagne clôturée et publiée."
)
NATIONAL_RULES = {"view": [(can_view_national_results, REFUSED)]}
TOP_ACTIONS = 10
# The usage indicators of the national table (columns), among the dashboard's key indicators.
USAGE_COLUMNS = [
    ("monthly_active_rate", "ELEVE"),
    ("monthly_active_rate", "ENSEIGNANT"),
    ("monthly_active_rate", "PARENT"),
    ("device_activity_rate_30d", ""),
]
USAGE_SHORT = ["Élèves actifs", "Enseignants actifs", "Parents actifs", "Équipements actifs"]
RESPONDED, NOT_RESPONDED = "réponse transmise", "pas de réponse"
TEMPLATE = "reports/national.html"
STYLESHEET = Path(__file__).parent / "static" / "reports" / "national.css"


def html_to_pdf(html_text: str) -> bytes:
    """``rendering.html_to_pdf`` with the national report's stylesheet after the reports' one
    (same PDF/UA variant, same paged media)."""
    import weasyprint

    document = weasyprint.HTML(string=html_text, base_url=str(rendering.STYLESHEET.parent))
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(path)) for path in (rendering.STYLESHEET, STYLESHEET)],
        pdf_variant=rendering.PDF_VARIANT,
    )


def find_campaign(year: int) -> Campaign:
    campaign = (
        Campaign.objects.filter(questionnaire_slug=SELF_DIAGNOSIS, year=year).order_by("-opens_on").first()
    )
    if campaign is None:
        raise ReportError(CAMPAIGN_NOT_FOUND)
    return campaign


def get_campaign_for(user, year: int) -> Campaign:
    """The campaign of ``year`` for a web reader: 404 when there is none, 403 (French sentence)
    when its national analysis would refuse the reader."""
    try:
        campaign = find_campaign(year)
    except ReportError as exc:
        raise Http404(str(exc)) from None
    check_rules(NATIONAL_RULES["view"], user, campaign)
    return campaign


# -- charts of the national page, for the report -----------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A chart of the national page: ``html`` as the page shows it, ``chart`` (the same SVG, title
    and description) for the PDF's ``report_figure``."""

    id: str
    title: str
    sentence: str
    note: str
    html: str
    chart: Chart | None


_SVG = re.compile(r"<svg\b.*</svg>", re.S)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S)
_DESC = re.compile(r"<desc\b[^>]*>(.*?)</desc>", re.S)
_KIND = re.compile(r'class="nc-chart-figure nc-([\w-]+)"')


def chart_of_figure(figure_html: str, sentence: str) -> Chart | None:
    """The :class:`Chart` behind a ``Chart.figure_html()`` of the national presenters (they hand
    over the rendered figure only): its SVG, its title and description as the SVG states them."""
    svg = _SVG.search(figure_html or "")
    if svg is None:
        return None
    title = _TITLE.search(svg.group(0))
    desc = _DESC.search(svg.group(0))
    kind = _KIND.search(figure_html)
    return Chart(
        svg=svg.group(0),
        title=html.unescape(title.group(1)) if title else "",
        description=html.unescape(desc.group(1)) if desc else sentence,
        table=DataTable("", [], []),
        kind=kind.group(1) if kind else "chart",
    )


def figures(sections) -> list[Figure]:
    return [
        Figure(s.id, s.title, s.sentence, s.note, str(s.figure), chart_of_figure(str(s.figure), s.sentence))
        for s in sections
    ]


# -- the sections ------------------------------------------------------------------------------


def participation_section(campaign: Campaign, levels: pd.DataFrame, sharing: frozenset[str]) -> dict:
    respondents = set(levels.index)
    targeted = campaign.target_departements.count() or Departement.objects.count()
    names = dict(Departement.objects.values_list("code", "name"))
    values: dict[object, float | str | None] = {
        code: (RESPONDED if code in respondents else NOT_RESPONDED) for code in names
    }
    sentence = (
        f"{len(respondents)} départements sur {targeted} interrogés ont transmis leur réponse à "
        f"« {campaign.title} » ; {len(sharing)} acceptent de partager leurs niveaux."
    )
    chart = choropleth(
        None,
        values,
        categorical=True,
        categories=[RESPONDED, NOT_RESPONDED],
        colours={RESPONDED: "#000091", NOT_RESPONDED: "#e5e5e5"},
        legend_title="Participation",
        title=f"Départements ayant répondu — {campaign.title}",
        description=sentence,
        id_prefix="participation",
        demo=campaign.is_demo,
        value_header="Participation",
        source="numeduc, réponses transmises",
    )
    peers = surveys_data.reference_peer_groups()
    by_academie: dict[str, list[int]] = {}
    for d in Departement.objects.select_related("academie").order_by("academie__name", "code"):
        counts = by_academie.setdefault(d.academie.name if d.academie else "—", [0, 0])
        counts[0] += 1
        counts[1] += d.code in respondents
    return {
        "n": len(respondents),
        "targeted": targeted,
        "rate": fr_number(100 * len(respondents) / targeted, 0) + " %" if targeted else "—",
        "sharing": len(sharing),
        "map": chart,
        "sentence": sentence,
        "groups": len(peers.sizes()),
        "academies": [
            {"name": name, "departements": total, "respondents": answered}
            for name, (total, answered) in by_academie.items()
        ],
    }


def analysis_section(campaign: Campaign) -> dict | None:
    """The national page's sections as every reader sees them (``coordinator=False``); None with
    fewer respondents than the analysis allows."""
    peers = surveys_data.reference_peer_groups()
    try:
        result = surveys_data.campaign_analysis(campaign)
    except analysis.NotEnoughRespondents:
        return None
    demo = campaign.is_demo
    targeted = campaign.target_departements.count() or None
    return {
        "result": result,
        "key_points": analysis.key_points(
            result, group_sizes=list(peers.sizes().values()), targeted=targeted
        ),
        "axes": result.pca.axes,
        "pca": figures(national.pca_sections(result, result.peers, demo, False)),
        "correlations": figures(national.correlation_sections(result, demo)),
        "crosstabs": figures(national.crosstab_sections(result, demo)),
        "crosstab_rows": [
            {
                "tab": t,
                "statistic": fr_number(t.statistic, 2),
                "p": wording.fr_p(t.p_value),
                "effect": fr_number(t.effect_size, 2),
            }
            for t in result.crosstabs
        ],
        "peer_summary": result.peers,
        "group_rows": national.peer_group_rows(peers, result.peers),
        "indicator_headers": national.peer_indicator_headers(),
        "group_test_rows": [
            {
                "label": national.factor_name(f),
                "h": fr_number(t.statistic, 2),
                "p": wording.fr_p(t.p_value),
                "effect": fr_number(t.effect_size, 3),
                "n": t.n,
            }
            for f, t in sorted(result.peers.tests.items())
        ],
        "dendrogram": figures([national.dendrogram_section(peers)])[0],
        "groups_map": figures([national.map_section(("groupes", None), result, peers, demo, False)])[0],
    }


def budget_section(campaign: Campaign) -> dict:
    """The declared budgets per pupil (investment + operation) of the campaign: their spread in
    the white paper's bands, median and quartiles, and each peer group's median, each only over
    at least MIN_GROUP départements."""
    values = planning_data.declared_budgets(campaign)
    n = len(values)
    out: dict = {"n": n, "min_group": MIN_GROUP, "shown": n >= MIN_GROUP, "chart": None, "groups": []}
    if n < MIN_GROUP:
        return out
    counts = values.map(planning_data.band_of).value_counts()
    shares = {label: 100 * int(counts.get(label, 0)) / n for label, _, _ in planning_data.BANDS}
    labels = [label for label, _, _ in planning_data.BANDS]
    sentence = (
        f"Part des {n} départements ayant déclaré leur budget numérique par élève dans chaque tranche du "
        f"livre blanc, à côté de la répartition de 2017 ; médiane : {fr_euro(float(values.median()))} par "
        "élève et par an."
    )
    out["chart"] = bar(
        labels,
        [
            Series(f"Départements répondants ({campaign.year})", [shares[b] for b in labels], "primary"),
            Series(
                "Livre blanc 2017", [planning_data.WHITE_PAPER_BUCKET_SHARES[b] for b in labels], "reference"
            ),
        ],
        unit="%",
        value_format=lambda v: fr_number(v, 0) + " %",
        title=f"Budget numérique déclaré par élève et par an — {campaign.title}",
        description=sentence,
        id_prefix="budget-national",
        demo=campaign.is_demo,
        axis_label="Part des départements (%)",
        category_header="Tranche de budget par élève",
        source="numeduc, autodiagnostic (investissement et fonctionnement) ; livre blanc ADF 2017",
    )
    out.update(
        {
            "sentence": sentence,
            "median": fr_euro(float(values.median())),
            "q1": fr_euro(float(values.quantile(0.25))),
            "q3": fr_euro(float(values.quantile(0.75))),
            "bands": [
                {
                    "label": b,
                    "count": int(counts.get(b, 0)),
                    "share": fr_number(shares[b], 1) + " %",
                    "paper": fr_number(planning_data.WHITE_PAPER_BUCKET_SHARES[b], 1) + " %",
                }
                for b in labels
            ],
        }
    )
    peers = surveys_data.reference_peer_groups()
    for group in sorted(peers.sizes()):
        members = [float(values[c]) for c, g in peers.groups.items() if g == group and c in values.index]
        out["groups"].append(
            {
                "group": group,
                "portrait": peers.portraits.get(group, ""),
                "n": len(members),
                "median": fr_euro(median(members)) if len(members) >= MIN_GROUP else None,
            }
        )
    return out


def usage_section() -> dict:
    """Usage nationally: the open data's aggregates by group of comparable collèges (at least
    MIN_GROUP collèges, pooled over every loaded warehouse), for the latest month."""
    root = usage_store.warehouse_root()
    warehouses, demo, departements = [], False, 0
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            code = folder.name
            if not usage_store.has_warehouse(code):
                continue
            try:
                loaded = usage_store.load(code)
            except Exception:  # noqa: BLE001 - a damaged warehouse must not take the report down
                continue
            if loaded is None:
                continue
            warehouses.append((loaded.indicators, loaded.establishments))
            demo = demo or usage_store.is_demo_folder(code)
            departements += 1
    frame = open_tables.usage_aggregates(warehouses)
    out: dict = {
        "departements": departements,
        "demo": demo,
        "rows": [],
        "month": None,
        "min_group": MIN_GROUP,
    }
    if frame.empty:
        return out
    month = max(frame["month"])
    latest = frame[frame["month"] == month]
    out["month"] = usage_labels.month_label(month)
    out["headers"] = USAGE_SHORT
    out["legend"] = [
        f"{short} : {usage_labels.full_label(i, p).lower()}"
        for short, (i, p) in zip(USAGE_SHORT, USAGE_COLUMNS, strict=True)
    ]
    for group, cells in latest.groupby("group", sort=True):
        row = {"group": group, "colleges": int(cells["colleges"].max()), "values": []}
        for indicator, profile in USAGE_COLUMNS:
            cell = cells[(cells["indicator"] == indicator) & (cells["profile"] == profile)]
            if cell.empty:
                row["values"].append({"median": "—", "range": ""})
                continue
            c = cell.iloc[0]
            row["values"].append(
                {
                    "median": usage_labels.format_value(indicator, c["median"]),
                    "range": f"{usage_labels.format_value(indicator, c['q1'])} – "
                    f"{usage_labels.format_value(indicator, c['q3'])}",
                }
            )
        out["rows"].append(row)
    return out


def plans_section(campaign: Campaign) -> dict:
    """The national plans page's overview for plans starting from this campaign: counts and
    changes over at least MIN_GROUP départements only (the hidden rows are left out)."""
    rows = followup.national_rows(campaign, demo=campaign.is_demo)
    overview = plans_presenters.overview_rows(followup.overview(rows))
    shown = [r for r in overview if not r["hidden"]]
    return {
        "plans": rows.plans,
        "rows": shown[:TOP_ACTIONS],
        "hidden": len(overview) - len(shown),
        "caveat": followup.CAVEAT,
        "demo": rows.demo and rows.plans > 0,
    }


def sheets_section() -> dict:
    cards = experiences_data.cards()
    return {
        "departements": [
            {"card": c, "strategies": [budget.STRATEGIES.get(x, x) for x in c.strategies]}
            for c in cards
            if c.kind == "departement"
        ],
        "countries": [
            {"title": c.title, "themes": [THEMES.get(t, t) for t in c.themes]}
            for c in cards
            if c.kind == "pays"
        ],
        "demo": any(c.demo for c in cards),
    }


def annex_section(campaign: Campaign, levels: pd.DataFrame, sharing: frozenset[str]) -> dict:
    """One row per département: its peer group, whether it answered, and its 13 levels only when
    it shares them; then the factor medians of each peer group as the open data publishes them
    (``factor_aggregates``: at least MIN_GROUP answers, secondary suppression)."""
    peers = surveys_data.reference_peer_groups()
    factors = [int(f) for f in levels.columns]
    rows = []
    for d in Departement.objects.order_by("code"):
        group = peers.groups.get(d.code)
        shared = d.code in sharing and d.code in levels.index
        rows.append(
            {
                "code": d.code,
                "name": d.name,
                "group": "—" if group is None or pd.isna(group) else int(group),
                "answered": d.code in levels.index,
                "levels": [
                    "—" if pd.isna(levels.at[d.code, f]) else str(int(levels.at[d.code, f]))
                    for f in levels.columns
                ]
                if shared
                else None,
            }
        )
    labels = {f: f"F{f}" for f in factors}
    data = open_tables.CampaignData(campaign.pk, campaign.year, campaign.title, levels, sharing)
    aggregates = open_tables.factor_aggregates([data], peers.groups, labels)
    medians: dict[object, dict[int, str]] = {}
    counts: dict[object, int] = {}
    for row in aggregates.itertuples():
        scope = "France" if row.scope == "national" else int(row.peer_group)
        medians.setdefault(scope, {})[int(row.factor)] = fr_number(row.median, 1 if row.median % 1 else 0)
        counts[scope] = max(counts.get(scope, 0), int(row.answers))
    group_rows = [
        {
            "scope": "France" if scope == "France" else f"groupe {scope}",
            "n": counts[scope],
            "medians": [medians[scope].get(f, "—") for f in factors],
        }
        for scope in sorted(medians, key=lambda s: (s != "France", s if s != "France" else 0))
    ]
    hidden = sorted(set(peers.sizes()) - {s for s in medians if s != "France"})
    return {
        "factors": factors,
        "rows": rows,
        "group_rows": group_rows,
        "hidden_groups": [f"groupe {g}" for g in hidden],
        "min_group": MIN_GROUP,
    }


def sharing_codes(campaign: Campaign) -> frozenset[str]:
    """The départements whose results for this campaign are shared with everyone."""
    candidates = Departement.objects.filter(
        responses__campaign=campaign,
        responses__status=Response.Status.SUBMITTED,
        responses__share_consent=True,
    ).distinct()
    return frozenset(d.code for d in candidates if departement_shares_results(d, campaign))


def national_report(campaign: Campaign, progress=None) -> dict:
    """Everything the national report's template receives (``progress(step)``: called before
    each section, for the command's progress bar)."""

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("Participation")
    levels = surveys_data.campaign_levels(campaign)
    sharing = sharing_codes(campaign)
    participation = participation_section(campaign, levels, sharing)
    step("Analyse nationale")
    analysed = analysis_section(campaign)
    step("Budget")
    budget_part = budget_section(campaign)
    step("Usages")
    usage = usage_section()
    step("Plans d'actions")
    plans = plans_section(campaign)
    step("Fiches d'expérience")
    sheets = sheets_section()
    step("Annexe")
    annex = annex_section(campaign, levels, sharing)
    demo = built_on_demo(campaign.is_demo, usage["demo"], plans["demo"], sheets["demo"])
    return {
        "campaign": campaign,
        "generated": fr_date(timezone.now()),
        "participation": participation,
        "analysis": analysed,
        "budget": budget_part,
        "usage": usage,
        "plans": plans,
        "sheets": sheets,
        "annex": annex,
        "min_group": MIN_GROUP,
        "peer_indicators": [reference.INDICATOR_LABELS[c][0] for c in reference.PEER_INDICATORS],
        "demo": demo,
        "title": f"Rapport national — autodiagnostic {campaign.year}",
    }
