"""Starting, watching and stopping the embedded server's gunicorn (through psutil: any POSIX system)."""

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

from toolkit.doccano.server.install import _is_installed, _install_settings, _require_installed
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
_LAUNCH_DETACHED = """\
import subprocess, sys
process = subprocess.Popen(
    sys.argv[1:], stdin=subprocess.DEVNULL, stdout=sys.stderr,
    stderr=subprocess.STDOUT, start_new_session=True,
)
print(process.pid)
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
        clean_media_leftovers(paths)  # import files and export zips of earlier runs
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
            raise ServerError(f"could not launch gunicorn for {_url(port)} ({type(error).__name__}); see "
                              f"{paths.log_file}; fix what it says and run `toolkit server start` again") from None


def _wait_until_ready(url: str, pid: int, paths: ServerPaths, deadline: float) -> None:
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
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.Error:
        return False


def _is_our_server(pid: int, paths: ServerPaths) -> bool:
    try:
        argv = psutil.Process(pid).cmdline()
    except psutil.Error:
        return False
    return any("gunicorn" in part for part in argv) and f"{DATA_ENV}={paths.data_dir}" in argv


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
    raise ServerError(f"doccano for {paths.data_dir} (process group {pgid}) did not exit after SIGKILL; "
                      f"check `ps -g {pgid}` and end it by hand")
