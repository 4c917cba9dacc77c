"""Load and validate questionnaire files (YAML) into ``Questionnaire`` objects.

Every problem is reported with the file (``<slug>/<version>.yaml``), the field path
(``sections[2].items[0].levels``) and, when known, the line, and all problems of a file are
reported at once so that an author fixes them in one pass.  Unknown keys are refused: a typo
such as ``requied: true`` must not silently make a question optional.

The YAML itself is read by ``numeduc.safeyaml``: files over 1 MB, nesting deeper than 64
levels, non-UTF-8 bytes and aliases whose expansion would exceed ``MAX_NODES`` values (an alias
bomb) or loop are refused before any Python value is built, and control characters are refused
in every text of the file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from numeduc import safeyaml
from numeduc.questionnaires.model import (
    AUDIENCES,
    FACTOR_COUNT,
    ITEM_TYPES,
    LEVEL_VALUES,
    Axis,
    Choice,
    Item,
    LevelDescriptor,
    Questionnaire,
    QuestionnaireError,
    Section,
)
from numeduc.text import control_character_problem

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "content" / "questionnaires"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CHOICE_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
# Aliases are allowed in questionnaire files because the shipped dan/2017.yaml shares one list of
# choices between three questions (``choices: *obstacles``) and a published version is never
# edited.  What makes an alias dangerous is its expansion, so that is what is bounded: the
# largest shipped file expands to under 1,000 values, a 300-byte alias bomb to millions.
MAX_NODES = 20_000

_TYPE_NAMES = {
    str: "texte",
    int: "nombre entier",
    float: "nombre",
    bool: "vrai/faux",
    list: "liste",
    dict: "dictionnaire",
}

# Keys allowed on an item whatever its type, then the extra keys each type accepts.
_ITEM_COMMON = {
    "id": (str, True),
    "type": (str, True),
    "label": (str, True),
    "help": (str, False),
    "required": (bool, False),
    "allow_comment": (bool, False),
    "factor": (int, False),
    "short_label": (str, False),
    "axis": (str, False),
}
_ITEM_SPECIFIC = {
    "level": {"levels": (list, True)},
    "choice": {"choices": (list, True)},
    "number": {"unit": (str, False), "min": (float, False), "max": (float, False), "integer": (bool, False)},
    "text": {"max_length": (int, False)},
}


def _version_key(version: str) -> tuple:
    """Natural order: ``2017`` < ``2017b`` < ``2018`` < ``2018-2``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[^\d]+", version)
    )


