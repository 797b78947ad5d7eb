"""Starting, watching and stopping the server's gunicorn, and a team server's celery worker
(through psutil: any POSIX system)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import requests

from toolkit.doccano.server.install import (
    _is_installed,
    _install_settings,
    _require_installed,
    install_team_packages,
)
from toolkit.doccano.server.paths import (
    ADMIN_USERNAME,
    DATA_ENV,
    DEFAULT_PORT,
    DOCCANO_VERSION,
    HOST,
    HTTP_TIMEOUT,
    INIT_TIMEOUT,
    LOCK_TIMEOUT,
    SETTINGS_MODULE,
    START_TIMEOUT,
    STOP_TIMEOUT,
    TEAM_HEALTH_TIMEOUT,
    TEAM_SETTINGS_MODULE,
    TEAM_TASK_CONCURRENCY,
    ServerPaths,
    server_paths,
)
from toolkit.doccano.server.state import (
    _create_private_dir,
    _ensure_secret_key,
    _file_lock,
    _load_credentials,
    _log_line,
    _now,
    _open_log,
    _read_state,
    _run_logged,
    _tail,
    _update_credentials_url,
    _write_credentials,
    _write_private,
    clean_media_leftovers,
)
from toolkit.doccano.server.team import TeamConfig, check_services, mask_url, resolve_team, server_database_url
from toolkit.errors import ServerError, ServerTimeoutError, ServerUnreachableError

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
#
# A team server's celery worker (the command after "--then") must be in gunicorn's
# process group, so that stopping the group stops both; a process cannot join a group
# of another session, so the new session's leader starts the worker first, prints its
# pid, and then becomes gunicorn (exec: same pid, same group). Its pid is printed second.
_LAUNCH_DETACHED = """\
import os, subprocess, sys
argv = sys.argv[1:]
worker = []
if "--then" in argv:
    at = argv.index("--then")
    argv, worker = argv[:at], argv[at + 1:]
if not worker:
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=sys.stderr,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    print(process.pid)
    sys.exit(0)
