"""Commands over the store itself: db status, db upgrade."""

from __future__ import annotations

import json
from typing import Optional

import typer

from toolkit.cli._app import CONTEXT, DbOption, app, reported

db_app = typer.Typer(help="The store: its schema revision, and upgrading a store of an earlier release.",
                     no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(db_app, name="db")


@db_app.command("status")
def db_status(db: Optional[str] = DbOption,
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Say which schema revision the store has and which this toolkit writes.

    Example: toolkit db status
    """
    from toolkit.store import display_url, head_revision, make_engine, opening, resolve_db_url, store_revision

    with reported():
        url = resolve_db_url(db)
        engine = make_engine(url, create=False, upgrade=False)
        with opening(engine, url):
            found, head = store_revision(engine), head_revision()
    state = {"store": display_url(url), "revision": found, "head": head, "current": found == head}
    if as_json:
        typer.echo(json.dumps(state, indent=2))
        return
    typer.echo(f"store: {state['store']}")
    typer.echo(f"schema revision {found or '(empty)'}; this toolkit writes {head}"
               + ("" if found == head else "; `toolkit db upgrade` (or any command) upgrades it"))


@db_app.command("upgrade")
def db_upgrade(db: Optional[str] = DbOption) -> None:
    """Upgrade a store made by an earlier release (any command also does it on open).

    Example: toolkit db upgrade --db annotations/toolkit.sqlite

    A SQLite store is first copied beside itself as <file>.bak-<revision>.
    """
    from toolkit.store import display_url, make_engine, migrate, opening, resolve_db_url

    with reported():
        url = resolve_db_url(db)
        engine = make_engine(url, create=False, upgrade=False)
        with opening(engine, url):
            result = migrate(engine, create=False, url=url)
    if not result.changed:
        typer.echo(f"{display_url(url)} is already at revision {result.after}")
        return
    typer.echo(f"{display_url(url)}: upgraded from revision {result.before} to {result.after}"
               + (f"; the store as it was: {result.backup}" if result.backup else ""))
