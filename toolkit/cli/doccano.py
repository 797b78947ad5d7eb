"""Commands for doccano: push, pull, annotators, and the embedded server."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from toolkit.cli._app import (
    CONTEXT,
    DataOption,
    DbOption,
    ProjectOption,
    UrlOption,
    app,
    connect,
    open_store,
    progress,
    reported,
)


@app.command()
def push(
    documents: List[str] = typer.Argument(None, show_default="every current version", help="Documents to push."),
    project: str = ProjectOption,
    suggest: bool = typer.Option(False, "--suggest", help="Pre-annotate the suggested claims, linked to their notes."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be sent; change nothing."),
    guidelines: Optional[Path] = typer.Option(None, "--guidelines", envvar="TOOLKIT_GUIDELINES",
                                              show_default="the guidelines shipped with the toolkit", help="Guidelines file."),
    annotators: Optional[str] = typer.Option(
        None, "--annotators", help="Comma-separated annotators: each gets a project of their own "
                                   "(<project>--<name>) with the documents assigned to them."),
    overlap: int = typer.Option(2, "--overlap", help="With --annotators: how many annotators get each document."),
    url: Optional[str] = UrlOption,
    data: Optional[Path] = DataOption,
    db: Optional[str] = DbOption,
) -> None:
    """Put documents into a doccano project, with EVIDENCE spans on every marker and note.

    Example: toolkit push --suggest --annotators alice,bob,carol --overlap 2

    Safe to run again: it reconciles with what the server holds and sends only
    what is missing, so a push cut off halfway finishes without duplicates.
    With --annotators, each document goes to --overlap annotators (balanced,
    deterministic; assignments never move), each working alone in their own project.
    """
    from toolkit.doccano.push import push_documents
    from toolkit.guidelines import load_guidelines

    if annotators is not None:
        _push_team(documents, project, suggest, dry_run, guidelines, annotators, overlap, url, data, db)
        return
    with reported():
        engine = open_store(db)
        report = push_documents(engine, connect(url, data), project=project, documents=documents or None,
                                suggest=suggest, dry_run=dry_run, guidelines=load_guidelines(guidelines),
                                progress=progress)
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


def _push_team(documents: Optional[List[str]], project: str, suggest: bool, dry_run: bool,
               guidelines: Optional[Path], annotators: str, overlap: int, url: Optional[str],
               data: Optional[Path], db: Optional[str]) -> None:
    from toolkit.guidelines import load_guidelines
    from toolkit.team.assign import annotator_project, push_team

    with reported():
        report = push_team(open_store(db), connect(url, data), annotators=annotators.split(","), overlap=overlap,
                           project=project, documents=documents or None, suggest=suggest, dry_run=dry_run,
                           guidelines=load_guidelines(guidelines), progress=progress)
    verb = "would assign" if dry_run else "assigned"
    typer.echo(f"{verb} {len(report.new_assignments)} new (annotator, document) pairs, overlap {report.overlap}; "
               "documents per annotator: " + ", ".join(f"{a} {n}" for a, n in report.loads.items()))
    for name, push in report.pushes.items():
        where = f"{push.url}/projects/{push.project_id}" if push.project_id is not None else push.url
        typer.echo(f"{name}: {annotator_project(project, name)!r}: {push.already_there} already there, "
                   f"{push.imported} {'to import' if dry_run else 'imported'}; annotates at {where}")


@app.command()
def pull(
    project: str = ProjectOption,
    url: Optional[str] = UrlOption,
    data: Optional[Path] = DataOption,
    annotations: Path = typer.Option(Path("annotations"), "--annotations",
                                     help="Where the raw pulled records go (under pulls/)."),
    db: Optional[str] = DbOption,
) -> None:
    """Bring back every annotator's claims and links, with who made them and when.

    Example: toolkit pull

    Pulling twice changes nothing; a claim deleted in doccano is marked retracted.
    Spans that fail a check are reported and not stored (exit code 1). A project
    pushed with --annotators is pulled from every annotator's own project, with
    which examples each marked done.
    """
    from toolkit.doccano.pull import pull_annotations
    from toolkit.team.assign import assignments, pull_team

    with reported():
        engine = open_store(db)
        is_team = bool(assignments(engine, project))
        if is_team:
            team = pull_team(engine, connect(url, data), project=project, annotations_dir=annotations,
                             progress=progress)
    if is_team:
        for name, r in team.pulls.items():
            typer.echo(f"{name}: {r.examples} examples, {r.fetched} fetched; claims: {r.claims_added} new, "
                       f"{r.claims_updated} updated, {r.claims_retracted} retracted; {r.links} evidence links")
        for missing in team.missing:
            typer.echo(f"warning: no project {missing!r} on the server; push it with `toolkit push --annotators`",
                       err=True)
        for problem in team.problems:
            typer.echo(f"problem: {problem}", err=True)
        raise typer.Exit(1 if team.problems else 0)
    with reported():
        report = pull_annotations(open_store(db), connect(url, data), project=project,
                                  annotations_dir=annotations, progress=progress)
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


annotators_app = typer.Typer(help="Annotator accounts on the doccano server.", no_args_is_help=True,
                             context_settings=CONTEXT)

app.add_typer(annotators_app, name="annotators")


@annotators_app.command("add")
def annotators_add(
    name: str = typer.Argument(..., help="The annotator's username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    project: str = ProjectOption,
    url: Optional[str] = UrlOption,
    data: Optional[Path] = DataOption,
) -> None:
    """Create an annotator account and make it a member of the project, as annotator.

    Example: printf '%s' "$PASSWORD" | toolkit annotators add ada --password-stdin

    Before a team push (`toolkit push --annotators`) the project need not exist:
    the account is made, and the push makes the annotator a member of their own project.
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        typer.echo("Error: the password must have at least 8 characters", err=True)
        raise typer.Exit(2)
    with reported():
        gateway = connect(url, data)
        remote = gateway.find_project(project)
        existing = {v: k for k, v in gateway.usernames().items()}
        user_id = existing.get(name) or gateway.create_user(name, password)
        if remote is not None:
            gateway.add_member(int(remote["id"]), user_id, "annotator")
    state = "existing account" if name in existing else "new account"
    if remote is None:
        typer.echo(f"{name} ({state}) has an account at {gateway.url}; there is no project {project!r} yet: "
                   f"`toolkit push --annotators {name},...` gives them one of their own")
    else:
        typer.echo(f"{name} ({state}) is an annotator of {project!r} at {gateway.url}")


