"""Property tests (hypothesis) of ``numeduc stats`` on arbitrary CSV files (issue 9, item 4).

Files are made of columns of many kinds (ordinary numbers, numbers scaled by 10^-320..10^308,
any float including inf, nan and subnormals, constant columns, nearly empty columns, cells
that are not numbers), random header names (duplicates, blanks, commas, quotes, NUL...), few
or many rows, and random bytes. Whatever the file:

* never a traceback, never a raw numpy warning, exit status 0 or 2 only;
* exit 2: nothing on standard output, a French message on standard error that names a culprit
  (a column that is indeed not computable, the header, the line);
* exit 0: finite JSON (no NaN/Infinity) whose figures agree with an independent computation
  (numpy on columns rescaled by their largest value, so extreme magnitudes do not overflow);
* a file whose columns are all "safe" (finite, varied, moderate magnitudes) is never refused.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from numeduc.cli.main import app

runner = CliRunner()
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MISSING = {"", "NA", "NaN", "nan"}
BAD_TOKENS = ["abc", "1,5", "inf", "-inf", "Infinity", "1e400", "-2e999", "1e-400", "0x1F", "--1", "1.2.3"]
NICE = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
ANY = st.floats(allow_nan=True, allow_infinity=True)
NAMES = st.one_of(
    st.sampled_from(["a", "b", "c", "d", "x y", "é", " a", "", "  ", "a,b", 'q"q', "NA"]),
    st.text(min_size=0, max_size=5),
)


# Ordinary columns dominate so that most files get computed (and checked against the
# oracle); every other kind is there to be refused or computed right.
KINDS = ["nice"] * 10 + ["moderate"] * 3 + ["scaled", "any", "constant", "sparse", "bad"]


@st.composite
def column_cells(draw, n: int, blanks: bool) -> list[str]:
    kind = draw(st.sampled_from(KINDS))
    if kind == "nice":
        cells = [repr(draw(NICE)) for _ in range(n)]
    elif kind in ("moderate", "scaled"):
        factor = 10.0 ** draw(st.integers(-60, 60) if kind == "moderate" else st.integers(-320, 308))
        cells = [repr(draw(NICE) * factor) for _ in range(n)]
    elif kind == "any":
        cells = [repr(draw(ANY)) for _ in range(n)]
    elif kind == "constant":
        cells = [repr(draw(ANY))] * n
    elif kind == "sparse":
        cells = [""] * n
        for i in draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=2)) if n else []:
            cells[i] = repr(draw(NICE))
    else:
        cells = [repr(draw(NICE)) for _ in range(n)]
        if n:
            cells[draw(st.integers(0, n - 1))] = draw(st.sampled_from(BAD_TOKENS))
    if not blanks:
        return cells
    return [draw(st.sampled_from(["", "NA"])) if draw(st.integers(0, 9)) == 0 else c for c in cells]


@st.composite
def csv_files(draw, min_rows: int = 0, max_rows: int = 12, max_cols: int = 5):
    few = draw(st.integers(0, 9)) == 0
    n = draw(st.integers(min_rows, 2) if few and min_rows <= 2 else st.integers(max(min_rows, 3), max_rows))
    p = draw(st.integers(1, max_cols))
    simple = draw(st.integers(0, 4)) > 0  # mostly plain distinct names, so the data get tested
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    names = [f"v{j}" for j in range(p)] if simple else [draw(NAMES) for _ in range(p)]
    if terminator == "\n":
        # csv.writer quotes a field only for the characters of its own line terminator: a bare
        # carriage return in a name would break the header line in two (no real CSV writer does
        # that), which is a different file from the one the oracle classifies.
        names = [name.replace("\r", "") for name in names]
    header = ["id", *names]
    blanks = draw(st.booleans())
    columns = [draw(column_cells(n, blanks)) for _ in range(p)]
    rows = [[f"r{i}", *(col[i] for col in columns)] for i in range(n)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=terminator).writerows([header, *rows])
    content = ("\ufeff" if draw(st.booleans()) else "") + buffer.getvalue()
    return header, columns, content.encode("utf-8")


def parse(cell: str) -> float | None:
    """Test-side reading of a generated cell: NaN when missing, None when not a finite number."""
    s = cell.strip()
    if s in MISSING:
        return math.nan
    try:
        value = float(s)
    except ValueError:
        return None
    if not math.isfinite(value) or (value == 0 and any(ch in "123456789" for ch in s.lower().split("e")[0])):
        return None
    return value


def classify(header, columns, *, complete: bool = False):
    """(problem of the file as a whole or None, {column name: safe?}, parsed columns)."""
    names = [h.strip() for h in header]
    if any("\x00" in h for h in header):
        return "nul", {}, {}
    if any(not name for name in names) or len(set(names)) < len(names):
        return "header", {}, {}
    if len(columns[0]) < 3:
        return "rows", {}, {}
    safe, parsed = {}, {}
    for name, cells in zip(names[1:], columns):
        values = [parse(c) for c in cells]
        ok = all(v is not None for v in values)
        x = np.array([v for v in values if v is not None], dtype=float)
        present = x[~np.isnan(x)]
        ok = ok and len(np.unique(present)) >= 2 and not (complete and np.isnan(x).any())
        if ok:
            # Moderate magnitudes: a spread above FactoMineR's 1e-16 floor (with margin), no
            # square near the float64 limit, and a spread well above rounding.
            scaled = present / np.abs(present).max()
            ok = np.abs(present).max() <= 1e100 and present.std() >= 1e-12 and scaled.std() >= 1e-6
        safe[name] = bool(ok)
        if all(v is not None for v in values):
            parsed[name] = np.array(values, dtype=float)
    return None, safe, parsed


def run(command: str, content: bytes, *args):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "données.csv"
        path.write_bytes(content)
        return runner.invoke(app, ["stats", command, str(path), "--index", "id", *args])


def no_crash(result) -> None:
    event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert "encountered" not in result.stderr  # raw numpy warnings
    assert "calcul numérique instable" not in result.stderr  # the last guard is never needed
    if result.exit_code == 2:
        assert result.stdout == ""  # nothing half-written
        assert result.stderr.startswith("Erreur : ")


def check_refusal(result, problem, safe, extra_words=()) -> bool:
    """True when the command was refused (for a good reason); False when it succeeded."""
    no_crash(result)
    if problem == "header":
        refused = result.exit_code == 2
        assert refused and "en-tête" in result.stderr, result.stderr
        return True
    if problem == "nul":
        assert result.exit_code == 2 and "caractère nul" in result.stderr, result.stderr
        return True
    if problem == "rows":
        assert result.exit_code == 2 and "au moins 3 lignes" in result.stderr, result.stderr
        return True
    if result.exit_code == 0:
        event("computed" if all(safe.values()) else "computed despite an extreme column")
        return False
    event("refused: a column" if not all(safe.values()) else "refused: a safe file")
    culprits = [name for name, ok in safe.items() if not ok]
    named = any(f"« {name} »" in result.stderr for name in culprits)
    assert named or any(word in result.stderr for word in extra_words), (safe, result.stderr)
    return True


def load(result) -> dict:
    def refuse(constant):
        raise AssertionError(f"{constant} in JSON output")

    return json.loads(result.stdout, parse_constant=refuse)


def rescaled(parsed: dict, impute: bool = True) -> np.ndarray:
    cols = []
    for values in parsed.values():
        v = values / np.nanmax(np.abs(values))
        if impute:
            v = np.where(np.isnan(v), np.nanmean(v), v)
        cols.append(v)
    return np.column_stack(cols)


def correlation_eigenvalues(x: np.ndarray) -> np.ndarray:
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    return np.sort(np.linalg.eigvalsh(z.T @ z / len(z)))[::-1]


@SETTINGS
@given(csv_files())
def test_pca_on_arbitrary_files(file):
    header, columns, content = file
    problem, safe, parsed = classify(header, columns)
    result = run("pca", content)
    if check_refusal(result, problem, safe):
        assert problem or not all(safe.values()), f"safe file refused: {result.stderr}"
        return
    out = load(result)
    p, n = len(parsed), len(columns[0])
    eig = np.array([row["eigenvalue"] for row in out["eig"].values()])
    assert len(eig) == min(p, n - 1)
    assert eig.sum() == pytest.approx(p, rel=1e-9)  # scaled: total inertia = number of variables
    assert np.allclose(eig, correlation_eigenvalues(rescaled(parsed))[: len(eig)], rtol=1e-6, atol=1e-6)
    assert sum(row["percent"] for row in out["eig"].values()) == pytest.approx(100)
    assert list(out["eig"].values())[-1]["cumulative"] == pytest.approx(100)
    contrib = pd.DataFrame(out["var"]["contrib"]).T
    assert np.allclose(contrib.sum(), 100, atol=1e-6)
    cor = pd.DataFrame(out["var"]["cor"]).T.to_numpy(dtype=float)
    assert np.isfinite(cor).all() and (np.abs(cor) <= 1 + 1e-9).all()
    for label, row in out["ind"]["cos2"].items():
        for value in row.values():
            if value is None:  # only for an individual at the centre
                assert out["ind"]["dist"][label] < 1e-8
            else:
                assert -1e-12 <= value <= 1 + 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files(max_rows=10, max_cols=4), st.sampled_from(["auto", "2", "3"]), st.booleans())
def test_hcpc_on_arbitrary_files(file, clusters, consolidation):
    header, columns, content = file
    problem, safe, parsed = classify(header, columns)
    args = ["--clusters", clusters] + ([] if consolidation else ["--no-consolidation"])
    result = run("hcpc", content, *args)
    if check_refusal(result, problem, safe, extra_words=("classes", "individus")):
        if not problem and all(safe.values()):
            assert "classes" in result.stderr or "individus" in result.stderr, result.stderr
        return
    out = load(result)
    n, p = len(columns[0]), len(parsed)
    k = out["n_clusters"]
    assert sorted(set(out["clusters"].values())) == list(range(1, k + 1))
    assert list(out["clusters"]) == [f"r{i}" for i in range(n)]
    kept = correlation_eigenvalues(rescaled(parsed))[: min(5, n - 1, p)].sum()
    assert sum(out["inert_gain"]) == pytest.approx(kept, rel=1e-6, abs=1e-6)
    assert out["within"][0] == pytest.approx(kept, rel=1e-6, abs=1e-6)
    assert all(q is None or -1e-12 <= q <= 1 + 1e-9 for q in out["quot"].values())


@SETTINGS
@given(csv_files(), st.sampled_from(["population", "sample"]))
def test_ward_on_arbitrary_files(file, scale):
    header, columns, content = file
    problem, safe, parsed = classify(header, columns, complete=True)
    result = run("ward", content, "--scale", scale)
    if check_refusal(result, problem, safe):
        assert problem or not all(safe.values()), f"safe file refused: {result.stderr}"
        return
    out = load(result)
    n, p = len(columns[0]), len(parsed)
    heights = np.array(out["merge_heights"])
    assert len(heights) == n - 1 and (np.diff(heights) >= -1e-12).all()
    # A Ward tree splits the total sum of squares: sum h²/2 = n·p (population) or (n-1)·p (sample).
    total = (n if scale == "population" else n - 1) * p
    assert (heights**2).sum() / 2 == pytest.approx(total, rel=1e-6)
    c = out["cophenetic_correlation"]
    assert c is None or -1 - 1e-9 <= c <= 1 + 1e-9


@SETTINGS
@given(csv_files(), st.sampled_from(["pearson", "kendall"]))
def test_corr_on_arbitrary_files(file, method):
    header, columns, content = file
    problem, safe, parsed = classify(header, columns)
    result = run("corr", content, "--method", method)
    if check_refusal(result, problem, safe):
        assert problem or not all(safe.values()), f"safe file refused: {result.stderr}"
        return
    out = load(result)
    names = list(parsed)
    # Pearson is scale-invariant: rescaling keeps pandas from overflowing. Kendall uses ranks,
    # which rescaling could change (values below 1e-300 of the largest underflow to 0).
    values = rescaled(parsed, impute=False) if method == "pearson" else np.column_stack(list(parsed.values()))
    expected = pd.DataFrame(values, columns=names).corr(method=method, min_periods=3)
    for a in names:
        for b in names:
            value, ref = out["matrix"][a][b], expected.loc[a, b]
            if a == b:
                assert value == 1
            elif value is None:
                assert math.isnan(ref), (a, b, ref)
            else:
                assert value == pytest.approx(ref, abs=1e-6)
                pv = out["p_values"][a][b]
                assert pv is not None and 0 <= pv <= 1


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.tuples(csv_files(min_rows=3), st.integers(0, 400), st.binary(min_size=1, max_size=6)).map(
            lambda t: t[0][2][: t[1]] + t[2] + t[0][2][t[1] :]
        ),
    ),
    st.sampled_from(["pca", "hcpc", "ward", "corr"]),
)
def test_weird_bytes_never_crash(content, command):
    result = run(command, content)
    no_crash(result)
    if result.exit_code == 0:
        load(result)
