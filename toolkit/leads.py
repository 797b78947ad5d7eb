"""Store where citations lead: `update_leads(session)` works the leads out again over the whole store.

Called at the end of every ingest that stored something, so that a volume ingested after the
article that cites it is found, and a new version of a document is led to instead of the old one.
The resolving itself is `toolkit.parsing.leads` (pure); this module reads the store and writes
`Lead` rows. Only current versions lead and are led to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert
from sqlmodel import Session, select

from toolkit.models import Citation, DocumentVersion, Footnote, Lead
from toolkit.parsing.leads import Cited, Stored, may_lead, resolve_leads

OPENING = 600  # characters of a document's text where its number stands


def volume_of(source_path: str, part: str | None, meta: dict[str, Any] | None) -> str | None:
    """The volume a document of a larger file belongs to: the edition's id, else the file's stem."""
    if part is None:
        return None
    url = (meta or {}).get("url") or ""
    m = re.search(r"/historicaldocuments/([^/]+)/", url)
    if m:
        return m.group(1)
    return Path(source_path.split("#", 1)[0]).stem


def stored_documents(session: Session) -> tuple[list[Stored], dict[str, tuple[str | None, dict[str, Any]]]]:
    """The current versions as `Stored`, and for each version id its volume and meta."""
    rows = session.execute(select(
        DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.source_path, DocumentVersion.part,
        DocumentVersion.pages, DocumentVersion.file_numbers, DocumentVersion.date, DocumentVersion.meta,
        func.substr(DocumentVersion.text, 1, OPENING)).where(DocumentVersion.is_current))  # type: ignore[arg-type]
    docs, info = [], {}
    for vid, doc, path, part, pages, files, date, meta, opening in rows:
        volume = volume_of(path, part, meta)
        info[vid] = (volume, meta or {})
        docs.append(Stored(vid, doc, volume, part, tuple(str(p.get("label")) for p in pages or [] if p.get("label")),
                           tuple(files or []), date, opening or ""))
    return docs, info


def citations_to_resolve(session: Session, info: dict[str, tuple[str | None, dict[str, Any]]]) -> list[Cited]:
    rows = session.execute(
        select(Citation.id, Citation.raw, Citation.kind, Citation.footnote_id, Footnote.version_id, Footnote.seq,
               Footnote.note_text)
        .join(Footnote, Footnote.id == Citation.footnote_id)
        .join(DocumentVersion, DocumentVersion.id == Footnote.version_id)
        .where(DocumentVersion.is_current))
    per_note: dict[str, int] = {}
    kept = []
    for row in rows:
        per_note[row.footnote_id] = per_note.get(row.footnote_id, 0) + 1
        volume, meta = info.get(row.version_id, (None, {}))
        targets = tuple((meta.get("refs") or {}).get(str(row.seq)) or ())
        if row.kind == "commentary" and not targets:
            continue
        if may_lead(row.raw, row.note_text or "", targets):
            kept.append((row, volume, targets))
    return [Cited(row.id, row.raw, row.kind, row.version_id, volume, row.note_text or "", targets,
                  single=per_note[row.footnote_id] == 1)
            for row, volume, targets in kept]


def update_leads(session: Session) -> int:
    """Replace every lead with those the store holds now; returns how many there are."""
    documents, info = stored_documents(session)
    leads = resolve_leads(citations_to_resolve(session, info), documents)
    session.execute(delete(Lead))
    if leads:
        session.execute(insert(Lead), [{"citation_id": x.citation_id, "version_id": x.version_id, "how": x.how,
                                        "detail": x.detail} for x in leads])
    return len(leads)


def leads_in(session: Session, version_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """For each citation in the versions given, the documents it leads to (for views and the export)."""
    led = DocumentVersion.__table__.alias("led")  # type: ignore[attr-defined]
    out: dict[str, list[dict[str, Any]]] = {}
    for citation_id, version_id, how, detail, document_id, part in session.connection().execute(
            select(Lead.citation_id, Lead.version_id, Lead.how, Lead.detail, led.c.document_id, led.c.part)
            .join(Citation, Citation.id == Lead.citation_id)
            .join(Footnote, Footnote.id == Citation.footnote_id)
            .join(led, led.c.id == Lead.version_id)
            .where(Footnote.version_id.in_(version_ids)).order_by(Lead.id)):  # type: ignore[attr-defined]
        out.setdefault(citation_id, []).append(
            {"version_id": version_id, "document": document_id, "part": part, "how": how, "detail": detail})
    return out
