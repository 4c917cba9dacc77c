"""What the national page's templates receive: the map choices, and the sections (chart, French
sentence, data table) built from a campaign's analysis and the peer groups. No request, no query."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.safestring import mark_safe

from numeduc import reference
from numeduc.analysis import campaign as analysis
from numeduc.analysis import wording
from numeduc.analysis.peers import summary_words
from numeduc.analysis.profile import MIN_GROUP
from numeduc.charts import (
    Point,
    Series,
    bar,
    category_colours,
    choropleth,
    correlation_circle,
    dendrogram,
    heatmap,
    scatter,
    scree,
)
from numeduc.formatting import fr_number, fr_percent
from numeduc.text import fr_join

# Map choices: GET parameter ``carte``.

INDICATOR_CHOICES = {
    "pauvrete": "poverty_rate",
    "densite": "density",
    "croissance": "population_growth",
    "jeunes": "share_0_19",
}
FACTOR_PREFIX = "facteur-"
# Short name of the grouping of each cross-tab, for the bars' categories.
CROSSTAB_GROUP_SHORT = {
    "homogeneite": "Homogénéité du parc",
    "accompagnement": "Accompagnement",
    "evaluation": "Évaluation et suivi",
}
# Column headers of the factors x indicators heatmap (rotated: must stay short).
SHORT_INDICATORS = {
    "poverty_rate": "Pauvreté",
    "log_density": "Densité (log)",
    "population_growth": "Croissance",
    "share_0_19": "Part 0-19 ans",
}


def map_choices() -> list[tuple[str, str]]:
    choices = [("groupes", "Groupes de pairs")]
    choices += [
        (f"{FACTOR_PREFIX}{f}", f"Facteur {f} : {label}") for f, label in wording.FACTOR_SHORT_LABELS.items()
    ]
    choices += [(key, reference.INDICATOR_LABELS[column][0]) for key, column in INDICATOR_CHOICES.items()]
    return choices


class MapChoiceError(ValueError):
    pass


def parse_map_choice(value: str | None) -> tuple[str, object]:
    """``carte`` -> ("groupes", None) | ("facteur", n) | ("indicateur", column); clear French error."""
    value = (value or "groupes").strip()
    if value == "groupes":
        return "groupes", None
    if value.startswith(FACTOR_PREFIX):
        number = value[len(FACTOR_PREFIX) :]
        if number.isdigit() and int(number) in wording.FACTOR_SHORT_LABELS:
            return "facteur", int(number)
        raise MapChoiceError(
            f"Facteur inconnu : « {number} ». Les facteurs sont numérotés de 1 à {analysis.FACTOR_COUNT} "
            f"(par exemple carte={FACTOR_PREFIX}10)."
        )
    if value in INDICATOR_CHOICES:
        return "indicateur", INDICATOR_CHOICES[value]
    raise MapChoiceError(
        f"Carte inconnue : « {value} ». Choix possibles : groupes, {FACTOR_PREFIX}1 à "
        f"{FACTOR_PREFIX}{analysis.FACTOR_COUNT}, " + ", ".join(INDICATOR_CHOICES) + "."
    )


@dataclass
class Section:
    """One chart with its single reading sentence."""

    id: str
    title: str
    sentence: str
    figure: str
    note: str = ""  # a plain-words warning shown under the reading sentence


def _figure(chart) -> str:
    return mark_safe(chart.figure_html())


def factor_name(factor: int) -> str:
    return f"F{factor} {wording.FACTOR_SHORT_LABELS[int(factor)]}"


def pca_sections(result: analysis.CampaignAnalysis, peers, demo: bool, coordinator: bool) -> list[Section]:
    p = result.pca
    sections = [
        Section(
            "eboulis",
            "Éboulis des valeurs propres",
            p.sentence,
            _figure(
                scree(
                    p.eigenvalues["eigenvalue"].tolist(),
                    title="Éboulis des valeurs propres (ACP des 13 facteurs)",
                    description=p.sentence,
                    reference_line=1.0,
                    reference_label="valeur propre 1",
                    id_prefix="scree",
                    demo=demo,
                )
            ),
        )
    ]
    if "Dim.2" not in p.var_coord.columns:
        # Answers that vary along a single direction (e.g. every département gave one level to
        # all factors): the PCA keeps one axis, and the circle and the map need two.
        sections.append(
            Section(
                "cercle",
                "Cercle des corrélations",
                "Les réponses ne varient que dans une seule direction (un seul axe a de l'inertie) : le cercle des "
                "corrélations et la carte des départements, qui demandent deux axes, ne sont pas tracés.",
                "",
            )
        )
        return sections
    coords = {
        factor_name(f): (p.var_coord.loc[f, "Dim.1"], p.var_coord.loc[f, "Dim.2"]) for f in p.var_coord.index
    }
    sup = {
        wording.DEMOGRAPHIC_INDICATORS[i]: (p.supplementary.loc[i, "Dim.1"], p.supplementary.loc[i, "Dim.2"])
        for i in p.supplementary.index
    }
    # The strongest link between an INSEE indicator and the first two axes, with its p-value.
    best = p.supplementary[["Dim.1", "Dim.2"]].abs().stack().idxmax()
    r = p.supplementary.loc[best]
    pv = p.supplementary_p.loc[best]
    linked = pv < analysis.ALPHA
    circle_sentence = (
        f"Flèches pleines : les 13 facteurs, d'autant mieux représentés que la flèche est longue ; en tirets, les "
        f"indicateurs de l'Insee, qui ne servent pas à construire les axes. Le plus lié aux deux premiers axes est "
        f"{wording.DEMOGRAPHIC_INDICATORS[best[0]].lower()} (axe {best[1][-1]}, r = {fr_number(r, 2)}, "
        f"{wording.fr_p(pv)}, n = {p.n} : "
        + (f"lien {wording.strength_word(r)}, significatif)." if linked else "non significatif).")
    )
    dims = (f"Axe 1 ({fr_percent(p.axes[0].percent)})", f"Axe 2 ({fr_percent(p.axes[1].percent)})")
    sections.append(
        Section(
            "cercle",
            "Cercle des corrélations",
            circle_sentence,
            _figure(
                correlation_circle(
                    coords,
                    supplementary=sup,
                    dim_labels=dims,
                    title="Cercle des corrélations des 13 facteurs (axes 1 et 2)",
                    description=circle_sentence,
                    id_prefix="circle",
                    demo=demo,
                )
            ),
        )
    )
    if coordinator:
        groups = peers.groups if peers is not None else pd.Series(dtype=int)
        points = [
            Point(
                code,
                row["Dim.1"],
                row["Dim.2"],
                group_label(groups[code]) if code in groups.index else "sans groupe",
            )
            for code, row in p.ind_coord.iterrows()
        ]
        sentence = (
            f"Position des {p.n} départements répondants sur les deux premiers axes "
            f"({fr_percent(p.axes[0].percent + p.axes[1].percent)} de la variabilité), "
            "couleur selon le groupe de pairs : "
            "deux départements proches ont répondu de façon semblable."
        )
        sections.append(
            Section(
                "individus",
                "Carte des départements (réservée à la coordination)",
                sentence,
                _figure(
                    scatter(
                        points,
                        x_label=dims[0],
                        y_label=dims[1],
                        title="Carte factorielle des départements répondants",
                        description=sentence,
                        id_prefix="ind",
                        demo=demo,
                        label_header="Département",
                        group_header="Groupe de pairs",
                        colours=peer_group_colours(peers) if peers is not None else None,
                    )
                ),
            )
        )
    return sections


def correlation_sections(result: analysis.CampaignAnalysis, demo: bool) -> list[Section]:
    corr = result.correlations
    names = [factor_name(f) for f in corr.matrix.index]
    matrix = corr.matrix.copy()
    matrix.index = names
    matrix.columns = [f"F{f}" for f in corr.matrix.columns]
    significant = (corr.p_values < analysis.ALPHA).to_numpy().copy()
    np.fill_diagonal(significant, False)
    mark = pd.DataFrame(significant, index=matrix.index, columns=matrix.columns)
    sections = [
        Section(
            "correlations",
            "Corrélations entre facteurs",
            corr.sentence,
            _figure(
                heatmap(
                    matrix,
                    mark=mark,
                    title="Corrélations de Spearman entre les 13 facteurs",
                    description=corr.sentence,
                    id_prefix="corr",
                    demo=demo,
                    corner_header="Facteur",
                )
            ),
        )
    ]
    dem = result.demographic
    rho = dem.rho.copy()
    rho.index = [factor_name(f) for f in rho.index]
    rho.columns = [SHORT_INDICATORS[c] for c in rho.columns]
    dmark = dem.p_values < analysis.ALPHA
    dmark.index, dmark.columns = rho.index, rho.columns
    sections.append(
        Section(
            "demographie",
            "Facteurs et indicateurs de l'Insee",
            dem.sentence,
            _figure(
                heatmap(
                    rho,
                    mark=dmark,
                    title="Corrélations de Spearman entre facteurs et indicateurs de l'Insee",
                    description=dem.sentence,
                    id_prefix="demo-corr",
                    demo=demo,
                    corner_header="Facteur",
                    source="Insee : recensement 2014, estimations de population 2005 et 2015, Filosofi 2013",
                )
            ),
        )
    )
    return sections


def crosstab_sections(result: analysis.CampaignAnalysis, demo: bool) -> list[Section]:
    sections = []
    for tab in result.crosstabs:
        series = [
            Series(f"niveau {level}", [float(v) for v in tab.table[level].tolist()])
            for level in tab.table.columns
        ]
        short = CROSSTAB_GROUP_SHORT.get(tab.key)
        categories = [f"{short} : {label}" if short else label for label in tab.table.index]
        chart = bar(
            categories,
            series,
            stacked=True,
            title=f"{tab.title} : nombre de départements par niveau d'{tab.outcome_label.split(' (')[0].lower()}"
            if tab.outcome_label.startswith("Utilisation")
            else f"{tab.title} : nombre de départements par niveau de maturité",
            description=tab.sentence,
            id_prefix=f"tab-{tab.key}",
            demo=demo,
            value_format=lambda v: fr_number(v, 0),
            axis_label="Nombre de départements",
            category_header=tab.grouping_label,
        )
        sections.append(Section(f"croisement-{tab.key}", tab.title, tab.sentence, _figure(chart)))
    return sections


def peer_group_rows(peers, summary: analysis.PeerGroupSummary | None) -> list[dict]:
    """The group table: each group's portrait, size (the size the tree and the map give), its
    respondents and, per indicator, the median and range of its départements."""
    respondents = summary.respondents if summary is not None else pd.Series(dtype=int)
    return [
        {
            "group": group,
            "portrait": peers.portraits.get(group, ""),
            "members": size,
            "respondents": int(respondents.get(group, 0)),
            "indicators": [
                summary_words(peers.group_summaries.get(group, {}).get(column))
                for column in reference.PEER_INDICATORS
            ],
        }
        for group, size in peers.sizes().items()
    ]


def peer_indicator_headers() -> list[str]:
    return [
        f"{label} ({unit})"
        for label, unit, _source in (reference.INDICATOR_LABELS[c] for c in reference.PEER_INDICATORS)
    ]


def group_label(group) -> str:
    return f"groupe {group}"


def peer_group_colours(peers) -> dict[str, str]:
    """Colour of each peer group, the one mapping the dendrogram, the map of the groups and the
    factor map of individuals all use (groups in numeric order)."""
    return category_colours([group_label(g) for g in sorted(peers.groups.unique())])


def _departement_name(deps: pd.DataFrame, code: str) -> str:
    return f"{deps.loc[code, 'name']} ({code})" if code in deps.index else code


def dendrogram_section(peers) -> Section:
    """The tree of the peer groups. Its leaves are coloured by their *final* group and the legend
    counts every département of each group (Paris, computed apart, included), so the tree, the
    group table and the map show the same groups with the same sizes and colours; the
    départements the consolidation moved after the cut are ringed and named in the note."""
    from numeduc.stats.hclust import r_merge

    deps = reference.departements()

    res = peers.result.hcpc_result
    merge, _ = r_merge(res.tree_ia, res.tree_ib)
    heights = np.sort(res.inert_gain[: len(res.sorted_labels) - 1])
    n, k = len(res.sorted_labels), res.n_clusters
    cut = float((heights[n - k] + heights[n - k - 1]) / 2)
    labels = [str(x) for x in res.sorted_labels]
    moved = set(peers.moved)
    sizes = peers.sizes()
    outliers = fr_join([_departement_name(deps, c) for c in peers.outliers])
    sentence = (
        f"Classification de Ward des {n} départements sur les quatre indicateurs de l'Insee : la règle du gain "
        f"d'inertie coupe l'arbre en {k} groupes (ligne en tirets) ; couleurs : les groupes finals, les mêmes "
        "que sur la carte et dans le tableau"
        + (f" ; {outliers}, atypique, est calculé à part puis rattaché." if outliers else ".")
    )
    return Section(
        "dendrogramme",
        "Dendrogramme des groupes de pairs",
        sentence,
        _figure(
            dendrogram(
                merge,
                heights.tolist(),
                labels,
                cut_height=cut,
                groups=[group_label(peers.groups[code]) for code in labels],
                colours=peer_group_colours(peers),
                group_sizes={group_label(g): size for g, size in sizes.items()},
                marked=[i for i, code in enumerate(labels) if code in moved],
                marked_label="rattaché après la coupure",
                title="Classification des départements en groupes de pairs",
                description=sentence,
                id_prefix="dendro",
                height_label="Gain d'inertie",
                label_header="Département",
            )
        ),
        note=wording.moved_after_cut_note([_departement_name(deps, c) for c in peers.moved]),
    )


def map_section(
    choice: tuple[str, object], result: analysis.CampaignAnalysis, peers, demo: bool, coordinator: bool
) -> Section:
    kind, what = choice
    deps = reference.departements()
    if kind == "groupes":
        values = {code: group_label(g) for code, g in peers.groups.items()}
        colours = peer_group_colours(peers)
        cats = list(colours)
        sentence = (
            f"Les {len(values)} départements colorés selon leur groupe de pairs ({len(cats)} groupes, "
            "classification de Ward sur quatre indicateurs de l'Insee) : données publiques, sans réponse individuelle."
        )
        chart = choropleth(
            None,
            values,
            categorical=True,
            categories=cats,
            colours=colours,
            legend_title="Groupe de pairs",
            title="Groupes de pairs des départements",
            description=sentence,
            id_prefix="map",
            source="Insee 2013-2015, classification numeduc",
            value_header="Groupe",
        )
        return Section("carte", "Carte de France", sentence, _figure(chart))
    if kind == "indicateur":
        label, unit, source = reference.INDICATOR_LABELS[what]
        values = {code: (None if pd.isna(v) else float(v)) for code, v in deps[what].items()}
        known = sum(v is not None for v in values.values())
        sentence = (
            f"{label} des {known} départements où l'Insee la publie (en classes de même effectif) ; "
            "les départements hachurés n'ont pas de valeur publiée."
        )
        chart = choropleth(
            None,
            values,
            classes=5,
            unit=unit,
            legend_title=f"{label} ({unit})",
            source=source,
            title=f"{label} par département",
            description=sentence,
            id_prefix="map",
            value_format=lambda v: fr_number(v, 1),
            value_header=label,
        )
        return Section("carte", "Carte de France", sentence, _figure(chart))
    factor = int(what)
    name = wording.FACTOR_SHORT_LABELS[factor]
    levels = result.levels.get(factor, pd.Series(dtype=float)).dropna()
    if coordinator:
        values = {code: f"niveau {int(v)}" for code, v in levels.items()}
        sentence = (
            f"Niveau déclaré en « {name.lower()} » par chacun des {len(values)} départements répondants "
            "(carte réservée à la coordination : elle montre des réponses individuelles) ; hachuré : pas de réponse."
        )
        title = f"{name} : niveau de chaque département répondant"
    else:
        medians, _counts, _hidden = analysis.group_medians(result.levels, peers.groups)
        values = {}
        for code, group in peers.groups.items():
            median = medians.loc[group, factor] if group in medians.index else math.nan
            if not pd.isna(median):
                values[code] = f"médiane {fr_number(median, 1 if median % 1 else 0)}"
        sentence = (
            f"Médiane du niveau en « {name.lower()} » dans le groupe de pairs de chaque département "
            f"(groupes d'au moins {MIN_GROUP} répondants seulement, pour ne révéler aucune réponse) ; "
            "hachuré : groupe trop petit."
        )
        title = f"{name} : médiane par groupe de pairs"
    cats = sorted(set(values.values()))
    chart = choropleth(
        None,
        values,
        categorical=True,
        categories=cats,
        legend_title=name,
        title=title,
        description=sentence,
        id_prefix="map",
        demo=demo,
        value_header="Niveau",
    )
    return Section("carte", "Carte de France", sentence, _figure(chart))
