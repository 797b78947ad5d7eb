"""The `toolkit` command: thin wrappers over the library, one module per part of the pipeline.

    _app.py       the application, shared options, error and engine helpers
    documents.py  ingest, inspect, documents, archives, demo
    doccano.py    push, pull, annotators, server
    dataset.py    export, validate, audit
    team.py       agreement, review
    store.py      db status, db upgrade
"""

from __future__ import annotations

import sys

import typer

from toolkit.cli._app import app

# Importing a module registers its commands; this order is the order of `toolkit --help`
# (keep it: the pipeline's order, not the alphabet's).
from toolkit.cli import documents  # noqa: E402, F401, I001
from toolkit.cli import doccano  # noqa: E402, F401
from toolkit.cli import dataset  # noqa: E402, F401
from toolkit.cli import team  # noqa: E402, F401
from toolkit.cli import store  # noqa: E402, F401

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted; nothing half-written was kept.", err=True)
        sys.exit(130)
