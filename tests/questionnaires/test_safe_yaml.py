"""numeduc.safeyaml: alias bombs, deep nesting, size, encoding and syntax are refused cleanly."""

from __future__ import annotations

import datetime as dt
import itertools
import tracemalloc

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc import safeyaml
from numeduc.questionnaires import CONTENT_ROOT
from numeduc.safeyaml import UnsafeYamlError, compose_safely, safe_load, safe_load_file


def alias_bomb(levels: int = 9) -> str:
    """« Billion laughs »: each line holds 9 aliases of the previous one (9**levels strings)."""
    names = "abcdefghijklmnop"[:levels]
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, current in itertools.pairwise(names):
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def no_construction(monkeypatch):
    """Fail the test if any Python value is built from a node: the checks must come first."""

    def refuse(self, node):
        raise AssertionError("construct_document called on a document that should have been refused")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", refuse)


def peak_memory(function, *args, **kwargs) -> tuple[BaseException | None, int]:
    tracemalloc.start()
    try:
        function(*args, **kwargs)
        error = None
    except BaseException as exc:  # noqa: BLE001 - returned to the test, which checks its type
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return error, peak


# -- alias bomb ---------------------------------------------------------------------------------
def test_the_alias_bomb_is_refused_at_its_first_anchor_without_being_built(no_construction):
    bomb = alias_bomb()
    assert len(bomb.encode()) < 400  # 9**9 ≈ 387 million strings once expanded
    error, peak = peak_memory(safe_load, bomb, source="bombe.yaml")
    assert isinstance(error, UnsafeYamlError)
    assert (
        str(error) == "bombe.yaml, ligne 1 : les ancres YAML (&a) ne sont pas acceptées : recopiez la valeur"
    )
    assert error.line == 1 and error.path == "a"
    # Parsing 400 bytes, not expanding them: well under a megabyte.
    assert peak < 1_000_000


def test_with_aliases_allowed_the_bomb_is_refused_on_its_graph_never_expanded(no_construction):
    error, peak = peak_memory(
        safe_load, alias_bomb(), source="bombe.yaml", allow_aliases=True, max_nodes=10_000
    )
    assert isinstance(error, UnsafeYamlError)
    assert "une fois les alias développés, le document aurait plus de 10\u202f000 valeurs" in str(error)
    # a: 10 values, b: 91, c: 820, d: 7,381, e: 66,430 > 10,000: refused on e's line.
    assert error.line == 5
    assert peak < 2_000_000


def test_an_alias_alone_is_refused_with_its_line_and_field():
    with pytest.raises(UnsafeYamlError) as caught:
        safe_load("titre: x\nsections:\n  - id: a\n    items: *liste\n", source="q.yaml")
    assert (
        str(caught.value)
        == "q.yaml, ligne 4 : les alias YAML (*liste) ne sont pas acceptés : recopiez la valeur"
    )
    assert caught.value.path == "sections[0].items"


def test_an_anchor_alone_is_refused_too():
    with pytest.raises(UnsafeYamlError, match=r"ligne 2 : les ancres YAML \(&x\)"):
        safe_load("a: 1\nb: &x [1, 2]\n")


def test_allowed_aliases_give_what_yaml_safe_load_gives():
    text = "base: &b {x: 1, y: [1, 2]}\ncopie: *b\nfusion:\n  <<: *b\n  z: 3\n"
    assert safe_load(text, allow_aliases=True) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["&a [*a]", "&m {k: *m}", "a: &s [1, [2, *s]]"])
def test_a_recursive_alias_is_refused(text):
    with pytest.raises(UnsafeYamlError, match="alias YAML récursif"):
        safe_load(text, allow_aliases=True)


def test_an_undefined_alias_is_refused_even_when_aliases_are_allowed():
    with pytest.raises(UnsafeYamlError, match=r"ligne 2 : alias YAML \*y sans ancre"):
        safe_load("a: &x 1\nb: *y\n", allow_aliases=True)


def test_aliases_cannot_nest_past_the_depth_limit():
    text = "a: &a [[[1]]]\nb: &b [[[*a]]]\nc: [[[*b]]]\n"
    assert safe_load(text, allow_aliases=True, max_depth=10) == yaml.safe_load(text)
    with pytest.raises(UnsafeYamlError, match="imbrication trop profonde"):
        safe_load(text, allow_aliases=True, max_depth=8)


