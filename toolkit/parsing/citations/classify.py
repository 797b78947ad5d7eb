"""Classifying a citation: its kind, its signal, or the author's own words (commentary).

`classify_citation` takes one span of a note (from `split`) and the archival
references found in it, and decides, in order: Ibid. and its kin, archival and
manuscript references, editorial openings and identifications (commentary),
pointers into the same publication, classical references, and then, by publication
facts, quotations, dates and known series, printed primary sources, published works,
short forms and what stays unparsed. A sentence that reads as prose is commentary.
"""

from __future__ import annotations

import re

from toolkit.parsing.archives import Reference
from toolkit.parsing.citations.citation import (
    ARCHIVAL, COMMENTARY, CROSS_REFERENCE, IBID, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED, SHORT_FORM, UNPARSED,
    Citation,
)
from toolkit.parsing.citations.fields import fill_letter_fields, fill_publication_fields
from toolkit.parsing.citations.forms import (
    AUTHOR, AUTHOR_OP_CIT, CHAPTER_POINTER, CLASSICAL, CONNECTIVE, CROSS_REF, DATE, DEFINES, FACTS,
    GOVERNMENT_PRINTER, IBID_RE, ITALIC, JOURNAL, LETTER, LOCATOR, NEWSPAPER, PAGES, PRINTED_PRIMARY_RE,
    SIGNAL, TITLE_QUOTED, URL,
)

PROSE = {
    "was", "were", "is", "are", "had", "has", "have", "did", "not", "which", "that", "would", "could", "also",
    "because", "when", "but", "this", "these", "it", "he", "she", "they", "his", "her", "their", "its", "there",
    "been", "be", "only", "who", "whom", "than", "then", "however", "although", "while", "should", "may", "might",
    "will", "can", "any", "such", "more", "most", "very", "even", "so", "as", "if", "all", "one", "we",
}
EDITORIAL_START = re.compile(r"^(?:The same\b|Not printed\b|Not found\b|Not received\b|Note (?:in the margin|on)\b"
                             r"|Footnote in the original\b|Sent (?:at|to)\b)")
SUBJECT_VERB = re.compile(
    r"^(?:(?:The|This|That|These|Those|In|On|By|At|For|After|Before|When|While|Although)\s+)?(?:[A-Z][\w’'.-]*\s+){1,4}"
    r"(?:\w+ed|was|were|had|did|wrote|told|made|became|took|sent|gave|led|held|left|began|met|saw|knew|thought"
    r"|found|noted|served|joined|include[sd]?|contained|is|are|has|have|appears?|seems?)\b(?!\s+(?:in|by)\s+[A-Z][\w\s]*,\s*\d)"
)
PASSIVE = re.compile(
    r"\b(?:was|were|is|are|has been|have been|had been|had|has)\s+(?:(?:first|also|not|then|later|originally|only|"
    r"usually|routinely|still)\s+)?(?:\w+ed|\w+en|been|made|sent|held|led|left|assigned|written|given|known|a|an|the)\b"
)


