"""Undo what page layout and OCR did to a document.

`parse_layout(source)` takes the decoded text of a file and returns:

- the normalized body text: notes taken out (``N. text`` paragraphs or lines,
  ``[N] text``, Project Gutenberg's ``[Footnote N: text]``, a note glued to the
  line above it), paragraphs that a block of notes
  (or a bare page break) cut in two joined again, words hyphenated across such a
  break rejoined, ``[Page N]`` removed, markers rendered as superscript digits,
  web-page debris ("Read full abstract") dropped;
- every footnote marker and note, linked by position (see `footnotes`);
- the page map (where each printed page starts);
- chapters ("CHAPTER IV", "# Chapter 4"), so that a book whose chapters restart
  their note numbers links each marker within its chapter;
- an `OffsetMap` from every normalized character back to the source.

Pure: no I/O, no database, no spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from toolkit.parsing.footnotes import MarkerRef, NoteRef, label_follows, link_footnotes
from toolkit.parsing.offsets import OffsetMap, TextBuilder

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

# Paragraphs are separated by blank lines.
BLOCK_SPLIT = re.compile(r"[ \t]*\r?\n(?:[ \t]*\r?\n)+")
PAGE_ONLY = re.compile(r"\[Page\s+(?P<label>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\]")
HEADING = re.compile(r"#{1,6}[ \t]+")
NOTES_HEADING = re.compile(r"(?:#{1,6}[ \t]+)?(?P<word>Notes|Endnotes|Footnotes|References)\s*:?\s*", re.I)
# A chapter heading, on one line or two ("CHAPTER IV" / "THE TREATY").
CHAPTER = re.compile(
    r"(?:#{1,6}[ \t]+)?(?:CHAPTER|Chapter|BOOK|Book|PART|Part)[ \t]+(?:[IVXLCDM]+|\d+|[A-Z][a-z]+|[A-Z]+)\b"
    r"[^\n]{0,80}(?:\n[^\n]{1,80})?"
)
# A note label: up to four digits, and a letter for a note added after numbering ("98a").
LABEL = r"\d{1,4}[a-z]?"
NOTE_START = re.compile(
    rf"(?:<sup>\s*(?P<sup>{LABEL}|[*†‡])\s*</sup>\.?"
    rf"|\[(?P<br>{LABEL})\]"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
    rf"|(?P<num>{LABEL}|[*†‡])\.)"
    r"[ \t]+(?=\S)"
)
# Project Gutenberg's note: "[Footnote 3: text]", possibly over several lines and paragraphs.
FOOTNOTE_BLOCK = re.compile(r"\[Footnote[ \t]+(?P<label>\d{1,4}[a-z]?|[A-Z]|[*†‡])[ \t]*:\s*")
# A line that may be a note glued to the line above it (no blank line between).
GLUED = re.compile(rf"\r?\n[ \t]*(?=\[Footnote[ \t]|\[(?P<br>{LABEL})\][ \t]+\S|(?P<num>{LABEL})\.[ \t]+\S)")
# A line that ends a sentence (not with a colon: "The terms were:" opens a list).
LINE_END_OF_SENTENCE = re.compile(r"(?:[.!?;)\]\"”’\d⁰¹²³⁴⁵⁶⁷⁸⁹]|</sup>)[ \t]*$")
# Things inside a paragraph that are not copied verbatim.
INLINE = re.compile(
    rf"(?P<sup><sup>\s*(?P<supl>{LABEL}|[*†‡])\s*</sup>)"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|(?P<br>\[(?P<brl>{LABEL}|[A-Z])\])"
    r"|(?P<page>[ \t]*\[Page\s+(?P<pagel>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\][ \t]*)"
    r"|(?P<hyph>(?<=[^\W\d_])-[ \t]*\r?\n\s*(?=[a-z]))"
    r"|(?P<ws>[ \t]*\r?\n\s*|[ \t]{2,}|\t)"
)
# Footnote markers alone, for finding them (the full INLINE scan also stops at every space run).
MARKERS = re.compile(
    rf"(?P<sup><sup>\s*(?P<supl>{LABEL}|[*†‡])\s*</sup>)"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|(?P<br>\[(?P<brl>{LABEL}|[A-Z])\])"
)
# Web-page furniture that scraping leaves at the end of a paragraph.
DEBRIS = re.compile(
    r"(?<=[.!?”\"')\]])\s*(?:Read (?:the )?full (?:abstract|text|article)|Read more|Show (?:more|less)"
    r"|View (?:full )?(?:abstract|article))\s*$",
    re.I,
)
TERMINAL = re.compile(r"[.!?:;]['\"”’)\]]*\s*$")
CONTINUATION_START = re.compile(r"[\"“‘']?[^\W\d_]")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass
class Block:
    """A paragraph of the source, between blank lines."""

    index: int
    start: int
    end: int
    kind: str  # "body", "heading", "page", "note" (note-like; may turn out body)
    label: str | None = None  # note label or page label
    text_start: int = 0  # where the content starts (after "## " or "12. ")
    content_end: int = 0  # where the content ends (before debris, or a note's closing "]")
    glued: bool = False  # cut from the paragraph above at a line break: joined again unless a note
    chapter: int = 0  # chapters met before it (headings such as "CHAPTER IV")


@dataclass
class Marker:
    """A footnote marker in the body."""

    printed: str
    style: str  # "sup", "unicode", "bracket"
    source_start: int
    source_end: int
    start: int = -1  # in the normalized text
    end: int = -1
    page: str | None = None


@dataclass
class Note:
    """The text of a note, normalized, with its own offset map."""

    label: str
    source_start: int  # the whole paragraph, label included
    source_end: int
    text: str
    offsets: OffsetMap
    # Spans of `text` the source sets in italics (titles of works): formats that mark
    # emphasis as formatting (Markdown, DOCX, HTML, TEI, PDF fonts) record it here.
    emphasis: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Footnote:
    """A marker and its note, or one of them alone (flagged)."""

    seq: int
    marker: Marker | None
    note: Note | None
    flags: list[str]

    @property
    def label(self) -> str:
        if self.note is not None:
            return self.note.label
        assert self.marker is not None
        return self.marker.printed


@dataclass
class PageStart:
    label: str
    start: int  # normalized offset where the page begins
    source_start: int  # where the page marker stood in the source
    inferred: bool = False  # the first page, known only from the next break


@dataclass
class Paragraph:
    kind: str  # "body" or "heading"
    start: int
    end: int
    source_start: int
    source_end: int


@dataclass
class Repair:
    kind: str  # "rejoined", "dehyphenated", "debris-removed"
    start: int  # normalized offset where it shows
    source_start: int
    source_end: int
    detail: str = ""


@dataclass
class Layout:
    text: str
    offsets: OffsetMap
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]
    pages: list[PageStart]
    repairs: list[Repair] = field(default_factory=list)

    def page_at(self, offset: int) -> str | None:
        return page_of(self.pages, offset)


def split_blocks(source: str) -> list[Block]:
    """Paragraphs of the source with their trimmed spans, classified by shape.

    A line that may start a note glued to the line above is cut off as a block of
    its own (`glued`); a Gutenberg ``[Footnote`` runs on to its closing bracket."""
    spans: list[tuple[int, int, bool]] = []
    pos = 0
    for m in list(BLOCK_SPLIT.finditer(source)) + [None]:
        end = m.start() if m else len(source)
        raw = source[pos:end]
        lead = len(raw) - len(raw.lstrip())
        start, stop = pos + lead, pos + len(raw.rstrip())
        if stop > start:
            spans.extend(_glued_lines(source, start, stop))
        pos = m.end() if m else len(source)
    blocks: list[Block] = []
    chapter = 0
    i = 0
    while i < len(spans):
        start, stop, glued = spans[i]
        if source.startswith("[Footnote", start):
            depth = source.count("[", start, stop) - source.count("]", start, stop)
            while depth > 0 and i + 1 < len(spans):
                i += 1
                depth += source.count("[", spans[i][0], spans[i][1]) - source.count("]", spans[i][0], spans[i][1])
                stop = spans[i][1]
        block = _classify(len(blocks), source, start, stop)
        if block.kind in ("body", "heading") and CHAPTER.fullmatch(source, start, stop):
            chapter += 1
        block.glued, block.chapter = glued, chapter
        blocks.append(block)
        i += 1
    return blocks


def _glued_lines(source: str, start: int, stop: int) -> list[tuple[int, int, bool]]:
    """The paragraph cut before each line that may be a note glued to the line above: that
    line ends a sentence or is a "Notes" heading. A line that continues the numbering of
    the line-start label before it ("1. …" / "2. …") goes the way that one went."""
    spans = []
    first = NOTE_START.match(source, start)
    prev, prev_cut = (first.group("num") or first.group("br"), True) if first else (None, False)
    for m in GLUED.finditer(source, start, stop):
        label = m.group("num") or m.group("br")
        if label and prev and label_follows(prev, label):
            cut = prev_cut
        else:
            above = source[max(start, source.rfind("\n", start, m.start()) + 1) : m.start()]
            cut = bool(LINE_END_OF_SENTENCE.search(above) or NOTES_HEADING.fullmatch(above.strip()))
        prev, prev_cut = label, cut
        if cut:
            spans.append((start, len(source[start:m.start()].rstrip()) + start, bool(spans)))
            start = m.end()
    spans.append((start, stop, bool(spans)))
    return spans


def _classify(index: int, source: str, start: int, end: int) -> Block:
    text = source[start:end]
    block = Block(index, start, end, "body", text_start=start, content_end=end)
    if (m := PAGE_ONLY.fullmatch(text)) is not None:
        block.kind, block.label = "page", m.group("label")
    elif (m := HEADING.match(text)) is not None:
        block.kind, block.text_start = "heading", start + m.end()
    elif (m := FOOTNOTE_BLOCK.match(text)) is not None:
        block.kind, block.label, block.text_start = "note", m.group("label"), start + m.end()
        if text.endswith("]"):
            block.content_end = end - 1
    elif (m := NOTE_START.match(text)) is not None:
        label = m.group("sup") or m.group("br") or m.group("num")
        if label is None:
            label = m.group("uni").translate(FROM_SUPERSCRIPT)
        block.kind, block.label, block.text_start = "note", label, start + m.end()
    if block.kind in ("body", "heading"):
        if (d := DEBRIS.search(text)) is not None:
            block.content_end = start + d.start()
    return block


def find_markers(source: str, blocks: list[Block]) -> list[Marker]:
    """Every footnote marker in body and heading paragraphs, in order."""
    has_sup = "<sup>" in source
    # "[A]" is a marker only where Gutenberg notes are lettered ("[Footnote A: ...]"), and
    # "[1918]" only where a note is numbered 1918: otherwise they are a year, a plan A.
    labels = {b.label for b in blocks if b.kind == "note"}
    markers: list[Marker] = []
    for block in blocks:
        if block.kind not in ("body", "heading", "note"):
            continue
        for m in MARKERS.finditer(source, block.text_start, block.content_end):
            if m.group("sup"):
                markers.append(Marker(m.group("supl"), "sup", m.start(), m.end()))
            elif m.group("uni") and m.start() > block.text_start:
                markers.append(
                    Marker(m.group("uni").translate(FROM_SUPERSCRIPT), "unicode", m.start(), m.end())
                )
            elif m.group("br") and not has_sup and (
                    len(m.group("brl")) < 4 and not m.group("brl").isalpha() or m.group("brl") in labels):
                markers.append(Marker(m.group("brl"), "bracket", m.start(), m.end()))
    return markers


def parse_layout(source: str) -> Layout:
    """Normalize a document; see the module docstring."""
    blocks = split_blocks(source)
    markers = find_markers(source, blocks)

    # Which note-like paragraphs are notes is decided by linking, by position.
    # Where Gutenberg's "[Footnote N: ...]" are the notes, numbered paragraphs are not.
    note_blocks = [b for b in blocks if b.kind == "note"]
    if any(source.startswith("[Footnote", b.start) for b in note_blocks):
        note_blocks = [b for b in note_blocks if source.startswith("[Footnote", b.start)]
    in_section = _notes_sections(source, blocks)
    note_refs = [
        NoteRef(i, b.label or "", b.start, b.index, in_notes_section=b.index in in_section,
                in_references=in_section.get(b.index) == "references",
                chapter=b.chapter, list_like=not source.startswith("[Footnote", b.start))
        for i, b in enumerate(note_blocks)
    ]
    chapter_of = _chapter_finder(blocks)
    # A marker inside a note-like paragraph only counts if that paragraph is body text;
    # link on all of them, then drop markers that fell inside real notes.
    marker_refs = [MarkerRef(i, m.printed, m.source_start, chapter_of(m.source_start))
                   for i, m in enumerate(markers)]
    result = link_footnotes(marker_refs, note_refs)
    inside = _inside_notes(markers, note_blocks, result.note_indexes)
    if inside:
        markers = [m for i, m in enumerate(markers) if i not in inside]
        marker_refs = [MarkerRef(i, m.printed, m.source_start, chapter_of(m.source_start))
                       for i, m in enumerate(markers)]
        result = link_footnotes(marker_refs, note_refs)
    real = {id(b) for i, b in enumerate(note_blocks) if i in result.note_indexes}
    blocks = _rejoin_glued(source, blocks, real)
    notes = {i: _build_note(source, b) for i, b in enumerate(note_blocks) if i in result.note_indexes}

    builder = TextBuilder(source)
    words = WordCounts(source)
    paragraphs: list[Paragraph] = []
    pages: list[PageStart] = []
    repairs: list[Repair] = []
    marker_at = {m.source_start: m for m in markers}

    body = [b for b in blocks if b.kind in ("body", "heading", "page")]
    prev: Block | None = None
    for block in body:
        if block.kind == "page":
            pages.append(PageStart(block.label or "", builder.length, block.start))
            continue
        joined = False
        if prev is not None:
            join = _join_kind(source, prev, block, words)
            if join is not None:
                joined = True
                _emit_join(builder, source, prev, block, join, repairs)
                # Pages that began in the gap begin where the continuation does.
                for page in reversed(pages):
                    if page.source_start <= prev.end:
                        break
                    page.start = builder.length
            else:
                builder.replace("\n\n", prev.end, block.start)
        para_start = builder.length
        _emit_block(builder, source, block, marker_at, pages, words, repairs)
        if block.content_end < block.end:
            repairs.append(Repair("debris-removed", builder.length, block.content_end, block.end,
                                  source[block.content_end:block.end].strip()))
        if joined and paragraphs:
            paragraphs[-1].end = builder.length
            paragraphs[-1].source_end = block.end
        else:
            paragraphs.append(
                Paragraph(block.kind, para_start, builder.length, block.start, block.end)
            )
        prev = block

    text, offsets = builder.build()
    infer_first_page(pages, text)
    starts = [p.start for p in pages]
    for m in markers:
        k = bisect_right(starts, m.start)
        m.page = pages[k - 1].label if k else None

    footnotes = [
        Footnote(
            seq=k + 1,
            marker=markers[ln.marker] if ln.marker is not None else None,
            note=notes[ln.note] if ln.note is not None else None,
            flags=list(ln.flags),
        )
        for k, ln in enumerate(result.links)
    ]
    return Layout(text, offsets, paragraphs, footnotes, pages, repairs)


def _notes_sections(source: str, blocks: list[Block]) -> dict[int, str]:
    """Blocks under a "Notes" heading, with its word ("notes", "references"). A section
    ends at a chapter heading followed by text, not by notes (a book's notes are often
    grouped by chapter)."""
    inside: dict[int, str] = {}
    word = ""
    for k, b in enumerate(blocks):
        if b.kind in ("heading", "body"):
            if (m := NOTES_HEADING.fullmatch(source, b.start, b.end)) is not None:
                word = m.group("word").lower()
                continue
            if word and CHAPTER.fullmatch(source, b.start, b.end):
                if k + 1 == len(blocks) or blocks[k + 1].kind != "note":
                    word = ""
                continue
        if word:
            inside[b.index] = word
    return inside


def _chapter_finder(blocks: list[Block]):
    """Source offset -> chapter number, from the blocks' chapters."""
    starts = [b.start for b in blocks]

    def chapter_of(offset: int) -> int:
        k = bisect_right(starts, offset)
        return blocks[k - 1].chapter if k else 0

    return chapter_of


def _inside_notes(markers: list[Marker], note_blocks: list[Block], real: set[int]) -> set[int]:
    """Indexes of the markers that sit inside real notes."""
    spans = sorted((b.start, b.end) for i, b in enumerate(note_blocks) if i in real)
    starts = [s for s, _ in spans]
    inside = set()
    for i, m in enumerate(markers):
        k = bisect_right(starts, m.source_start)
        if k and m.source_start < spans[k - 1][1]:
            inside.add(i)
    return inside


def _rejoin_glued(source: str, blocks: list[Block], real: set[int]) -> list[Block]:
    """Note-like paragraphs that are not notes go back to the body; one cut from the
    paragraph above at a line break is joined to it again (a wrapped line of a note too)."""
    out: list[Block] = []
    for b in blocks:
        is_note = b.kind == "note" and id(b) in real
        if not is_note and b.glued and out and out[-1].kind != "page":
            prev = out[-1]
            prev.end = prev.content_end = b.end
            if prev.kind != "note":
                _trim_debris(source, prev)
            continue
        if b.kind == "note" and not is_note:  # a numbered paragraph, not a note
            b.kind, b.text_start = "body", b.start
            _trim_debris(source, b)
        out.append(b)
    return out


def _trim_debris(source: str, block: Block) -> None:
    block.content_end = block.end
    if (d := DEBRIS.search(source, block.text_start, block.end)) is not None:
        block.content_end = d.start()


def _ends_mid_sentence(tail: str) -> bool:
    """True when a paragraph stops on a lowercase word: a page break cut it."""
    tail = tail.rstrip()
    if not tail or TERMINAL.search(tail):
        return False
    last = re.split(r"[\s—–]+", tail.rstrip("—–"))[-1]
    return last.isalpha() and last.islower()


def _strip_trailing_markers(text: str) -> str:
    return re.sub(r"(?:<sup>[^<]*</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)+\s*$", "", text)


def _join_kind(source: str, a: Block, b: Block, words: "WordCounts") -> str | None:
    """How block `b` continues block `a`, if a page break cut one paragraph in two."""
    if a.kind != "body" or b.kind != "body" or a.content_end < a.end:
        return None
    tail = _strip_trailing_markers(source[a.text_start : a.content_end])
    head = source[b.text_start : b.content_end]
    if not tail or not head or not CONTINUATION_START.match(head):
        return None
    if tail.endswith("-") and len(tail) > 1 and tail[-2].isalpha() and head[0].isalpha():
        if head[0].isupper():  # "Brest-" / "Litovsk": a real hyphen
            return "keep-hyphen"
        left = WORD.findall(tail[-40:])[-1] if WORD.findall(tail[-40:]) else ""
        right = WORD.match(head)
        return _hyphen_choice(left, right.group(0) if right else "", words)
    if _ends_mid_sentence(tail) or (head[0].islower() and not TERMINAL.search(tail)):
        return "space"
    return None


class WordCounts:
    """How often the document uses each word, counted the first time a hyphen needs it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._counts: Counter[str] | None = None

    def get(self, word: str, default: int = 0) -> int:
        if self._counts is None:
            self._counts = Counter(w.lower() for w in WORD.findall(self.source))
        return self._counts.get(word, default)


def _hyphen_choice(left: str, right: str, words: "WordCounts") -> str:
    """Drop a line-break hyphen unless the document writes the word with one."""
    joined = (left + right).lower()
    hyphenated_seen = words.get(right.lower(), 0) and f"{left}-{right}".lower()
    if words.get(joined, 0) > 0:
        return "dehyphenate"
    if hyphenated_seen and words.get(left.lower(), 0) > 1:
        return "keep-hyphen"
    return "dehyphenate"


def _emit_join(builder: TextBuilder, source: str, a: Block, b: Block, join: str,
               repairs: list[Repair]) -> None:
    if join == "dehyphenate":
        # The hyphen at the end of `a` stands for nothing; the gap maps to nothing.
        hyphen = a.content_end - 1
        _drop_last(builder, hyphen)
        repairs.append(Repair("dehyphenated", builder.length, hyphen, b.start,
                              f"{source[max(a.start, hyphen - 20):hyphen + 1]} / {source[b.start:b.start + 20]}"))
        return
    sep = "" if join == "keep-hyphen" else " "
    if sep:
        builder.replace(sep, a.end, b.start)
    repairs.append(Repair("rejoined", builder.length, a.end, b.start,
                          f"{source[max(a.start, a.end - 30):a.end]} / {source[b.start:b.start + 30]}"))


def _drop_last(builder: TextBuilder, source_offset: int) -> None:
    """Remove the final character (a hyphen copied from `source_offset`)."""
    n0, n1, s0, s1, verbatim = builder.segments[-1]
    assert s1 == source_offset + 1 and verbatim
    if n1 - n0 == 1:
        builder.segments.pop()
    else:
        builder.segments[-1] = (n0, n1 - 1, s0, s1 - 1, 1)
    last = builder.parts[-1]
    builder.parts[-1] = last[:-1]
    builder.length -= 1


def _emit_block(builder: TextBuilder, source: str, block: Block, marker_at: dict[int, Marker],
                pages: list[PageStart], words: "WordCounts", repairs: list[Repair]) -> None:
    pos = block.text_start
    for m in INLINE.finditer(source, block.text_start, block.content_end):
        builder.copy(pos, m.start())
        pos = m.end()
        if m.group("sup") or m.group("uni") or m.group("br"):
            marker = marker_at.get(m.start())
            if marker is None:  # not a footnote marker here: keep it as it was
                builder.copy(m.start(), m.end())
                continue
            rendered = marker.printed.translate(SUPERSCRIPT) if marker.printed.isdigit() else marker.printed
            marker.start = builder.length
            builder.replace(rendered, m.start(), m.end())
            marker.end = builder.length
        elif m.group("page"):
            whole = m.group("page")
            inner = whole.strip()
            inner_start = m.start() + whole.index(inner)
            at_edge = m.start() == block.text_start or m.end() == block.content_end
            if not at_edge and whole != inner:
                builder.replace(" ", m.start(), m.end())
            pages.append(PageStart(m.group("pagel"), builder.length, inner_start))
        elif m.group("hyph"):
            left = WORD.findall(source[max(block.text_start, m.start() - 40) : m.start()])
            right = WORD.match(source, m.end())
            choice = _hyphen_choice(left[-1] if left else "", right.group(0) if right else "", words)
            if choice == "keep-hyphen":
                builder.copy(m.start(), m.start() + 1)
            repairs.append(Repair("dehyphenated", builder.length, m.start(), m.end()))
        else:  # whitespace run
            builder.replace(" ", m.start(), m.end())
    builder.copy(pos, block.content_end)


def _build_note(source: str, block: Block) -> Note:
    builder = TextBuilder(source)
    pos = block.text_start
    for m in re.finditer(r"[ \t]*\r?\n\s*|[ \t]{2,}", source[block.text_start : block.content_end]):
        s, e = block.text_start + m.start(), block.text_start + m.end()
        builder.copy(pos, s)
        builder.replace(" ", s, e)
        pos = e
    builder.copy(pos, block.content_end)
    text, offsets = builder.build()
    return Note(block.label or "", block.start, block.end, text, offsets)


def infer_first_page(pages: list[PageStart], text: str) -> None:
    """Text before the first page break is on the page before it."""
    if not pages or pages[0].start == 0 or not text[: pages[0].start].strip():
        return
    label = pages[0].label
    if label.isdigit() and int(label) > 1:
        pages.insert(0, PageStart(str(int(label) - 1), 0, 0, inferred=True))


def page_of(pages: list[PageStart], offset: int) -> str | None:
    label = None
    for page in pages:
        if page.start <= offset:
            label = page.label
        else:
            break
    return label
