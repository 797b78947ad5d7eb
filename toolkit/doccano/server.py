"""Install, start, stop and report on an embedded doccano 1.8.4 server.

doccano lives in its own virtual environment (its pins clash with doccano-client's),
kept in a per-user cache folder and shared by every data folder. A data folder holds
one server's database, media, secret key, admin credentials, pid file and log.

The server is gunicorn bound to 127.0.0.1 only, one worker, with celery in eager mode
(``toolkit/data/doccano_settings.py``): file imports and exports run inside the web
process, so neither a broker nor a celery worker is needed.

    install_server()            -> InstallResult
    start_server(port=8765)     -> ServerStatus
    server_status()             -> ServerStatus
    stop_server()               -> bool
    read_credentials()          -> (url, username, password)
    server_log_tail(lines=50)   -> str

Linux only: processes are identified through ``/proc``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any

from toolkit.errors import (
    ServerError,
    ServerNotInstalledError,
    ServerTimeoutError,
    ServerUnreachableError,
)

__all__ = [
    "ADMIN_USERNAME",
    "DEFAULT_PORT",
    "DOCCANO_VERSION",
    "SERVER_PACKAGES",
    "InstallResult",
    "ServerPaths",
    "ServerStatus",
    "install_server",
    "is_server_installed",
    "read_credentials",
    "server_log_tail",
    "server_paths",
    "server_status",
    "start_server",
    "stop_server",
]

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

INSTALL_TIMEOUT = 1800.0
INIT_TIMEOUT = 300.0
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
HTTP_TIMEOUT = 3.0
LOCK_TIMEOUT = 60.0

# Environment variables of the caller that must not reach the server: the server's
# own values are set explicitly, and a DATABASE_URL meant for the toolkit's store
# must never become doccano's database.
_SCRUBBED_ENV = (
    "CELERY_BROKER_URL",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "MEDIA_ROOT",
    "PYTHONHOME",
    "PYTHONPATH",
    "SECRET_KEY",
    "VIRTUAL_ENV",
)

# Runs in the server's environment; reads the password from stdin so that it
# never appears on a command line (``doccano createuser`` takes it as an argument).
_CREATE_ADMIN = """\
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
username = sys.argv[1]
password = sys.stdin.readline().rstrip("\\n")
user, _ = get_user_model().objects.get_or_create(username=username)
user.is_superuser = True
user.is_staff = True
user.is_active = True
user.set_password(password)
user.save()
"""

# Runs with the toolkit's Python: starts gunicorn in a new session, prints its pid
# and exits, so the server is nobody's child and outlives the caller.
_LAUNCH_DETACHED = """\
import subprocess, sys
process = subprocess.Popen(
    sys.argv[1:], stdin=subprocess.DEVNULL, stdout=sys.stderr,
    stderr=subprocess.STDOUT, start_new_session=True,
)
print(process.pid)
"""


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


@dataclass(frozen=True)
class InstallResult:
    """What ``install_server`` did."""

    venv: Path
    python: str
    packages: tuple[str, ...]
    installed: bool
    seconds: float
    log_file: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "venv": str(self.venv),
            "python": self.python,
            "packages": list(self.packages),
            "installed": self.installed,
            "seconds": round(self.seconds, 1),
            "log_file": str(self.log_file),
        }


@dataclass(frozen=True)
class ServerStatus:
    """The state of one data folder's server; never carries the password."""

    url: str
    data_dir: Path
    running: bool
    pid: int | None
    credentials_file: Path
    log_file: Path
    installed: bool
    version: str = DOCCANO_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "data_dir": str(self.data_dir),
            "running": self.running,
            "pid": self.pid,
            "credentials_file": str(self.credentials_file),
            "log_file": str(self.log_file),
            "installed": self.installed,
            "version": self.version,
        }


# ---------------------------------------------------------------- paths


def server_paths(data_dir: str | Path | None = None, home: str | Path | None = None) -> ServerPaths:
    """Resolve the paths: argument, else environment variable, else the XDG default."""
    return ServerPaths(
        home=_resolve_dir(home, HOME_ENV, "XDG_CACHE_HOME", ".cache", f"doccano-{DOCCANO_VERSION}"),
        data_dir=_resolve_dir(data_dir, DATA_ENV, "XDG_DATA_HOME", ".local/share", "doccano"),
    )


