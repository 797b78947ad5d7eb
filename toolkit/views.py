"""Read stored documents back as plain dicts: the shape of `toolkit inspect --json`.

Export (a later step) writes this same shape, so it lives here, away from the CLI.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from toolkit.chunks import chunked
from toolkit.errors import AmbiguousNameError, NotFoundError
from toolkit.leads import leads_of
from toolkit.models import ArchivalReference, Citation, Document, DocumentVersion, Footnote, Reach
from toolkit.provenance import locate


def find_version(session: Session, name: str, version: int | None = None) -> DocumentVersion:
    """A stored version by document name, version id (or a prefix of 6+), or source path."""
    doc = session.get(Document, name)
    if doc is None:
        doc = session.exec(select(Document).where(Document.source_path == str(Path(name).resolve()))).first()
    if doc is not None:
        query = select(DocumentVersion).where(DocumentVersion.document_id == doc.id)
        if version is None:
            query = query.where(DocumentVersion.is_current)
        else:
            query = query.where(DocumentVersion.version == version)
        found = session.exec(query).first()
        if found is None:
            raise NotFoundError(f"{name} has no version {version}; see `toolkit documents`")
        return found
    if re.fullmatch(r"[0-9a-f]{6,64}", name):
        matches = session.exec(
            select(DocumentVersion).where(DocumentVersion.id.startswith(name[:16]))  # type: ignore[union-attr]
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise AmbiguousNameError(f"{name} matches {len(matches)} versions; give more digits")
    raise NotFoundError(f"no stored document is called {name!r}; list them with `toolkit documents`")


def reference_dict(ref: Any) -> dict[str, Any]:
    return {"archive": ref.archive, "series": ref.series, "volume": ref.volume, "item": ref.item,
            "raw": ref.raw, "kind": ref.kind, "repository": ref.repository}


@lru_cache(maxsize=65536)
def iso(when: datetime) -> str:
    """RFC 3339 in UTC; the store keeps UTC and SQLite forgets the zone."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def document_view(session: Session, dv: DocumentVersion) -> dict[str, Any]:
    """One stored version with its footnotes, citations and references."""
    return document_views(session, [dv])[0]


def document_views(session: Session, versions: list[DocumentVersion]) -> list[dict[str, Any]]:
    """Stored versions with their footnotes, citations and references: a few queries for all."""
    ids = [v.id for v in versions]
    # Plain columns, not ORM objects (for thousands of notes the objects cost more than the
    # queries), and not the notes' offset maps, which no view shows.
    footnotes: dict[str, list[Any]] = defaultdict(list)
    citations: dict[str, list[Any]] = defaultdict(list)
    reach: dict[str, list[Any]] = defaultdict(list)
    own_refs: dict[str, list[Any]] = defaultdict(list)
    for chunk in chunked(ids):
        for f in session.execute(select(*FOOTNOTE_COLUMNS).where(Footnote.version_id.in_(chunk))):  # type: ignore[attr-defined]
            footnotes[f.version_id].append(f)
        for c in session.execute(select(*CITATION_COLUMNS).join(Footnote)
                                 .where(Footnote.version_id.in_(chunk))):  # type: ignore[attr-defined]
            citations[c.footnote_id].append(c)
        for r in session.execute(select(*REACH_COLUMNS).where(Reach.version_id.in_(chunk))  # type: ignore[attr-defined]
                                 .order_by(Reach.id)):
            reach[r.citation_id].append(r)
        for r in session.execute(select(*REFERENCE_COLUMNS).where(
                ArchivalReference.version_id.in_(chunk), ArchivalReference.footnote_id.is_(None))  # type: ignore[attr-defined, union-attr]
                .order_by(ArchivalReference.id)):
            own_refs[r.version_id].append(r)
    for cits in citations.values():
        cits.sort(key=lambda c: c.seq)
    leads = leads_of(session, [c.id for cits in citations.values() for c in cits])
    return [_view(dv, sorted(footnotes[dv.id], key=lambda f: f.seq), citations, reach, own_refs[dv.id], leads)
            for dv in versions]


FOOTNOTE_COLUMNS = [Footnote.id, Footnote.version_id, Footnote.seq, Footnote.number, Footnote.label, Footnote.role,
                    Footnote.marker_printed, Footnote.marker_style, Footnote.marker_start, Footnote.marker_end,
                    Footnote.marker_source_start, Footnote.marker_source_end, Footnote.page, Footnote.note_text,
                    Footnote.note_source_start, Footnote.note_source_end, Footnote.flags]
CITATION_COLUMNS = [Citation.id, Citation.footnote_id, Citation.seq, Citation.raw, Citation.kind, Citation.signal,
                    Citation.locator, Citation.author, Citation.title, Citation.resolves_to,
                    Citation.resolves_to_document, Citation.chain, Citation.start, Citation.end, Citation.repository,
                    Citation.collection_or_series, Citation.unit, Citation.item, Citation.year, Citation.pages,
                    Citation.csl]
