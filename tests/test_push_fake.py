"""Push against the in-memory doccano (tests/fakes.py): resume, de-duplication, completion
of half-imported examples, leftovers and secrets, in milliseconds. The real server's
round trip is tests/integration/."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest
from sqlmodel import Session, select

from tests.fakes import FakeDoccano, FakeDoccanoState
from toolkit.doccano.client import Connection, resolve_connection, write_import_file
from toolkit.doccano.identity import mask_url, server_identity
from toolkit.doccano.push import push_documents
from toolkit.ingest import ingest_paths
from toolkit.models import DoccanoExample, DoccanoProject, DocumentVersion, PushRecord
from toolkit.errors import ServerUnreachableError

DOCS = {
    "emoji.md": "# Emoji 🙂\n\nThe 𝔄 claim is made here.<sup>1</sup> Another one.<sup>2</sup>\n\n"
                "1. PRO F.O. 371/1/2.\n\n2. Ibid.\n",
    "plain.md": "# Plain\n\nA plain claim.<sup>1</sup>\n\n1. PRO F.O. 371/9/9.\n",
    "third.md": "# Third\n\nYet another claim.<sup>1</sup> And more.<sup>2</sup>\n\n1. One.\n\n2. Two.\n",
    "fourth.md": "# Fourth\n\nThe fourth claim.<sup>1</sup>\n\n1. PRO F.O. 371/4/4.\n",
}


@pytest.fixture
def store(engine, tmp_path):
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text, "utf-8")
    assert ingest_paths(engine, [tmp_path / n for n in DOCS]).ok
    return engine


@pytest.fixture
def scratch(tmp_path):
    return tmp_path / "scratch"


def shas_on(state: FakeDoccanoState) -> list[str]:
    return sorted(e["meta"]["sha256"] for e in state.examples.values())


def stored_shas(engine) -> list[str]:
    with Session(engine) as s:
        return sorted(v.sha256 for v in s.exec(select(DocumentVersion)))


def test_push_imports_every_version_once_and_again_nothing(store, scratch):
    fake = FakeDoccano()
    report = push_documents(store, fake, project="p", suggest=True, scratch=scratch, chunk_size=3)
    assert report.created and report.imported == report.versions == 4
    assert fake.state.imports == [3, 1]
    assert shas_on(fake.state) == stored_shas(store)
    example = fake.state.example_of(fake.state.project_id("p"), "emoji")
    assert set(example["meta"]) == {"document", "version", "sha256", "title"}
    assert len(fake.state.spans_of(example["id"])) == report.spans - sum(
        len(fake.state.spans_of(e)) for e in fake.state.examples if e != example["id"])
    again = push_documents(store, fake, project="p", suggest=True, scratch=scratch)
    assert again.imported == 0 and again.already_there == 4 and not again.completed
    assert fake.state.imports == [3, 1]
    assert list(scratch.iterdir()) == []  # the import files are gone


def test_a_push_killed_halfway_resumes_without_duplicates(store, scratch):
    state = FakeDoccanoState()

    class DiesAtSecondChunk(FakeDoccano):
        def import_jsonl(self, project_id, path):
            if state.imports:
                raise ServerUnreachableError(f"doccano at {self.url} is not reachable (connection refused)")
            super().import_jsonl(project_id, path)

    with pytest.raises(ServerUnreachableError):
        push_documents(store, DiesAtSecondChunk(state), project="p", scratch=scratch, chunk_size=2)
    assert len(state.examples) == 2
    with Session(store) as s:  # nothing recorded locally: records are written at the end
        assert s.exec(select(PushRecord)).all() == []
    report = push_documents(store, FakeDoccano(state), project="p", scratch=scratch, chunk_size=2)
    assert report.imported == 2 and report.already_there == 2
    assert shas_on(state) == stored_shas(store)  # every version exactly once


def test_a_half_imported_example_is_completed_once(store, scratch):
    fake = FakeDoccano()
    push_documents(store, fake, project="p", suggest=True, scratch=scratch)
    pid = fake.state.project_id("p")
    first = fake.state.example_of(pid, "emoji")
    before = sorted((s["start_offset"], s["end_offset"], s["label"]) for s in fake.state.spans_of(first["id"]))
    relations_before = len([r for r in fake.state.relations.values() if r["example"] == first["id"]])
    # as if the import had been cut between the example and its labels; and the store forgot the push
    for span in fake.state.spans_of(first["id"]):
        fake.state.delete_span(span["id"])
    with Session(store) as s:
        for row in s.exec(select(DoccanoExample)):
            s.delete(row)
        s.commit()
    report = push_documents(store, fake, project="p", suggest=True, scratch=scratch)
    assert report.completed == ["emoji v1"] and report.imported == 0
    after = sorted((s["start_offset"], s["end_offset"], s["label"]) for s in fake.state.spans_of(first["id"]))
    assert after == before
    assert len([r for r in fake.state.relations.values() if r["example"] == first["id"]]) == relations_before
    # seen complete once: a span deleted afterwards is an annotator's decision, not a gap
    fake.state.delete_span(fake.state.spans_of(first["id"])[0]["id"])
    assert push_documents(store, fake, project="p", suggest=True, scratch=scratch).completed == []


def test_duplicates_untouched_are_removed_annotated_are_kept(store, scratch, tmp_path):
    fake = FakeDoccano()
    push_documents(store, fake, project="p", scratch=scratch)
    pid = fake.state.project_id("p")
    with Session(store) as s:
        from toolkit.doccano.load import load_payloads
        from toolkit.doccano.example_layout import import_record

        payloads = {p.version.document_id: p for p in load_payloads(s, list(s.exec(select(DocumentVersion))), False)}
    # a cut-off import that arrived twice: one copy untouched, one an annotator worked on
    for doc in ("plain", "third"):
        p = payloads[doc]
        fake.import_jsonl(pid, write_import_file([import_record(p.layout, p.spans, p.relations, p.meta)], tmp_path))
    fake.state.users[99] = {"id": 99, "username": "ada", "password": "x"}
    third = sorted(e["id"] for e in fake.state.examples.values() if e["meta"]["document"] == "third")
    fake.state.add_span(third[1], 0, 5, "CLAIM", "ada")
    report = push_documents(store, fake, project="p", scratch=scratch)
    assert report.duplicates_removed == 2  # plain's copy, and third's untouched original
    assert [e["id"] for e in fake.state.examples.values() if e["meta"]["document"] == "third"] == [third[1]]
    assert len([e for e in fake.state.examples.values() if e["meta"]["document"] == "plain"]) == 1
    assert report.duplicates_kept == []


def test_dry_run_changes_nothing(store, scratch):
    fake = FakeDoccano()
    report = push_documents(store, fake, project="p", dry_run=True, scratch=scratch)
    assert report.dry_run and report.created and report.imported == 4
    assert fake.state.projects == {} and fake.state.examples == {}
    with Session(store) as s:
        assert s.exec(select(DoccanoProject)).all() == []


def test_stale_import_files_of_a_killed_push_are_removed(store, scratch):
    scratch.mkdir()
    dead = next(pid for pid in range(4_000_000, 4_100_000) if not psutil.pid_exists(pid))
    stale = scratch / f"toolkit-push-{dead}-abc.jsonl"
    stale.write_text("{}\n")
    live = scratch / f"toolkit-push-{os.getppid()}-def.jsonl"  # another push, still running
    live.write_text("{}\n")
    mine = scratch / "notes.txt"
    mine.write_text("not ours")
    push_documents(store, FakeDoccano(), project="p", scratch=scratch)
    assert not stale.exists() and live.exists() and mine.exists()


def test_one_server_under_two_spellings_is_one_project_in_the_store(store, scratch):
    state = FakeDoccanoState()
    push_documents(store, FakeDoccano(state, "http://localhost:8791/"), project="p", scratch=scratch)
    report = push_documents(store, FakeDoccano(state, "HTTP://127.0.0.1:8791"), project="p", scratch=scratch)
    assert report.imported == 0 and report.already_there == 4
    with Session(store) as s:
        assert [p.url for p in s.exec(select(DoccanoProject))] == ["http://127.0.0.1:8791"]


def test_server_identity_ignores_the_spelling_only():
    same = ["http://127.0.0.1:8791", "http://localhost:8791/", "HTTP://LocalHost:8791", "http://[::1]:8791",
            "http://admin:secret@127.0.0.1:8791"]
    assert {server_identity(u) for u in same} == {"http://127.0.0.1:8791"}
    assert server_identity("https://doccano.example.org:443/") == "https://doccano.example.org"
    assert server_identity("https://doccano.example.org") == "https://doccano.example.org"  # canonical: unchanged
    assert server_identity("http://127.0.0.1:8765") == "http://127.0.0.1:8765"  # the embedded server's ids stay
    assert server_identity("http://127.0.0.1:8792") != server_identity("http://127.0.0.1:8791")
    assert server_identity("https://a.example.org/doccano") != server_identity("https://a.example.org")


def test_a_password_in_the_url_is_never_kept(store, scratch, monkeypatch):
    for name in ("TOOLKIT_DOCCANO_USERNAME", "TOOLKIT_DOCCANO_PASSWORD", "TOOLKIT_DOCCANO_URL"):
        monkeypatch.delenv(name, raising=False)
    connection = resolve_connection("http://ada:s3cret-pw@localhost:8791/")
    assert (connection.url, connection.username, connection.password) == ("http://localhost:8791", "ada", "s3cret-pw")
    assert "s3cret-pw" not in repr(connection)
    assert Connection("http://ada:s3cret-pw@host:1", "ada", "x").url == "http://host:1"
    assert mask_url("http://ada:s3cret-pw@host:1/x") == "http://ada:***@host:1/x"
    fake = FakeDoccano(url="http://admin:s3cret-pw@localhost:8791")
    report = push_documents(store, fake, project="p", scratch=scratch)
    assert "s3cret-pw" not in report.url
    with Session(store) as s:
        assert [p.url for p in s.exec(select(DoccanoProject))] == ["http://127.0.0.1:8791"]


def test_the_server_gets_no_toolkit_secret_in_its_environment(tmp_path, monkeypatch):
    from toolkit.doccano.server import server_paths
    from toolkit.doccano.server.process import _server_env

    monkeypatch.setenv("TOOLKIT_DOCCANO_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("TOOLKIT_DOCCANO_URL", "http://admin:s3cret-pw@127.0.0.1:1")
    monkeypatch.setenv("TOOLKIT_DOCCANO_USERNAME", "admin")
    env = _server_env(server_paths(tmp_path / "data", tmp_path / "home"))
    assert "s3cret-pw" not in "".join(env.values())
    assert [k for k in env if k.startswith("TOOLKIT_DOCCANO_")] == ["TOOLKIT_DOCCANO_DATA"]


def test_the_media_folder_keeps_no_import_files_or_export_zips(tmp_path):
    from toolkit.doccano.server import (
        clean_media_leftovers,
        remove_export_leftover,
        remove_upload_leftovers,
        server_paths,
    )

    paths = server_paths(tmp_path / "data", tmp_path / "home")
    upload = paths.media / "AbC123uploadid0000000x"
    upload.mkdir(parents=True)
    (upload / "file").write_text("{}")
    temp = paths.data_dir / "filepond-temp-uploads" / "AbC123uploadid0000000x"
    temp.mkdir(parents=True)
    zip_path = paths.media / "0d9c1f0e-5a55-4f7c-9d11-2a4f9b4c2a10.zip"
    zip_path.write_bytes(b"PK")
    outside = tmp_path / "elsewhere.zip"
    outside.write_bytes(b"PK")
    remove_upload_leftovers(paths.data_dir, "AbC123uploadid0000000x")
    remove_export_leftover(paths.data_dir, zip_path)
    remove_export_leftover(paths.data_dir, outside)
    assert not upload.exists() and not temp.exists() and not zip_path.exists() and outside.exists()
    (paths.media / "old.zip").write_bytes(b"PK")
    (paths.media / "Zz9").mkdir()
    assert clean_media_leftovers(paths) == 2 and list(paths.media.iterdir()) == []


def test_default_folders_are_the_xdg_ones(monkeypatch, tmp_path):
    from toolkit.doccano.server import server_paths

    for name in ("TOOLKIT_DOCCANO_HOME", "TOOLKIT_DOCCANO_DATA", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = server_paths()
    if os.name == "posix" and not Path("/System/Library").exists():  # Linux and the BSDs: XDG
        assert paths.home == tmp_path / ".cache" / "historians-toolkit" / "doccano-1.8.4"
        assert paths.data_dir == tmp_path / ".local" / "share" / "historians-toolkit" / "doccano"
    monkeypatch.setenv("TOOLKIT_DOCCANO_DATA", str(tmp_path / "mine"))
    assert server_paths().data_dir == tmp_path / "mine"
