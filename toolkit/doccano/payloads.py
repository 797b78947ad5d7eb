"""Load what push and pull need about many document versions, a few queries in all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from toolkit.doccano.examples import ExampleLayout, PreRelation, PreSpan, build_layout, preannotations
from toolkit.models import Claim, DocumentVersion, EvidenceLink, Footnote

CHUNK = 500


@dataclass
class Payload:
    """One version as a doccano example: its layout, pre-annotations and meta."""

    version: DocumentVersion
    layout: ExampleLayout
    spans: list[PreSpan]
    relations: list[PreRelation]
    suggested: dict[str, Claim]  # claim id -> suggested claim
    footnote_ids: dict[int, str]  # footnote seq -> footnote row id

    @property
    def meta(self) -> dict[str, Any]:
        v = self.version
        return {"document": v.document_id, "version": v.version, "sha256": v.sha256, "title": v.title}


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[k : k + CHUNK] for k in range(0, len(items), CHUNK)]


def load_payloads(session: Session, versions: list[DocumentVersion], suggest: bool) -> list[Payload]:
    """Payloads for `versions`, in order. Suggested claims are included as CLAIM spans if `suggest`."""
    ids = [v.id for v in versions]
    footnotes: dict[str, list[Footnote]] = defaultdict(list)
    claims: dict[str, list[Claim]] = defaultdict(list)
    links: dict[str, list[str]] = defaultdict(list)  # claim id -> footnote ids
    for chunk in _chunks(ids):
        for f in session.exec(select(Footnote).where(Footnote.version_id.in_(chunk))):  # type: ignore[attr-defined]
            footnotes[f.version_id].append(f)
        for c in session.exec(select(Claim).where(
                Claim.version_id.in_(chunk), Claim.origin == "suggested")):  # type: ignore[attr-defined]
            claims[c.version_id].append(c)
        for claim_id, footnote_id in session.exec(
                select(EvidenceLink.claim_id, EvidenceLink.footnote_id).join(Claim).where(
                    Claim.version_id.in_(chunk), Claim.origin == "suggested")):  # type: ignore[attr-defined]
            links[claim_id].append(footnote_id)
    out = []
    for v in versions:
        notes = sorted(footnotes[v.id], key=lambda f: f.seq)
        seq_of = {f.id: f.seq for f in notes}
        as_dicts = [{"seq": f.seq, "label": f.label, "text": f.note_text,
                     "marker": None if f.marker_start is None else {"start": f.marker_start, "end": f.marker_end}}
                    for f in notes]
        layout = build_layout(v.text, as_dicts)
        active = [c for c in claims[v.id] if c.status == "active"]
        claim_tuples = [(c.id, c.start, c.end, sorted(seq_of[f] for f in links[c.id] if f in seq_of))
                        for c in sorted(active, key=lambda c: c.start)]
        spans, relations = preannotations(layout, claim_tuples, suggest)
        out.append(Payload(v, layout, spans, relations, {c.id: c for c in claims[v.id]},
                           {f.seq: f.id for f in notes}))
    return out