leader = (
    "import os, subprocess, sys\\n"
    "at = sys.argv.index('--then')\\n"
    "task = subprocess.Popen(sys.argv[at + 1:], stdin=subprocess.DEVNULL, stdout=2, stderr=2)\\n"
    "print(task.pid, flush=True)\\n"
    "os.dup2(2, 1)\\n"
    "os.execv(sys.argv[1], sys.argv[1:at])\\n"
)
process = subprocess.Popen(
    [sys.executable, "-c", leader, *argv, "--then", *worker], stdin=subprocess.DEVNULL,
    stdout=subprocess.PIPE, stderr=sys.stderr, start_new_session=True, text=True,
)
task_pid = process.stdout.read().strip()
print(process.pid, task_pid)
"""


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
    # "embedded" (SQLite, eager celery, one web worker) or "team" (PostgreSQL, a broker,
    # a celery worker). database and broker are shown with any password masked.
    mode: str = "embedded"
    web_running: bool = False
    web_workers: int = 1
    worker_pid: int | None = None
    worker_running: bool | None = None
    healthy: bool | None = None  # team: /v1/health/ answered 200 (the worker answered its ping)
    database: str | None = None
    broker: str | None = None

    def to_json(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "url": self.url,
            "data_dir": str(self.data_dir),
            "running": self.running,
            "pid": self.pid,
            "credentials_file": str(self.credentials_file),
            "log_file": str(self.log_file),
            "installed": self.installed,
            "version": self.version,
            "mode": self.mode,
        }
        if self.mode == "team":
            report.update({
                "web": {"running": self.web_running, "pid": self.pid, "workers": self.web_workers},
                "worker": {"running": self.worker_running, "pid": self.worker_pid},
                "healthy": self.healthy,
                "database": self.database,
                "broker": self.broker,
            })
        return report


def start_server(
    port: int | None = None,
    data_dir: str | Path | None = None,
    *,
    home: str | Path | None = None,
    timeout: float = START_TIMEOUT,
    database: str | None = None,
    broker: str | None = None,
    workers: int | None = None,
) -> ServerStatus:
    """Start the server for ``data_dir`` on 127.0.0.1 and wait until it answers.

    The port defaults to the one used last for this data folder, else 8765.
    Returns at once when this data folder's server is already running.
    ``timeout`` bounds the wait for the server to answer; the one-off ``doccano init``
    of a new data folder has its own bound.

    With ``database`` (PostgreSQL URL) and ``broker`` (``redis://`` or ``amqp://``) it is a
    team server: ``workers`` gunicorn workers (default 3) and a separate celery worker
    (``doccano task``) in the same process group. Without them, a data folder last
    started as a team server starts as one again (see ``team.resolve_team``); else it is
    the embedded server (SQLite, eager celery, one worker).
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
            running_mode = state.get("mode") or "embedded"
            if (database or broker or workers) and (
                    running_mode != "team" or resolve_team(state, database, broker, workers).to_state()
                    != {k: state.get(k) for k in ("database", "database_password", "broker", "broker_password",
                                                  "workers")}):
                raise ServerError(
                    f"doccano for {paths.data_dir} is already running at {url} ({running_mode}, other settings); "
                    f"stop it with `toolkit server stop` and start it again with the new ones"
                )
            worker = state.get("worker_pid")
            if running_mode == "team" and not (isinstance(worker, int) and _process_alive(worker)
                                               and _is_our_server(worker, paths)):
                raise ServerError(
                    f"the celery worker of the team server at {url} has stopped (imports cannot run); "
                    f"see `toolkit server logs`, then `toolkit server stop` and `toolkit server start`"
                )
            _wait_until_ready(url, pid, paths, time.monotonic() + timeout, _health_timeout(state))
            return server_status(paths.data_dir, home=paths.home)

        team = resolve_team(state, database, broker, workers)
        port = port or int(state.get("port") or DEFAULT_PORT)
        url = _url(port)
        _check_port_free(port)
        if team is not None:
            install_team_packages(paths.home)
        _install_settings(paths)
        _ensure_secret_key(paths)
        clean_media_leftovers(paths)  # import files and export zips of earlier runs
        env = _server_env(paths, team)
        if team is not None:
            check_services(paths, env, team, backend)
        _initialize_data_dir(paths, backend, env, url, team)
        _update_credentials_url(paths, url)
        pid, worker_pid = _launch_gunicorn(paths, backend, env, port, team)
        _write_private(paths.pid_file, f"{pid}\n")
        new_state: dict[str, Any] = {"url": url, "port": port, "pid": pid, "started_at": _now(),
                                     "mode": "team" if team else "embedded"}
        if team is not None:
            new_state.update(team.to_state(), worker_pid=worker_pid)
        _write_private(paths.state_file, json.dumps(new_state))
        try:
            _wait_until_ready(url, pid, paths, time.monotonic() + timeout, _health_timeout(new_state))
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


def _health_timeout(state: dict[str, Any]) -> float:
    # A team server's health check waits for the celery worker to answer a ping task.
    return TEAM_HEALTH_TIMEOUT if state.get("mode") == "team" else HTTP_TIMEOUT


def _server_env(paths: ServerPaths, team: TeamConfig | None = None) -> dict[str, str]:
    # Nothing of the toolkit's own doccano settings reaches the server: TOOLKIT_DOCCANO_PASSWORD
    # and a TOOLKIT_DOCCANO_URL with credentials in it are secrets; the server gets its own values.
    env = {key: value for key, value in os.environ.items()
           if key not in _SCRUBBED_ENV and not key.startswith("TOOLKIT_DOCCANO_")}
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
    if team is not None:
        # The URLs (passwords included) go to the server through its environment only.
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": TEAM_SETTINGS_MODULE,
                "DATABASE_URL": server_database_url(team.database),
                "CELERY_BROKER_URL": team.broker,
            }
        )
    return env


