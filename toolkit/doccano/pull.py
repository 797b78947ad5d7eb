"""`toolkit pull`: bring the annotators' spans and links back, with who made them and when.

One bulk export gives every example with every span and relation (but not who
made them or when). An example whose annotations are unchanged since the last
pull, or that still holds exactly its pre-annotations, needs nothing more; for
the others, the spans and relations are fetched one example at a time, with
their users and times. Every span is checked (inside the text, start before end,
not splitting a character, in one region); a span that fails is reported and not
stored. Everything is written in one transaction at the end, and the raw records
of what changed go to a JSONL file under ``annotations/pulls/``.

A team project (one annotator's, `toolkit.team.assign`) is pulled with `annotator`
set: every claim in it is that annotator's; a SUGGESTED_CLAIM relabelled CLAIM, or
left in place in an example they marked done (doccano's `is_confirmed`), is their
claim with `accepted_suggestion`; a suggestion left in an example not yet done is
pending and not stored; each link records the annotator and when it was made.

`plan_example` is the pure step (one `PulledExample` in, additions to a `PullPlan`
out); `_write_plan` applies the plan to the store.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.chunks import chunked
from toolkit.doccano import DEFAULT_PROJECT, Progress
from toolkit.doccano.example_layout import (
    CLAIM,
    EVIDENCE,
    STANCE,
    SUGGESTED_CLAIM,
    expected_signature,
    exported_signature,
    span_signature,
)
from toolkit.doccano.gateway import DoccanoServer
from toolkit.doccano.load import Payload, load_payloads
from toolkit.doccano.push import find_local_project, project_lock
from toolkit.errors import ProjectNotFoundError
from toolkit.faults import fault_point
from toolkit.models import (
    Claim,
    DoccanoExample,
    DoccanoProject,
    DocumentVersion,
    EvidenceLink,
    GuidelinePush,
    PushRecord,
    utcnow,
)
from toolkit.parsing.offsets import OffsetMap
from toolkit.files import write_atomically
from toolkit.store import transaction
from toolkit.terms import ClaimStatus, LinkKind, Origin, Stance


@dataclass
class PullReport:
    url: str
    project: str
    examples: int = 0
    unchanged: int = 0
    untouched: int = 0  # still exactly their pre-annotations
    fetched: int = 0
    foreign: int = 0  # examples not from this store
    claims_added: int = 0
    claims_updated: int = 0
    claims_retracted: int = 0
    links: int = 0
    annotators: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    raw_file: str | None = None


@dataclass
class _Span:
    id: int
    label: str
    start: int  # code points in the example text
    end: int
    user: str | None
    created_at: datetime | None
    updated_at: datetime | None
    region: tuple[str, int | None]


def pull_annotations(
    engine: Engine,
    gateway: DoccanoServer,
    *,
    project: str = DEFAULT_PROJECT,
    annotations_dir: Path = Path("annotations"),
    progress: Progress | None = None,
    annotator: str | None = None,
) -> PullReport:
    """Pull every annotator's spans and relations of `project`. See the module docstring.

    Two pulls (or a push and a pull) of one project into one store take turns.
    `annotator`: `project` is that annotator's team project; done states are pulled too."""
    with project_lock(engine, gateway.server_id, project):
        return _pull(engine, gateway, project, annotations_dir, progress, annotator)


