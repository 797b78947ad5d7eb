"""`toolkit push`: put document versions into a doccano project, with pre-annotations.

Idempotent and resumable because it reconciles with what the *server* holds,
not with local records: it exports the project first, recognizes its examples
by the SHA-256 in their meta, imports only the versions that are missing (bulk,
in chunks), completes examples whose pre-annotations a cut-off import left
unfinished, and removes untouched duplicates. Local records are written once,
at the end, in one transaction.

In two steps: `plan_push` decides all of that from the export, without touching
anything (pure: tests run it against tests/fakes.py); `apply_push` carries the
plan out on the server. Import files go to a folder of the toolkit's own
(`scratch_folder()`) and are removed once sent.

Two pushes or pulls of one project into one store take turns (`project_lock`): on
PostgreSQL a session advisory lock, on a SQLite file a file lock, held for the whole
run, so two processes never both import what the server lacks.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.chunks import chunked
from toolkit.doccano import DEFAULT_PROJECT, Progress
from toolkit.doccano.client import remove_stale_import_files, scratch_folder, write_import_file
from toolkit.doccano.example_layout import CLAIM, SUGGESTED_CLAIM, expected_signature, exported_signature, import_record
from toolkit.doccano.gateway import DoccanoServer
from toolkit.doccano.identity import server_identity
from toolkit.doccano.load import Payload, load_payloads
from toolkit.faults import fault_point
from toolkit.guidelines import Guidelines, load_guidelines
from toolkit.models import DoccanoExample, DoccanoProject, DocumentVersion, GuidelinePush, PushRecord, utcnow
from toolkit.store import transaction
from toolkit.views import find_version

__all__ = ["DEFAULT_PROJECT", "PushPlan", "PushReport", "plan_push", "project_lock", "push_documents",
           "select_versions"]


@contextlib.contextmanager
def project_lock(engine: Engine, server_id: str, project: str) -> Iterator[None]:
    """Hold the store's lock for one doccano project (on one server) while pushing or pulling it.

    A push reads what the server holds, imports what is missing and records it: two at
    once would both import the same versions, and two pulls would both add the same
    claims. PostgreSQL: ``pg_advisory_lock`` on a connection of its own, released at the
    end (and by the server if the process dies). A SQLite file: a file lock in the
    toolkit's data folder, named after the store. An in-memory store needs none."""
    name = f"historians-toolkit doccano {server_id} {project}"
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(digest[:8], "big", signed=True)
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()
            try:
                yield
            finally:
                with contextlib.suppress(Exception):  # a lost connection released it already
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        yield
        return
    from toolkit.doccano.server import toolkit_data_root

    store = hashlib.sha256(str(Path(database).resolve()).encode("utf-8")).hexdigest()[:16]
    folder = toolkit_data_root() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(str(folder / f"{store}-{digest.hex()[:16]}.lock")):
        yield


@dataclass
class PushReport:
    url: str
    project: str
    project_id: int | None
    created: bool = False
    dry_run: bool = False
    versions: int = 0
    already_there: int = 0
    imported: int = 0
    spans: int = 0
    relations: int = 0
    completed: list[str] = field(default_factory=list)  # versions whose pre-annotations were finished
    duplicates_removed: int = 0
    duplicates_kept: list[str] = field(default_factory=list)  # annotated duplicates, left for a person
    guideline_version: str = ""
    guideline_updated: bool = False


def select_versions(session: Session, names: list[str] | None) -> list[DocumentVersion]:
    """The versions named (exact version ids in one query each 500, which a team push passes by
    the thousand; anything else by `find_version`), else every current version."""
    if names:
        exact: dict[str, DocumentVersion] = {}
        for part in chunked(names):
            exact.update((v.id, v) for v in session.exec(select(DocumentVersion).where(
                DocumentVersion.id.in_(part))))  # type: ignore[attr-defined]
        return [exact[n] if n in exact else find_version(session, n) for n in names]
    return list(session.exec(select(DocumentVersion).where(DocumentVersion.is_current)
                             .order_by(DocumentVersion.document_id)).all())


@dataclass
class StoreState:
    """What the store knows of a project from earlier pushes."""

    local: DoccanoProject | None = None
    last_guideline: GuidelinePush | None = None
    verified: set[int] = field(default_factory=set)  # examples whose pre-annotations were seen complete once
    recorded: set[str] = field(default_factory=set)  # versions with a push record


