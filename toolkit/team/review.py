"""`toolkit review`: adjudication. What every annotator agreed on becomes gold by itself; the
rest goes to an adjudicator in doccano, and what they decide comes back as gold.

For each document of a team project that its annotators have all marked done:

* if every annotator has exactly the same claims (same start and end) and the same
  links (claim, footnote, stance), they become gold at once (origin ``adjudicated``,
  rule ``consensus``, `adjudicated_from` = all of them);
* otherwise the document goes to the review project ``<project>--review``, whose one
  annotator member is the adjudicator. Its example shows the claims everyone agreed on
  as ``CLAIM`` and every other version as ``CLAIM@<annotator>``, each with that
  annotator's links. The adjudicator keeps a version by relabelling it ``CLAIM`` (or
  edits it, or draws a new ``CLAIM``), rejects one by deleting it or leaving it as it
  is, and marks the example done;
* the next `toolkit review` pulls every example marked done: each ``CLAIM`` span becomes
  gold (rule ``adjudicator``, annotator = the adjudicator, `adjudicated_from` = the
  annotators whose version had exactly that extent), with the links drawn from it.

Gold replaces a document's earlier gold in one transaction. `toolkit export` uses a
document's gold instead of its annotators' claims, and marks it ``adjudicated``.
`plan_review` is the pure decision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.doccano import DEFAULT_PROJECT
from toolkit.doccano.client import remove_stale_import_files, scratch_folder, write_import_file
from toolkit.doccano.example_layout import CLAIM, EVIDENCE, STANCE, SUPPORTED_BY, PreRelation, PreSpan, import_record
from toolkit.doccano.gateway import DoccanoServer
from toolkit.doccano.load import Payload, load_payloads
from toolkit.doccano.push import examples_by_sha
from toolkit.errors import ConfigError
from toolkit.guidelines import Guidelines, load_guidelines
from toolkit.models import Claim, DoccanoExample, DocumentVersion, EvidenceLink, utcnow
from toolkit.parsing.offsets import OffsetMap
from toolkit.store import transaction
from toolkit.team.assign import SEPARATOR
from toolkit.team.report import Work, load_work
from toolkit.terms import ClaimStatus, LinkKind, Origin, Stance

Span = tuple[int, int]
Link = tuple[Span, str, str]  # (claim extent, footnote id, stance)
RELATION_OF = {stance: label for label, stance in STANCE.items()}


def review_project(project: str) -> str:
    return f"{project}{SEPARATOR}review"


@dataclass
class Decision:
    """What to do with one document: gold now (`settled`), or a review of the disputed versions."""

    agreed: list[Span] = field(default_factory=list)
    agreed_links: list[Link] = field(default_factory=list)
    disputed: dict[str, list[Span]] = field(default_factory=dict)  # annotator -> claims not everyone has
    links: dict[str, list[Link]] = field(default_factory=dict)  # annotator -> links not everyone has

    @property
    def settled(self) -> bool:
        return not any(self.disputed.values()) and not any(self.links.values())


def plan_review(work: dict[str, Work]) -> Decision:
    """Pure: split one document's claims and links into what all annotators agree on and the rest."""
    spans = {a: set(w.spans) for a, w in work.items()}
    links = {a: {(w.spans[i], foot, stance) for i, foot, stance in w.links} for a, w in work.items()}
    agreed = set.intersection(*spans.values()) if spans else set()
    agreed_links = set.intersection(*links.values()) if links else set()
    return Decision(sorted(agreed), sorted(agreed_links),
                    {a: sorted(s - agreed) for a, s in sorted(spans.items())},
                    {a: sorted(x - agreed_links) for a, x in sorted(links.items())})


def gold_id(version_id: str, start: int, end: int) -> str:
    return "g-" + hashlib.sha256(f"{version_id}\n{start}\n{end}".encode()).hexdigest()[:20]


@dataclass
class ReviewReport:
    project: str
    consensus: list[str] = field(default_factory=list)  # documents made gold by agreement
    sent: list[str] = field(default_factory=list)  # documents sent to the adjudicator now
    adjudicated: list[str] = field(default_factory=list)  # documents pulled back as gold now
    waiting: list[str] = field(default_factory=list)  # in review, not marked done yet
    unfinished: list[str] = field(default_factory=list)  # some annotator has not marked it done
    review_url: str | None = None
    problems: list[str] = field(default_factory=list)


