"""A real doccano server for the round-trip tests, and annotators that drive it as the web UI does."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from toolkit.doccano.utf16 import Utf16Offsets
from toolkit.doccano.server import ServerStatus, install_server, read_credentials, start_server, stop_server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Doccano:
    status: ServerStatus
    data_dir: Path

    @property
    def url(self) -> str:
        return self.status.url.rstrip("/")

    @property
    def admin(self) -> tuple[str, str]:
        _, user, password = read_credentials(self.data_dir)
        return user, password

    def restart(self) -> None:
        self.status = start_server(port=int(self.url.rsplit(":", 1)[1]), data_dir=self.data_dir)


@pytest.fixture(scope="module")
def doccano(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Doccano]:
    install_server()
    data_dir = tmp_path_factory.mktemp("doccano")
    status = start_server(port=free_port(), data_dir=data_dir)
    try:
        yield Doccano(status, data_dir)
    finally:
        stop_server(data_dir)


class WebAnnotator:
    """Talks to doccano's REST API the way its web UI does: session login, CSRF token,
    offsets counted in UTF-16 code units (JavaScript string indices)."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/") + "/v1"
        self.username = username
        self.session = requests.Session()
        response = self.session.post(f"{self.url}/auth/login/", json={"username": username, "password": password},
                                     timeout=30)
        response.raise_for_status()
        self.session.headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def project(self, name: str) -> int:
        for p in self._call("GET", "projects?limit=100")["results"]:
            if p["name"] == name:
                return int(p["id"])
        raise AssertionError(f"no project {name}")

    def example(self, project_id: int, document: str) -> dict[str, Any]:
        examples = self._call("GET", f"projects/{project_id}/examples?limit=1000")["results"]
        found = [e for e in examples if e["meta"].get("document") == document]
        assert len(found) == 1, f"{len(found)} examples for {document}"
        return found[0]

    def label_id(self, project_id: int, kind: str, name: str) -> int:
        for t in self._call("GET", f"projects/{project_id}/{kind}-types"):
            if t["text"] == name:
                return int(t["id"])
        raise AssertionError(name)

    def spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"projects/{project_id}/examples/{example_id}/spans")

    def mark(self, project_id: int, example: dict[str, Any], text: str, label: str, occurrence: int = 0) -> int:
        """Select `text` in the example as a person would: offsets in UTF-16 units."""
        start = -1
        for _ in range(occurrence + 1):
            start = example["text"].index(text, start + 1)
        u = Utf16Offsets(example["text"])
        return self.span(project_id, example["id"], u.to_utf16(start), u.to_utf16(start + len(text)), label)

    def span(self, project_id: int, example_id: int, start16: int, end16: int, label: str) -> int:
        data = self._call("POST", f"projects/{project_id}/examples/{example_id}/spans",
                          json={"start_offset": start16, "end_offset": end16,
                                "label": self.label_id(project_id, "span", label)})
        return int(data["id"])

    def link(self, project_id: int, example_id: int, from_id: int, to_id: int, kind: str) -> int:
        data = self._call("POST", f"projects/{project_id}/examples/{example_id}/relations",
                          json={"from_id": from_id, "to_id": to_id,
                                "type": self.label_id(project_id, "relation", kind)})
        return int(data["id"])

    def move(self, project_id: int, example_id: int, span_id: int, start16: int, end16: int) -> None:
        self._call("PATCH", f"projects/{project_id}/examples/{example_id}/spans/{span_id}",
                   json={"start_offset": start16, "end_offset": end16})

    def delete(self, project_id: int, example_id: int, span_id: int) -> None:
        self._call("DELETE", f"projects/{project_id}/examples/{example_id}/spans/{span_id}")

    def relabel(self, project_id: int, example_id: int, span_id: int, label: str) -> None:
        """Change a span's label, as the web UI's label menu does (PATCH; the span keeps its author)."""
        self._call("PATCH", f"projects/{project_id}/examples/{example_id}/spans/{span_id}",
                   json={"label": self.label_id(project_id, "span", label)})

    def confirm(self, project_id: int, example_id: int) -> None:
        """The web UI's "mark as done" button (it toggles)."""
        self._call("POST", f"projects/{project_id}/examples/{example_id}/states", json={})

    def examples(self, project_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"projects/{project_id}/examples?limit=1000")["results"]

    def status(self, path: str) -> int:
        """The HTTP status of a GET, without raising."""
        return self.session.get(f"{self.url}/{path}", timeout=30).status_code


# Headless Chromium, for the tests that open a page where a person would look (the HTML audit,
# doccano's web UI). The system's browser, never a downloaded one: this machine's network is
# closed, so the flags also stop Chromium's own background connections.
CHROMIUM = Path(os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parents[1] / "output"  # screenshots kept for a person to look at (git ignores it)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium per module (Playwright gives it a fresh profile folder); skips,
    saying why, when the browser or the playwright package is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Chromium (apt-get install chromium; .ci/run does) "
                    "or set TOOLKIT_CHROMIUM to open pages in a browser")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


def screenshot_path(name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT / f"{name}.png"


@pytest.fixture(scope="module")
def team_doccano(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Doccano]:
    """A team server: doccano on a fresh PostgreSQL database, its celery worker on Redis;
    skipped, saying why, where PostgreSQL or Redis does not answer."""
    import os
    import uuid

    psycopg2 = pytest.importorskip("psycopg2", reason="psycopg2 is not installed (the postgres extra)")
    admin_url = os.environ.get("TOOLKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        admin = psycopg2.connect(admin_url, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {admin_url.split('@')[-1]} ({str(exc).strip()[:80]})")
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=3) as probe:
            probe.sendall(b"PING\r\n")
            assert probe.recv(16).startswith(b"+PONG")
    except (OSError, AssertionError) as exc:
        admin.close()
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({exc}); start it with `redis-server --daemonize yes`")
    admin.autocommit = True
    name = f"toolkit_team_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    install_server(team=True)
    data_dir = tmp_path_factory.mktemp("team-doccano")
    database = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        status = start_server(port=free_port(), data_dir=data_dir, database=database,
                              broker="redis://127.0.0.1:6379/7", workers=2)
        yield Doccano(status, data_dir)
    finally:
        stop_server(data_dir)
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