def _pull(engine: Engine, gateway: DoccanoServer, project: str, annotations_dir: Path,
          progress: Progress | None, annotator: str | None) -> PullReport:
    report = PullReport(gateway.url, project)
    remote = gateway.find_project(project)
    if remote is None:
        raise ProjectNotFoundError(f"there is no project {project!r} at {gateway.url}; "
                            f"push documents to it first (`toolkit push --project {project}`)")
    project_id = int(remote["id"])
    names = gateway.label_names(project_id)
    users = gateway.usernames()
    exported = gateway.export_examples(project_id)
    fault_point("pull:after-export")  # test-only: a no-op unless $TOOLKIT_FAULT_POINT names it
    report.examples = len(exported)
    team = annotator is not None
    confirmed = gateway.confirmed_examples(project_id) if team else set()

    with Session(engine) as session:
        local = find_local_project(session, gateway.server_id, project)
        shas = sorted({e["sha256"] for e in exported if isinstance(e.get("sha256"), str)})
        known_shas: set[str] = set()
        for chunk in chunked(shas):
            known_shas |= set(session.exec(select(DocumentVersion.sha256).where(
                DocumentVersion.sha256.in_(chunk))))  # type: ignore[attr-defined]
        rows: dict[int, DoccanoExample] = {}
        if local is not None:
            rows = {r.remote_id: r for r in session.exec(
                select(DoccanoExample).where(DoccanoExample.project_id == local.id))}

        # Examples unchanged since the last pull need nothing more, not even their version.
        pending = []
        for example in exported:
            if example.get("sha256") not in known_shas:
                report.foreign += 1
                continue
            row = rows.get(int(example["id"]))
            exact = _exact_signature(example)
            if int(example["id"]) in confirmed:  # marking done changes what the pull stores
                exact = exact[:31] + "d"
            if row is not None and row.signature == exact:
                report.unchanged += 1
            else:
                pending.append((example, exact, row))

        wanted = sorted({e["sha256"] for e, _, _ in pending})
        versions = []
        for chunk in chunked(wanted):
            versions += session.exec(select(DocumentVersion).where(
                DocumentVersion.sha256.in_(chunk))).all()  # type: ignore[attr-defined]
        payloads = {p.version.sha256: p for p in load_payloads(session, versions, suggest=True, team=team)}
        pulled: dict[int, list[Claim]] = defaultdict(list)
        guideline_pushes: list[GuidelinePush] = []
        with_suggestions: set[str] = set()  # versions pushed with their suggested claims
        if local is not None:
            with_suggestions = set(session.exec(select(PushRecord.version_id).where(
                PushRecord.project_id == local.id, PushRecord.suggested)))
            example_ids = [int(e["id"]) for e, _, _ in pending]
            for chunk in chunked(example_ids):
                for c in session.exec(select(Claim).where(
                        Claim.doccano_project_id == local.id, Claim.origin == Origin.ANNOTATOR,
                        Claim.doccano_example_id.in_(chunk))):  # type: ignore[union-attr]
                    pulled[c.doccano_example_id or 0].append(c)
            guideline_pushes = list(session.exec(select(GuidelinePush).where(
                GuidelinePush.project_id == local.id).order_by(GuidelinePush.pushed_at)))

    plan = PullPlan()
    context = PullContext(gateway.server_id, project_id, guideline_pushes, annotator)
    raw: list[dict[str, Any]] = []
    for k, (example, exact, row) in enumerate(pending):
        if progress:
            progress("pull", k + 1, len(pending))
        example_id = int(example["id"])
        payload = payloads[example["sha256"]]
        where = f"example {example_id} ({payload.version.document_id} v{payload.version.version})"
        if example.get("text") != payload.layout.text:
            report.problems.append(f"{where}: its text on the server differs from the stored version; "
                                   "skipped (was it edited in doccano?)")
            continue
        spans_raw: list[dict[str, Any]]
        relations_raw: list[dict[str, Any]]
        if (row is None or row.signature is None) and exported_signature(example) in _expected(payload) \
                and example_id not in confirmed:  # a done example: its kept suggestions need their times
            report.untouched += 1
            spans_raw = [{"id": e["id"], "label": e["label"], "start_offset": e["start_offset"],
                          "end_offset": e["end_offset"], "user": None} for e in example.get("entities", [])]
            relations_raw = [{"id": r["id"], "from_id": r["from_id"], "to_id": r["to_id"], "type": r["type"],
                              "user": None} for r in example.get("relations", [])]
            fetched = False
        else:
            report.fetched += 1
            spans_raw = gateway.list_spans(project_id, example_id)
            relations_raw = gateway.list_relations(project_id, example_id)
            fault_point("pull:after-fetch")  # test-only (toolkit.faults)
            for s in spans_raw:
                s["label"] = names["span"].get(s["label"], str(s["label"]))
                s["user"] = users.get(s["user"], f"user {s['user']}")
            for r in relations_raw:
                r["type"] = names["relation"].get(r["type"], str(r["type"]))
                r["user"] = users.get(r["user"], f"user {r['user']}")
            fetched = True
        raw.append({"example": example_id, "document": payload.version.document_id,
                    "version": payload.version.version, "sha256": payload.version.sha256,
                    "fetched": fetched, "spans": spans_raw, "relations": relations_raw})
        plan_example(plan, report, context, PulledExample(
            example_id, where, payload, spans_raw, relations_raw, pulled.get(example_id, []),
            suggestions_sent=payload.version.id in with_suggestions, done=example_id in confirmed))
        plan.examples.append((example_id, payload.version.id, exact, row))
        if example_id in confirmed:
            plan.done.add(example_id)

    if not plan.examples and local is not None:
        return report
    # The raw records first: a store never holds a pull whose records were not kept.
    if raw:
        report.raw_file = str(_write_raw(annotations_dir, project, raw))
    now = utcnow()
    with transaction(engine) as session:
        if local is None:
            local = DoccanoProject(url=gateway.server_id, name=project, remote_id=project_id)
            session.add(local)
            session.flush()
        elif local.url != gateway.server_id:  # an older store kept the URL as typed
            session.execute(update(DoccanoProject).where(DoccanoProject.id == local.id)
                            .values(url=gateway.server_id))
        _write_plan(session, plan, local.id, now, report)  # type: ignore[arg-type]
        fault_point("pull:before-commit")  # test-only (toolkit.faults)
    report.annotators = sorted(plan.annotators)
    return report


