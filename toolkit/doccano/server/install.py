"""Installing doccano 1.8.4 into its own virtual environment (its pins clash with doccano-client's)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.doccano.server.paths import (
    GUNICORN_PACKAGE,
    INSTALL_TIMEOUT,
    LOCK_TIMEOUT,
    PYTHON_ENV,
    SERVER_PACKAGES,
    SERVER_PYTHONS,
    SETTINGS_MODULE,
    DOCCANO_VERSION,
    TEAM_PACKAGES,
    TEAM_SETTINGS_MODULE,
    ServerPaths,
    server_paths,
)
from toolkit.doccano.server.state import _file_lock, _log_line, _now, _open_log, _read_json_object, _run_logged
from toolkit.errors import ServerError, ServerNotInstalledError
from toolkit.files import write_atomically


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


def install_server(
    home: str | Path | None = None,
    *,
    python: str | Path | None = None,
    timeout: float = INSTALL_TIMEOUT,
    team: bool = False,
) -> InstallResult:
    """Create the server's virtual environment and pip-install the pinned doccano; idempotent.

    ``python`` is the interpreter for that environment: by default ``$TOOLKIT_DOCCANO_PYTHON``,
    else the current Python if it is 3.8 to 3.11, else ``python3.11`` or ``python3.10`` on PATH.
    ``team``: add the team server's packages too (``install_team_packages``).
    """
    result = _install_base(home, python=python, timeout=timeout)
    if team:
        added = install_team_packages(home, timeout=timeout)
        if added:
            result = InstallResult(result.venv, result.python, SERVER_PACKAGES + TEAM_PACKAGES, True,
                                   result.seconds + added, result.log_file)
        else:
            result = InstallResult(result.venv, result.python, SERVER_PACKAGES + TEAM_PACKAGES, result.installed,
                                   result.seconds, result.log_file)
    return result


def install_team_packages(home: str | Path | None = None, *, timeout: float = INSTALL_TIMEOUT) -> float:
    """Add the team server's packages (PostgreSQL driver, Redis client) to an installed server
    environment; idempotent. Returns the seconds spent installing, 0.0 when they were there.

    They have their own marker (``installed-team.json``) beside the base one, so adding them
    never makes an existing installation look incomplete or forces a full reinstall."""
    paths = server_paths(home=home)
    if _team_installed(paths):
        return 0.0
    started = time.monotonic()
    _require_installed(paths)
    with _file_lock(paths.install_lock, "installing doccano", LOCK_TIMEOUT + timeout):
        if _team_installed(paths):
            return 0.0
        with _open_log(paths.install_log) as log:
            _log_line(log, f"installing the team packages {' '.join(TEAM_PACKAGES)} into {paths.venv}")
            _run_logged(
                [str(paths.python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                 "--only-binary", "psycopg2-binary", *TEAM_PACKAGES],
                log=log,
                deadline=started + timeout,
                what="pip install of the team server's packages",
                fix="check that PyPI is reachable, then run `toolkit server install --team` again",
            )
            _log_line(log, "installed the team packages")
        marker = {"packages": list(TEAM_PACKAGES), "installed_at": _now()}
        write_atomically(paths.team_marker, json.dumps(marker, indent=2) + "\n", mode=0o644)
    return time.monotonic() - started


def _team_installed(paths: ServerPaths) -> bool:
    return _is_installed(paths) and _read_json_object(paths.team_marker).get("packages") == list(TEAM_PACKAGES)


def _install_base(
    home: str | Path | None = None,
    *,
    python: str | Path | None = None,
    timeout: float = INSTALL_TIMEOUT,
) -> InstallResult:
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
        write_atomically(paths.install_marker, json.dumps(marker, indent=2) + "\n", mode=0o644)
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
    """Copy the toolkit's Django settings modules into doccano's ``config/settings``."""
    backend = _require_backend_dir(paths)
    for data_file, module in (("doccano_settings.py", SETTINGS_MODULE),
                              ("doccano_team_settings.py", TEAM_SETTINGS_MODULE)):
        source = resources.files("toolkit").joinpath("data").joinpath(data_file).read_bytes()
        target = backend / "config" / "settings" / (module.rsplit(".", 1)[1] + ".py")
        if not target.exists() or target.read_bytes() != source:
            write_atomically(target, source.decode("utf-8"), mode=0o644)


def _require_backend_dir(paths: ServerPaths) -> Path:
    for candidate in sorted(paths.venv.glob("lib/python*/site-packages/backend")):
        if (candidate / "config" / "wsgi.py").is_file():
            return candidate
    raise ServerError(
        f"doccano's backend package is missing from {paths.venv}; see {paths.install_log}; "
        f"remove {paths.home} and run `toolkit server install` again"
    )
