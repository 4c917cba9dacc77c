"""The French wording of a campaign's national analysis (:mod:`numeduc.analysis.campaign`).

Labels, and the plain-French sentences that say what each result shows and how sure we are.
Plain values in, strings out: every number and every decision (significant or not, which pair
is the clearest) is computed in ``campaign.py``, which calls these functions to fill the
``sentence`` of its results. This module imports nothing from ``campaign.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from numeduc.analysis.profile import MIN_GROUP
from numeduc.formatting import fr_number, fr_percent
from numeduc.questionnaires import load_questionnaire
from numeduc.text import fr_join

# Short labels for charts (the questionnaire's full labels are sentences): the self-diagnosis
# questionnaire's ``short_label`` of each factor item, by factor number.
FACTOR_SHORT_LABELS = {
    item.factor: item.short_label for item in load_questionnaire("autodiagnostic").factor_items()
}

# Demographic indicators crossed with the answers (column of ``departements`` -> label).
DEMOGRAPHIC_INDICATORS = {
    "poverty_rate": "Taux de pauvreté",
    "log_density": "Densité (log)",
    "population_growth": "Évolution de la population",
    "share_0_19": "Part des 0-19 ans",
}

DENSITY_NOTE = (
    "La densité est prise en logarithme (Paris compte plus de 20 000 habitants au km², la Lozère 15) ; "
    "les corrélations de Spearman, fondées sur les rangs, n'en dépendent pas."
)


@dataclass(frozen=True)
class CrossTabWording:
    """What a cross-tabulation is called, and the French words for its associations:
    ``rising``/``falling`` for a positive/negative one, ``pair`` names the two variables."""

    title: str
    outcome_label: str
    grouping_label: str
    rising: str
    falling: str
    pair: str


# The white paper's four cross-tabulations, by key.
PAPER_CROSSTABS = {
    "homogeneite": CrossTabWording(
        title="Utilisation des équipements selon l'homogénéité du parc",
        outcome_label="Utilisation des équipements (niveau)",
        grouping_label="Homogénéité du parc (niveau)",
        rising="l'utilisation des équipements augmente avec l'homogénéité du parc",
        falling="l'utilisation des équipements est plus forte là où le parc est moins homogène",
        pair="l'utilisation des équipements et l'homogénéité du parc",
    ),
    "budget": CrossTabWording(
        title="Utilisation des équipements selon le budget par élève",
        outcome_label="Utilisation des équipements (niveau)",
        grouping_label="Budget par élève et par an (investissement + fonctionnement)",
        rising="l'utilisation des équipements augmente avec le budget par élève",
        falling="l'utilisation des équipements baisse quand le budget par élève augmente",
        pair="l'utilisation des équipements et le budget par élève",
    ),
    "accompagnement": CrossTabWording(
        title="Utilisation des équipements selon l'accompagnement des utilisateurs",
        outcome_label="Utilisation des équipements (niveau)",
        grouping_label="Accompagnement des utilisateurs (niveau)",
        rising="l'utilisation des équipements est plus forte là où l'accompagnement des utilisateurs l'est",
        falling=(
            "l'utilisation des équipements est plus faible là où l'accompagnement des utilisateurs est fort"
        ),
        pair="l'utilisation des équipements et l'accompagnement des utilisateurs",
    ),
    "evaluation": CrossTabWording(
        title="Maturité perçue selon l'effort d'évaluation et de suivi",
        outcome_label="Maturité des équipes (niveau)",
        grouping_label="Évaluation et suivi (niveau)",
        rising="la maturité perçue augmente avec l'effort d'évaluation et de suivi",
        falling="la maturité perçue baisse quand l'effort d'évaluation et de suivi augmente",
        pair="la maturité perçue et l'effort d'évaluation et de suivi",
    ),
}


# --------------------------------------------------------------------------- words


def factor_label(factor: int) -> str:
    return FACTOR_SHORT_LABELS.get(int(factor), f"Facteur {factor}")


def _lower_first(text: str) -> str:
    """Lower-case the first letter only ("Coopération avec l'État" keeps its capital É)."""
    return text[:1].lower() + text[1:]


def fr_p(p: float) -> str:
    """p-value in French: ``p < 0,001`` or ``p = 0,034``."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p non calculable"
    if p < 0.001:
        return "p < 0,001"
    return f"p = {fr_number(p, 3)}"


