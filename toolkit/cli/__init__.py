"""The `toolkit` command: thin wrappers over the library, one module per part of the pipeline.

    _app.py       the application, shared options, error and engine helpers
    documents.py  ingest, inspect, documents, archives, demo
    doccano.py    push, pull, annotators, server
    dataset.py    export, validate, audit
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from toolkit.cli._app import app

# Importing a module registers its commands; this order is the order of `toolkit --help`.
for _module in ("documents", "doccano", "dataset"):
    import_module(f"toolkit.cli.{_module}")

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted; nothing half-written was kept.", err=True)
        sys.exit(130)
