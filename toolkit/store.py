"""The store: an engine made from a URL, the schema, and a transaction helper.

No global engine: callers make one with `make_engine(url)` and pass it on.
SQLite by default (``annotations/toolkit.sqlite``); any SQLAlchemy URL works
(``postgresql://user@127.0.0.1:5432/db`` for teams). Passwords in URLs never
appear in messages: see `display_url`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
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


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for `url`, with the schema created if `create`."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"database URL {display_url(url)!s} is not valid; give a file path or a URL "
            "such as sqlite:///annotations/toolkit.sqlite or postgresql://user@host/db"
        ) from exc
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            from sqlalchemy.pool import StaticPool

            kwargs = {"connect_args": {"check_same_thread": False}, "poolclass": StaticPool}
    else:
        kwargs = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(
            f"no database driver for {display_url(url)}; for PostgreSQL install the extra: "
            "pip install 'historians-toolkit[postgres]'"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        try:
            SQLModel.metadata.create_all(engine)
        except OperationalError as exc:
            raise StoreError(
                f"cannot open the store at {display_url(url)} ({_reason(exc)}); "
                "check the path or URL given with --db or TOOLKIT_DB"
            ) from None
    return engine


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
    """A session whose work is committed at the end, or rolled back whole on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
