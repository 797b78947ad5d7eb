"""`toolkit push`: put document versions into a doccano project, with pre-annotations.

Idempotent and resumable because it reconciles with what the *server* holds,
not with local records: it exports the project first, recognizes its examples
by the SHA-256 in their meta, imports only the versions that are missing (bulk,
in chunks), completes examples whose pre-annotations a cut-off import left
unfinished, and removes untouched duplicates. Local records are written once,
at the end, in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.doccano.client import DoccanoGateway, write_import_file
from toolkit.doccano.examples import expected_signature, exported_signature, import_record
from toolkit.doccano.payloads import Payload, load_payloads
from toolkit.guidelines import Guidelines, load_guidelines
from toolkit.models import DoccanoExample, DoccanoProject, DocumentVersion, GuidelinePush, PushRecord, utcnow
from toolkit.store import transaction
from toolkit.views import find_version

DEFAULT_PROJECT = "historians-toolkit"
Progress = Callable[[str, int, int], None]  # (stage, done, total)


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
    if names:
        return [find_version(session, n) for n in names]
    return list(session.exec(select(DocumentVersion).where(DocumentVersion.is_current)
                             .order_by(DocumentVersion.document_id)).all())


def push_documents(
    engine: Engine,
    gateway: DoccanoGateway,
    *,
    project: str = DEFAULT_PROJECT,
    documents: list[str] | None = None,
    suggest: bool = False,
    dry_run: bool = False,
    guidelines: Guidelines | None = None,
    chunk_size: int = 500,
    progress: Progress | None = None,
) -> PushReport:
    """Push the current version of every document (or of `documents`). See the module docstring."""
    guidelines = guidelines or load_guidelines()
    with Session(engine) as session:
        versions = select_versions(session, documents)
        last_guideline: GuidelinePush | None = None
        verified: set[int] = set()  # examples whose pre-annotations were seen complete once
        recorded: set[str] = set()  # versions with a push record
        local = session.exec(select(DoccanoProject).where(
            DoccanoProject.url == gateway.url, DoccanoProject.name == project)).first()
        if local is not None:
            last_guideline = session.exec(
                select(GuidelinePush).where(GuidelinePush.project_id == local.id)
                .order_by(GuidelinePush.pushed_at.desc(), GuidelinePush.id.desc())).first()  # type: ignore[attr-defined, union-attr]
            verified = {e.remote_id for e in session.exec(select(DoccanoExample).where(
                DoccanoExample.project_id == local.id, DoccanoExample.complete))}
            recorded = set(session.exec(select(PushRecord.version_id).where(PushRecord.project_id == local.id)))
    report = PushReport(gateway.url, project, None, dry_run=dry_run, versions=len(versions),
                        guideline_version=guidelines.version)

    remote = gateway.find_project(project)
    if remote is None:
        report.created = True
        if dry_run:
            with Session(engine) as session:
                payloads = load_payloads(session, versions, suggest)
            report.imported = len(payloads)
            report.spans = sum(len(p.spans) for p in payloads)
            report.relations = sum(len(p.relations) for p in payloads)
            report.guideline_updated = True
            return report
        project_id = gateway.create_project(project, guidelines.text)
        report.guideline_updated = True
    else:
        project_id = int(remote["id"])
        if (remote.get("guideline") or "").strip() != guidelines.text.strip() or last_guideline is None \
                or last_guideline.sha256 != guidelines.sha256:
            report.guideline_updated = True
            if not dry_run:
                gateway.set_guideline(project_id, guidelines.text)
    report.project_id = project_id
    labels = gateway.ensure_labels(project_id) if not dry_run else {}

    # What the server holds, by the SHA-256 in each example's meta.
    on_server: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for example in gateway.export_examples(project_id) if remote is not None else []:
        if example.get("sha256"):
            on_server[example["sha256"]].append(example)

    # A version seen complete on the server before, once, needs no more work.
    settled = {v.id for v in versions if len(on_server.get(v.sha256, [])) == 1
               and int(on_server[v.sha256][0]["id"]) in verified and v.id in recorded}
    with Session(engine) as session:
        payloads = load_payloads(session, [v for v in versions if v.id not in settled], suggest)
    present: list[tuple[Payload, dict[str, Any]]] = []
    missing: list[Payload] = []
    for payload in payloads:
        found = on_server.get(payload.version.sha256, [])
        if not found:
            missing.append(payload)
            continue
        expected = expected_signature(payload.layout, payload.spans, payload.relations)
        keep, extra = _dedupe(found, expected)
        if extra:
            untouched = [e for e in extra if exported_signature(e) == expected]
            report.duplicates_removed += len(untouched)
            report.duplicates_kept += [f"{payload.version.document_id} (example {e['id']})"
                                       for e in extra if e not in untouched]
            if untouched and not dry_run:
                gateway.delete_examples(project_id, [int(e["id"]) for e in untouched])
        present.append((payload, keep))
    report.already_there = len(present) + len(settled)

    # Finish examples that a cut-off import left without all their pre-annotations. Only
    # those never seen complete: afterwards a missing span is an annotator's deletion.
    for payload, example in present:
        if int(example["id"]) in verified:
            continue
        if _complete(gateway, project_id, labels, payload, example, dry_run):
            report.completed.append(f"{payload.version.document_id} v{payload.version.version}")

    # Bulk-import the versions the server does not have, a chunk per request.
    done = 0
    for start in range(0, len(missing), max(1, chunk_size)):
        chunk = missing[start : start + chunk_size]
        report.spans += sum(len(p.spans) for p in chunk)
        report.relations += sum(len(p.relations) for p in chunk)
        if not dry_run:
            path = write_import_file([import_record(p.layout, p.spans, p.relations, p.meta) for p in chunk])
            try:
                gateway.import_jsonl(project_id, path)
            finally:
                path.unlink(missing_ok=True)
        done += len(chunk)
        report.imported = done
        if progress:
            progress("import", done, len(missing))
    if dry_run:
        return report

    with transaction(engine) as session:
        local = session.exec(select(DoccanoProject).where(
            DoccanoProject.url == gateway.url, DoccanoProject.name == project)).first()
        if local is None:
            local = DoccanoProject(url=gateway.url, name=project, remote_id=project_id)
            session.add(local)
            session.flush()
        elif local.remote_id != project_id:  # the project was deleted and made again
            local.remote_id = project_id
            session.add(local)
        if report.guideline_updated:
            session.add(GuidelinePush(project_id=local.id, version=guidelines.version,
                                      sha256=guidelines.sha256, pushed_at=utcnow()))
        recorded = {r.version_id: r for r in session.exec(
            select(PushRecord).where(PushRecord.project_id == local.id))}
        sent = [(p, suggest) for p in missing]
        sent += [(p, any(s.label == "CLAIM" and (u16(p, s), s.label) in _entities(e) for s in p.spans))
                 for p, e in present]
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
        for payload, example in present:
            row = known.get(int(example["id"]))
            if row is None:
                session.add(DoccanoExample(project_id=local.id, remote_id=int(example["id"]),
                                           version_id=payload.version.id, complete=True))
            elif not row.complete:
                row.complete = True
                session.add(row)
    return report


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


def _complete(gateway: DoccanoGateway, project_id: int, labels: dict[str, dict[str, int]],
              payload: Payload, example: dict[str, Any], dry_run: bool) -> int:
    """Create the pre-annotations missing from an example; returns how many were missing."""
    u = payload.layout.utf16
    have = {(e["start_offset"], e["end_offset"], e["label"]): int(e["id"]) for e in example.get("entities", [])}
    span_ids: dict[str, int] = {}
    missing = 0
    for span in payload.spans:
        key = (u.to_utf16(span.start), u.to_utf16(span.end), span.label)
        if key in have:
            span_ids[span.key] = have[key]
            continue
        missing += 1
        if not dry_run:
            span_ids[span.key] = gateway.create_span(project_id, int(example["id"]), key[0], key[1],
                                                     labels["span"][span.label])
    pairs = {(r["from_id"], r["to_id"], r["type"]) for r in example.get("relations", [])}
    for rel in payload.relations:
        a, b = span_ids.get(rel.from_key), span_ids.get(rel.to_key)
        if a is None or b is None or (a, b, rel.type) in pairs:
            continue
        missing += 1
        if not dry_run:
            gateway.create_relation(project_id, int(example["id"]), a, b, labels["relation"][rel.type])
    return missing
