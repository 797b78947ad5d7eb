"""The store's schema: migrations from the previous release, refusals with one line each."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import Session, SQLModel, select

from conftest import ROOT
from toolkit.errors import StoreError
from toolkit.models import Claim, DocumentVersion, EvidenceLink
from toolkit.views import archive_summary
from toolkit.store import _alembic_config, _alembic_head, _script_head, head_revision, make_engine, store_revision

RELEASE_0_1_0 = ROOT / "tests" / "data" / "store-0.1.0.sqlite"
TABLES = ("document", "document_version", "footnote", "citation", "archival_reference", "claim",
          "evidence_link", "doccano_project", "doccano_example", "push_record", "guideline_push")


def row_counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_a_store_of_release_0_1_0_opens_with_everything_in_it(tmp_path):
    store = tmp_path / "toolkit.sqlite"
    shutil.copy(RELEASE_0_1_0, store)
    before = row_counts(store)
    assert before["footnote"] > 0 and before["claim"] > 0 and before["evidence_link"] == 11
    engine = make_engine(f"sqlite:///{store}", create=False)
    assert store_revision(engine) == head_revision()
    assert row_counts(store) == before
    assert (tmp_path / "toolkit.sqlite.bak-0001").exists()  # the file as it was, kept
    with Session(engine) as session:
        claim = session.get(Claim, "d-0123456789abcdef0123")
        assert (claim.annotator, claim.doccano_span_id, claim.guidelines_version) == ("alice", 42, "1.0.0")
        link = session.exec(select(EvidenceLink).where(EvidenceLink.claim_id == claim.id)).one()
        assert (link.stance, link.link, link.doccano_relation_id) == ("supports", "explicit", 7)
        versions = session.exec(select(DocumentVersion)).all()
        assert {v.format for v in versions} == {"text"} and all(v.anchors == [] for v in versions)
        # what each note reaches was worked out by the migration: the same as release 0.1.0 showed
        summary = {(r["archive"], r["series"]): (r["references"], r["notes"]) for r in archive_summary(session)}
        assert summary == {("MAE", "Guerre, Russie, Action des Allies"): (2, 3), ("NARA", "RG 59"): (1, 1),
                           ("PRO", "CAB 23"): (1, 2), ("PRO", "FO 371"): (5, 3)}
    engine.dispose()
    again = make_engine(f"sqlite:///{store}", create=False)  # opening again changes nothing
    assert row_counts(store) == before and store_revision(again) == head_revision()


def _diff_after_all_migrations(url: str) -> list:
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    return diff


def test_the_migrations_build_exactly_the_models_schema(tmp_path):
    assert _diff_after_all_migrations(f"sqlite:///{tmp_path / 'm.sqlite'}") == []


@pytest.mark.postgres
def test_the_migrations_build_exactly_the_models_schema_on_postgresql(postgres_url):
    assert _diff_after_all_migrations(postgres_url) == []


def test_the_head_revision_is_alembics_without_importing_it():
    """Opening a store reads the head from the scripts' revision lines; Alembic agrees."""
    assert _script_head() == _alembic_head() == head_revision()


def test_a_new_store_is_what_create_all_and_alembic_stamp_make(tmp_path):
    """A new store is stamped with plain SQL: the same tables and version row as Alembic's stamp."""
    ours = tmp_path / "ours.sqlite"
    make_engine(f"sqlite:///{ours}").dispose()
    theirs = tmp_path / "theirs.sqlite"
    engine = create_engine(f"sqlite:///{theirs}")
    with engine.begin() as connection:
        SQLModel.metadata.create_all(connection)
        command.stamp(_alembic_config(connection), "head")
    engine.dispose()

    def schema(path):
        with sqlite3.connect(path) as db:
            return (sorted(db.execute("SELECT type, name, sql FROM sqlite_master")),
                    db.execute("SELECT version_num FROM alembic_version").fetchall())

    assert schema(ours) == schema(theirs)
    assert schema(ours)[1] == [(head_revision(),)]


def test_a_store_from_a_newer_toolkit_is_refused(tmp_path):
    store = tmp_path / "s.sqlite"
    make_engine(f"sqlite:///{store}").dispose()
    with sqlite3.connect(store) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="written by a newer toolkit"):
        make_engine(f"sqlite:///{store}")


def test_no_store_where_one_is_needed(tmp_path):
    with pytest.raises(StoreError, match="there is no store at .*ingest documents first"):
        make_engine(f"sqlite:///{tmp_path / 'typo.sqlite'}", create=False)
    assert not (tmp_path / "typo.sqlite").exists()  # a mistyped --db creates nothing


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    junk = tmp_path / "notes.sqlite"
    junk.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError) as caught:
        make_engine(f"sqlite:///{junk}")
    assert "is not a toolkit store (file is not a database)" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("command", ["status", "upgrade"])
def test_db_commands_on_a_file_that_is_not_a_database_say_so_in_one_line(tmp_path, command):
    from typer.testing import CliRunner

    from toolkit.cli import app

    junk = tmp_path / "notes.sqlite"
    junk.write_text("these are my notes, not a database\n" * 100)
    result = CliRunner().invoke(app, ["db", command, "--db", str(junk)])
    assert result.exit_code == 1
    assert "is not a toolkit store (file is not a database)" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    assert junk.read_text().startswith("these are my notes")  # untouched


def test_a_url_with_a_bad_scheme_is_one_line():
    from toolkit.errors import ConfigError

    with pytest.raises(ConfigError, match=r"no database driver for htp://host/db; give a file path or a sqlite"):
        make_engine("htp://host/db")


def test_a_damaged_store_is_not_blamed_on_the_input(tmp_path):
    from toolkit.ingest import ingest_paths

    store = tmp_path / "s.sqlite"
    engine = make_engine(f"sqlite:///{store}")
    (tmp_path / "a.txt").write_text("A claim of some length in a text.\n" * 50, "utf-8")
    assert ingest_paths(engine, [tmp_path / "a.txt"]).ok
    engine.dispose()
    data = bytearray(store.read_bytes())
    data[4096:8192] = b"\xde\xad" * 2048  # a page of the file overwritten
    store.write_bytes(bytes(data))
    (tmp_path / "b.txt").write_text("Another claim of some length here.\n", "utf-8")
    with pytest.raises(StoreError, match="is damaged .* the files you gave are not at fault"):
        ingest_paths(make_engine(f"sqlite:///{store}"), [tmp_path / "b.txt"])
