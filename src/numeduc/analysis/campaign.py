"""National analysis of one self-diagnosis campaign (pure: pandas in, dataclasses out).

What the 2017 white paper did by hand, recomputed for any campaign:

* a PCA of the 13 factor levels (FactoMineR conventions, :func:`numeduc.stats.pca`) with each
  axis read from the factors' contributions, and the four INSEE indicators as supplementary
  variables;
* the Spearman correlation matrix of the 13 factors (answers are 1-4 levels: ranks, not
  distances, carry the information, and ties are handled with average ranks as R does);
* the paper's four cross-tabulations, each with an ordinal test and an effect size;
* Spearman correlations of each factor with the four indicators;
* peer groups (:func:`numeduc.analysis.peers.compute_peer_groups`).

Disclosure rule: nothing below national level is computed over fewer than
:data:`numeduc.analysis.profile.MIN_GROUP` respondents (a smaller aggregate could reveal one
département's answers). Cross-tab cells are counts of départements, which reveal nobody's
answer on their own; individual positions (factor map) are the caller's responsibility (the
web pages show them to the coordinator only).

Every result carries one plain-French sentence saying what it shows and how sure we are; the
words are in :mod:`numeduc.analysis.wording` (plain values in, strings out), the numbers here.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from numeduc.analysis import wording
from numeduc.analysis.profile import MIN_GROUP
from numeduc.analysis.wording import (  # re-exported: the labels and words used to live here
    DEMOGRAPHIC_INDICATORS,
    FACTOR_SHORT_LABELS,
    fr_p,
    strength_word,
)
from numeduc.budget.bands import BUDGET_BANDS as WHITE_PAPER_BANDS
from numeduc.questionnaires import FACTOR_COUNT
from numeduc.stats import GroupTestResult, correlation, kruskal_wallis, ordinal_association, pca

ALPHA = 0.05

# The paper's budget bands (euros per pupil per year, investment + operation), as
# (short label, lower, upper) for the cross tables: left-closed, a negative total has no band.
BUDGET_BANDS = tuple(
    (band.short, band.lower or 0.0, math.inf if band.upper is None else band.upper)
    for band in WHITE_PAPER_BANDS
)

FACTOR_ITEM_PREFIX = "f"


class NotEnoughRespondents(ValueError):
    """Fewer respondents than the disclosure rule allows for a national analysis."""


# --------------------------------------------------------------------------- helpers


def pearson_p(r: float, n: int) -> float:
    """Two-sided p-value of a Pearson correlation r over n pairs (Student's t, n - 2 df)."""
    if n < 3 or math.isnan(r):
        return math.nan
    if abs(r) >= 1:
        return 0.0
    t = abs(r) * math.sqrt((n - 2) / (1 - r * r))
    return float(2 * sps.t.sf(t, n - 2))


def factor_columns(answers: pd.DataFrame) -> dict[str, int]:
    """Item id -> factor number for the columns that are factor levels (``fNN_...``)."""
    mapping = {}
    for column in answers.columns:
        text = str(column)
        if (
            len(text) > 3
            and text[0] == FACTOR_ITEM_PREFIX
            and text[1:3].isdigit()
            and text[3] == "_"
            and "__" not in text
        ):
            mapping[text] = int(text[1:3])
    return mapping


def levels_from_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """Factor levels (columns 1..13, floats, NaN when missing) from answers keyed by item id."""
    mapping = factor_columns(answers)
    levels = answers[list(mapping)].apply(pd.to_numeric, errors="coerce")
    levels.columns = [mapping[c] for c in levels.columns]
    return levels.reindex(columns=sorted(levels.columns)).astype(float)


def demographics(departements: pd.DataFrame, codes) -> pd.DataFrame:
    """The four indicators for ``codes`` (density on a natural log scale)."""
    frame = departements.reindex(list(codes))
    out = pd.DataFrame(index=frame.index)
    out["poverty_rate"] = pd.to_numeric(frame["poverty_rate"], errors="coerce")
    density = pd.to_numeric(frame["density"], errors="coerce")
    out["log_density"] = np.log(density.where(density > 0))
    out["population_growth"] = pd.to_numeric(frame["population_growth"], errors="coerce")
    out["share_0_19"] = pd.to_numeric(frame["share_0_19"], errors="coerce")
    return out


def budget_band(total: float | None) -> str | None:
    if total is None or (isinstance(total, float) and math.isnan(total)):
        return None
    for label, low, high in BUDGET_BANDS:
        if low <= total < high:
            return label
    return None


# --------------------------------------------------------------------------- PCA


@dataclass
class AxisInterpretation:
    dimension: str  # "Dim.1"
    number: int
    eigenvalue: float
    percent: float
    positive: list[tuple[int, float, float]]  # (factor, contribution %, coordinate)
    negative: list[tuple[int, float, float]]
    sentence: str


@dataclass
class CampaignPCA:
    eigenvalues: pd.DataFrame  # comp k -> eigenvalue, percent, cumulative
    var_coord: pd.DataFrame  # factor -> Dim.k (correlation with the axis)
    var_contrib: pd.DataFrame
    ind_coord: pd.DataFrame  # code -> Dim.k (identifying: coordinator only)
    supplementary: pd.DataFrame  # indicator -> Dim.k (correlation)
    supplementary_p: pd.DataFrame  # p-value of each correlation (Student's t, n - 2 df)
    axes: list[AxisInterpretation]
    n: int
    imputed: list[tuple[str, str]]
    sentence: str


def interpret_axis(
    var_coord: pd.Series, var_contrib: pd.Series, number: int, eigenvalue: float, percent: float
) -> AxisInterpretation:
    """Factors contributing above the average (100/p %) to an axis, split by sign."""
    threshold = 100.0 / len(var_contrib)
    strong = var_contrib[var_contrib > threshold].sort_values(ascending=False)
    positive = [
        (int(f), float(var_contrib[f]), float(var_coord[f])) for f in strong.index if var_coord[f] > 0
    ]
    negative = [
        (int(f), float(var_contrib[f]), float(var_coord[f])) for f in strong.index if var_coord[f] < 0
    ]
    sentence = wording.axis_sentence(
        number, percent, [f for f, _, _ in positive], [f for f, _, _ in negative]
    )
    return AxisInterpretation(
        f"Dim.{number}", number, float(eigenvalue), float(percent), positive, negative, sentence
    )


def campaign_pca(
    levels: pd.DataFrame, demo_frame: pd.DataFrame, *, ncp: int = 5, n_axes: int = 3
) -> CampaignPCA:
    """Scaled PCA of the factor levels with the indicators as supplementary variables."""
    data = levels.copy()
    data.columns = [int(c) for c in data.columns]
    sup_cols = list(demo_frame.columns)
    data = data.join(demo_frame, how="left")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # imputed cells are reported in ``imputed``
        result = pca(data, quanti_sup=sup_cols, ncp=ncp, scale=True, constant="keep")
    eig = result.eig
    axes = [
        interpret_axis(
            result.var_coord[f"Dim.{k}"],
            result.var_contrib[f"Dim.{k}"],
            k,
            eig.iloc[k - 1]["eigenvalue"],
            eig.iloc[k - 1]["percent"],
        )
        for k in range(1, min(n_axes, result.ncp) + 1)
    ]
    first_two = float(eig["cumulative"].iloc[min(1, len(eig) - 1)])
    sentence = wording.pca_sentence(len(levels), first_two)
    sup = result.quanti_sup_coord.copy() if result.quanti_sup_coord is not None else pd.DataFrame()
    return CampaignPCA(
        eigenvalues=eig,
        var_coord=result.var_coord,
        var_contrib=result.var_contrib,
        ind_coord=result.ind_coord,
        supplementary=sup,
        supplementary_p=sup.map(lambda r: pearson_p(r, len(levels))),
        axes=axes,
        n=len(levels),
        imputed=list(result.imputed),
        sentence=sentence,
    )


# --------------------------------------------------------------------------- correlations


@dataclass
class SignificantPair:
    a: int
    b: int
    rho: float
    p_value: float
    n: int


@dataclass
class FactorCorrelations:
    matrix: pd.DataFrame
    p_values: pd.DataFrame
    n: pd.DataFrame
    method: str
    significant: list[SignificantPair]
    n_pairs: int
    sentence: str


def factor_correlations(levels: pd.DataFrame) -> FactorCorrelations:
    """Spearman correlations between the factors (pairwise complete observations)."""
    result = correlation(levels, "spearman", constant="keep")
    cols = list(levels.columns)
    pairs = []
    n_pairs = 0
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            p = result.p_values.loc[a, b]
            if not np.isnan(p):
                n_pairs += 1
            if not np.isnan(p) and p < ALPHA:
                pairs.append(
                    SignificantPair(
                        int(a), int(b), float(result.matrix.loc[a, b]), float(p), int(result.n.loc[a, b])
                    )
                )
    pairs.sort(key=lambda pair: pair.p_value)
    expected = ALPHA * n_pairs
    n_total = int(np.diag(result.n.to_numpy()).max()) if len(cols) else 0
    best = (pairs[0].a, pairs[0].b, pairs[0].rho, pairs[0].p_value) if pairs else None
    sentence = wording.correlations_sentence(n_total, n_pairs, len(pairs), expected, best)
    return FactorCorrelations(result.matrix, result.p_values, result.n, "spearman", pairs, n_pairs, sentence)


# --------------------------------------------------------------------------- cross-tabs


@dataclass
class CrossTab:
    key: str
    title: str
    outcome_label: str
    grouping_label: str
    table: pd.DataFrame  # rows: grouping levels, columns: outcome levels 1..4; counts of départements
    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_size_name: str
    n: int
    sentence: str

    @property
    def significant(self) -> bool:
        return not math.isnan(self.p_value) and self.p_value < ALPHA


def cross_tab(
    key: str,
    title: str,
    outcome: pd.Series,
    grouping: pd.Series,
    *,
    order: list,
    outcome_label: str,
    grouping_label: str,
    rising: str,
    falling: str,
    pair: str,
) -> CrossTab:
    """Counts of départements by (grouping level, outcome level) and an ordinal test.

    ``order`` lists the grouping levels from lowest to highest. Two levels: Mann-Whitney with
    the rank-biserial correlation; more: Kendall's tau-b (``numeduc.stats.ordinal_association``).
    ``rising``/``falling`` are the French words for a positive/negative association, ``pair``
    names the two variables ("l'utilisation des équipements et le budget par élève"): see
    :func:`numeduc.analysis.wording.crosstab_sentence`.
    """
    frame = pd.DataFrame({"outcome": pd.to_numeric(outcome, errors="coerce"), "group": grouping}).dropna()
    present = [level for level in order if (frame["group"] == level).any()]
    table = pd.crosstab(
        pd.Categorical(frame["group"], categories=order),
        pd.Categorical(frame["outcome"].astype(int), categories=[1, 2, 3, 4]),
        dropna=False,
    )
    table.index = [str(level) for level in order]
    table.columns = [1, 2, 3, 4]
    table.index.name, table.columns.name = grouping_label, outcome_label
    n = len(frame)
    if len(present) < 2 or n < MIN_GROUP:
        result = GroupTestResult("non calculable", math.nan, math.nan, math.nan, "", n)
    else:
        result = ordinal_association(frame["outcome"].to_numpy(), frame["group"].to_list(), order=present)
        if len(present) == 2:
            # Rank-biserial is positive when the first (lowest) group answers higher: flip it so
            # that, as for tau-b, positive means "rises with the grouping".
            result = GroupTestResult(
                result.test,
                result.statistic,
                result.p_value,
                -result.effect_size,
                result.effect_size_name,
                result.n,
                result.df,
            )
    sentence = wording.crosstab_sentence(
        n=result.n,
        p_value=result.p_value,
        effect_size=result.effect_size,
        effect_size_name=result.effect_size_name,
        significant=result.p_value < ALPHA,
        rising=rising,
        falling=falling,
        pair=pair,
    )
    return CrossTab(
        key,
        title,
        outcome_label,
        grouping_label,
        table,
        result.test,
        float(result.statistic),
        float(result.p_value),
        float(result.effect_size),
        result.effect_size_name,
        int(result.n),
        sentence,
    )


def paper_crosstabs(answers: pd.DataFrame, levels: pd.DataFrame) -> list[CrossTab]:
    """The white paper's four cross-tabulations (missing answers dropped, ``n`` says how many)."""
    use = levels.get(10, pd.Series(dtype=float))
    levels_1_4 = [1.0, 2.0, 3.0, 4.0]
    tabs = []
    if "homogeneite_parc" in answers.columns:
        homogeneity = pd.to_numeric(answers["homogeneite_parc"], errors="coerce").reindex(levels.index)
        tabs.append(_paper_cross_tab("homogeneite", use, homogeneity, levels_1_4))
    budget_cols = [
        c
        for c in ("budget_investissement_par_eleve", "budget_fonctionnement_par_eleve")
        if c in answers.columns
    ]
    if budget_cols:
        parts = answers[budget_cols].apply(pd.to_numeric, errors="coerce")
        total = parts.sum(axis=1, min_count=len(budget_cols)).reindex(levels.index)
        bands = total.map(budget_band)
        tabs.append(_paper_cross_tab("budget", use, bands, [label for label, _, _ in BUDGET_BANDS]))
    if 3 in levels.columns:
        tabs.append(_paper_cross_tab("accompagnement", use, levels[3], levels_1_4))
    if 1 in levels.columns and 2 in levels.columns:
        tabs.append(_paper_cross_tab("evaluation", levels[1], levels[2], levels_1_4))
    for tab in tabs:
        tab.table.index = [wording.level_label(x) for x in tab.table.index]
    return tabs


def _paper_cross_tab(key: str, outcome: pd.Series, grouping: pd.Series, order: list) -> CrossTab:
    """:func:`cross_tab` with the white paper's title, labels and words for ``key``."""
    words = wording.PAPER_CROSSTABS[key]
    return cross_tab(
        key,
        words.title,
        outcome,
        grouping,
        order=order,
        outcome_label=words.outcome_label,
        grouping_label=words.grouping_label,
        rising=words.rising,
        falling=words.falling,
        pair=words.pair,
    )


# --------------------------------------------------------------------------- demographics


@dataclass
class DemographicCrossing:
    rho: pd.DataFrame  # factor -> indicator
    p_values: pd.DataFrame
    n: pd.DataFrame
    significant: list[tuple[int, str, float, float, int]]  # (factor, indicator, rho, p, n)
    sentence: str


def demographic_crossing(levels: pd.DataFrame, demo_frame: pd.DataFrame) -> DemographicCrossing:
    """Spearman correlation of each factor with each indicator (pairwise complete)."""
    joined = levels.join(demo_frame, how="left")
    result = correlation(joined, "spearman", constant="keep")
    factors, indicators = list(levels.columns), list(demo_frame.columns)
    rho = result.matrix.loc[factors, indicators]
    pv = result.p_values.loc[factors, indicators]
    counts = result.n.loc[factors, indicators]
    significant = [
        (int(f), ind, float(rho.loc[f, ind]), float(pv.loc[f, ind]), int(counts.loc[f, ind]))
        for f in factors
        for ind in indicators
        if not np.isnan(pv.loc[f, ind]) and pv.loc[f, ind] < ALPHA
    ]
    significant.sort(key=lambda row: row[3])
    total = len(factors) * len(indicators)
    best = significant[0] if significant else None
    sentence = wording.demographic_sentence(total, len(significant), ALPHA * total, best)
    return DemographicCrossing(rho, pv, counts, significant, sentence)


# --------------------------------------------------------------------------- peer groups


@dataclass
class PeerGroupSummary:
    groups: pd.Series  # code -> group (all départements, reference data)
    respondents: pd.Series  # group -> number of respondents
    medians: pd.DataFrame  # group -> factor median; NaN for groups under MIN_GROUP respondents
    hidden_groups: list[int]
    sentence: str
    # Kruskal-Wallis of each factor between the groups of at least MIN_GROUP respondents.
    tests: dict[int, GroupTestResult] = field(default_factory=dict)
    tests_sentence: str = ""


def group_medians(levels: pd.DataFrame, groups: pd.Series) -> tuple[pd.DataFrame, pd.Series, list[int]]:
    """Median of each factor per group, masked for groups with fewer than MIN_GROUP respondents."""
    membership = groups.reindex(levels.index)
    counts = membership.value_counts().reindex(sorted(groups.dropna().unique()), fill_value=0).astype(int)
    medians = levels.groupby(membership).median().reindex(counts.index)
    hidden = [int(g) for g, c in counts.items() if c < MIN_GROUP]
    medians.loc[hidden] = np.nan
    return medians, counts, hidden


def peer_group_summary(levels: pd.DataFrame, groups: pd.Series) -> PeerGroupSummary:
    medians, counts, hidden = group_medians(levels, groups)
    sentence = wording.peer_groups_sentence(list(counts.items()), hidden)
    membership = groups.reindex(levels.index)
    shown = [g for g, c in counts.items() if c >= MIN_GROUP]
    tests: dict[int, GroupTestResult] = {}
    if len(shown) >= 2:
        rows = membership.isin(shown)
        for factor in levels.columns:
            values = levels.loc[rows, factor]
            ok = values.notna()
            if membership[rows][ok].nunique() >= 2:
                tests[int(factor)] = kruskal_wallis(values[ok].to_numpy(), membership[rows][ok].to_list())
    differing = [(f, t.p_value) for f, t in tests.items() if t.p_value < ALPHA]
    n_used = max((t.n for t in tests.values()), default=0)
    tests_sentence = wording.peer_tests_sentence(len(tests), n_used, differing)
    return PeerGroupSummary(groups, counts, medians, hidden, sentence, tests, tests_sentence)


# --------------------------------------------------------------------------- everything


@dataclass
class CampaignAnalysis:
    n: int
    levels: pd.DataFrame  # code -> factor levels (identifying: never shown as such outside coordination)
    demographics: pd.DataFrame
    pca: CampaignPCA
    correlations: FactorCorrelations
    crosstabs: list[CrossTab]
    demographic: DemographicCrossing
    peers: PeerGroupSummary | None
    notes: list[str] = field(default_factory=list)


def analyse_campaign(
    answers: pd.DataFrame, departements: pd.DataFrame, *, peer_groups: pd.Series | None = None, ncp: int = 5
) -> CampaignAnalysis:
    """Every national analysis of a campaign.

    ``answers``: one row per responding département (index: code), columns item ids of the
    autodiagnostic questionnaire. ``departements``: the reference table (index code; columns
    density, poverty_rate, population_growth, share_0_19). ``peer_groups``: code -> group
    (``numeduc.analysis.peers.compute_peer_groups(...).groups``), optional.

    Raises :class:`NotEnoughRespondents` below MIN_GROUP respondents.
    """
    answers = answers.copy()
    answers.index = answers.index.astype(str)
    levels = levels_from_answers(answers)
    levels = levels[levels.notna().any(axis=1)]
    n = len(levels)
    if n < MIN_GROUP:
        raise NotEnoughRespondents(wording.not_enough_respondents(n))
    demo_frame = demographics(departements, levels.index)
    notes = []
    missing_answers = int(levels.isna().to_numpy().sum())
    if missing_answers:
        notes.append(wording.missing_levels_note(missing_answers))
    missing_demo = demo_frame.isna()
    if missing_demo.to_numpy().any():
        cols = [c for c in demo_frame.columns if missing_demo[c].any()]
        notes.append(wording.missing_indicators_note(int(missing_demo.any(axis=1).sum()), cols))
    notes.append(wording.DENSITY_NOTE)
    return CampaignAnalysis(
        n=n,
        levels=levels,
        demographics=demo_frame,
        pca=campaign_pca(levels, demo_frame, ncp=ncp),
        correlations=factor_correlations(levels),
        crosstabs=paper_crosstabs(answers.reindex(levels.index), levels),
        demographic=demographic_crossing(levels, demo_frame),
        peers=peer_group_summary(levels, peer_groups) if peer_groups is not None else None,
        notes=notes,
    )


def key_points(result: CampaignAnalysis, *, group_sizes: list[int], targeted: int | None = None) -> list[str]:
    """The national page's « Ce qu'il faut retenir », from the figures of ``result``: participation
    (``targeted``: départements asked, when known), the highest and lowest national medians
    (ties broken by the mean, then the factor number), the first PCA axis, the peer groups
    (``group_sizes``) and the factors that differ between them."""
    medians = result.levels.median()
    means = result.levels.mean()
    ranked = sorted(
        (float(medians[f]), float(means[f]), -int(f), int(f))
        for f in result.levels.columns
        if not pd.isna(medians[f])
    )
    strongest = (ranked[-1][3], ranked[-1][0]) if ranked else None
    lowest = sorted(ranked, key=lambda r: (r[0], r[1], -r[2]))
    weakest = (lowest[0][3], lowest[0][0]) if lowest else None
    if strongest and weakest and ranked[-1][0] == lowest[0][0]:
        weakest = strongest  # every median equal: no factor stands out
    axis = result.pca.axes[0] if result.pca.axes else None
    first_axis = (
        (axis.percent, [f for f, _c, _x in axis.positive], [f for f, _c, _x in axis.negative])
        if axis
        else None
    )
    differing = (
        sorted(f for f, test in result.peers.tests.items() if test.p_value < ALPHA) if result.peers else []
    )
    return wording.key_points(
        respondents=result.n,
        targeted=targeted,
        strongest=strongest,
        weakest=weakest,
        first_axis=first_axis,
        group_sizes=group_sizes,
        differing_factors=differing,
    )


__all__ = [
    "FACTOR_COUNT",
    "BUDGET_BANDS",
    "DEMOGRAPHIC_INDICATORS",
    "FACTOR_SHORT_LABELS",
    "AxisInterpretation",
    "CampaignAnalysis",
    "CampaignPCA",
    "CrossTab",
    "DemographicCrossing",
    "FactorCorrelations",
    "NotEnoughRespondents",
    "PeerGroupSummary",
    "SignificantPair",
    "analyse_campaign",
    "budget_band",
    "campaign_pca",
    "cross_tab",
    "demographic_crossing",
    "demographics",
    "factor_correlations",
    "fr_p",
    "group_medians",
    "interpret_axis",
    "key_points",
    "levels_from_answers",
    "paper_crosstabs",
    "pearson_p",
    "peer_group_summary",
    "strength_word",
]
