"""``numeduc surveys``: anonymous surveys in the collèges — open one, read its results
(docs/school-surveys.md)."""

from __future__ import annotations

import json

import typer

from .django_setup import migrate, setup_django
from .errors import fail

app = typer.Typer(
    help="Enquêtes anonymes dans les collèges (élèves, enseignants, parents, personnels).",
    no_args_is_help=True,
)

FORMATS = ("table", "json")
LEVELS = ("college", "departement", "groupe", "national")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        fail(f"--format : « {fmt} » inconnu (valeurs possibles : {', '.join(FORMATS)}).")


@app.command("open")
def open_command(
    questionnaire: str = typer.Option(
        ..., "--questionnaire", help="Questionnaire des collèges (ex. college-eleves)."
    ),
    departement: str = typer.Option(..., "--departement", help="Code du département (ex. 45)."),
    uai: list[str] = typer.Option(
        None, "--uai", help="UAI d'un collège (répétable) ; sans option : tous ses collèges publics."
    ),
    days: int = typer.Option(30, "--jours", min=1, max=366, help="Nombre de jours d'ouverture."),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000", "--base-url", help="Adresse publique du site, pour les liens."
    ),
    fmt: str = typer.Option("table", "--format", help="table ou json."),
) -> None:
    """Ouvre une enquête pour les collèges d'un département et affiche le lien public de chacun."""
    _check_format(fmt)
    setup_django()
    migrate()
    import datetime as dt

    from django.utils import timezone

    from numeduc.web.school_surveys import services
    from numeduc.web.territories.models import Departement

    dep = Departement.objects.filter(code=departement.strip().upper()).first()
    if dep is None:
        fail(f"--departement : département « {departement} » inconnu.")
    today = timezone.localdate()
    try:
        survey = services.open_survey(
            questionnaire,
            dep,
            None,
            uais=uai or None,
            opens_on=today,
            closes_on=today + dt.timedelta(days=days),
        )
    except services.SurveyRefused as exc:
        fail(str(exc))
    base = base_url.rstrip("/")
    rows = [
        {
            "campaign": survey.pk,
            "uai": link.college.uai,
            "name": link.college.name,
            "audience": survey.audience,
            "url": f"{base}/enquete/{link.token}/",
            "closes_on": survey.closes_on.isoformat(),
        }
        for link in survey.colleges.select_related("college").order_by("college__uai")
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"Enquête n° {survey.pk} « {survey.title} » — {len(rows)} collège(s), "
        f"close le {survey.closes_on:%d/%m/%Y}"
    )
    for column in ("UAI", "Collège", "Lien public"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["uai"]), str(row["name"]), str(row["url"]))
    Console(width=200).print(table)


@app.command("results")
def results_command(
    campaign: int = typer.Option(
        ..., "--campaign", min=1, help="Numéro de l'enquête (affiché par « surveys open »)."
    ),
    level: str = typer.Option("college", "--niveau", help="college, departement, groupe ou national."),
    fmt: str = typer.Option("table", "--format", help="table ou json."),
) -> None:
    """Résultats d'une enquête par collège et public (ou par département, groupe, au national) :
    rien n'est affiché en dessous de 5 réponses."""
    _check_format(fmt)
    if level not in LEVELS:
        fail(f"--niveau : « {level} » inconnu (valeurs possibles : {', '.join(LEVELS)}).")
    setup_django()
    migrate()
    from numeduc.web.school_surveys import data
    from numeduc.web.school_surveys.models import SchoolSurvey

    survey = SchoolSurvey.objects.filter(pk=campaign).first()
    if survey is None:
        fail(f"--campaign : enquête n° {campaign} introuvable.")
    rows = data.result_rows(survey, level)
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"Enquête n° {survey.pk} « {survey.title} »"
        + (" — données de démonstration" if survey.is_demo else "")
    )
    for column in ("Unité", "Public", "Réponses", "Affiché"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.get("uai") or row.get("key") or "France",
            row["audience"],
            str(row["n"]),
            "oui" if row["shown"] else f"non ({row['reason']})",
        )
    Console(width=200).print(table)
