"""One document, analyzed: citations, references, sentences, suggested claims.

`analyze(read, archives)` takes what a reader found (`toolkit.readers`) and does
what is the same for every format; it touches neither disk nor database, and
`ingest` stores what it returns. `parse_document(source, archives)` is the same
for one decoded plain-text file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from toolkit.parsing.archives import Archives, Reference
from toolkit.parsing.citations import ParsedNote, effective_references, parse_notes
from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.parsing.layout import Layout
from toolkit.terms import SUPPORTING_ROLES
from toolkit.parsing.sentences import split_sentences

if TYPE_CHECKING:
    from toolkit.readers.base import ReadDocument

ARTICLE = "article"
ABSTRACT = "abstract"
PRIMARY_SOURCE = "primary-source"
KINDS = (ARTICLE, ABSTRACT, PRIMARY_SOURCE)

FILE_LINE = re.compile(r"File\s+Nos?\.\s+\S.*")
BRACKETED = re.compile(r"\[[^\]]*\](?:[⁰¹²³⁴⁵⁶⁷⁸⁹*]+)?")
DATELINE = re.compile(r"[A-Z][\w .’'-]{1,40},\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:/\d{1,2})?,\s+\d{4}|\d{4})")
ABSTRACT_HINT = re.compile(r"^\s*(?:#+\s*)?abstract\b", re.I)
MIN_CLAIM_WORDS = 4


@dataclass
class SuggestedClaim:
    start: int
    end: int
    footnotes: list[int]  # indexes into Layout.footnotes
    rule: str  # "marker": the sentence carries a marker; "sentence": a note-less document


@dataclass
class ParsedDocument:
    layout: Layout
    notes: list[ParsedNote | None]  # per footnote; None where the marker has no note
    note_references: list[list[Reference]]  # per footnote, after Ibid. and short forms
    kind: str
    title: str
    file_numbers: list[str]
    references: list[Reference]  # the document's own (its file number)
    reference_spans: list[tuple[int, int]]  # where in the text they were found
    sentences: list[tuple[int, int]]
    claims: list[SuggestedClaim] = field(default_factory=list)
    read: "ReadDocument | None" = None  # what the reader found: format, provenance, problems

    @property
    def text(self) -> str:
        return self.layout.text


def parse_document(source: str, archives: Archives, kind: str | None = None,
                   fallback_title: str = "") -> ParsedDocument:
    """Parse a decoded plain-text document. `kind` overrides the guess (article, abstract, primary-source)."""
    from toolkit.readers.text import read_text

    return analyze(read_text(source), archives, kind=kind, fallback_title=fallback_title)


def analyze(read: "ReadDocument", archives: Archives, kind: str | None = None,
            fallback_title: str = "") -> ParsedDocument:
    """Everything after reading: citations, the document's own references, kind, title, sentences, claims."""
    layout = read.layout
    with_notes = [fn.note.text for fn in layout.footnotes if fn.note is not None]
    parsed = parse_notes(with_notes, archives)
    # Citations point at notes by their index among notes with text; turn that
    # into the index among all footnotes (a marker without a note has none).
    footnote_of = [i for i, fn in enumerate(layout.footnotes) if fn.note is not None]
    note_references = [[] for _ in layout.footnotes]
    notes: list[ParsedNote | None] = [None] * len(layout.footnotes)
    for k, note in enumerate(parsed):
        note_references[footnote_of[k]] = effective_references(parsed, k)
        notes[footnote_of[k]] = note
    for note in parsed:
        for cit in note.citations:
            if cit.resolves_to is not None:
                cit.resolves_to = footnote_of[cit.resolves_to]
                cit.chain = [footnote_of[x] for x in cit.chain]

    heads = _header_paragraphs(layout)
    file_numbers: list[str] = list(read.file_numbers)
    references: list[Reference] = []
    spans: list[tuple[int, int]] = []
    for start, end in heads:
        line = layout.text[start:end]
        if FILE_LINE.fullmatch(line):
            for ref in archives.find(line):
                if ref.item and ref.item not in file_numbers:
                    file_numbers.append(ref.item)
                references.append(ref)
                spans.append((start + ref.start, start + ref.end))

    doc_kind = kind or read.kind or _guess_kind(layout, file_numbers)
    title = read.title or _title(layout, heads, doc_kind) or fallback_title
    body = [(p.start, p.end) for p in layout.paragraphs if p.kind == "body"]
    sentences = split_sentences(layout.text, body)
    doc = ParsedDocument(layout, notes, note_references, doc_kind, title, file_numbers, references, spans,
                         sentences, read=read)
    doc.claims = suggest_claims(doc, heads)
    return doc


