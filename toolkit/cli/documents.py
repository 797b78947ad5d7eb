"""Commands over the store: ingest, inspect, documents, archives, demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from toolkit.terms import DocumentKind, Format
from toolkit.cli._app import (
    DbOption,
    app,
    open_store,
    reported,
)


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders to ingest: .txt, .md, .xml (TEI), .docx, "
                                                  ".html, .pdf."),
    db: Optional[str] = DbOption,
    kind: Optional[DocumentKind] = typer.Option(
        None, "--kind", show_default="guessed", help="Force the kind."),
    fmt: Optional[Format] = typer.Option(
        None, "--format", "-f", show_default="by content and extension", help="Read every file as this format."),
    archives: List[Path] = typer.Option(
        [], "--archives", help="Extra archive-pattern file (TOML); repeatable. Also $TOOLKIT_ARCHIVES."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per document."),
) -> None:
    """Read documents, repair their layout, link footnotes, parse citations, and store them.

    Example: toolkit ingest ../shared/corpus/seeds

    Each document goes in whole or not at all; a bad file is reported and the
    others still go in. A document whose footnotes could not all be linked is
    stored, flagged, with a warning. Exit code 0 when everything went in cleanly,
    1 when a file failed or a document was stored with problems, 130 on Ctrl-C.
    """
    from toolkit.archives_config import load_archives
    from toolkit.ingest import FAILED, INTERRUPTED, UNCHANGED, ingest_paths

    def show(result) -> None:  # type: ignore[no-untyped-def]
        if as_json:
            typer.echo(json.dumps(result.__dict__, ensure_ascii=False))
            return
        if result.status == FAILED:
            typer.echo(f"Error: {result.error}", err=True)
        elif result.status == INTERRUPTED:
            typer.echo(f"{result.status:<11} {result.path}: {result.note}", err=True)
        elif result.status == UNCHANGED:
            typer.echo(f"{result.status:<11} {result.document or result.path} "
                       + (f"v{result.version}: already stored" if result.version else f"({result.note})"))
        else:
            flags = ", ".join(f"{n} {k}" for k, n in sorted(result.flags.items()))
            typer.echo(
                f"{result.status:<11} {result.document} v{result.version} ({result.kind}, {result.format}): "
                f"{result.footnotes} footnotes, {result.references} archival references"
                + (f"; flagged: {flags}" if flags else "")
            )
        for problem in result.problems:
            typer.echo(f"Warning: {result.path}: {problem}; stored, flagged (see `toolkit documents`)", err=True)

    with reported():
        engine = open_store(db, create=True)
        report = ingest_paths(engine, paths, archives=load_archives(list(archives)), kind=kind, fmt=fmt,
                              on_result=show)
    stored = [r for r in report.results if r.status in ("added", "new-version")]
    partly = sum(1 for r in stored if r.problems)
    if not as_json:
        typer.echo(
            f"{len(report.results)} documents: {report.count('added')} added, "
            f"{report.count('new-version')} new versions, {report.count(UNCHANGED)} unchanged, "
            f"{report.count(FAILED)} failed" + (f"; {partly} stored with problems" if partly else ""), err=True)
    if report.interrupted:
        typer.echo(f"Interrupted: {len(stored)} documents were stored whole before the interrupt; "
                   f"{report.count(INTERRUPTED)} files were not, and nothing of them is in the store. "
                   "Run the same command again to finish.", err=True)
        raise typer.Exit(130)
    raise typer.Exit(0 if report.clean else 1)


@app.command()
def inspect(
    document: str = typer.Argument(..., help="Document name, version id, or source path."),
    db: Optional[str] = DbOption,
    version: Optional[int] = typer.Option(None, "--version", show_default="the current one", help="A version number."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole stored document as JSON."),
) -> None:
    """Show one stored document: its notes, citations and archival references.

    Example: toolkit inspect debo-litvinov-kamenev --json
    """
    from sqlmodel import Session

    from toolkit.views import document_view, find_version

    with reported():
        with Session(open_store(db)) as session:
            view = document_view(session, find_version(session, document, version))
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{view['title']}  [{view['kind']}]  {view['document']} v{view['version']} ({view['version_id']})")
    typer.echo(f"source: {view['source']['path']} ({view['format']})")
    for problem in view["problems"]:
        typer.echo(f"problem: {problem}")
    if view["file_numbers"]:
        typer.echo(f"file numbers: {', '.join(view['file_numbers'])}")
    if view["pages"]:
        typer.echo("pages: " + ", ".join(p["label"] for p in view["pages"]))
    for f in view["footnotes"]:
        flags = f" [{', '.join(f['flags'])}]" if f["flags"] else ""
        printed = f["marker"]["printed"] if f["marker"] else "-"
        typer.echo(f"  {f['label']:>3} (marker {printed}){flags}: {(f['text'] or '')[:90]}")
        for c in f["citations"]:
            extra = f" -> note {c['resolves_to']}" if c["resolves_to"] else ""
            typer.echo(f"        {c['kind']:<15}{extra}  {c['raw'][:70]}")
        for r in f["references"]:
            typer.echo(f"        = {r['archive']} {r['series'] or ''} vol. {r['volume'] or '-'} item {r['item'] or '-'}")


@app.command()
def documents(db: Optional[str] = DbOption,
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the stored documents (current versions).

    Example: toolkit documents
    """
    from sqlmodel import Session

    from toolkit.views import current_versions

    with reported():
        with Session(open_store(db)) as session:
            rows = [{"document": v.document_id, "version": v.version, "version_id": v.id, "kind": v.kind,
                     "format": v.format, "title": v.title, "problems": list(v.problems)}
                    for v in current_versions(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        flag = f"  [stored partly: {len(r['problems'])} problem{'s' if len(r['problems']) != 1 else ''}]" \
            if r["problems"] else ""
        typer.echo(f"{r['document']:<32} v{r['version']}  {r['version_id']}  {r['kind']:<15} {r['format']:<8} "
                   f"{r['title'][:60]}{flag}")


@app.command()
def archives(
    names: List[str] = typer.Argument(None, show_default="all", help="Documents to count."),
    db: Optional[str] = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What the notes cite, per archive and series (after following Ibid. and short forms).

    Example: toolkit archives debo-litvinov-kamenev
    """
    from sqlmodel import Session

    from toolkit.views import archive_summary

    with reported():
        with Session(open_store(db)) as session:
            rows = archive_summary(session, names or None)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'archive':<8} {'series':<36} {'refs':>5} {'notes':>6}  documents")
    for r in rows:
        typer.echo(f"{r['archive']:<8} {(r['series'] or '-')[:36]:<36} {r['references']:>5} "
                   f"{r['notes']:>6}  {', '.join(r['documents'])[:60]}")


@app.command()
def demo(
    db: Optional[str] = DbOption,
    doccano: bool = typer.Option(True, "--doccano/--no-doccano", help="Also start doccano, push and pull."),
    port: Optional[int] = typer.Option(None, "--port", show_default="8765", help="Port of the embedded doccano."),
) -> None:
    """Run the main job on the bundled samples: ingest, what the notes cite, doccano push and pull.

    Example: toolkit demo
    """
    from toolkit.demo import run_demo
    from toolkit.store import display_url, resolve_db_url

    with reported():
        url = resolve_db_url(db)
        typer.echo(f"Store: {display_url(url)}")
        report = run_demo(open_store(db, create=True), typer.echo, doccano=doccano, port=port)
    typer.echo("Look closer: toolkit inspect sample-article   (add --json for everything)")
    raise typer.Exit(0 if report.ok else 1)
