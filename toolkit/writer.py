"""Write parsed documents into the store, many at a time.

`write_documents(session, items)` turns each parsed file into rows (a new
document, or a new version of the document that has the same source path) and
inserts them with one bulk INSERT per table for the whole batch: ids are derived
(see `models`), so nothing waits for the database to hand out keys. The caller
owns the transaction.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, insert, update
from sqlmodel import Session, SQLModel, select

from toolkit.models import (
    ArchivalReference,
    Citation,
    Claim,
    Document,
    DocumentVersion,
    EvidenceLink,
    Footnote,
    Reach,
    utcnow,
)
from toolkit.parsing.archives import Reference
from toolkit.parsing.citations import to_csl
from toolkit.parsing.document import ParsedDocument, document_problems
from toolkit.terms import ClaimStatus, LinkKind, Origin, Stance

ADDED, NEW_VERSION = "added", "new-version"
# Parents before children, for the foreign keys.
TABLE_ORDER = (Document, DocumentVersion, Footnote, Citation, ArchivalReference, Reach, Claim, EvidenceLink)


class Parsed(Protocol):
    path: Path  # the source file; "<file>#<part>" for a document inside a larger file
    sha: str
    size: int
    doc: ParsedDocument
    name: str  # the name to give a new document (made unique in the store)


@dataclass
class Written:
    status: str  # added, new-version
    document_id: str
    version_id: str
    version: int


Rows = dict[type[SQLModel], list[dict[str, Any]]]


def write_documents(session: Session, items: list[Parsed]) -> list[Written]:
    """Insert every item of the batch; returns what became of each, in order."""
    paths = [str(item.path.resolve()) for item in items]
    existing = {d.source_path: d for d in session.exec(
        select(Document).where(Document.source_path.in_(paths)))}  # type: ignore[attr-defined]
    latest: dict[str, int] = {}
    if existing:
        ids = [d.id for d in existing.values()]
        latest = dict(session.exec(
            select(DocumentVersion.document_id, func.max(DocumentVersion.version))
            .where(DocumentVersion.document_id.in_(ids))  # type: ignore[attr-defined]
            .group_by(DocumentVersion.document_id)).all())
        session.execute(update(DocumentVersion).where(DocumentVersion.document_id.in_(ids))  # type: ignore[attr-defined]
                        .values(is_current=False))
    rows: Rows = defaultdict(list)
    # Slugs already in the store, among those the new documents would take (one query).
    bases = [slug(item.name) for item, path in zip(items, paths) if path not in existing]
    taken: set[str] = set(session.exec(select(Document.id).where(Document.id.in_(bases)))) if bases else set()  # type: ignore[attr-defined]
    now = utcnow()
    out = []
    for item, source_path in zip(items, paths):
        assert item.doc is not None
        if source_path in existing:
            document_id = existing[source_path].id
            version, status = latest.get(document_id, 0) + 1, NEW_VERSION
        else:
            document_id = _unique_slug(session, item.name, taken)
            taken.add(document_id)
            rows[Document].append({"id": document_id, "source_path": source_path, "created_at": now})
            version, status = 1, ADDED
        version_id = add_version_rows(rows, document_id, version, item.sha, source_path, item.size,
                                      item.doc, now)
        out.append(Written(status, document_id, version_id, version))
    insert_rows(session, rows)
    return out


def insert_rows(session: Session, rows: Rows) -> None:
    """One bulk INSERT per table, parents first."""
    for table in TABLE_ORDER:
        if rows.get(table):
            session.execute(insert(table), rows[table])


def add_version_rows(rows: Rows, document_id: str, version: int, sha: str, source_path: str,
                     size: int, doc: ParsedDocument, now: datetime) -> str:
    """Add the rows of one parsed version to `rows`; returns the version id."""
    layout = doc.layout
    read = doc.read
    version_id = sha[:16]
    rows[DocumentVersion].append({
        "id": version_id, "document_id": document_id, "version": version, "is_current": True,
        "sha256": sha, "source_path": source_path, "source_bytes": size, "title": doc.title,
        "kind": doc.kind, "text": layout.text, "ingested_at": now,
        "format": read.format if read else "text", "part": read.part if read else None,
        "collection": read.collection if read else None, "authors": list(read.authors) if read else [],
        "date": read.date if read else None,
        "anchors": [[a.start, a.end, a.locator] for a in read.anchors] if read else [],
        "problems": document_problems(doc), "meta": dict(read.meta) if read else {},
        "pages": [{"label": p.label, "start": p.start, "source_start": p.source_start,
                   "inferred": p.inferred} for p in layout.pages],
        "offsets": layout.offsets.to_json(),
        "paragraphs": [[p.kind, p.start, p.end] for p in layout.paragraphs],
        "sentences": [list(s) for s in doc.sentences],
        "repairs": [{"kind": r.kind, "start": r.start, "source_start": r.source_start,
                     "source_end": r.source_end, "detail": r.detail} for r in layout.repairs],
        "file_numbers": list(doc.file_numbers),
    })

    def reference(ref: Reference, start: int, end: int, footnote_id: str | None = None,
                  citation_id: str | None = None) -> dict[str, Any]:
        return {"version_id": version_id, "footnote_id": footnote_id, "citation_id": citation_id,
                "archive": ref.archive, "series": ref.series, "volume": ref.volume, "item": ref.item,
                "raw": ref.raw, "start": start, "end": end, "pattern": ref.pattern,
                "kind": ref.kind, "repository": ref.repository or None}

    rows[ArchivalReference] += [reference(r, s, e) for r, (s, e) in zip(doc.references, doc.reference_spans)]
    footnote_ids = [f"{version_id}-{fn.seq}" for fn in layout.footnotes]
    for fid, fn, note in zip(footnote_ids, layout.footnotes, doc.notes):
        m, n = fn.marker, fn.note
        rows[Footnote].append({
            "id": fid, "version_id": version_id, "seq": fn.seq, "label": fn.label,
            "number": int(fn.label) if fn.label.isdigit() else None,
            "marker_printed": m.printed if m else None, "marker_style": m.style if m else None,
            "marker_start": m.start if m else None, "marker_end": m.end if m else None,
            "marker_source_start": m.source_start if m else None,
            "marker_source_end": m.source_end if m else None,
            "page": m.page if m else None,
            "note_text": n.text if n else None,
            "note_source_start": n.source_start if n else None,
            "note_source_end": n.source_end if n else None,
            "note_offsets": n.offsets.to_json() if n else [], "flags": list(fn.flags),
            "role": note.role if note else None,
        })
        for k, cit in enumerate(note.citations if note else [], start=1):
            cid = f"{fid}-{k}"
            target = cit.resolves_to
            rows[Citation].append({
                "id": cid, "footnote_id": fid, "seq": k, "raw": cit.raw, "start": cit.start,
                "end": cit.end, "kind": cit.kind, "signal": cit.signal, "locator": cit.locator,
                "author": cit.author, "title": cit.title,
                "resolves_to": layout.footnotes[target].seq if target is not None else None,
                "resolves_to_citation": cit.target + 1 if cit.target is not None else None,
                "resolves_to_document": cit.resolves_to_document,
                "chain": [layout.footnotes[x].seq for x in cit.chain],
                "repository": cit.repository, "collection_or_series": cit.collection_or_series,
                "unit": cit.unit, "item": cit.item, "year": cit.year, "pages": cit.pages,
                "csl": to_csl(cit, cid),
            })
            rows[ArchivalReference] += [reference(r, r.start, r.end, fid, cid) for r in cit.references]
            rows[Reach] += [{"version_id": version_id, "footnote_id": fid, "citation_id": cid,
                             "archive": r.archive, "series": r.series, "volume": r.volume, "item": r.item,
                             "kind": r.kind, "repository": r.repository or None, "raw": r.raw}
                            for r in cit.reaches]
    for claim in doc.claims:
        source_start, source_end = layout.offsets.source_span(claim.start, claim.end)
        claim_id = suggested_claim_id(version_id, claim.start, claim.end)
        rows[Claim].append({
            "id": claim_id, "version_id": version_id, "start": claim.start, "end": claim.end,
            "source_start": source_start, "source_end": source_end,
            "text": layout.text[claim.start:claim.end], "origin": Origin.SUGGESTED, "rule": claim.rule,
            "annotator": None, "guidelines_version": None,
            "status": ClaimStatus.ACTIVE, "created_at": now, "updated_at": now})
        rows[EvidenceLink] += [{"claim_id": claim_id, "footnote_id": footnote_ids[i],
                                "stance": Stance.SUPPORTS, "link": LinkKind.IMPLICIT} for i in claim.footnotes]
    return version_id


def suggested_claim_id(version_id: str, start: int, end: int) -> str:
    """Stable id of a suggested claim: the same span of the same text, the same id."""
    return "s-" + hashlib.sha256(f"{version_id}:{start}:{end}".encode()).hexdigest()[:16]


def slug(name: str) -> str:
    """A document name from a file name: letters of every script kept ("été-1918-brouillon",
    "записка"), runs of anything else made one hyphen, lower case, at most 120 characters."""
    text = unicodedata.normalize("NFC", name)
    text = re.sub(r"[^\w.]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-.").lower()[:120].strip("-.") or "document"


def _unique_slug(session: Session, name: str, taken: set[str]) -> str:
    """The name, or name-2, name-3... where another document has it already."""
    base = slug(name)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken or session.get(Document, f"{base}-{n}") is not None:
        n += 1
    return f"{base}-{n}"
