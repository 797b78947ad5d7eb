"""Commands over the claims dataset: export, validate, audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from toolkit.cli._app import (
    DbOption,
    app,
    open_store,
    reported,
)
from toolkit.errors import ToolkitError


def _guidelines_version() -> Optional[str]:
    from toolkit.guidelines import load_guidelines

    try:
        return load_guidelines().version
    except ToolkitError:
        return None


@app.command()
def export(
    out: str = typer.Option("exports/claims.json", "--out", "-o", help="File to write, or - for standard output."),
    fmt: str = typer.Option("json", "--format", "-f", help="json (one dataset), jsonl (a claim a line) or webanno."),
    document: List[str] = typer.Option([], "--document", "-d", help="Only these documents; repeatable."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Only this annotator's claims."),
    include_suggested: bool = typer.Option(False, "--include-suggested", help="Also the suggested claims."),
    db: Optional[str] = DbOption,
) -> None:
    """Write the claims with full provenance, validated against the shipped JSON Schema.

    Example: toolkit export --out exports/claims.json --include-suggested

    Nothing is written if validation fails (the messages name the JSON path);
    the file is written atomically, with claims.schema.json beside it.
    """
    from sqlmodel import Session

    from toolkit.export import FORMATS, Filters, build_dataset, write_export

    if fmt not in FORMATS:
        typer.echo(f"Error: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    with reported():
        with Session(open_store(db)) as session:
            dataset = build_dataset(session, Filters(document or None, annotator, include_suggested),
                                    guidelines_version=_guidelines_version())
        result = write_export(dataset, out, fmt)
    if result.path != "-":
        typer.echo(f"{result.claims} claims from {result.documents} documents written to {result.path} "
                   f"({result.format}); schema: {result.schema_path}")


@app.command()
def validate(path: Path = typer.Argument(..., help="A file written by toolkit export (json, jsonl or webanno).")) -> None:
    """Check a file against the toolkit's claims JSON Schema.

    Example: toolkit validate exports/claims.json
    """
    from toolkit.export import validate_file

    with reported():
        fmt, errors = validate_file(path)
    if errors:
        for line in errors[:50]:
            typer.echo(f"{path}: {line}", err=True)
        if len(errors) > 50:
            typer.echo(f"{path}: … and {len(errors) - 50} more", err=True)
        raise typer.Exit(1)
    typer.echo(f"{path}: valid ({fmt})")


@app.command()
def audit(
    document: List[str] = typer.Option([], "--document", "-d", help="Only these documents; repeatable."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Only this annotator's claims."),
    include_suggested: bool = typer.Option(False, "--include-suggested", help="Also the suggested claims."),
    as_json: bool = typer.Option(False, "--json", help="Print the audit as JSON."),
    html_out: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML page."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 if a finding is this severe or more: "
                                                                   "info, warning or error."),
    db: Optional[str] = DbOption,
) -> None:
    """Which claims rest on which archive, and findings worth a historian's second look.

    Example: toolkit audit --include-suggested --html exports/audit.html --fail-on error
    """
    from sqlmodel import Session

    from toolkit.audit import SEVERITIES, audit_dataset, render_html, render_text
    from toolkit.export import Filters, build_dataset
    from toolkit.files import write_atomically

    if fail_on is not None and fail_on not in SEVERITIES:
        typer.echo(f"Error: --fail-on must be one of {', '.join(SEVERITIES)}", err=True)
        raise typer.Exit(2)
    with reported():
        with Session(open_store(db)) as session:
            dataset = build_dataset(session, Filters(document or None, annotator, include_suggested))
    report = audit_dataset(dataset)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(report), nl=False)
    if html_out is not None:
        write_atomically(html_out, render_html(report))
        typer.echo(f"HTML report: {html_out}", err=True)
    if fail_on is not None and report.fails(fail_on):
        raise typer.Exit(1)
