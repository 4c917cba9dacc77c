"""``numeduc stats`` command line: JSON keys of docs/statistics.md, against FactoMineR."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from numeduc.cli.main import app

runner = CliRunner()
DECATHLON = "tests/fixtures/decathlon.csv"
PCA_ARGS = ["--index", "athlete", "--quanti-sup", "Rank,Points", "--quali-sup", "Competition"]


def invoke(*args):
    return runner.invoke(app, ["stats", *args])


def run_json(*args) -> dict:
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_pca_reproduces_factominer(reference, close):
    out = run_json("pca", DECATHLON, *PCA_ARGS)
    ref = reference("decathlon_pca.json")
    assert list(out["eig"]) == [f"comp {i}" for i in range(1, 11)]
    eig = pd.DataFrame.from_dict(out["eig"], orient="index")
    assert list(eig.columns) == ["eigenvalue", "percent", "cumulative"]
    expected = pd.DataFrame.from_dict(ref["eig"], orient="index")
    expected.columns = eig.columns
    close(eig, expected)
    for group, tables in [
        ("var", ["coord", "cor", "cos2", "contrib"]),
        ("ind", ["coord", "cos2", "contrib"]),
    ]:
        for table in tables:
            close(pd.DataFrame.from_dict(out[group][table], orient="index"), ref[group][table])
    dist = pd.Series(out["ind"]["dist"])
    assert np.abs(dist - pd.Series(ref["ind"]["dist"])).max() <= 1e-6
    for table in ["coord", "cos2"]:
        close(pd.DataFrame.from_dict(out["quanti_sup"][table], orient="index"), ref["quanti_sup"][table])
    assert set(out["quali_sup"]) == {"coord", "v_test", "eta2"}
    for table in ["coord", "v_test", "eta2"]:
        close(pd.DataFrame.from_dict(out["quali_sup"][table], orient="index"), ref["quali_sup"][table])
    assert list(out["var"]["coord"]["100m"]) == ["Dim.1", "Dim.2", "Dim.3", "Dim.4", "Dim.5"]


def test_pca_options_ncp_and_no_scale(reference, close):
    out = run_json("pca", DECATHLON, *PCA_ARGS, "--ncp", "3", "--no-scale")
    ref = reference("decathlon_pca_unscaled_ncp3.json")
    close(pd.DataFrame.from_dict(out["ind"]["coord"], orient="index"), ref["ind_coord"])


def test_hcpc_gives_four_clusters_12_14_12_3(reference):
    out = run_json("hcpc", DECATHLON, *PCA_ARGS)
    ref = reference("decathlon_hcpc.json")["auto"]
    assert out["n_clusters"] == 4
    sizes = pd.Series(out["clusters"]).value_counts().sort_index().tolist()
    assert sizes == [12, 14, 12, 3]
    assert out["clusters"] == ref["clusters"]
    assert np.allclose(out["inert_gain"], ref["inert_gain"], atol=1e-6)
    assert out["inert_gain"] == sorted(out["inert_gain"], reverse=True)
    assert np.allclose(out["within"], ref["within"], atol=1e-6)
    assert list(out["quot"]) == [str(k) for k in range(3, 11)]
    assert np.allclose(list(out["quot"].values()), ref["quot"], atol=1e-6)
    assert out["bw_before_consol"] == pytest.approx(ref["bw_before_consol"], abs=1e-6)
    assert out["bw_after_consol"] == pytest.approx(ref["bw_after_consol"], abs=1e-6)


def test_hcpc_fixed_k_without_consolidation(reference):
    out = run_json("hcpc", DECATHLON, *PCA_ARGS, "--clusters", "4", "--no-consolidation")
    ref = reference("decathlon_hcpc.json")["auto_no_consolidation"]
    assert out["clusters"] == ref["clusters"]
    assert out["bw_after_consol"] is None


def test_ward_and_corr(reference):
    out = run_json(
        "ward",
        "tests/fixtures/factominer/usarrests.csv",
        "--index",
        "state",
        "--clusters",
        "4",
        "--scale",
        "sample",
    )
    ref = reference("usarrests.json")["sample"]
    assert np.allclose(out["merge_heights"], sorted(ref["height"]), atol=1e-6)
    assert out["clusters"] == ref["cutree"]["k4"]
    assert out["cophenetic_correlation"] == pytest.approx(0.697526563, abs=1e-9)
    out = run_json("ward", "tests/fixtures/factominer/usarrests.csv", "--index", "state")
    assert "clusters" not in out
    corr = run_json(
        "corr", "tests/fixtures/factominer/sim_answers.csv", "--index", "dep", "--method", "kendall"
    )
    refc = reference("correlations.json")["sim"]["kendall"]
    assert corr["matrix"]["Q1"]["Q2"] == pytest.approx(refc["matrix"]["Q1"]["Q2"], abs=1e-6)
    assert corr["p_values"]["Q3"]["Q7"] == pytest.approx(refc["p_values"]["Q3"]["Q7"], abs=1e-6)
    assert corr["n"]["Q1"]["Q2"] == 40


def test_table_format_is_readable():
    result = invoke("hcpc", DECATHLON, *PCA_ARGS, "--format", "table")
    assert result.exit_code == 0
    assert "Effectifs des classes" in result.stdout
    assert "SEBRLE" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["pca", DECATHLON, "--index", "athlete"], "Competition"),  # text active column
        (["pca", DECATHLON, "--index", "nom"], "colonne d'index « nom » absente"),
        (
            ["pca", DECATHLON, "--index", "athlete", "--quanti-sup", "Nope", "--quali-sup", "Competition"],
            "« Nope » absente",
        ),
        (["pca", "nope.csv", "--index", "athlete"], "introuvable"),
        (["hcpc", DECATHLON, *PCA_ARGS, "--clusters", "beaucoup"], "--clusters"),
        (
            ["corr", DECATHLON, "--index", "athlete", "--method", "pearson"],
            "ligne 2, colonne « Competition »",
        ),
    ],
)
def test_errors_go_to_stderr_with_non_zero_status(args, message):
    result = invoke(*args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout == ""


def test_too_few_rows_and_bad_number(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("id,a,b\nx,1,2\ny,3,4\n", encoding="utf-8")
    result = invoke("pca", str(small), "--index", "id")
    assert result.exit_code != 0 and "au moins 3 lignes" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text('id,a,b\nx,1,2\ny,3,4\nz,5,"6,5"\n', encoding="utf-8")
    result = invoke("ward", str(bad), "--index", "id")
    assert result.exit_code != 0
    assert "ligne 4, colonne « b »" in result.stderr and "6,5" in result.stderr


def test_missing_values_warn_on_stderr(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("id,a,b,c\nw,1,2,3\nx,2,,1\ny,3,4,4\nz,5,1,2\n", encoding="utf-8")
    result = invoke("pca", str(path), "--index", "id")
    assert result.exit_code == 0
    assert "moyenne" in result.stderr
    json.loads(result.stdout)