def _resolve_dir(given: str | Path | None, env_name: str, xdg_name: str, fallback: str, leaf: str) -> Path:
    if given is None or str(given) == "":
        given = os.environ.get(env_name) or None
    if given is None:
        base = os.environ.get(xdg_name, "")
        root = Path(base) if os.path.isabs(base) else Path.home() / fallback
        given = root / "historians-toolkit" / leaf
    return Path(os.path.abspath(os.path.expanduser(str(given))))


# ---------------------------------------------------------------- install


def is_server_installed(home: str | Path | None = None) -> bool:
    """True when the server's environment holds exactly the pinned packages."""
    return _is_installed(server_paths(home=home))


def install_server(
    home: str | Path | None = None,
    *,
    python: str | Path | None = None,
    timeout: float = INSTALL_TIMEOUT,
) -> InstallResult:
    """Create the server's virtual environment and pip-install the pinned doccano; idempotent.

    ``python`` is the interpreter for that environment: by default ``$TOOLKIT_DOCCANO_PYTHON``,
    else the current Python if it is 3.8 to 3.11, else ``python3.11`` or ``python3.10`` on PATH.
    """
    paths = server_paths(home=home)
    started = time.monotonic()
    if _is_installed(paths):
        return _install_result(paths, installed=False, started=started)
    paths.home.mkdir(parents=True, exist_ok=True)
    with _file_lock(paths.install_lock, "installing doccano", LOCK_TIMEOUT + timeout):
        if _is_installed(paths):
            return _install_result(paths, installed=False, started=started)
        interpreter = _choose_python(python)
        deadline = started + timeout
        with _open_log(paths.install_log) as log:
            _log_line(log, f"installing {' '.join(SERVER_PACKAGES)} into {paths.venv} with {interpreter}")
            # --clear only when a previous environment is broken (its interpreter is gone).
            clear = ["--clear"] if paths.venv.exists() and not paths.python.exists() else []
            _run_logged(
                [interpreter, "-m", "venv", *clear, str(paths.venv)],
                log=log,
                deadline=deadline,
                what="creating the server's virtual environment",
                fix="on Debian or Ubuntu install the python3-venv package, then run `toolkit server install` again",
            )
            pip = [str(paths.python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
            _run_logged(
                # Binary only: a source build of pandas 1.x takes many minutes and then fails.
                [*pip, "--only-binary", "numpy,pandas", *SERVER_PACKAGES],
                log=log,
                deadline=deadline,
                what=f"pip install of doccano {DOCCANO_VERSION}",
                fix="check that PyPI is reachable and the disk has 1 GB free, then run `toolkit server install` again",
            )
            if not paths.gunicorn.exists():
                _run_logged(
                    [*pip, GUNICORN_PACKAGE],
                    log=log,
                    deadline=deadline,
                    what="pip install of gunicorn",
                    fix="check that PyPI is reachable, then run `toolkit server install` again",
                )
            _log_line(log, "installed")
        _install_settings(paths)
        marker = {"packages": list(SERVER_PACKAGES), "python": interpreter, "installed_at": _now()}
        paths.install_marker.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return _install_result(paths, installed=True, started=started)


def _choose_python(python: str | Path | None) -> str:
    """An interpreter doccano 1.8.4 installs on (3.8 to 3.11), or ServerError naming the fix."""
    given = str(python) if python else os.environ.get(PYTHON_ENV) or None
    candidates = [given] if given else [sys.executable, "python3.11", "python3.10"]
    tried = []
    for candidate in candidates:
        path = shutil.which(candidate) if os.sep not in candidate else candidate
        version = _python_version(path) if path else None
        tried.append(f"{candidate} ({'.'.join(map(str, version)) if version else 'not found'})")
        if version is not None and SERVER_PYTHONS[0] <= version <= SERVER_PYTHONS[1]:
            return str(path)
    raise ServerError(
        f"doccano {DOCCANO_VERSION} needs Python 3.8 to 3.11 (pandas 1.x has no wheels for newer ones); "
        f"tried {', '.join(tried)}; install Python 3.11 and name it with `toolkit server install --python PATH` "
        f"or ${PYTHON_ENV}"
    )


def _python_version(path: str) -> tuple[int, int] | None:
    if os.path.realpath(path) == os.path.realpath(sys.executable):
        return sys.version_info[0], sys.version_info[1]
    try:
        out = subprocess.run(
            [path, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def _install_result(paths: ServerPaths, *, installed: bool, started: float) -> InstallResult:
    return InstallResult(
        venv=paths.venv,
        python=str(_read_marker(paths).get("python", "")),
        packages=SERVER_PACKAGES,
        installed=installed,
        seconds=time.monotonic() - started,
        log_file=paths.install_log,
    )


def _read_marker(paths: ServerPaths) -> dict[str, Any]:
    return _read_json_object(paths.install_marker)


def _is_installed(paths: ServerPaths) -> bool:
    return (
        _read_marker(paths).get("packages") == list(SERVER_PACKAGES)
        and paths.python.exists()
        and paths.gunicorn.exists()
    )


def _require_installed(paths: ServerPaths) -> Path:
    """Return doccano's ``backend`` folder, or raise ServerNotInstalledError."""
    if not _is_installed(paths):
        raise ServerNotInstalledError(
            f"doccano {DOCCANO_VERSION} is not installed in {paths.venv}; install it with `toolkit server install`"
        )
    return _require_backend_dir(paths)


def _install_settings(paths: ServerPaths) -> None:
    """Copy the toolkit's Django settings module into doccano's ``config/settings``."""
    backend = _require_backend_dir(paths)
    source = resources.files("toolkit").joinpath("data").joinpath("doccano_settings.py").read_bytes()
    target = backend / "config" / "settings" / (SETTINGS_MODULE.rsplit(".", 1)[1] + ".py")
    if not target.exists() or target.read_bytes() != source:
        tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(source)
        os.replace(tmp, target)


def _require_backend_dir(paths: ServerPaths) -> Path:
    for candidate in sorted(paths.venv.glob("lib/python*/site-packages/backend")):
        if (candidate / "config" / "wsgi.py").is_file():
            return candidate
    raise ServerError(
        f"doccano's backend package is missing from {paths.venv}; see {paths.install_log}; "
        f"remove {paths.home} and run `toolkit server install` again"
    )


# ---------------------------------------------------------------- start


def start_server(
    port: int | None = None,
    data_dir: str | Path | None = None,
    *,
    home: str | Path | None = None,
    timeout: float = START_TIMEOUT,
) -> ServerStatus:
    """Start the server for ``data_dir`` on 127.0.0.1 and wait until it answers.

    The port defaults to the one used last for this data folder, else 8765.
    Returns at once when this data folder's server is already running.
    ``timeout`` bounds the wait for the server to answer; the one-off ``doccano init``
    of a new data folder has its own bound.
    """
    paths = server_paths(data_dir, home)
    if port is not None and not 0 < port < 65536:
        raise ServerError(f"port {port} is not a TCP port; choose one between 1024 and 65535 with `--port`")
    backend = _require_installed(paths)
    _create_private_dir(paths.data_dir)
    with _file_lock(paths.lock_file, "starting or stopping doccano", LOCK_TIMEOUT):
        state = _read_state(paths)
        pid = _running_pid(paths)
        if pid is not None:
            url = str(state.get("url") or _url(DEFAULT_PORT))
            if port is not None and state.get("port") not in (None, port):
                raise ServerError(
                    f"doccano for {paths.data_dir} is already running at {url}; "
                    f"stop it with `toolkit server stop` before starting it on port {port}"
                )
            _wait_until_ready(url, pid, paths, time.monotonic() + timeout)
            return server_status(paths.data_dir, home=paths.home)

        port = port or int(state.get("port") or DEFAULT_PORT)
        url = _url(port)
        _check_port_free(port)
        _install_settings(paths)
        _ensure_secret_key(paths)
        env = _server_env(paths)
        _initialize_data_dir(paths, backend, env, url)
        _update_credentials_url(paths, url)
        pid = _launch_gunicorn(paths, backend, env, port)
        _write_private(paths.pid_file, f"{pid}\n")
        _write_private(paths.state_file, json.dumps({"url": url, "port": port, "pid": pid, "started_at": _now()}))
        try:
            _wait_until_ready(url, pid, paths, time.monotonic() + timeout)
        except BaseException:
            with contextlib.suppress(ServerError):
                _end_process_group(pid, paths, STOP_TIMEOUT)
            paths.pid_file.unlink(missing_ok=True)
            raise
    return server_status(paths.data_dir, home=paths.home)


def _url(port: int) -> str:
    return f"http://{HOST}:{port}"


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn does: a port held only by TIME_WAIT connections is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ServerError(
                    f"port {port} on {HOST} is already in use by another program; "
                    f"start doccano on another port with `toolkit server start --port N`"
                ) from None
            if error.errno == errno.EACCES:
                raise ServerError(
                    f"port {port} on {HOST} needs privileges; choose a port above 1023 with "
                    f"`toolkit server start --port N`"
                ) from None
            raise ServerError(f"cannot bind {HOST}:{port}: {error.strerror}; try another `--port`") from None


def _server_env(paths: ServerPaths) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED_ENV}
    env.update(
        {
            "PATH": f"{paths.venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}",
            "DOCCANO_HOME": str(paths.data_dir),
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            DATA_ENV: str(paths.data_dir),
            "DATABASE_URL": f"sqlite:///{paths.database}",
            "MEDIA_ROOT": str(paths.media),
            "CELERY_BROKER_URL": "memory://",
            "STANDALONE": "True",
            "DEBUG": "False",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _initialize_data_dir(paths: ServerPaths, backend: Path, env: dict[str, str], url: str) -> None:
    """Run ``doccano init`` and create the admin user, once per data folder."""
    if paths.database.exists() and paths.credentials_file.exists():
        return
    paths.media.mkdir(mode=0o700, exist_ok=True)
    existing = _load_credentials(paths)
    password = existing[2] if existing else secrets.token_urlsafe(24)
    with _open_log(paths.log_file) as log:
        _log_line(log, f"initializing {paths.data_dir} (doccano init)")
        _run_logged(
            [str(paths.doccano), "init"],
            log=log,
            deadline=time.monotonic() + INIT_TIMEOUT,
            what="`doccano init`",
            fix=f"remove {paths.database} and start again",
            env=env,
            cwd=backend,
            umask=0o077,
        )
        _log_line(log, f"creating the admin user {ADMIN_USERNAME!r}")
        _run_logged(
            [str(paths.python), "-c", _CREATE_ADMIN, ADMIN_USERNAME],
            log=log,
            deadline=time.monotonic() + INIT_TIMEOUT,
            what="creating doccano's admin user",
            fix=f"remove {paths.database} and start again",
            env=env,
            cwd=backend,
            stdin_text=password + "\n",
            umask=0o077,
        )
    _write_credentials(paths, url, password)


def _launch_gunicorn(paths: ServerPaths, backend: Path, env: dict[str, str], port: int) -> int:
    # fmt: off
    argv = [
        str(paths.gunicorn),
        "--chdir", str(backend),
        "--bind", f"{HOST}:{port}",
        "--workers", "1",
        # Imports run inside the request (eager celery): allow long ones.
        "--timeout", "600",
        "--graceful-timeout", "10",
        # Names the data folder on the command line: how stop_server knows its own.
        "--env", f"{DATA_ENV}={paths.data_dir}",
        "config.wsgi",
    ]
    # fmt: on
    with _open_log(paths.log_file) as log:
        _log_line(log, f"starting gunicorn on {HOST}:{port}")
        try:
            launched = subprocess.run(
                [sys.executable, "-c", _LAUNCH_DETACHED, *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                cwd=backend,
                timeout=30,
                check=True,
                text=True,
                umask=0o077,
            )
            return int(launched.stdout.strip())
        except (subprocess.SubprocessError, ValueError, OSError) as error:
            raise ServerError(f"could not launch gunicorn ({type(error).__name__}); see {paths.log_file}") from None


def _wait_until_ready(url: str, pid: int, paths: ServerPaths, deadline: float) -> None:
    """Poll the health endpoint until it answers 200, the process dies, or time runs out."""
    last_problem = "no answer yet"
    timed_out = False
    while True:
        if not _process_alive(pid):
            raise ServerError(
                f"doccano stopped while starting at {url}; last lines of {paths.log_file}:\n{_tail(paths.log_file, 15)}"
            )
        try:
            code, body = _get(f"{url}/v1/health/?format=json")
            if code == 200:
                return
            last_problem = f"HTTP {code}: {body[:300]}"
        except TimeoutError:
            timed_out, last_problem = True, "the connection timed out"
        except OSError as error:
            timed_out, last_problem = False, str(getattr(error, "reason", error))
        if time.monotonic() >= deadline:
            message = (
                f"doccano at {url} did not become healthy in time ({last_problem}); see {paths.log_file}; "
                f"stop it with `toolkit server stop` and start it again"
            )
            raise (ServerTimeoutError if timed_out else ServerUnreachableError)(message)
        time.sleep(0.25)


def _get(url: str, timeout: float = HTTP_TIMEOUT) -> tuple[int, str]:
    """GET with a timeout; return (status, body) for any HTTP answer."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(4096).decode("utf-8", "replace")
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise TimeoutError(str(error.reason)) from None
        raise
    except http.client.HTTPException as error:  # something answered, but not HTTP
        raise ConnectionError(f"not an HTTP answer ({type(error).__name__})") from None


# ---------------------------------------------------------------- status and stop


def server_status(data_dir: str | Path | None = None, *, home: str | Path | None = None) -> ServerStatus:
    """Report whether this data folder's server runs and answers; never reveals the password."""
    paths = server_paths(data_dir, home)
    state = _read_state(paths)
    url = str(state.get("url") or _url(DEFAULT_PORT))
    pid = _running_pid(paths)
    running = False
    if pid is not None:
        try:
            _get(f"{url}/v1/health/?format=json")
            running = True
        except OSError:
            running = False
    return ServerStatus(
        url=url,
        data_dir=paths.data_dir,
        running=running,
        pid=pid,
        credentials_file=paths.credentials_file,
        log_file=paths.log_file,
        installed=_is_installed(paths),
    )


def stop_server(data_dir: str | Path | None = None, *, timeout: float = STOP_TIMEOUT) -> bool:
    """Stop this data folder's server; True if one was running. Safe when none is."""
    paths = server_paths(data_dir)
    if not paths.data_dir.is_dir():
        return False
    with _file_lock(paths.lock_file, "starting or stopping doccano", LOCK_TIMEOUT):
        pid = _read_pid(paths)
        if pid is None:
            return False
        stopped = _end_process_group(pid, paths, timeout)
        paths.pid_file.unlink(missing_ok=True)
        if stopped:
            with _open_log(paths.log_file) as log:
                _log_line(log, f"stopped (pid {pid})")
        return stopped


def _read_pid(paths: ServerPaths) -> int | None:
    try:
        return int(paths.pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _running_pid(paths: ServerPaths) -> int | None:
    """The pid from the pid file, if that process is alive and is our gunicorn."""
    pid = _read_pid(paths)
    if pid is not None and _process_alive(pid) and _is_our_server(pid, paths):
        return pid
    return None


def _process_alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it happens to be our child
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _is_our_server(pid: int, paths: ServerPaths) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return False
    return any("gunicorn" in part for part in argv) and f"{DATA_ENV}={paths.data_dir}" in argv


def _group_members(pgid: int, paths: ServerPaths) -> list[int]:
    """Live processes of process group ``pgid`` that are this data folder's gunicorn."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii", errors="replace").rpartition(")")[2].split()
        except OSError:
            continue
        # fields: state, ppid, pgrp, ...
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            pid = int(entry.name)
            if _is_our_server(pid, paths):
                members.append(pid)
    return members


def _end_process_group(pgid: int, paths: ServerPaths, timeout: float) -> bool:
    """SIGTERM the server's process group, SIGKILL it if needed; True if it was running."""
    if not _group_members(pgid, paths):
        return False
    deadline = time.monotonic() + timeout
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        limit = deadline if sig == signal.SIGTERM else time.monotonic() + 10
        while time.monotonic() < limit:
            _process_alive(pgid)  # reaps a child of ours
            if not _group_members(pgid, paths):
                return True
            time.sleep(0.1)
    raise ServerError(f"doccano (process group {pgid}) did not exit after SIGKILL; check `ps -g {pgid}`")


# ---------------------------------------------------------------- credentials, logs


def read_credentials(data_dir: str | Path | None = None) -> tuple[str, str, str]:
    """Return (url, username, password) of this data folder's admin user."""
    paths = server_paths(data_dir)
    credentials = _load_credentials(paths)
    if credentials is None:
        raise ServerError(
            f"no doccano credentials in {paths.credentials_file}; start the server with `toolkit server start`"
        )
    return credentials


def server_log_tail(data_dir: str | Path | None = None, lines: int = 50) -> str:
    """Return the last ``lines`` lines of the server's log."""
    paths = server_paths(data_dir)
    if not paths.log_file.exists():
        raise ServerError(f"no server log at {paths.log_file} yet; start the server with `toolkit server start`")
    return _tail(paths.log_file, lines)


def _load_credentials(paths: ServerPaths) -> tuple[str, str, str] | None:
    try:
        data = json.loads(paths.credentials_file.read_text(encoding="utf-8"))
        return str(data["url"]), str(data["username"]), str(data["password"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_credentials(paths: ServerPaths, url: str, password: str) -> None:
    payload = {"url": url, "username": ADMIN_USERNAME, "password": password}
    _write_private(paths.credentials_file, json.dumps(payload, indent=2) + "\n")


def _update_credentials_url(paths: ServerPaths, url: str) -> None:
    credentials = _load_credentials(paths)
    if credentials is not None and credentials[0] != url:
        _write_credentials(paths, url, credentials[2])


def _ensure_secret_key(paths: ServerPaths) -> None:
    if not paths.secret_key_file.exists():
        _write_private(paths.secret_key_file, secrets.token_urlsafe(50) + "\n")


def _read_state(paths: ServerPaths) -> dict[str, Any]:
    return _read_json_object(paths.state_file)


def _read_json_object(path: Path) -> dict[str, Any]:
    """A small JSON file of ours; {} when it is missing or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _tail(path: Path, lines: int) -> str:
    if lines <= 0:
        return ""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        chunk = min(size, max(8192, lines * 400))
        while True:
            handle.seek(size - chunk)
            data = handle.read(chunk)
            if data.count(b"\n") > lines or chunk == size:
                break
            chunk = min(size, chunk * 2)
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


# ---------------------------------------------------------------- helpers


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _log_line(log: IO[str], message: str) -> None:
    log.write(f"[toolkit {_now()}] {message}\n")
    log.flush()


def _open_log(path: Path) -> IO[str]:
    """Open a log for appending; a new one is readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(fd, "a", encoding="utf-8")


def _create_private_dir(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to a file only its owner can read (0600)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _run_logged(
    argv: list[str],
    *,
    log: IO[str],
    deadline: float,
    what: str,
    fix: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin_text: str | None = None,
    umask: int = -1,
) -> None:
    """Run ``argv`` with its output appended to ``log``; raise ServerError on failure or timeout."""
    log.flush()
    remaining = max(1.0, deadline - time.monotonic())
    try:
        subprocess.run(
            argv,
            input=stdin_text,
            stdin=None if stdin_text is not None else subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            timeout=remaining,
            check=True,
            text=True,
            umask=umask,
        )
    except subprocess.TimeoutExpired:
        raise ServerError(f"{what} did not finish within {remaining:.0f} s; see {log.name}; {fix}") from None
    except subprocess.CalledProcessError as error:
        raise ServerError(f"{what} failed (exit code {error.returncode}); see {log.name}; {fix}") from None
    except OSError as error:
        raise ServerError(f"{what} could not run ({error.strerror}); see {log.name}; {fix}") from None


@contextlib.contextmanager
def _file_lock(path: Path, doing: str, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path``, waiting at most ``timeout`` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    with open(path, "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ServerError(
                        f"another toolkit process is {doing} (lock {path}); wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
