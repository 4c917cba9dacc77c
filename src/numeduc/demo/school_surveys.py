"""Synthetic answers to the school surveys (enquêtes des collèges), « données de démonstration ».

For one questionnaire of the collèges and some collèges, a seeded list of anonymous answers per
collège, each a dict ``{item id: value}`` as ``services.parse_answers`` stores it (choices by
their ``value``, levels and integers as ``int``, free texts starting with ``[démo]``).

What the demo must show, and how it is planted (parameters documented in docs/demo-data.md):

- **Hidden collèges.** A few collèges get 1 to 4 answers (below ``MIN_ANSWERS``), so the pages
  show the « hidden » case; the others get ``respondents`` answers (10 to 60 by default).
- **Declared beside measured.** For the items paired with a usage-log indicator
  (``compare.PAIRINGS``), the share answering « at least once a month » is drawn by quota: close
  to the measured share (within ``agree_points``) in most collèges, and much higher (+25 to +40
  points: people overstate) in a seeded minority (``overstate_share``, about 1 in 4) — so the
  comparison shows agreement and gaps. Without a measured share, it is drawn in ``prior``.
- Every other item: each collège's answers follow its own mix of the choices (a Dirichlet draw
  around the questionnaire's, itself drawn from the seed); optional items are sometimes skipped,
  free texts are rare.

Pure: numpy and the questionnaire engine, no Django.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from numeduc.demo.selfdiag import DEMO_PREFIX
from numeduc.school_surveys.anonymity import MIN_ANSWERS, CollegePlace, visibility
from numeduc.school_surveys.compare import pairings_for

DEFAULT_SEED = 2017
RESPONDENTS = (10, 60)  # answers of a shown collège, both bounds included
SMALL_SHARE = 0.15  # collèges below the threshold (1 to MIN_ANSWERS - 1 answers)
OVERSTATE_SHARE = 0.25  # of the shown collèges: declare much more than the logs measure
OVERSTATE_POINTS = (0.25, 0.40)  # how much more (share points)
AGREE_POINTS = 0.04  # the others: within this of the measured share (before rounding to a count)
PRIOR = (0.25, 0.65)  # the declared share when no log measures the item
SKIP_OPTIONAL = 0.08  # chance that a respondent leaves an optional choice item blank
TEXT_RATE = 0.06  # chance that a respondent writes an optional free text
MAX_DECLARED = 0.97
# Among the answers « at least once a month » (resp. the others), how they split.
YES_WEIGHTS = {"mensuel": 0.35, "hebdomadaire": 0.45, "quotidien": 0.2}
NO_WEIGHTS = {"jamais": 0.45, "moins_une_fois_par_mois": 0.55}
# Items whose answers are far from even (equipment at home): this mix, not a random one.
ITEM_WEIGHTS = {
    "appareil_maison": {"oui_a_moi": 0.35, "oui_partage": 0.55, "non": 0.1},
    "appareil_enfant": {"oui_personnel": 0.4, "oui_partage": 0.48, "telephone_seulement": 0.09, "non": 0.03},
    "internet_maison": {
        "oui": 0.86,
        "oui_box": 0.88,
        "telephone_seulement": 0.08,
        "non": 0.03,
        "ne_sait_pas": 0.03,
    },
}

DEMO_TEXTS = (
    "Le wifi coupe souvent dans les salles du deuxième étage.",
    "Les tablettes sont pratiques pour les exercices en autonomie.",
    "On ne trouve pas toujours les devoirs au même endroit sur l'ENT.",
    "Les messages de l'ENT arrivent bien, mais on ne les lit pas tous.",
    "Les ordinateurs de la salle informatique sont lents au démarrage.",
    "Les notes en ligne permettent de suivre les progrès chaque semaine.",
    "Il manque une aide pour retrouver son mot de passe.",
    "Les manuels numériques évitent de porter des livres lourds.",
    "Il faudrait plus de prises pour recharger les appareils.",
    "L'application sur téléphone est plus simple que le site.",
)

Measured = Mapping[str, Mapping[tuple[str, str], float | None]]


@dataclass(frozen=True)
class CollegePlan:
    """What the generator decided for one collège: how many answer, whether they overstate, and
    the declared « at least monthly » share aimed at for each paired item (before rounding)."""

    uai: str
    respondents: int
    overstates: bool
    targets: dict[str, float] = field(default_factory=dict)
    measured: dict[str, float | None] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.respondents >= MIN_ANSWERS


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode("utf-8")) for k in keys)])


def plan_colleges(
    questionnaire,
    colleges: Iterable[str],
    *,
    seed: int = DEFAULT_SEED,
    measured: Measured | None = None,
    respondents: tuple[int, int] = RESPONDENTS,
    small_share: float = SMALL_SHARE,
    overstate_share: float = OVERSTATE_SHARE,
    overstate_points: tuple[float, float] = OVERSTATE_POINTS,
    agree_points: float = AGREE_POINTS,
    prior: tuple[float, float] = PRIOR,
    shown: Collection[str] = (),
    places: Mapping[str, CollegePlace] | None = None,
) -> list[CollegePlan]:
    """The plan of every collège (sorted by UAI). ``shown``: collèges never drawn below the
    threshold (the demo head's collège). The small and overstating collèges are quotas:
    ``round(small_share × n)`` (one at least from two collèges) and ``round(overstate_share ×
    shown ones)`` (one at least from two shown collèges). With ``places`` (each collège's
    département and peer group), the overstating ones are drawn among the collèges that
    ``anonymity.visibility`` shows, so that every planted gap can be seen (a collège may also be
    hidden because a small one of its peer group could be recovered by subtraction)."""
    uais = sorted(dict.fromkeys(colleges))
    rng = _rng(seed, "plan", questionnaire.slug)
    order = [uais[i] for i in rng.permutation(len(uais))]
    may_be_small = [u for u in order if u not in shown]
    n_small = round(small_share * len(uais))
    if len(uais) >= 2 and small_share > 0:
        n_small = max(1, n_small)
    small = set(may_be_small[: min(n_small, len(may_be_small), max(len(uais) - 1, 0))])
    low, high = respondents
    rngs = {uai: _rng(seed, "college", questionnaire.slug, uai) for uai in uais}
    counts = {
        uai: int(rngs[uai].integers(1, MIN_ANSWERS) if uai in small else rngs[uai].integers(low, high + 1))
        for uai in uais
    }
    visible = [u for u in order if u not in small]
    if places is not None:
        # The collèges the pages will show: not hidden by subtraction either.
        seen = visibility({(u, questionnaire.audience): counts[u] for u in uais}, places)
        visible = [u for u in visible if ("college", u, questionnaire.audience) in seen.shown]
    n_over = round(overstate_share * len(visible))
    if len(visible) >= 2 and overstate_share > 0:
        n_over = max(1, n_over)
    overstating = set(visible[: min(n_over, max(len(visible) - 1, 0))])

    pairings = pairings_for(questionnaire.slug)
    plans = []
    for uai in uais:
        college_rng, n = rngs[uai], counts[uai]
        targets: dict[str, float] = {}
        shares: dict[str, float | None] = {}
        for pairing in pairings:
            share = (measured or {}).get(uai, {}).get((pairing.indicator, pairing.profile))
            shares[pairing.item] = share
            if share is None:
                target = float(college_rng.uniform(*prior))
            elif uai in overstating:
                target = share + float(college_rng.uniform(*overstate_points))
            else:
                target = share + float(college_rng.uniform(-agree_points, agree_points))
            targets[pairing.item] = float(np.clip(target, 0.0, MAX_DECLARED))
        plans.append(CollegePlan(uai, n, uai in overstating, targets, shares))
    return plans


def _split(
    rng: np.random.Generator, values: Sequence[str], weights: Mapping[str, float], n: int
) -> list[str]:
    """``n`` values among ``values``, following ``weights`` (equal for the unknown ones)."""
    if not values or n == 0:
        return []
    p = np.array([weights.get(v, 1.0) for v in values], dtype=float)
    return [values[i] for i in rng.choice(len(values), size=n, p=p / p.sum())]


def _paired_answers(
    rng: np.random.Generator, item, yes_values: Sequence[str], target: float, n: int
) -> list[str]:
    """A quota: ``round(target × n)`` answers among ``yes_values``, the others not, shuffled."""
    values = [c.value for c in item.choices]
    yes = [v for v in values if v in yes_values]
    no = [v for v in values if v not in yes_values]
    n_yes = int(round(target * n)) if no else n
    answers = _split(rng, yes, YES_WEIGHTS, n_yes) + _split(rng, no, NO_WEIGHTS, n - n_yes)
    return [answers[i] for i in rng.permutation(len(answers))]


def _other_answers(rng: np.random.Generator, item, mix: np.ndarray, n: int) -> list[Any]:
    if item.type == "choice":
        values = [c.value for c in item.choices]
        weights = rng.dirichlet(mix * 20)
        return [values[i] for i in rng.choice(len(values), size=n, p=weights)]
    if item.type == "level":
        levels = [level.value for level in item.levels]
        weights = rng.dirichlet(mix * 20)
        return [int(levels[i]) for i in rng.choice(len(levels), size=n, p=weights)]
    if item.type == "number":
        low = item.min if item.min is not None else 0.0
        high = item.max if item.max is not None else low + 100.0
        drawn = rng.uniform(low, high, size=n)
        if item.integer:
            return [int(np.clip(round(v), np.ceil(low), np.floor(high))) for v in drawn]
        return [round(float(v), 1) for v in drawn]
    limit = item.max_length or 4000
    return [f"{DEMO_PREFIX} {DEMO_TEXTS[i]}"[:limit] for i in rng.integers(0, len(DEMO_TEXTS), size=n)]


def generate_school_answers(
    questionnaire,
    colleges: Iterable[str],
    *,
    seed: int = DEFAULT_SEED,
    measured: Measured | None = None,
    respondents: tuple[int, int] = RESPONDENTS,
    small_share: float = SMALL_SHARE,
    overstate_share: float = OVERSTATE_SHARE,
    overstate_points: tuple[float, float] = OVERSTATE_POINTS,
    agree_points: float = AGREE_POINTS,
    prior: tuple[float, float] = PRIOR,
    shown: Collection[str] = (),
    places: Mapping[str, CollegePlace] | None = None,
    plans: Sequence[CollegePlan] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Per collège (UAI), its anonymous answers to ``questionnaire`` (a loaded questionnaire of
    the collèges): ``measured[uai][(indicator, profile)]`` is the share the logs measure for a
    paired item (see the module's docstring). Same arguments → same answers. ``plans`` (from
    ``plan_colleges`` with the same arguments) avoids planning twice."""
    if plans is None:
        plans = plan_colleges(
            questionnaire,
            colleges,
            seed=seed,
            measured=measured,
            respondents=respondents,
            small_share=small_share,
            overstate_share=overstate_share,
            overstate_points=overstate_points,
            agree_points=agree_points,
            prior=prior,
            shown=shown,
            places=places,
        )
    pairings = {p.item: p for p in pairings_for(questionnaire.slug)}
    base_rng = _rng(seed, "mix", questionnaire.slug)
    # The questionnaire's mix of each item's choices; each collège draws its own around it.
    base = {
        item.id: base_rng.dirichlet(np.full(max(len(item.choices), len(item.levels), 1), 3.0))
        for item in questionnaire.items
    }
    for item in questionnaire.items:
        if item.id in ITEM_WEIGHTS and item.choices:
            weights = np.array([ITEM_WEIGHTS[item.id].get(c.value, 0.05) for c in item.choices])
            base[item.id] = weights / weights.sum()
    out: dict[str, list[dict[str, Any]]] = {}
    for plan in plans:
        rng = _rng(seed, "answers", questionnaire.slug, plan.uai)
        n = plan.respondents
        answers: list[dict[str, Any]] = [{} for _ in range(n)]
        for item in questionnaire.items:
            pairing = pairings.get(item.id)
            if pairing is not None and item.type == "choice":
                values: list[Any] = _paired_answers(rng, item, pairing.yes_values, plan.targets[item.id], n)
                answered = np.ones(n, dtype=bool)  # paired items are always answered
            else:
                values = _other_answers(rng, item, base[item.id], n)
                if item.required:
                    answered = np.ones(n, dtype=bool)
                elif item.type == "text":
                    answered = rng.random(n) < TEXT_RATE
                else:
                    answered = rng.random(n) >= SKIP_OPTIONAL
            for i in range(n):
                if answered[i]:
                    answers[i][item.id] = values[i]
        out[plan.uai] = answers
    return out


__all__ = [
    "CollegePlan",
    "DEFAULT_SEED",
    "generate_school_answers",
    "plan_colleges",
]
