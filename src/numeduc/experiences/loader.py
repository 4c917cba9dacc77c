"""Read and validate the experience sheets (Markdown with a YAML front matter) into ``Sheets``.

Every problem is reported with the file, the field path and the line of the file, all problems of
all files at once (the questionnaires' and the action catalogue's reader: ``numeduc.safeyaml``
behind ``questionnaires.loader._compose_with_lines``). The front matter is parsed with as many
blank lines before it as the file has, so that the lines reported are the file's.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

from numeduc.experiences.model import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    PAPER_FIGURES,
    PAPER_LINE_COUNT,
    STRATEGIES,
    THEMES,
    ExperienceError,
    Fact,
    Figure,
    Sheet,
    Sheets,
    Source,
)
from numeduc.questionnaires.loader import _compose_with_lines, _Validator
from numeduc.questionnaires.model import QuestionnaireError
from numeduc.safeyaml import DEFAULT_MAX_BYTES, UnsafeYamlError, read_limited

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "content" / "experiences"
FOLDERS = {"departements": "departement", "pays": "pays"}
_SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_REFERENCES = ("departements.csv", "colleges.csv", "academies.csv")

_COMMON: dict[str, tuple[type, bool]] = {
    "kind": (str, True),
    "code": (str, True),
    "title": (str, True),
    "revised": (object, True),
    "themes": (list, True),
}
_DEPARTEMENT = {
    **_COMMON,
    "strategies": (list, True),
    "paper_figures": (dict, True),
    "history": (list, True),
    "objectives": (list, True),
    "focus": (dict, False),
}
_COUNTRY = {
    **_COMMON,
    "key_figures": (list, True),
    "organisation": (list, True),
    "programmes": (list, True),
    "lessons": (list, True),
    "risks": (list, True),
}
_SOURCE: dict[str, tuple[type, bool]] = {
    "lines": (list, False),
    "section": (str, False),
    "reference": (str, False),
    "url": (str, False),
    "title": (str, False),
    "year": (int, False),
}
_PAPER_FIGURE: dict[str, tuple[type, bool]] = {
    "value": (float, True),
    "year": (int, True),
    "source": (dict, True),
    "note": (str, False),
}
_KEY_FIGURE: dict[str, tuple[type, bool]] = {
    "label": (str, True),
    "value": (float, True),
    "unit": (str, False),
    "year": (int, True),
    "source": (dict, True),
    "note": (str, False),
}
_FACT: dict[str, tuple[type, bool]] = {
    "text": (str, True),
    "source": (dict, True),
    "title": (str, False),
    "year": (int, False),
}
_DATED_FACT = {**_FACT, "title": (str, True), "year": (int, True)}


@cache
def _known_departements() -> frozenset[str]:
    from numeduc.names import departement_codes

    return frozenset(departement_codes())


def split_front_matter(text: str, label: str) -> tuple[str, str]:
    """(front matter with the file's lines kept, Markdown body)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ExperienceError(f"{label}: l'en-tête YAML doit commencer à la première ligne par « --- »")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            # One blank line for the opening « --- »: YAML line N is the file's line N.
            front = "\n" + "\n".join(lines[1:index]) + "\n"
            return front, "\n".join(lines[index + 1 :]).strip()
    raise ExperienceError(f"{label}: l'en-tête YAML n'est pas fermé par une ligne « --- »")


def load_sheets(directory: str | Path | None = None) -> Sheets:
    """Every sheet of ``directory`` (default: the built-in content). Raises ``ExperienceError``
    listing every problem of every file."""
    if directory is None:
        return _builtin()
    return _load(Path(directory))


@cache
def _builtin() -> Sheets:
    return _load(CONTENT_ROOT)


def _load(directory: Path) -> Sheets:
    if not directory.is_dir():
        raise ExperienceError(f"{directory} : dossier introuvable")
    errors: list[str] = []
    sheets = Sheets()
    for folder, kind in FOLDERS.items():
        for path in sorted((directory / folder).glob("*.md")):
            sheet, problems = _load_file(path, kind)
            errors.extend(problems)
            if sheet is not None:
                target = sheets.departements if kind == "departement" else sheets.countries
                target[sheet.code] = sheet
    if errors:
        count = len(errors)
        head = f"{directory} : {count} erreur{'s' if count > 1 else ''} dans les fiches d'expérience"
        raise ExperienceError(head + "\n" + "\n".join(errors), errors)
    return sheets


def _load_file(path: Path, kind: str) -> tuple[Sheet | None, list[str]]:
    label = f"{path.parent.name}/{path.name}"
    try:
        text = read_limited(path, source=label, max_bytes=DEFAULT_MAX_BYTES).decode("utf-8")
    except UnsafeYamlError as exc:
        return None, [f"{label}: {exc.problem}"]
    except UnicodeDecodeError:
        return None, [f"{label}: le fichier n'est pas en UTF-8"]
    except OSError as exc:
        return None, [f"{label}: fichier illisible ({exc.strerror or exc})"]
    try:
        front, body = split_front_matter(text, label)
        data, lines = _compose_with_lines(front, label)
    except ExperienceError as exc:
        return None, list(exc.errors)
    except QuestionnaireError as exc:
        return None, list(exc.errors)
    check = _Validator(label, lines)
    sheet = _build(data, check, kind, path.stem, body)
    return (sheet if not check.errors else None), check.errors


def _year(check: _Validator, value: Any, path: str) -> int | None:
    if value is None:
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        check.error(path, f"année entre {FIRST_YEAR} et {LAST_YEAR} attendue, {value} trouvé")
        return None
    return value


def _source(check: _Validator, node: Any, path: str) -> Source | None:
    values = check.mapping(node, path, _SOURCE)
    if values is None:
        return None
    kinds = [k for k in ("lines", "reference", "url") if k in values]
    if len(kinds) != 1:
        check.error(
            path, "une source : « lines » (livre blanc), « reference » (données de référence) ou « url »"
        )
        return None
    lines = None
    if "lines" in values:
        node_lines = values["lines"]
        ok = (
            isinstance(node_lines, list)
            and len(node_lines) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in node_lines)
        )
        if not ok:
            check.error(
                f"{path}.lines",
                f"deux numéros de ligne attendus, par exemple [1276, 1320], « {node_lines} » trouvé",
            )
            return None
        first, last = node_lines
        if not 1 <= first <= last <= PAPER_LINE_COUNT:
            check.error(
                f"{path}.lines",
                f"lignes {first}-{last} hors du livre blanc (1 à {PAPER_LINE_COUNT}, la première avant la dernière)",
            )
            return None
        lines = (first, last)
    if "reference" in values and values["reference"] not in _REFERENCES:
        check.error(f"{path}.reference", f"« {values['reference']} » : {', '.join(_REFERENCES)} attendu")
        return None
    if "url" in values and not values["url"].startswith("https://"):
        check.error(f"{path}.url", "adresse « https://… » attendue")
        return None
    return Source(
        lines=lines,
        section=values.get("section", ""),
        reference=values.get("reference", ""),
        url=values.get("url", ""),
        title=values.get("title", ""),
        year=_year(check, values.get("year"), f"{path}.year"),
    )


