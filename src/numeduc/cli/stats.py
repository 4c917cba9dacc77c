"""``numeduc stats …``: PCA, HCPC, Ward clustering and correlations on any CSV file.

Thin layer over :mod:`numeduc.stats` (contract: ``specs/statistics.md`` §6). Reads a UTF-8
CSV (comma separator, ``.`` decimals, header row), prints JSON (default) or tables; errors
go to standard error with exit status 2.
"""

from __future__ import annotations

import json
import math
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="Statistiques comme FactoMineR/R sur un fichier CSV : ACP, classification (HCPC, Ward), corrélations.",
    no_args_is_help=True,
)


class OutputFormat(str, Enum):
    json = "json"
    table = "table"


class ScaleChoice(str, Enum):
    population = "population"
    sample = "sample"
    none = "none"


class CorrMethod(str, Enum):
    pearson = "pearson"
    spearman = "spearman"
    kendall = "kendall"


FILE_ARG = typer.Argument(..., help="Fichier CSV (UTF-8, séparateur virgule, décimales avec un point, ligne d'en-tête).")
INDEX_OPT = typer.Option(..., "--index", help="Colonne qui donne le nom de chaque ligne.")
FORMAT_OPT = typer.Option(OutputFormat.json, "--format", help="json (par défaut) ou table lisible.")
QUANTI_OPT = typer.Option("", "--quanti-sup", help="Variables quantitatives supplémentaires, séparées par des virgules.")
QUALI_OPT = typer.Option("", "--quali-sup", help="Variables qualitatives supplémentaires, séparées par des virgules.")
NCP_OPT = typer.Option(5, "--ncp", min=1, help="Nombre de dimensions gardées (5 par défaut).")


class InputError(Exception):
    pass


def _fail(message: str) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(code=2)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _read(path: Path, index: str, *, numeric: list[str] | None = None, text: list[str] = ()):
    """Read the CSV, index it, and check that the ``numeric`` columns (default: all but
    ``text``) are numbers. Errors name the file, the line and the column."""
    import pandas as pd

    if not path.exists():
        raise InputError(f"fichier introuvable : {path}")
    try:
        frame = pd.read_csv(path, encoding="utf-8", sep=",", dtype=str, keep_default_na=False)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} : le fichier n'est pas en UTF-8 ({exc.reason})") from exc
    except Exception as exc:  # pandas parser errors carry the line number in their text
        raise InputError(f"{path} : lecture impossible ({exc})") from exc
    if index not in frame.columns:
        raise InputError(f"{path} : colonne d'index « {index} » absente (colonnes : {', '.join(frame.columns)})")
    for col in [*(numeric or []), *text]:
        if col not in frame.columns:
            raise InputError(f"{path} : colonne « {col} » absente (colonnes : {', '.join(frame.columns)})")
    duplicated = frame[index][frame[index].duplicated()]
    if len(duplicated):
        line = int(duplicated.index[0]) + 2
        raise InputError(f"{path}, ligne {line} : nom de ligne en double « {duplicated.iloc[0]} » dans la colonne {index}")
    frame = frame.set_index(index)
    if len(frame) < 3:
        raise InputError(f"{path} : il faut au moins 3 lignes de données (reçu {len(frame)})")
    numeric = [c for c in frame.columns if c not in text] if numeric is None else numeric
    for col in numeric:
        raw = frame[col].str.strip()
        missing = raw.isin(["", "NA", "NaN", "nan"])
        values = pd.to_numeric(raw.where(~missing), errors="coerce")
        bad = values.isna() & ~missing
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"{path}, ligne {pos + 2}, colonne « {col} » : valeur non numérique « {raw.iloc[pos]} »"
                " (décimales avec un point)"
            )
        frame[col] = values.astype(float)
    for col in text:
        frame[col] = frame[col].where(frame[col] != "")
    return frame


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _table(frame) -> dict:
    return {
        str(row): {str(col): _clean(float(v)) for col, v in zip(frame.columns, values)}
        for row, values in zip(frame.index, frame.to_numpy())
    }


def _series(series) -> dict:
    return {str(k): _clean(float(v)) for k, v in series.items()}


