"""Commands for teams of annotators: agreement between them, adjudication."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from toolkit.cli._app import DataOption, DbOption, ProjectOption, UrlOption, app, connect, open_store, reported


@app.command()
def agreement(
    project: str = ProjectOption,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    html_file: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML report "
                                                                  "(with a pairwise heatmap) to this file."),
    db: Optional[str] = DbOption,
) -> None:
    """Agreement between the annotators of a team project, from the last pull.

    Example: toolkit agreement --html exports/agreement.html

    Per label, per document and per pair of annotators: CLAIM span F1 exact and
    relaxed (character overlap IoU >= 0.5), relation F1 over (claim, note, type),
    sentence-level claim coding with Cohen's kappa per pair and Krippendorff's
    alpha over everyone, and how many suggested claims each annotator kept.
    """
    from toolkit.errors import NotFoundError
    from toolkit.files import write_atomically
    from toolkit.team.report import agreement_report, render_html, render_text

    with reported():
        report = agreement_report(open_store(db), project)
        if not report["annotators"]:
            raise NotFoundError(f"no assignments for project {project!r} in the store; push it to a team first "
                                "(`toolkit push --annotators alice,bob --overlap 2`), then `toolkit pull`")
        if html_file is not None:
            page = render_html(report)
            write_atomically(html_file, lambda out: out.write(page))
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for line in render_text(report):
            typer.echo(line)
    if html_file is not None:
        typer.echo(f"HTML report: {html_file}", err=as_json)


@app.command("review")
def review_cmd(
    adjudicator: str = typer.Option(..., "--adjudicator", help="The adjudicator's username (an existing account)."),
    project: str = ProjectOption,
    include_unfinished: bool = typer.Option(False, "--include-unfinished",
                                            help="Also documents not every annotator has marked done."),
    url: Optional[str] = UrlOption,
    data: Optional[Path] = DataOption,
    db: Optional[str] = DbOption,
) -> None:
    """Adjudicate a team project: agreed claims become gold, the rest go to an adjudicator.

    Example: toolkit review --adjudicator judy

    Run it after `toolkit pull`. Claims and links all of a document's annotators agree on
    become gold at once; a document with disagreements goes to the project
    <project>--review, where the adjudicator sees every version (CLAIM@<annotator>),
    relabels the ones to keep as CLAIM and marks the example done. Run it again to bring
    those decisions back as gold; `toolkit export` then uses the gold.
    """
    from toolkit.team.review import review

    with reported():
        report = review(open_store(db), connect(url, data), project=project, adjudicator=adjudicator,
                        require_done=not include_unfinished)
    typer.echo(f"gold by agreement: {len(report.consensus)} documents; from the adjudicator: "
               f"{len(report.adjudicated)}; sent for review now: {len(report.sent)}; "
               f"waiting for the adjudicator: {len(report.waiting)}; not yet done by every annotator: "
               f"{len(report.unfinished)}")
    if report.review_url:
        typer.echo(f"review at {report.review_url}")
    for problem in report.problems:
        typer.echo(f"problem: {problem}", err=True)
    raise typer.Exit(1 if report.problems else 0)