def pulled_claim_id(server: str, project_id: int, span_id: int) -> str:
    """Stable id of a claim made in doccano: the same span of the same project on the same server.

    `server` is the server's identity (`server_identity`), never its URL as typed."""
    return "d-" + hashlib.sha256(f"{server}\n{project_id}\n{span_id}".encode()).hexdigest()[:20]


def _expected(payload: Payload) -> set[str]:
    """Signatures of the example as pushed, with and without the suggested claims."""
    plain = [s for s in payload.spans if s.label not in (CLAIM, SUGGESTED_CLAIM)]
    return {expected_signature(payload.layout, payload.spans, payload.relations),
            expected_signature(payload.layout, plain, [])}


def _exact_signature(example: dict[str, Any]) -> str:
    """Signature of the text and of every span and relation, ids included: any edit,
    deletion or re-creation changes it."""
    spans = [(e["id"], e["start_offset"], e["end_offset"], e["label"]) for e in example.get("entities", [])]
    relations = [(r["id"], r["from_id"], r["to_id"], r["type"]) for r in example.get("relations", [])]
    text = hashlib.sha256(str(example.get("text", "")).encode()).hexdigest()
    return text[:16] + span_signature([tuple(s) for s in spans], [tuple(r) for r in relations])[:16]  # type: ignore[misc]


@dataclass
class PullContext:
    """What every example of one pull shares."""

    server_id: str  # the server's identity: claim ids depend on it
    project_id: int
    guideline_pushes: list[GuidelinePush] = field(default_factory=list)  # oldest first
    annotator: str | None = None  # a team project: the one annotator whose work it is


@dataclass
class PulledExample:
    """One example's annotations as the server gave them, with what the store knows of it."""

    example_id: int
    where: str  # how problems name it: "example 12 (doc v1)"
    payload: Payload
    spans: list[dict[str, Any]]  # label and user by name; offsets in UTF-16 units
    relations: list[dict[str, Any]]  # type and user by name
    before: list[Claim] = field(default_factory=list)  # its claims pulled earlier
    suggestions_sent: bool = False  # pushed with its suggested claims
    done: bool = False  # marked done (is_confirmed)


@dataclass
class PullPlan:
    """Everything the pull will write, gathered before one transaction."""

    upsert_claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    suggested_updates: list[dict[str, Any]] = field(default_factory=list)
    retract: set[str] = field(default_factory=set)
    links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # claim id -> its links now
    examples: list[tuple[int, str, str, DoccanoExample | None]] = field(default_factory=list)
    annotators: set[str] = field(default_factory=set)
    done: set[int] = field(default_factory=set)  # examples marked done


