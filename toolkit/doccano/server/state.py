"""The embedded server's small private files: credentials, state, secret key, logs, locks,
and the leftovers doccano keeps in its media folder."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import filelock

from toolkit.doccano.server.paths import ADMIN_USERNAME, ServerPaths, server_paths
from toolkit.errors import ServerError
from toolkit.files import write_atomically


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


def remove_upload_leftovers(data_dir: Path, upload_id: str) -> None:
    """Remove what doccano keeps of one consumed import file: its temporary upload and its
    stored copy in the media folder (doccano never reads either again)."""
    paths = server_paths(data_dir)
    for folder in (paths.media, paths.data_dir / "filepond-temp-uploads"):
        target = folder / upload_id
        if upload_id and target.parent == folder:
            shutil.rmtree(target, ignore_errors=True)


def remove_export_leftover(data_dir: Path, zip_path: Path) -> None:
    """Remove one downloaded export zip, if it lies in this server's media folder."""
    media = server_paths(data_dir).media.resolve()
    with contextlib.suppress(OSError):
        if zip_path.suffix == ".zip" and zip_path.resolve().parent == media:
            zip_path.unlink(missing_ok=True)


def clean_media_leftovers(paths: ServerPaths) -> int:
    """Remove every import file and export zip doccano left (when no request runs: at start)."""
    removed = 0
    for folder in (paths.media, paths.data_dir / "filepond-temp-uploads"):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed


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
    write_atomically(path, text, mode=0o600)


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
    lock = filelock.FileLock(str(path), timeout=timeout)
    try:
        lock.acquire(poll_interval=0.2)
    except filelock.Timeout:
        raise ServerError(
            f"another toolkit process is {doing} (lock {path}); wait for it to finish and try again"
        ) from None
    try:
        yield
    finally:
        lock.release()
