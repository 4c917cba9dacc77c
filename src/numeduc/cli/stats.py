"""``numeduc stats …``: PCA, HCPC, Ward clustering and correlations on any CSV file.

Thin layer over :mod:`numeduc.stats` (JSON keys: docs/statistics.md, Command line). Reads a UTF-8
CSV (comma separator, ``.`` decimals, header row), prints JSON (default) or tables; errors
go to standard error with exit status 2, and then nothing is written to standard output
(everything is computed and checked first). What is refused, and why: ``docs/statistics.md``
("Ce que les statistiques refusent"). JSON never holds NaN or Infinity: undefined values are
``null`` and said so on standard error.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from enum import Enum
from pathlib import Path

import numpy as np
import typer

from numeduc.cli.errors import fail

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


FILE_ARG = typer.Argument(
    ..., help="Fichier CSV (UTF-8, séparateur virgule, décimales avec un point, ligne d'en-tête)."
)
INDEX_OPT = typer.Option(..., "--index", help="Colonne qui donne le nom de chaque ligne.")
FORMAT_OPT = typer.Option(OutputFormat.json, "--format", help="json (par défaut) ou table lisible.")
QUANTI_OPT = typer.Option(
    "", "--quanti-sup", help="Variables quantitatives supplémentaires, séparées par des virgules."
)
QUALI_OPT = typer.Option(
    "", "--quali-sup", help="Variables qualitatives supplémentaires, séparées par des virgules."
)
NCP_OPT = typer.Option(5, "--ncp", min=1, help="Nombre de dimensions gardées (5 par défaut).")


class InputError(Exception):
    pass


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


MISSING = {"", "NA", "NaN", "nan"}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INFINITE = re.compile(r"[+-]?(?:inf|infinity)", re.IGNORECASE)


def _parse_number(raw: str) -> float | None:
    """A decimal number with a point, or None when ``raw`` is not one. Infinite values,
    numbers beyond float64 (1e400) or below its smallest positive number (1e-400, which would
    silently become 0) are refused with ValueError (French reason)."""
    if _INFINITE.fullmatch(raw):
        raise ValueError("valeur infinie")
    if not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    if math.isinf(value):
        raise ValueError("dépasse le plus grand nombre représentable (environ 1,8e308)")
    if value == 0 and any(ch in "123456789" for ch in raw.lower().split("e")[0]):
        raise ValueError(
            "plus petit que le plus petit nombre représentable (environ 4,9e-324) : il deviendrait 0"
        )
    return value


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of each non-blank row, with French errors naming the
    line: not UTF-8, NUL bytes, malformed quotes, empty or duplicate column names, rows whose
    number of values differs from the header's."""
    if not path.exists():
        raise InputError(f"fichier introuvable : {path}")
    if not path.is_file():
        raise InputError(f"{path} n'est pas un fichier")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} : lecture impossible ({exc.strerror or exc})") from exc
    try:
        content = raw.decode("utf-8-sig")  # a BOM (Excel's UTF-8 export) is not part of the first name
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}, ligne {line} : le fichier n'est pas en UTF-8 (octet 0x{raw[exc.start]:02x} invalide) ; "
            "enregistrez-le en « CSV UTF-8 »"
        ) from exc
    if "\x00" in content:
        line = content[: content.index("\x00")].count("\n") + 1
        raise InputError(
            f"{path}, ligne {line} : caractère nul (octet 0) : ce n'est pas un fichier texte CSV"
        )
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=",", quotechar='"', strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue  # blank line (or a line of empty cells left by a spreadsheet)
            if header is None:
                header = [f.strip() for f in fields]
                header_line = line
                continue
            rows.append((line, fields))
    except csv.Error as exc:
        raise InputError(
            f"{path}, ligne {reader.line_num} : CSV mal formé (guillemet non fermé, ou guillemet au "
            "milieu d'une valeur ?)"
        ) from exc
    if header is None:
        raise InputError(f"{path} : fichier vide (il faut une ligne d'en-tête puis les données)")
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            raise InputError(
                f"{path}, ligne {header_line} : la colonne n° {position} n'a pas de nom dans l'en-tête"
            )
        if name in seen:
            raise InputError(
                f"{path}, ligne {header_line} : colonne « {name} » en double dans l'en-tête (colonnes n° "
                f"{seen[name]} et {position}) ; chaque colonne doit avoir un nom unique"
            )
        seen[name] = position
    for line, fields in rows:
        if len(fields) != len(header):
            raise InputError(
                f"{path}, ligne {line} : {len(fields)} valeur(s) au lieu de {len(header)} (une par colonne "
                "de l'en-tête ; une valeur qui contient une virgule doit être entre guillemets)"
            )
    return header, rows


