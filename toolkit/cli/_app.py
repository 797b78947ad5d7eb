"""The `toolkit` application, its shared options, and the helpers every command uses.

Each command parses options, calls one library function, prints, and picks the
exit code: 0 success, 1 failure, 2 bad usage. Errors from the library arrive as
`ToolkitError` and leave as one line, ``Error: ...``. Heavy imports (spaCy,
SQLAlchemy, doccano-client) happen inside the commands so that `toolkit --help`
stays fast.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from toolkit import __version__
from toolkit.doccano import DEFAULT_PROJECT
from toolkit.errors import ToolkitError

# -h works as --help everywhere; sub-apps pass the same settings.
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="toolkit",
    help="Annotate the claims in historical writing, tie each claim to its evidence, "
    "and audit which claims rest on which archive.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # never print locals: they may hold passwords
    add_completion=False,
    context_settings=CONTEXT,
)


DbOption = typer.Option(
    None, "--db", envvar="TOOLKIT_DB", show_default="annotations/toolkit.sqlite",
    help="SQLite file or SQLAlchemy URL of the store.", show_envvar=True,
)


UrlOption = typer.Option(None, "--url", envvar="TOOLKIT_DOCCANO_URL", show_envvar=True,
                         show_default="the embedded server",
                         help="A doccano server of your own. Credentials from "
                              "TOOLKIT_DOCCANO_USERNAME / TOOLKIT_DOCCANO_PASSWORD, or a prompt.")


ProjectOption = typer.Option(DEFAULT_PROJECT, "--project", "-p", help="The doccano project's name.")

DataOption = typer.Option(None, "--data", envvar="TOOLKIT_DOCCANO_DATA", show_envvar=True,
                          show_default="a per-user data folder", help="The embedded server's data folder.")


@contextmanager
def reported() -> Iterator[None]:
    """Library errors leave as one line, `Error: ...`, and their exit code; never a traceback."""
    try:
        yield
    except ToolkitError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


def open_store(db: Optional[str], *, create: bool = False):  # type: ignore[no-untyped-def]
    """The store named by --db / $TOOLKIT_DB; only commands that add to a store `create` one."""
    from toolkit.store import make_engine, resolve_db_url

    return make_engine(resolve_db_url(db), create=create)


def connect(url: Optional[str], data: Optional[Path]):  # type: ignore[no-untyped-def]
    """Log in to doccano; prompts for what the environment does not give."""
    import os

    from toolkit.doccano.client import DoccanoGateway, resolve_connection

    username = password = None
    if url:
        username = os.environ.get("TOOLKIT_DOCCANO_USERNAME")
        password = os.environ.get("TOOLKIT_DOCCANO_PASSWORD")
        if (username is None or password is None) and sys.stdin.isatty():
            username = username or typer.prompt("doccano username")
            if password is None:
                password = typer.prompt("doccano password", hide_input=True)
    # Without a terminal to ask on, resolve_connection names the variables to set.
    return DoccanoGateway(resolve_connection(url, username, password, data))


def progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{stage}: {done}/{total}{end}")
        sys.stderr.flush()


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"toolkit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Annotate the claims in historical writing, tie each claim to its evidence,
    and audit which claims rest on which archive."""
