"""The ``numeduc usage`` commands end to end (generate, ingest, indicators) and the examples."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from numeduc.cli.main import app
from numeduc.usage.ingest import ingest
from numeduc.usage.warehouse import manifest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "usage"
runner = CliRunner()


def test_documented_examples_are_valid(tmp_path):
    for kind in ("establishments", "service_catalog", "ent_accounts_snapshot", "mdm_devices"):
        [r] = ingest(kind, [EXAMPLES / f"{kind}.csv"], tmp_path, "48")
        assert (r.status, r.rejected) == ("ingéré", 0), r
    for kind in ("ent_events", "mdm_checkins", "wifi_sessions"):
        [r] = ingest(kind, [EXAMPLES / f"{kind}.jsonl"], tmp_path, "48")
        assert (r.status, r.rejected) == ("ingéré", 0), r
        assert r.accepted >= 4


@pytest.mark.slow
def test_generate_ingest_indicators(tmp_path):
    gen, wh = tmp_path / "gen", tmp_path / "wh"
    res = runner.invoke(
        app,
        [
            "usage",
            "generate",
            "--departement",
            "48",
            "--pupils",
            "200",
            "--months",
            "1",
            "--out",
            str(gen),
            "--seed",
            "5",
            "--start-month",
            "2024-10",
            "--max-colleges",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    for name in (
        "establishments.csv",
        "service_catalog.csv",
        "ent_accounts_snapshot.csv",
        "ent_events.parquet",
        "mdm_devices.csv",
        "mdm_checkins.parquet",
        "wifi_sessions.parquet",
        "ground_truth.json",
    ):
        assert (gen / name).is_file()
    for kind in (
        "establishments",
        "service_catalog",
        "ent_accounts_snapshot",
        "ent_events",
        "mdm_devices",
        "mdm_checkins",
        "wifi_sessions",
    ):
        [path] = [p for p in gen.iterdir() if p.stem == kind]
        res = runner.invoke(
            app, ["usage", "ingest", kind, str(path), "--warehouse", str(wh), "--departement", "48"]
        )
        assert res.exit_code == 0, res.output
        assert "ingéré" in res.output
    res = runner.invoke(
        app,
        [
            "usage",
            "ingest",
            "ent_events",
            str(gen / "ent_events.parquet"),
            "--warehouse",
            str(wh),
            "--departement",
            "48",
        ],
    )
    assert res.exit_code == 0 and "déjà ingéré" in res.output
    # The same events re-exported as CSV (other bytes, same rows): nothing is added twice.
    again = tmp_path / "ent_events_again.csv"
    pd.read_parquet(gen / "ent_events.parquet").to_csv(again, index=False)
    res = runner.invoke(
        app, ["usage", "ingest", "ent_events", str(again), "--warehouse", str(wh), "--departement", "48"]
    )
    assert res.exit_code == 0, res.output
    assert "déjà dans l'entrepôt" in " ".join(res.output.split())
    [entry] = [m for m in manifest(wh, "ent_events") if m["file"] == again.name]
    assert (entry["accepted"], entry["duplicates"]) == (0, len(pd.read_csv(again)))

    res = runner.invoke(app, ["usage", "indicators", "--warehouse", str(wh), "--format", "csv-machine"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout), dtype={"profile": str}, keep_default_na=False)
    assert list(df.columns[:5]) == ["uai", "month", "indicator", "profile", "value"]
    assert df.columns[-1] == "demo_warning"
    french = runner.invoke(app, ["usage", "indicators", "--warehouse", str(wh), "--format", "csv"])
    assert french.stdout.startswith("\ufeffCode UAI;Mois;Code de l'indicateur;Profil;Valeur;")
    for col in ("group", "group_size", "percentile", "median", "q1", "q3", "robust_z", "fallback"):
        assert col in df.columns
    assert set(df["profile"]) <= {"ELEVE", "PARENT", "ENSEIGNANT", "PERSONNEL", "AUTRE", ""}
    truth = pd.DataFrame(json.loads((gen / "ground_truth.json").read_text())["indicators"])
    m = truth.merge(df, on=["uai", "month", "indicator", "profile"])
    assert len(m) == len(truth) == len(df)
    assert (abs(m["value_x"] - m["value_y"]) <= 1e-9 * abs(m["value_x"]).clip(lower=1)).all()

    out = tmp_path / "ind.parquet"
    res = runner.invoke(
        app,
        [
            "usage",
            "indicators",
            "--warehouse",
            str(wh),
            "--format",
            "parquet",
            "--output",
            str(out),
            "--month",
            "2024-10",
            "--departement-summary",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = pd.read_parquet(out)
    assert set(summary["departement"]) == {"48"} and (summary["n_colleges"] == 2).all()
    as_csv = tmp_path / "summary.csv"
    res = runner.invoke(
        app,
        ["usage", "indicators", "--warehouse", str(wh), "--month", "2024-10", "--departement-summary"]
        + ["--format", "csv", "--output", str(as_csv)],
    )
    assert res.exit_code == 0, res.output
    french = pd.read_csv(
        as_csv, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code du département": str}
    )
    assert list(french.columns[:5]) == [
        "Code du département",
        "Mois",
        "Code de l'indicateur",
        "Profil",
        "Valeur du département",
    ]
    assert list(french["Valeur du département"]) == pytest.approx(
        list(summary["value"]), rel=1e-12, nan_ok=True
    )

    res = runner.invoke(
        app, ["usage", "indicators", "--warehouse", str(wh), "--format", "json", "--month", "2024-10"]
    )
    first = json.loads(res.stdout.splitlines()[0])
    assert {"uai", "month", "indicator", "profile", "value"} <= set(first)


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["indicators", "--warehouse", "{wh}", "--backend", "oracle"], "moteur inconnu"),
        (["indicators", "--warehouse", "{wh}", "--month", "2024-13"], "mois invalide"),
        (["indicators", "--warehouse", "{wh}/absent"], "entrepôt introuvable"),
        (
            ["ingest", "logs", "x.csv", "--warehouse", "{wh}", "--departement", "48"],
            "type de fichier inconnu",
        ),
    ],
)
def test_errors_are_french_on_stderr(tmp_path, argv, needle):
    argv = [a.replace("{wh}", str(tmp_path)) for a in argv]
    res = runner.invoke(app, ["usage", *argv])
    assert res.exit_code != 0
    assert needle in res.stderr


def test_refused_file_exits_nonzero(tmp_path):
    bad = tmp_path / "ent_events.csv"
    bad.write_text("a,b\n1,2\n")
    res = runner.invoke(
        app,
        [
            "usage",
            "ingest",
            "ent_events",
            str(bad),
            "--warehouse",
            str(tmp_path / "wh"),
            "--departement",
            "48",
        ],
    )
    assert res.exit_code == 1
    assert "refusé" in res.stderr and str(bad) in res.stderr
