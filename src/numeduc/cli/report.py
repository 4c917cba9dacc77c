"""``numeduc report``: the reports of issue 15 written to a file, on the configured database
(the demo's after ``numeduc demo setup``), from the same templates and data as the web pages
(``numeduc.web.reports``).

- ``numeduc report departement CODE --campaign-year YEAR --output FILE.pdf|.html`` writes the
  département report (``--essentiel``: « L'essentiel », one page for elected officials).

- ``numeduc report national --campaign-year YEAR --output FILE.pdf|.html`` writes the national
  report of the campaign (``numeduc.web.reports.national``), the same document every reader of
  the national analysis downloads from the web."""

from __future__ import annotations

from pathlib import Path

import typer

from numeduc.cli.errors import fail

app = typer.Typer(help="Rapports imprimables (PDF balisé ou HTML).", no_args_is_help=True)


@app.callback()
def report() -> None:
    """Rapports imprimables : PDF balisé (PDF/UA) ou HTML, à partir de la base configurée."""


EXTENSIONS = (".pdf", ".html")
YEAR_OPT = typer.Option(..., "--campaign-year", help="Année de la campagne d'autodiagnostic.")
OUTPUT_OPT = typer.Option(..., "--output", "-o", help="Fichier à écrire : .pdf (PDF/UA balisé) ou .html.")


def _check_output(output: Path) -> str:
    extension = output.suffix.lower()
    if extension not in EXTENSIONS:
        fail(f"le fichier de sortie doit finir par .pdf ou .html (reçu : « {output.name} »).")
    if not output.parent.exists():
        fail(f"le dossier « {output.parent} » n'existe pas.")
    return extension


def _write(output: Path, extension: str, template: str, build, steps: list[str]) -> None:
    """Build the context (``build()``), render it as HTML or PDF and write ``output``, with a Rich
    progress bar over ``steps``."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from numeduc.web.reports import rendering

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False
    ) as progress:
        task = progress.add_task(steps[0], total=3)
        context = build()
        progress.update(task, advance=1, description=steps[1])
        html = rendering.render_html(template, context, pdf=extension == ".pdf")
        progress.update(task, advance=1, description=steps[2])
        if extension == ".pdf":
            output.write_bytes(rendering.html_to_pdf(html))
        else:
            output.write_text(html, encoding="utf-8")
        progress.update(task, advance=1, description="Terminé")
    typer.echo(f"{output} écrit ({output.stat().st_size // 1024} Kio).")


@app.command("departement")
def departement(
    code: str = typer.Argument(..., help="Code du département (45, 2A, 974…)."),
    campaign_year: int = YEAR_OPT,
    output: Path = OUTPUT_OPT,
    essentiel: bool = typer.Option(
        False,
        "--essentiel",
        help="Écrire « L'essentiel » (une page pour les élus) au lieu du rapport complet.",
    ),
) -> None:
    """Rapport d'un département pour une campagne : chiffres clés, profil, comparables, budget,
    usages, enquêtes, plan d'actions, sources et méthode."""
    extension = _check_output(output)
    import logging

    from numeduc.cli.django_setup import setup_django

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from numeduc.web.reports import data

    try:
        subject = data.find_subject(code.upper(), campaign_year)
    except data.ReportError as exc:
        message = str(exc)
        if message == data.DEPARTEMENT_NOT_FOUND:
            message = f"département inconnu : « {code} »."
        elif message == data.CAMPAIGN_NOT_FOUND:
            message = f"aucune campagne d'autodiagnostic en {campaign_year}."
        fail(message)
    if essentiel:
        template, build = "reports/essentiel.html", lambda: data.essentiel(None, subject)
    else:
        template, build = "reports/departement.html", lambda: data.departement_report(None, subject)
    what = "L'essentiel" if essentiel else "Rapport"
    steps = [
        f"{what} {subject.departement.name_of} : lecture des données",
        "Mise en page HTML",
        "PDF balisé (WeasyPrint)" if extension == ".pdf" else "Écriture du HTML",
    ]
    _write(output, extension, template, build, steps)


# -- national report: ``numeduc report national --campaign-year YEAR --output FILE`` --


@app.command("national")
def national_report(campaign_year: int = YEAR_OPT, output: Path = OUTPUT_OPT) -> None:
    """Rapport national d'une campagne : participation (carte), méthode, groupes de pairs, analyse
    nationale, budgets déclarés, usages, actions les plus prévues, fiches publiées, annexe par
    département (seulement les agrégats d'au moins 5 et les réponses partagées avec accord)."""
    extension = _check_output(output)
    import logging

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from numeduc.cli.django_setup import setup_django

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from numeduc.web.reports import data, national, rendering

    try:
        campaign = national.find_campaign(campaign_year)
    except data.ReportError:
        fail(f"aucune campagne d'autodiagnostic en {campaign_year}.")
    sections = 7  # the steps ``national_report`` announces
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False
    ) as progress:
        task = progress.add_task(
            f"Rapport national {campaign_year} : lecture des données", total=sections + 2
        )

        def step(name: str) -> None:
            progress.update(task, advance=1, description=f"Rapport national {campaign_year} : {name.lower()}")

        context = national.national_report(campaign, progress=step)
        progress.update(task, completed=sections, description="Mise en page HTML")
        html = rendering.render_html(national.TEMPLATE, context, pdf=extension == ".pdf")
        progress.update(
            task,
            advance=1,
            description="PDF balisé (WeasyPrint)" if extension == ".pdf" else "Écriture du HTML",
        )
        if extension == ".pdf":
            output.write_bytes(national.html_to_pdf(html))
        else:
            output.write_text(html, encoding="utf-8")
        progress.update(task, advance=1, description="Terminé")
    typer.echo(f"{output} écrit ({output.stat().st_size // 1024} Kio).")