REACH_COLUMNS = [Reach.citation_id, Reach.archive, Reach.series, Reach.volume, Reach.item, Reach.raw, Reach.kind,
                 Reach.repository]
REFERENCE_COLUMNS = [ArchivalReference.version_id, ArchivalReference.archive, ArchivalReference.series,
                     ArchivalReference.volume, ArchivalReference.item, ArchivalReference.raw, ArchivalReference.kind,
                     ArchivalReference.repository]


def _view(dv: DocumentVersion, footnotes: list[Any], citations: dict[str, list[Any]],
          reach: dict[str, list[Any]], own_refs: list[Any],
          leads: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """One version as a dict. What a citation reaches was worked out once, at ingest (`Reach`)."""
    out_notes = []
    for f in footnotes:
        cits = []
        note_refs: list[dict[str, Any]] = []
        seen: set[tuple] = set()
        for c in citations[f.id]:
            reached_refs = [reference_dict(r) for r in reach[c.id]]
            for r in reached_refs:
                key = (r["archive"], r["series"], r["volume"], r["item"])
                if key not in seen:
                    seen.add(key)
                    note_refs.append(r)
            cits.append({
                "raw": c.raw, "kind": c.kind, "signal": c.signal, "locator": c.locator,
                "author": c.author, "title": c.title, "resolves_to": c.resolves_to,
                "resolves_to_document": c.resolves_to_document,
                "chain": list(c.chain), "start": c.start, "end": c.end,
                "repository": c.repository, "collection_or_series": c.collection_or_series, "unit": c.unit,
                "item": c.item, "year": c.year, "pages": c.pages, "csl": c.csl,
                "references": reached_refs,
                "leads_to": (leads or {}).get(c.id, []),
            })
        marker = None
        if f.marker_start is not None:
            marker = {"printed": f.marker_printed, "style": f.marker_style, "start": f.marker_start,
                      "end": f.marker_end, "source_start": f.marker_source_start,
                      "source_end": f.marker_source_end, "page": f.page,
                      "where": locate(dv.anchors, f.marker_source_start or 0, f.marker_source_end or 0)}
        out_notes.append({
            "note_id": f.id, "seq": f.seq, "number": f.number, "label": f.label, "role": f.role, "marker": marker,
            "text": f.note_text,
            "note": None if f.note_text is None else
            {"source_start": f.note_source_start, "source_end": f.note_source_end,
             "where": locate(dv.anchors, f.note_source_start or 0, f.note_source_end or 0)},
            "flags": list(f.flags), "citations": cits, "references": note_refs,
        })
    return {
        "version_id": dv.id,
        "document": dv.document_id,
        "version": dv.version,
        "current": dv.is_current,
        "title": dv.title,
        "kind": dv.kind,
        "format": dv.format,
        "part": dv.part,
        "collection": dv.collection,
        "authors": list(dv.authors),
        "date": dv.date,
        "problems": list(dv.problems),
        "text": dv.text,
        "source": {"path": dv.source_path, "sha256": dv.sha256, "bytes": dv.source_bytes},
        "ingested_at": iso(dv.ingested_at),
        "pages": list(dv.pages),
        "file_numbers": list(dv.file_numbers),
        "references": [reference_dict(r) for r in own_refs],
        "repairs": list(dv.repairs),
        "footnotes": out_notes,
    }


def current_versions(session: Session) -> list[DocumentVersion]:
    return list(session.exec(
        select(DocumentVersion).where(DocumentVersion.is_current).order_by(DocumentVersion.document_id)
    ).all())


def archive_summary(session: Session, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Per archive and series: distinct references, the notes that reach them (after
    following Ibid. and short forms), and the documents, over current versions."""
    versions = [find_version(session, n) for n in names] if names else current_versions(session)
    rows: dict[tuple[str, str | None], dict[str, Any]] = {}
    for dv, view in zip(versions, document_views(session, versions)):
        sources = [(f"note {f['label']}", f["references"]) for f in view["footnotes"]]
        sources.append(("document", view["references"]))
        for where, refs in sources:
            for r in refs:
                row = rows.setdefault((r["archive"], r["series"]), {
                    "archive": r["archive"], "series": r["series"], "references": set(),
                    "notes": set(), "documents": set()})
                row["references"].add((dv.document_id, r["volume"], r["item"]))
                row["notes"].add((dv.id, where))
                row["documents"].add(dv.document_id)
    out = []
    for key in sorted(rows, key=lambda k: (k[0], k[1] or "")):
        row = rows[key]
        out.append({"archive": row["archive"], "series": row["series"],
                    "references": len({(v, i) for _, v, i in row["references"]}),
                    "notes": len(row["notes"]), "documents": sorted(row["documents"])})
    return out
