"""Load what push and pull need about many document versions, a few queries in all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from toolkit.chunks import chunked
from toolkit.doccano.example_layout import ExampleLayout, PreRelation, PreSpan, build_layout, preannotations
from toolkit.models import Claim, DocumentVersion, EvidenceLink, Footnote
from toolkit.terms import ClaimStatus, Origin


@dataclass
class Payload:
    """One version as a doccano example: its layout, pre-annotations and meta."""

    version: DocumentVersion
    layout: ExampleLayout
    spans: list[PreSpan]
    relations: list[PreRelation]
    suggested: dict[str, "SuggestedRef"]  # claim id -> suggested claim
    footnote_ids: dict[int, str]  # footnote seq -> footnote row id

    @property
    def meta(self) -> dict[str, Any]:
        v = self.version
        return {"document": v.document_id, "version": v.version, "sha256": v.sha256, "title": v.title}


def load_payloads(session: Session, versions: list[DocumentVersion], suggest: bool,
                  team: bool = False) -> list[Payload]:
    """Payloads for `versions`, in order. Suggested claims are included as CLAIM spans if `suggest`.

    Reads plain columns, not ORM objects: for thousands of versions the objects
    cost more than the queries.
    """
    ids = [v.id for v in versions]
    footnotes: dict[str, list[tuple]] = defaultdict(list)
    claims: dict[str, list[SuggestedRef]] = defaultdict(list)
    links: dict[str, list[str]] = defaultdict(list)  # claim id -> footnote ids
    claim_columns = [Claim.id, Claim.version_id, Claim.start, Claim.end, Claim.status, Claim.doccano_span_id]
    for chunk in chunked(ids):
        for row in session.execute(
                select(Footnote.version_id, Footnote.id, Footnote.seq, Footnote.label, Footnote.note_text,
                       Footnote.marker_start, Footnote.marker_end)
                .where(Footnote.version_id.in_(chunk))):  # type: ignore[attr-defined]
            footnotes[row[0]].append(tuple(row[1:]))
        for row in session.execute(select(*claim_columns).where(
                Claim.version_id.in_(chunk), Claim.origin == Origin.SUGGESTED)):  # type: ignore[attr-defined]
            claims[row[1]].append(SuggestedRef(*row))
        for claim_id, footnote_id in session.execute(
                select(EvidenceLink.claim_id, EvidenceLink.footnote_id).join(Claim).where(
                    Claim.version_id.in_(chunk), Claim.origin == Origin.SUGGESTED)):  # type: ignore[attr-defined]
            links[claim_id].append(footnote_id)
    out = []
    for v in versions:
        notes = sorted(footnotes[v.id], key=lambda f: f[1])
        seq_of = {fid: seq for fid, seq, *_ in notes}
        as_dicts = [{"seq": seq, "label": label, "text": text,
                     "marker": None if start is None else {"start": start, "end": end}}
                    for _, seq, label, text, start, end in notes]
        layout = build_layout(v.text, as_dicts)
        active = sorted((c for c in claims[v.id] if c.status == ClaimStatus.ACTIVE), key=lambda c: c.start)
        claim_tuples = [(c.id, c.start, c.end, sorted(seq_of[f] for f in links[c.id] if f in seq_of))
                        for c in active]
        spans, relations = preannotations(layout, claim_tuples, suggest, team)
        out.append(Payload(v, layout, spans, relations, {c.id: c for c in claims[v.id]},
                           {seq: fid for fid, seq, *_ in notes}))
    return out


@dataclass(frozen=True)
class SuggestedRef:
    """What push and pull need of a suggested claim."""

    id: str
    version_id: str
    start: int
    end: int
    status: str
    doccano_span_id: int | None