# -- nesting ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000,
        "{" * 5000,
        "{a: " * 5000,
        "[\n" * 5000,
        "".join("  " * depth + f"k{depth}:\n" for depth in range(200)),
        "- " * 5000 + "x\n",
        "a: " + "[{b: " * 2500,
    ],
    ids=[
        "flow-seq",
        "flow-map",
        "flow-map-values",
        "flow-seq-lines",
        "block-mappings",
        "block-seqs",
        "mixed",
    ],
)
def test_deep_nesting_is_refused_with_a_line_before_anything_is_built(text, no_construction):
    error, peak = peak_memory(safe_load, text, source="profond.yaml")
    assert isinstance(error, UnsafeYamlError), error
    assert "imbrication trop profonde (plus de 64 niveaux de listes ou de dictionnaires)" in str(error)
    assert str(error).startswith("profond.yaml, ligne ")
    assert peak < 5_000_000


def test_the_depth_limit_is_exact():
    assert safe_load("[" * 64 + "]" * 64) == yaml.safe_load("[" * 64 + "]" * 64)
    with pytest.raises(UnsafeYamlError, match="plus de 64 niveaux"):
        safe_load("[" * 65 + "]" * 65)
    with pytest.raises(UnsafeYamlError, match="plus de 3 niveaux"):
        safe_load("a:\n  b:\n    c:\n      d: 1\n", max_depth=3)
    assert safe_load("a:\n  b:\n    c: 1\n", max_depth=3) == {"a": {"b": {"c": 1}}}


def test_composition_is_iterative_even_far_deeper_than_the_recursion_limit():
    # PyYAML's own composer recurses once per level and fails long before 5,000.
    node = compose_safely("[\n" * 5000 + "]\n" * 5000, max_depth=10_000)
    depth = 0
    while isinstance(node, yaml.SequenceNode) and node.value:
        node, depth = node.value[0], depth + 1
    assert depth == 4999 and isinstance(node, yaml.SequenceNode) and node.value == []


# -- size and encoding --------------------------------------------------------------------------
def test_size_is_counted_in_utf8_bytes_before_parsing():
    assert safe_load("a: " + "x" * 97, max_bytes=100) == {"a": "x" * 97}
    with pytest.raises(UnsafeYamlError) as caught:
        safe_load("a: " + "x" * 98, max_bytes=100, source="gros.yaml")
    assert str(caught.value) == "gros.yaml : fichier trop gros (101 octets ; 100 au plus)"
    # 60 characters but 120 bytes.
    with pytest.raises(UnsafeYamlError, match="trop gros"):
        safe_load("é" * 60, max_bytes=100)
    with pytest.raises(UnsafeYamlError, match="trop gros"):
        safe_load(b"x" * 101, max_bytes=100)
    with pytest.raises(UnsafeYamlError, match="trop gros"):
        safe_load("a: " + "x" * 2_000_000)


def test_a_file_is_read_only_up_to_the_limit(tmp_path):
    big = tmp_path / "gros.yaml"
    big.write_bytes(b"a: " + b"x" * 5000)
    assert len(safeyaml.read_limited(big, max_bytes=5003)) == 5003
    with pytest.raises(UnsafeYamlError, match="gros.yaml : fichier trop gros \\(plus de 5\u202f002 octets"):
        safeyaml.read_limited(big, max_bytes=5002)
    with pytest.raises(UnsafeYamlError) as caught:
        safe_load_file(big, max_bytes=100)
    assert str(caught.value) == "gros.yaml : fichier trop gros (plus de 100 octets ; 100 au plus)"
    with pytest.raises(UnsafeYamlError, match="absent.yaml : fichier introuvable"):
        safe_load_file(tmp_path / "absent.yaml")
    with pytest.raises(UnsafeYamlError, match="fichier illisible"):
        safe_load_file(tmp_path)
    (tmp_path / "ok.yaml").write_text("budget: 45\n", encoding="utf-8")
    assert safe_load_file(tmp_path / "ok.yaml") == {"budget": 45}


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"a: 1\nb: \xff\n", 2), (b"titre: \xe9t\xe9\n", 1), (b"a: 1\n\n\nb: \xc3(\n", 4)],
)
def test_non_utf8_bytes_are_refused_with_their_line(data, line):
    with pytest.raises(UnsafeYamlError) as caught:
        safe_load(data, source="latin.yaml")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"latin.yaml, ligne {line} : le fichier doit être encodé en UTF-8")


def test_utf8_bytes_and_a_byte_order_mark_are_read():
    assert safe_load("titre: été\n".encode()) == {"titre": "été"}
    assert safe_load("\ufefftitre: été\n".encode()) == {"titre": "été"}


