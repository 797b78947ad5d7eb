"""The embedded doccano server, for real: install, start, upload through doccano-client, stop.

The first run installs doccano into the per-user cache (about a minute, 700 MB);
later runs reuse it. Every server runs on a free port with a temporary data folder.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from toolkit.doccano.server import (
    ADMIN_USERNAME,
    ServerStatus,
    install_server,
    read_credentials,
    server_log_tail,
    server_status,
    start_server,
    stop_server,
)
from toolkit.errors import ServerError, ServerNotInstalledError

pytestmark = pytest.mark.doccano

HTTP_TIMEOUT = 30
UPLOAD_TIMEOUT = 120


def find_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_addresses(port: int) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp* spells them) listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                address, hex_port = fields[1].split(":")
                if fields[3] == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found


def process_group(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return members


def command_lines() -> list[bytes]:
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines.append((entry / "cmdline").read_bytes())
            except OSError:
                continue
    return lines


def bounded_client(url: str) -> Any:
    """A logged-out doccano-client whose every HTTP call times out (the client sets none)."""
    from doccano_client import DoccanoClient

    client = DoccanoClient(url)
    session = client._base_repository._session
    session.request = functools.partial(session.request, timeout=HTTP_TIMEOUT)
    return client


def call_with_deadline(seconds: float, function: Any, *args: Any) -> Any:
    """Run ``function`` in a daemon thread; fail the test if it takes longer than ``seconds``."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{getattr(function, '__name__', function)} did not finish within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("doccano-data")


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[ServerStatus]:
    install_server()
    status = start_server(port=find_free_port(), data_dir=data_dir)
    try:
        yield status
    finally:
        stop_server(data_dir)


def test_install_a_second_time_returns_at_once() -> None:
    install_server()
    started = time.monotonic()
    result = install_server()
    assert result.installed is False
    assert time.monotonic() - started < 2


def test_start_without_install_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ServerNotInstalledError, match="toolkit server install"):
        start_server(port=find_free_port(), data_dir=tmp_path / "data", home=tmp_path / "empty-home")


def test_status_reports_a_running_server_without_its_password(server: ServerStatus, data_dir: Path) -> None:
    status = server_status(data_dir)
    report = status.to_json()
    assert report["running"] is True
    assert report["installed"] is True
    assert report["pid"] == server.pid and isinstance(report["pid"], int)
    assert report["url"].startswith("http://127.0.0.1:")
    assert report["data_dir"] == str(data_dir)
    json.dumps(report)

    url, username, password = read_credentials(data_dir)
    assert url == status.url and username == ADMIN_USERNAME and len(password) >= 20
    assert password not in json.dumps(report)
    for private in (status.credentials_file, data_dir / "secret_key"):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert json.loads(status.credentials_file.read_text()) == {
        "url": url,
        "username": username,
        "password": password,
    }


def test_server_listens_on_loopback_only(server: ServerStatus) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, nothing on IPv6


def test_password_is_on_no_command_line(server: ServerStatus, data_dir: Path) -> None:
    password = read_credentials(data_dir)[2].encode()
    assert not [line for line in command_lines() if password in line]
    assert server.pid is not None
    for pid in process_group(server.pid):
        assert password not in Path(f"/proc/{pid}/environ").read_bytes()


def test_starting_twice_is_a_no_op(server: ServerStatus, data_dir: Path) -> None:
    started = time.monotonic()
    again = start_server(data_dir=data_dir)
    assert again.pid == server.pid and again.url == server.url and again.running
    assert time.monotonic() - started < 5


def test_port_taken_by_another_program_suggests_port(server: ServerStatus, tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(ServerError, match="--port"):
            start_server(port=port, data_dir=tmp_path / "other")


def test_relation_import_through_doccano_client(server: ServerStatus, tmp_path: Path) -> None:
    from doccano_client.models.data_upload import Task

    url, username, password = read_credentials(server.data_dir)
    client = bounded_client(url)
    client.login(username, password)
    project = client.create_project(
        "server integration test",
        project_type="SequenceLabeling",
        description="spans and relations imported from JSONL",
        use_relation=True,
    )
    text = "Caesar crossed the Rubicon \u201cin 49 BC\u201d, wrote Suetonius."
    line = {
        "text": text,
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 6, "label": "PERSON"},
            {"id": 2, "start_offset": 19, "end_offset": 26, "label": "PLACE"},
        ],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "crossed"}],
        "source": "Suetonius, Divus Iulius 32",
    }
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=True) + "\n", encoding="ascii")

    task = call_with_deadline(UPLOAD_TIMEOUT, client.upload, project.id, [str(path)], Task.RELATION_EXTRACTION, "JSONL")
    assert task.ready and not task.error, task

    examples = list(client.list_examples(project.id))
    assert [example.text for example in examples] == [text]
    assert examples[0].meta == {"source": "Suetonius, Divus Iulius 32"}
    spans = client.list_spans(project.id, examples[0].id)
    assert sorted((span.start_offset, span.end_offset) for span in spans) == [(0, 6), (19, 26)]
    relations = client.list_relations(project.id, examples[0].id)
    assert len(relations) == 1
    by_id = {span.id: span for span in spans}
    assert (by_id[relations[0].from_id].start_offset, by_id[relations[0].to_id].start_offset) == (0, 19)


def test_stop_ends_every_process_and_closes_the_port(server: ServerStatus, data_dir: Path) -> None:
    password = read_credentials(data_dir)[2]
    port = int(server.url.rsplit(":", 1)[1])
    assert server.pid is not None
    assert len(process_group(server.pid)) >= 2  # gunicorn's master and its worker

    assert stop_server(data_dir) is True
    assert process_group(server.pid) == []
    assert listening_addresses(port) == []
    assert not (data_dir / "server.pid").exists()
    status = server_status(data_dir)
    assert status.running is False and status.pid is None
    assert stop_server(data_dir) is False

    assert password not in server_log_tail(data_dir, lines=100_000)
    assert "Listening at: http://127.0.0.1:" in server_log_tail(data_dir)
    assert os.path.getsize(status.log_file) > 0