@dataclass
class Completion:
    """The pre-annotations an example lacks (a cut-off import): spans to create, then relations."""

    payload: Payload
    example_id: int
    have: dict[str, int]  # span key -> id of the span already there
    spans: list[tuple[str, int, int, str]]  # (key, start, end, label) to create, UTF-16 offsets
    relations: list[tuple[str, str, str]]  # (from key, to key, type) to create

    @property
    def missing(self) -> int:
        return len(self.spans) + len(self.relations)


@dataclass
class PushPlan:
    """What a push will do to a project that exists: decided from the export, before any change."""

    present: list[tuple[Payload, dict[str, Any]]] = field(default_factory=list)  # (payload, kept example)
    missing: list[Payload] = field(default_factory=list)  # to import
    duplicates: list[int] = field(default_factory=list)  # untouched duplicate examples, to delete
    duplicates_kept: list[str] = field(default_factory=list)  # annotated duplicates, left for a person
    completions: list[Completion] = field(default_factory=list)


def push_documents(
    engine: Engine,
    gateway: DoccanoServer,
    *,
    project: str = DEFAULT_PROJECT,
    documents: list[str] | None = None,
    suggest: bool = False,
    dry_run: bool = False,
    guidelines: Guidelines | None = None,
    chunk_size: int = 500,
    progress: Progress | None = None,
    scratch: Path | None = None,
    team: bool = False,
) -> PushReport:
    """Push the current version of every document (or of `documents`). See the module docstring.

    `scratch` is the folder for the import files (default: `scratch_folder()`); they are
    removed once sent, and those a killed push left behind are removed at the next.
    `team`: the project of one annotator (toolkit.team.assign): suggestions as SUGGESTED_CLAIM.
    """
    guidelines = guidelines or load_guidelines()
    args = (engine, gateway, project, documents, suggest, dry_run, guidelines, chunk_size, progress, scratch, team)
    if dry_run:
        return _push(*args)
    with project_lock(engine, gateway.server_id, project):
        return _push(*args)


def _push(engine: Engine, gateway: DoccanoServer, project: str, documents: list[str] | None, suggest: bool,
          dry_run: bool, guidelines: Guidelines, chunk_size: int, progress: Progress | None,
          scratch: Path | None, team: bool) -> PushReport:
    with Session(engine) as session:
        versions = select_versions(session, documents)
        state = _store_state(session, gateway, project)
    report = PushReport(gateway.url, project, None, dry_run=dry_run, versions=len(versions),
                        guideline_version=guidelines.version)

    remote = gateway.find_project(project)
    if remote is None:
        report.created = True
        if dry_run:
            with Session(engine) as session:
                payloads = load_payloads(session, versions, suggest, team)
            report.imported = len(payloads)
            report.spans = sum(len(p.spans) for p in payloads)
            report.relations = sum(len(p.relations) for p in payloads)
            report.guideline_updated = True
            return report
        project_id = gateway.create_project(project, guidelines.text)
        report.guideline_updated = True
    else:
        project_id = int(remote["id"])
        if (remote.get("guideline") or "").strip() != guidelines.text.strip() or state.last_guideline is None \
                or state.last_guideline.sha256 != guidelines.sha256:
            report.guideline_updated = True
            if not dry_run:
                gateway.set_guideline(project_id, guidelines.text)
    report.project_id = project_id
    labels = gateway.ensure_labels(project_id, team) if not dry_run else {}
    fault_point("push:before-import")  # test-only: a no-op unless $TOOLKIT_FAULT_POINT names it

    # What the server holds, by the SHA-256 in each example's meta.
    exported = gateway.export_examples(project_id) if remote is not None else []
    on_server = examples_by_sha(exported)
    settled = settled_versions(versions, on_server, state)
    with Session(engine) as session:
        payloads = load_payloads(session, [v for v in versions if v.id not in settled], suggest, team)
    plan = plan_push(payloads, on_server, state.verified)
    report.already_there = len(plan.present) + len(settled)
    report.duplicates_removed = len(plan.duplicates)
    report.duplicates_kept = plan.duplicates_kept
    report.completed = [f"{c.payload.version.document_id} v{c.payload.version.version}" for c in plan.completions]
    if dry_run:
        for chunk in chunked(plan.missing, chunk_size):
            report.spans += sum(len(p.spans) for p in chunk)
            report.relations += sum(len(p.relations) for p in chunk)
            report.imported += len(chunk)
        return report

    apply_push(gateway, project_id, labels, plan, report, chunk_size=chunk_size, progress=progress,
               scratch=scratch or scratch_folder())
    fault_point("push:before-record")  # test-only (toolkit.faults)
    _record_push(engine, gateway, project, project_id, guidelines, suggest, plan, report)
    return report


