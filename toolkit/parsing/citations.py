"""Split notes into citations, classify them, resolve Ibid. and short forms.

`parse_notes(notes, archives)` takes the texts of a document's notes in order
and returns, for each note, its citations:

- ``archival``: reaches one or more archival references (see `archives`);
- ``published``: a book or article with its publication facts;
- ``short-form``: "Sadoul, *Notes*, p. 215", resolved to the earlier full citation;
- ``ibid``: "Ibid." / "*Ibid.*, p. 304", resolved to the note it leans on, following chains;
- ``cross-reference``: to another place of the same edition ("Vol. ii, p. 28", "ante, p. 6");
- ``commentary``: the author's prose in the note ("The two Bolsheviks, in fact, landed ...");
- ``unparsed``: looks like a citation but fits no form; kept verbatim, never dropped.

Pure: text in, data out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from toolkit.parsing.archives import Archives, Definition, Reference

ARCHIVAL = "archival"
PUBLISHED = "published"
SHORT_FORM = "short-form"
IBID = "ibid"
CROSS_REFERENCE = "cross-reference"
COMMENTARY = "commentary"
UNPARSED = "unparsed"
KINDS = (ARCHIVAL, PUBLISHED, SHORT_FORM, IBID, CROSS_REFERENCE, COMMENTARY, UNPARSED)

ABBREVIATIONS = {
    "p", "pp", "vol", "vols", "no", "nos", "ed", "eds", "trans", "cf", "ff", "f", "fol", "fols",
    "col", "cols", "ch", "chap", "art", "n", "nn", "op", "cit", "esp", "ser", "pt", "bk", "repr",
    "mass", "calif", "conn", "st", "mr", "mrs", "messrs", "dr", "jr", "sr", "gen", "col", "maj",
    "capt", "lt", "adm", "rev", "hon", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct",
    "nov", "dec", "dept", "univ", "ms", "mss", "comp", "et", "al", "viz", "approx", "ca", "c",
}
SIGNAL = re.compile(
    r"(?P<signal>See also|Also see|See especially|See generally|But see|See|Cited in|Quoted in"
    r"|Cf\.|Compare)\s+",
    re.I,
)
CONNECTIVE = re.compile(r"(?:and|or)\s+", re.I)
IBID_RE = re.compile(r"\*?\s*ibid\.?\s*\*?(?:[.,]\s*|\s+|$)", re.I)
LOCATOR = re.compile(
    r"(?:\b(?:pp?|vol|fols?|ff|cols?)\.\s*[\divxlcIVXLC]+(?:\s*[-–]\s*[\divxlc]+)?"
    r"(?:\s*,\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?(?!\d*\)))*(?:,\s*(?:footnote|n\.)\s*\d+)?"
    r"|\b\d+:\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)"
)
CROSS_REF = re.compile(
    r"(?:\b(?:ante|post|supra|infra)\b|\bvol\.\s+[ivx]+\b(?=,\s*p)|\bfootnote\s+\d+\b|^(?:Printed|Not printed; see))",
    re.I,
)
ITALIC = re.compile(r"\*[^*]+\*")
PUBLICATION_FACTS = re.compile(r"\([^()]*\b1[4-9]\d\d\)")
TITLE = re.compile(r"\*[^*]+\*|\"[^\"]+\"|“[^”]+”")
PUBLICATION = re.compile(r"\([^()]*\b1[4-9]\d\d\b[^()]*\)|\b1[4-9]\d\d\b")
SHORT_FORM_RE = re.compile(
    r"(?P<author>[A-Z][^,*\"“()]{1,60}?),\s+\*(?P<title>[^*]+)\*(?:,\s*(?P<rest>[^()]*?))?\s*\.?\s*$"
)
AUTHOR_BEFORE_TITLE = re.compile(r"^(?P<author>.*?),\s+(?:\*|\"|“)")
SPLIT_AFTER_PUBLICATION = re.compile(r"(?<=\))(?:,\s*(?:pp?\.\s*[\d–-]+\s*,\s*)?)?\s*and\s+(?=[A-Z])")


@dataclass
class Citation:
    """One citation in a note; offsets are into the note's normalized text."""

    raw: str
    start: int
    end: int
    kind: str
    signal: str | None = None
    locator: str | None = None
    author: str | None = None
    title: str | None = None
    references: list[Reference] = field(default_factory=list)
    resolves_to: int | None = None  # index of the note it finally leans on
    target: int | None = None  # index of that citation in the note
    chain: list[int] = field(default_factory=list)  # notes followed on the way


