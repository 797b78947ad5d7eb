"""The store: an engine made from a URL, its schema kept current by migrations, transactions.

No global engine: callers make one with `make_engine(url)` and pass it on.
SQLite by default (``annotations/toolkit.sqlite``); any SQLAlchemy URL works
(``postgresql://user@127.0.0.1:5432/db`` for teams). Passwords in URLs never
appear in messages: see `display_url`.

The schema changes only through Alembic revisions (``toolkit/migrations/``).
Opening a store brings it to the current revision: a new store is created at
the head; a store of an earlier release is upgraded (a SQLite file is first
copied beside itself, ``.bak-<revision>``); a store of release 0.1.0, which
predates migrations, is recognized by its tables and stamped with the first
revision before upgrading. A store written by a newer toolkit is refused.
A store at the current revision, and a new one, are opened with plain SQL:
Alembic is imported only when there is something to upgrade.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import shutil
from dataclasses import dataclass

import msgspec
from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from toolkit import models  # noqa: F401  (registers the tables)
from toolkit.errors import ConfigError, StoreError

DEFAULT_DB = Path("annotations") / "toolkit.sqlite"


def resolve_db_url(db: str | None = None) -> str:
    """`--db`, else $TOOLKIT_DB, else annotations/toolkit.sqlite; a plain path means SQLite."""
    value = db or os.environ.get("TOOLKIT_DB") or str(DEFAULT_DB)
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def make_engine(url: str, *, create: bool = True, upgrade: bool = True) -> Engine:
    """An engine for the store at `url`, its schema brought to the current revision.

    `create`: make the store if there is none (only commands that add to a store,
    such as `ingest`, do; the others say there is no store). `upgrade=False` opens a
    store as it is (`toolkit db status`)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"database URL {display_url(url)!s} is not valid; give a file path or a URL "
            "such as sqlite:///annotations/toolkit.sqlite or postgresql://user@host/db"
        ) from exc
    kwargs: dict = {}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            path = Path(database)
            if not path.exists() and not create:
                raise StoreError(f"there is no store at {path}; ingest documents first "
                                 f"(`toolkit ingest FILES --db {path}`) or check --db / TOOLKIT_DB")
            if path.exists() and not path.is_file():
                raise StoreError(f"{path} is not a file; give --db a SQLite file or a database URL")
            path.parent.mkdir(parents=True, exist_ok=True)
            # Wait for another writer a while, then say so (see `transaction`).
            kwargs = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}}
        else:
            from sqlalchemy.pool import StaticPool

            kwargs = {"connect_args": {"check_same_thread": False}, "poolclass": StaticPool}
    else:
        kwargs = {"pool_pre_ping": True}
        if backend == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 10}
    # JSON columns (flags, chains, CSL-JSON) are read by the hundred thousand in an export:
    # msgspec decodes them several times faster than the standard library, to the same values.
    kwargs["json_deserializer"] = _json_decode
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError):
        hint = ("for PostgreSQL install the extra: pip install 'historians-toolkit[postgres]'"
                if backend.startswith("postgres") else
                "give a file path or a sqlite:/// or postgresql:// URL")
        raise ConfigError(f"no database driver for {display_url(url)}; {hint}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if upgrade:
        with opening(engine, url):
            migrate(engine, create=create, url=url)
    return engine


SQLITE_BUSY_SECONDS = 15.0


@contextmanager
def opening(engine: Engine, url: str) -> Iterator[None]:
    """A store that cannot be opened, or is not a database, as one line that says what to do."""
    try:
        yield
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open the store at {display_url(url)} ({_reason(exc)}); "
            "check the path or URL given with --db or TOOLKIT_DB"
        ) from None
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(
            f"{display_url(url)} is not a toolkit store ({_reason(exc)}); "
            "give --db the store's file, or a new path to start a new store"
        ) from None


