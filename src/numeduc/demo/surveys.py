"""Synthetic answers to the three-question survey (2016) and to the DAN questionnaire (2017).

Three-question survey: 45 respondents, 43 of whom give a budget (the white paper's counts),
budgets per pupil in the paper's four bands by quota (4 / 19 / 11 / 9 of 43 = 9.3 / 44.2 /
25.6 / 20.9 %).  A département's band follows the same seeded budget profile as in the
self-diagnosis demo, so the two data sets tell a consistent story.

DAN questionnaire: 25 académies answer (the paper's percentages are exact fractions of 25:
84 % = 21, 88 % = 22, 56 % = 14); obstacles ranked budget first, then maintenance, then
internal networks and internet access.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from numeduc.demo.selfdiag import (
    DEFAULT_SEED,
    DEMO_PREFIX,
    _budget_amount,
    _codes,
    _demographics,
    _profiles,
    _select_respondents,
    assign_budget_bands,
    college_counts,
)

PROSPECTIVE_SENTENCES = (
    "Nous voulons raccorder tous les collèges au très haut débit d'ici trois ans.",
    "La priorité sera la maintenance du parc existant plutôt que de nouveaux achats.",
    "Nous étudions l'usage des appareils personnels des élèves dans quelques collèges pilotes.",
    "Le déploiement des classes mobiles se poursuivra par vagues annuelles.",
    "Nous souhaitons mesurer les usages avant de décider de nouveaux équipements.",
    "L'ENT doit devenir le point d'entrée unique des familles et des élèves.",
    "La mutualisation avec les départements voisins est envisagée pour l'assistance.",
    "Nous attendons une clarification du partage des rôles avec l'État avant d'investir davantage.",
)
STRATEGIC_SENTENCES = (
    "Un comité commun avec l'académie se réunit désormais chaque trimestre.",
    "Des principaux de collège participent aux choix d'équipement.",
    "Nous organisons des ateliers avec les enseignants avant chaque déploiement.",
    "Un appel à projets permet aux collèges de proposer leurs propres usages.",
    "Nous associons les associations de parents aux réflexions sur les appareils personnels.",
    "Des échanges réguliers avec les entreprises du territoire sont à l'étude.",
    "Nous partageons nos marchés d'équipement avec la région pour les cités scolaires.",
)
DAN_COMMENTS = (
    "les échanges avec les services départementaux sont réguliers et constructifs.",
    "les calendriers de livraison et de formation gagneraient à être mieux coordonnés.",
    "nous aimerions être associés plus tôt aux choix d'équipement.",
    "la maintenance des équipements reste le point sensible dans les collèges.",
    "une instance de pilotage commune a été créée cette année.",
)


def _demo_text(sentences: tuple[str, ...], rng: np.random.Generator) -> str:
    count = int(rng.integers(1, 4))
    picked = rng.choice(len(sentences), size=count, replace=False)
    return f"{DEMO_PREFIX} " + " ".join(sentences[i] for i in sorted(picked))


def generate_survey_answers(
    departements: pd.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    n_respondents: int = 45,
    n_with_budget: int = 43,
    colleges: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Synthetic answers to ``enquete-trois-questions/2016``, indexed by département code.

    Columns: ``prospective``, ``strategique`` (demo texts starting with "[démo]"),
    ``budget_investissement_2016``, ``budget_fonctionnement_2016`` (euros, rounded to 100 €,
    missing for the respondents who gave no budget) and ``nombre_collegiens_2016`` (public
    collège pupils from the reference data).  The respondents include the 8 sample départements
    and every respondent of the default self-diagnosis campaign with the same seed.
    """
    if not 0 <= n_with_budget <= n_respondents:
        raise ValueError("n_with_budget doit être compris entre 0 et n_respondents")
    codes = _codes(departements)
    demo = _demographics(departements, codes)
    profiles = _profiles(codes, demo, seed)
    counts = college_counts(departements, colleges)
    respondents = _select_respondents(codes, profiles, n_respondents)
    rng = np.random.default_rng([seed, 2016, 3])

    # Who gave no budget: never one of the 8 sample départements (the paper has their figures).
    eligible = [code for code in respondents if code not in _sample_codes(codes)]
    n_without = n_respondents - n_with_budget
    without = (
        set(rng.choice(eligible, size=min(n_without, len(eligible)), replace=False)) if n_without else set()
    )
    with_budget = [code for code in respondents if code not in without]
    scores = profiles.loc[with_budget, "budget_score"] + rng.normal(0, 0.15, len(with_budget))
    bands = assign_budget_bands(scores)

    rows = []
    for code in respondents:
        pupils = int(counts.at[code, "nombre_collegiens"])
        row = {
            "prospective": _demo_text(PROSPECTIVE_SENTENCES, rng),
            "strategique": _demo_text(STRATEGIC_SENTENCES, rng),
            "budget_investissement_2016": np.nan,
            "budget_fonctionnement_2016": np.nan,
            "nombre_collegiens_2016": pupils,
        }
        if code in bands.index:
            per_pupil = _budget_amount(int(bands[code]), float(profiles.at[code, "budget_position"]))
            total = per_pupil * pupils
            investment = round(total * float(profiles.at[code, "investment_share"]), -2)
            row["budget_investissement_2016"] = float(investment)
            row["budget_fonctionnement_2016"] = float(round(total - investment, -2))
        rows.append(row)
    frame = pd.DataFrame(rows, index=pd.Index(respondents, name="code"))
    frame["nombre_collegiens_2016"] = frame["nombre_collegiens_2016"].astype("int64")
    frame.attrs.update(
        {
            "demo": True,
            "questionnaire": "enquete-trois-questions/2016",
            "seed": seed,
            "note": "données de démonstration (synthétiques)",
        }
    )
    return frame