def _header_paragraphs(layout: Layout) -> list[tuple[int, int]]:
    """The leading short paragraphs of a primary source: file number, heading, dateline."""
    out = []
    for p in layout.paragraphs[:6]:
        text = layout.text[p.start : p.end]
        if len(text) > 300:
            break
        out.append((p.start, p.end))
    return out


def _guess_kind(layout: Layout, file_numbers: list[str]) -> str:
    if file_numbers:
        return PRIMARY_SOURCE
    body = [p for p in layout.paragraphs if p.kind == "body"]
    if not layout.footnotes and (len(body) <= 2 or ABSTRACT_HINT.match(layout.text)):
        return ABSTRACT
    return ARTICLE


def _title(layout: Layout, heads: list[tuple[int, int]], kind: str) -> str:
    for p in layout.paragraphs:
        if p.kind == "heading":
            return layout.text[p.start : p.end].strip()
    if kind == PRIMARY_SOURCE:
        for start, end in heads:
            line = layout.text[start:end].strip()
            if not FILE_LINE.fullmatch(line) and not BRACKETED.fullmatch(line):
                return re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+$", "", line).strip()
    return ""


def _is_header(layout: Layout, start: int, end: int, heads: list[tuple[int, int]], kind: str) -> bool:
    if kind != PRIMARY_SOURCE:
        return False
    line = layout.text[start:end].strip()
    if (start, end) not in heads:
        return False
    return bool(FILE_LINE.fullmatch(line) or BRACKETED.fullmatch(line) or DATELINE.match(line)
                or len(line.split()) < 12)


def suggest_claims(doc: ParsedDocument, heads: list[tuple[int, int]]) -> list[SuggestedClaim]:
    """Sentences that carry a marker of a note that cites sources, linked to it; in a document
    without notes, and in a primary source, every real sentence. An editorial note (an editor
    identifying a person, "Not printed") or a cross-reference is no evidence: it suggests nothing."""
    layout = doc.layout
    markers = sorted(
        (fn.marker.start, i) for i, fn in enumerate(layout.footnotes)
        if fn.marker is not None and (doc.notes[i] is None or doc.notes[i].role in SUPPORTING_ROLES)
    )
    has_notes = any(fn.note is not None for fn in layout.footnotes)
    header_spans = [(s, e) for s, e in heads if _is_header(layout, s, e, heads, doc.kind)]
    claims = []
    positions = [pos for pos, _ in markers]
    for start, end in doc.sentences:
        # A book has thousands of markers and sentences: find a sentence's by bisection.
        inside = [i for _, i in markers[bisect_left(positions, start) : bisect_left(positions, end)]]
        if inside:
            claims.append(SuggestedClaim(start, end, inside, "marker"))
        elif not has_notes or doc.kind == PRIMARY_SOURCE:
            if any(s <= start < e for s, e in header_spans):
                continue
            if len(layout.text[start:end].split()) >= MIN_CLAIM_WORDS:
                claims.append(SuggestedClaim(start, end, [], "sentence"))
    return claims


def document_problems(doc: ParsedDocument) -> list[str]:
    """What the reader saw and could not link, in a line each (never silent)."""
    problems = list(doc.read.problems) if doc.read is not None else []
    fns = doc.layout.footnotes
    markers = [fn for fn in fns if MARKER_WITHOUT_NOTE in fn.flags]
    notes = [fn for fn in fns if NOTE_WITHOUT_MARKER in fn.flags]
    if markers:
        problems.append(f"{len(markers)} of {len(fns)} footnote markers have no note "
                        f"(first: marker {markers[0].label})")
    if notes:
        problems.append(f"{len(notes)} of {len(fns)} notes have no marker in the text "
                        f"(first: note {notes[0].label})")
    return problems
