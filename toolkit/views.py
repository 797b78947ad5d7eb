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
from toolkit.leads import leads_in
from toolkit.models import ArchivalReference, Citation, Document, DocumentVersion, Footnote, Reach
from toolkit.provenance import Locator
from toolkit.store import all_rows


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


REFERENCE_KEYS = ("archive", "series", "volume", "item", "raw", "kind", "repository")


@lru_cache(maxsize=65536)
def iso(when: datetime) -> str:
    """RFC 3339 in UTC; the store keeps UTC and SQLite forgets the zone."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def document_view(session: Session, dv: DocumentVersion) -> dict[str, Any]:
    """One stored version with its footnotes, citations and references."""
    return document_views(session, [dv])[0]


def document_views(session: Session, versions: list[Any]) -> list[dict[str, Any]]:
    """Stored versions (`DocumentVersion`s, or rows with the columns of `VERSION_COLUMNS`) with their
    footnotes, citations and references: a few queries for all.

    Plain columns, not ORM objects, and dicts made by zipping a row with its keys: for a
    hundred thousand citations the objects and attribute lookups cost more than the queries.
    The notes' offset maps, which no view shows, are not read."""
    ids = [v.id for v in versions]
    footnotes: dict[str, list[tuple]] = defaultdict(list)
    citations: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    reach: dict[str, list[dict[str, Any]]] = defaultdict(list)
    own_refs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    leads: dict[str, list[dict[str, Any]]] = {}
    for chunk in chunked(ids):
        for row in all_rows(session, select(*FOOTNOTE_COLUMNS).where(Footnote.version_id.in_(chunk))):  # type: ignore[attr-defined]
            footnotes[row[0]].append(tuple(row))
        for row in all_rows(session, select(*CITATION_COLUMNS).join(Footnote)
                                   .where(Footnote.version_id.in_(chunk))):  # type: ignore[attr-defined]
            citation = dict(zip(CITATION_KEYS, row[3:]))
            citation["chain"] = list(citation["chain"] or [])
            citations[row[1]].append((row[2], row[0], citation))
        for row in all_rows(session, select(*REACH_COLUMNS).where(Reach.version_id.in_(chunk))  # type: ignore[attr-defined]
                                   .order_by(Reach.id)):
            reach[row[0]].append(dict(zip(REFERENCE_KEYS, row[1:])))
        for row in all_rows(session, select(*REFERENCE_COLUMNS).where(
                ArchivalReference.version_id.in_(chunk), ArchivalReference.footnote_id.is_(None))  # type: ignore[attr-defined, union-attr]
                .order_by(ArchivalReference.id)):
            own_refs[row[0]].append(dict(zip(REFERENCE_KEYS, row[1:])))
        leads.update(leads_in(session, chunk))
    views = []
    for dv in versions:
        notes = sorted(footnotes[dv.id], key=lambda f: f[FOOTNOTE_SEQ])
        views.append(_view(dv, notes, citations, reach, own_refs[dv.id], leads))
    return views


# The columns read for a view, and the keys they become (in the same order).
VERSION_COLUMNS = [DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.version,
                   DocumentVersion.is_current, DocumentVersion.title, DocumentVersion.kind, DocumentVersion.format,
                   DocumentVersion.part, DocumentVersion.collection, DocumentVersion.authors, DocumentVersion.date,
                   DocumentVersion.problems, DocumentVersion.text, DocumentVersion.source_path,
                   DocumentVersion.sha256, DocumentVersion.source_bytes, DocumentVersion.ingested_at,
                   DocumentVersion.pages, DocumentVersion.file_numbers, DocumentVersion.repairs,
                   DocumentVersion.anchors]
FOOTNOTE_COLUMNS = [Footnote.version_id, Footnote.id, Footnote.seq, Footnote.number, Footnote.label, Footnote.role,
                    Footnote.marker_printed, Footnote.marker_style, Footnote.marker_start, Footnote.marker_end,
                    Footnote.marker_source_start, Footnote.marker_source_end, Footnote.page, Footnote.note_text,
                    Footnote.note_source_start, Footnote.note_source_end, Footnote.flags]
FOOTNOTE_SEQ = 2
CITATION_COLUMNS = [Citation.id, Citation.footnote_id, Citation.seq, Citation.raw, Citation.kind, Citation.signal,
                    Citation.locator, Citation.author, Citation.title, Citation.resolves_to,
                    Citation.resolves_to_document, Citation.chain, Citation.start, Citation.end, Citation.repository,
                    Citation.collection_or_series, Citation.unit, Citation.item, Citation.year, Citation.pages,
                    Citation.csl]
CITATION_KEYS = ("raw", "kind", "signal", "locator", "author", "title", "resolves_to", "resolves_to_document",
                 "chain", "start", "end", "repository", "collection_or_series", "unit", "item", "year", "pages", "csl")
REACH_COLUMNS = [Reach.citation_id, *(getattr(Reach, key) for key in REFERENCE_KEYS)]
REFERENCE_COLUMNS = [ArchivalReference.version_id, *(getattr(ArchivalReference, key) for key in REFERENCE_KEYS)]


def _view(dv: Any, footnotes: list[tuple], citations: dict[str, list[tuple[int, str, dict[str, Any]]]],
          reach: dict[str, list[dict[str, Any]]], own_refs: list[dict[str, Any]],
          leads: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """One version as a dict. What a citation reaches was worked out once, at ingest (`Reach`)."""
    where = Locator(dv.anchors)
    out_notes = []
    for (_, note_id, seq, number, label, role, printed, style, marker_start, marker_end, marker_source_start,
         marker_source_end, page, note_text, note_source_start, note_source_end, flags) in footnotes:
        cits = []
        note_refs: list[dict[str, Any]] = []
        seen: set[tuple] = set()
        for _, citation_id, citation in sorted(citations.get(note_id, ()), key=lambda c: c[0]):
            reached_refs = reach.get(citation_id, [])
            for r in reached_refs:
                key = (r["archive"], r["series"], r["volume"], r["item"])
                if key not in seen:
                    seen.add(key)
                    note_refs.append(r)
            citation["references"] = reached_refs
            citation["leads_to"] = leads.get(citation_id, [])
            cits.append(citation)
        marker = None
        if marker_start is not None:
            marker = {"printed": printed, "style": style, "start": marker_start, "end": marker_end,
                      "source_start": marker_source_start, "source_end": marker_source_end, "page": page,
                      "where": where(marker_source_start or 0, marker_source_end or 0)}
        out_notes.append({
            "note_id": note_id, "seq": seq, "number": number, "label": label, "role": role, "marker": marker,
            "text": note_text,
            "note": None if note_text is None else
            {"source_start": note_source_start, "source_end": note_source_end,
             "where": where(note_source_start or 0, note_source_end or 0)},
            "flags": list(flags), "citations": cits, "references": note_refs,
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
        "references": own_refs,
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