def _emit(payload: dict, fmt: OutputFormat, tables: list[tuple[str, object]]) -> None:
    if fmt == OutputFormat.json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False))
        return
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number

    console = Console()
    for title, obj in tables:
        if isinstance(obj, pd.Series):
            obj = obj.to_frame()
        if isinstance(obj, pd.DataFrame):
            # Wide tables (e.g. 13 x 13 correlations) must not be squeezed into "0,…" cells.
            label_width = max([len(str(v)) for v in obj.index] + [0]) + 4
            needed = label_width + sum(max(len(str(c)), 10) + 3 for c in obj.columns)
            console.width = max(console.width, needed)
            table = Table(title=title, min_width=len(title) + 4)
            table.add_column("")
            for col in obj.columns:
                table.add_column(str(col), justify="right")
            for row, values in zip(obj.index, obj.to_numpy()):
                cells = [
                    fr_number(float(v), 4) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)
                    for v in values
                ]
                table.add_row(str(row), *cells)
            console.print(table)
        elif isinstance(obj, float):
            console.print(f"{title} : {fr_number(obj, 6)}")
        else:
            console.print(f"{title} : {obj}")


def _run(action):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = action()
        except InputError as exc:
            _fail(str(exc))
        except (ValueError, KeyError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            _fail(str(message))
    for w in caught:
        typer.echo(f"Attention : {w.message}", err=True)
    return result


def _pca_payload(res) -> dict:
    eig = {
        name: {"eigenvalue": row["eigenvalue"], "percent": row["percent"], "cumulative": row["cumulative"]}
        for name, row in res.eig.iterrows()
    }
    payload = {
        "eig": {k: {kk: float(vv) for kk, vv in v.items()} for k, v in eig.items()},
        "var": {
            "coord": _table(res.var_coord),
            "cor": _table(res.var_cor),
            "cos2": _table(res.var_cos2),
            "contrib": _table(res.var_contrib),
        },
        "ind": {
            "coord": _table(res.ind_coord),
            "cos2": _table(res.ind_cos2),
            "contrib": _table(res.ind_contrib),
            "dist": _series(res.ind_dist),
        },
    }
    if res.quanti_sup_coord is not None:
        payload["quanti_sup"] = {"coord": _table(res.quanti_sup_coord), "cos2": _table(res.quanti_sup_cos2)}
    if res.quali_sup_coord is not None:
        payload["quali_sup"] = {
            "coord": _table(res.quali_sup_coord),
            "v_test": _table(res.quali_sup_v_test),
            "eta2": _table(res.quali_sup_eta2),
        }
    return payload


def _pca_from_file(file: Path, index: str, quanti_sup: str, quali_sup: str, ncp: int, scale: bool):
    from numeduc.stats import pca

    qs, ql = _split(quanti_sup), _split(quali_sup)
    frame = _read(file, index, text=ql)
    for col in qs:
        if col not in frame.columns:
            raise InputError(f"{file} : colonne « {col} » absente (colonnes : {', '.join(frame.columns)})")
    return pca(frame, quanti_sup=qs, quali_sup=ql, ncp=ncp, scale=scale)


@app.command("pca")
def pca_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    quanti_sup: str = QUANTI_OPT,
    quali_sup: str = QUALI_OPT,
    ncp: int = NCP_OPT,
    no_scale: bool = typer.Option(False, "--no-scale", help="Ne pas réduire les variables (centrer seulement)."),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Analyse en composantes principales (ACP), comme FactoMineR::PCA."""
    res = _run(lambda: _pca_from_file(file, index, quanti_sup, quali_sup, ncp, not no_scale))
    tables = [
        ("Valeurs propres", res.eig),
        ("Variables : coordonnées", res.var_coord),
        ("Variables : contributions (%)", res.var_contrib),
        ("Individus : coordonnées", res.ind_coord),
    ]
    if res.quanti_sup_coord is not None:
        tables.append(("Variables supplémentaires : coordonnées", res.quanti_sup_coord))
    if res.quali_sup_coord is not None:
        tables.append(("Modalités supplémentaires : coordonnées", res.quali_sup_coord))
        tables.append(("Modalités supplémentaires : valeurs-test", res.quali_sup_v_test))
    _emit(_pca_payload(res), fmt, tables)


@app.command("hcpc")
def hcpc_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    quanti_sup: str = QUANTI_OPT,
    quali_sup: str = QUALI_OPT,
    ncp: int = NCP_OPT,
    clusters: str = typer.Option("auto", "--clusters", help="auto (règle du gain d'inertie) ou un nombre de classes."),
    no_consolidation: bool = typer.Option(False, "--no-consolidation", help="Ne pas consolider par k-means."),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Classification hiérarchique sur composantes principales, comme FactoMineR::HCPC."""
    from numeduc.stats import hcpc

    if clusters != "auto" and not clusters.isdigit():
        _fail(f"--clusters doit valoir auto ou un nombre entier (reçu « {clusters} »)")
    k = "auto" if clusters == "auto" else int(clusters)

    def action():
        res_pca = _pca_from_file(file, index, quanti_sup, quali_sup, ncp, True)
        return hcpc(res_pca, k, consolidation=not no_consolidation)

    res = _run(action)
    payload = {
        "n_clusters": int(res.n_clusters),
        "clusters": {str(k): int(v) for k, v in res.clusters.items()},
        "inert_gain": [float(v) for v in res.inert_gain],
        "within": [float(v) for v in res.within],
        "quot": {str(k): float(v) for k, v in res.quot.items()},
        "bw_before_consol": float(res.bw_before_consol),
        "bw_after_consol": None if res.bw_after_consol is None else float(res.bw_after_consol),
    }
    tables = [
        ("Nombre de classes", res.n_clusters),
        ("Effectifs des classes", res.sizes.rename("effectif")),
        ("Classe de chaque individu", res.clusters.rename("classe")),
        ("Critère within[k]/within[k-1]", res.quot),
        ("Inertie inter avant consolidation", res.bw_before_consol),
        ("Inertie inter après consolidation", res.bw_after_consol if res.bw_after_consol is not None else "—"),
    ]
    _emit(payload, fmt, tables)


@app.command("ward")
def ward_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    clusters: Optional[int] = typer.Option(None, "--clusters", min=1, help="Nombre de classes à découper."),
    scale: ScaleChoice = typer.Option(
        ScaleChoice.population, "--scale", help="population (écart-type en n, comme FactoMineR), sample (en n-1, comme R scale()) ou none."
    ),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Classification ascendante hiérarchique de Ward (R hclust « ward.D2 »)."""
    from numeduc.stats import ward

    def action():
        frame = _read(file, index)
        if frame.isna().any().any():
            raise InputError(f"{file} : valeurs manquantes ; la classification de Ward demande un tableau complet")
        if clusters is not None and clusters > len(frame):
            raise InputError(f"--clusters vaut {clusters} mais le fichier n'a que {len(frame)} lignes")
        return ward(frame, clusters, scale=scale.value)

    res = _run(action)
    payload = {"merge_heights": [float(v) for v in res.merge_heights]}
    if res.clusters is not None:
        payload["clusters"] = {str(k): int(v) for k, v in res.clusters.items()}
    payload["cophenetic_correlation"] = float(res.cophenetic_correlation)
    import pandas as pd

    tables = [("Hauteurs de fusion", pd.Series(res.merge_heights, index=range(1, len(res.merge_heights) + 1)))]
    if res.clusters is not None:
        tables.append(("Classe de chaque ligne", res.clusters.rename("classe")))
    tables.append(("Corrélation cophénétique", round(res.cophenetic_correlation, 6)))
    _emit(payload, fmt, tables)


@app.command("corr")
def corr_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    method: CorrMethod = typer.Option(CorrMethod.pearson, "--method", help="pearson, spearman ou kendall."),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Matrice de corrélations avec les p-valeurs (R cor et cor.test ; paires complètes)."""
    from numeduc.stats import correlation

    res = _run(lambda: correlation(_read(file, index), method.value))
    payload = {
        "matrix": _table(res.matrix),
        "p_values": _table(res.p_values),
        "n": {str(r): {str(c): int(v) for c, v in row.items()} for r, row in res.n.iterrows()},
    }
    _emit(payload, fmt, [("Corrélations", res.matrix), ("p-valeurs", res.p_values), ("Effectifs par paire", res.n)])
