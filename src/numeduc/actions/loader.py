"""Load and validate the action catalogue (YAML files) into a ``Catalogue``.

The catalogue is a directory of YAML files, one per family (``gouvernance.yaml`` …); the
format is in docs/actions.md.  Like the questionnaires, every problem is reported with the file,
the field path (``actions[3].factors[0].to``) and the line, and all problems of all files at once,
so that an editor fixes them in one pass: unknown or missing fields, factor ids outside f01-f13,
levels outside 1-4 or a target not above its starting level, duplicate ids, prerequisites that do
not exist or that form a cycle, usage indicators the warehouse does not compute, budget presets
and parameters the budget engine does not know, partners outside ``PARTNERS``, unknown
département codes.

YAML is read through ``numeduc.safeyaml`` by the questionnaires' line-aware reader, so that the
two kinds of content files report errors in exactly the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from numeduc.actions.model import (
    COST_UNITS,
    FACTOR_IDS,
    FAMILIES,
    HIGHEST_LEVEL,
    LOWEST_LEVEL,
    PARTNERS,
    Action,
    ActionCatalogueError,
    Catalogue,
    Cost,
    FactorTarget,
    SheetReference,
    Source,
)
from numeduc.questionnaires.loader import _compose_with_lines, _Validator
from numeduc.questionnaires.model import QuestionnaireError
from numeduc.safeyaml import DEFAULT_MAX_BYTES, UnsafeYamlError, read_limited

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "content" / "actions"
_ACTION_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# The white paper's text file (../shared/seed/livre-blanc-adf-2017.txt) has 4,652 lines.
PAPER_LINE_COUNT = 4652

_TOP: dict[str, tuple[type, bool]] = {"family": (str, True), "actions": (list, True)}
_ACTION: dict[str, tuple[type, bool]] = {
    "id": (str, True),
    "title": (str, True),
    "why": (str, True),
    "how": (str, True),
    "factors": (list, True),
    "prerequisites": (list, False),
    "cost": (dict, True),
    "partners": (list, True),
    "indicators": (list, True),
    "source": (dict, True),
}
_TARGET: dict[str, tuple[type, bool]] = {"factor": (str, True), "from": (int, True), "to": (int, True)}
_COST: dict[str, tuple[type, bool]] = {
    "investment": (float, True),
    "running": (float, True),
    "per": (str, True),
    "note": (str, False),
    "preset": (str, False),
    "parameters": (list, False),
}
_SOURCE: dict[str, tuple[type, bool]] = {
    "section": (str, True),
    "lines": (list, True),
    "sheets": (list, False),
}
_SHEET: dict[str, tuple[type, bool]] = {"departement": (str, True), "lines": (list, True)}


@cache
def known_indicators() -> frozenset[str]:
    """Ids of the usage warehouse's indicators (from indicator_ids, which does not import Ibis)."""
    from numeduc.usage.indicator_ids import INDICATORS

    return frozenset(INDICATORS)


@cache
def _known_budget() -> tuple[frozenset[str], frozenset[str]]:
    """Budget parameter names and preset names of ``numeduc.budget``."""
    from numeduc.budget.parameters import PARAMETERS
    from numeduc.budget.scenario import list_presets

    return frozenset(PARAMETERS), frozenset(list_presets())


@cache
def _known_departements() -> frozenset[str]:
    from numeduc.names import departement_codes

    return frozenset(departement_codes())


