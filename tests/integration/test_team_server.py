"""The team server, for real: doccano on PostgreSQL with a celery worker on Redis or RabbitMQ.

Each test starts its own server on a fresh PostgreSQL database (created and dropped here)
and stops it at the end, checking with psutil that nothing of it is left. Skipped, saying
why, when PostgreSQL, Redis or RabbitMQ does not answer on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests
from sqlmodel import Session, select

from toolkit.doccano.server import install_server, read_credentials, server_status, start_server, stop_server
from toolkit.errors import ServerError
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, DoccanoExample, DoccanoProject, DocumentVersion, PushRecord
from toolkit.store import make_engine

from conftest import POSTGRES_URL, postgres_admin

from .conftest import WebAnnotator, free_port

# The tests that start a server are marked doccano and postgres; the URL tests below are fast.

SAMPLES = Path(__file__).resolve().parents[2] / "toolkit" / "samples"
REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"
# As tests/conftest.py (the postgres_url fixture) has it.
IMPORT_TASK = "data_import.celery_tasks.import_dataset"
CLI_TIMEOUT = 300


def _answers(address: tuple[str, int], hello: bytes, expected: bytes) -> str | None:
    """None when the service at ``address`` answers ``hello`` with ``expected``; else why not."""
    try:
        with socket.create_connection(address, timeout=3) as connection:
            connection.sendall(hello)
            data = connection.recv(64)
    except OSError as error:
        return f"{type(error).__name__}: {error}"
    return None if data.startswith(expected) else f"unexpected answer {data[:20]!r}"


def require_redis() -> None:
    problem = _answers(REDIS, b"PING\r\n", b"+PONG")
    if problem:
        pytest.skip(f"no Redis at {REDIS[0]}:{REDIS[1]} ({problem}); start it with `redis-server --daemonize yes`")


def require_rabbitmq() -> None:
    problem = _answers(RABBITMQ, b"AMQP\x00\x00\x09\x01", b"\x01")  # Connection.Start is a method frame
    if problem:
        pytest.skip(f"no RabbitMQ at {RABBITMQ[0]}:{RABBITMQ[1]} ({problem}); start it with "
                    "`rabbitmq-server -detached`")


@pytest.fixture
def doccano_database() -> Iterator[tuple[str, str]]:
    """A fresh PostgreSQL database for doccano: (URL with a password in it, name); dropped afterwards.

    The local server trusts its users, so the password is ignored by PostgreSQL: it is
    there to check that it shows up nowhere (command lines, state, status, logs)."""
    admin = postgres_admin()
    name = f"toolkit_doccano_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    scheme, _, rest = POSTGRES_URL.rsplit("/", 1)[0].partition("://")
    userinfo, _, host = rest.rpartition("@")
    user = (userinfo or "postgres").split(":", 1)[0]
    password = f"pg-secret-{uuid.uuid4().hex[:12]}"
    try:
        yield f"{scheme}://{user}:{password}@{host}/{name}", name
    finally:
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def ours(data_dir: Path) -> list[psutil.Process]:
    """Live processes of the server of ``data_dir``: named on their command line or in their environment."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if str(data_dir) in " ".join(process.cmdline()) or \
                    process.environ().get("TOOLKIT_DOCCANO_DATA") == str(data_dir):
                found.append(process)
        except psutil.Error:
            continue
    return found


def command_lines_holding(secret: str) -> list[str]:
    found = []
    for process in psutil.process_iter():
        try:
            line = " ".join(process.cmdline())
        except psutil.Error:
            continue
        if secret in line:
            found.append(f"{process.pid}: {line[:200]}")
    return found