def strength_word(effect: float) -> str:
    """Words for the size of a correlation-like effect (|r|): conventional thresholds."""
    size = abs(effect)
    if size < 0.1:
        return "négligeable"
    if size < 0.3:
        return "faible"
    if size < 0.5:
        return "modéré"
    return "fort"


def level_label(value: str) -> str:
    """A cross-table row: ``"3.0"`` -> ``"niveau 3"``; a budget band keeps its label."""
    try:
        return f"niveau {int(float(value))}"
    except ValueError:
        return value


# --------------------------------------------------------------------------- sentences


def axis_sentence(number: int, percent: float, positive: list[int], negative: list[int]) -> str:
    """What a PCA axis opposes or groups: ``positive``/``negative`` are the factors contributing
    above the average on each side."""
    pos_words = fr_join([_lower_first(factor_label(f)) for f in positive])
    neg_words = fr_join([_lower_first(factor_label(f)) for f in negative])
    head = f"L'axe {number} ({fr_percent(percent)} de l'inertie)"
    if positive and negative:
        return (
            f"{head} oppose les départements bien placés en {pos_words} (côté positif) "
            f"à ceux bien placés en {neg_words} (côté négatif)."
        )
    if positive or negative:
        words = pos_words or neg_words
        side = "positif" if positive else "négatif"
        return (
            f"{head} regroupe {words} : plus un département est du côté {side}, "
            f"plus ses niveaux y sont élevés."
        )
    return f"{head} ne se rattache nettement à aucun facteur."


def pca_sentence(n: int, first_two: float) -> str:
    """The PCA over ``n`` départements, its first two axes summing ``first_two`` % of the inertia."""
    return (
        f"Analyse en composantes principales des 13 facteurs sur {n} départements : "
        f"les deux premiers axes résument {fr_percent(first_two)} de la variabilité des réponses"
        + (
            " (au-delà de 50 %, la carte factorielle en donne une bonne image)."
            if first_two >= 50
            else " (moins de la moitié : la carte factorielle n'en donne qu'une image partielle)."
        )
    )


def correlations_sentence(
    n_total: int,
    n_pairs: int,
    n_significant: int,
    expected: float,
    best: tuple[int, int, float, float] | None,
) -> str:
    """Spearman correlations between factors: ``best`` is the clearest significant pair
    (factor a, factor b, rho, p), None when no pair is significant."""
    if best is not None:
        a, b, rho, p = best
        return (
            f"Corrélations de Spearman (rangs, adaptées à des niveaux de 1 à 4) sur {n_total} départements : "
            f"{n_significant} paires sur {n_pairs} sont significatives au seuil de 5 % "
            f"(le hasard seul en produirait environ {fr_number(expected, 0)}) ; la plus nette relie "
            f"{_lower_first(factor_label(a))} et {_lower_first(factor_label(b))} "
            f"(rho = {fr_number(rho, 2)}, {fr_p(p)})."
        )
    return (
        f"Corrélations de Spearman sur {n_total} départements : aucune des {n_pairs} paires n'est "
        "significative au seuil de 5 %."
    )


def crosstab_sentence(
    *,
    n: int,
    p_value: float,
    effect_size: float,
    effect_size_name: str,
    significant: bool,
    rising: str,
    falling: str,
    pair: str,
) -> str:
    """The ordinal test of a cross-table (``p_value`` NaN when it could not be computed)."""
    if math.isnan(p_value):
        return (
            f"Test non calculable sur {n} départements (il faut au moins {MIN_GROUP} réponses "
            "réparties dans au moins deux groupes)."
        )
    stats_text = f"{effect_size_name} = {fr_number(effect_size, 2)}, {fr_p(p_value)}, n = {n}"
    if not significant:
        return (
            f"Pas de lien démontré entre {pair} sur ces {n} départements ({stats_text} : non significatif)."
        )
    direction = rising if effect_size > 0 else falling
    return (
        f"{direction[0].upper()}{direction[1:]} : lien {strength_word(effect_size)} et significatif "
        f"au seuil de 5 % ({stats_text}) ; une association, pas une preuve de cause."
    )