def review(engine: Engine, gateway: DoccanoServer, *, project: str = DEFAULT_PROJECT, adjudicator: str,
           guidelines: Guidelines | None = None, scratch: Path | None = None,
           require_done: bool = True) -> ReviewReport:
    """Pull what the adjudicator finished, make consensus gold, send the rest to review."""
    report = ReviewReport(project)
    accounts = {name: uid for uid, name in gateway.usernames().items()}
    if adjudicator not in accounts:
        raise ConfigError(f"no account for {adjudicator} at {gateway.url}; create it first: "
                          f"toolkit annotators add {adjudicator}")
    holders, work, versions, _ = load_work(engine, project)
    if not holders:
        raise ConfigError(f"no assignments for project {project!r} in the store; push it to a team first "
                          "(`toolkit push --annotators alice,bob --overlap 2`), then `toolkit pull`")
    done = _done_by_annotator(engine, project)
    with Session(engine) as session:
        gold_versions = set(session.exec(select(Claim.version_id).where(Claim.origin == Origin.ADJUDICATED)))
    name = review_project(project)
    remote = gateway.find_project(name)
    in_review: dict[str, dict[str, Any]] = {}
    if remote is not None:
        pid = int(remote["id"])
        exported = examples_by_sha(gateway.export_examples(pid))
        confirmed = gateway.confirmed_examples(pid)
        by_sha = {v.sha256: v for v in versions.values()}
        for sha, examples in exported.items():
            if sha in by_sha:
                in_review[by_sha[sha].id] = examples[0]
        finished = [v for v, ex in in_review.items() if int(ex["id"]) in confirmed]
        with Session(engine) as session:
            payloads = {p.version.id: p for p in load_payloads(session, [versions[v] for v in finished], False)}
        for version_id in finished:
            who = {a: work[(a, version_id)] for a in sorted(holders[version_id])}
            gold = _gold_from_example(in_review[version_id], payloads[version_id], report)
            _write_gold(engine, versions[version_id], gold, who, "adjudicator", adjudicator)
            report.adjudicated.append(versions[version_id].document_id)
            gold_versions.add(version_id)

    to_send: list[tuple[DocumentVersion, Decision]] = []
    for version_id in sorted(holders, key=lambda v: versions[v].document_id):
        version = versions[version_id]
        if version_id in gold_versions:
            continue
        who = sorted(holders[version_id])
        if require_done and not all((a, version_id) in done for a in who):
            report.unfinished.append(version.document_id)
            continue
        decision = plan_review({a: work[(a, version_id)] for a in who})
        if decision.settled:
            gold = [(span, [(foot, stance) for s, foot, stance in decision.agreed_links if s == span])
                    for span in decision.agreed]
            _write_gold(engine, version, gold, {a: work[(a, version_id)] for a in who}, "consensus", None)
            report.consensus.append(version.document_id)
        elif version_id in in_review:
            report.waiting.append(version.document_id)
        else:
            to_send.append((version, decision))
    if to_send:
        pid = _send(engine, gateway, name, remote, to_send, guidelines or load_guidelines(),
                    scratch or scratch_folder())
        gateway.add_member(pid, accounts[adjudicator], "annotator")
        report.sent = [v.document_id for v, _ in to_send]
    final = gateway.find_project(name)
    if final is not None:
        report.review_url = f"{gateway.url}/projects/{final['id']}"
    return report


def _done_by_annotator(engine: Engine, project: str) -> set[tuple[str, str]]:
    """(annotator, version id) of the examples each annotator marked done, at the last pull."""
    from toolkit.models import DoccanoProject
    from toolkit.team.assign import annotator_project, assignments

    names = {annotator_project(project, a): a for a, _ in assignments(engine, project)}
    with Session(engine) as session:
        rows = session.exec(select(DoccanoProject.name, DoccanoExample.version_id).join(
            DoccanoProject, DoccanoProject.id == DoccanoExample.project_id).where(DoccanoExample.done)).all()
    return {(names[p], v) for p, v in rows if p in names}


def _send(engine: Engine, gateway: DoccanoServer, name: str, remote: dict[str, Any] | None,
          decisions: list[tuple[DocumentVersion, Decision]], guidelines: Guidelines, scratch: Path) -> int:
    """Import the review examples: agreed claims as CLAIM, every other version as CLAIM@<annotator>."""
    pid = int(remote["id"]) if remote is not None else gateway.create_project(name, guidelines.text)
    gateway.ensure_labels(pid)
    with Session(engine) as session:
        payloads = {p.version.id: p for p in load_payloads(session, [v for v, _ in decisions], False)}
    records = []
    for version, decision in decisions:
        payload = payloads[version.id]
        spans = list(payload.spans)  # EVIDENCE on every marker and note
        relations: list[PreRelation] = []

        def add(extent: Span, label: str, links: list[Link], key: str) -> None:
            spans.append(PreSpan(key, extent[0], extent[1], label))
            for span, foot, stance in links:
                if span != extent:
                    continue
                seq = next((s for s, f in payload.footnote_ids.items() if f == foot), None)
                target = _evidence_key(payload, seq, extent)
                if target is not None:
                    relations.append(PreRelation(key, target, RELATION_OF.get(stance, SUPPORTED_BY)))

        for k, extent in enumerate(decision.agreed):
            add(extent, CLAIM, decision.agreed_links, f"g{k}")
        for annotator, extents in decision.disputed.items():
            theirs = decision.links.get(annotator, []) + decision.agreed_links
            for k, extent in enumerate(extents):
                add(extent, f"{CLAIM}@{annotator}", theirs, f"{annotator}:{k}")
        # An agreed claim whose links differ: each annotator's links, on their own copy of it.
        for annotator, links in decision.links.items():
            for k, extent in enumerate(sorted({s for s, _, _ in links if s in decision.agreed})):
                add(extent, f"{CLAIM}@{annotator}", links, f"{annotator}:agreed:{k}")
        records.append(import_record(payload.layout, spans, relations, payload.meta))
    remove_stale_import_files(scratch)
    path = write_import_file(records, scratch)
    try:
        gateway.import_jsonl(pid, path)
    finally:
        path.unlink(missing_ok=True)
    return pid


