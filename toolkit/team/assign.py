"""Assignment: which annotators annotate which documents, each on their own.

doccano 1.8.4 has no assignment API (every member of a project sees every example),
and with collaborative annotation off an annotator does not see the pre-annotations
the admin imported. So a team works like this:

* one doccano project per annotator, ``<project>--<annotator>`` (e.g.
  ``historians-toolkit--alice``), holding only the documents assigned to them, with
  that annotator its only annotator member and collaborative annotation on (so they
  see their own copy of the pre-annotations, and nobody else's work: nobody else
  annotates there);
* the store records each assignment (`Assignment(project, annotator, version_id)`);
  an assignment never moves: adding an annotator or documents later assigns only
  what is new;
* the accounts must exist (`toolkit annotators add NAME`): push never creates one.

`plan_assignment` is the pure part. Each document needs `overlap` annotators; the
documents are taken in a stable hash order (SHA-256 of the version id, so the order
of ingest does not decide who gets what) and each goes to the annotators who lack
it with the least load so far, ties broken by name. Over a fresh set of documents
that keeps every annotator's load within one of the others'. A new version of a
document (re-ingested after an edit) goes to the annotators of its earlier versions.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.doccano import DEFAULT_PROJECT, Progress
from toolkit.doccano.gateway import DoccanoServer
from toolkit.doccano.pull import PullReport
from toolkit.doccano.push import PushReport, push_documents, select_versions
from toolkit.errors import ConfigError
from toolkit.guidelines import Guidelines
from toolkit.models import Assignment, DocumentVersion
from toolkit.store import transaction

SEPARATOR = "--"


def annotator_project(project: str, annotator: str) -> str:
    """The doccano project where `annotator` works on the documents of `project` assigned to them."""
    return f"{project}{SEPARATOR}{annotator}"


def _order(version_id: str) -> str:
    return hashlib.sha256(version_id.encode()).hexdigest()


def plan_assignment(version_ids: list[str], annotators: list[str], overlap: int,
                    existing: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    """Pure: the new (annotator, version id) pairs so that every version has `overlap` annotators.

    `existing` pairs are kept as they are (and count towards the loads); annotators of
    `existing` not in `annotators` keep their documents but get no new ones.
    """
    names = sorted(set(annotators))
    if overlap < 1:
        raise ConfigError(f"--overlap must be at least 1 (it is {overlap})")
    if overlap > len(names):
        raise ConfigError(f"--overlap {overlap} needs at least {overlap} annotators; "
                          f"{len(names)} given ({', '.join(names) or 'none'})")
    holders: dict[str, set[str]] = defaultdict(set)
    load: Counter[str] = Counter({a: 0 for a in names})
    for annotator, version_id in existing:
        holders[version_id].add(annotator)
        if annotator in load:
            load[annotator] += 1
    new: list[tuple[str, str]] = []
    for version_id in sorted(set(version_ids), key=_order):
        need = overlap - len(holders[version_id])
        if need <= 0:
            continue
        free = sorted((a for a in names if a not in holders[version_id]), key=lambda a: (load[a], a))
        for annotator in free[:need]:
            holders[version_id].add(annotator)
            load[annotator] += 1
            new.append((annotator, version_id))
    return new


@dataclass
class TeamPushReport:
    project: str
    annotators: list[str]
    overlap: int
    new_assignments: list[tuple[str, str]] = field(default_factory=list)
    loads: dict[str, int] = field(default_factory=dict)
    pushes: dict[str, PushReport] = field(default_factory=dict)  # annotator -> their project's push


def assignments(engine: Engine, project: str) -> list[tuple[str, str]]:
    """(annotator, version id) of every assignment of `project`, in a stable order."""
    with Session(engine) as session:
        rows = session.exec(select(Assignment.annotator, Assignment.version_id)
                            .where(Assignment.project == project)).all()
    return sorted((a, v) for a, v in rows)


def push_team(
    engine: Engine,
    gateway: DoccanoServer,
    *,
    annotators: list[str],
    overlap: int,
    project: str = DEFAULT_PROJECT,
    documents: list[str] | None = None,
    suggest: bool = False,
    dry_run: bool = False,
    guidelines: Guidelines | None = None,
    progress: Progress | None = None,
    scratch: Path | None = None,
) -> TeamPushReport:
    """Assign what is new, then push each annotator's documents to their own project."""
    names = sorted({a.strip() for a in annotators if a.strip()})
    bad = [a for a in names if SEPARATOR in a or a == "review"]
    if bad:
        raise ConfigError(f"annotator names cannot contain {SEPARATOR!r} nor be 'review' (the review project "
                          f"is <project>--review): {', '.join(bad)}")
    accounts = {name: uid for uid, name in gateway.usernames().items()}
    missing = [a for a in names if a not in accounts]
    if missing:
        raise ConfigError(f"no account for {', '.join(missing)} at {gateway.url}; create "
                          f"{'it' if len(missing) == 1 else 'them'} first: "
                          + "; ".join(f"toolkit annotators add {a}" for a in missing))
    with Session(engine) as session:
        versions = select_versions(session, documents)
        before = assignments(engine, project)
        # A new version of a document goes to the annotators who had its earlier versions.
        held = {v for _, v in before}
        document_of = dict(session.exec(select(DocumentVersion.id, DocumentVersion.document_id).where(
            DocumentVersion.id.in_(sorted(held | {v.id for v in versions})))).all())  # type: ignore[attr-defined]
    earlier: dict[str, set[str]] = defaultdict(set)
    for annotator, version_id in before:
        earlier[document_of[version_id]].add(annotator)
    carried = [(a, v.id) for v in versions if v.id not in held
               for a in sorted(earlier.get(v.document_id, set()))[:overlap]]
    new = carried + plan_assignment([v.id for v in versions], names, overlap, before + carried)
    report = TeamPushReport(project, names, overlap, new)
    if not dry_run and new:
        with transaction(engine) as session:
            for annotator, version_id in new:
                session.add(Assignment(project=project, annotator=annotator, version_id=version_id))
    everything = before + new
    report.loads = dict(sorted(Counter(a for a, _ in everything).items()))
    wanted = {v.id for v in versions}
    for annotator in sorted({a for a, _ in everything}):
        theirs = sorted(v for a, v in everything if a == annotator and v in wanted)
        if not theirs:
            continue
        name = annotator_project(project, annotator)
        push = push_documents(engine, gateway, project=name, documents=theirs, suggest=suggest,
                              dry_run=dry_run, guidelines=guidelines, progress=progress, scratch=scratch,
                              team=True)
        report.pushes[annotator] = push
        if not dry_run and push.project_id is not None and annotator in accounts:
            gateway.add_member(push.project_id, accounts[annotator], "annotator")
    return report


@dataclass
class TeamPullReport:
    project: str
    pulls: dict[str, PullReport] = field(default_factory=dict)  # annotator -> their project's pull
    missing: list[str] = field(default_factory=list)  # annotator projects not on the server

    @property
    def problems(self) -> list[str]:
        return [f"{a}: {p}" for a, r in self.pulls.items() for p in r.problems]


def pull_team(engine: Engine, gateway: DoccanoServer, *, project: str = DEFAULT_PROJECT,
              annotations_dir: Path = Path("annotations"), progress: Progress | None = None) -> TeamPullReport:
    """Pull every annotator's project of the team `project`, each claim and link with its annotator."""
    from toolkit.doccano.pull import pull_annotations  # noqa: PLC0415

    report = TeamPullReport(project)
    for annotator in sorted({a for a, _ in assignments(engine, project)}):
        name = annotator_project(project, annotator)
        if gateway.find_project(name) is None:
            report.missing.append(name)
            continue
        report.pulls[annotator] = pull_annotations(engine, gateway, project=name, annotations_dir=annotations_dir,
                                                   progress=progress, annotator=annotator)
    return report