@dataclass
class _Located:
    """An action read from a file, with what is needed to report a cross-file error."""

    action: Action
    check: _Validator
    path: str  # ``actions[3]``
    prerequisite_paths: tuple[str, ...]


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Read and validate every ``*.yaml`` file of ``directory`` (default: the built-in catalogue).

    Raises ``ActionCatalogueError`` listing every problem of every file at once.
    """
    if directory is None:
        return _builtin()
    return _load(Path(directory))


@cache
def _builtin() -> Catalogue:
    return _load(CONTENT_ROOT)


def _load(directory: Path) -> Catalogue:
    if not directory.is_dir():
        raise ActionCatalogueError(f"{directory} : dossier introuvable")
    files = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    if not files:
        raise ActionCatalogueError(f"{directory} : aucun fichier .yaml dans ce dossier")
    errors: list[str] = []
    located: list[_Located] = []
    for path in files:
        found, problems = _load_file(path)
        located.extend(found)
        errors.extend(problems)
    errors.extend(_check_across_files(located))
    if errors:
        count = len(errors)
        head = f"{directory} : {count} erreur{'s' if count > 1 else ''} dans le catalogue d'actions"
        raise ActionCatalogueError(head + "\n" + "\n".join(errors), errors)
    # The white paper's order of the families, then the order of the files and of each file.
    family_order = list(FAMILIES)
    ordered = sorted(located, key=lambda item: family_order.index(item.action.family))
    return Catalogue(actions=tuple(item.action for item in ordered))


def _load_file(path: Path) -> tuple[list[_Located], list[str]]:
    label = path.name
    try:
        content = read_limited(path, source=label, max_bytes=DEFAULT_MAX_BYTES)
    except UnsafeYamlError as exc:
        return [], [f"{label}: {exc.problem}"]
    except OSError as exc:
        return [], [f"{label}: fichier illisible ({exc.strerror or exc})"]
    try:
        data, lines = _compose_with_lines(content, label)
    except QuestionnaireError as exc:
        return [], list(exc.errors)
    check = _Validator(label, lines)
    top = check.mapping(data, "", _TOP)
    if top is None:
        return [], check.errors
    family = top.get("family")
    if family is not None and family not in FAMILIES:
        check.error("family", f"famille « {family} » inconnue (familles : {', '.join(FAMILIES)})")
        family = None
    if "actions" in top and not top["actions"]:
        check.error("actions", "au moins une action attendue")
    located = []
    for index, node in enumerate(top.get("actions", [])):
        item = _build_action(node, f"actions[{index}]", family, check)
        if item is not None:
            located.append(item)
    return located, check.errors


def _strings(check: _Validator, values: list, path: str, what: str) -> list[tuple[str, str]]:
    """The non-empty strings of a list with their paths; anything else is reported."""
    found = []
    for index, value in enumerate(values):
        sub = f"{path}[{index}]"
        if not isinstance(value, str) or not value.strip():
            check.error(sub, f"{what} attendu (texte), « {value} » trouvé")
        else:
            found.append((value.strip(), sub))
    return found


def _line_range(check: _Validator, node: Any, path: str) -> tuple[int, int] | None:
    ok = (
        isinstance(node, list)
        and len(node) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in node)
    )
    if not ok:
        check.error(path, f"deux numéros de ligne attendus, par exemple [4162, 4190], « {node} » trouvé")
        return None
    first, last = node
    if not 1 <= first <= last <= PAPER_LINE_COUNT:
        check.error(
            path,
            f"lignes {first}-{last} hors du livre blanc (1 à {PAPER_LINE_COUNT}, la première avant la dernière)",
        )
        return None
    return first, last


def _build_action(node: Any, path: str, family: str | None, check: _Validator) -> _Located | None:
    before = len(check.errors)
    values = check.mapping(node, path, _ACTION)
    if values is None:
        return None
    action_id = values.get("id")
    if action_id is not None and not _ACTION_ID.match(action_id):
        check.error(
            f"{path}.id",
            f"« {action_id} » : minuscules, chiffres et tirets seulement (ex. « convention-rectorat »)",
        )
    targets = _build_targets(values.get("factors", []), f"{path}.factors", check)
    if "factors" in values and not values["factors"]:
        check.error(f"{path}.factors", "au moins un facteur attendu")
    prerequisites = _strings(
        check, values.get("prerequisites", []), f"{path}.prerequisites", "identifiant d'action"
    )
    cost = _build_cost(values.get("cost"), f"{path}.cost", check)
    partners = []
    for partner, sub in _strings(check, values.get("partners", []), f"{path}.partners", "partenaire"):
        if partner not in PARTNERS:
            check.error(sub, f"partenaire « {partner} » inconnu (partenaires : {', '.join(PARTNERS)})")
        else:
            partners.append(partner)
    if "partners" in values and not values["partners"]:
        check.error(f"{path}.partners", "au moins un partenaire attendu")
    indicators = []
    for indicator, sub in _strings(check, values.get("indicators", []), f"{path}.indicators", "indicateur"):
        if indicator not in known_indicators():
            check.error(sub, f"indicateur d'usage « {indicator} » inconnu (voir docs/usage.md)")
        else:
            indicators.append(indicator)
    source = _build_source(values.get("source"), f"{path}.source", check)
    if len(check.errors) > before or family is None or not {"id", "title", "why", "how"} <= values.keys():
        return None
    assert cost is not None and source is not None
    action = Action(
        id=values["id"],
        family=family,
        title=values["title"],
        why=values["why"],
        how=values["how"],
        factors=tuple(targets),
        prerequisites=tuple(p for p, _ in prerequisites),
        cost=cost,
        partners=tuple(partners),
        indicators=tuple(indicators),
        source=source,
        file=check.label,
    )
    return _Located(action, check, path, tuple(sub for _, sub in prerequisites))


def _build_targets(nodes: list, path: str, check: _Validator) -> list[FactorTarget]:
    targets = []
    seen: dict[str, str] = {}
    for index, node in enumerate(nodes):
        sub = f"{path}[{index}]"
        values = check.mapping(node, sub, _TARGET)
        if values is None or len(values) < 3:
            continue
        factor, low, high = values["factor"], values["from"], values["to"]
        good = True
        if factor not in FACTOR_IDS:
            check.error(f"{sub}.factor", f"facteur « {factor} » inconnu (f01 à {FACTOR_IDS[-1]})")
            good = False
        elif factor in seen:
            check.error(f"{sub}.factor", f"facteur « {factor} » déjà cité ({seen[factor]})")
            good = False
        seen.setdefault(factor, sub)
        for key, level in (("from", low), ("to", high)):
            if not LOWEST_LEVEL <= level <= HIGHEST_LEVEL:
                check.error(
                    f"{sub}.{key}", f"niveau entre {LOWEST_LEVEL} et {HIGHEST_LEVEL} attendu, {level} trouvé"
                )
                good = False
        if good and high <= low:
            check.error(
                f"{sub}.to", f"le niveau visé ({high}) doit être au-dessus du niveau de départ ({low})"
            )
            good = False
        if good:
            targets.append(FactorTarget(factor=factor, from_level=low, to_level=high))
    return targets


def _build_cost(node: Any, path: str, check: _Validator) -> Cost | None:
    if node is None:
        return None
    values = check.mapping(node, path, _COST)
    if values is None:
        return None
    good = {"investment", "running", "per"} <= values.keys()
    for key in ("investment", "running"):
        if key in values and values[key] < 0:
            check.error(f"{path}.{key}", f"montant positif ou nul attendu, {values[key]:g} trouvé")
            good = False
    per = values.get("per")
    if per is not None and per not in COST_UNITS:
        check.error(f"{path}.per", f"« {per} » inconnu (valeurs possibles : {', '.join(COST_UNITS)})")
        good = False
    parameter_names, preset_names = _known_budget()
    preset = values.get("preset")
    if preset is not None and preset not in preset_names:
        check.error(
            f"{path}.preset",
            f"préréglage budgétaire « {preset} » inconnu ({', '.join(sorted(preset_names))})",
        )
        good = False
    parameters = []
    for name, sub in _strings(check, values.get("parameters", []), f"{path}.parameters", "paramètre"):
        if name not in parameter_names:
            check.error(sub, f"paramètre budgétaire « {name} » inconnu (voir numeduc.budget.parameters)")
            good = False
        else:
            parameters.append(name)
    if not good:
        return None
    return Cost(
        investment=values["investment"],
        running=values["running"],
        per=values["per"],
        note=values.get("note", ""),
        preset=preset,
        parameters=tuple(parameters),
    )


def _build_source(node: Any, path: str, check: _Validator) -> Source | None:
    if node is None:
        return None
    values = check.mapping(node, path, _SOURCE)
    if values is None:
        return None
    lines = _line_range(check, values["lines"], f"{path}.lines") if "lines" in values else None
    sheets = []
    for index, sheet_node in enumerate(values.get("sheets", [])):
        sub = f"{path}.sheets[{index}]"
        sheet = check.mapping(sheet_node, sub, _SHEET)
        if sheet is None or len(sheet) < 2:
            continue
        code = sheet["departement"]
        sheet_lines = _line_range(check, sheet["lines"], f"{sub}.lines")
        if code not in _known_departements():
            check.error(
                f"{sub}.departement", f"code de département « {code} » inconnu (code Insee, ex. « 45 »)"
            )
        elif sheet_lines is not None:
            sheets.append(SheetReference(departement=code, lines=sheet_lines))
    if lines is None or "section" not in values:
        return None
    return Source(section=values["section"], lines=lines, sheets=tuple(sheets))


def _check_across_files(located: list[_Located]) -> list[str]:
    """Duplicate ids, unknown prerequisites and prerequisite cycles, over the whole catalogue."""
    errors: list[str] = []

    def report(item: _Located, path: str, message: str) -> None:
        before = len(item.check.errors)
        item.check.error(path, message)
        errors.append(item.check.errors.pop(before))

    first: dict[str, _Located] = {}
    for item in located:
        action_id = item.action.id
        if action_id in first:
            other = first[action_id]
            report(
                item,
                f"{item.path}.id",
                f"identifiant « {action_id} » déjà utilisé ({other.check.label}, {other.path})",
            )
        else:
            first[action_id] = item
    for item in located:
        for prerequisite, path in zip(item.action.prerequisites, item.prerequisite_paths):
            if prerequisite == item.action.id:
                report(item, path, f"l'action « {prerequisite} » ne peut pas être son propre préalable")
            elif prerequisite not in first:
                report(item, path, f"préalable « {prerequisite} » inconnu (aucune action de ce nom)")
    # A self-reference is reported above; the cycle search looks at longer loops only.
    graph = {a: tuple(p for p in first[a].action.prerequisites if p != a) for a in first}
    for cycle in _cycles(graph):
        item = first[cycle[0]]
        index = item.action.prerequisites.index(cycle[1])
        chain = " → ".join([*cycle, cycle[0]])
        report(item, item.prerequisite_paths[index], f"préalables en boucle : {chain}")
    return errors


def _cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """One cycle per strongly tied group of actions, each starting at its smallest id (deterministic)."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        # Iterative depth-first search; ``stack`` holds the current path.
        stack: list[tuple[str, list[str]]] = [(start, sorted(p for p in graph[start] if p in graph))]
        on_path = {start}
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                on_path.discard(node)
                done.add(node)
                continue
            child = pending.pop(0)
            if child in on_path:
                path = [n for n, _ in stack]
                cycle = path[path.index(child) :]
                low = cycle.index(min(cycle))
                cycle = cycle[low:] + cycle[:low]
                if cycle not in cycles:
                    cycles.append(cycle)
            elif child not in done:
                stack.append((child, sorted(p for p in graph[child] if p in graph)))
                on_path.add(child)
    return cycles