def _read(path: Path, index: str, *, numeric: list[str] | None = None, text: list[str] = ()):
    """Read the CSV, index it, and check that the ``numeric`` columns (default: all but
    ``text``) are numbers. Errors name the file, the line and the column."""
    import pandas as pd

    header, rows = _read_rows(path)
    columns = ", ".join(header)
    if index not in header:
        raise InputError(f"{path} : colonne d'index « {index} » absente (colonnes : {columns})")
    for col in [*(numeric or []), *text]:
        if col not in header:
            raise InputError(f"{path} : colonne « {col} » absente (colonnes : {columns})")
        if col == index:
            raise InputError(
                f"{path} : la colonne « {col} » est la colonne d'index, elle ne peut pas être une variable"
            )
    lines = [line for line, _ in rows]
    frame = pd.DataFrame([fields for _, fields in rows], columns=header, dtype=object)
    if frame.empty:
        frame = pd.DataFrame(columns=header, dtype=object)
    labels = [str(v).strip() for v in frame[index]]
    seen: dict[str, int] = {}
    for line, label in zip(lines, labels):
        if not label:
            raise InputError(f"{path}, ligne {line} : nom de ligne vide dans la colonne {index}")
        if label in seen:
            raise InputError(
                f"{path}, ligne {line} : nom de ligne en double « {label} » dans la colonne {index} "
                f"(déjà ligne {seen[label]})"
            )
        seen[label] = line
    frame = frame.drop(columns=[index])
    frame.index = pd.Index(labels, name=index)
    if len(frame) < 3:
        raise InputError(f"{path} : il faut au moins 3 lignes de données (reçu {len(frame)})")
    numeric = [c for c in frame.columns if c not in text] if numeric is None else numeric
    for col in numeric:
        values = []
        for line, cell in zip(lines, frame[col]):
            raw = str(cell).strip()
            if raw in MISSING:
                values.append(math.nan)
                continue
            try:
                value = _parse_number(raw)
            except ValueError as exc:
                raise InputError(
                    f"{path}, ligne {line}, colonne « {col} » : « {raw} » refusé : {exc}"
                ) from None
            if value is None:
                raise InputError(
                    f"{path}, ligne {line}, colonne « {col} » : valeur non numérique « {raw} »"
                    " (décimales avec un point)"
                )
            values.append(value)
        frame[col] = pd.Series(values, index=frame.index, dtype=float)
    for col in text:
        frame[col] = frame[col].map(lambda v: str(v).strip() or None)
    return frame


# Why a JSON value is null, by the path of its table (said on standard error).
_UNDEFINED = {
    "ind.cos2": "individu au centre du nuage (distance nulle) : cos² non défini",
    "quot": "partitions exactes (inerties intra-classes nulles : individus confondus)",
    "cophenetic_correlation": "toutes les distances (ou hauteurs) sont égales",
    "matrix": "moins de 3 lignes complètes pour la paire, ou valeurs constantes sur ces lignes",
    "p_values": "moins de 3 lignes complètes pour la paire, ou valeurs constantes sur ces lignes",
}


def _finite(payload, path: str = "", nulls: list[str] | None = None):
    """The payload with NaN replaced by None (paths collected in ``nulls``); an infinite value
    is refused: JSON never holds NaN or Infinity, and an infinity would be a wrong figure."""
    if isinstance(payload, dict):
        return {k: _finite(v, f"{path}.{k}" if path else str(k), nulls) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_finite(v, f"{path}[{i}]", nulls) for i, v in enumerate(payload)]
    if isinstance(payload, (float, np.floating)):
        value = float(payload)
        if math.isnan(value):
            if nulls is not None:
                nulls.append(path)
            return None
        if math.isinf(value):
            raise InputError(
                f"résultat infini ({path}) : calcul refusé (valeurs trop grandes ou trop petites)"
            )
        return value
    if isinstance(payload, np.integer):
        return int(payload)
    return payload