server_app = typer.Typer(help="The embedded doccano server: install, start, stop, status, logs.",
                         no_args_is_help=True, context_settings=CONTEXT)

app.add_typer(server_app, name="server")


@server_app.command("install")
def server_install(
    python: Optional[Path] = typer.Option(
        None, "--python", envvar="TOOLKIT_DOCCANO_PYTHON",
        show_default="this one if it fits", help="Python 3.8-3.11 for the server's own environment."),
    team: bool = typer.Option(False, "--team", help="Add what a team server needs (PostgreSQL driver, Redis client)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Install doccano 1.8.4 in its own virtual environment (once; reused afterwards).

    Example: toolkit server install --team
    """
    from toolkit.doccano.server import install_server

    with reported():
        result = install_server(python=python, team=team)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
    elif result.installed:
        typer.echo(f"installed doccano in {result.venv} ({result.seconds:.0f} s; log: {result.log_file})")
    else:
        typer.echo(f"doccano is already installed in {result.venv}")


@server_app.command("start")
def server_start(
    port: Optional[int] = typer.Option(None, "--port", show_default="8765, or the last one used", help="Port on 127.0.0.1."),
    database: Optional[str] = typer.Option(
        None, "--database", envvar="TOOLKIT_DOCCANO_DATABASE_URL", show_envvar=True, show_default=False,
        help="Team server: doccano's PostgreSQL database, postgresql://user@host:5432/NAME."),
    broker: Optional[str] = typer.Option(
        None, "--broker", envvar="TOOLKIT_DOCCANO_BROKER_URL", show_envvar=True, show_default=False,
        help="Team server: the celery broker, redis://127.0.0.1:6379/0 or amqp://user:pw@host:5672//."),
    workers: Optional[int] = typer.Option(None, "--workers", show_default="3 (team server only)",
                                          help="Team server: web workers."),
    data: Optional[Path] = DataOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Start doccano on 127.0.0.1 and wait until it answers.

    Without --database and --broker: the embedded server (SQLite, one worker, imports
    run in-process). With them: a team server on PostgreSQL, with several web workers and
    a celery worker on Redis or RabbitMQ. With no options it starts the way it last did;
    a URL's password is never stored: give it again (option or environment variable).

    Example: toolkit server start --database postgresql://postgres@127.0.0.1/doccano --broker redis://127.0.0.1:6379/0
    """
    from toolkit.doccano.server import start_server

    with reported():
        status = start_server(port=port, data_dir=data, database=database, broker=broker, workers=workers)
    _show_status(status, as_json)


@server_app.command("stop")
def server_stop(data: Optional[Path] = DataOption) -> None:
    """Stop doccano: web and, on a team server, celery worker (only the processes the toolkit started).

    Example: toolkit server stop
    """
    from toolkit.doccano.server import stop_server

    with reported():
        stopped = stop_server(data)
    typer.echo("stopped" if stopped else "not running")


@server_app.command("status")
def server_status_cmd(data: Optional[Path] = DataOption,
                      as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Say whether the embedded doccano runs, its URL, and where its credentials file is.

    Example: toolkit server status --json

    Exit code 0 when it runs and answers, 1 when it does not.
    """
    from toolkit.doccano.server import server_status

    with reported():
        status = server_status(data)
    _show_status(status, as_json)
    raise typer.Exit(0 if status.running else 1)  # scripts can ask "is it up?"


@server_app.command("logs")
def server_logs(data: Optional[Path] = DataOption,
                lines: int = typer.Option(50, "--lines", "-n", help="How many lines.")) -> None:
    """Print the end of the embedded doccano's log.

    Example: toolkit server logs -n 100
    """
    from toolkit.doccano.server import server_log_tail

    with reported():
        typer.echo(server_log_tail(data, lines))


def _show_status(status, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        typer.echo(json.dumps(status.to_json(), indent=2))
        return
    state = "running" if status.running else "not running"
    typer.echo(f"doccano {state} at {status.url}" + (" (team server)" if status.mode == "team" else ""))
    if status.mode == "team":
        web = f"running (pid {status.pid})" if status.web_running else "not running"
        worker = f"running (pid {status.worker_pid})" if status.worker_running else "not running"
        health = {True: "healthy", False: "not healthy (see `toolkit server logs`)", None: "no answer"}[status.healthy]
        typer.echo(f"web: {web}, {status.web_workers} workers; celery worker: {worker}; {health}")
        typer.echo(f"database: {status.database}")
        typer.echo(f"broker: {status.broker}")
    typer.echo(f"data folder: {status.data_dir}")
    typer.echo(f"credentials: {status.credentials_file} (readable by you only)")