@pytest.fixture
def team_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder whose server, whatever the test did, is stopped at the end, leaving nothing."""
    install_server(team=True)
    data_dir = tmp_path / "doccano"
    try:
        yield data_dir
    finally:
        stop_server(data_dir)
        deadline = time.monotonic() + 15
        while ours(data_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = ours(data_dir)
        assert not left, f"processes left behind: {[(p.pid, p.cmdline()[:3]) for p in left]}"


def health(url: str) -> int:
    return requests.get(f"{url}/v1/health/?format=json", timeout=30).status_code


# `toolkit ARGS...` once the file named first exists: the imports done beforehand, so
# that the processes started together really run their commands at the same moment.
_AT_THE_SIGNAL = """\
import sys, time
from pathlib import Path
import toolkit.cli, toolkit.cli.doccano, toolkit.doccano.push, toolkit.doccano.pull, toolkit.doccano.client
signal = Path(sys.argv[1])
deadline = time.monotonic() + 120
while not signal.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
sys.argv = ["toolkit", *sys.argv[2:]]
toolkit.cli.main()
"""


def together(runs: list[list[str]], env: dict[str, str], signal: Path) -> list[str]:
    """Run ``toolkit`` with each argument list in its own process, all at once; their outputs."""
    processes = [subprocess.Popen([sys.executable, "-c", _AT_THE_SIGNAL, str(signal), *args],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env) for args in runs]
    time.sleep(8)  # long enough for the imports (spaCy, doccano-client) on a busy machine
    signal.touch()
    try:
        return finish_all(processes)
    finally:
        signal.unlink()


def finish_all(processes: list[subprocess.Popen[str]]) -> list[str]:
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        assert process.returncode == 0, f"exit {process.returncode}\n{out}\n{err}"
        outputs.append(out)
    return outputs


@pytest.mark.doccano
@pytest.mark.postgres
def test_team_server_on_redis_concurrent_pushes_and_pulls(doccano_database, team_data, postgres_url,
                                                          tmp_path, monkeypatch):
    require_redis()
    database, name = doccano_database
    secret = database.split(":")[2].split("@")[0]
    broker = "redis://127.0.0.1:6379/7"
    status = start_server(port=free_port(), data_dir=team_data, database=database, broker=broker, workers=2)
    url = status.url

    # Web and worker both run, in one process group; the status masks the password.
    report = server_status(team_data).to_json()
    assert report["mode"] == "team" and report["running"] is True
    assert report["web"] == {"running": True, "pid": status.pid, "workers": 2}
    assert report["worker"]["running"] is True and report["worker"]["pid"] != status.pid
    assert report["database"] == database.replace(secret, "***") and report["broker"] == broker
    assert os.getpgid(report["worker"]["pid"]) == status.pid
    assert health(url) == 200 and report["healthy"] is True
    assert len([p for p in ours(team_data) if "gunicorn" in " ".join(p.cmdline())]) == 3  # master + 2

    # The password is on no command line, and in none of our files.
    assert command_lines_holding(secret) == []
    for path in team_data.iterdir():
        if path.is_file():
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
    assert json.loads((team_data / "server.json").read_text())["database_password"] is True

    # Two pushes and then two pulls at once, from two processes, into one PostgreSQL store.
    engine = make_engine(postgres_url)
    try:
        assert ingest_paths(engine, [SAMPLES]).ok
        with Session(engine) as session:
            documents = len(session.exec(select(DocumentVersion)).all())
        assert documents >= 3
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLKIT_DOCCANO_")}
        env.update({"TOOLKIT_DB": postgres_url, "TOOLKIT_DOCCANO_DATA": str(team_data),
                    "TOOLKIT_SCRATCH": str(tmp_path / "scratch")})
        together([["push", "--project", "team", "--suggest"]] * 2, env, tmp_path / "go")

        user, password = read_credentials(team_data)[1:]
        admin = WebAnnotator(url, user, password)
        pid = admin.project("team")
        examples = admin._call("GET", f"projects/{pid}/examples?limit=1000")["results"]
        per_document = Counter(e["meta"].get("document") for e in examples)
        assert len(per_document) == documents and set(per_document.values()) == {1}, per_document
        assert len([p for p in admin._call("GET", "projects?limit=100")["results"] if p["name"] == "team"]) == 1

        # The import ran in the celery worker, not in the web process (eager mode logs no task).
        log = (team_data / "server.log").read_text(encoding="utf-8")
        assert f"Task {IMPORT_TASK}[" in log and "received" in log
        assert "succeeded" in log.split(f"Task {IMPORT_TASK}[", 1)[1]

        article = admin.example(pid, "sample-article")
        claim = admin.mark(pid, article, "Officials in Paris watched the arrangement with alarm", "CLAIM")
        together([["pull", "--project", "team", "--annotations", str(tmp_path / f"pulls{k}")] for k in range(2)],
                 env, tmp_path / "go")

        with Session(engine) as session:
            pulled = session.exec(select(Claim).where(Claim.origin == "annotator")).all()
            assert [c.doccano_span_id for c in pulled] == [claim]
            assert len(session.exec(select(DoccanoProject)).all()) == 1
            records = Counter(r.version_id for r in session.exec(select(PushRecord)))
            assert len(records) == documents and set(records.values()) == {1}, records
            rows = Counter(r.remote_id for r in session.exec(select(DoccanoExample)))
            assert set(rows.values()) <= {1}, rows
    finally:
        engine.dispose()

    # Stopped, it starts again the same way; the password it never stored must be given again.
    assert stop_server(team_data) is True
    assert ours(team_data) == []
    with pytest.raises(ServerError, match="TOOLKIT_DOCCANO_DATABASE_URL"):
        start_server(data_dir=team_data)
    monkeypatch.setenv("TOOLKIT_DOCCANO_DATABASE_URL", database)
    again = start_server(data_dir=team_data)
    assert again.mode == "team" and again.running and again.url == url and again.worker_running
    assert command_lines_holding(secret) == []
    assert stop_server(team_data) is True


@pytest.mark.doccano
@pytest.mark.postgres
def test_team_server_on_rabbitmq_runs_an_import_in_its_worker(doccano_database, team_data, tmp_path):
    require_rabbitmq()
    from toolkit.doccano.client import Connection, DoccanoGateway
    from toolkit.doccano.push import push_documents

    database, _ = doccano_database
    status = start_server(port=free_port(), data_dir=team_data, database=database, broker=RABBITMQ_URL)
    assert status.mode == "team" and status.running and status.worker_running and status.web_workers == 3
    assert status.broker == "amqp://guest:***@127.0.0.1:5672//"
    assert health(status.url) == 200

    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        assert ingest_paths(engine, [SAMPLES]).ok
        _, user, password = read_credentials(team_data)
        gateway = DoccanoGateway(Connection(status.url, user, password))
        report = push_documents(engine, gateway, project="rabbit", scratch=tmp_path / "scratch")
        assert report.imported >= 3
    finally:
        engine.dispose()
    log = (team_data / "server.log").read_text(encoding="utf-8")
    assert f"Task {IMPORT_TASK}[" in log

    # Stopping ends the worker too: no import can run any more.
    worker = status.worker_pid
    assert worker is not None and psutil.Process(worker).is_running()
    assert stop_server(team_data) is True
    assert ours(team_data) == []
    assert not psutil.pid_exists(worker) or psutil.Process(worker).status() == psutil.STATUS_ZOMBIE


@pytest.mark.doccano
@pytest.mark.postgres
def test_team_server_errors_name_the_fix(doccano_database, team_data):
    require_redis()
    database, name = doccano_database
    missing = database.rsplit("/", 1)[0] + "/toolkit_no_such_database"
    with pytest.raises(ServerError, match="createdb .*toolkit_no_such_database"):
        start_server(port=free_port(), data_dir=team_data, database=missing, broker="redis://127.0.0.1:6379/7")
    with pytest.raises(ServerError, match="broker .* is not reachable"):
        start_server(port=free_port(), data_dir=team_data, database=database, broker="redis://127.0.0.1:1/0")
    with pytest.raises(ServerError, match="PostgreSQL at 127.0.0.1:1 is not reachable"):
        start_server(port=free_port(), data_dir=team_data, database="postgresql://postgres@127.0.0.1:1/x",
                     broker="redis://127.0.0.1:6379/7")
    with pytest.raises(ServerError, match="both --database"):
        start_server(port=free_port(), data_dir=team_data, database=database)
    with pytest.raises(ServerError, match="--workers is for a team server"):
        start_server(port=free_port(), data_dir=team_data, workers=2)
    assert ours(team_data) == []


def test_urls_are_masked_stored_without_passwords_and_local_ones_get_sslmode():
    from toolkit.doccano.server.team import TeamConfig, mask_url, server_database_url, strip_password

    team = TeamConfig("postgresql://ada:s%40cret@127.0.0.1:5432/doccano", "amqp://guest:guest@127.0.0.1:5672//", 2)
    assert team.masked() == {"database": "postgresql://ada:***@127.0.0.1:5432/doccano",
                             "broker": "amqp://guest:***@127.0.0.1:5672//", "workers": 2}
    state = team.to_state()
    assert "s%40cret" not in json.dumps(state) and "guest:guest" not in json.dumps(state)
    assert state["database"] == "postgresql://ada@127.0.0.1:5432/doccano" and state["database_password"] is True
    assert strip_password("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert mask_url("redis://:pw@[::1]:6379/0") == "redis://:***@[::1]:6379/0"
    assert server_database_url("postgresql://a@localhost/x") == "postgresql://a@localhost/x?sslmode=disable"
    assert server_database_url("postgresql://a@127.0.0.1/x?sslmode=require") == "postgresql://a@127.0.0.1/x?sslmode=require"
    assert server_database_url("postgresql://a@db.example.org/x") == "postgresql://a@db.example.org/x"


def test_the_mode_and_the_urls_come_back_from_the_state(monkeypatch):
    from toolkit.doccano.server.team import TeamConfig, resolve_team

    monkeypatch.delenv("TOOLKIT_DOCCANO_DATABASE_URL", raising=False)
    monkeypatch.delenv("TOOLKIT_DOCCANO_BROKER_URL", raising=False)
    assert resolve_team({}, None, None, None) is None
    assert resolve_team({"mode": "embedded"}, None, None, None) is None
    with pytest.raises(ServerError, match="--workers is for a team server"):
        resolve_team({}, None, None, 2)
    with pytest.raises(ServerError, match="both --database"):
        resolve_team({}, "postgresql://a@h/x", None, None)
    with pytest.raises(ServerError, match="not a PostgreSQL URL"):
        resolve_team({}, "mysql://a@h/x", "redis://h/0", None)
    with pytest.raises(ServerError, match="neither Redis nor RabbitMQ"):
        resolve_team({}, "postgresql://a@h/x", "sqs://h", None)
    with pytest.raises(ServerError, match="names no database"):
        resolve_team({}, "postgresql://a@h", "redis://h/0", None)

    database = "postgresql://ada:pw@127.0.0.1/doccano"
    state = {"mode": "team", **TeamConfig(database, "redis://127.0.0.1:6379/0", 2).to_state()}
    with pytest.raises(ServerError, match="TOOLKIT_DOCCANO_DATABASE_URL"):
        resolve_team(state, None, None, None)
    assert resolve_team(state, database, None, None) == TeamConfig(database, "redis://127.0.0.1:6379/0", 2)
    monkeypatch.setenv("TOOLKIT_DOCCANO_DATABASE_URL", database)
    assert resolve_team(state, None, None, None) == TeamConfig(database, "redis://127.0.0.1:6379/0", 2)
    assert resolve_team(state, None, None, 4).workers == 4
