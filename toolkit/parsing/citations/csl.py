"""CSL-JSON (Zotero, citeproc) for a parsed citation."""

from __future__ import annotations

import re
from typing import Any

from toolkit.parsing.citations.citation import (
    ARCHIVAL, IBID, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED, SHORT_FORM, Citation,
)
from toolkit.parsing.citations.forms import NEWSPAPER


def _csl_name(name: str) -> list[dict[str, str]]:
    out = []
    for person in re.split(r"\s+(?:and|&)\s+", re.sub(r",?\s*\beds?\.$", "", name.strip())):
        parts = person.split()
        if len(parts) == 1:
            out.append({"family": parts[0]})
        else:
            out.append({"family": parts[-1], "given": " ".join(parts[:-1])})
    return out


def to_csl(citation: Citation, id: str | None = None) -> dict[str, Any]:
    """A CSL-JSON item (Zotero, citeproc) for one parsed citation; for Ibid. and short forms,
    what the citation itself says (resolve first, and export the target's for the full item)."""
    c = citation
    kind = c.kind
    item: dict[str, Any] = {"id": id or f"cit-{c.start}-{c.end}"}
    if kind in (ARCHIVAL, MANUSCRIPT):
        item["type"] = "manuscript"
        ref = c.references[0] if c.references else None
        item["archive"] = c.repository or (ref.archive if ref else None)
        location = [x for x in (c.collection_or_series, c.unit, c.item) if x]
        item["archive_location"] = ", ".join(location) or None
        item["archive_collection"] = c.collection_or_series
    elif kind == PRINTED_PRIMARY:
        if NEWSPAPER.search(c.raw):
            item["type"] = "article-newspaper"
        elif re.search(r"\bStat\.|Public Law", c.raw):
            item["type"] = "legislation"
        elif re.search(r"\bCong\.|Hearings?\b|\bHED\b|\bSED\b|Doc\.|Rpt\.", c.raw):
            item["type"] = "report"
        else:
            item["type"] = "book"
    elif kind == PUBLISHED:
        if c.container and c.unit and re.match(r"\d", c.unit):
            item["type"] = "article-journal"
        elif c.url and not c.publisher:
            item["type"] = "webpage"
        else:
            item["type"] = "book"
    elif kind in (IBID, SHORT_FORM):
        item["type"] = "document"
        item["note"] = kind
    else:
        item["type"] = "document"
    if c.author:
        item["author"] = _csl_name(c.author)
    if c.title:
        item["title"] = c.title
    if c.container:
        item["container-title"] = c.container
    if c.year:
        parts = [int(y) for y in re.findall(r"\d{4}", c.year)[:1]]
        if parts:
            item["issued"] = {"date-parts": [parts]}
    if c.pages or c.locator:
        item["page"] = re.sub(r"^(?:pp?|S)\.\s*", "", c.pages or c.locator or "")
    if c.unit and kind not in (ARCHIVAL, MANUSCRIPT):
        if (m := re.match(r"(\d+|[ivxlc]+)(?:,\s*no\.\s*(\d+))?$", c.unit)):
            item["volume"] = m.group(1)
            if m.group(2):
                item["issue"] = m.group(2)
        elif (m := re.search(r"\b(?:Vol\.|Volume)\s*([\dIVXivx]+)", c.unit)):
            item["volume"] = m.group(1)
        else:
            item["collection-number"] = c.unit
    if c.publisher:
        item["publisher"] = c.publisher
    if c.place:
        item["publisher-place"] = c.place
    if c.url:
        item["URL"] = c.url
    return {k: v for k, v in item.items() if v is not None}
