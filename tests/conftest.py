"""Shared fixtures: the corpus beside the repository, stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from toolkit.archives_config import load_archives
from toolkit.store import make_engine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TOOLKIT_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLES = ROOT / "toolkit" / "samples"
POSTGRES_URL = os.environ.get("TOOLKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def corpus_path(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is missing: the corpus lives in ../shared/corpus beside the repository")
    return path


@pytest.fixture(scope="session")
def archives():
    return load_archives()


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield engine
    engine.dispose()


@pytest.fixture
def seeds() -> Path:
    return corpus_path("seeds")


def postgres_admin():  # type: ignore[no-untyped-def]
    """An autocommit connection to the local PostgreSQL server's admin database; the test is
    skipped, saying why, where there is no driver or no server."""
    psycopg2 = pytest.importorskip("psycopg2", reason="psycopg2 is not installed (the postgres extra)")
    try:
        admin = psycopg2.connect(POSTGRES_URL, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL.split('@')[-1]} ({str(exc).strip()[:80]})")
    admin.autocommit = True
    return admin


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database on the local server, dropped afterwards."""
    admin = postgres_admin()
    name = f"toolkit_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """A test that reads the seeds needs ../shared/corpus: it carries the `corpus` marker, so
    `make test-fast` (-m "not doccano and not corpus") runs on the bundled samples alone."""
    for item in items:
        if "seeds" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)