def _sample_codes(codes: list[str]) -> list[str]:
    from numeduc.demo.selfdiag import SAMPLE_DEPARTEMENTS

    return [code for code in SAMPLE_DEPARTEMENTS if code in codes]


def _exact_counts(total: int, shares: dict[str, float]) -> list[str]:
    """A list of ``total`` labels with the given shares (largest remainder)."""
    raw = {key: share * total for key, share in shares.items()}
    counts = {key: int(np.floor(value)) for key, value in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return [key for key, count in counts.items() for _ in range(count)]


# Shares of 25 that reproduce the paper's DAN percentages exactly.
SATISFACTION_SHARES = {
    "tres_satisfait": 7 / 25,
    "satisfait": 14 / 25,
    "peu_satisfait": 3 / 25,
    "pas_satisfait": 1 / 25,
}
CLARITY_SHARES = {
    "tres_claires": 6 / 25,
    "plutot_claires": 16 / 25,
    "peu_claires": 2 / 25,
    "pas_claires": 1 / 25,
}
UNDERSTAND_SHARES = {"oui": 14 / 25, "non": 11 / 25}
STRENGTHEN_SHARES = {"oui": 20 / 25, "non": 3 / 25, "sans_avis": 2 / 25}
FIRST_OBSTACLE_SHARES = {
    "budget": 11 / 25,
    "maintenance": 6 / 25,
    "reseaux_internes": 4 / 25,
    "acces_internet": 3 / 25,
    "formation": 1 / 25,
}
# Weights for drawing obstacles in rank order (budget, then maintenance, then networks).
OBSTACLE_WEIGHTS = {
    "budget": 10.0,
    "maintenance": 5.0,
    "reseaux_internes": 3.0,
    "acces_internet": 2.5,
    "formation": 1.5,
    "partage_roles": 1.0,
    "ressources": 0.6,
}


def generate_dan_answers(
    academies: pd.DataFrame, seed: int = DEFAULT_SEED, *, n_respondents: int = 25
) -> pd.DataFrame:
    """Synthetic answers to ``dan/2017``, one row per responding académie (index ``academie_code``).

    ``academies`` is the reference table (one row per département with ``academie_code`` and
    ``academie_name``) or any frame with an ``academie_code`` column.  With 25 respondents the
    shares are exactly the paper's: 84 % satisfied or very satisfied, 88 % find the strategies
    clear, 56 % would like to understand the decision processes better.
    """
    names = (
        academies.drop_duplicates("academie_code")
        .assign(academie_code=lambda f: f["academie_code"].astype(str))
        .set_index("academie_code")
    )
    codes = sorted(names.index)
    if not 1 <= n_respondents <= len(codes):
        raise ValueError(f"n_respondents doit être compris entre 1 et {len(codes)} (reçu {n_respondents})")
    rng = np.random.default_rng([seed, 2017, 4])
    respondents = sorted(rng.choice(codes, size=n_respondents, replace=False))

    def column(shares: dict[str, float]) -> list[str]:
        values = _exact_counts(n_respondents, shares)
        return [values[i] for i in rng.permutation(n_respondents)]

    frame = pd.DataFrame(
        {
            "satisfaction_engagement": column(SATISFACTION_SHARES),
            "clarte_strategies": column(CLARITY_SHARES),
            "souhait_comprendre_decisions": column(UNDERSTAND_SHARES),
            "souhait_renforcer_relations": column(STRENGTHEN_SHARES),
        },
        index=pd.Index(respondents, name="academie_code"),
    )
    # First obstacle by quota (so the paper's order holds in every demo), the next two drawn
    # by weight among the obstacles not yet named.
    first = column(FIRST_OBSTACLE_SHARES)
    ranked = []
    for top in first:
        labels = [label for label in OBSTACLE_WEIGHTS if label != top]
        weights = np.array([OBSTACLE_WEIGHTS[label] for label in labels])
        picked = rng.choice(len(labels), size=2, replace=False, p=weights / weights.sum())
        ranked.append([top, labels[picked[0]], labels[picked[1]]])
    for rank in range(3):
        frame[f"obstacle_{rank + 1}"] = [obstacles[rank] for obstacles in ranked]
    frame["commentaire"] = [
        f"{DEMO_PREFIX} {DAN_COMMENTS[int(rng.integers(len(DAN_COMMENTS)))]}" if rng.random() < 0.6 else None
        for _ in respondents
    ]
    frame.attrs.update(
        {
            "demo": True,
            "questionnaire": "dan/2017",
            "seed": seed,
            "note": "données de démonstration (synthétiques)",
        }
    )
    return frame
