"""``numeduc serve`` and ``numeduc manage``: run the web application."""

from __future__ import annotations

import typer

from .django_setup import migrate, setup_django
from .errors import fail


def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse d'écoute."),
    port: int = typer.Option(8000, help="Port."),
    workers: int = typer.Option(2, help="Processus gunicorn."),
    threads: int = typer.Option(1, help="Fils par processus (plus de 1 : gunicorn « gthread »)."),
    quiet: bool = typer.Option(
        False, "--quiet", help="Sans journal des requêtes (les erreurs restent journalisées)."
    ),
    dev: bool = typer.Option(
        False, "--dev", help="Serveur de développement Django (rechargement automatique)."
    ),
) -> None:
    """Sert l'application web (gunicorn ; base SQLite embarquée sauf si DATABASE_URL est défini)."""
    setup_django()
    from django.conf import settings

    if settings.SECRET_KEY_SOURCE == "placeholder":
        fail(
            "NUMEDUC_SECRET_KEY n'est pas défini. Cette clé secrète protège les sessions et les liens "
            "envoyés par e-mail ; en production, donnez-en une longue et aléatoire, par exemple\n"
            "  export NUMEDUC_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"\n"
            "Pour une démonstration locale, lancez d'abord « numeduc demo setup » (ou « make demo ») : "
            f"elle crée sa propre clé dans {settings.DEMO_SECRET_KEY_FILE}."
        )
    migrate()
    if settings.SECRET_KEY_SOURCE == "demo":
        typer.echo(f"Instance de démonstration : clé secrète lue dans {settings.DEMO_SECRET_KEY_FILE}.")
    if settings.LOG_FILE:
        typer.echo(f"Journal des erreurs : sortie d'erreur et {settings.LOG_FILE}.")
    typer.echo(serving_message(host, port, demo=settings.SECRET_KEY_SOURCE == "demo"))
    if dev:
        from django.core.management import call_command

        call_command("runserver", f"{host}:{port}")
        return
    from gunicorn.app.wsgiapp import WSGIApplication

    class _App(WSGIApplication):
        def __init__(self):
            self.options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "accesslog": None if quiet else "-",
                "errorlog": "-",
                "timeout": 120,
                # Load Django once in the master: workers start (and restart) at once.
                "preload_app": True,
            }
            if threads > 1:
                self.options["worker_class"] = _accepting_while_a_thread_is_free()
            super().__init__()

        def load_config(self):
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self):
            from numeduc.web.wsgi import application

            _warm_up()
            return application

    _App().run()


def manage(args: list[str] = typer.Argument(None, help="Arguments de django-admin.")) -> None:
    """Lance une commande d'administration Django (migrate, createsuperuser, shell…)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["numeduc manage", *(args or [])])


def serving_message(host: str, port: int, *, demo: bool) -> str:
    """The address to open, as a browser on this machine reaches it: listening on every
    interface (0.0.0.0, ::) is reached at 127.0.0.1."""
    every_interface = host in ("0.0.0.0", "::", "")
    shown = "127.0.0.1" if every_interface else (f"[{host}]" if ":" in host else host)
    lines = [f"numeduc sert http://{shown}:{port}/ (Ctrl+C pour arrêter)"]
    if every_interface:
        lines.append("Écoute sur toutes les interfaces : depuis une autre machine, utilisez son adresse.")
    if demo:
        from numeduc.web.demo import DEMO_PASSWORD  # Django is set up by serve()

        lines.append(
            f"Ouvrez http://{shown}:{port}/ et connectez-vous, par exemple avec loiret@demo.numeduc.fr "
            f"(mot de passe commun des comptes de démonstration : {DEMO_PASSWORD})."
        )
    return "\n".join(lines)


# The pages a class opens all at once (a collège's survey link or the class code).
WARM_TEMPLATES = (
    "school_surveys/answer.html",
    "school_surveys/thanks.html",
    "school_surveys/closed.html",
    "school_surveys/code.html",
)


def _warm_up() -> None:
    """Build once, in gunicorn's master before it forks its workers, what the first request of
    every worker would otherwise build while the others wait: the URL patterns' regular
    expressions and the reverse map, the templates of the public survey pages (the cached
    loader keeps them compiled) and the shipped questionnaires (cached by the loader). About
    0.1 s of work per process at the worst moment, a class opening the link together just
    after a restart (bench/bench_surveys.py). No database access: nothing here is shared
    across the fork but read-only caches."""
    from django.template.loader import get_template
    from django.urls import URLResolver, get_resolver, reverse

    from numeduc.questionnaires import available_questionnaires, load_questionnaire

    def compile_patterns(resolver: URLResolver) -> None:
        for entry in resolver.url_patterns:
            entry.pattern.regex  # noqa: B018 (compiled and cached on first access)
            if isinstance(entry, URLResolver):
                compile_patterns(entry)

    compile_patterns(get_resolver())
    reverse("home")  # fills the resolver's reverse map
    for name in WARM_TEMPLATES:
        get_template(name)
    for slug, version in available_questionnaires():
        load_questionnaire(slug, version)


def _accepting_while_a_thread_is_free():
    """gunicorn's threaded worker (gthread), taking a new connection only while one of its
    threads is free.

    The stock worker accepts every connection it can (up to ``worker_connections``, 1000) and
    queues them in its own thread pool: when a class opens the survey at once, one process
    takes far more than its share and makes them wait while the other has free threads, and
    all the requests it holds share one interpreter lock, so that they all finish late
    (bench/bench_surveys.py, docs/benchmarks.md). Here a process stops accepting while its
    threads are all busy: the waiting connections stay in the listening socket's queue, where
    whichever process frees a thread first takes the next one. Kept-alive idle connections
    do not count (they hold no thread), so a browser's open connections never block anyone.
    """
    from gunicorn.workers.gthread import ThreadWorker

    class AcceptingWhileAThreadIsFree(ThreadWorker):
        _in_threads = 0  # requests handed to the pool and not finished (main thread only)

        # The stock loop accepts while ``nr_conns < worker_connections``: read through here,
        # the limit is reached as soon as every thread has a request.
        @property
        def worker_connections(self):
            if self._in_threads >= self.cfg.threads:
                return self.nr_conns
            return self._connection_limit

        @worker_connections.setter
        def worker_connections(self, value):
            self._connection_limit = value

        def enqueue_req(self, conn):
            self._in_threads += 1
            super().enqueue_req(conn)

        def finish_request(self, conn, fs):
            self._in_threads -= 1
            super().finish_request(conn, fs)

    return AcceptingWhileAThreadIsFree
