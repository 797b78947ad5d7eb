"""The team server's settings: doccano on PostgreSQL, a celery worker on Redis or RabbitMQ.

The database and broker URLs may hold passwords. They reach the server through its
environment only (never a command line), are shown masked (``user:***@host``), and
are stored in the data folder's state without their password: a server whose URLs
had one is started again with the URL given again (option or
$TOOLKIT_DOCCANO_DATABASE_URL / $TOOLKIT_DOCCANO_BROKER_URL).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from toolkit.doccano.server.paths import (
    BROKER_URL_ENV,
    CHECK_TIMEOUT,
    DATABASE_URL_ENV,
    TEAM_WEB_WORKERS,
    ServerPaths,
)
from toolkit.errors import ServerError

DATABASE_SCHEMES = ("postgresql", "postgres", "pgsql")
BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp")
LOCAL_HOSTS = ("", "127.0.0.1", "localhost", "::1", "[::1]")
MAX_WORKERS = 16

# Runs with the server's Python (it has psycopg2 and kombu); the URLs come from its
# environment. Prints one JSON object: the problem with each service, if any.
_CHECK_SERVICES = """\
import json, os, sys
timeout = float(sys.argv[1])
problems = {}
try:
    import psycopg2
except ImportError as error:
    problems["database"] = "import: " + str(error)
else:
    try:
        psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=max(1, int(timeout))).close()
    except psycopg2.Error as error:
        problems["database"] = " ".join(str(error).split())
try:
    from kombu import Connection
    with Connection(os.environ["CELERY_BROKER_URL"], connect_timeout=timeout,
                    transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout,
                                       "max_retries": 0}) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        connection.default_channel
except Exception as error:
    problems["broker"] = type(error).__name__ + ": " + " ".join(str(error).split())
print(json.dumps(problems))
"""


@dataclass(frozen=True)
class TeamConfig:
    """A team server's database, broker and web workers. ``database`` and ``broker`` are
    the full URLs (passwords included): never print, log or store them; use ``masked``."""

    database: str
    broker: str
    workers: int = TEAM_WEB_WORKERS

    def masked(self) -> dict[str, Any]:
        return {"database": mask_url(self.database), "broker": mask_url(self.broker), "workers": self.workers}

    def to_state(self) -> dict[str, Any]:
        """What the state file keeps: the URLs without their passwords, and whether they had one."""
        return {
            "database": strip_password(self.database),
            "database_password": has_password(self.database),
            "broker": strip_password(self.broker),
            "broker_password": has_password(self.broker),
            "workers": self.workers,
        }


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        return parts
    except ValueError:
        raise ServerError("a database or broker URL is not valid; give one such as "
                          "postgresql://user@127.0.0.1:5432/doccano or redis://127.0.0.1:6379/0") from None


def _netloc(parts: SplitResult, password: str | None) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    if parts.username is None and password is None:
        return host
    user = quote(unquote(parts.username or ""), safe="")
    return f"{user}:{password}@{host}" if password is not None else f"{user}@{host}"


def has_password(url: str) -> bool:
    return _split(url).password is not None


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (for messages and status)."""
    parts = _split(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=_netloc(parts, "***")))


def strip_password(url: str) -> str:
    """The URL without its password (what the state file keeps)."""
    parts = _split(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=_netloc(parts, None)))


