"""`make demo`: the main job end to end on the bundled samples.

Ingest the samples and say what their notes cite, per archive; install and
start the embedded doccano server, push the samples with suggested claims, pull
them back and say where to annotate; then a SIMULATED team of two demo annotators
(each in a project of their own, annotating through doccano's REST API as the web
UI would, with scripted choices) and the agreement between them; then export the
claims dataset and audit it (terminal and HTML), and say where the files are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from toolkit.ingest import FAILED, IngestReport, ingest_paths
from toolkit.views import archive_summary, document_view, find_version

SAMPLES = Path(__file__).resolve().parent / "samples"


def run_demo(engine: Engine, echo: Callable[[str], None], samples: Path = SAMPLES,
             doccano: bool = True, port: int | None = None, exports: Path = Path("exports")) -> IngestReport:
    """Run the pipeline on the samples, telling `echo` what happens. Returns the ingest report."""
    echo(f"1. Ingest the bundled samples ({samples})")
    report = ingest_paths(engine, [samples])
    for r in report.results:
        if r.status == FAILED:
            echo(f"   failed     {r.path}: {r.error}")
        else:
            flags = ", ".join(f"{n} {k}" for k, n in sorted(r.flags.items()))
            echo(f"   {r.status:<10} {r.document} v{r.version} ({r.kind})" + (f"; flagged: {flags}" if flags else ""))
    echo("")
    echo("2. What the notes cite, per archive (after following Ibid. and short forms)")
    with Session(engine) as session:
        names = [r.document for r in report.results if r.document]
        rows = archive_summary(session, names)
        echo(f"   {'archive':<7} {'series':<36} {'refs':>4} {'notes':>5}")
        for row in rows:
            echo(f"   {row['archive']:<7} {(row['series'] or '-'):<36} {row['references']:>4} {row['notes']:>5}")
        echo("")
        echo("3. Per document")
        for name in names:
            view = document_view(session, find_version(session, name))
            notes = [f for f in view["footnotes"] if f["text"] is not None]
            archival = sum(1 for f in notes if f["references"])
            chains = sum(1 for f in notes for c in f["citations"] if c["kind"] == "ibid")
            own = ", ".join(f"{r['archive']} {r['series']} {r['item']}" for r in view["references"])
            line = (f"   {name}: {view['kind']}, {len(notes)} note{'s' if len(notes) != 1 else ''}, "
                    f"{archival} reaching an archive")
            if chains:
                line += f", {chains} Ibid."
            if own:
                line += f"; the document itself is {own}"
            if not notes and not own:
                line += "; nothing cited"
            echo(line)
            for f in view["footnotes"]:
                if f["flags"]:
                    printed = f["marker"]["printed"] if f["marker"] else "-"
                    echo(f"      note {f['label']} (printed marker {printed}): {', '.join(f['flags'])}")
    names = [r.document for r in report.results if r.document]
    if doccano:
        _doccano_round_trip(engine, echo, names, port)
    _export_and_audit(engine, echo, names, exports)
    return report


def _export_and_audit(engine: Engine, echo: Callable[[str], None], names: list[str], exports: Path) -> None:
    from toolkit.audit import audit_store, render_html, render_text
    from toolkit.export import Filters, export_store
    from toolkit.files import write_atomically
    from toolkit.guidelines import load_guidelines

    echo("")
    echo("5. Export and audit (annotators' claims and, until they pull some, the suggested ones)")
    filters = Filters(names, None, include_suggested=True)
    with Session(engine) as session:
        result = export_store(session, exports / "claims.json", "json", filters, load_guidelines().version)
    echo(f"   {result.claims} claims from {result.documents} documents, validated: {result.path}")
    echo(f"   its JSON Schema: {result.schema_path}")
    with Session(engine) as session:
        report = audit_store(session, filters)
    for line in render_text(report, max_findings=8).splitlines():
        echo(f"   {line}" if line else "")
    html_path = exports / "audit.html"
    write_atomically(html_path, render_html(report, "Audit of the bundled samples"))
    echo(f"   the same audit as a page to open in a browser: {html_path}")


def _doccano_round_trip(engine: Engine, echo: Callable[[str], None], names: list[str], port: int | None) -> None:
    from toolkit.doccano import DEFAULT_PROJECT
    from toolkit.doccano.client import DoccanoGateway, resolve_connection
    from toolkit.doccano.pull import pull_annotations
    from toolkit.doccano.push import push_documents
    from toolkit.doccano.server import install_server, start_server

    echo("")
    echo("4. The embedded doccano server (the first run installs it: about a minute)")
    installed = install_server()
    if installed.installed:
        echo(f"   installed doccano in {installed.venv} ({installed.seconds:.0f} s)")
    status = start_server(port=port)
    echo(f"   running at {status.url} (127.0.0.1 only); data in {status.data_dir}")
    gateway = DoccanoGateway(resolve_connection())
    pushed = push_documents(engine, gateway, project=DEFAULT_PROJECT, documents=names, suggest=True)
    echo(f"   push: {pushed.imported} imported, {pushed.already_there} already there "
         f"({pushed.spans} pre-annotated spans, {pushed.relations} claim-to-marker links)")
    pulled = pull_annotations(engine, gateway, project=DEFAULT_PROJECT)
    echo(f"   pull: {pulled.examples} examples, {pulled.claims_added} new claims from annotators, "
         f"{pulled.claims_retracted} retracted" + (f"; {len(pulled.problems)} problems" if pulled.problems else ""))
    _simulated_team(engine, echo, gateway, status.url, names)
    echo("")
    echo(f"Annotate: open {status.url}/projects/{pushed.project_id} and log in as the admin whose password is in")
    echo(f"   {status.credentials_file} (readable by you only); add annotators with `toolkit annotators add NAME`.")
    echo("Then `toolkit pull` brings their claims back; `toolkit server stop` stops the server.")



DEMO_TEAM = ("demo-ada", "demo-ben")
DEMO_ADJUDICATOR = "demo-judy"
DEMO_TEAM_PROJECT = "historians-toolkit-demo-team"


def _simulated_team(engine: Engine, echo: Callable[[str], None], gateway, url: str,  # type: ignore[no-untyped-def]
                    names: list[str]) -> None:
    """Two demo annotators, both on every sample (overlap 2), annotating through the REST API with
    scripted choices: a simulation, said so. A rerun keeps what the first run annotated."""
    import secrets

    from toolkit.team.assign import annotator_project, pull_team, push_team
    from toolkit.team.report import agreement_report, render_text

    echo("")
    echo("4b. A team of two (SIMULATED: scripted annotators, not people)")
    existing = set(gateway.usernames().values())
    passwords = {}
    for name in DEMO_TEAM:
        if name not in existing:
            passwords[name] = secrets.token_urlsafe(16)  # used once, below, and never shown
            gateway.create_user(name, passwords[name])
    push_team(engine, gateway, annotators=list(DEMO_TEAM), overlap=2, project=DEMO_TEAM_PROJECT,
              documents=names, suggest=True)
    echo(f"   each sample to both demo annotators, each in a project of their own "
         f"({', '.join(annotator_project(DEMO_TEAM_PROJECT, n) for n in DEMO_TEAM)})")
    for name, password in passwords.items():
        _simulate(url, name, password, annotator_project(DEMO_TEAM_PROJECT, name), keep_every=1 if name == "demo-ada" else 2)
    if not passwords:
        echo("   (the demo annotators' work from an earlier run is kept)")
    else:
        echo("   demo-ada kept every suggested claim; demo-ben kept every other one and deleted the rest;")
        echo("   both marked their examples done")
    pull_team(engine, gateway, project=DEMO_TEAM_PROJECT)
    for line in render_text(agreement_report(engine, DEMO_TEAM_PROJECT)):
        echo(f"   {line}" if line else "")
    _simulated_review(engine, echo, gateway, url)


def _simulated_review(engine: Engine, echo: Callable[[str], None], gateway, url: str) -> None:  # type: ignore[no-untyped-def]
    """The review: agreed claims become gold at once, the rest go to a (simulated) adjudicator,
    who accepts the agreed claims as they stand and marks every example done."""
    import secrets

    from toolkit.team.review import review, review_project

    echo("")
    echo(f"4c. The review (SIMULATED adjudicator: {DEMO_ADJUDICATOR})")
    password = None
    if DEMO_ADJUDICATOR not in set(gateway.usernames().values()):
        password = secrets.token_urlsafe(16)  # used once, below, and never shown
        gateway.create_user(DEMO_ADJUDICATOR, password)
    first = review(engine, gateway, project=DEMO_TEAM_PROJECT, adjudicator=DEMO_ADJUDICATOR)
    echo(f"   {len(first.consensus)} documents gold by agreement; {len(first.sent)} sent to "
         f"{review_project(DEMO_TEAM_PROJECT)}, where {DEMO_ADJUDICATOR} sees every annotator's version")
    if password is not None and first.sent:
        _simulate(url, DEMO_ADJUDICATOR, password, review_project(DEMO_TEAM_PROJECT), keep_every=1)
        second = review(engine, gateway, project=DEMO_TEAM_PROJECT, adjudicator=DEMO_ADJUDICATOR)
        echo(f"   {DEMO_ADJUDICATOR} kept the agreed claims and marked the examples done: "
             f"{len(second.adjudicated)} documents pulled back as gold (origin: adjudicated)")



def _simulate(url: str, username: str, password: str, project: str, keep_every: int) -> None:
    """Annotate as a person would in the web UI: log in, relabel suggestions, delete some, mark done."""
    import requests

    api = url.rstrip("/") + "/v1"
    session = requests.Session()
    session.post(f"{api}/auth/login/", json={"username": username, "password": password},
                 timeout=30).raise_for_status()
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken", "")

    def call(method: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
        response = session.request(method, f"{api}/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    pid = next(p["id"] for p in call("GET", "projects?limit=100")["results"] if p["name"] == project)
    types = {t["text"]: t["id"] for t in call("GET", f"projects/{pid}/span-types")}
    k = 0
    for example in call("GET", f"projects/{pid}/examples?limit=1000")["results"]:
        for span in call("GET", f"projects/{pid}/examples/{example['id']}/spans"):
            if span["label"] != types.get("SUGGESTED_CLAIM"):
                continue
            path = f"projects/{pid}/examples/{example['id']}/spans/{span['id']}"
            if k % keep_every == 0:
                call("PATCH", path, json={"label": types["CLAIM"]})
            else:
                call("DELETE", path)
            k += 1
        if not example.get("is_confirmed"):
            call("POST", f"projects/{pid}/examples/{example['id']}/states", json={})