@dataclass
class ParsedNote:
    citations: list[Citation]
    definitions: list[Definition]


def parse_notes(notes: list[str], archives: Archives) -> list[ParsedNote]:
    """Parse every note of a document, in order, and resolve them against each other."""
    definitions: list[Definition] = []
    parsed: list[ParsedNote] = []
    for text in notes:
        note = parse_note(text, archives, definitions)
        definitions = definitions + note.definitions
        parsed.append(note)
    resolve_citations(parsed)
    return parsed


def parse_note(text: str, archives: Archives, definitions: list[Definition] | None = None) -> ParsedNote:
    """Split one note into classified citations (not yet resolved)."""
    refs = archives.find(text, definitions)
    learned = archives.learn_definitions(text, refs)
    protected = sorted({(r.start, r.end) for r in refs})
    citations = []
    for start, end in segment_note(text, protected):
        cit = _classify(text, start, end, [r for r in refs if start <= r.start < end])
        if cit is not None:
            citations.append(cit)
    return ParsedNote(citations, learned)


def segment_note(text: str, protected: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of the citations in a note: cut at "; " and at sentence ends, outside
    parentheses, quotes, italics and archival references."""
    protected = protected or []
    cuts: list[int] = []
    depth = 0
    italic = quote = False
    curly = 0
    i = 0
    n = len(text)
    while i < n:
        inside = next((e for s, e in protected if s <= i < e), None)
        if inside is not None:
            i = inside
            continue
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "*":
            if italic and text[i - 1] == "." and depth == 0 and _sentence_end(text, i):
                cuts.append(i + 1)  # "*Ibid.* Also see ..."
            italic = not italic
        elif ch == '"':
            quote = not quote
        elif ch == "“":
            curly += 1
        elif ch == "”":
            curly = max(0, curly - 1)
        elif depth == 0 and not italic and not quote and curly == 0:
            if ch == ";" and i + 1 < n and text[i + 1].isspace():
                cuts.append(i + 1)
            elif ch == "." and _sentence_end(text, i):
                cuts.append(i + 1)
        i += 1
    spans = []
    pos = 0
    for cut in cuts + [n]:
        spans.extend(_split_works(text, pos, cut))
        pos = cut
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _sentence_end(text: str, i: int) -> bool:
    """Is the period at `i` the end of a sentence (not an abbreviation or initial)?"""
    after = text[i + 1 : i + 4]
    if not after[:1].isspace():
        return False
    nxt = text[i + 1 :].lstrip()
    if not nxt or not (nxt[0].isupper() or nxt[0] in "*\"“"):
        return False
    word = re.search(r"[\w.'’-]*$", text[:i]).group(0)  # type: ignore[union-attr]
    bare = word.strip(".").lower()
    if not bare:
        return True
    if bare in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", bare):
        return False
    if word[:1].isupper() and len(bare) <= 2:  # initials such as "Ia." or "St."
        return False
    if re.match(r"[A-Z]\.\s", nxt):  # followed by an initial: "Ia. G. Temkin"
        return False
    return True


def _split_works(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """"*A* (Place, 1935), and B, *C* (Place, 1940)": one span per work."""
    spans = []
    pos = start
    for m in SPLIT_AFTER_PUBLICATION.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t;,":
        start += 1
    while end > start and text[end - 1] in " \t;,":
        end -= 1
    return start, end


def _classify(text: str, start: int, end: int, refs: list[Reference]) -> Citation | None:
    raw = text[start:end]
    body = raw
    signal = None
    if (m := CONNECTIVE.match(body)) is not None:
        body = body[m.end() :]
    if (m := SIGNAL.match(body)) is not None:
        signal = m.group("signal").lower()
        body = body[m.end() :]
    cit = Citation(raw=raw, start=start, end=end, kind=UNPARSED, signal=signal)
    locators = LOCATOR.findall(body)
    cit.locator = locators[-1].strip() if locators else None
    if IBID_RE.match(body):
        cit.kind = IBID
        rest = body[IBID_RE.match(body).end() :]  # type: ignore[union-attr]
        own = LOCATOR.findall(rest)
        cit.locator = own[-1].strip() if own else None
        return cit
    if refs:
        cit.kind = ARCHIVAL
        cit.references = refs
        return cit
    if (m := SHORT_FORM_RE.match(body)) is not None and not PUBLICATION.search(body):
        cit.kind = SHORT_FORM
        cit.author = m.group("author").strip()
        cit.title = m.group("title").strip()
        return cit
    title = TITLE.search(body)
    author = AUTHOR_BEFORE_TITLE.match(body)
    if title and (PUBLICATION.search(body) or (author and cit.locator)):
        cit.kind = PUBLISHED
        cit.title = title.group(0).strip('*"“”,')
        cit.author = author.group("author").strip() if author else None
        return cit
    if CROSS_REF.search(body):
        cit.kind = CROSS_REFERENCE
        return cit
    if ITALIC.search(body) or cit.locator or PUBLICATION_FACTS.search(body):
        return cit  # citation-like, no known form: unparsed
    cit.kind = COMMENTARY
    cit.locator = None
    return cit


def _words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", s.lower())


def resolve_citations(notes: list[ParsedNote]) -> None:
    """Point every Ibid. and short form at the note it leans on."""
    for n, note in enumerate(notes):
        for k, cit in enumerate(note.citations):
            if cit.kind == SHORT_FORM:
                found = _find_full(notes, n, k, cit)
                if found is not None:
                    cit.resolves_to, cit.target = found
                    cit.chain = [found[0]]
            elif cit.kind == IBID:
                _resolve_ibid(notes, n, k, cit)


def _find_full(notes: list[ParsedNote], n: int, k: int, cit: Citation) -> tuple[int, int] | None:
    surname = _words(cit.author or "")[-1:] or [""]
    title = _words(cit.title or "")
    for i in range(n, -1, -1):
        cits = notes[i].citations
        upto = k if i == n else len(cits)
        for j in range(upto - 1, -1, -1):
            full = cits[j]
            if full.kind not in (PUBLISHED, ARCHIVAL) or not full.title:
                continue
            if surname[0] in _words(full.author or "") and _words(full.title)[: len(title)] == title:
                return i, j
    return None


def _resolve_ibid(notes: list[ParsedNote], n: int, k: int, cit: Citation) -> None:
    sources = [c for c in notes[n].citations[:k] if c.kind not in (COMMENTARY,)]
    if sources:  # "…; see also ibid., p. 571": the citation just before, same note
        j = notes[n].citations.index(sources[-1])
        target_note, target = n, j
    elif n > 0:
        target_note = n - 1
        cands = [j for j, c in enumerate(notes[n - 1].citations) if c.kind != COMMENTARY]
        if not cands:
            return
        target = cands[-1]  # the source cited immediately before
    else:
        return
    chain = [target_note]
    # Notes are resolved in order, so the target is already resolved: one step
    # along its own chain reaches the end.
    leaned = notes[target_note].citations[target]
    if leaned.kind in (IBID, SHORT_FORM) and leaned.resolves_to is not None and leaned.target is not None:
        chain.extend(x for x in leaned.chain if x not in chain)
        target_note, target = leaned.resolves_to, leaned.target
    cit.resolves_to, cit.target, cit.chain = target_note, target, chain
    if cit.locator is None:
        cit.locator = notes[target_note].citations[target].locator


def effective_references(notes: list[ParsedNote], n: int) -> list[Reference]:
    """A note's archival references after following Ibid. and short forms."""
    out: list[Reference] = []
    seen: set[tuple] = set()
    for cit in notes[n].citations:
        for ref in citation_references(notes, n, cit):
            if ref.key not in seen:
                seen.add(ref.key)
                out.append(ref)
    return out


def citation_references(notes: list[ParsedNote], n: int, cit: Citation) -> list[Reference]:
    """The archival references a citation reaches (its own, or those it leans on)."""
    if cit.kind == ARCHIVAL:
        return cit.references
    if cit.kind not in (IBID, SHORT_FORM) or cit.resolves_to is None or cit.target is None:
        return []
    if cit.kind == IBID and cit.resolves_to != n:
        # "Ibid." at the head of a note leans on all the sources of the note it names.
        return [r for c in notes[cit.resolves_to].citations if c.kind == ARCHIVAL for r in c.references]
    target = notes[cit.resolves_to].citations[cit.target]
    return target.references if target.kind == ARCHIVAL else []
