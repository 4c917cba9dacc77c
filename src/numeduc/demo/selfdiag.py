"""Synthetic answers to the 13-factor self-diagnosis (``autodiagnostic/2017``).

No individual answer of the 2017 campaign is public, so the demo invents them with a small
latent-variable model built to reproduce what the white paper published (see
``docs/demo-data.md``):

* budget per pupil per year in the paper's four bands with the paper's shares (9.3 %, 44.2 %,
  25.6 %, 20.9 %), assigned by quota among the respondents so the shares hold in every
  campaign, and factor 7 computed from the amounts (never drawn separately);
* equipment use (factor 10) driven by user support (factor 3, +) and fleet homogeneity (-),
  and *not* by budget; perceived maturity (factor 1) driven by evaluation and follow-up
  (factor 2); governance factors independent of budget; security responsibility independent of
  everything;
* loose links to demographics (density helps governance and bandwidth a little, poverty lowers
  budget and use a little).

Every département gets a stable profile from the seed alone (the same département looks alike
from one campaign to the next); each campaign adds its own noise from ``(seed, year)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from numeduc.questionnaires import budget_level, comment_key, load_questionnaire

SAMPLE_DEPARTEMENTS = ("45", "50", "54", "59", "64", "71", "90", "93")
DEFAULT_SEED = 2017
DEMO_PREFIX = "[démo]"

# White paper, 43 answers to the 2016 budget question.
BUDGET_SHARES = {1: 0.093, 2: 0.442, 3: 0.256, 4: 0.209}
# Range drawn inside each band (euros per pupil per year); kept 0.5 € away from the band edges
# so that amounts rounded to the euro or to 100 € stay in their band.
BUDGET_RANGES = {1: (28.0, 49.5), 2: (50.5, 74.5), 3: (75.5, 99.5), 4: (101.0, 165.0)}

STRATEGIES = ("eim", "classes_mobiles", "byod", "hybride", "aucune")
STRATEGY_WEIGHTS = (0.28, 0.36, 0.08, 0.18, 0.10)
# Fleet homogeneity (1 = most heterogeneous) each strategy tends to produce: BYOD is the
# paper's "extreme example of a heterogeneous fleet".
HOMOGENEITY_BY_STRATEGY = {
    "eim": ((3, 4), (0.45, 0.55)),
    "classes_mobiles": ((2, 3, 4), (0.3, 0.45, 0.25)),
    "byod": ((1,), (1.0,)),
    "hybride": ((1, 2), (0.55, 0.45)),
    "aucune": ((2, 3), (0.6, 0.4)),
}
DEVICES_PER_PUPIL = {
    "eim": (0.55, 1.0),
    "classes_mobiles": (0.08, 0.3),
    "byod": (0.02, 0.1),
    "hybride": (0.12, 0.4),
    "aucune": (0.03, 0.15),
}
SECURITY = ("etat", "departement", "partagee")
SECURITY_WEIGHTS = (0.3, 0.3, 0.4)
THD_RANGES = {1: (0, 35), 2: (25, 60), 3: (55, 90), 4: (85, 100)}
WIFI_RANGES = {1: (0, 20), 2: (15, 50), 3: (50, 90), 4: (88, 100)}
# Cut points on a standardised score: about 18 % / 36 % / 30 % / 16 % in levels 1 / 2 / 3 / 4.
LEVEL_CUTS = (-0.92, 0.08, 1.0)

# The self-diagnosis' factor items, by factor number (1..13), as the questionnaire defines them.
FACTOR_IDS: dict[int, str] = {
    item.factor: item.id
    for item in load_questionnaire("autodiagnostic").factor_items()
    if item.factor is not None  # always true here: it tells the type checker
}

# Short demo comments (written for numeduc), one for a weak and one for a strong situation.
COMMENTS = {
    1: (
        "pas encore de feuille de route votée, le sujet est partagé entre deux services.",
        "feuille de route 2016-2020 suivie en comité de pilotage deux fois par an.",
    ),
    2: (
        "seuls les chiffres de connexion à l'ENT nous parviennent, une fois par an.",
        "tableau de bord trimestriel par collège présenté à la DANE.",
    ),
    3: (
        "l'assistance répond aux pannes, la formation dépend de l'académie.",
        "deux médiateurs numériques tournent dans les collèges chaque semaine.",
    ),
    4: (
        "plusieurs collèges ruraux restent sous 20 Mbit/s en attendant la fibre.",
        "tous les collèges sont raccordés à la fibre depuis la rentrée.",
    ),
    5: (
        "le wifi ne couvre que le CDI dans la moitié des collèges.",
        "bornes wifi dans chaque salle, supervisées depuis le centre de services.",
    ),
    6: (
        "la maintenance des postes pédagogiques reste un sujet de désaccord.",
        "convention signée avec le rectorat, révisée l'an dernier.",
    ),
    7: (
        "budget contraint, les renouvellements sont décalés d'un an.",
        "ligne budgétaire pluriannuelle votée pour l'équipement et la maintenance.",
    ),
    8: (
        "filtrage en place mais pas de charte commune aux collèges.",
        "authentification sur le wifi et procédure d'incident partagée.",
    ),
    9: (
        "l'inventaire date de 2014, il faut le reprendre.",
        "inventaire automatique et renouvellement tous les cinq ans.",
    ),
    10: (
        "beaucoup de tablettes restent dans les chariots.",
        "les classes mobiles sont réservées presque tous les jours.",
    ),
    11: (
        "quelques enseignants pionniers, surtout en technologie.",
        "chaque collège a un référent numérique actif.",
    ),
    12: (
        "échanges avec la DANE surtout lors des appels à projets.",
        "comité commun avec l'académie chaque trimestre.",
    ),
    13: (
        "les principaux découvrent les livraisons au dernier moment.",
        "deux principaux siègent au comité de pilotage.",
    ),
}


# -- helpers ----------------------------------------------------------------------------------------
def _codes(departements: pd.DataFrame) -> list[str]:
    frame = departements
    if "code" in frame.columns:
        frame = frame.set_index("code")
    return sorted(str(code) for code in frame.index)


def _zscore(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    std = values.std()
    return (values - values.mean()) / std if std > 0 else values * 0.0


def _demographics(departements: pd.DataFrame, codes: list[str]) -> dict[str, np.ndarray]:
    """Standardised demographics; missing values (overseas poverty rate…) take the median."""
    frame = departements.set_index("code") if "code" in departements.columns else departements
    frame = frame.copy()
    frame.index = frame.index.astype(str)
    frame = frame.reindex(codes)
    result = {}
    for name, column, transform in (
        ("log_density", "density", np.log),
        ("poverty", "poverty_rate", None),
        ("growth", "population_growth", None),
        ("youth", "share_0_19", None),
    ):
        if column in frame.columns:
            values = pd.to_numeric(frame[column], errors="coerce").astype(float)
            if transform is not None:
                values = transform(values.where(values > 0))
            values = values.fillna(values.median()).fillna(0.0).to_numpy()
        else:
            values = np.zeros(len(codes))
        result[name] = _zscore(values)
    return result


def _to_level(score: np.ndarray) -> np.ndarray:
    return np.digitize(_zscore(score), LEVEL_CUTS) + 1


def _band_quotas(n: int) -> dict[int, int]:
    """Largest-remainder split of ``n`` answers over the four budget bands."""
    raw = {band: share * n for band, share in BUDGET_SHARES.items()}
    quotas = {band: int(np.floor(value)) for band, value in raw.items()}
    left = n - sum(quotas.values())
    for band in sorted(raw, key=lambda b: raw[b] - quotas[b], reverse=True)[:left]:
        quotas[band] += 1
    return quotas


def assign_budget_bands(scores: pd.Series) -> pd.Series:
    """Bands 1-4 by quota: the lowest budget scores get band 1, and so on (shares of the paper)."""
    quotas = _band_quotas(len(scores))
    order = scores.sort_values(kind="stable").index
    bands = pd.Series(0, index=scores.index, dtype="int64")
    start = 0
    for band in (1, 2, 3, 4):
        bands.loc[order[start : start + quotas[band]]] = band
        start += quotas[band]
    return bands


def _budget_amount(band: int, position: float) -> float:
    low, high = BUDGET_RANGES[band]
    return low + position * (high - low)


def college_counts(departements: pd.DataFrame, colleges: pd.DataFrame | None) -> pd.DataFrame:
    """Public collèges and their pupils per département (real reference data when available).

    Falls back to an estimate from the 0-19 population (a quarter of 15 years of age -> 4 grades
    over 20 years, 80 % in public schools, 500 pupils per collège) for départements without data.
    """
    codes = _codes(departements)
    frame = departements.set_index("code") if "code" in departements.columns else departements
    frame = frame.copy()
    frame.index = frame.index.astype(str)
    if colleges is None:
        from numeduc.reference import colleges as reference_colleges

        colleges = reference_colleges(public_only=True)
    grouped = colleges.groupby(colleges["departement_code"].astype(str)).agg(
        nombre_colleges=("uai", "size"), nombre_collegiens=("pupils", "sum")
    )
    result = grouped.reindex(codes)
    youth = pd.to_numeric(frame.reindex(codes).get("pop_0_19_2015"), errors="coerce")
    estimate_pupils = (youth * 4 / 20 * 0.8).round()
    result["nombre_collegiens"] = result["nombre_collegiens"].where(
        result["nombre_collegiens"] > 0, estimate_pupils
    )
    result["nombre_colleges"] = result["nombre_colleges"].fillna(
        (result["nombre_collegiens"] / 500).round().clip(lower=1)
    )
    return result.fillna(0).astype("int64")


# -- the model --------------------------------------------------------------------------------------
def _profiles(codes: list[str], demo: dict[str, np.ndarray], seed: int) -> pd.DataFrame:
    """What does not change from year to year: one row per département, from the seed alone."""
    rng = np.random.default_rng([seed, 0])
    n = len(codes)
    strategy = rng.choice(STRATEGIES, size=n, p=STRATEGY_WEIGHTS)
    homogeneity = np.array(
        [rng.choice(HOMOGENEITY_BY_STRATEGY[s][0], p=HOMOGENEITY_BY_STRATEGY[s][1]) for s in strategy]
    )
    devices_low = np.array([DEVICES_PER_PUPIL[s][0] for s in strategy])
    devices_high = np.array([DEVICES_PER_PUPIL[s][1] for s in strategy])
    return pd.DataFrame(
        {
            # internal governance: a little easier in dense, populous départements
            "governance": rng.normal(size=n) + 0.25 * demo["log_density"],
            # budget: lower where poverty is high, a little higher in dense départements
            "budget_score": rng.normal(size=n) - 0.35 * demo["poverty"] + 0.2 * demo["log_density"],
            "budget_position": rng.random(n),
            "investment_share": rng.uniform(0.3, 0.6, n),
            "strategy": strategy,
            "homogeneity": homogeneity,
            "devices_per_pupil": np.round(devices_low + rng.random(n) * (devices_high - devices_low), 2),
            "security": rng.choice(SECURITY, size=n, p=SECURITY_WEIGHTS),
            "priority": rng.random(n),
        },
        index=pd.Index(codes, name="code"),
    )


def _fresh_answers(
    codes: list[str], demo: dict[str, np.ndarray], profiles: pd.DataFrame, year: int, seed: int
) -> pd.DataFrame:
    """Factor levels and context answers of every département for one year (before selection)."""
    rng = np.random.default_rng([seed, year, 1])
    n = len(codes)

    def noise(scale: float = 1.0) -> np.ndarray:
        return scale * rng.normal(size=n)

    gov = profiles["governance"].to_numpy()
    homogeneity = profiles["homogeneity"].to_numpy().astype(float)
    z_homogeneity = _zscore(homogeneity)
    budget_score = profiles["budget_score"].to_numpy()

    evaluation = gov + noise(0.6)
    maturity = 0.35 * gov + 0.6 * _zscore(evaluation) + noise(0.6)
    support = 0.7 * gov + noise(0.7)
    # Use: support (+), homogeneity (-), poverty (-); no budget term (the paper's finding).
    use = 0.9 * _zscore(support) - 0.7 * z_homogeneity - 0.25 * demo["poverty"] + noise(0.6)
    staff = 0.5 * _zscore(use) + 0.4 * _zscore(support) + noise(0.7)
    clarity = 0.4 * gov + noise(1.0)
    coop_state = 0.5 * gov + noise(1.0)
    coop_schools = 0.5 * gov + noise(1.0)
    internet = 0.6 * budget_score + 0.35 * demo["log_density"] + noise(0.7)
    mobile = np.isin(profiles["strategy"].to_numpy(), ("eim", "byod", "hybride")).astype(float)
    wifi = 0.5 * budget_score + 0.4 * mobile + noise(0.9)
    fleet = 0.4 * gov + 0.4 * z_homogeneity + noise(0.9)
    security = 0.4 * gov + 0.3 * _zscore(fleet) + noise(0.9)

    levels = {
        1: maturity,
        2: evaluation,
        3: support,
        4: internet,
        5: wifi,
        6: clarity,
        8: security,
        9: fleet,
        10: use,
        11: staff,
        12: coop_state,
        13: coop_schools,
    }
    frame = pd.DataFrame(
        {FACTOR_IDS[f]: _to_level(score) for f, score in levels.items()}, index=profiles.index
    )
    frame["budget_score"] = budget_score + noise(0.15)

    thd = np.array([rng.uniform(*THD_RANGES[level]) for level in frame[FACTOR_IDS[4]]])
    wifi_share = np.array([rng.uniform(*WIFI_RANGES[level]) for level in frame[FACTOR_IDS[5]]])
    frame["part_colleges_thd"] = np.round(thd)
    frame["part_colleges_wifi"] = np.round(wifi_share)
    opened = []
    for strategy, wifi_level, draw in zip(profiles["strategy"], frame[FACTOR_IDS[5]], rng.random(n)):
        if wifi_level == 1:
            opened.append("non")
        elif strategy in ("byod", "hybride") and wifi_level >= 3:
            opened.append("oui_largement" if draw < 0.85 else "partiellement")
        else:
            opened.append("oui_largement" if draw < 0.25 else "partiellement" if draw < 0.75 else "non")
    frame["wifi_ouvert_eleves"] = opened
    return frame


def _comments(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Demo comments on one to four factors per respondent, matching the level given."""
    comments = pd.DataFrame(
        index=frame.index, columns=[comment_key(FACTOR_IDS[f]) for f in sorted(FACTOR_IDS)], dtype="object"
    )
    for code in frame.index:
        count = int(rng.integers(1, 5))
        for factor in sorted(rng.choice(np.arange(1, 14), size=count, replace=False)):
            level = int(frame.at[code, FACTOR_IDS[factor]])
            weak, strong = COMMENTS[int(factor)]
            comments.at[code, comment_key(FACTOR_IDS[factor])] = (
                f"{DEMO_PREFIX} {strong if level >= 3 else weak}"
            )
    return comments


