"""What a citation says: author, title, container, volume, year, place, publisher, pages, URL."""

from __future__ import annotations

import re

from toolkit.parsing.citations.citation import Citation
from toolkit.parsing.citations.forms import (
    AUTHOR, AUTHOR_LEAD, DATE, JOURNAL, LETTER, PRINTED_PRIMARY_RE, TITLE_QUOTED, URL, YEAR,
)


def fill_letter_fields(cit: Citation, body: str) -> None:
    """Author, title and year of a letter or a quoted title (an archival citation's item)."""
    m = LETTER.match(body)
    if m is not None:
        cit.author = m.group("author").strip()
        cit.title = body[: m.end()].strip()
    elif (q := TITLE_QUOTED.search(body)) is not None:
        cit.title = next(g for g in q.groups() if g)
        a = AUTHOR.match(body)
        cit.author = a.group("author") if a and a.end() <= q.start() + 1 else None
    years = YEAR.findall(body[: cit.references[0].start - cit.start] if cit.references else body)
    cit.year = years[-1] if years else None


def fill_publication_fields(cit: Citation, body: str, facts: re.Match[str] | None) -> None:
    """Author, title, container, volume, year, place and publisher of a printed work."""
    letter = LETTER.match(body)
    author = AUTHOR.match(body)
    quoted = TITLE_QUOTED.search(body)
    if letter is not None:
        cit.author = letter.group("author").strip()
    elif author is not None and not PRINTED_PRIMARY_RE.match(body) and not re.match(r"(?:The|A|An)\s", body):
        name = author.group("author")
        if len(name.split()) <= 9 and not DATE.search(name) and not re.search(r"\d", name):
            cit.author = name
    elif (lead := AUTHOR_LEAD.match(body)) is not None and (a2 := AUTHOR.match(body[lead.end():])) is not None:
        cit.author = a2.group("author")  # "The two classics are Merle Fainsod, *How Russia is Ruled* ..."
    elif (m := re.match(r"(?:statement of |testimony of )?(?P<a>(?:[A-Z][\w.]*\s+){0,3}[A-Z][\w]+)’s testimony\b|statement of (?P<b>(?:[A-Z][\w.]*\s+){1,3}[A-Z]\w+)", body)):
        cit.author = m.group("a") or m.group("b")
    if quoted is not None:
        cit.title = next(g for g in quoted.groups() if g).strip()
        after = body[quoted.end():]
        if (j := JOURNAL.match(after.lstrip(" ,"))) is not None:
            cit.container = j.group("container").strip()
            cit.unit = j.group("volume") + (f", {j.group('issue')}" if j.group("issue") else "")
        elif (c := re.match(r"[,\s]*([A-Z][^,()]+?)\s*[,(]", after)) is not None:
            cit.container = c.group(1).strip()
    else:
        rest = body[author.end():] if cit.author and author is not None and letter is None else body
        if letter is not None:
            rest = body[letter.end():].lstrip(" ,")
            rest = re.sub(r"^(?:printed |reprinted )?in\s+", "", rest)
        stop = re.search(r"\s*(?:\(|,\s*(?:Vol\.|Volume|\d+(?:st|nd|rd|th|d) (?:ed\.|Cong\.)|\d+ vols\.|pp?\.|p\.|S\.)|\[|,?\s*https?://|,\s*\d{1,4}(?:,|\s*$)|$)", rest)
        title = rest[: stop.start()] if stop else rest
        title = re.sub(r"^(?:in|the)\s+(?=[A-Z])", "", title.strip(" ,.")) if title else title
        cit.title = title or None
    vol = re.search(r"\b(?:Vol\.|Volume|Bd\.|t\.)\s*[\dIVXLivxl]+\b|\b\d+ vols\.", body)
    if vol is not None and cit.unit is None:
        cit.unit = vol.group(0)
    if (m := re.search(r"\b\d+(?:st|nd|rd|th|d)\s+Cong\.,?\s+\d+(?:st|nd|rd|th|d)\.?\s+Sess\.(?:,\s*[HS][^,]*?\d+\s*\((?:Ser|Serial)\.?\s*\d+\))?", body)):
        cit.unit = m.group(0)
    if facts is not None:
        cit.year = facts.group("year")
        parts = facts.group("facts")
        pm = re.match(r"\s*(?P<place>[^:,]+(?:,\s*[A-Z]{2}\b)?):\s*(?P<pub>[^,]+),", parts)
        if pm is not None:
            cit.place, cit.publisher = pm.group("place").strip(), pm.group("pub").strip()
        elif (pm := re.match(r"\s*(?P<place>[A-Z][^,\d]+),\s*\d{4}", parts)) is not None:
            cit.place = pm.group("place").strip()
        yr = re.search(r"(1[4-9]\d\d|20\d\d)\s*[-–]\s*(\d{2,4})", parts)
        if yr is not None and "(" + parts + ")" in body and re.fullmatch(r"\s*\d{4}\s*[-–]\s*\d{2,4}\s*", parts):
            cit.year = yr.group(0)
        # British and French journals: "48 (1885), 167-235": the number after the year is a page range
        if cit.pages is None and (pg := re.match(r"\s*[,:]\s*(\d+(?:\s*[-–]\s*\d+)?)\s*\.?$", body[facts.end():])):
            cit.pages = pg.group(1)
    else:
        years = YEAR.findall(body)
        cit.year = years[-1] if years else None
    if (u := URL.search(body)) is not None:
        cit.url = u.group(0).rstrip(".,;)")
