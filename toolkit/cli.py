"""The `toolkit` command: thin wrappers over the library.

Each command parses options, calls one library function, prints, and picks the
exit code: 0 success, 1 failure, 2 bad usage. Errors from the library arrive as
`ToolkitError` and leave as one line, ``Error: ...``. Heavy imports (spaCy,
SQLAlchemy) happen inside the commands so that `toolkit --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from toolkit import __version__
from toolkit.errors import ToolkitError

app = typer.Typer(
    name="toolkit",
    help="Annotate the claims in historical writing, tie each claim to its evidence, "
    "and audit which claims rest on which archive.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # never print locals: they may hold passwords
    add_completion=False,
)

DbOption = typer.Option(
    None, "--db", envvar="TOOLKIT_DB",
    help="SQLite file or SQLAlchemy URL of the store [default: annotations/toolkit.sqlite].",
    show_envvar=True,
)


def _fail(exc: ToolkitError) -> None:
    typer.echo(f"Error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _engine(db: Optional[str]):  # type: ignore[no-untyped-def]
    from toolkit.store import make_engine, resolve_db_url

    return make_engine(resolve_db_url(db))


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
    from toolkit.parsing.archives import load_archives
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

    try:
        engine = _engine(db)
        report = ingest_paths(engine, paths, archives=load_archives(list(archives)), kind=kind,
                              allow_unlinked=allow_unlinked, on_result=show)
    except ToolkitError as exc:
        _fail(exc)
        return
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

    try:
        with Session(_engine(db)) as session:
            view = document_view(session, find_version(session, document, version))
    except ToolkitError as exc:
        _fail(exc)
        return
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

    try:
        with Session(_engine(db)) as session:
            rows = [{"document": v.document_id, "version": v.version, "id": v.id, "kind": v.kind,
                     "title": v.title} for v in current_versions(session)]
    except ToolkitError as exc:
        _fail(exc)
        return
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

    try:
        with Session(_engine(db)) as session:
            rows = archive_summary(session, names or None)
    except ToolkitError as exc:
        _fail(exc)
        return
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

    try:
        url = resolve_db_url(db)
        typer.echo(f"Store: {display_url(url)}")
        report = run_demo(_engine(db), typer.echo, doccano=doccano, port=port)
    except ToolkitError as exc:
        _fail(exc)
        return
    typer.echo("Look closer: toolkit inspect sample-article   (add --json for everything)")
    raise typer.Exit(0 if report.ok else 1)


UrlOption = typer.Option(None, "--url", envvar="TOOLKIT_DOCCANO_URL", show_envvar=True,
                         help="A doccano server of your own [default: the embedded one]. Credentials from "
                              "TOOLKIT_DOCCANO_USERNAME / TOOLKIT_DOCCANO_PASSWORD, or a prompt.")
ProjectOption = typer.Option("historians-toolkit", "--project", "-p", help="The doccano project's name.")


def _gateway(url: Optional[str], data: Optional[Path]):  # type: ignore[no-untyped-def]
    """Log in to doccano; prompts for what the environment does not give."""
    import os

    from toolkit.doccano.client import DoccanoGateway, resolve_connection

    username = password = None
    if url:
        username = os.environ.get("TOOLKIT_DOCCANO_USERNAME") or typer.prompt("doccano username")
        password = os.environ.get("TOOLKIT_DOCCANO_PASSWORD")
        if password is None:
            password = typer.prompt("doccano password", hide_input=True)
    return DoccanoGateway(resolve_connection(url, username, password, data))


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{stage}: {done}/{total}{end}")
        sys.stderr.flush()


@app.command()
def push(
    documents: List[str] = typer.Argument(None, help="Documents to push [default: every current version]."),
    project: str = ProjectOption,
    suggest: bool = typer.Option(False, "--suggest", help="Pre-annotate the suggested claims, linked to their notes."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be sent; change nothing."),
    guidelines: Optional[Path] = typer.Option(None, "--guidelines", envvar="TOOLKIT_GUIDELINES",
                                              help="Guidelines file [default: guidelines/claims.md]."),
    url: Optional[str] = UrlOption,
    data: Optional[Path] = typer.Option(None, "--data", envvar="TOOLKIT_DOCCANO_DATA",
                                        help="The embedded server's data folder."),
    db: Optional[str] = DbOption,
) -> None:
    """Put documents into a doccano project, with EVIDENCE spans on every marker and note.

    Example: toolkit push --suggest

    Safe to run again: it reconciles with what the server holds and sends only
    what is missing, so a push cut off halfway finishes without duplicates.
    """
    from toolkit.doccano.push import push_documents
    from toolkit.guidelines import load_guidelines

    try:
        engine = _engine(db)
        report = push_documents(engine, _gateway(url, data), project=project, documents=documents or None,
                                suggest=suggest, dry_run=dry_run, guidelines=load_guidelines(guidelines),
                                progress=_progress)
    except ToolkitError as exc:
        _fail(exc)
        return
    verb = "would" if report.dry_run else "did"
    if report.created:
        typer.echo(f"{'would create' if report.dry_run else 'created'} project {report.project!r} at {report.url}")
    typer.echo(f"{report.versions} document versions: {report.already_there} already in doccano, "
               f"{report.imported} {'to import' if report.dry_run else 'imported'} "
               f"({report.spans} pre-annotated spans, {report.relations} relations)")
    if report.completed:
        typer.echo(f"finished the pre-annotations of {len(report.completed)} examples cut off earlier: "
                   + ", ".join(report.completed[:5]))
    if report.duplicates_removed:
        typer.echo(f"removed {report.duplicates_removed} untouched duplicate examples")
    for kept in report.duplicates_kept:
        typer.echo(f"warning: duplicate example with annotations left in place: {kept}", err=True)
    if report.guideline_updated:
        typer.echo(f"guidelines {report.guideline_version}: {verb} set as the project's guideline")
    if report.project_id is not None:
        typer.echo(f"annotate at {report.url}/projects/{report.project_id}")


@app.command()
def pull(
    project: str = ProjectOption,
    url: Optional[str] = UrlOption,
    data: Optional[Path] = typer.Option(None, "--data", envvar="TOOLKIT_DOCCANO_DATA",
                                        help="The embedded server's data folder."),
    annotations: Path = typer.Option(Path("annotations"), "--annotations",
                                     help="Where the raw pulled records go (under pulls/)."),
    db: Optional[str] = DbOption,
) -> None:
    """Bring back every annotator's claims and links, with who made them and when.

    Example: toolkit pull

    Pulling twice changes nothing; a claim deleted in doccano is marked retracted.
    Spans that fail a check are reported and not stored (exit code 1).
    """
    from toolkit.doccano.pull import pull_annotations

    try:
        report = pull_annotations(_engine(db), _gateway(url, data), project=project,
                                  annotations_dir=annotations, progress=_progress)
    except ToolkitError as exc:
        _fail(exc)
        return
    typer.echo(f"{report.examples} examples: {report.unchanged} unchanged since the last pull, "
               f"{report.untouched} not yet annotated, {report.fetched} fetched"
               + (f", {report.foreign} not from this store" if report.foreign else ""))
    typer.echo(f"claims: {report.claims_added} new, {report.claims_updated} updated, "
               f"{report.claims_retracted} retracted; {report.links} evidence links")
    if report.annotators:
        typer.echo("annotators: " + ", ".join(report.annotators))
    if report.raw_file:
        typer.echo(f"raw records: {report.raw_file}")
    for problem in report.problems:
        typer.echo(f"problem: {problem}", err=True)
    raise typer.Exit(1 if report.problems else 0)


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
    try:
        with Session(_engine(db)) as session:
            dataset = build_dataset(session, Filters(document or None, annotator, include_suggested),
                                    guidelines_version=_guidelines_version())
        result = write_export(dataset, out, fmt)
    except ToolkitError as exc:
        _fail(exc)
        return
    if result.path != "-":
        typer.echo(f"{result.claims} claims from {result.documents} documents written to {result.path} "
                   f"({result.format}); schema: {result.schema_path}")


@app.command()
def validate(path: Path = typer.Argument(..., help="A file written by toolkit export (json, jsonl or webanno).")) -> None:
    """Check a file against the toolkit's claims JSON Schema.

    Example: toolkit validate exports/claims.json
    """
    from toolkit.export import validate_file

    try:
        fmt, errors = validate_file(path)
    except ToolkitError as exc:
        _fail(exc)
        return
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
    from toolkit.export import Filters, build_dataset, write_atomically

    if fail_on is not None and fail_on not in SEVERITIES:
        typer.echo(f"Error: --fail-on must be one of {', '.join(SEVERITIES)}", err=True)
        raise typer.Exit(2)
    try:
        with Session(_engine(db)) as session:
            dataset = build_dataset(session, Filters(document or None, annotator, include_suggested))
    except ToolkitError as exc:
        _fail(exc)
        return
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


annotators_app = typer.Typer(help="Annotator accounts on the doccano server.", no_args_is_help=True)
app.add_typer(annotators_app, name="annotators")


@annotators_app.command("add")
def annotators_add(
    name: str = typer.Argument(..., help="The annotator's username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    project: str = ProjectOption,
    url: Optional[str] = UrlOption,
    data: Optional[Path] = typer.Option(None, "--data", envvar="TOOLKIT_DOCCANO_DATA",
                                        help="The embedded server's data folder."),
) -> None:
    """Create an annotator account and make it a member of the project, as annotator.

    Example: printf '%s' "$PASSWORD" | toolkit annotators add ada --password-stdin
    """
    from toolkit.errors import NotFoundError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        typer.echo("Error: the password must have at least 8 characters", err=True)
        raise typer.Exit(2)
    try:
        gateway = _gateway(url, data)
        remote = gateway.find_project(project)
        if remote is None:
            raise NotFoundError(f"there is no project {project!r} at {gateway.url}; create it with `toolkit push`")
        existing = {v: k for k, v in gateway.usernames().items()}
        user_id = existing.get(name) or gateway.create_user(name, password)
        gateway.add_member(int(remote["id"]), user_id, "annotator")
    except ToolkitError as exc:
        _fail(exc)
        return
    state = "existing account" if name in existing else "new account"
    typer.echo(f"{name} ({state}) is an annotator of {project!r} at {gateway.url}")


server_app = typer.Typer(help="The embedded doccano server: install, start, stop, status, logs.",
                         no_args_is_help=True)
app.add_typer(server_app, name="server")
DataOption = typer.Option(None, "--data", envvar="TOOLKIT_DOCCANO_DATA", show_envvar=True,
                          help="The server's data folder [default: a per-user data folder].")


@server_app.command("install")
def server_install(
    python: Optional[Path] = typer.Option(
        None, "--python", envvar="TOOLKIT_DOCCANO_PYTHON",
        help="Python 3.8-3.11 for the server's own environment [default: this one if it fits]."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Install doccano 1.8.4 in its own virtual environment (once; reused afterwards).

    Example: toolkit server install
    """
    from toolkit.doccano.server import install_server

    try:
        result = install_server(python=python)
    except ToolkitError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
    elif result.installed:
        typer.echo(f"installed doccano in {result.venv} ({result.seconds:.0f} s; log: {result.log_file})")
    else:
        typer.echo(f"doccano is already installed in {result.venv}")


