"""Where the embedded server lives: its environment (per-user cache) and its data folders.

The defaults are the per-user folders of `platformdirs`; on Linux they are the XDG
ones the toolkit always used (``~/.cache/historians-toolkit/doccano-1.8.4`` and
``~/.local/share/historians-toolkit/doccano``), so existing installs are found.
$TOOLKIT_DOCCANO_HOME and $TOOLKIT_DOCCANO_DATA override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "historians-toolkit"

DOCCANO_VERSION = "1.8.4"
# numpy<2: pandas 1.x breaks against numpy 2 (every request 500s);
# marshmallow<4: environs 9.5 dies at import. gunicorn comes with doccano.
SERVER_PACKAGES = (f"doccano=={DOCCANO_VERSION}", "numpy<2", "marshmallow<4")
DEFAULT_PORT = 8765
HOST = "127.0.0.1"
ADMIN_USERNAME = "admin"
SETTINGS_MODULE = "config.settings.historians_toolkit"
HOME_ENV = "TOOLKIT_DOCCANO_HOME"
DATA_ENV = "TOOLKIT_DOCCANO_DATA"
PYTHON_ENV = "TOOLKIT_DOCCANO_PYTHON"
# pandas<2, which doccano 1.8.4 requires, has wheels for CPython 3.8 to 3.11 only.
SERVER_PYTHONS = ((3, 8), (3, 11))
GUNICORN_PACKAGE = "gunicorn>=20.1,<21"
# The team server (PostgreSQL, a celery worker on Redis or RabbitMQ): the doccano wheel's
# ``postgresql`` extra is empty, so psycopg2 comes from here; celery 5.x already brings
# kombu and amqp (RabbitMQ), and kombu's ``redis`` extra asks for redis>=6.4,<9.
TEAM_PACKAGES = ("psycopg2-binary>=2.9,<3", "redis>=6.4,<9")
TEAM_SETTINGS_MODULE = "config.settings.historians_toolkit_team"
DATABASE_URL_ENV = "TOOLKIT_DOCCANO_DATABASE_URL"
BROKER_URL_ENV = "TOOLKIT_DOCCANO_BROKER_URL"
TEAM_WEB_WORKERS = 3
TEAM_TASK_CONCURRENCY = 2

INSTALL_TIMEOUT = 1800.0
INIT_TIMEOUT = 300.0
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
HTTP_TIMEOUT = 3.0
# The health check of a team server waits up to 3 s for the celery worker to answer.
TEAM_HEALTH_TIMEOUT = 10.0
CHECK_TIMEOUT = 5.0
LOCK_TIMEOUT = 60.0


@dataclass(frozen=True)
class ServerPaths:
    """Where the server's environment (``home``) and one server's data (``data_dir``) live."""

    home: Path
    data_dir: Path

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def gunicorn(self) -> Path:
        return self.venv / "bin" / "gunicorn"

    @property
    def doccano(self) -> Path:
        return self.venv / "bin" / "doccano"

    @property
    def install_log(self) -> Path:
        return self.home / "install.log"

    @property
    def install_marker(self) -> Path:
        return self.home / "installed.json"

    @property
    def team_marker(self) -> Path:
        """Written once the team packages (TEAM_PACKAGES) are in the environment too."""
        return self.home / "installed-team.json"

    @property
    def install_lock(self) -> Path:
        return self.home / ".install.lock"

    @property
    def database(self) -> Path:
        return self.data_dir / "db.sqlite3"

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / "secret_key"

    @property
    def credentials_file(self) -> Path:
        return self.data_dir / "credentials.json"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "server.pid"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "server.json"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".server.lock"


def server_paths(data_dir: str | Path | None = None, home: str | Path | None = None) -> ServerPaths:
    """Resolve the paths: argument, else environment variable, else the per-user default."""
    return ServerPaths(
        home=_resolve_dir(home, HOME_ENV, toolkit_cache_root() / f"doccano-{DOCCANO_VERSION}"),
        data_dir=_resolve_dir(data_dir, DATA_ENV, toolkit_data_root() / "doccano"),
    )


def toolkit_data_root() -> Path:
    """The toolkit's per-user data folder (~/.local/share/historians-toolkit on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def toolkit_cache_root() -> Path:
    """The toolkit's per-user cache folder (~/.cache/historians-toolkit on Linux)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def _resolve_dir(given: str | Path | None, env_name: str, default: Path) -> Path:
    if given is None or str(given) == "":
        given = os.environ.get(env_name) or None
    if given is None:
        given = default
    return Path(os.path.abspath(os.path.expanduser(str(given))))