def classify_citation(text: str, start: int, end: int, refs: list[Reference]) -> Citation | None:
    """The citation text[start:end], with the archival references found in it, classified."""
    raw = text[start:end]
    body = raw
    signal = None
    if (m := CONNECTIVE.match(body)) is not None:
        body = body[m.end() :]
    if (m := SIGNAL.match(body)) is not None:
        signal = m.group("signal").lower()
        if signal.startswith("for "):
            signal = "see"
        body = body[m.end() :]
    cit = Citation(raw=raw, start=start, end=end, kind=UNPARSED, signal=signal)
    locators = LOCATOR.findall(body)
    cit.locator = locators[-1].strip() if locators else None
    cit.pages = _last_pages(body)
    if (m := DEFINES.search(body)) is not None:
        cit.defines = m.group("abbr").strip(" ,.")
    if (m := IBID_RE.match(body)) is not None or (m := AUTHOR_OP_CIT.match(body)) is not None:
        cit.kind = IBID
        if "author" in m.groupdict():
            cit.author = m.group("author")
        rest = body[m.end() :]
        own = LOCATOR.findall(rest)
        cit.locator = own[-1].strip() if own else None
        cit.pages = cit.locator
        if CROSS_REF.search(rest) and not own:
            cit.kind = CROSS_REFERENCE
        return cit
    if refs:
        cit.references = refs
        cit.reaches = list(refs)
        cit.kind = MANUSCRIPT if all(r.kind == MANUSCRIPT for r in refs) else ARCHIVAL
        first = refs[0]
        cit.repository = first.repository or first.archive
        cit.collection_or_series = first.series
        cit.unit = first.volume
        cit.item = first.item if len(refs) == 1 else ", ".join(dict.fromkeys(r.item for r in refs if r.item)) or None
        outside = text[start:refs[0].start] + " " + text[refs[-1].end:end]  # pages are not in the reference
        cit.pages = _last_pages(outside)
        fill_letter_fields(cit, body)
        return cit
    if EDITORIAL_START.match(body):  # "The same, mutatis mutandis, ...", "Note in the margin of MS.: ..."
        return _commentary(cit)
    if (a := AUTHOR.match(body)) is not None and re.match(r"[a-z]", body[a.end():]) and not (
            TITLE_QUOTED.search(body) or PAGES.search(body) or FACTS.search(body) or refs):
        return _commentary(cit)  # "Boris A. Bakhmeteff, head of the Russian mission ...": an identification
    if CROSS_REF.search(body) and not FACTS.search(body) and not _prose(body, strict=True):
        cit.kind = CROSS_REFERENCE
        return cit
    if CHAPTER_POINTER.match(body):
        cit.kind = CROSS_REFERENCE
        return cit
    if (m := CLASSICAL.match(body)) is not None:
        cit.kind = PRINTED_PRIMARY
        cit.author = m.group("author")
        cit.title = m.group("work")
        cit.pages = cit.locator = m.group("loc")
        return cit
    facts = FACTS.search(body)
    fill_publication_fields(cit, body, facts)
    looks_cited = bool(facts or cit.pages or URL.search(body) or DATE.search(body) or TITLE_QUOTED.search(body)
                       or JOURNAL.search(body) or cit.defines)
    if _prose(body) and not (facts or cit.pages or URL.search(body)):
        return _commentary(cit)
    if not looks_cited and not PRINTED_PRIMARY_RE.search(body) and not NEWSPAPER.search(body):
        if ITALIC.search(body) or cit.locator:
            return cit  # citation-like, no known form: unparsed
        return _commentary(cit)
    if _prose(body, strict=True) and not facts and not cit.pages:
        return _commentary(cit)
    if (paper := NEWSPAPER.search(body)) is not None and (paper.start() < 3 or quoted_before(body, paper.start())):
        cit.kind = PRINTED_PRIMARY
        cit.author = None
        cit.container = re.sub(r",\s*(?:No\.|of\b).*$|,\s*\S+\s+\d.*$", "", paper.group(0)).strip(" ,")
        cit.title = cit.title if TITLE_QUOTED.search(body) else cit.container
        return cit
    if PRINTED_PRIMARY_RE.search(body) or NEWSPAPER.search(body):
        if not (cit.author and GOVERNMENT_PRINTER.search(body) and not re.search(r"\beds?\.", body)
                and not PRINTED_PRIMARY_RE.search(body)):
            cit.kind = PRINTED_PRIMARY
            return cit
    if facts and GOVERNMENT_PRINTER.search(body) and not cit.author:
        cit.kind = PRINTED_PRIMARY
        return cit
    if facts or URL.search(body) or JOURNAL.search(body):
        cit.kind = PUBLISHED
        if re.search(r"\beds?\.,", body) and LETTER.match(body):
            cit.kind = PRINTED_PRIMARY
        return cit
    # No publication facts: a short form of a work cited in full elsewhere (or a letter
    # whose location is given once for many, "Unless otherwise noted").
    if cit.title or cit.author or LETTER.match(body) or cit.pages:
        cit.kind = SHORT_FORM
        return cit
    return cit


def _last_pages(text: str) -> str | None:
    """The last page reference in `text` ("pp. 77–87"), or None."""
    pages = PAGES.findall(text)
    return pages[-1].strip(" ,") if pages else None


def quoted_before(body: str, pos: int) -> bool:
    """Is the newspaper named right after a quoted headline ("“Gaillard Hunt Dies,” Washington Post, ...")?"""
    return bool(re.search(r"[”\"'’*]\s*,?\s*(?:the\s+)?$", body[:pos]))


def _commentary(cit: Citation) -> Citation:
    cit.kind = COMMENTARY
    cit.locator = cit.pages = cit.author = cit.title = cit.year = None
    cit.container = cit.unit = cit.publisher = cit.place = cit.url = None
    return cit


def _prose(body: str, strict: bool = False) -> bool:
    """Does this read as the author's own sentence rather than a citation?"""
    words = re.findall(r"[A-Za-z’']+", URL.sub("", body))
    if not words:
        return False
    lower = [w.lower() for w in words]
    hits = sum(1 for w in lower if w in PROSE)
    if strict:
        return hits >= 3 and hits / len(words) > 0.12
    if not strict and (SUBJECT_VERB.match(body) or PASSIVE.search(body)) and not LETTER.match(body):
        return True
    verbs = sum(1 for w in lower if re.fullmatch(r"\w+ed|\w+ing", w) and w not in {"united", "limited", "red"})
    return (hits >= 2 and hits / len(words) > 0.08) or (hits >= 1 and verbs >= 2 and len(words) > 8)