def server_database_url(url: str) -> str:
    """``DATABASE_URL`` for doccano: ``sslmode=disable`` added for a local server when the URL
    names no sslmode (doccano otherwise requires SSL, which a local PostgreSQL rarely has)."""
    parts = _split(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if (parts.hostname or "") in LOCAL_HOSTS and not any(key == "sslmode" for key, _ in query):
        query.append(("sslmode", "disable"))
        return urlunsplit(parts._replace(query=urlencode(query)))
    return url


def validate(database: str, broker: str, workers: int) -> None:
    db, br = _split(database), _split(broker)
    if db.scheme not in DATABASE_SCHEMES:
        raise ServerError(f"--database {mask_url(database)} is not a PostgreSQL URL; give one such as "
                          "postgresql://user@127.0.0.1:5432/doccano")
    if not db.path.strip("/"):
        raise ServerError(f"--database {mask_url(database)} names no database; add its name, as in "
                          "postgresql://user@127.0.0.1:5432/doccano")
    if br.scheme not in BROKER_SCHEMES:
        raise ServerError(f"--broker {mask_url(broker)} is neither Redis nor RabbitMQ; give one such as "
                          "redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//")
    if not 1 <= workers <= MAX_WORKERS:
        raise ServerError(f"--workers {workers} is out of range; give 1 to {MAX_WORKERS}")


def resolve_team(
    state: dict[str, Any],
    database: str | None,
    broker: str | None,
    workers: int | None,
) -> TeamConfig | None:
    """The team settings to start with, or None for the embedded server.

    Given URLs win; else a data folder last started as a team server starts the same
    way, its URLs taken from the state file, or from $TOOLKIT_DOCCANO_DATABASE_URL /
    $TOOLKIT_DOCCANO_BROKER_URL when they had a password (never stored)."""
    import os

    if database is None and broker is None:
        if state.get("mode") != "team":
            if workers is not None:
                raise ServerError("--workers is for a team server: give --database and --broker too "
                                  "(the embedded server runs one worker)")
            return None
        database = _from_state(state, "database", DATABASE_URL_ENV, "--database", os.environ)
        broker = _from_state(state, "broker", BROKER_URL_ENV, "--broker", os.environ)
        workers = workers or int(state.get("workers") or TEAM_WEB_WORKERS)
    elif (database is None or broker is None) and state.get("mode") == "team":
        # One given again (say, the one with a password, from its environment variable):
        # the other as the state file has it.
        database = database or _from_state(state, "database", DATABASE_URL_ENV, "--database", os.environ)
        broker = broker or _from_state(state, "broker", BROKER_URL_ENV, "--broker", os.environ)
        workers = workers or int(state.get("workers") or TEAM_WEB_WORKERS)
    elif database is None or broker is None:
        raise ServerError("a team server needs both --database postgresql://... and --broker redis://... "
                          "(or amqp://...); give the missing one")
    workers = workers or TEAM_WEB_WORKERS
    validate(database, broker, workers)
    return TeamConfig(database, broker, workers)


def _from_state(state: dict[str, Any], key: str, env_name: str, option: str, environ: Any) -> str:
    stored = state.get(key)
    given = environ.get(env_name) or None
    if not isinstance(stored, str) or not stored:
        if given:
            return str(given)
        raise ServerError(f"the team server's {key} URL is not in the state file; give it with {option}")
    if not state.get(f"{key}_password"):
        return stored
    if given and strip_password(given) == stored:
        return str(given)
    raise ServerError(f"the team server's {key} URL {stored} has a password the toolkit does not store; "
                      f"give the URL again with {option} or ${env_name}")


def check_services(paths: ServerPaths, env: dict[str, str], team: TeamConfig, backend: Path,
                   timeout: float = CHECK_TIMEOUT) -> None:
    """Check that PostgreSQL (and the database) and the broker answer, before starting anything.
    One ServerError line with the fix; the URLs travel in ``env`` only."""
    try:
        done = subprocess.run(
            [str(paths.python), "-c", _CHECK_SERVICES, str(timeout)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=backend,
            timeout=4 * timeout + 20,
        )
        problems = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else None
    except subprocess.TimeoutExpired:
        raise ServerError(f"checking PostgreSQL and the broker took more than {4 * timeout + 20:.0f} s; "
                          f"check that {mask_url(team.database)} and {mask_url(team.broker)} answer") from None
    except (OSError, ValueError):
        problems = None
    if not isinstance(problems, dict):
        raise ServerError("could not check PostgreSQL and the broker with the server's Python; "
                          "run `toolkit server install --team` again")
    secrets_ = [p for p in (_split(team.database).password, _split(team.broker).password) if p]

    def clean(text: str) -> str:
        for secret in secrets_:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
        return text[:200]

    if "database" in problems:
        raise ServerError(_database_problem(team.database, clean(str(problems["database"]))))
    if "broker" in problems:
        broker = mask_url(team.broker)
        problem = clean(str(problems["broker"]))
        if any(word in problem.lower() for word in ("access_refused", "auth", "password", "wrongpass")):
            raise ServerError(f"the broker at {broker} refused the login ({problem}); fix the user or password "
                              f"in --broker (or ${BROKER_URL_ENV})")
        fix = ("start RabbitMQ (`rabbitmq-server -detached`)" if _split(team.broker).scheme.endswith("amqp")
               or _split(team.broker).scheme == "amqps"
               else "start Redis (`redis-server --daemonize yes --bind 127.0.0.1`)")
        raise ServerError(f"the broker at {broker} is not reachable ({problem}); "
                          f"{fix} or fix --broker")


def _database_problem(url: str, problem: str) -> str:
    parts = _split(url)
    name = unquote(parts.path.strip("/"))
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    lowered = problem.lower()
    if "does not exist" in lowered and "database" in lowered:
        return (f"the database {name!r} does not exist on the PostgreSQL at {where}; create it with "
                f"`createdb -h {parts.hostname or 'localhost'} -p {parts.port or 5432}"
                f"{' -U ' + unquote(parts.username) if parts.username else ''} {name}` and start again")
    if "authentication" in lowered or "password" in lowered or "role" in lowered:
        return (f"PostgreSQL at {where} refused the login ({problem}); fix the user or password in --database "
                f"(or ${DATABASE_URL_ENV})")
    if "import:" in lowered:
        return "the server's environment lacks psycopg2; run `toolkit server install --team`"
    return (f"PostgreSQL at {where} is not reachable ({problem}); start it (e.g. `pg_ctlcluster <version> main "
            f"start`) or fix --database")