def plan_example(plan: PullPlan, report: PullReport, context: PullContext, pulled: PulledExample) -> None:
    """Pure: check every span of one example and add what to store to `plan`; problems go to `report`."""
    where, example_id, payload, before = pulled.where, pulled.example_id, pulled.payload, pulled.before
    spans_raw, relations_raw, suggestions_sent = pulled.spans, pulled.relations, pulled.suggestions_sent
    server, project_id, guideline_pushes = context.server_id, context.project_id, context.guideline_pushes
    layout, version = payload.layout, payload.version
    u = layout.utf16
    spans: dict[int, _Span] = {}
    for s in spans_raw:
        a, b, label = s["start_offset"], s["end_offset"], s["label"]
        what = f"{where}: {label} span {s['id']} at {a}-{b}"
        if not isinstance(a, int) or not isinstance(b, int) or not 0 <= a < b <= u.length16:
            report.problems.append(f"{what} lies outside the text or does not start before it ends; not stored")
            continue
        try:
            start, end = u.from_utf16(a), u.from_utf16(b)
        except ValueError:
            report.problems.append(f"{what} splits a character in two (UTF-16 offsets?); not stored")
            continue
        region = layout.locate(start, end)
        if region is None:
            report.problems.append(f"{what} runs across the end of the body or of a note; not stored")
            continue
        spans[int(s["id"])] = _Span(int(s["id"]), label, start, end, s.get("user"),
                                    _time(s.get("created_at")), _time(s.get("updated_at")), region)

    # Who imported the pre-annotations: the author of the oldest span that matches one
    # (an import creates them all before any annotator can add to the example).
    pre = {(p.start, p.end, p.label) for p in payload.spans}
    matching = sorted((sp.id, sp.user) for sp in spans.values() if (sp.start, sp.end, sp.label) in pre)
    importer = matching[0][1] if matching else None
    suggestion_at = {(c.start, c.end): c for c in payload.suggested.values()}

    def footnote_of(sp: _Span) -> int | None:
        kind, seq = sp.region
        if kind == "note":
            return seq
        inside = layout.footnotes_in(sp.start, sp.end)
        return inside[0] if inside else None

    team = context.annotator is not None
    pending: set[int] = set()  # team: suggestions in an example not done, neither kept nor refused yet
    claims: dict[int, str] = {}  # span id -> claim id
    existing = {c.id: c for c in before}
    offsets = OffsetMap.from_json(version.offsets)
    for sp in spans.values():
        if team and sp.label == SUGGESTED_CLAIM and not pulled.done:
            pending.add(sp.id)
            continue
        if sp.label != CLAIM and not (team and sp.label == SUGGESTED_CLAIM):
            continue
        if sp.region[0] != "body":
            report.problems.append(f"{where}: CLAIM span {sp.id} lies in the Notes section; claims are "
                                   "made in the text, not in the notes: not stored")
            continue
        suggestion = suggestion_at.get((sp.start, sp.end))
        if not team and suggestion is not None and (sp.user is None or sp.user == importer):
            claims[sp.id] = suggestion.id
            if suggestion.doccano_span_id != sp.id or suggestion.status != ClaimStatus.ACTIVE:
                plan.suggested_updates.append({"id": suggestion.id, "doccano_project_id": None,
                                               "doccano_example_id": example_id, "doccano_span_id": sp.id,
                                               "status": ClaimStatus.ACTIVE})
            continue
        claim_id = pulled_claim_id(server, project_id, sp.id)
        claims[sp.id] = claim_id
        user = context.annotator if team else sp.user
        accepted = team and suggestion is not None
        if user:
            plan.annotators.add(user)
        old = existing.get(claim_id)
        if old is not None and (old.start, old.end, old.status, old.annotator, old.accepted_suggestion) == \
                (sp.start, sp.end, ClaimStatus.ACTIVE, user, accepted) \
                and _naive(old.updated_at) == _naive(sp.updated_at or old.updated_at):
            continue  # unchanged since the last pull
        source_start, source_end = offsets.source_span(sp.start, sp.end)
        created = sp.created_at or utcnow()
        plan.upsert_claims[claim_id] = {
            "id": claim_id, "version_id": version.id, "start": sp.start, "end": sp.end,
            "source_start": source_start, "source_end": source_end, "text": version.text[sp.start:sp.end],
            "origin": Origin.ANNOTATOR, "rule": None, "annotator": user, "status": ClaimStatus.ACTIVE,
            "accepted_suggestion": accepted,
            "guidelines_version": _guideline_at(guideline_pushes, created),
            "created_at": created, "updated_at": sp.updated_at or created,
            "doccano_example_id": example_id, "doccano_span_id": sp.id,
        }

    # Relations: from a claim to its evidence (either direction is accepted).
    links: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    pre_links: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)  # a suggestion's own links
    for r in relations_raw:
        a, b = spans.get(int(r["from_id"])), spans.get(int(r["to_id"]))
        if a is None or b is None or a.id in pending or b.id in pending:
            continue  # a span already reported, or a suggestion not decided yet
        claim_span, evidence = (a, b) if a.id in claims else (b, a)
        if claim_span.id not in claims or evidence.label != EVIDENCE:
            report.problems.append(f"{where}: relation {r['id']} ({r['type']}) does not join a CLAIM to "
                                   "an EVIDENCE span; not stored")
            continue
        seq = footnote_of(evidence)
        if seq is None:
            report.problems.append(f"{where}: relation {r['id']} points at EVIDENCE span {evidence.id}, "
                                   "which covers no footnote marker or note; not stored")
            continue
        claim_id = claims[claim_span.id]
        premade = r.get("user") is None or r.get("user") == importer
        suggestion_link = claim_id in payload.suggested and premade
        (pre_links if suggestion_link else links)[claim_id][seq] = {
            "claim_id": claim_id, "footnote_id": payload.footnote_ids[seq],
            "stance": STANCE.get(r["type"], Stance.SUPPORTS),
            "link": LinkKind.IMPLICIT if suggestion_link or (team and premade) else LinkKind.EXPLICIT,
            "doccano_relation_id": int(r["id"]),
            # A pre-made link kept in a team project is the annotator's: they kept it.
            "annotator": None if suggestion_link else (context.annotator if team else r.get("user")),
            "created_at": _time(r.get("created_at"))}
    for span_id, claim_id in claims.items():
        if claim_id in payload.suggested:
            # A suggestion keeps the links made at ingest unless annotators linked it themselves.
            if links.get(claim_id):
                plan.links[claim_id] = list({**pre_links[claim_id], **links[claim_id]}.values())
            continue
        sp = spans[span_id]
        if not links.get(claim_id):  # no relation: the markers inside the claim, marked implicit
            for seq in layout.footnotes_in(sp.start, sp.end):
                if seq in payload.footnote_ids and seq in layout.markers:
                    links[claim_id][seq] = {"claim_id": claim_id, "footnote_id": payload.footnote_ids[seq],
                                            "stance": Stance.SUPPORTS, "link": LinkKind.IMPLICIT,
                                            "doccano_relation_id": None,
                                            "annotator": context.annotator if team else sp.user,
                                            "created_at": sp.created_at}
        plan.links[claim_id] = list(links.get(claim_id, {}).values())

    # What was there before and is gone now is retracted, never silently kept.
    present = set(claims.values())
    for claim in before:
        if claim.id not in present and claim.status != ClaimStatus.RETRACTED:
            plan.retract.add(claim.id)
    for claim in [] if team else payload.suggested.values():  # a team project never touches suggestions
        was_sent = claim.doccano_span_id is not None or suggestions_sent
        if was_sent and claim.id not in present and claim.status == ClaimStatus.ACTIVE:
            plan.retract.add(claim.id)