def _store_state(session: Session, gateway: DoccanoServer, project: str) -> StoreState:
    local = find_local_project(session, gateway.server_id, project)
    if local is None:
        return StoreState()
    return StoreState(
        local=local,
        last_guideline=session.exec(
            select(GuidelinePush).where(GuidelinePush.project_id == local.id)
            .order_by(GuidelinePush.pushed_at.desc(), GuidelinePush.id.desc())).first(),  # type: ignore[attr-defined, union-attr]
        verified={e.remote_id for e in session.exec(select(DoccanoExample).where(
            DoccanoExample.project_id == local.id, DoccanoExample.complete))},
        recorded=set(session.exec(select(PushRecord.version_id).where(PushRecord.project_id == local.id))),
    )


def find_local_project(session: Session, server_id: str, name: str) -> DoccanoProject | None:
    """The store's record of a project on the server `server_id`, however its URL was spelled
    when the record was made (an older store kept the URL as typed)."""
    rows = session.exec(select(DoccanoProject).where(DoccanoProject.name == name)).all()
    exact = [r for r in rows if r.url == server_id]
    if exact:
        return exact[0]
    spelled = [r for r in rows if server_identity(r.url) == server_id]
    return min(spelled, key=lambda r: r.id or 0) if spelled else None


def examples_by_sha(exported: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    on_server: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for example in exported:
        if example.get("sha256"):
            on_server[example["sha256"]].append(example)
    return on_server


def settled_versions(versions: list[DocumentVersion], on_server: dict[str, list[dict[str, Any]]],
                     state: StoreState) -> set[str]:
    """Versions seen complete on the server before, once: they need no more work."""
    return {v.id for v in versions if len(on_server.get(v.sha256, [])) == 1
            and int(on_server[v.sha256][0]["id"]) in state.verified and v.id in state.recorded}


def plan_push(payloads: list[Payload], on_server: dict[str, list[dict[str, Any]]],
              verified: set[int]) -> PushPlan:
    """Pure: which versions to import, which duplicates to remove, which examples to complete."""
    plan = PushPlan()
    for payload in payloads:
        found = on_server.get(payload.version.sha256, [])
        if not found:
            plan.missing.append(payload)
            continue
        expected = expected_signature(payload.layout, payload.spans, payload.relations)
        keep, extra = _dedupe(found, expected)
        untouched = [e for e in extra if exported_signature(e) == expected]
        plan.duplicates += [int(e["id"]) for e in untouched]
        plan.duplicates_kept += [f"{payload.version.document_id} (example {e['id']})"
                                 for e in extra if e not in untouched]
        plan.present.append((payload, keep))
    # Finish examples that a cut-off import left without all their pre-annotations. Only
    # those never seen complete: afterwards a missing span is an annotator's deletion.
    for payload, example in plan.present:
        if int(example["id"]) in verified:
            continue
        completion = plan_completion(payload, example)
        if completion.missing:
            plan.completions.append(completion)
    return plan


def plan_completion(payload: Payload, example: dict[str, Any]) -> Completion:
    """The pre-annotations of `payload` that the exported `example` lacks."""
    u = payload.layout.utf16
    by_place = {(e["start_offset"], e["end_offset"], e["label"]): int(e["id"]) for e in example.get("entities", [])}
    completion = Completion(payload, int(example["id"]), {}, [], [])
    for span in payload.spans:
        key = (u.to_utf16(span.start), u.to_utf16(span.end), span.label)
        if key in by_place:
            completion.have[span.key] = by_place[key]
        else:
            completion.spans.append((span.key, *key))
    made = {k for k, *_ in completion.spans}
    pairs = {(r["from_id"], r["to_id"], r["type"]) for r in example.get("relations", [])}
    for rel in payload.relations:
        if rel.from_key in made or rel.to_key in made:
            completion.relations.append((rel.from_key, rel.to_key, rel.type))
            continue
        a, b = completion.have.get(rel.from_key), completion.have.get(rel.to_key)
        if a is not None and b is not None and (a, b, rel.type) not in pairs:
            completion.relations.append((rel.from_key, rel.to_key, rel.type))
    return completion


def apply_push(gateway: DoccanoServer, project_id: int, labels: dict[str, dict[str, int]], plan: PushPlan,
               report: PushReport, *, chunk_size: int, progress: Progress | None, scratch: Path) -> None:
    """Carry out `plan` on the server: delete duplicates, complete examples, import the rest."""
    if plan.duplicates:
        gateway.delete_examples(project_id, plan.duplicates)
    for completion in plan.completions:
        ids = dict(completion.have)
        for key, start, end, label in completion.spans:
            ids[key] = gateway.create_span(project_id, completion.example_id, start, end, labels["span"][label])
        for from_key, to_key, kind in completion.relations:
            gateway.create_relation(project_id, completion.example_id, ids[from_key], ids[to_key],
                                    labels["relation"][kind])
    # Bulk-import the versions the server does not have, a chunk per request.
    remove_stale_import_files(scratch)
    done = 0
    for chunk in chunked(plan.missing, chunk_size):
        report.spans += sum(len(p.spans) for p in chunk)
        report.relations += sum(len(p.relations) for p in chunk)
        path = write_import_file([import_record(p.layout, p.spans, p.relations, p.meta) for p in chunk], scratch)
        try:
            gateway.import_jsonl(project_id, path)
        finally:
            path.unlink(missing_ok=True)
        done += len(chunk)
        fault_point("push:after-chunk")  # test-only (toolkit.faults)
        report.imported = done
        if progress:
            progress("import", done, len(plan.missing))


def _record_push(engine: Engine, gateway: DoccanoServer, project: str, project_id: int, guidelines: Guidelines,
                 suggest: bool, plan: PushPlan, report: PushReport) -> None:
    """The local records of a push, in one transaction."""
    with transaction(engine) as session:
        local = find_local_project(session, gateway.server_id, project)
        if local is None:
            local = DoccanoProject(url=gateway.server_id, name=project, remote_id=project_id)
            session.add(local)
            session.flush()
        elif local.remote_id != project_id or local.url != gateway.server_id:
            local.remote_id = project_id  # the project was deleted and made again
            local.url = gateway.server_id  # an older store kept the URL as typed
            session.add(local)
        if report.guideline_updated:
            session.add(GuidelinePush(project_id=local.id, version=guidelines.version,
                                      sha256=guidelines.sha256, pushed_at=utcnow()))
        recorded = {r.version_id: r for r in session.exec(
            select(PushRecord).where(PushRecord.project_id == local.id))}
        sent = [(p, suggest) for p in plan.missing]
        sent += [(p, any(s.label in (CLAIM, SUGGESTED_CLAIM) and (u16(p, s), s.label) in _entities(e) for s in p.spans))
                 for p, e in plan.present]
        for payload, with_suggestions in sent:
            record = recorded.get(payload.version.id)
            if record is None:
                session.add(PushRecord(project_id=local.id, version_id=payload.version.id,
                                       suggested=with_suggestions))
            elif with_suggestions and not record.suggested:
                record.suggested = True
                session.add(record)
        known = {e.remote_id: e for e in session.exec(
            select(DoccanoExample).where(DoccanoExample.project_id == local.id))}
        for payload, example in plan.present:
            row = known.get(int(example["id"]))
            if row is None:
                session.add(DoccanoExample(project_id=local.id, remote_id=int(example["id"]),
                                           version_id=payload.version.id, complete=True))
            elif not row.complete:
                row.complete = True
                session.add(row)


def u16(payload: Payload, span: Any) -> tuple[int, int]:
    u = payload.layout.utf16
    return (u.to_utf16(span.start), u.to_utf16(span.end))


def _entities(example: dict[str, Any]) -> set[tuple[tuple[int, int], str]]:
    return {((e["start_offset"], e["end_offset"]), e["label"]) for e in example.get("entities", [])}


def _dedupe(found: list[dict[str, Any]], expected: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Keep the example with annotator work (else the oldest); the rest are duplicates."""
    touched = [e for e in found if exported_signature(e) != expected]
    keep = min(touched or found, key=lambda e: int(e["id"]))
    return keep, [e for e in found if e is not keep]
