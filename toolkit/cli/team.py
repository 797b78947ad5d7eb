"""Commands for teams of annotators: agreement between them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from toolkit.cli._app import DbOption, ProjectOption, app, open_store, reported


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