def demographic_sentence(
    total: int,
    n_significant: int,
    expected: float,
    best: tuple[int, str, float, float, int] | None,
) -> str:
    """Links between factors and indicators: ``best`` is the clearest significant one
    (factor, indicator, rho, p, n), None when none is significant."""
    if best is not None:
        f, ind, r, p, n = best
        return (
            f"{n_significant} liens sur {total} entre facteurs et indicateurs de l'Insee sont significatifs "
            f"au seuil de 5 % (le hasard seul en produirait environ {fr_number(expected, 0)}) ; le plus net : "
            f"{_lower_first(factor_label(f))} et {DEMOGRAPHIC_INDICATORS.get(ind, ind).lower()} "
            f"(rho = {fr_number(r, 2)}, {fr_p(p)}, n = {n})."
        )
    return (
        f"Aucun des {total} liens entre facteurs et indicateurs de l'Insee "
        "n'est significatif au seuil de 5 %."
    )


def peer_groups_sentence(counts: list[tuple[int, int]], hidden: list[int]) -> str:
    """Respondents per peer group (``counts``: (group, respondents)), and the groups whose
    medians are hidden."""
    parts = ", ".join(f"groupe {g} : {c}" for g, c in counts)
    sentence = f"Répondants par groupe de pairs ({parts})."
    if hidden:
        sentence += (
            f" Les médianes des groupes de moins de {MIN_GROUP} répondants "
            f"({fr_join([f'groupe {g}' for g in hidden])}) ne sont pas montrées : "
            "elles pourraient révéler des réponses."
        )
    return sentence


def peer_tests_sentence(n_tests: int, n_used: int, differing: list[tuple[int, float]]) -> str:
    """Kruskal-Wallis tests between peer groups: ``n_tests`` factors tested over ``n_used``
    départements, ``differing`` the (factor, p) that differ significantly."""
    if not n_tests:
        return f"Moins de deux groupes comptent {MIN_GROUP} répondants : pas de comparaison entre groupes."
    if differing:
        words = fr_join([f"{_lower_first(factor_label(f))} ({fr_p(p)})" for f, p in differing])
        return (
            f"Test de Kruskal-Wallis entre les groupes d'au moins {MIN_GROUP} répondants ({n_used} départements) : "
            f"les niveaux diffèrent significativement pour {words} ; pour les {n_tests - len(differing)} autres "
            "facteurs, différence non significative."
        )
    return (
        f"Test de Kruskal-Wallis entre les groupes d'au moins {MIN_GROUP} répondants ({n_used} départements) : "
        "aucune différence significative entre groupes, sur aucun facteur."
    )


def moved_after_cut_note(names: list[str]) -> str:
    """The départements (``names``, e.g. « Jura (39) ») that the consolidation after the tree cut
    moved to another group: the dendrogram draws them in their final group, with a ring."""
    if not names:
        return ""
    n = len(names)
    plural = "s" if n > 1 else ""
    return (
        f"{n} département{plural} rattaché{plural} au groupe le plus proche après la coupure de l'arbre : "
        f"{fr_join(names)}. L'arbre les plaçait dans un autre groupe, mais chacun ressemble davantage, "
        "en moyenne, aux départements de son groupe final ; le dendrogramme les montre avec la couleur de ce "
        "groupe, cerclés."
    )


def _level_words(median: float) -> str:
    return f"niveau médian {fr_number(median, 0 if float(median).is_integer() else 1)} sur 4"


