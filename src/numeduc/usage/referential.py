"""Comparison of each collège with its referential (docs/usage.md, referential comparison).

Profile group g = density class (INSEE 3-level grid) × size class (<300, 300-600, >600 pupils) ×
priority education (EP = REP or REP+, or not).  When a group holds fewer than
``MIN_GROUP_SIZE`` collèges with a value, the comparison falls back to density × size, then
density alone, then all collèges of the warehouse, and says so in ``fallback`` and
``fallback_reason``.  Statistics in the group: percentile = 100 × (midrank − 0.5) / n, median,
quartiles (linear interpolation), robust z = (x − median) / (1.4826 × MAD) (empty when MAD = 0).
The comparison is done per month, indicator and profile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_GROUP_SIZE = 10
LEVELS = [
    ("densite_taille_ep", ["density_grid3", "size_class", "ep_class"]),
    ("densite_taille", ["density_grid3", "size_class"]),
    ("densite", ["density_grid3"]),
    ("ensemble", []),
]
DENSITY_LABEL = {"urbain_dense": "urbain dense", "intermediaire": "intermédiaire", "rural": "rural"}


def density_grid3(density_code: int) -> str:
    """INSEE's 7-level density grid (the collèges referential's ``density_code``) in 3 classes:
    1 densely populated, 2-4 intermediate, 5-7 rural."""
    return "urbain_dense" if density_code == 1 else ("intermediaire" if density_code <= 4 else "rural")


def size_class(pupils: float) -> str:
    return "<300" if pupils < 300 else ("300-600" if pupils <= 600 else ">600")


def _join_labels(df: pd.DataFrame, cols: list[str]) -> np.ndarray:
    label = df[cols[0]].astype(str)
    for c in cols[1:]:
        label = label + " · " + df[c].astype(str)
    return label.to_numpy(object)


def add_referential(df: pd.DataFrame, est: pd.DataFrame) -> pd.DataFrame:
    attrs = est[["uai", "density_grid3", "pupils", "ep"]].copy()
    attrs["size_class"] = attrs["pupils"].map(size_class)
    attrs["ep_class"] = np.where(attrs["ep"].isin(["REP", "REP+"]), "EP", "hors EP")
    attrs["density_grid3"] = attrs["density_grid3"].map(lambda d: DENSITY_LABEL.get(d, d))
    out = df.merge(attrs[["uai", "density_grid3", "size_class", "ep_class"]], on="uai", how="left")
    out = out.reset_index(drop=True)
    base = ["month", "indicator", "profile"]
    chosen = np.full(len(out), -1)
    per_level = []
    for li, (_, cols) in enumerate(LEVELS):
        keys = base + cols
        # Group statistics with cythonised aggregations, then mapped back to the rows.
        gid = out.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
        g = out["value"].groupby(gid)
        med = g.median().to_numpy()[gid]
        absdev = out["value"].to_numpy(float) - med
        mad = pd.Series(np.abs(absdev)).groupby(gid).median().to_numpy()[gid]
        per_level.append(
            {
                "n": g.count().to_numpy(float)[gid],
                "median": med,
                "q1": g.quantile(0.25).to_numpy()[gid],
                "q3": g.quantile(0.75).to_numpy()[gid],
                "rank": g.rank(method="average").to_numpy(float),
                "mad": mad,
                "label": (
                    _join_labels(out, cols) if cols else np.full(len(out), "tous les collèges", dtype=object)
                ),
            }
        )
        ok = (chosen < 0) & (per_level[-1]["n"] >= MIN_GROUP_SIZE)
        chosen[ok] = li
    chosen[chosen < 0] = len(LEVELS) - 1

    def pick(name):
        return np.choose(chosen, [lvl[name] for lvl in per_level]) if len(out) else np.array([])

    n, med, mad = pick("n"), pick("median"), pick("mad")
    out["group_level"] = [LEVELS[i][0] for i in chosen]
    out["group"] = pick("label")
    out["group_size"] = pd.array(n, dtype="Int64") if len(out) else pd.array([], dtype="Int64")
    out["percentile"] = 100 * (pick("rank") - 0.5) / n
    out["median"] = med
    out["q1"] = pick("q1")
    out["q3"] = pick("q3")
    scale = 1.4826 * mad
    with np.errstate(divide="ignore", invalid="ignore"):
        out["robust_z"] = np.where(scale > 0, (out["value"].to_numpy(float) - med) / scale, np.nan)
    out["fallback"] = chosen > 0
    if len(out):
        n0 = per_level[0]["n"].astype(int).astype(str)
        out["fallback_reason"] = np.where(
            out["fallback"],
            "groupe « "
            + per_level[0]["label"]
            + " » trop petit ("
            + n0
            + " collèges, minimum "
            + str(MIN_GROUP_SIZE)
            + ") : repli sur « "
            + out["group"]
            + " »",
            "",
        )
    else:
        out["fallback_reason"] = pd.Series(dtype=str)
    return out.drop(columns=["density_grid3", "size_class", "ep_class"])


# --- default establishments: the national referential, completed or overridden locally ----------
#
# A département rarely has the 20 columns of ``establishments`` at hand; the national collèges
# referential shipped with numeduc (``numeduc.reference.colleges``) already holds the UAI, name,
# commune, density class, pupils (with their school year) and REP status of every public collège.
# The warehouse starts from it; a local file only adds or overrides columns (``uai`` alone is
# required in it).  Every value keeps its source in the ``_sources`` column (JSON: column →
# source), shown in the ingest summary.

REFERENTIAL_SOURCE = "référentiel national (annuaire 2024, effectifs 2020-2021)"
CALENDAR_SOURCE = "calendrier scolaire (zone de l'académie)"
UNKNOWN_ZERO_SOURCE = "non renseigné (0 : indicateurs rapportés à cette population non calculés)"
DEPARTEMENT_SOURCE = "option --departement"
# Columns the referential does not know: stored as 0 (a zero denominator leaves the indicator
# out, where an empty value would stop the computation) or left empty.
UNKNOWN_ZERO = ("teachers", "staff", "parent_accounts", "n_classrooms", "n_aps")


def local_source(name: str) -> str:
    return f"fichier local {name}"


def referential_establishments(departement: str) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """The département's public collèges from the national referential, as ``establishments``
    rows (text values, empty = unknown) and the source of each value (uai → column → source)."""
    from numeduc import reference
    from numeduc.usage import calendar as cal

    ref = reference.colleges(public_only=True)
    ref = ref[ref["departement_code"].astype(str) == departement].sort_values("uai")
    zone = cal.holiday_zone_for(departement)
    rows, sources = [], {}
    for r in ref.itertuples(index=False):
        row: dict[str, str | None] = {
            "uai": r.uai,
            "name": _text(r.name),
            "departement": departement,
            "commune_insee": _text(r.commune_code),
            "commune_name": _text(r.commune_name),
            "density_grid3": density_grid3(int(r.density_code)) if _text(r.density_code) else None,
            "density_grid7": str(int(r.density_code)) if _text(r.density_code) else None,
            "ep": _text(r.priority_education),
            "pupils": str(int(r.pupils)) if _text(r.pupils) else None,
            "pupils_school_year": _text(r.pupils_school_year),
            "school_year": _text(r.pupils_school_year),
            "holiday_zone": zone,
        }
        src = {c: REFERENTIAL_SOURCE for c, v in row.items() if v is not None}
        src["departement"] = DEPARTEMENT_SOURCE
        src["holiday_zone"] = CALENDAR_SOURCE
        for c in UNKNOWN_ZERO:
            row[c] = "0"
            src[c] = UNKNOWN_ZERO_SOURCE
        rows.append(row)
        sources[r.uai] = src
    return pd.DataFrame(rows), sources


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def merge_establishments(
    local: pd.DataFrame,
    base: pd.DataFrame,
    base_sources: dict[str, dict[str, str]],
    columns: list[str],
    local_name: str,
    departement: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Each local row completed from ``base`` (same UAI): a non-empty local value wins, else the
    base value.  Returns the merged rows (text, ``_line`` kept, ``_sources`` JSON added) and the
    French counts for the summary."""
    import json

    by_uai = {str(r["uai"]): r for r in base.to_dict("records")} if len(base) else {}
    label = local_source(local_name)
    out = []
    completed = overridden = unknown = 0
    for r in local.to_dict("records"):
        uai = _text(r.get("uai"))
        b = by_uai.get(uai or "", {})
        bsrc = base_sources.get(uai or "", {})
        row: dict[str, object] = {"_line": r["_line"]}
        src: dict[str, str] = {}
        for c in columns:
            lv = _text(r.get(c))
            bv = _text(b.get(c))
            if lv is not None:
                row[c] = lv
                src[c] = label
                overridden += bv is not None and bv != lv
            elif bv is not None:
                row[c] = bv
                src[c] = bsrc.get(c, REFERENTIAL_SOURCE)
            elif c == "departement":
                row[c] = departement
                src[c] = DEPARTEMENT_SOURCE
            else:
                row[c] = None
        if src.get("pupils") == label and src.get("pupils_school_year") != label:
            # Local enrolments without their year: the year of the local row, not the referential's.
            local_year = _text(r.get("school_year"))
            row["pupils_school_year"] = local_year
            if local_year:
                src["pupils_school_year"] = label
            else:
                src.pop("pupils_school_year", None)
        if b:
            completed += any(src.get(c) != label for c in src)
        elif uai:
            unknown += 1
        row["_sources"] = json.dumps(src, ensure_ascii=False, sort_keys=True)
        out.append(row)
    notes = []
    if completed:
        notes.append(f"{completed} collège(s) complété(s) par le référentiel national ou l'entrepôt")
    if overridden:
        notes.append(
            f"{overridden} valeur(s) déjà connue(s) (référentiel ou entrepôt) remplacée(s) par le fichier local"
        )
    if unknown:
        notes.append(f"{unknown} UAI absente(s) du référentiel national : colonnes obligatoires à fournir")
    frame = pd.DataFrame(out, columns=["_line", *columns, "_sources"])
    notes.append(sources_summary(frame["_sources"]))
    return frame, notes


def sources_summary(sources: pd.Series) -> str:
    """« sources des valeurs : fichier local x.csv (40), référentiel national (…) (96), … »."""
    import json
    from collections import Counter

    counts: Counter[str] = Counter()
    for text in sources:
        counts.update(json.loads(text).values())
    return "sources des valeurs : " + ", ".join(f"{k} ({n})" for k, n in counts.most_common())
