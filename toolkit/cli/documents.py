"""Commands over the store: ingest, inspect, documents, archives, demo."""

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


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders (.txt, .md) to ingest."),
    db: Optional[str] = DbOption,
    kind: Optional[str] = typer.Option(
        None, "--kind", help="Force the kind: article, abstract or primary-source [default: guessed]."),
    archives: List[Path] = typer.Option(
        [], "--archives", help="Extra archive-pattern file (TOML); repeatable. Also $TOOLKIT_ARCHIVES."),
    allow_unlinked: bool = typer.Option(
        False, "--allow-unlinked", help="Store documents even when most footnotes cannot be linked."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file."),
) -> None:
    """Read documents, repair their layout, link footnotes, parse citations, and store them.

    Example: toolkit ingest ../shared/corpus/seeds

    Each file goes in whole or not at all; a bad file is reported and the others
    still go in. Exit code 1 if any file failed.
    """
    from toolkit.ingest import FAILED, ingest_paths
    from toolkit.archives_config import load_archives
    from toolkit.parsing.document import KINDS

    if kind is not None and kind not in KINDS:
        typer.echo(f"Error: --kind must be one of {', '.join(KINDS)}", err=True)
        raise typer.Exit(2)

    def show(result) -> None:  # type: ignore[no-untyped-def]
        if as_json:
            typer.echo(json.dumps(result.__dict__, ensure_ascii=False))
        elif result.status == FAILED:
            typer.echo(f"Error: {result.error}", err=True)
        elif result.status == "unchanged":
            typer.echo(f"{result.status:<11} {result.document or result.path} "
                       + (f"v{result.version}: already stored" if result.version else f"({result.note})"))
        else:
            flags = ", ".join(f"{n} {k}" for k, n in sorted(result.flags.items()))
            typer.echo(
                f"{result.status:<11} {result.document} v{result.version} ({result.kind}): "
                f"{result.footnotes} footnotes, {result.references} archival references"
                + (f"; flagged: {flags}" if flags else "")
            )

    with reported():
        engine = open_store(db)
        report = ingest_paths(engine, paths, archives=load_archives(list(archives)), kind=kind,
                              allow_unlinked=allow_unlinked, on_result=show)
    if not as_json:
        typer.echo(
            f"{len(report.results)} files: {report.count('added')} added, "
            f"{report.count('new-version')} new versions, {report.count('unchanged')} unchanged, "
            f"{report.count(FAILED)} failed", err=True)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def inspect(
    document: str = typer.Argument(..., help="Document name, version id, or source path."),
    db: Optional[str] = DbOption,
    version: Optional[int] = typer.Option(None, "--version", help="A version number [default: current]."),
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
    typer.echo(f"{view['title']}  [{view['kind']}]  {view['document']} v{view['version']} ({view['id']})")
    typer.echo(f"source: {view['source']['path']}")
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
            rows = [{"document": v.document_id, "version": v.version, "id": v.id, "kind": v.kind,
                     "title": v.title} for v in current_versions(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['document']:<32} v{r['version']}  {r['id']}  {r['kind']:<15} {r['title'][:60]}")


@app.command()
def archives(
    names: List[str] = typer.Argument(None, help="Documents to count [default: all]."),
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
    port: Optional[int] = typer.Option(None, "--port", help="Port of the embedded doccano [default: 8765]."),
) -> None:
    """Run the main job on the bundled samples: ingest, what the notes cite, doccano push and pull.

    Example: toolkit demo
    """
    from toolkit.demo import run_demo
    from toolkit.store import display_url, resolve_db_url

    with reported():
        url = resolve_db_url(db)
        typer.echo(f"Store: {display_url(url)}")
        report = run_demo(open_store(db), typer.echo, doccano=doccano, port=port)
    typer.echo("Look closer: toolkit inspect sample-article   (add --json for everything)")
    raise typer.Exit(0 if report.ok else 1)
