"""Each way doccano can fail ends in one clear line, in bounded time, with the store unchanged."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from toolkit.doccano.client import Connection, DoccanoGateway
from toolkit.doccano.pull import pull_annotations
from toolkit.doccano.push import push_documents
from toolkit.errors import AuthenticationError, ProjectNotFoundError, ServerTimeoutError, ServerUnreachableError
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, DoccanoProject, PushRecord
from toolkit.store import make_engine

from .conftest import free_port

pytestmark = pytest.mark.doccano
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "toolkit" / "samples"


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert ingest_paths(engine, [SAMPLES]).ok
    return engine


def snapshot(engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one() for t in (Claim, DoccanoProject, PushRecord))


def test_server_unreachable(engine):
    port = free_port()
    started = time.monotonic()
    with pytest.raises(ServerUnreachableError) as err:
        DoccanoGateway(Connection(f"http://127.0.0.1:{port}", "admin", "pw", timeout=2))
    assert time.monotonic() - started < 5
    assert f"doccano at http://127.0.0.1:{port} is not reachable (connection refused)" in str(err.value)
    assert "toolkit server start" in str(err.value)


def test_server_that_never_answers(engine):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    started = time.monotonic()
    try:
        with pytest.raises(ServerTimeoutError, match=r"did not answer within 1 s \(log in\)"):
            DoccanoGateway(Connection(url, "admin", "pw", timeout=1))
    finally:
        listener.close()
    assert time.monotonic() - started < 5


def test_wrong_password_names_the_user_not_the_password(doccano, engine):
    with pytest.raises(AuthenticationError) as err:
        DoccanoGateway(Connection(doccano.url, "admin", "not-the-password-123"))
    message = str(err.value)
    assert "refused the login of 'admin'" in message and "not-the-password-123" not in message


def test_project_missing_on_pull(doccano, engine, tmp_path):
    user, password = doccano.admin
    before = snapshot(engine)
    with pytest.raises(ProjectNotFoundError, match="there is no project 'nowhere'.*toolkit push --project nowhere"):
        pull_annotations(engine, DoccanoGateway(Connection(doccano.url, user, password)), project="nowhere",
                         annotations_dir=tmp_path)
    assert snapshot(engine) == before


def test_import_task_that_never_finishes(doccano, engine):
    """As with a remote doccano whose celery worker is not running: the task never gets ready."""
    user, password = doccano.admin

    class NeverReady(DoccanoGateway):
        def task_status(self, task_id, what):
            return {"ready": False, "result": None, "error": None}

    gateway = NeverReady(Connection(doccano.url, user, password, task_timeout=1))
    before = snapshot(engine)
    started = time.monotonic()
    with pytest.raises(ServerTimeoutError, match=r"did not finish the (import|export) task within 1 s; is its celery worker running"):
        push_documents(engine, gateway, project="never-ready")
    assert time.monotonic() - started < 10
    assert snapshot(engine) == before


def test_cli_error_is_one_line_and_secrets_stay_out(doccano, tmp_path):
    make_engine(f"sqlite:///{tmp_path / 's.sqlite'}").dispose()  # pull reads a store that exists
    env = {**os.environ, "TOOLKIT_DB": str(tmp_path / "s.sqlite"), "TOOLKIT_DOCCANO_URL": doccano.url,
           "TOOLKIT_DOCCANO_USERNAME": "admin", "TOOLKIT_DOCCANO_PASSWORD": "wrong-secret-xyz"}
    done = subprocess.run([sys.executable, "-m", "toolkit", "pull"], capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: doccano at ")
    assert "wrong-secret-xyz" not in done.stderr + done.stdout


def test_passwords_never_reach_the_store_or_the_raw_records(doccano, engine, tmp_path):
    user, password = doccano.admin
    gateway = DoccanoGateway(Connection(doccano.url, user, password))
    assert "***" in repr(gateway.connection) and password not in repr(gateway.connection)
    push_documents(engine, gateway, project="secrets", suggest=True)
    report = pull_annotations(engine, gateway, project="secrets", annotations_dir=tmp_path)
    engine.dispose()
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())  # store and raw records
    assert report.raw_file is not None
    assert password.encode() not in stored
    log = Path(doccano.status.log_file).read_bytes()
    assert password.encode() not in log


def test_the_embedded_server_keeps_no_import_files_or_export_zips(doccano, engine, tmp_path):
    from toolkit.doccano.client import resolve_connection

    def leftovers() -> set[Path]:
        folders = (doccano.data_dir / "media", doccano.data_dir / "filepond-temp-uploads")
        return {p for folder in folders if folder.exists() for p in folder.rglob("*")}

    before = leftovers()
    gateway = DoccanoGateway(resolve_connection(data_dir=doccano.data_dir))
    assert push_documents(engine, gateway, project="leftovers", suggest=True, scratch=tmp_path / "scratch").imported
    pull_annotations(engine, gateway, project="leftovers", annotations_dir=tmp_path)
    assert leftovers() - before == set()
    assert list((tmp_path / "scratch").iterdir()) == []


def test_one_server_under_two_spellings_gives_one_set_of_claims(doccano, engine):
    """Pulled as http://127.0.0.1:PORT and as http://localhost:PORT: the same claims, not twice as many."""
    from .conftest import WebAnnotator

    user, password = doccano.admin
    port = doccano.url.rsplit(":", 1)[1]
    loopback = DoccanoGateway(Connection(f"http://127.0.0.1:{port}", user, password))
    push_documents(engine, loopback, project="spellings", suggest=True)
    admin = WebAnnotator(doccano.url, user, password)
    pid = admin.project("spellings")
    example = admin._call("GET", f"projects/{pid}/examples?limit=1")["results"][0]
    words = " ".join(example["text"].split()[:4])
    admin.mark(pid, example, words, "CLAIM")
    pull_annotations(engine, loopback, project="spellings")
    named = DoccanoGateway(Connection(f"http://localhost:{port}/", user, password))
    again = pull_annotations(engine, named, project="spellings")
    assert again.claims_added == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Claim).where(Claim.origin == "annotator")).one() == 1
