"""What the statistics refuse (issue 9, items 3 and 4): each refusal names the column, the
core raises a StatsInputError (a ValueError), the CLI answers exit status 2 with a French
message on standard error and writes nothing on standard output."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from numeduc.cli.main import app
from numeduc.stats import (
    ConstantColumnError,
    DuplicateColumnError,
    EmptyColumnError,
    InfiniteValueError,
    MissingValueError,
    OverflowColumnError,
    StatsInputError,
    TooFewRowsError,
    correlation,
    hcpc,
    pca,
    ward,
)

runner = CliRunner()


def frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=[f"r{i}" for i in range(n)])


VARIED = [1.0, 3.0, 2.0, 5.0, 4.0, 7.0]


# --------------------------------------------------------------------------- core: pca


@pytest.mark.parametrize(
    "bad, error, words",
    [
        ([2.0] * 6, ConstantColumnError, "« b » constante (toutes les valeurs valent 2)"),
        ([np.nan] * 6, EmptyColumnError, "« b » : aucune valeur renseignée"),
        (
            [np.nan, 4.0, np.nan, np.nan, np.nan, np.nan],
            ConstantColumnError,
            "une seule valeur renseignée (4)",
        ),
        ([1.0, np.inf, 2.0, 3.0, 4.0, 5.0], InfiniteValueError, "« b », ligne « r1 » : valeur infinie"),
        (
            [1e308, -1e308, 1e308, 5.0, 1.0, 2.0],
            OverflowColumnError,
            "« b » : valeurs trop grandes (jusqu'à 1e+308)",
        ),
        ([1e-20, 2e-20, 3e-20, 1e-20, 2e-20, 3e-20], ConstantColumnError, "« b » : variabilité trop faible"),
        ([1e5, 1e5, 1e5, 1e5, 1e5, 1e5 + 3e-11], ConstantColumnError, "« b » : variabilité négligeable"),
    ],
)
def test_pca_refuses_columns_it_cannot_compute(bad, error, words):
    with pytest.raises(error) as caught:
        pca(frame(a=VARIED, b=bad, c=VARIED[::-1]))
    assert words in str(caught.value)
    assert caught.value.column == "b"
    assert isinstance(caught.value, ValueError)


def test_pca_refuses_bad_supplementary_variables_and_duplicates_and_few_rows():
    data = frame(a=VARIED, b=VARIED[::-1], s=[1.0] * 6, q=["x"] * 6)
    with pytest.raises(ConstantColumnError, match="variable supplémentaire « s » constante"):
        pca(data, quanti_sup=["s"], quali_sup=["q"])
    with pytest.raises(StatsInputError, match="qualitative supplémentaire « q » : une seule modalité"):
        pca(data.drop(columns="s"), quali_sup=["q"])
    dup = pd.DataFrame([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]], columns=["a", "a"])
    with pytest.raises(DuplicateColumnError, match="« a » en double"):
        pca(dup)
    with pytest.raises(TooFewRowsError, match="au moins 3 lignes"):
        pca(frame(a=[1.0, 2.0], b=[2.0, 1.0]))


def test_pca_on_all_constant_data_no_longer_reports_100_percent():
    with pytest.raises(ConstantColumnError):
        pca(frame(a=[1.0] * 4, b=[1.0] * 4))


def test_collinear_variables_lower_ncp_instead_of_undefined_contributions():
    data = frame(a=VARIED, b=[2 * v for v in VARIED], c=[1.0, 0.0, 2.0, 2.0, 9.0, 1.0])
    with pytest.warns(UserWarning, match="seules 2 dimensions ont une inertie non nulle"):
        res = pca(data)
    assert res.ncp == 2
    assert np.isfinite(res.var_contrib.to_numpy()).all()
    assert np.allclose(res.var_contrib.sum(), 100)
    assert res.eig["eigenvalue"].sum() == pytest.approx(3)


def test_keep_constant_reproduces_factominer_tolerance():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pca(
            frame(a=VARIED, b=[1e5] * 6, c=[1.0, 0.0, 2.0, 2.0, 9.0, 1.0], e=[np.nan] * 6), constant="keep"
        )
    assert res.constant_columns == ["b", "e"]
    assert res.eig["eigenvalue"].sum() == pytest.approx(2)  # the kept constants carry no inertia
    assert (res.var_coord.loc[["b", "e"]] == 0).all().all()
    assert (res.var_contrib.loc[["b", "e"]] == 0).all().all()
    assert res.var_cor.loc[["b", "e"]].isna().all().all()
    assert np.isfinite(res.var_cor.loc[["a", "c"]].to_numpy()).all()
    # Without the centring to exact zeros, 1e5 - mean would be rounding noise reduced to ±1.
    assert np.allclose(
        res.ind_coord.to_numpy(), pca(frame(a=VARIED, c=[1.0, 0.0, 2.0, 2.0, 9.0, 1.0])).ind_coord.to_numpy()
    )


# --------------------------------------------------------------------------- core: others


def test_ward_refusals_and_undefined_cophenetic_correlation():
    with pytest.raises(ConstantColumnError, match="colonne « b » constante"):
        ward(frame(a=VARIED, b=[3.0] * 6))
    with pytest.raises(MissingValueError, match="colonne « b », ligne « r2 » : valeur manquante"):
        ward(frame(a=VARIED, b=[1.0, 2.0, np.nan, 4.0, 5.0, 6.0]))
    with pytest.raises(OverflowColumnError, match="colonne « b »"):
        ward(frame(a=VARIED, b=[1e200, -1e200, 3.0, 4.0, 5.0, 6.0]), scale="none")
    with pytest.raises(StatsInputError, match="nombre de classes impossible : 7"):
        ward(frame(a=VARIED, b=VARIED[::-1]), 7)
    # Three points at the same distance from one another: cor(cophenetic, d) is undefined.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ward(pd.DataFrame(np.eye(3), columns=["x", "y", "z"]))
    assert np.isnan(res.cophenetic_correlation)


def test_correlation_refusals_and_rank_methods_accept_huge_values():
    with pytest.raises(ConstantColumnError, match="colonne « b » constante"):
        correlation(frame(a=VARIED, b=[3.0] * 6), "spearman")
    with pytest.raises(OverflowColumnError, match="colonne « b »"):
        correlation(frame(a=VARIED, b=[1e308, -1e308, 3.0, 4.0, 5.0, 6.0]), "pearson")
    huge = correlation(frame(a=VARIED, b=[1e308, -1e308, 3.0, 4.0, 5.0, 6.0]), "kendall")
    assert np.isfinite(huge.matrix.to_numpy()).all()  # ranks do not overflow
    kept = correlation(frame(a=VARIED, b=[3.0] * 6, c=VARIED[::-1]), "spearman", constant="keep")
    assert kept.matrix.loc["a", "b"] != kept.matrix.loc["a", "b"]  # NaN, as R's NA
    assert kept.matrix.loc["a", "c"] == pytest.approx(-1)


def test_hcpc_refuses_more_classes_than_distinct_individuals():
    data = frame(a=[1.0, 1.0, 1.0, 2.0, 2.0, 2.0], b=[5.0, 5.0, 5.0, 1.0, 1.0, 1.0])
    with pytest.warns(UserWarning, match="une seule dimension a une inertie non nulle"):
        res = pca(data)
    with pytest.raises(StatsInputError, match="3 classes demandées mais seulement 2 individus distincts"):
        hcpc(res, 3)


# --------------------------------------------------------------------------- command line


def invoke(tmp_path, content: str | bytes, *args, command="pca"):
    path = tmp_path / "data.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return runner.invoke(app, ["stats", command, str(path), "--index", "id", *args])


def refused(result, *words):
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""  # nothing half-written
    assert result.stderr.startswith("Erreur : ")
    assert "Traceback" not in result.stderr and "encountered" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize("command", ["pca", "hcpc", "ward", "corr"])
@pytest.mark.parametrize(
    "content, words",
    [
        ("id,a,b\nx,1,1\ny,1,1\nz,1,1\nw,1,1\n", ["« a » constante"]),
        ("id,a,b,c\nx,1,2,1e308\ny,2,1,-1e308\nz,3,5,1e308\nw,4,3,5\n", ["« c »", "trop grand"]),
        ("id,a,a\nx,1,2\ny,2,1\nz,3,5\n", ["ligne 1 : colonne « a » en double dans l'en-tête"]),
        ("id,a,b\nx,1,\ny,2,\nz,3,\n", ["« b »", "aucune valeur renseignée"]),
        ("id,a,b\nx,1,inf\ny,2,3\nz,3,4\n", ["ligne 2, colonne « b » : « inf » refusé : valeur infinie"]),
        ("id,a,b\nx,1,1e400\ny,2,3\nz,3,4\n", ["ligne 2, colonne « b »", "plus grand nombre représentable"]),
        ("id,a,b\nx,1,1e-400\ny,2,3\nz,3,4\n", ["ligne 2, colonne « b »", "deviendrait 0"]),
        ("id,a,\nx,1,2\ny,2,1\nz,3,5\n", ["la colonne n° 3 n'a pas de nom"]),
        ("id,a,b\nx,1,2\ny,2,1,7\nz,3,5\n", ["ligne 3 : 4 valeur(s) au lieu de 3"]),
        ("id,a,b\nx,1,2\n\ny,2,1\nx,3,5\n", ["ligne 5 : nom de ligne en double « x »", "déjà ligne 2"]),
        ("id,a,b\nx,1,2\ny,2,1\n", ["au moins 3 lignes"]),
        (b"id,a,b\nx,1,2\ny,2,1\nz,\xe9,5\n", ["ligne 4 : le fichier n'est pas en UTF-8 (octet 0xe9"]),
        (b"id,a,b\nx,1,2\ny,2\x00,1\nz,3,5\n", ["ligne 3 : caractère nul"]),
        ("", ["fichier vide"]),
    ],
)
def test_every_command_refuses_with_exit_2_and_names_the_culprit(tmp_path, command, content, words):
    result = invoke(tmp_path, content, command=command)
    if command == "ward" and "aucune valeur" in words[-1]:
        words = ["« b »"]  # Ward also refuses the first missing value; either names b
    refused(result, *words)


def test_bom_and_blank_lines_are_accepted(tmp_path):
    result = invoke(tmp_path, "\ufeffid,a,b\r\nx,1,2\r\n\r\ny,2,1\r\nz,3,5\r\n,,\r\n")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out["ind"]["coord"]) == ["x", "y", "z"]


def test_pca_cli_supplementary_refusals(tmp_path):
    content = "id,a,b,s,q\nx,1,2,4,u\ny,2,1,4,u\nz,3,5,4,u\nw,5,3,4,u\n"
    refused(
        invoke(tmp_path, content, "--quanti-sup", "s", "--quali-sup", "q"),
        "variable supplémentaire « s » constante",
    )
    refused(
        invoke(tmp_path, content, "--quali-sup", "q", "--quanti-sup", "id"), "« id » est la colonne d'index"
    )
    refused(
        invoke(tmp_path, content.replace("4,u\nw", "6,u\nw"), "--quanti-sup", "s", "--quali-sup", "q"),
        "qualitative supplémentaire « q » : une seule modalité (« u »)",
    )


def test_hcpc_clusters_below_two_are_refused(tmp_path):
    result = invoke(tmp_path, "id,a,b\nx,1,2\ny,2,1\nz,3,5\nw,4,4\n", "--clusters", "1", command="hcpc")
    refused(result, "--clusters doit valoir auto ou un nombre entier d'au moins 2")


def test_undefined_values_are_null_and_said_so(tmp_path):
    # Ward on three equidistant points: cophenetic correlation undefined.
    result = invoke(tmp_path, "id,x,y,z\na,1,0,0\nb,0,1,0\nc,0,0,1\n", command="ward")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["cophenetic_correlation"] is None
    assert "null (toutes les distances (ou hauteurs) sont égales) : cophenetic_correlation" in result.stderr
    # Correlation of a pair with fewer than 3 complete rows.
    result = invoke(tmp_path, "id,a,b\nw,1,\nx,2,\ny,3,1\nz,4,2\n", command="corr")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert out["matrix"]["a"]["b"] is None and out["n"]["a"]["b"] == 2
    assert "moins de 3 lignes complètes pour la paire" in result.stderr
    # PCA: an individual at the centre has an undefined cos².
    result = invoke(tmp_path, "id,a,b\nw,1,3\nx,2,2\ny,3,1\nz,2,4\nv,2,0\n")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ind"]["cos2"]["x"]["Dim.1"] is None
    assert "individu au centre du nuage" in result.stderr and "ind.cos2.x.Dim.1" in result.stderr


def test_table_format_writes_extreme_values_in_scientific_notation(tmp_path):
    result = invoke(
        tmp_path, "id,a,b\nw,1e150,3\nx,2e150,2\ny,3e150,1\nz,2.5e150,4\n", "--no-scale", "--format", "table"
    )
    assert result.exit_code == 0, result.stderr
    assert "e+" in result.stdout and "0000000000000000" not in result.stdout