def _evidence_key(payload: Payload, seq: int | None, extent: Span) -> str | None:
    """The EVIDENCE span a link is drawn to: the marker if it lies inside the claim (a short arc),
    else the note."""
    if seq is None:
        return None
    marker = payload.layout.markers.get(seq)
    if marker is not None and extent[0] <= marker[0] and marker[1] <= extent[1]:
        return f"m{seq}"
    if any(n.seq == seq for n in payload.layout.notes):
        return f"n{seq}"
    return f"m{seq}" if marker is not None else None


def _gold_from_example(example: dict[str, Any], payload: Payload,
                       report: ReviewReport) -> list[tuple[Span, list[tuple[str, str]]]]:
    """The CLAIM spans of a finished review example, with the footnotes they are linked to."""
    layout = payload.layout
    u = layout.utf16
    where = f"review of {payload.version.document_id}"
    spans: dict[int, tuple[str, int, int]] = {}
    for e in example.get("entities", []):
        try:
            start, end = u.from_utf16(e["start_offset"]), u.from_utf16(e["end_offset"])
        except (ValueError, IndexError):
            report.problems.append(f"{where}: span {e['id']} splits a character or lies outside the text; skipped")
            continue
        if not 0 <= start < end <= len(layout.text):
            report.problems.append(f"{where}: span {e['id']} lies outside the text; skipped")
            continue
        spans[int(e["id"])] = (e["label"], start, end)
    gold: dict[Span, dict[str, str]] = {}
    for label, start, end in spans.values():
        if label != CLAIM:
            continue
        if layout.locate(start, end) != ("body", None):
            report.problems.append(f"{where}: a CLAIM at {start}-{end} is not in the body text; skipped")
            continue
        gold.setdefault((start, end), {})
    for r in example.get("relations", []):
        a, b = spans.get(int(r["from_id"])), spans.get(int(r["to_id"]))
        if a is None or b is None:
            continue
        claim, evidence = (a, b) if a[0] == CLAIM else (b, a)
        if claim[0] != CLAIM or evidence[0] != EVIDENCE or (claim[1], claim[2]) not in gold:
            continue
        region = layout.locate(evidence[1], evidence[2])
        seqs = [region[1]] if region and region[0] == "note" else layout.footnotes_in(evidence[1], evidence[2])
        for seq in seqs[:1]:
            if seq in payload.footnote_ids:
                gold[(claim[1], claim[2])][payload.footnote_ids[seq]] = STANCE.get(r["type"], Stance.SUPPORTS)
    return [(span, sorted(links.items())) for span, links in sorted(gold.items())]


def _write_gold(engine: Engine, version: DocumentVersion, gold: list[tuple[Span, list[tuple[str, str]]]],
                work: dict[str, Work], rule: str, adjudicator: str | None) -> None:
    """Replace the version's gold with `gold` ((extent, [(footnote id, stance)])), in one transaction."""
    now = utcnow()
    offsets = OffsetMap.from_json(version.offsets)
    with transaction(engine) as session:
        old = list(session.exec(select(Claim.id).where(Claim.version_id == version.id,
                                                       Claim.origin == Origin.ADJUDICATED)))
        if old:
            session.execute(delete(EvidenceLink).where(EvidenceLink.claim_id.in_(old)))  # type: ignore[attr-defined]
            session.execute(delete(Claim).where(Claim.id.in_(old)))  # type: ignore[attr-defined]
        for (start, end), links in gold:
            source_start, source_end = offsets.source_span(start, end)
            claim_id = gold_id(version.id, start, end)
            session.add(Claim(id=claim_id, version_id=version.id, start=start, end=end, source_start=source_start,
                              source_end=source_end, text=version.text[start:end], origin=Origin.ADJUDICATED, rule=rule,
                              annotator=adjudicator, status=ClaimStatus.ACTIVE, created_at=now, updated_at=now,
                              adjudicated_from=sorted(a for a, w in work.items() if (start, end) in w.spans)))
            for footnote_id, stance in links:
                session.add(EvidenceLink(claim_id=claim_id, footnote_id=footnote_id, stance=stance,
                                         link=LinkKind.EXPLICIT if rule == "adjudicator" else LinkKind.IMPLICIT,
                                         annotator=adjudicator, created_at=now))