def _initialize_data_dir(paths: ServerPaths, backend: Path, env: dict[str, str], url: str,
                         team: TeamConfig | None = None) -> None:
    """Run ``doccano init`` and create the admin user, once per data folder.

    A team server's database lives elsewhere and may be new: both run at every start
    (the migrations and the admin's update are idempotent; a few seconds)."""
    if team is None and paths.database.exists() and paths.credentials_file.exists():
        return
    paths.media.mkdir(mode=0o700, exist_ok=True)
    existing = _load_credentials(paths)
    password = existing[2] if existing else secrets.token_urlsafe(24)
    with _open_log(paths.log_file) as log:
        where = f"the PostgreSQL database {mask_url(team.database)}" if team else str(paths.data_dir)
        _log_line(log, f"initializing {where} (doccano init)")
        _run_logged(
            [str(paths.doccano), "init"],
            log=log,
            deadline=time.monotonic() + INIT_TIMEOUT,
            what="`doccano init`",
            fix="fix what the log says and start again" if team else f"remove {paths.database} and start again",
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
            fix="fix what the log says and start again" if team else f"remove {paths.database} and start again",
            env=env,
            cwd=backend,
            stdin_text=password + "\n",
            umask=0o077,
        )
    _write_credentials(paths, url, password)


def _launch_gunicorn(paths: ServerPaths, backend: Path, env: dict[str, str], port: int,
                     team: TeamConfig | None = None) -> tuple[int, int | None]:
    """Launch gunicorn (and a team server's celery worker); return their pids."""
    # fmt: off
    argv = [
        str(paths.gunicorn),
        "--chdir", str(backend),
        "--bind", f"{HOST}:{port}",
        "--workers", str(team.workers if team else 1),
        # Imports run inside the request (eager celery): allow long ones.
        "--timeout", "600",
        "--graceful-timeout", "10",
        # Names the data folder on the command line: how stop_server knows its own.
        "--env", f"{DATA_ENV}={paths.data_dir}",
        "config.wsgi",
    ]
    if team is not None:
        # doccano's own worker command: celery --app=config worker --loglevel=info. The
        # server's log gets its lines ("Task ... received", "succeeded"). Known as ours by
        # its environment ($TOOLKIT_DOCCANO_DATA), as it takes no argument of our own.
        argv += ["--then", str(paths.doccano), "task", "--concurrency", str(TEAM_TASK_CONCURRENCY)]
    # fmt: on
    with _open_log(paths.log_file) as log:
        if team is not None:
            _log_line(log, f"starting gunicorn on {HOST}:{port} with {team.workers} workers and a celery worker; "
                           f"database {mask_url(team.database)}, broker {mask_url(team.broker)}")
        else:
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
            pids = [int(word) for word in launched.stdout.split()]
            return pids[0], (pids[1] if team is not None else None)
        except (subprocess.SubprocessError, ValueError, OSError, IndexError) as error:
            raise ServerError(f"could not launch gunicorn for {_url(port)} ({type(error).__name__}); see "
                              f"{paths.log_file}; fix what it says and run `toolkit server start` again") from None


def _wait_until_ready(url: str, pid: int, paths: ServerPaths, deadline: float,
                     http_timeout: float = HTTP_TIMEOUT) -> None:
    """Poll the health endpoint until it answers 200, the process dies, or time runs out."""
    last_problem = "no answer yet"
    timed_out = False
    while True:
        if not _process_alive(pid):
            raise ServerError(
                f"doccano stopped while starting at {url}; fix what its log says and run `toolkit server start` "
                f"again; last lines of {paths.log_file}:\n{_tail(paths.log_file, 15)}"
            )
        try:
            code, body = _get(f"{url}/v1/health/?format=json", http_timeout)
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
    """GET with a timeout; return (status, body) for any HTTP answer.

    Raises TimeoutError when it times out and ConnectionError (an OSError) when nothing
    answers, or something answers that is not HTTP."""
    try:
        with requests.get(url, headers={"Accept": "application/json"}, timeout=timeout, stream=True) as response:
            body = response.raw.read(4096, decode_content=True) or b""
            return response.status_code, body.decode("utf-8", "replace")
    except requests.exceptions.Timeout as error:
        raise TimeoutError(type(error).__name__) from None
    except requests.exceptions.RequestException as error:
        raise ConnectionError(_short(error)) from None