def _null_notes(nulls: list[str]) -> list[str]:
    by_table: dict[str, list[str]] = {}
    for path in nulls:
        parts = path.split(".")
        table = next((".".join(parts[:k]) for k in (2, 1) if ".".join(parts[:k]) in _UNDEFINED), parts[0])
        by_table.setdefault(table, []).append(path)
    notes = []
    for table, paths in by_table.items():
        shown = ", ".join(paths[:5]) + (f" et {len(paths) - 5} autre(s)" if len(paths) > 5 else "")
        reason = _UNDEFINED.get(table, "valeur non définie")
        notes.append(f"{len(paths)} valeur(s) non définie(s) écrite(s) null ({reason}) : {shown}")
    return notes


def _cell(value) -> str:
    from numeduc.formatting import fr_number

    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return "—" if value is None else str(value)
    value = float(value)
    if math.isnan(value):
        return "—"
    if value != 0 and not 1e-4 <= abs(value) < 1e12:
        return f"{value:.4e}".replace(".", ",")
    return fr_number(value, 4)


def _print_tables(tables: list[tuple[str, object]]) -> None:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for title, obj in tables:
        if isinstance(obj, pd.Series):
            obj = obj.to_frame()
        if isinstance(obj, pd.DataFrame):
            # Wide tables (e.g. 13 x 13 correlations) must not be squeezed into "0,…" cells.
            label_width = max([len(str(v)) for v in obj.index] + [0]) + 4
            needed = label_width + sum(max(len(str(c)), 12) + 3 for c in obj.columns)
            console.width = max(console.width, needed)
            table = Table(title=title, min_width=len(title) + 4)
            table.add_column("")
            for col in obj.columns:
                table.add_column(str(col), justify="right")
            for row, values in zip(obj.index, obj.to_numpy()):
                table.add_row(str(row), *[_cell(v) for v in values])
            console.print(table)
        elif isinstance(obj, float):
            console.print(f"{title} : {_cell(obj)}")
        else:
            console.print(f"{title} : {obj}")


