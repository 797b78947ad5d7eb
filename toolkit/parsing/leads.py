"""Where citations lead: a citation resolved to a document that is in the store.

`resolve_leads(citations, documents)` takes the citations to resolve (`Cited`: the raw
citation, its note, the TEI `<ref>` targets of the note, the volume and document citing)
and the stored documents (`Stored`: volume, part, page labels, file numbers, date, the
first lines of the text) and returns one `Lead` per (citation, document) it resolves to:

- ``tei-target``: a TEI `<ref target="#pg_283">` / `frus1918Russiav02#pg_6` / `#d227` of the note;
- ``page``: "ante, p. 283", "Post, p. 591" (the citing volume), "vol. ii, p. 28" (a sibling
  volume: frus1918Russiav03 -> frus1918Russiav02), "Foreign Relations, 1918, Russia, vol. I, p. 5";
  the document whose page range holds the page (several on the page: the one the note's
  telegram number, date or file number names, else the one that begins on the page; ante
  and post keep to documents before and after the citing one);
- ``file-number``: "File No. 861.00/763", a State Department decimal file a stored document carries;
- ``telegram``: "telegram No. 2050, December 1": a stored document whose text opens with that
  number and whose date is that day.

A citation never leads to the document that holds it. Pure: data in, data out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TEI_TARGET, PAGE, FILE_NUMBER, TELEGRAM = "tei-target", "page", "file-number", "telegram"
HOWS = (TEI_TARGET, PAGE, FILE_NUMBER, TELEGRAM)

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
MONTHS = {m: i for i, ms in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
    ("nov", "november"), ("dec", "december")), start=1) for m in ms}

TARGET = re.compile(r"^(?P<vol>[^#\s]*)#(?:pg_(?P<page>[\w]+)|(?P<part>d\d+\w*))$")
# "ante, p. 283", "Post, pp. 118 and 113", "vol. ii, p. 28", "vol. i, pp. 5-6"
PAGE_REF = re.compile(
    r"\b(?:(?P<dir>ante|post|supra|infra)\b[,:]?\s*|vol\.\s*(?P<vol>[ivx]+|\d+)\s*,\s*)"
    r"pp?\.\s*(?P<pages>\d+(?:\s*(?:,\s*and|,|and|[-–])\s*\d+)*)", re.I)
FOREIGN_RELATIONS = re.compile(
    r"Foreign Relations(?: of the United States)?,?\s+(?P<year>1[89]\d\d)(?:[-–]\d+)?,?\s*(?P<name>[A-Z][a-z]+)?"
    r"(?:,\s*(?:the\s+)?[A-Z][\w ]*?)?,?\s*vol\.\s*(?P<vol>[ivxIVX]+|\d+)\s*,\s*pp?\.\s*(?P<pages>\d+)")
DECIMAL_FILE = re.compile(r"(?<![\w./])\d{3}[a-z]?\.\d+[a-z]?\d*/\d+[a-z½]*(?![\w/])")
TELEGRAM_REF = re.compile(
    r"\btelegrams?\s+No\.\s*(?P<no>\d[\d,]*)\s*,?\s*(?:of\s+)?(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})"
    r"(?:,?\s+(?P<year>1[89]\d\d))?")
NUMBER_NAMED = re.compile(r"\bNo\.\s*(?P<no>\d[\d,]*)\s*,?\s*(?:of\s+)?(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})")
OPENING_NUMBER = re.compile(r"(?m)^(?:\[[^\]]*\]\s*)?(\d{1,5})\.\s")
FRUS_VOLUME = re.compile(r"^(?P<stem>frus\d{4}\w*?v)(?P<n>\d+)$")


@dataclass(frozen=True)
class Stored:
    """A stored document (its current version) that a citation may lead to."""

    version_id: str
    document: str
    volume: str | None = None  # "frus1918Russiav03": the file a TEI part came from
    part: str | None = None  # "d227"
    pages: tuple[str, ...] = ()  # page labels, in order; the first may have begun earlier
    file_numbers: tuple[str, ...] = ()
    date: str | None = None  # ISO: "1918-11-09T18:00:00"
    opening: str = ""  # the first lines of the text (the telegram's number is there)


@dataclass(frozen=True)
class Cited:
    """A citation to resolve, with what its note and its document say."""

    citation_id: str
    raw: str
    kind: str
    version_id: str  # the citing document's version
    volume: str | None = None
    note: str = ""
    targets: tuple[str, ...] = ()  # the TEI targets of the note
    single: bool = True  # the only citation of its note (then all the note's targets are its own)


@dataclass(frozen=True)
class Lead:
    citation_id: str
    version_id: str
    how: str
    detail: str


@dataclass
class Index:
    documents: list[Stored]
    order: dict[str, int] = field(default_factory=dict)
    by_page: dict[tuple[str, str], list[Stored]] = field(default_factory=dict)
    by_part: dict[tuple[str, str], Stored] = field(default_factory=dict)
    by_file: dict[str, list[Stored]] = field(default_factory=dict)
    by_number: dict[str, list[Stored]] = field(default_factory=dict)

    @classmethod
    def of(cls, documents: list[Stored]) -> "Index":
        docs = sorted(documents, key=_position)
        index = cls(docs)
        for k, d in enumerate(docs):
            index.order[d.version_id] = k
            if d.volume:
                for label in dict.fromkeys(d.pages):
                    index.by_page.setdefault((d.volume, label.lower()), []).append(d)
                if d.part:
                    index.by_part[(d.volume, d.part)] = d
            for number in d.file_numbers:
                index.by_file.setdefault(number, []).append(d)
            m = OPENING_NUMBER.search(d.opening)
            if m:
                index.by_number.setdefault(m.group(1).replace(",", ""), []).append(d)
        return index


def _position(d: Stored) -> tuple:
    m = re.match(r"d(\d+)", d.part or "")
    return (d.volume or "", int(m.group(1)) if m else 0, d.part or "", d.document)


def sibling_volume(volume: str | None, number: str) -> str | None:
    """frus1918Russiav03 and "ii" -> frus1918Russiav02."""
    n = ROMAN.get(number.lower()) if not number.isdigit() else int(number)
    m = FRUS_VOLUME.match(volume or "")
    if n is None or m is None:
        return None
    return f"{m.group('stem')}{n:0{len(m.group('n'))}d}"


def _pages(text: str) -> list[str]:
    out: list[str] = []
    for a, sep, b in re.findall(r"(\d+)(?:\s*([-–])\s*(\d+))?", text):
        out.append(a)
    return out


def _month_day(date: str | None) -> tuple[int, int] | None:
    m = re.match(r"\d{4}-(\d\d)-(\d\d)", date or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def _named(note: str) -> tuple[set[str], set[tuple[int, int]], set[str]]:
    """Telegram numbers, days and file numbers a note names."""
    numbers, days = set(), set()
    for m in NUMBER_NAMED.finditer(note):
        numbers.add(m.group("no").replace(",", ""))
        month = MONTHS.get(m.group("month").lower().rstrip("."))
        if month:
            days.add((month, int(m.group("day"))))
    return numbers, days, set(DECIMAL_FILE.findall(note))


def _choose(candidates: list[Stored], index: Index, c: Cited, page: str, direction: str | None) -> Stored | None:
    """One of the documents on a page: the one the note names, else the one beginning there."""
    here = index.order.get(c.version_id)
    pool = [d for d in candidates if d.version_id != c.version_id]
    if here is not None and direction in ("ante", "supra"):
        pool = [d for d in pool if index.order[d.version_id] < here] or pool
    elif here is not None and direction in ("post", "infra"):
        pool = [d for d in pool if index.order[d.version_id] > here] or pool
    if len(pool) <= 1:
        return pool[0] if pool else None
    numbers, days, files = _named(c.note)

    def score(d: Stored) -> tuple:
        m = OPENING_NUMBER.search(d.opening)
        named = 2 * bool(m and m.group(1) in numbers) + bool(_month_day(d.date) in days) \
            + 3 * bool(files & set(d.file_numbers))
        begins = bool(d.pages) and d.pages[0].lower() == page.lower() and len(d.pages) > 0
        return (named, begins, -index.order[d.version_id])

    return max(pool, key=score)


def resolve_citation(c: Cited, index: Index) -> list[Lead]:
    leads: dict[str, Lead] = {}

    def add(d: Stored | None, how: str, detail: str) -> None:
        if d is not None and d.version_id != c.version_id and d.version_id not in leads:
            leads[d.version_id] = Lead(c.citation_id, d.version_id, how, detail)

    numbers_in_raw = set(re.findall(r"\d+", c.raw))
    for target in c.targets:
        m = TARGET.match(target.strip())
        if not m:
            continue
        volume = m.group("vol") or c.volume
        if volume is None:
            continue
        if m.group("part"):
            if c.single or m.group("part") in c.raw:
                add(index.by_part.get((volume, m.group("part"))), TEI_TARGET, target)
            continue
        page = m.group("page")
        if not c.single and page not in numbers_in_raw:
            continue  # the target of another citation of the note
        direction = None
        d = re.search(r"\b(ante|post|supra|infra)\b", c.raw, re.I)
        if d and volume == c.volume:
            direction = d.group(1).lower()
        add(_choose(index.by_page.get((volume, page.lower()), []), index, c, page, direction), TEI_TARGET, target)

    if not leads:
        for m in PAGE_REF.finditer(c.raw):
            if m.group("vol"):
                volume, direction = sibling_volume(c.volume, m.group("vol")), None
            else:
                volume, direction = c.volume, m.group("dir").lower()
            if volume is None:
                continue
            for page in _pages(m.group("pages")):
                add(_choose(index.by_page.get((volume, page), []), index, c, page, direction), PAGE,
                    f"{volume} p. {page}")
        for m in FOREIGN_RELATIONS.finditer(c.raw):
            n = ROMAN.get(m.group("vol").lower()) if not m.group("vol").isdigit() else int(m.group("vol"))
            if n is None:
                continue
            volume = f"frus{m.group('year')}{m.group('name') or ''}v{n:02d}"
            page = m.group("pages")
            add(_choose(index.by_page.get((volume, page), []), index, c, page, None), PAGE, f"{volume} p. {page}")

    for number in DECIMAL_FILE.findall(c.raw):
        for d in index.by_file.get(number, []):
            add(d, FILE_NUMBER, number)

    for m in TELEGRAM_REF.finditer(c.raw):
        month = MONTHS.get(m.group("month").lower())
        if month is None:
            continue
        for d in index.by_number.get(m.group("no").replace(",", ""), []):
            if _month_day(d.date) == (month, int(m.group("day"))) and (
                    not m.group("year") or (d.date or "").startswith(m.group("year"))):
                add(d, TELEGRAM, m.group(0))
    return list(leads.values())


def resolve_leads(citations: list[Cited], documents: list[Stored]) -> list[Lead]:
    """Every lead of every citation (see the module docstring)."""
    index = Index.of(documents)
    return [lead for c in citations for lead in resolve_citation(c, index)]


def may_lead(raw: str, note: str, targets: tuple[str, ...]) -> bool:
    """A cheap test: could this citation lead anywhere? (Most cannot, and are not looked at.)"""
    return bool(targets) or bool(PAGE_REF.search(raw) or DECIMAL_FILE.search(raw) or TELEGRAM_REF.search(raw)
                                 or FOREIGN_RELATIONS.search(raw))