@dataclass
class Migration:
    """What opening a store did to its schema."""

    before: str | None  # the revision found (None: a new store)
    after: str
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _alembic_config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "toolkit:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this toolkit writes: the newest of ``toolkit/migrations/versions``."""
    return _script_head() or _alembic_head()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "toolkit:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:['"]([^'"]+)['"]|None)\s*$""", re.M)


@lru_cache(maxsize=1)
def _script_head() -> str | None:
    """The head revision read from the scripts' `revision = '...'` and `down_revision = ...`
    lines, without importing Alembic (a tenth of a second, on every command); None when
    the scripts are not one plain chain (then Alembic is asked)."""
    parent: dict[str, str | None] = {}
    try:
        for script in VERSIONS.glob("*.py"):
            found = dict(m.group(1, 2) for m in _REVISION.finditer(script.read_text("utf-8")))
            if "revision" not in found and "down_revision" not in found:
                continue  # __init__.py
            if "revision" not in found or "down_revision" not in found or found["revision"] is None:
                return None
            parent[found["revision"]] = found["down_revision"]
    except (OSError, UnicodeDecodeError):
        return None
    heads = set(parent) - set(parent.values())
    roots = [rev for rev, down in parent.items() if down is None]
    if len(heads) != 1 or len(roots) != 1 or any(d is not None and d not in parent for d in parent.values()):
        return None
    return heads.pop()


def store_revision(engine: Engine) -> str | None:
    """The store's revision; "0001" for a store of release 0.1.0 (made before migrations); None if empty."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" in tables:
            # What Alembic's MigrationContext.get_current_revision reads, without importing it;
            # Alembic itself says what is wrong with a table of several revisions.
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
            if len(rows) <= 1:
                return rows[0][0] if rows else None
            from alembic.runtime.migration import MigrationContext

            return MigrationContext.configure(connection).get_current_revision()
        if "document_version" in tables:
            return FIRST_REVISION
        if tables & set(SQLModel.metadata.tables):
            raise StoreError(f"the store at {display_url(str(engine.url))} holds some of the toolkit's tables but "
                             "not the others; it was not made by the toolkit: give --db another path")
        return None


FIRST_REVISION = "0001"  # the schema of release 0.1.0


def migrate(engine: Engine, *, create: bool = True, url: str | None = None) -> Migration:
    """Bring the store to the current revision (see the module docstring).

    A store at the head, and a new store, are handled with plain SQL; Alembic is imported
    only when there is something to upgrade (or a revision to explain)."""
    head = head_revision()
    found = store_revision(engine)
    if found == head:
        return Migration(found, head)
    if found is None:
        if not create:
            raise StoreError(f"the store at {display_url(url or str(engine.url))} is empty; ingest documents "
                             "first (`toolkit ingest FILES`) or check --db / TOOLKIT_DB")
        with engine.begin() as connection:
            SQLModel.metadata.create_all(connection)
            _stamp(connection, head)
        return Migration(None, head)
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.connect() as connection:
        script = ScriptDirectory.from_config(_alembic_config(connection))
        known = {rev.revision for rev in script.walk_revisions()}
    if found not in known:
        raise StoreError(f"the store at {display_url(url or str(engine.url))} was written by a newer toolkit "
                         f"(schema revision {found}); upgrade the toolkit (pip install -U historians-toolkit)")
    backup = _backup_sqlite(engine, found)
    with engine.begin() as connection:
        config = _alembic_config(connection)
        if "alembic_version" not in inspect(connection).get_table_names():
            command.stamp(config, found)
        command.upgrade(config, head)
    return Migration(found, head, backup)


def _stamp(connection: Connection, revision: str) -> None:
    """Record `revision` in a new store as `alembic stamp` does: Alembic's version table, one row."""
    version = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    version.create(connection, checkfirst=True)
    connection.execute(version.insert().values(version_num=revision))


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    """Copy a SQLite store beside itself before its schema changes."""
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    path = Path(engine.url.database)
    target = path.with_name(f"{path.name}.bak-{revision}")
    with engine.connect() as connection:  # a consistent copy, WAL included
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy2(path, target)
    return target


def all_rows(db: Session | Connection, query: Any) -> list[Any]:
    """A query's plain rows (no ORM objects, none of the ORM's work on each row), fetched at once:
    iterating over a result fetches one row at a time, several times slower. For reading
    hundreds of thousands of rows (export, audit)."""
    connection = db.connection() if isinstance(db, Session) else db
    return connection.execute(query).all()


# JSON columns are read with msgspec: the same values as json.loads, several times faster
# (an export of a large store reads half a million of them).
_json_decode = msgspec.json.Decoder().decode


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _reason(exc: OperationalError) -> str:
    return str(exc.orig).splitlines()[0] if exc.orig is not None else "operational error"


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back whole on any error.
    A store another process holds locked past the busy timeout is one line, with the fix."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if "locked" in _reason(exc):
                raise StoreError(
                    f"the store at {display_url(str(engine.url))} stayed locked by another process for "
                    f"{SQLITE_BUSY_SECONDS:g} s (another toolkit command writing to it?); let it finish and "
                    "run this again: nothing of this transaction was written") from None
            raise
        except DatabaseError as exc:
            session.rollback()
            if any(word in _reason(exc) for word in ("malformed", "not a database", "corrupt")):
                raise StoreError(
                    f"the store at {display_url(str(engine.url))} is damaged ({_reason(exc)}); the files you "
                    "gave are not at fault: restore the store from a copy (a SQLite store upgraded by the "
                    "toolkit left one beside it, .bak-<revision>) or start a new one with another --db") from None
            raise
        except BaseException:
            session.rollback()
            raise