def _short(error: Exception) -> str:
    text = str(error)
    for marker in ("Connection refused", "Connection reset", "Remote end closed connection", "BadStatusLine"):
        if marker in text:
            return marker.lower()
    return type(error).__name__


def server_status(data_dir: str | Path | None = None, *, home: str | Path | None = None) -> ServerStatus:
    """Report whether this data folder's server runs and answers; never reveals the password."""
    paths = server_paths(data_dir, home)
    state = _read_state(paths)
    url = str(state.get("url") or _url(DEFAULT_PORT))
    pid = _running_pid(paths)
    running = False
    healthy: bool | None = None
    if pid is not None:
        try:
            code, _ = _get(f"{url}/v1/health/?format=json", _health_timeout(state))
            running, healthy = True, code == 200
        except OSError:
            running = False
    team = state.get("mode") == "team"
    worker_pid: int | None = None
    worker_running: bool | None = None
    if team:
        candidate = state.get("worker_pid")
        worker_running = (isinstance(candidate, int) and pid is not None and _process_alive(candidate)
                          and _is_our_server(candidate, paths))
        worker_pid = candidate if worker_running else None
    return ServerStatus(
        url=url,
        data_dir=paths.data_dir,
        running=running and (worker_running is not False),
        pid=pid,
        credentials_file=paths.credentials_file,
        log_file=paths.log_file,
        installed=_is_installed(paths),
        mode="team" if team else "embedded",
        web_running=running,
        web_workers=int(state.get("workers") or 1) if team else 1,
        worker_pid=worker_pid,
        worker_running=worker_running,
        healthy=healthy if team else None,
        # The state file keeps them without passwords; mask_url marks none then.
        database=_shown(state.get("database"), state.get("database_password")) if team else None,
        broker=_shown(state.get("broker"), state.get("broker_password")) if team else None,
    )


def _shown(url: Any, had_password: Any) -> str | None:
    """A stored URL (kept without its password) as status shows it: ``user:***@host`` if it had one."""
    if not isinstance(url, str):
        return None
    if had_password and "@" in url:
        scheme, _, rest = url.partition("://")
        userinfo, _, host = rest.partition("@")
        return f"{scheme}://{userinfo}:***@{host}"
    return mask_url(url)


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
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.Error:
        return False


def _is_our_server(pid: int, paths: ServerPaths) -> bool:
    """Is ``pid`` this data folder's gunicorn (named on its command line) or celery worker
    (``doccano task`` with this data folder in its environment)?"""
    try:
        process = psutil.Process(pid)
        argv = process.cmdline()
        if any("gunicorn" in part for part in argv):
            return f"{DATA_ENV}={paths.data_dir}" in argv
        if "task" in argv and any(part == str(paths.doccano) or part.endswith("/doccano") for part in argv):
            return process.environ().get(DATA_ENV) == str(paths.data_dir)
    except psutil.Error:
        return False
    return False


def _group_members(pgid: int, paths: ServerPaths) -> list[int]:
    """Live processes of process group ``pgid`` that are this data folder's gunicorn."""
    members = []
    for process in psutil.process_iter():
        try:
            if process.status() in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD) or os.getpgid(process.pid) != pgid:
                continue
        except (psutil.Error, OSError):
            continue
        if _is_our_server(process.pid, paths):
            members.append(process.pid)
    return members


def _group_alive(pgid: int) -> bool:
    """Is any process of group ``pgid`` alive (not a zombie)? One that cannot be read counts."""
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) != pgid:
                continue
        except OSError:
            continue
        try:
            if process.status() in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
                continue
        except psutil.NoSuchProcess:
            continue
        except psutil.Error:
            pass
        return True
    return False


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
            # Every process still in the group counts, even one no longer recognizable as
            # ours: an exiting process can no longer show its environment, yet lives on.
            if not _group_members(pgid, paths) and not _group_alive(pgid):
                return True
            time.sleep(0.1)
    raise ServerError(f"doccano for {paths.data_dir} (process group {pgid}) did not exit after SIGKILL; "
                      f"check `ps -g {pgid}` and end it by hand")
