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
from toolkit.terms import ExportFormat, Severity


def _guidelines_version() -> Optional[str]:
    from toolkit.guidelines import load_guidelines

    try:
        return load_guidelines().version
    except ToolkitError:
        return None


DocumentsArgument = typer.Argument(None, show_default="every document", help="Only these documents.")


@app.command()
def export(
    documents: List[str] = DocumentsArgument,
    out: str = typer.Option("exports/claims.json", "--out", "-o", help="File to write, or - for standard output."),
    fmt: ExportFormat = typer.Option(ExportFormat.JSON, "--format", "-f",
                                     help="json (one dataset), jsonl (a claim a line) or webanno (W3C)."),
    document: List[str] = typer.Option([], "--document", "-d", hidden=True),  # before 0.2: same as the argument
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Only this annotator's claims."),
    include_suggested: bool = typer.Option(False, "--include-suggested", help="Also the suggested claims."),
    done_only: bool = typer.Option(False, "--done-only",
                                   help="Only claims in examples their annotator marked done in doccano."),
    db: Optional[str] = DbOption,
) -> None:
    """Write the claims with full provenance, validated against the shipped JSON Schema.

    Example: toolkit export --out exports/claims.json --include-suggested

    Nothing is written if validation fails (the messages name the JSON path);
    the file is written atomically, with claims.schema.json beside it.
    """
    from sqlmodel import Session

    from toolkit.export import Filters, empty_export_hint, export_store

    with reported():
        with Session(open_store(db)) as session:
            filters = Filters([*(documents or []), *document] or None, annotator, include_suggested, done_only)
            result = export_store(session, out, fmt, filters, guidelines_version=_guidelines_version())
            hint = empty_export_hint(session, filters) if not result.claims else None
    if result.path != "-":
        typer.echo(f"{result.claims} claims from {result.documents} documents written to {result.path} "
                   f"({result.format}); schema: {result.schema_path}")
    if hint:
        typer.echo(f"Warning: {hint}", err=True)


@app.command()
def validate(
    path: str = typer.Argument(..., help="A file written by toolkit export (json, jsonl or webanno), or - for "
                                          "standard input."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check a file against the toolkit's claims JSON Schema.

    Example: toolkit validate exports/claims.json
    """
    from toolkit.export import validate_file

    with reported():
        fmt, errors = validate_file(path)
    if as_json:
        typer.echo(json.dumps({"path": path, "format": fmt, "valid": not errors, "errors": errors}, indent=2))
        raise typer.Exit(1 if errors else 0)
    if errors:
        for line in errors[:50]:
            typer.echo(f"{path}: {line}", err=True)
        if len(errors) > 50:
            typer.echo(f"{path}: … and {len(errors) - 50} more", err=True)
        raise typer.Exit(1)
    typer.echo(f"{path}: valid ({fmt})")


@app.command()
def audit(
    documents: List[str] = DocumentsArgument,
    document: List[str] = typer.Option([], "--document", "-d", hidden=True),  # before 0.2: same as the argument
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Only this annotator's claims."),
    include_suggested: bool = typer.Option(False, "--include-suggested", help="Also the suggested claims."),
    as_json: bool = typer.Option(False, "--json", help="Print the audit as JSON."),
    html_out: Optional[str] = typer.Option(None, "--html", help="Also write a self-contained HTML page "
                                                                "(- for standard output)."),
    fail_on: Optional[Severity] = typer.Option(None, "--fail-on", help="Exit 1 if a finding is this severe or more."),
    db: Optional[str] = DbOption,
) -> None:
    """Which claims rest on which archive, and findings worth a historian's second look.

    Example: toolkit audit --include-suggested --html exports/audit.html --fail-on error
    """
    from sqlmodel import Session

    from toolkit.audit import audit_store, render_html, render_text
    from toolkit.export import Filters, empty_export_hint
    from toolkit.files import write_atomically

    with reported():
        with Session(open_store(db)) as session:
            filters = Filters([*(documents or []), *document] or None, annotator, include_suggested)
            report = audit_store(session, filters)
            hint = empty_export_hint(session, filters) if not report.claims else None
        if html_out == "-":
            typer.echo(render_html(report), nl=False)
        elif as_json:
            typer.echo(report.to_json_bytes())
        else:
            typer.echo(render_text(report), nl=False)
        if html_out not in (None, "-"):
            write_atomically(Path(html_out), render_html(report))
            typer.echo(f"HTML report: {html_out}", err=True)
    if hint:
        typer.echo(f"Warning: {hint}", err=True)
    if fail_on is not None and report.fails(fail_on):
        raise typer.Exit(1)