def _run(file: Path, action, fmt: OutputFormat) -> None:
    """Compute, check and only then write: on any refusal nothing reaches standard output
    (French message on standard error, exit status 2).

    ``action()`` returns ``(payload, tables)``. Core refusals (:class:`StatsInputError`,
    naming the column) get the file name in front. A numpy RuntimeWarning left after the
    checks means a figure may be wrong: refused too, never shown raw."""
    import warnings

    from numeduc.stats.checks import StatsInputError

    nulls: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            payload, tables = action()
            payload = _finite(payload, nulls=nulls)
            text = (
                json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False)
                if fmt == OutputFormat.json
                else None
            )
        except InputError as exc:
            fail(str(exc))
        except StatsInputError as exc:
            fail(f"{file} : {exc}")
        except (ValueError, KeyError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            fail(str(message))
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:
        fail(
            f"{file} : calcul numérique instable (dépassement de capacité ou division par zéro) : "
            "résultat refusé plutôt que faux ; vérifiez les ordres de grandeur des colonnes"
        )
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            continue  # library housekeeping, not about the user's data
        typer.echo(f"Attention : {w.message}", err=True)
    for note in _null_notes(nulls):
        typer.echo(f"Attention : {note}", err=True)
    if text is not None:
        typer.echo(text)
    else:
        _print_tables(tables)


def _table(frame) -> dict:
    return {
        str(row): {str(col): float(v) for col, v in zip(frame.columns, values)}
        for row, values in zip(frame.index, frame.to_numpy(dtype=float))
    }


def _series(series) -> dict:
    return {str(k): float(v) for k, v in series.items()}


def _pca_payload(res) -> dict:
    payload = {
        "eig": {
            str(name): {key: float(row[key]) for key in ("eigenvalue", "percent", "cumulative")}
            for name, row in res.eig.iterrows()
        },
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
    frame = _read(file, index, numeric=None, text=ql)
    for col in qs:
        if col == index:
            raise InputError(
                f"{file} : la colonne « {col} » est la colonne d'index, elle ne peut pas être une variable"
            )
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
    no_scale: bool = typer.Option(
        False, "--no-scale", help="Ne pas réduire les variables (centrer seulement)."
    ),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Analyse en composantes principales (ACP), comme FactoMineR::PCA."""

    def action():
        res = _pca_from_file(file, index, quanti_sup, quali_sup, ncp, not no_scale)
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
        return _pca_payload(res), tables

    _run(file, action, fmt)


@app.command("hcpc")
def hcpc_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    quanti_sup: str = QUANTI_OPT,
    quali_sup: str = QUALI_OPT,
    ncp: int = NCP_OPT,
    clusters: str = typer.Option(
        "auto", "--clusters", help="auto (règle du gain d'inertie) ou un nombre de classes."
    ),
    no_consolidation: bool = typer.Option(False, "--no-consolidation", help="Ne pas consolider par k-means."),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Classification hiérarchique sur composantes principales, comme FactoMineR::HCPC."""
    from numeduc.stats import hcpc

    if clusters != "auto" and not (clusters.isdigit() and int(clusters) >= 2):
        fail(f"--clusters doit valoir auto ou un nombre entier d'au moins 2 (reçu « {clusters} »)")
    k = "auto" if clusters == "auto" else int(clusters)

    def action():
        res_pca = _pca_from_file(file, index, quanti_sup, quali_sup, ncp, True)
        res = hcpc(res_pca, k, consolidation=not no_consolidation)
        payload = {
            "n_clusters": int(res.n_clusters),
            "clusters": {str(label): int(v) for label, v in res.clusters.items()},
            "inert_gain": [float(v) for v in res.inert_gain],
            "within": [float(v) for v in res.within],
            "quot": {str(key): float(v) for key, v in res.quot.items()},
            "bw_before_consol": float(res.bw_before_consol),
            "bw_after_consol": None if res.bw_after_consol is None else float(res.bw_after_consol),
        }
        tables = [
            ("Nombre de classes", res.n_clusters),
            ("Effectifs des classes", res.sizes.rename("effectif")),
            ("Classe de chaque individu", res.clusters.rename("classe")),
            ("Critère within[k]/within[k-1]", res.quot),
            ("Inertie inter avant consolidation", res.bw_before_consol),
            (
                "Inertie inter après consolidation",
                res.bw_after_consol if res.bw_after_consol is not None else "—",
            ),
        ]
        return payload, tables

    _run(file, action, fmt)


@app.command("ward")
def ward_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    clusters: int | None = typer.Option(None, "--clusters", min=1, help="Nombre de classes à découper."),
    scale: ScaleChoice = typer.Option(
        ScaleChoice.population,
        "--scale",
        help="population (écart-type en n, comme FactoMineR), sample (en n-1, comme R scale()) ou none.",
    ),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Classification ascendante hiérarchique de Ward (R hclust « ward.D2 »)."""
    import pandas as pd

    from numeduc.stats import ward

    def action():
        frame = _read(file, index)
        if clusters is not None and clusters > len(frame):
            raise InputError(f"--clusters vaut {clusters} mais le fichier n'a que {len(frame)} lignes")
        res = ward(frame, clusters, scale=scale.value)
        payload = {"merge_heights": [float(v) for v in res.merge_heights]}
        if res.clusters is not None:
            payload["clusters"] = {str(label): int(v) for label, v in res.clusters.items()}
        payload["cophenetic_correlation"] = float(res.cophenetic_correlation)
        heights = pd.Series(res.merge_heights, index=range(1, len(res.merge_heights) + 1))
        tables = [("Hauteurs de fusion", heights)]
        if res.clusters is not None:
            tables.append(("Classe de chaque ligne", res.clusters.rename("classe")))
        tables.append(("Corrélation cophénétique", float(res.cophenetic_correlation)))
        return payload, tables

    _run(file, action, fmt)


@app.command("corr")
def corr_command(
    file: Path = FILE_ARG,
    index: str = INDEX_OPT,
    method: CorrMethod = typer.Option(CorrMethod.pearson, "--method", help="pearson, spearman ou kendall."),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Matrice de corrélations avec les p-valeurs (R cor et cor.test ; paires complètes)."""
    from numeduc.stats import correlation

    def action():
        res = correlation(_read(file, index), method.value)
        payload = {
            "matrix": _table(res.matrix),
            "p_values": _table(res.p_values),
            "n": {str(r): {str(c): int(v) for c, v in row.items()} for r, row in res.n.iterrows()},
        }
        return payload, [
            ("Corrélations", res.matrix),
            ("p-valeurs", res.p_values),
            ("Effectifs par paire", res.n),
        ]

    _run(file, action, fmt)