def _write_plan(session: Session, plan: PullPlan, local_id: int, now: datetime, report: PullReport) -> None:
    existing = set()
    ids = list(plan.upsert_claims)
    for chunk in chunked(ids):
        existing |= set(session.exec(select(Claim.id).where(Claim.id.in_(chunk))))  # type: ignore[attr-defined]
    new = [dict(c, doccano_project_id=local_id) for cid, c in plan.upsert_claims.items() if cid not in existing]
    changed = [dict(c, doccano_project_id=local_id) for cid, c in plan.upsert_claims.items() if cid in existing]
    if new:
        session.execute(insert(Claim), new)
    if changed:
        session.execute(update(Claim), changed)
    report.claims_added += len(new)
    report.claims_updated += len(changed)
    if plan.suggested_updates:
        session.execute(update(Claim), [dict(u, doccano_project_id=local_id) for u in plan.suggested_updates])
    if plan.retract:
        session.execute(update(Claim), [{"id": cid, "status": ClaimStatus.RETRACTED, "updated_at": now}
                                        for cid in sorted(plan.retract)])
        report.claims_retracted += len(plan.retract)
    for claim_id, rows in plan.links.items():
        session.execute(delete(EvidenceLink).where(EvidenceLink.claim_id == claim_id))
        if rows:
            session.execute(insert(EvidenceLink), rows)
        report.links += len(rows)
    known = {r.remote_id: r for r in session.exec(select(DoccanoExample).where(DoccanoExample.project_id == local_id))}
    fresh, stale = [], []
    for example_id, version_id, signature, _ in plan.examples:
        row = known.get(example_id)
        if row is None:
            fresh.append({"project_id": local_id, "remote_id": example_id, "version_id": version_id,
                          "complete": True, "signature": signature, "pushed_at": now, "pulled_at": now,
                          "done": example_id in plan.done})
        else:
            stale.append({"id": row.id, "signature": signature, "pulled_at": now, "complete": True,
                          "done": example_id in plan.done})
    if fresh:
        session.execute(insert(DoccanoExample), fresh)
    if stale:
        session.execute(update(DoccanoExample), stale)


def _guideline_at(pushes: list[GuidelinePush], when: datetime) -> str | None:
    """The guidelines version in force at `when`: the last one pushed before it."""
    if not pushes:
        return None
    moment = _naive(when)
    version = pushes[0].version
    for push in pushes:
        if _naive(push.pushed_at) <= moment:
            version = push.version
    return version


def _naive(when: datetime) -> datetime:
    return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _write_raw(folder: Path, project: str, records: list[dict[str, Any]]) -> Path:
    """The raw pulled records, one example a line, written atomically."""
    target_dir = folder / "pulls" / re.sub(r"[^A-Za-z0-9._-]+", "-", project)
    target = target_dir / f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}.jsonl"

    def write(out: IO[str]) -> None:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    write_atomically(target, write)
    return target
