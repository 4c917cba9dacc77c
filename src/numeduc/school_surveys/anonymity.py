"""Which aggregates of an anonymous school survey may be shown: pure core, no Django.

The unit is a collège and an audience (its pupils, its teachers…). Three rules
(docs/school-surveys.md):

1. **Primary threshold.** A unit's aggregates are shown only from ``MIN_ANSWERS`` answers. Five
   is the threshold numeduc uses everywhere an aggregate could point at someone (the national
   analysis, the plans' national view: docs/visibility.md); for a collège it means that a
   share moves by at most 20 points per answer, and that a teacher reading the results of a
   class session cannot tell one pupil's answer from the others unless all gave the same one.
2. **No recovery by subtraction.** A roll-up (a département, a peer group of collèges, the
   nation) is computed over *all* its collèges. If the collèges hidden inside a shown roll-up
   held, together, fewer than ``MIN_ANSWERS`` answers, subtracting the shown collèges from the
   roll-up would give them away: the smallest shown collèges of that roll-up are then hidden
   too (secondary suppression) until the hidden ones hold at least ``MIN_ANSWERS`` answers or
   the roll-up itself is hidden. This runs over every partition (départements, peer groups)
   until nothing changes, since hiding a collège in one partition can expose it in another.
3. **No filter crossing.** Only these fixed levels exist; no aggregate is ever computed on a
   subset chosen by answer values (« the pupils who said X »), so that crossing filters cannot
   isolate a small group. An item answered by fewer than ``MIN_ANSWERS`` people of a shown unit
   (an optional question) is hidden on its own.

Free text follows rule 1: never shown for a unit below the threshold, and given in a fixed
order (sorted), never in the order it was typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_ANSWERS = 5

# A cell of the roll-ups: (level, key, audience), e.g. ("college", "0450001A", "eleve"),
# ("departement", "45", "eleve"), ("groupe", "rural · <300 · hors EP", "eleve"),
# ("national", "", "eleve").
Cell = tuple[str, str, str]
LEVELS = ("college", "departement", "groupe", "national")


@dataclass(frozen=True)
class CollegePlace:
    """Where a collège's answers are rolled up: its département and its peer group."""

    departement: str
    group: str


@dataclass(frozen=True)
class Visibility:
    """Every cell's answer count, the cells that may be shown, and why the others are hidden."""

    counts: Mapping[Cell, int]
    shown: frozenset[Cell]
    reasons: Mapping[Cell, str]

    def is_shown(self, cell: Cell) -> bool:
        return cell in self.shown

    def reason(self, cell: Cell) -> str:
        return self.reasons.get(cell, "")


def _below(n: int, min_answers: int) -> str:
    return f"{n} réponse{'s' if n > 1 else ''} : moins de {min_answers}, rien n'est affiché"


def rollup_cells(
    college_counts: Mapping[tuple[str, str], int], places: Mapping[str, CollegePlace]
) -> tuple[dict[Cell, int], list[tuple[Cell, list[Cell]]]]:
    """The counts of every cell and the sums that tie them: a département's and a peer group's
    count is the sum of their collèges', the nation's the sum of the départements' (and of the
    groups'). ``college_counts``: (uai, audience) → answers; every uai needs its place."""
    counts: dict[Cell, int] = {}
    children: dict[Cell, list[Cell]] = {}
    for (uai, audience), n in sorted(college_counts.items()):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"{uai} ({audience}) : nombre de réponses entier positif attendu, {n!r} trouvé")
        if uai not in places:
            raise ValueError(f"{uai} : collège sans département ni groupe")
        place = places[uai]
        college: Cell = ("college", uai, audience)
        counts[college] = n
        nation: Cell = ("national", "", audience)
        for level, key in (("departement", place.departement), ("groupe", place.group)):
            parent: Cell = (level, key, audience)
            counts[parent] = counts.get(parent, 0) + n
            children.setdefault(parent, []).append(college)
            if parent not in children.setdefault(nation, []):
                children[nation].append(parent)
        counts[nation] = counts.get(nation, 0) + n
    # The nation is both Σ départements and Σ groups: one constraint for each way of cutting it.
    constraints = []
    for parent, kids in sorted(children.items()):
        if parent[0] == "national":
            for level in ("departement", "groupe"):
                constraints.append((parent, [k for k in kids if k[0] == level]))
        else:
            constraints.append((parent, kids))
    return counts, constraints


def visible_cells(
    counts: Mapping[Cell, int],
    constraints: Iterable[tuple[Cell, list[Cell]]],
    *,
    min_answers: int = MIN_ANSWERS,
) -> Visibility:
    """Rule 1 on every cell, then rule 2 on every sum ``parent = Σ children``: while a shown
    parent has hidden children holding together between 1 and ``min_answers - 1`` answers,
    its smallest shown child is hidden too; repeated until nothing changes."""
    if min_answers < 1:
        raise ValueError("le seuil doit être d'au moins 1 réponse")
    constraints = list(constraints)
    shown = {cell for cell, n in counts.items() if n >= min_answers}
    reasons: dict[Cell, str] = {
        cell: _below(n, min_answers) for cell, n in counts.items() if cell not in shown
    }
    changed = True
    while changed:
        changed = False
        for parent, kids in constraints:
            if parent not in shown:
                continue
            hidden = sum(counts[k] for k in kids if k not in shown)
            while 0 < hidden < min_answers:
                candidates = sorted((counts[k], k) for k in kids if k in shown)
                if not candidates:
                    break
                n, kid = candidates[0]
                shown.discard(kid)
                reasons[kid] = (
                    f"{n} réponses, mais un ensemble voisin en a moins de {min_answers} : les afficher "
                    "permettrait de retrouver ses réponses par soustraction"
                )
                hidden += n
                changed = True
    return Visibility(dict(counts), frozenset(shown), reasons)


def visibility(
    college_counts: Mapping[tuple[str, str], int],
    places: Mapping[str, CollegePlace],
    *,
    min_answers: int = MIN_ANSWERS,
) -> Visibility:
    """``rollup_cells`` then ``visible_cells``: what a school survey's pages may show."""
    counts, constraints = rollup_cells(college_counts, places)
    return visible_cells(counts, constraints, min_answers=min_answers)


def shown_texts(texts: Iterable[str], n_answers: int, *, min_answers: int = MIN_ANSWERS) -> list[str]:
    """The free answers of a unit: none below the threshold, the others in a fixed order (not
    the order they were typed, which a teacher present in the room could match to pupils)."""
    if n_answers < min_answers:
        return []
    return sorted(t.strip() for t in texts if t and t.strip())


def peer_group(density_code: str | int | None, pupils: float | None, priority_education: str | None) -> str:
    """The usage referential's group of a collège (density × size × priority education, as in
    ``numeduc.usage.referential``), from the collèges referential's columns."""
    from numeduc.usage.referential import DENSITY_LABEL, density_grid3, size_class

    try:
        code = int(density_code) if density_code not in (None, "") else None
    except (TypeError, ValueError):
        code = None
    if code is None:
        density = "densité inconnue"
    else:
        density = DENSITY_LABEL[density_grid3(code)]
    size = "taille inconnue" if pupils is None or pupils != pupils else size_class(float(pupils))
    ep = "EP" if (priority_education or "").upper() in ("REP", "REP+", "REP_PLUS") else "hors EP"
    return f"{density} · {size} · {ep}"