def _facts(check: _Validator, nodes: list, path: str, *, dated: bool = False) -> list[Fact]:
    out = []
    for index, node in enumerate(nodes):
        sub = f"{path}[{index}]"
        values = check.mapping(node, sub, _DATED_FACT if dated else _FACT)
        if values is None or "text" not in values:
            continue
        source = _source(check, values.get("source"), f"{sub}.source")
        year = _year(check, values.get("year"), f"{sub}.year")
        if source is not None:
            out.append(Fact(values["text"], source, values.get("title", ""), year))
    return out


def _vocabulary(
    check: _Validator, values: list, path: str, allowed: dict[str, str], what: str
) -> tuple[str, ...]:
    out = []
    for index, value in enumerate(values):
        if value not in allowed:
            check.error(f"{path}[{index}]", f"{what} « {value} » inconnu ({', '.join(allowed)})")
        elif value not in out:
            out.append(value)
    return tuple(out)


def _figure(check: _Validator, key: str, label: str, unit: str, values: dict, path: str) -> Figure | None:
    source = _source(check, values.get("source"), f"{path}.source")
    year = _year(check, values.get("year"), f"{path}.year")
    value = values.get("value")
    if value is not None and value < 0:
        check.error(f"{path}.value", f"nombre positif attendu, {value} trouvé")
        return None
    if source is None or year is None or value is None:
        return None
    return Figure(key, label, value, unit, year, source, values.get("note", ""))