def key_points(
    *,
    respondents: int,
    targeted: int | None,
    strongest: tuple[int, float] | None,
    weakest: tuple[int, float] | None,
    first_axis: tuple[float, list[int], list[int]] | None,
    group_sizes: list[int],
    differing_factors: list[int],
) -> list[str]:
    """« Ce qu'il faut retenir »: four or five plain sentences, every figure given by the caller.

    ``strongest``/``weakest``: (factor, national median) of the highest and lowest medians (None,
    or the same factor, when every factor has the same median); ``first_axis``: (percent of the
    differences it sums up, factors above the average contribution on its positive side, on its
    negative side); ``group_sizes``: départements in each peer group; ``differing_factors``: the
    factors whose levels differ significantly between the peer groups."""
    points = []
    if targeted:
        share = fr_percent(100 * respondents / targeted)
        points.append(
            f"{respondents} départements sur les {targeted} interrogés ont transmis leur réponse ({share}) : "
            "les constats ci-dessous valent pour eux, pas pour ceux qui n'ont pas répondu."
        )
    else:
        points.append(f"{respondents} départements ont transmis leur réponse.")
    if strongest and weakest and strongest[0] != weakest[0]:
        points.append(
            f"Les départements se disent les plus avancés en {_lower_first(factor_label(strongest[0]))} "
            f"({_level_words(strongest[1])}) et les moins avancés en {_lower_first(factor_label(weakest[0]))} "
            f"({_level_words(weakest[1])})."
        )
    elif strongest:
        points.append(f"Tous les facteurs ont le même {_level_words(strongest[1])} : aucun ne se détache.")
    if first_axis is not None:
        percent, positive, negative = first_axis
        head = f"La principale différence entre les réponses ({fr_percent(percent)} des écarts entre départements)"
        pos = fr_join([_lower_first(factor_label(f)) for f in positive])
        neg = fr_join([_lower_first(factor_label(f)) for f in negative])
        if positive and negative:
            points.append(f"{head} oppose les départements avancés en {pos} à ceux avancés en {neg}.")
        elif positive or negative:
            points.append(
                f"{head} est un niveau d'ensemble : les départements avancés en {pos or neg} le sont "
                "souvent sur tous ces points à la fois."
            )
    if group_sizes:
        sizes = fr_join([str(n) for n in group_sizes])
        groups = (
            f"Les départements sont répartis en {len(group_sizes)} groupes de pairs aux caractéristiques "
            f"démographiques proches ({sizes} départements)"
        )
        if differing_factors:
            words = fr_join([_lower_first(factor_label(f)) for f in differing_factors])
            points.append(f"{groups} ; leurs niveaux diffèrent nettement d'un groupe à l'autre pour {words}.")
        else:
            points.append(f"{groups} ; aucun facteur ne diffère nettement d'un groupe à l'autre.")
    return points


def not_enough_respondents(n: int) -> str:
    return (
        f"{n} département(s) ont répondu : il en faut au moins {MIN_GROUP} pour une analyse nationale "
        "sans risque de révéler une réponse."
    )


def missing_levels_note(missing: int) -> str:
    return (
        f"{missing} niveau(x) manquant(s) : remplacés par la moyenne du facteur pour "
        "l'analyse en composantes principales, laissés de côté pour les corrélations et les tests."
    )


def missing_indicators_note(n_departements: int, indicators: list[str]) -> str:
    """``indicators``: columns of the demographics (``DEMOGRAPHIC_INDICATORS`` keys) with a gap."""
    cols = [DEMOGRAPHIC_INDICATORS[c].lower() for c in indicators]
    return (
        f"Indicateur Insee non publié pour {n_departements} département(s) "
        f"({', '.join(cols)}) : remplacé par la moyenne pour l'ACP (variables supplémentaires), "
        "laissé de côté pour les corrélations."
    )


__all__ = [
    "DEMOGRAPHIC_INDICATORS",
    "DENSITY_NOTE",
    "FACTOR_SHORT_LABELS",
    "PAPER_CROSSTABS",
    "CrossTabWording",
    "axis_sentence",
    "correlations_sentence",
    "crosstab_sentence",
    "demographic_sentence",
    "factor_label",
    "fr_p",
    "key_points",
    "level_label",
    "missing_indicators_note",
    "missing_levels_note",
    "moved_after_cut_note",
    "not_enough_respondents",
    "pca_sentence",
    "peer_groups_sentence",
    "peer_tests_sentence",
    "strength_word",
]
