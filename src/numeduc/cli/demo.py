"""``numeduc demo setup``: a ready-to-explore instance with synthetic data, clearly labelled."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from .django_setup import migrate, setup_django

app = typer.Typer(help="Instance de démonstration (données synthétiques).", no_args_is_help=True)


def _keep_demo_secret_key() -> None:
    """The demo's own secret key, made once and kept under VAR_DIR (readable by its owner only),
    so that ``numeduc serve`` starts without NUMEDUC_SECRET_KEY on this instance only."""
    import os
    import secrets

    from django.conf import settings

    path = settings.DEMO_SECRET_KEY_FILE
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")


@app.command("setup")
def setup(seed: int = typer.Option(2017, help="Graine du générateur de données de démonstration.")) -> None:
    """Migre la base, charge les données de référence, génère les campagnes et comptes de démonstration."""
    setup_django()
    migrate()
    _keep_demo_secret_key()
    from numeduc.web.demo import DEMO_PASSWORD, load_demo
    from numeduc.web.territories.loading import load_reference

    console = Console(width=max(Console().width, 130))
    with console.status("Chargement des données de référence (Insee, Éducation nationale)…"):
        load_reference()
    with console.status("Génération des données de démonstration (questionnaires, budgets)…"):
        report = load_demo(seed=seed)
    from numeduc.web.usage_dashboard.demo import load_demo_usage

    with console.status("Génération et ingestion de journaux d'usage de démonstration (Loiret, 3 mois)…"):
        usage = load_demo_usage("45", months=3, seed=seed)
    from numeduc.web.school_surveys.demo import load_demo_school_surveys

    # After the logs: the pupils' and parents' answers are drawn beside what the logs measure.
    with console.status("Génération des enquêtes des collèges de démonstration (Loiret, Nord)…"):
        school = load_demo_school_surveys(seed=seed)
    from numeduc.web.stories.demo import load_demo_stories

    stories = load_demo_stories()  # after the plans: one story names a Loiret action
    from numeduc.web.resources.demo import load_demo_resources

    # After the logs: three entries name modules of the demo logs (measured use on Loiret).
    resources = load_demo_resources(seed=seed)
    from numeduc.web.evaluation.demo import load_demo_evaluation

    # After the logs and the plans: the pilot is measured on the Loiret's logs and names an action.
    strategies, pilot = load_demo_evaluation()
    console.print(
        f"[bold]Données de démonstration[/bold] chargées (graine {seed}) : "
        f"campagne 2017 clôturée ({report['campaigns'][2017]} réponses), "
        f"campagne 2018 ouverte ({report['campaigns'][2018]} réponses), "
        f"enquête en trois questions 2016 ({report['campaigns']['survey_2016']} réponses), "
        f"questionnaire des DAN 2017 ({report['campaigns']['dan_2017']} académies), "
        "questionnaire des DAN 2018 ouvert (sans réponse : le DAN de démonstration peut y répondre), "
        f"{report.get('action_plans', 0)} plans d'actions, "
        f"journaux d'usage synthétiques du Loiret ({usage.get('seconds', 0):.0f} s), "
        f"enquêtes des collèges : {school['pupils']} réponses d'élèves et {school['parents']} "
        "de parents (Loiret, Nord), "
        f"{len(stories)} réussites de départements, "
        f"catalogue : {resources['resources']} ressources et {resources['feedbacks']} retours de départements, "
        f"{report.get('experience_sheet_versions', 0)} versions publiées de fiches de départements, "
        f"stratégies d'équipement de {len(strategies)} collèges du Loiret"
        + (" et un pilote à évaluer." if pilot is not None else ".")
    )
    table = Table(title=f"Comptes de démonstration — mot de passe commun : {DEMO_PASSWORD}")
    table.add_column("Adresse e-mail")
    table.add_column("Rôle")
    table.add_column("Pour voir")
    for account in report["accounts"]:
        table.add_row(account.email, str(account.role), account.what)
    console.print(table)
    console.print(
        "Lancez « numeduc serve » (make demo le fait) : il affiche l'adresse à ouvrir, puis "
        "connectez-vous, par exemple avec loiret@demo.numeduc.fr."
    )