def _select_respondents(codes: list[str], profiles: pd.DataFrame, n_respondents: int) -> list[str]:
    """The paper's 8 sample départements, then the highest seeded priorities (stable subsets)."""
    if not 1 <= n_respondents <= len(codes):
        raise ValueError(f"n_respondents doit être compris entre 1 et {len(codes)} (reçu {n_respondents})")
    chosen = [code for code in SAMPLE_DEPARTEMENTS if code in codes][:n_respondents]
    others = profiles.drop(index=chosen)["priority"].sort_values(ascending=False, kind="stable").index
    chosen += list(others[: n_respondents - len(chosen)])
    return sorted(chosen)


def _assemble(
    fresh: pd.DataFrame,
    profiles: pd.DataFrame,
    counts: pd.DataFrame,
    bands: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Turn latent answers of the selected respondents into the questionnaire's columns."""
    codes = list(bands.index)
    out = fresh.loc[codes].drop(columns=["budget_score"]).copy()
    per_pupil = np.array(
        [_budget_amount(int(bands[c]), float(profiles.at[c, "budget_position"])) for c in codes]
    )
    investment = np.round(per_pupil * profiles.loc[codes, "investment_share"].to_numpy(), 1)
    operating = np.round(per_pupil - investment, 1)
    out["budget_investissement_par_eleve"] = investment
    out["budget_fonctionnement_par_eleve"] = operating
    out[FACTOR_IDS[7]] = [budget_level(i + o) for i, o in zip(investment, operating)]
    out["homogeneite_parc"] = profiles.loc[codes, "homogeneity"].astype("int64").to_numpy()
    out["strategie_equipement"] = profiles.loc[codes, "strategy"].to_numpy()
    out["responsabilite_securite"] = profiles.loc[codes, "security"].to_numpy()
    out["equipements_par_eleve"] = profiles.loc[codes, "devices_per_pupil"].to_numpy()
    out["nombre_colleges"] = counts.loc[codes, "nombre_colleges"].to_numpy()
    out["nombre_collegiens"] = counts.loc[codes, "nombre_collegiens"].to_numpy()
    return pd.concat([out, _comments(out, rng)], axis=1)


def _ordered(frame: pd.DataFrame, year: int, seed: int) -> pd.DataFrame:
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    columns = [item.id for item in questionnaire.items]
    columns += [comment_key(item.id) for item in questionnaire.factor_items()]
    frame = frame[columns].sort_index()
    frame.index = pd.Index([str(c) for c in frame.index], name="code")
    for item in questionnaire.items:
        if item.type == "level" or (item.type == "number" and item.integer):
            frame[item.id] = frame[item.id].astype("int64")
        elif item.type == "number":
            frame[item.id] = frame[item.id].astype("float64")
    frame.attrs.update(
        {
            "demo": True,
            "questionnaire": "autodiagnostic/2017",
            "year": year,
            "seed": seed,
            "note": "données de démonstration (synthétiques)",
        }
    )
    return frame


def generate_selfdiag_campaign(
    departements: pd.DataFrame,
    year: int,
    *,
    seed: int = DEFAULT_SEED,
    n_respondents: int = 39,
    previous: pd.DataFrame | None = None,
    colleges: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Synthetic answers to ``autodiagnostic/2017`` for one campaign, indexed by département code.

    Columns: every item id of the questionnaire (levels and integer counts as ``int64``, other
    numbers ``float64``, choices as their value) then ``<factor item id>__comment`` (demo
    comments starting with "[démo]", or missing).  Without ``previous``, the respondents are
    the white paper's 8 sample départements plus others chosen from the seed.  With
    ``previous`` (last year's frame), about 90 % of last year's respondents answer again with
    small changes (mostly the same level or one more), and new départements join to reach
    ``n_respondents`` (at least two newcomers).  Same arguments, same frame.
    """
    codes = _codes(departements)
    demo = _demographics(departements, codes)
    profiles = _profiles(codes, demo, seed)
    fresh = _fresh_answers(codes, demo, profiles, year, seed)
    counts = college_counts(departements, colleges)
    rng = np.random.default_rng([seed, year, 2])

    if previous is None:
        respondents = _select_respondents(codes, profiles, n_respondents)
        bands = assign_budget_bands(fresh.loc[respondents, "budget_score"])
        return _ordered(_assemble(fresh, profiles, counts, bands, rng), year, seed)

    previous_codes = sorted(str(c) for c in previous.index if str(c) in codes)
    stay = rng.random(len(previous_codes)) < 0.9
    returning = [code for code, keep in zip(previous_codes, stay) if keep] or previous_codes[:1]
    candidates = (
        profiles.drop(index=previous_codes)["priority"].sort_values(ascending=False, kind="stable").index
    )
    n_new = min(max(n_respondents - len(returning), 2), len(candidates))
    newcomers = sorted(candidates[:n_new])

    # Newcomers: fresh answers, budget band by quota as if every département had answered.
    all_bands = assign_budget_bands(fresh["budget_score"])
    new_rows = _assemble(fresh, profiles, counts, all_bands.loc[newcomers], rng) if newcomers else None

    old = previous.copy()
    old.index = old.index.astype(str)
    old = old.loc[returning].copy()
    for factor, item_id in FACTOR_IDS.items():
        if factor == 7:
            continue
        step = rng.choice([0, 1, -1], size=len(old), p=[0.66, 0.28, 0.06])
        old[item_id] = np.clip(old[item_id].astype("int64") + step, 1, 4)
    change = rng.normal(0.03, 0.06, size=len(old))
    old["budget_investissement_par_eleve"] = np.round(
        old["budget_investissement_par_eleve"] * (1 + change), 1
    )
    old["budget_fonctionnement_par_eleve"] = np.round(
        old["budget_fonctionnement_par_eleve"] * (1 + change), 1
    )
    old[FACTOR_IDS[7]] = [
        budget_level(i + o)
        for i, o in zip(old["budget_investissement_par_eleve"], old["budget_fonctionnement_par_eleve"])
    ]
    old["part_colleges_thd"] = np.minimum(
        100, np.round(old["part_colleges_thd"] + rng.uniform(0, 10, len(old)))
    )
    old["part_colleges_wifi"] = np.minimum(
        100, np.round(old["part_colleges_wifi"] + rng.uniform(0, 8, len(old)))
    )
    old["equipements_par_eleve"] = np.round(
        old["equipements_par_eleve"] * (1 + rng.uniform(0, 0.1, len(old))), 2
    )
    keep_homogeneity = rng.random(len(old)) < 0.9
    old["homogeneite_parc"] = np.where(
        keep_homogeneity, old["homogeneite_parc"], np.clip(old["homogeneite_parc"].astype("int64") - 1, 1, 4)
    )
    comment_columns = [comment_key(FACTOR_IDS[f]) for f in sorted(FACTOR_IDS)]
    old = pd.concat([old.drop(columns=comment_columns, errors="ignore"), _comments(old, rng)], axis=1)
    frame = pd.concat([old, new_rows]) if new_rows is not None else old
    return _ordered(frame, year, seed)