def _build(data: Any, check: _Validator, kind: str, stem: str, body: str) -> Sheet | None:
    spec = _DEPARTEMENT if kind == "departement" else _COUNTRY
    values = check.mapping(data, "", spec)
    if values is None:
        return None
    if values.get("kind") not in (None, kind):
        check.error("kind", f"« {kind} » attendu dans ce dossier ({', '.join(KINDS)})")
    code = values.get("code")
    if code is not None:
        if code != stem:
            check.error("code", f"le code « {code} » doit être le nom du fichier (« {stem} »)")
        if kind == "departement" and code not in _known_departements():
            check.error("code", f"département « {code} » inconnu")
        if kind == "pays" and not _SLUG.match(code):
            check.error("code", f"« {code} » : minuscules, chiffres et tirets seulement")
    revised = values.get("revised")
    if revised is not None and not isinstance(revised, dt.date):
        check.error("revised", f"date AAAA-MM-JJ attendue, « {revised} » trouvé")
    if not body:
        check.error("", "introduction manquante après l'en-tête")
    themes = _vocabulary(check, values.get("themes", []), "themes", THEMES, "thème")
    common = {
        "kind": kind,
        "code": code or stem,
        "title": values.get("title", ""),
        "revised": revised if isinstance(revised, dt.date) else dt.date(1970, 1, 1),
        "introduction": body,
        "themes": themes,
        "file": check.label,
    }
    if kind == "departement":
        figures = []
        for key, node in (values.get("paper_figures") or {}).items():
            sub = f"paper_figures.{key}"
            if key not in PAPER_FIGURES:
                check.error(sub, f"chiffre « {key} » inconnu ({', '.join(PAPER_FIGURES)})")
                continue
            figure_values = check.mapping(node, sub, _PAPER_FIGURE)
            if figure_values is not None:
                label, unit = PAPER_FIGURES[key]
                figure = _figure(check, key, label, unit, figure_values, sub)
                if figure is not None:
                    figures.append(figure)
        focus = None
        if values.get("focus") is not None:
            found = _facts(check, [values["focus"]], "focus")
            focus = found[0] if found else None
        history = _facts(check, values.get("history", []), "history", dated=True)
        return Sheet(
            **common,
            strategies=_vocabulary(
                check, values.get("strategies", []), "strategies", STRATEGIES, "stratégie"
            ),
            paper_figures=tuple(sorted(figures, key=lambda f: list(PAPER_FIGURES).index(f.key))),
            history=tuple(sorted(history, key=lambda f: -(f.year or 0))),
            objectives=tuple(_facts(check, values.get("objectives", []), "objectives")),
            focus=focus,
        )
    key_figures = []
    for index, node in enumerate(values.get("key_figures", [])):
        sub = f"key_figures[{index}]"
        figure_values = check.mapping(node, sub, _KEY_FIGURE)
        if figure_values is not None and "label" in figure_values:
            figure = _figure(
                check,
                f"figure_{index + 1}",
                figure_values["label"],
                figure_values.get("unit", ""),
                figure_values,
                sub,
            )
            if figure is not None:
                key_figures.append(figure)
    return Sheet(
        **common,
        key_figures=tuple(key_figures),
        organisation=tuple(_facts(check, values.get("organisation", []), "organisation")),
        programmes=tuple(_facts(check, values.get("programmes", []), "programmes")),
        lessons=tuple(_facts(check, values.get("lessons", []), "lessons")),
        risks=tuple(_facts(check, values.get("risks", []), "risks")),
    )