# -- syntax and values --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "YAML illisible"),
        ("a: 1\n  b: 2\n", 2, "mapping values are not allowed"),
        ("a: 'non fermé\n", 2, "YAML illisible"),
        ("a: 1\n---\nb: 2\n", 2, "un seul document YAML attendu"),
        ("a: 1\nb: \x00\n", 2, "caractère de contrôle U+0000 (NUL) interdit dans un fichier YAML"),
        ("a: 1\nb: \x1b[31m\n", 2, "U+001B (ESC)"),
        ("a: !!python/object/apply:os.system [ls]\n", 1, "could not determine a constructor"),
        ("x: 1\ndate: 2017-13-45\n", 2, "valeur « 2017-13-45 » illisible"),
        ("n: " + "9" * 5000 + "\n", 1, "illisible"),
        ("t: !!timestamp hier\n", 1, "valeur « hier » illisible"),
        ("? [1]\n: 2\n", 1, "unhashable"),
        ("{a: 1, b: 2", 1, "YAML illisible"),
    ],
)
def test_syntax_and_value_errors_name_the_line(text, line, words):
    with pytest.raises(UnsafeYamlError) as caught:
        safe_load(text, source="f.yaml")
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"f.yaml, ligne {line} : ")
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# rien\n",
        "42",
        "a: 1\nb: [x, {c: d}]\nc: null\nd: 2017-03-01\ne: 1.5e3\nf: yes\ng: '007'\n",
        "texte: |\n  ligne 1\n  ligne 2\nplié: >\n  un\n  deux\n",
        "? complexe\n: valeur\nensemble: !!set {a, b}\nbinaire: !!binary aGVsbG8=\n",
        "fusion:\n  <<: {a: 1}\n  b: 2\n",
        "- - - x\n  - y\n- z\n",
        "%YAML 1.1\n---\na: 1\n...\n",
        'échappé: "tab\\tlà"\n',
    ],
)
def test_a_valid_document_gives_what_yaml_safe_load_gives(text):
    assert safe_load(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "path", sorted(CONTENT_ROOT.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_shipped_questionnaires_load_as_with_yaml_safe_load(path):
    text = path.read_text(encoding="utf-8")
    assert safe_load(text, allow_aliases=True) == yaml.safe_load(text)


def test_the_module_is_pure():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(safeyaml.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {m for m in modules if m.startswith(("django", "numeduc.web"))}


# -- properties ---------------------------------------------------------------------------------
class _NoAliasDumper(yaml.SafeDumper):
    # Hypothesis may hand the same list object twice; safe_dump would write an alias for it.
    def ignore_aliases(self, data):
        return True


# PyYAML itself does not round-trip the YAML line breaks NEL, LS and PS (U+0085, U+2028,
# U+2029) in plain scalars: they come back as spaces or newlines.  That is a PyYAML trait, not a
# safeyaml one (the parity test below covers them); keep them out of the round trip.
texts = st.text(
    alphabet=st.characters(exclude_characters="\x85\u2028\u2029", exclude_categories=("Cs",)), max_size=20
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | texts
    | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(texts, children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(data=documents, flow=st.sampled_from([None, True, False]), unicode=st.booleans())
def test_round_trip_of_dumped_data(data, flow, unicode):
    text = yaml.dump(data, Dumper=_NoAliasDumper, default_flow_style=flow, allow_unicode=unicode)
    assert safe_load(text) == data == yaml.safe_load(text)
    assert safe_load(text.encode("utf-8")) == data


yamlish = st.text(alphabet="[]{}:-,?&*!|>'\"#%@` \n\t\r\x00\x85\ufeffab01.~\\é", max_size=60)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=60), yamlish, documents.map(yaml.safe_dump)), as_bytes=st.booleans())
def test_arbitrary_text_raises_nothing_but_unsafe_yaml_error(text, as_bytes):
    source = text.encode("utf-8", "surrogatepass") if as_bytes else text
    try:
        result = safe_load(source, allow_aliases=False)
    except UnsafeYamlError as exc:
        assert str(exc).startswith("<texte>")
        return
    # Accepted: it must be exactly what PyYAML gives (repr, because a NaN never equals itself).
    assert repr(result) == repr(yaml.safe_load(text))


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=40))
def test_arbitrary_bytes_raise_nothing_but_unsafe_yaml_error(data):
    try:
        safe_load(data, allow_aliases=True)
    except UnsafeYamlError:
        pass
