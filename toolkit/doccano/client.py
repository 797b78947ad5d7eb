"""The network edge: a doccano server, reached through doccano-client 1.2.8.

`DoccanoGateway` is the only object that talks HTTP. It adds what the client
lacks: a timeout on every call (doccano-client has none: a server that accepts
and never answers would hang it forever), bounded waits for import and export
tasks (the client polls for an hour), and one translation of every failure into
a `ServerError` that names the cause and the fix and never carries a password.

Push and pull take any `DoccanoServer` (gateway.py); this is the real one.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import requests
from requests.adapters import HTTPAdapter

from toolkit.doccano.identity import server_identity, split_userinfo
from toolkit.errors import (
    AuthenticationError,
    ConfigError,
    ServerError,
    ServerTimeoutError,
    ServerUnreachableError,
)

SPAN_LABELS = {"CLAIM": "#E53935", "EVIDENCE": "#1E88E5"}
RELATION_LABELS = {"SUPPORTED_BY": "#43A047", "DISPUTED_BY": "#FB8C00"}
# Team projects (one annotator each) show suggestions under a label of their own, in amber.
TEAM_SPAN_LABELS = {"SUGGESTED_CLAIM": "#FFB300"}
# Keyboard shortcuts in the web UI (doccano's suffix_key): c, e, s, d.
SHORTCUTS = {"CLAIM": "c", "EVIDENCE": "e", "SUPPORTED_BY": "s", "DISPUTED_BY": "d"}


def wanted_labels(team: bool = False) -> tuple[tuple[str, dict[str, str]], ...]:
    """(kind, {label: colour}) of the labels a project needs."""
    spans = {**SPAN_LABELS, **TEAM_SPAN_LABELS} if team else SPAN_LABELS
    return (("span", spans), ("relation", RELATION_LABELS))
DEFAULT_TIMEOUT = 30.0  # seconds, any single HTTP call
DEFAULT_TASK_TIMEOUT = 900.0  # seconds, an import or export task


@dataclass(frozen=True)
class Connection:
    """Where a doccano server is and who we are there. The password never leaves this object."""

    url: str
    username: str
    password: str
    timeout: float = DEFAULT_TIMEOUT
    task_timeout: float = DEFAULT_TASK_TIMEOUT
    # The embedded server's data folder: the import files and export zips it keeps are removed once used.
    server_data_dir: Path | None = None

    def __post_init__(self) -> None:
        # A URL never keeps a user name or password: not in messages, not in the store.
        bare, _, _ = split_userinfo(self.url)
        object.__setattr__(self, "url", bare)

    def __repr__(self) -> str:  # keep the password out of tracebacks and logs
        return f"Connection(url={self.url!r}, username={self.username!r}, password='***')"


def resolve_connection(url: str | None = None, username: str | None = None,
                       password: str | None = None, data_dir: str | Path | None = None,
                       timeout: float | None = None) -> Connection:
    """--url / $TOOLKIT_DOCCANO_URL with $TOOLKIT_DOCCANO_USERNAME and _PASSWORD, else the embedded server."""
    timeout = timeout or float(os.environ.get("TOOLKIT_DOCCANO_TIMEOUT", DEFAULT_TIMEOUT))
    task_timeout = float(os.environ.get("TOOLKIT_DOCCANO_TASK_TIMEOUT", DEFAULT_TASK_TIMEOUT))
    url = url or os.environ.get("TOOLKIT_DOCCANO_URL")
    if url:
        # Credentials written into the URL (http://user:pw@host) count as given, and leave it.
        url, url_user, url_password = split_userinfo(url)
        username = username or os.environ.get("TOOLKIT_DOCCANO_USERNAME") or url_user
        if password is None:
            password = os.environ.get("TOOLKIT_DOCCANO_PASSWORD", url_password)
        if not username or password is None:
            raise ConfigError(f"no credentials for doccano at {url}; set TOOLKIT_DOCCANO_USERNAME "
                              "and TOOLKIT_DOCCANO_PASSWORD (or answer the prompt)")
        return Connection(url, username, password, timeout, task_timeout)
    from toolkit.doccano.server import read_credentials, server_paths

    server_url, user, secret = read_credentials(data_dir)
    return Connection(server_url.rstrip("/"), user, secret, timeout, task_timeout,
                      server_data_dir=server_paths(data_dir).data_dir)


class _TimeoutAdapter(HTTPAdapter):
    """Gives every request a timeout unless the caller set one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def, override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class DoccanoGateway:
    """A logged-in session with one doccano server."""

    def __init__(self, connection: Connection) -> None:
        from doccano_client import DoccanoClient

        self.connection = connection
        self.url = connection.url  # never holds a password: Connection strips it
        self.server_id = server_identity(connection.url)
        self.client = DoccanoClient(connection.url)
        # doccano-client keeps its requests.Session here; it offers no other way to set timeouts.
        self._repo = self.client._base_repository
        adapter = _TimeoutAdapter(connection.timeout)
        self._repo._session.mount("http://", adapter)
        self._repo._session.mount("https://", adapter)
        with self._translate("log in"):
            self.client.login(connection.username, connection.password)

    # -- error translation -------------------------------------------------------------

    @contextmanager
    def _translate(self, doing: str) -> Iterator[None]:
        url = self.url
        try:
            yield
        except requests.exceptions.Timeout:
            raise ServerTimeoutError(
                f"doccano at {url} did not answer within {self.connection.timeout:g} s ({doing}); "
                "check that the server is healthy (`toolkit server logs`) or raise TOOLKIT_DOCCANO_TIMEOUT"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            reason = _short_reason(exc)
            raise ServerUnreachableError(
                f"doccano at {url} is not reachable ({reason}); start it with `toolkit server start`, "
                "or check --url / TOOLKIT_DOCCANO_URL"
            ) from None
        except requests.exceptions.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if doing == "log in" and status in (400, 401, 403):
                raise AuthenticationError(
                    f"doccano at {url} refused the login of {self.connection.username!r}; check the "
                    "username and password (TOOLKIT_DOCCANO_USERNAME / TOOLKIT_DOCCANO_PASSWORD, or "
                    "the embedded server's credentials file shown by `toolkit server status`)"
                ) from None
            detail = _response_detail(exc.response)
            raise ServerError(f"doccano at {url} answered HTTP {status} while trying to {doing}: {detail}; "
                              "see the server's log (`toolkit server logs` for the embedded one) "
                              "and try again") from None

    def _get(self, resource: str, doing: str, **kwargs: Any) -> Any:
        with self._translate(doing):
            return self._repo.get(resource, **kwargs).json()

    def _post(self, resource: str, doing: str, **kwargs: Any) -> Any:
        with self._translate(doing):
            response = self._repo.post(resource, **kwargs)
            return response.json() if response.content else None

    # -- projects and labels -----------------------------------------------------------

    def find_project(self, name: str) -> dict[str, Any] | None:
        data = self._get(f"projects?limit=1000&q={requests.utils.quote(name)}", "list projects")
        for project in data.get("results", data if isinstance(data, list) else []):
            if project.get("name") == name:
                return project
        return None

    def create_project(self, name: str, guideline: str) -> int:
        with self._translate(f"create project {name!r}"):
            project = self.client.create_project(
                name=name, project_type="SequenceLabeling",  # type: ignore[arg-type]
                description="Claims in historical writing and the evidence in their footnotes "
                            "(made by the historians' toolkit).",
                guideline=guideline, collaborative_annotation=True, allow_overlapping=True,
                use_relation=True,
            )
        assert project.id is not None
        return int(project.id)

    def set_guideline(self, project_id: int, guideline: str) -> None:
        with self._translate("update the guideline"):
            self._repo._session.patch(f"{self._repo.api_url}/projects/{project_id}",
                                      json={"guideline": guideline, "resourcetype": "SequenceLabelingProject"}
                                      ).raise_for_status()

    def ensure_labels(self, project_id: int, team: bool = False) -> dict[str, dict[str, int]]:
        """Span and relation label ids by name, creating the ones missing (with their shortcut keys)."""
        out: dict[str, dict[str, int]] = {}
        for kind, wanted in wanted_labels(team):
            with self._translate(f"list {kind} labels"):
                have = {t.text: int(t.id) for t in self.client.list_label_types(project_id, kind)}  # type: ignore[arg-type]
            for name, color in wanted.items():
                if name not in have:
                    with self._translate(f"create the {kind} label {name}"):
                        made = self.client.create_label_type(project_id, kind, name, color=color,  # type: ignore[arg-type]
                                                             suffix_key=SHORTCUTS.get(name))
                    have[name] = int(made.id)  # type: ignore[arg-type]
            out[kind] = have
        return out

    def label_names(self, project_id: int) -> dict[str, dict[int, str]]:
        out = {}
        for kind in ("span", "relation"):
            with self._translate(f"list {kind} labels"):
                out[kind] = {int(t.id): t.text for t in self.client.list_label_types(project_id, kind)}  # type: ignore[arg-type]
        return out

    # -- users ---------------------------------------------------------------------------

    def usernames(self) -> dict[int, str]:
        data = self._get("users", "list users")
        return {int(u["id"]): u["username"] for u in data}

    def create_user(self, username: str, password: str) -> int:
        data = self._post("users/create", f"create the user {username!r}",
                          json={"username": username, "password1": password, "password2": password})
        return int(data["id"])

    def add_member(self, project_id: int, user_id: int, role: str = "annotator") -> None:
        roles = {r["name"]: r["id"] for r in self._get("roles", "list roles")}
        if role not in roles:
            raise ServerError(f"doccano at {self.url} has no role {role!r} (it has {', '.join(roles)}); "
                              "is it doccano 1.8.4? The toolkit needs that version")
        members = self._get(f"projects/{project_id}/members", "list members")
        if any(int(m["user"]) == user_id for m in members):
            return
        self._post(f"projects/{project_id}/members", "add a member",
                   json={"user": user_id, "role": roles[role]})

    # -- examples, spans, relations -------------------------------------------------------

    def import_jsonl(self, project_id: int, path: Path) -> None:
        """Bulk-import one JSONL file (RelationExtraction format) and wait for the task, bounded."""
        with self._translate("upload the import file"):
            upload_id = self.client.data_import._data_upload_repository.upload(str(path))
        task_id = self._post(
            f"projects/{project_id}/upload", "start the import",
            json={"uploadIds": [upload_id], "task": "RelationExtraction", "format": "JSONL",
                  "column_data": "text", "column_label": "label"},
            timeout=self.connection.task_timeout,
        )["task_id"]
        try:
            result = self._wait(task_id, "import")
        finally:
            self._forget_upload(upload_id)
        errors = (result or {}).get("error") or []
        if errors:
            raise ServerError(f"doccano at {self.url} rejected part of the import: {json.dumps(errors[:3])[:400]}; "
                              "push again to finish it, and report the error if it stays")

    def export_examples(self, project_id: int) -> list[dict[str, Any]]:
        """Every example with every span and relation (all users), via doccano's JSONL export."""
        task_id = self._post(f"projects/{project_id}/download", "start the export",
                             json={"format": "JSONL", "exportApproved": False},
                             timeout=self.connection.task_timeout)["task_id"]
        zip_path = self._wait(task_id, "export")
        try:
            with self._translate("download the export"):
                response = self._repo.get(f"projects/{project_id}/download", params={"taskId": task_id},
                                          timeout=self.connection.task_timeout)
        finally:
            self._forget_export(zip_path)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            names = archive.namelist()
            if "all.jsonl" not in names:
                raise ServerError(
                    f"project {project_id} at {self.url} is not collaborative (its export has one file per "
                    "user); the toolkit needs collaborative annotation so that annotators see the "
                    "pre-annotations: enable it in the project's settings")
            lines = archive.read("all.jsonl").decode("utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    # -- the embedded server's media folder keeps nothing once it is used ------------------

    def _forget_upload(self, upload_id: Any) -> None:
        """Remove an import file the embedded server has consumed (doccano keeps every one)."""
        if self.connection.server_data_dir is None or not isinstance(upload_id, str) or not upload_id.isalnum():
            return
        from toolkit.doccano.server import remove_upload_leftovers

        remove_upload_leftovers(self.connection.server_data_dir, upload_id)

    def _forget_export(self, zip_path: Any) -> None:
        """Remove an export zip of the embedded server once downloaded (doccano keeps every one)."""
        if self.connection.server_data_dir is None or not isinstance(zip_path, str):
            return
        from toolkit.doccano.server import remove_export_leftover

        remove_export_leftover(self.connection.server_data_dir, Path(zip_path))

    def task_status(self, task_id: str, what: str) -> dict[str, Any]:
        """doccano's report on a celery task: {"ready", "result", "error"}."""
        return self._get(f"tasks/status/{task_id}", f"check the {what} task")

    def _wait(self, task_id: str, what: str) -> Any:
        deadline = time.monotonic() + self.connection.task_timeout
        delay = 0.05
        while True:
            status = self.task_status(task_id, what)
            if status.get("ready"):
                if status.get("error"):
                    raise ServerError(f"doccano at {self.url}: the {what} task failed: {str(status['error'])[:300]}; "
                                      "see the server's log (`toolkit server logs` for the embedded one) "
                                      "and try again")
                return status.get("result")
            if time.monotonic() > deadline:
                raise ServerTimeoutError(
                    f"doccano at {self.url} did not finish the {what} task within "
                    f"{self.connection.task_timeout:g} s; is its celery worker running (`doccano task`)? "
                    "The embedded server runs tasks itself (`toolkit server start`)")
            time.sleep(delay)
            delay = min(1.0, delay * 2)

    def confirmed_examples(self, project_id: int) -> set[int]:
        """Ids of the examples marked done, as the caller sees them (in a collaborative project:
        done by anyone; a team project has one annotator)."""
        done: set[int] = set()
        offset = 0
        while True:
            page = self._get(f"projects/{project_id}/examples?limit=1000&offset={offset}", "list examples")
            results = page.get("results", [])
            done |= {int(e["id"]) for e in results if e.get("is_confirmed")}
            offset += len(results)
            if not page.get("next") or not results:
                return done

    def list_spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return self._get(f"projects/{project_id}/examples/{example_id}/spans", "list spans")

    def list_relations(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return self._get(f"projects/{project_id}/examples/{example_id}/relations", "list relations")

    def create_span(self, project_id: int, example_id: int, start: int, end: int, label_id: int) -> int:
        data = self._post(f"projects/{project_id}/examples/{example_id}/spans", "create a span",
                          json={"start_offset": start, "end_offset": end, "label": label_id})
        return int(data["id"])

    def create_relation(self, project_id: int, example_id: int, from_id: int, to_id: int, type_id: int) -> int:
        data = self._post(f"projects/{project_id}/examples/{example_id}/relations", "create a relation",
                          json={"from_id": from_id, "to_id": to_id, "type": type_id})
        return int(data["id"])

    def delete_examples(self, project_id: int, example_ids: list[int]) -> None:
        with self._translate("delete duplicate examples"):
            self._repo.delete(f"projects/{project_id}/examples", json={"ids": example_ids})


IMPORT_FILE_PREFIX = "toolkit-push-"


def write_import_file(records: list[dict[str, Any]], folder: Path) -> Path:
    """A JSONL import file in `folder`, ASCII only: doccano guesses the encoding of uploads
    (chardet) and reads UTF-8 with curly quotes or emoji as mojibake. Its name carries
    this process's id, so that `remove_stale_import_files` knows a killed run's leftovers."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{IMPORT_FILE_PREFIX}{os.getpid()}-", suffix=".jsonl", dir=folder)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=True))
            out.write("\n")
    return Path(name)


def remove_stale_import_files(folder: Path) -> int:
    """Remove the import files of pushes whose process is gone (killed halfway); returns how many."""
    import psutil

    removed = 0
    for path in folder.glob(f"{IMPORT_FILE_PREFIX}*.jsonl") if folder.is_dir() else []:
        pid = path.name[len(IMPORT_FILE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and psutil.pid_exists(int(pid)):
            continue  # another push, still running
        if pid.isdigit() and int(pid) == os.getpid():
            continue  # ours: removed by the push that wrote it
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def scratch_folder() -> Path:
    """Where push writes its import files: ``tmp/`` in the toolkit's per-user data folder
    ($TOOLKIT_SCRATCH overrides it)."""
    given = os.environ.get("TOOLKIT_SCRATCH")
    if given:
        return Path(given).expanduser()
    from toolkit.doccano.server import toolkit_data_root

    return toolkit_data_root() / "tmp"


def _short_reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host",
                   "Connection reset", "Remote end closed connection"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__


def _response_detail(response: requests.Response | None) -> str:
    if response is None:
        return "no response"
    try:
        return json.dumps(response.json())[:300]
    except ValueError:
        return (response.text or response.reason or "").strip().splitlines()[0][:200] if response.text else str(response.reason)