@server_app.command("start")
def server_start(
    port: Optional[int] = typer.Option(None, "--port", help="Port on 127.0.0.1 [default: 8765]."),
    data: Optional[Path] = DataOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Start the embedded doccano on 127.0.0.1 and wait until it answers.

    Example: toolkit server start --port 8765
    """
    from toolkit.doccano.server import start_server

    try:
        status = start_server(port=port, data_dir=data)
    except ToolkitError as exc:
        _fail(exc)
        return
    _show_status(status, as_json)


@server_app.command("stop")
def server_stop(data: Optional[Path] = DataOption) -> None:
    """Stop the embedded doccano (only the processes the toolkit started).

    Example: toolkit server stop
    """
    from toolkit.doccano.server import stop_server

    try:
        stopped = stop_server(data)
    except ToolkitError as exc:
        _fail(exc)
        return
    typer.echo("stopped" if stopped else "not running")


@server_app.command("status")
def server_status_cmd(data: Optional[Path] = DataOption,
                      as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Say whether the embedded doccano runs, its URL, and where its credentials file is.

    Example: toolkit server status --json
    """
    from toolkit.doccano.server import server_status

    try:
        status = server_status(data)
    except ToolkitError as exc:
        _fail(exc)
        return
    _show_status(status, as_json)


@server_app.command("logs")
def server_logs(data: Optional[Path] = DataOption,
                lines: int = typer.Option(50, "--lines", "-n", help="How many lines.")) -> None:
    """Print the end of the embedded doccano's log.

    Example: toolkit server logs -n 100
    """
    from toolkit.doccano.server import server_log_tail

    try:
        typer.echo(server_log_tail(data, lines))
    except ToolkitError as exc:
        _fail(exc)


def _show_status(status, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        typer.echo(json.dumps(status.to_json(), indent=2))
        return
    state = "running" if status.running else "not running"
    typer.echo(f"doccano {state} at {status.url}")
    typer.echo(f"data folder: {status.data_dir}")
    typer.echo(f"credentials: {status.credentials_file} (readable by you only)")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted; nothing half-written was kept.", err=True)
        sys.exit(130)
