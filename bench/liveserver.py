"""A real numeduc server for benchmarks and concurrency tests: fresh database, gunicorn, kill -9.

``LiveNumeduc`` makes a temporary VAR_DIR, a database (SQLite file there, or a new database on
the PostgreSQL server that ``DATABASE_URL`` or ``postgres_url`` names), migrates it, runs
set-up and check functions in a child process with the server's own settings
(``run_django``), and starts ``numeduc serve`` on a free loopback port; ``kill9`` and
``start`` simulate a crash and a restart. ``http`` is a minimal asyncio HTTP/1.1 client (one
connection per request), so that hundreds of concurrent clients cost little CPU.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
NUMEDUC = ROOT / ".venv" / "bin" / "numeduc"


# -- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict, port: int, workers: int, threads: int):
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(Path(self.env["NUMEDUC_VAR_DIR"]) / "server.log", "ab")
        self.process = subprocess.Popen(
            [
                str(NUMEDUC),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--quiet",
            ],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("le serveur n'a pas démarré (voir server.log)")

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class ThrowawayPostgres:
    """A PostgreSQL 15 cluster in a temporary directory, run as ``postgres`` (as in .ci/run)."""

    BIN = Path("/usr/lib/postgresql/15/bin")

    def __enter__(self) -> str:
        self.data, self.sock = tempfile.mkdtemp(), tempfile.mkdtemp()
        shutil.chown(self.data, "postgres", "postgres")
        shutil.chown(self.sock, "postgres", "postgres")
        self.port = free_port()

        def run(*cmd):
            subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, stdout=subprocess.DEVNULL)

        run(
            str(self.BIN / "initdb"),
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        run(
            str(self.BIN / "pg_ctl"),
            "-D",
            self.data,
            "-l",
            f"{self.data}/log",
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sock} -c max_connections=300",
            "start",
        )
        self._run = run
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc) -> None:
        self._run(str(self.BIN / "pg_ctl"), "-D", self.data, "-m", "fast", "stop")
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.rmtree(self.sock, ignore_errors=True)


async def http(
    port: int,
    method: str,
    path: str,
    cookies: str,
    body: bytes = b"",
    headers: dict | None = None,
    timeout: float = 60,
) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            f"Cookie: {cookies}",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    if not head:
        raise ConnectionError("réponse vide")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    response_headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        response_headers[name.strip().lower()] = value.strip()
    return status, response_headers, payload


class SignedInClient:
    """A signed-in browser posting HTML forms to the live server: its session cookie, a CSRF
    token of its own sent as cookie, form field and header, and the Referer a browser sends."""

    def __init__(self, port: int, session: str):
        import secrets

        self.port = port
        self.csrf = secrets.token_hex(16)
        self.cookies = f"csrftoken={self.csrf}; sessionid={session}"

    async def post(self, path: str, form: dict) -> int:
        from urllib.parse import urlencode

        body = urlencode({**form, "csrfmiddlewaretoken": self.csrf}, doseq=True).encode()
        status, _, _ = await http(
            self.port,
            "POST",
            path,
            self.cookies,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf,
                "Referer": f"http://127.0.0.1:{self.port}/",
            },
        )
        return status


def run_async(coroutine):
    """``asyncio.run`` in a thread of its own: the caller's thread may already run an event loop
    (Playwright's sync API leaves one in pytest's main thread)."""
    import threading

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="numeduc-live-clients")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class LiveNumeduc:
    """Context manager: ``with LiveNumeduc() as live: live.run_django(file, "func", spec)``."""

    def __init__(
        self,
        *,
        postgres_url: str | None = None,
        workers: int = 2,
        threads: int = 4,
        keep: bool = False,
        label: str = "live",
    ):
        self.postgres_url = postgres_url if postgres_url is not None else os.environ.get("DATABASE_URL")
        self.workers, self.threads, self.keep, self.label = workers, threads, keep, label
        self.database_name: str | None = None

    def __enter__(self) -> LiveNumeduc:
        self.work = Path(tempfile.mkdtemp(prefix=f"numeduc-{self.label}-"))
        self.env = {
            **os.environ,
            "NUMEDUC_VAR_DIR": str(self.work),
            "NUMEDUC_SECRET_KEY": secrets.token_urlsafe(50),
            "NUMEDUC_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        if self.postgres_url:
            self.database_name = f"numeduc_{self.label.replace('-', '_')}_{secrets.token_hex(4)}"
            self._postgres_admin(f'CREATE DATABASE "{self.database_name}"')
            base, _, _ = self.postgres_url.rpartition("/")
            self.env["DATABASE_URL"] = f"{base}/{self.database_name}"
        subprocess.run([str(NUMEDUC), "manage", "migrate", "--verbosity", "0"], env=self.env, check=True)
        self.port = free_port()
        self.server = Server(self.env, self.port, self.workers, self.threads)
        return self

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_name else "sqlite"

    def start(self) -> None:
        self.server.start()

    def kill9(self) -> None:
        self.server.kill9()

    def run_django(self, file: str | Path, function: str, spec: dict) -> dict:
        """Run ``function(spec) -> dict`` of the Python file ``file`` with Django set up on this
        instance's database, in a child process; returns its result."""
        spec_path = self.work / f"{function}-{secrets.token_hex(3)}.json"
        spec_path.write_text(json.dumps(spec))
        out = subprocess.run(
            [str(PYTHON), __file__, str(file), function, str(spec_path)],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"{function} a échoué :\n{out.stderr[-4000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def server_log(self) -> str:
        path = self.work / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __exit__(self, *exc) -> None:
        self.server.stop()
        if self.database_name:
            self._postgres_admin(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def _postgres_admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.postgres_url, autocommit=True) as connection:
            connection.execute(sql)


def session_for(user) -> str:
    """A signed-in session key for ``user`` (child side: Django set up), as the login page makes."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _child(file: str, function: str, spec_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "numeduc.web.settings")
    import django

    django.setup()
    module_spec = importlib.util.spec_from_file_location("numeduc_live_child", file)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module  # dataclasses look their module up there
    module_spec.loader.exec_module(module)
    result = getattr(module, function)(json.loads(Path(spec_path).read_text()))
    print(json.dumps(result))


if __name__ == "__main__":
    _child(*sys.argv[1:4])
