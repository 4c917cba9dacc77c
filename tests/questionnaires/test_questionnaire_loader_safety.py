"""The questionnaire loader refuses hostile files (bombs, depth, size, control characters) cleanly."""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.formatting import fr_number
from numeduc.questionnaires import (
    QuestionnaireError,
    load_questionnaire,
    load_questionnaire_file,
)
from numeduc.questionnaires.loader import MAX_NODES

from .test_questionnaire_loader import MINIMAL, copy_minimal, write
from .test_safe_yaml import alias_bomb


def error_of(path: Path) -> QuestionnaireError:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_file(path)
    return info.value


def test_an_alias_bomb_is_refused_without_being_expanded(tmp_path, monkeypatch):
    def refuse(self, node):
        raise AssertionError("construct_document called on an alias bomb")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", refuse)
    path = write(tmp_path, alias_bomb())
    tracemalloc.start()
    try:
        error = error_of(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(error) == (
        f"essai/2020.yaml: une fois les alias développés, le document aurait plus de "
        f"{fr_number(MAX_NODES)} valeurs (ligne 5)"
    )
    assert peak < 5_000_000


def test_the_shipped_alias_of_the_dan_questionnaire_still_loads():
    # dan/2017.yaml shares one list of choices between three questions with &obstacles / *obstacles.
    dan = load_questionnaire("dan", "2017")
    obstacles = [item for item in dan.items if item.id.startswith("obstacle_")]
    assert len(obstacles) == 3 and len({item.choices for item in obstacles}) == 1


def test_a_recursive_alias_is_refused(tmp_path):
    error = error_of(write(tmp_path, "slug: essai\nsections: &s [*s]\n"))
    assert str(error) == "essai/2020.yaml: alias YAML récursif (une valeur se contient elle-même) (ligne 2)"


@pytest.mark.parametrize(
    "tail",
    ["[" * 5000, "{a: " * 5000, "\n" + "".join("  " * (d + 1) + f"k{d}:\n" for d in range(100))],
    ids=["flow-seq", "flow-map", "block"],
)
def test_deep_nesting_is_refused_with_a_line(tmp_path, tail):
    error = error_of(write(tmp_path, "slug: essai\nversion: '2020'\nsections: " + tail))
    assert str(error).startswith("essai/2020.yaml: imbrication trop profonde (plus de 64 niveaux")
    assert "(ligne " in str(error)


def test_an_alias_error_names_the_field_path(tmp_path):
    text = "slug: essai\nsections:\n  - id: s1\n    items: *liste\n"
    error = error_of(write(tmp_path, text))
    assert (
        str(error)
        == "essai/2020.yaml: sections[0].items: alias YAML *liste sans ancre &liste avant lui (ligne 4)"
    )


def test_a_too_big_file_is_refused_without_reading_it_whole(tmp_path):
    path = write(tmp_path, "slug: essai\n" + "# " + "x" * 1_100_000 + "\n")
    assert (
        str(error_of(path))
        == "essai/2020.yaml: fichier trop gros (plus de 1\u202f000\u202f000 octets ; 1\u202f000\u202f000 au plus)"
    )


def test_bad_utf8_names_the_line(tmp_path):
    folder = tmp_path / "essai"
    folder.mkdir()
    (folder / "2020.yaml").write_bytes(b"slug: essai\ntitle: \xe9t\xe9\n")
    error = error_of(folder / "2020.yaml")
    assert str(error).startswith("essai/2020.yaml: le fichier doit être encodé en UTF-8 (octet 0xE9")
    assert str(error).endswith("(ligne 2)")


def test_a_directory_is_a_clear_error(tmp_path):
    (tmp_path / "essai" / "2020.yaml").mkdir(parents=True)
    assert "c'est un dossier, pas un fichier" in str(error_of(tmp_path / "essai" / "2020.yaml"))


def test_a_raw_control_character_is_refused_by_the_yaml_reader(tmp_path):
    error = error_of(write(tmp_path, "slug: essai\ntitle: Es\x1bsai\n"))
    assert str(error) == (
        "essai/2020.yaml: caractère de contrôle U+001B (ESC) interdit dans un fichier YAML (ligne 2)"
    )


def test_an_escaped_control_character_is_refused_in_every_text(tmp_path):
    data = copy_minimal()
    data["sections"][0]["items"][0]["label"] = "Tex\x00te"
    data["sections"][1]["items"][0]["choices"][1]["label"] = "B\x07"
    data["description"] = "Ligne 1\nLigne 2\tavec tab"  # multi-line texts keep their breaks
    path = write(tmp_path, data)
    assert '"Tex\\0te"' in path.read_text(encoding="utf-8")  # written as a YAML escape
    error = error_of(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    label_line = next(n for n, line in enumerate(lines, 1) if "Tex\\0te" in line)
    assert (
        "essai/2020.yaml: sections[0].items[0].label: caractère de contrôle U+0000 (NUL) en position 4 "
        f"(ligne {label_line})"
    ) in error.errors
    assert any(
        e.startswith(
            "essai/2020.yaml: sections[1].items[0].choices[1].label: caractère de contrôle U+0007 (BEL)"
        )
        for e in error.errors
    )
    assert len(error.errors) == 2


def test_a_bad_date_or_an_unknown_tag_is_a_questionnaire_error(tmp_path):
    assert str(error_of(write(tmp_path, "slug: essai\nversion: 2017-13-45\n"))).startswith(
        "essai/2020.yaml: valeur « 2017-13-45 » illisible"
    )
    assert "could not determine a constructor" in str(
        error_of(write(tmp_path, "slug: essai\ntitle: !!python/name:os.system ''\n"))
    )


def test_a_list_used_as_a_key_is_a_questionnaire_error(tmp_path):
    error = error_of(write(tmp_path, "slug: essai\n? [a, b]\n: c\n"))
    assert str(error).startswith("essai/2020.yaml: YAML illisible : ")
    assert "unhashable" in str(error)


def test_the_minimal_file_still_loads(tmp_path):
    assert load_questionnaire_file(write(tmp_path, MINIMAL)).title == "Essai"


# -- whatever the content, a QuestionnaireError and never a crash ---------------------------------
def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from _paths(value, (*prefix, index))


_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 20)
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from(["level", "choice", "number", "text", "departement", "s1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=4) | st.integers(0, 3), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=100, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from([p for p in _paths(MINIMAL) if p]), _JUNK), min_size=1, max_size=3
    )
)
def test_a_mangled_file_gives_a_questionnaire_error_never_a_crash(changes):
    data = copy_minimal()
    for path, value in changes:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced a parent: nothing to change there
    with tempfile.TemporaryDirectory() as folder:
        try:
            load_questionnaire_file(write(Path(folder), data))
        except QuestionnaireError as exc:
            assert all(message.startswith("essai/2020.yaml: ") for message in exc.errors)