def _type_name(value: Any) -> str:
    if value is None:
        return "rien"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Validator:
    """Collects the errors of one file; knows the line of every field path."""

    def __init__(self, label: str, lines: dict[str, int]):
        self.label = label
        self.lines = lines
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        line = self._line(path)
        where = f"{path}: " if path else ""
        suffix = f" (ligne {line})" if line else ""
        self.errors.append(f"{self.label}: {where}{message}{suffix}")

    def _line(self, path: str) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[: max(cut, 0)]

    @staticmethod
    def join(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else key

    def mapping(self, node: Any, path: str, spec: dict[str, tuple[type, bool]]) -> dict[str, Any] | None:
        """Check ``node`` is a mapping with the keys of ``spec`` (type, required); return the good values."""
        if not isinstance(node, dict):
            self.error(path, f"dictionnaire attendu, {_type_name(node)} trouvé")
            return None
        values: dict[str, Any] = {}
        for key in node:
            if key not in spec:
                allowed = ", ".join(spec)
                self.error(self.join(path, str(key)), f"clé inconnue « {key} » (clés permises : {allowed})")
        for key, (expected, required) in spec.items():
            sub = self.join(path, key)
            if key not in node or node[key] is None:
                if required:
                    self.error(path, f"champ « {key} » manquant")
                continue
            value = node[key]
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if (
                expected is str
                and isinstance(value, int)
                and not isinstance(value, bool)
                and key == "version"
            ):
                value = str(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                self.error(sub, f"{_TYPE_NAMES[expected]} attendu, {_type_name(value)} trouvé")
                continue
            if expected is str:
                # Escapes such as "\0" or "\e" in a double-quoted string get past the YAML
                # reader's own check; no text of a questionnaire has a use for them.
                problem = control_character_problem(value, multiline=True)
                if problem:
                    self.error(sub, problem)
                    continue
                value = value.strip()
                if required and not value:
                    self.error(sub, "texte vide")
                    continue
            values[key] = value
        return values


def _unsafe_error(exc: safeyaml.UnsafeYamlError, label: str) -> QuestionnaireError:
    """A ``safeyaml`` refusal in this module's style: ``file: path: message (ligne N)``."""
    where = f"{exc.path}: " if exc.path else ""
    suffix = f" (ligne {exc.line})" if exc.line is not None else ""
    return QuestionnaireError(f"{label}: {where}{exc.problem}{suffix}")


def _compose_with_lines(text: str | bytes, label: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML safely, refuse duplicate keys, and record the line of every field path."""
    try:
        node = safeyaml.compose_safely(text, source=label, allow_aliases=True, max_nodes=MAX_NODES)
    except safeyaml.UnsafeYamlError as exc:
        raise _unsafe_error(exc, label) from None
    if node is None:
        raise QuestionnaireError(f"{label}: fichier vide")
    lines: dict[str, int] = {}
    duplicates: list[str] = []

    # Recursive, but compose_safely has bounded the depth (64 levels).
    def walk(current: yaml.Node, path: str) -> None:
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    # A list or mapping used as a key: construct() refuses it with its line.
                    continue
                key = key_node.value
                sub = _Validator.join(path, key)
                if key in seen:
                    duplicates.append(
                        f"{label}: {sub}: clé « {key} » répétée (ligne {key_node.start_mark.line + 1})"
                    )
                seen.add(key)
                lines[sub] = key_node.start_mark.line + 1
                walk(value_node, sub)
        elif isinstance(current, yaml.SequenceNode):
            for index, child in enumerate(current.value):
                walk(child, _Validator.join(path, index))

    walk(node, "")
    if duplicates:
        raise QuestionnaireError("\n".join(duplicates), duplicates)
    try:
        data = safeyaml.construct(node, source=label)
    except safeyaml.UnsafeYamlError as exc:  # e.g. an unknown tag, a date such as 2017-13-45
        raise _unsafe_error(exc, label) from None
    return data, lines


def _file_label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def load_questionnaire_file(path: str | Path) -> Questionnaire:
    """Read and validate any questionnaire file; raise ``QuestionnaireError`` listing every problem."""
    path = Path(path)
    label = _file_label(path)
    try:
        # At most 1 MB + 1 byte is read: the size check must not load a huge file first.
        content = safeyaml.read_limited(path, source=label)
    except safeyaml.UnsafeYamlError as exc:
        raise _unsafe_error(exc, label) from None
    except FileNotFoundError as exc:
        raise QuestionnaireError(f"{label}: fichier introuvable ({path})") from exc
    except IsADirectoryError as exc:
        raise QuestionnaireError(f"{label}: c'est un dossier, pas un fichier ({path})") from exc
    except PermissionError as exc:
        raise QuestionnaireError(f"{label}: lecture non autorisée ({path})") from exc
    except OSError as exc:
        raise QuestionnaireError(f"{label}: fichier illisible ({exc.strerror or exc})") from exc
    data, lines = _compose_with_lines(content, label)
    check = _Validator(label, lines)
    questionnaire = _build(data, check, expected_slug=path.parent.name, expected_version=path.stem)
    if check.errors:
        count = len(check.errors)
        head = f"{label}: {count} erreur{'s' if count > 1 else ''} dans le questionnaire"
        raise QuestionnaireError(head + "\n" + "\n".join(check.errors), check.errors)
    assert questionnaire is not None
    return questionnaire.__class__(**{**questionnaire.__dict__, "source": str(path)})


def _build(
    data: Any, check: _Validator, *, expected_slug: str, expected_version: str
) -> Questionnaire | None:
    top = check.mapping(
        data,
        "",
        {
            "slug": (str, True),
            "version": (str, True),
            "title": (str, True),
            "description": (str, True),
            "audience": (str, True),
            "axes": (list, False),
            "sections": (list, True),
        },
    )
    if top is None:
        return None
    slug = top.get("slug", "")
    version = top.get("version", "")
    if slug and not _SLUG.match(slug):
        check.error("slug", f"« {slug} » : lettres minuscules, chiffres et tirets seulement")
    if slug and slug != expected_slug:
        check.error("slug", f"« {slug} » ne correspond pas au dossier « {expected_slug} »")
    if version and version != expected_version:
        check.error(
            "version", f"« {version} » ne correspond pas au nom du fichier « {expected_version}.yaml »"
        )
    audience = top.get("audience")
    if audience is not None and audience not in AUDIENCES:
        check.error("audience", f"« {audience} » inconnu (valeurs possibles : {', '.join(AUDIENCES)})")

    axes = [_build_axis(node, f"axes[{i}]", check) for i, node in enumerate(top.get("axes", []))]
    axes = [axis for axis in axes if axis is not None]
    _check_unique([(a.id, f"axes[{i}].id") for i, a in enumerate(axes)], "axe", check)

    sections = []
    for index, node in enumerate(top.get("sections", [])):
        section = _build_section(node, f"sections[{index}]", check)
        if section is not None:
            sections.append((index, section))
    if "sections" in top and not top["sections"]:
        check.error("sections", "au moins une section attendue")
    _check_unique([(s.id, f"sections[{i}].id") for i, s in sections], "section", check)
    _check_unique(
        [(item.id, f"sections[{i}].items[{j}].id") for i, s in sections for j, item in enumerate(s.items)],
        "question",
        check,
    )
    sections_final = _check_factors_and_axes(sections, axes, check)
    if check.errors:
        return None
    return Questionnaire(
        slug=slug,
        version=version,
        title=top["title"],
        description=top["description"],
        audience=audience,
        sections=tuple(sections_final),
        axes=tuple(axes),
    )


def _check_unique(pairs: list[tuple[str, str]], what: str, check: _Validator) -> None:
    seen: dict[str, str] = {}
    for value, path in pairs:
        if value in seen:
            check.error(path, f"identifiant de {what} « {value} » déjà utilisé ({seen[value]})")
        else:
            seen[value] = path


def _build_axis(node: Any, path: str, check: _Validator) -> Axis | None:
    values = check.mapping(
        node,
        path,
        {"id": (str, True), "label": (str, True), "description": (str, True), "factors": (list, True)},
    )
    if values is None or len(values) < 4:
        return None
    if not _ID.match(values["id"]):
        check.error(f"{path}.id", f"« {values['id']} » : identifiant en minuscules_avec_soulignés attendu")
    factors = []
    for index, factor in enumerate(values["factors"]):
        if not isinstance(factor, int) or isinstance(factor, bool) or not 1 <= factor <= FACTOR_COUNT:
            check.error(
                f"{path}.factors[{index}]",
                f"numéro de facteur entre 1 et {FACTOR_COUNT} attendu, « {factor} » trouvé",
            )
        else:
            factors.append(factor)
    if not values["factors"]:
        check.error(f"{path}.factors", "au moins un facteur attendu")
    return Axis(
        id=values["id"], label=values["label"], description=values["description"], factors=tuple(factors)
    )


def _build_section(node: Any, path: str, check: _Validator) -> Section | None:
    values = check.mapping(
        node, path, {"id": (str, True), "title": (str, True), "intro": (str, False), "items": (list, True)}
    )
    if values is None:
        return None
    if "id" in values and not _ID.match(values["id"]):
        check.error(f"{path}.id", f"« {values['id']} » : identifiant en minuscules_avec_soulignés attendu")
    items = []
    for index, item_node in enumerate(values.get("items", [])):
        item = _build_item(item_node, f"{path}.items[{index}]", check)
        if item is not None:
            items.append(item)
    if "items" in values and not values["items"]:
        check.error(f"{path}.items", "au moins une question attendue")
    if not {"id", "title", "items"} <= values.keys():
        return None
    return Section(id=values["id"], title=values["title"], intro=values.get("intro", ""), items=tuple(items))


def _build_item(node: Any, path: str, check: _Validator) -> Item | None:
    item_type = node.get("type") if isinstance(node, dict) else None
    if isinstance(item_type, str) and item_type not in ITEM_TYPES:
        check.error(
            f"{path}.type", f"type « {item_type} » inconnu (types possibles : {', '.join(ITEM_TYPES)})"
        )
        return None
    spec = dict(_ITEM_COMMON)
    # A list or a mapping as the type is reported by mapping() below; it must not crash the lookup.
    spec.update(_ITEM_SPECIFIC.get(item_type, {}) if isinstance(item_type, str) else {})
    values = check.mapping(node, path, spec)
    if values is None or not {"id", "type", "label"} <= values.keys():
        return None
    item_id = values["id"]
    if not _ID.match(item_id):
        check.error(f"{path}.id", f"« {item_id} » : identifiant en minuscules_avec_soulignés attendu")
    factor = values.get("factor")
    if factor is not None:
        if not 1 <= factor <= FACTOR_COUNT:
            check.error(
                f"{path}.factor", f"numéro de facteur entre 1 et {FACTOR_COUNT} attendu, {factor} trouvé"
            )
        if item_type != "level":
            check.error(f"{path}.factor", "seule une question de type level peut porter un facteur")
    kwargs: dict[str, Any] = {
        "id": item_id,
        "type": item_type,
        "label": values["label"],
        "help": values.get("help", ""),
        "required": values.get("required", False),
        "allow_comment": values.get("allow_comment", False),
        "factor": factor,
        "short_label": values.get("short_label", ""),
        "axis": values.get("axis"),
    }
    if item_type == "level" and "levels" in values:
        kwargs["levels"] = _build_levels(values["levels"], f"{path}.levels", check)
    elif item_type == "choice" and "choices" in values:
        kwargs["choices"] = _build_choices(values["choices"], f"{path}.choices", check)
    elif item_type == "number":
        low, high = values.get("min"), values.get("max")
        if low is not None and high is not None and low > high:
            check.error(f"{path}.min", f"min ({low:g}) supérieur à max ({high:g})")
        integer = values.get("integer", False)
        for key, bound in (("min", low), ("max", high)):
            if integer and bound is not None and bound != int(bound):
                check.error(f"{path}.{key}", f"borne {bound:g} non entière pour un nombre entier")
        kwargs.update(unit=values.get("unit"), min=low, max=high, integer=integer)
    elif item_type == "text":
        max_length = values.get("max_length")
        if max_length is not None and max_length < 1:
            check.error(f"{path}.max_length", f"longueur positive attendue, {max_length} trouvé")
        kwargs["max_length"] = max_length
    return Item(**kwargs)


def _build_levels(nodes: list, path: str, check: _Validator) -> tuple[LevelDescriptor, ...]:
    if len(nodes) != len(LEVEL_VALUES):
        check.error(path, f"{len(LEVEL_VALUES)} niveaux attendus, {len(nodes)} trouvés")
    levels = []
    for index, node in enumerate(nodes):
        sub = f"{path}[{index}]"
        values = check.mapping(
            node, sub, {"value": (int, True), "label": (str, True), "descriptor": (str, True)}
        )
        if values is None or len(values) < 3:
            continue
        expected = index + 1
        if values["value"] != expected:
            check.error(
                f"{sub}.value",
                f"niveau {expected} attendu à cette place (niveaux 1 à 4 dans l'ordre), {values['value']} trouvé",
            )
        levels.append(
            LevelDescriptor(value=values["value"], label=values["label"], descriptor=values["descriptor"])
        )
    return tuple(levels)


def _build_choices(nodes: list, path: str, check: _Validator) -> tuple[Choice, ...]:
    if len(nodes) < 2:
        check.error(path, f"au moins 2 réponses possibles attendues, {len(nodes)} trouvée(s)")
    choices = []
    seen: dict[str, int] = {}
    for index, node in enumerate(nodes):
        sub = f"{path}[{index}]"
        values = check.mapping(node, sub, {"value": (str, True), "label": (str, True)})
        if values is None or len(values) < 2:
            continue
        value = values["value"]
        if not _CHOICE_VALUE.match(value):
            check.error(f"{sub}.value", f"« {value} » : minuscules, chiffres et soulignés seulement")
        if value in seen:
            check.error(f"{sub}.value", f"valeur « {value} » déjà utilisée ({path}[{seen[value]}])")
        seen.setdefault(value, index)
        choices.append(Choice(value=value, label=values["label"]))
    return tuple(choices)


def _check_factors_and_axes(
    sections: list[tuple[int, Section]], axes: list[Axis], check: _Validator
) -> list[Section]:
    """Factors are all-or-nothing (1..13 once each); axes partition them; fill each item's axis."""
    axis_of_factor: dict[int, str] = {}
    for index, axis in enumerate(axes):
        for factor in axis.factors:
            if factor in axis_of_factor:
                check.error(
                    f"axes[{index}].factors",
                    f"facteur {factor} déjà rangé dans l'axe « {axis_of_factor[factor]} »",
                )
            else:
                axis_of_factor[factor] = axis.id
    axis_ids = {axis.id for axis in axes}
    factor_paths: dict[int, list[str]] = {}
    for section_index, section in sections:
        for item_index, item in enumerate(section.items):
            item_path = f"sections[{section_index}].items[{item_index}]"
            if item.factor is not None:
                factor_paths.setdefault(item.factor, []).append(item_path)
            if item.axis is not None and item.axis not in axis_ids:
                check.error(
                    f"{item_path}.axis",
                    f"axe « {item.axis} » inconnu (axes : {', '.join(sorted(axis_ids)) or 'aucun'})",
                )
            if (
                item.factor is not None
                and item.axis is not None
                and axis_of_factor.get(item.factor, item.axis) != item.axis
            ):
                check.error(
                    f"{item_path}.axis",
                    f"le facteur {item.factor} est rangé dans l'axe « {axis_of_factor[item.factor]} », "
                    f"pas « {item.axis} »",
                )
    for factor, paths in factor_paths.items():
        for extra in paths[1:]:
            check.error(f"{extra}.factor", f"facteur {factor} déjà porté par {paths[0]}")
    if factor_paths:
        missing = [f for f in range(1, FACTOR_COUNT + 1) if f not in factor_paths]
        if missing:
            check.error(
                "sections",
                f"facteurs sans question : {', '.join(map(str, missing))} (les {FACTOR_COUNT} facteurs sont attendus)",
            )
        if not axes:
            check.error("axes", "axes manquants : chaque facteur doit être rangé dans un axe")
        else:
            unmapped = [f for f in sorted(factor_paths) if f not in axis_of_factor]
            if unmapped:
                check.error("axes", f"facteurs rangés dans aucun axe : {', '.join(map(str, unmapped))}")
            unused = [f for f in sorted(axis_of_factor) if f not in factor_paths]
            if unused:
                check.error(
                    "axes", f"facteurs cités dans un axe mais sans question : {', '.join(map(str, unused))}"
                )
    elif axes:
        check.error("axes", "des axes sont définis mais aucune question ne porte de facteur")
    filled = []
    for _, section in sections:
        items = tuple(
            item
            if item.factor is None or item.axis is not None or item.factor not in axis_of_factor
            else Item(**{**item.__dict__, "axis": axis_of_factor[item.factor]})
            for item in section.items
        )
        filled.append(Section(id=section.id, title=section.title, intro=section.intro, items=items))
    return filled


# -- shipped content ---------------------------------------------------------------------------
def available_questionnaires() -> list[tuple[str, str]]:
    """``(slug, version)`` of every shipped questionnaire file, sorted (versions in natural order)."""
    found = [(path.parent.name, path.stem) for path in CONTENT_ROOT.glob("*/*.yaml") if path.is_file()]
    return sorted(found, key=lambda pair: (pair[0], _version_key(pair[1])))


def load_questionnaire(slug: str, version: str | None = None) -> Questionnaire:
    """A shipped questionnaire; ``version=None`` means the latest one. Cached."""
    versions = [v for s, v in available_questionnaires() if s == slug]
    if not versions:
        known = ", ".join(sorted({s for s, _ in available_questionnaires()})) or "aucun"
        raise QuestionnaireError(
            f"questionnaire « {slug} » introuvable (questionnaires disponibles : {known})"
        )
    if version is None:
        version = versions[-1]
    version = str(version)
    if version not in versions:
        raise QuestionnaireError(
            f"questionnaire « {slug} » : version « {version} » introuvable (versions : {', '.join(versions)})"
        )
    return _load_shipped(slug, version)


@cache
def _load_shipped(slug: str, version: str) -> Questionnaire:
    return load_questionnaire_file(CONTENT_ROOT / slug / f"{version}.yaml")
