"""Undo what page layout and OCR did to a document.

`parse_layout(source)` takes the decoded text of a file and returns:

- the normalized body text: notes taken out, paragraphs that a block of notes
  (or a bare page break) cut in two joined again, words hyphenated across such a
  break rejoined, ``[Page N]`` removed, markers rendered as superscript digits,
  web-page debris ("Read full abstract") dropped;
- every footnote marker and note, linked by position (see `footnotes`);
- the page map (where each printed page starts);
- an `OffsetMap` from every normalized character back to the source.

Pure: no I/O, no database, no spaCy.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from toolkit.parsing.footnotes import MarkerRef, NoteRef, link_footnotes
from toolkit.parsing.offsets import OffsetMap, TextBuilder

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

# Paragraphs are separated by blank lines.
BLOCK_SPLIT = re.compile(r"[ \t]*\r?\n(?:[ \t]*\r?\n)+")
PAGE_ONLY = re.compile(r"\[Page\s+(?P<label>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\]")
HEADING = re.compile(r"#{1,6}[ \t]+")
NOTES_HEADING = re.compile(r"(?:#{1,6}[ \t]+)?(?:Notes|Endnotes|Footnotes|References)\s*:?\s*", re.I)
NOTE_START = re.compile(
    r"(?:<sup>\s*(?P<sup>\d{1,3}|[*†‡])\s*</sup>\.?"
    r"|\[(?P<br>\d{1,3})\]"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
    r"|(?P<num>\d{1,3}|[*†‡])\.)"
    r"[ \t]+(?=\S)"
)
# Things inside a paragraph that are not copied verbatim.
INLINE = re.compile(
    r"(?P<sup><sup>\s*(?P<supl>\d{1,3}|[*†‡])\s*</sup>)"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<br>\[(?P<brl>\d{1,3})\])"
    r"|(?P<page>[ \t]*\[Page\s+(?P<pagel>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\][ \t]*)"
    r"|(?P<hyph>(?<=[^\W\d_])-[ \t]*\r?\n\s*(?=[a-z]))"
    r"|(?P<ws>[ \t]*\r?\n\s*|[ \t]{2,}|\t)"
)
# Footnote markers alone, for finding them (the full INLINE scan also stops at every space run).
MARKERS = re.compile(
    r"(?P<sup><sup>\s*(?P<supl>\d{1,3}|[*†‡])\s*</sup>)"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<br>\[(?P<brl>\d{1,3})\])"
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
    content_end: int = 0  # where the content ends (before debris)


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
        return _page_of(self.pages, offset)


def split_blocks(source: str) -> list[Block]:
    """Paragraphs of the source with their trimmed spans, classified by shape."""
    blocks: list[Block] = []
    pos = 0
    for m in list(BLOCK_SPLIT.finditer(source)) + [None]:
        end = m.start() if m else len(source)
        raw = source[pos:end]
        lead = len(raw) - len(raw.lstrip())
        start, stop = pos + lead, pos + len(raw.rstrip())
        if stop > start:
            blocks.append(_classify(len(blocks), source, start, stop))
        pos = m.end() if m else len(source)
    return blocks


def _classify(index: int, source: str, start: int, end: int) -> Block:
    text = source[start:end]
    block = Block(index, start, end, "body", text_start=start, content_end=end)
    if (m := PAGE_ONLY.fullmatch(text)) is not None:
        block.kind, block.label = "page", m.group("label")
    elif (m := HEADING.match(text)) is not None:
        block.kind, block.text_start = "heading", start + m.end()
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
            elif m.group("br") and not has_sup:
                markers.append(Marker(m.group("brl"), "bracket", m.start(), m.end()))
    return markers


def parse_layout(source: str) -> Layout:
    """Normalize a document; see the module docstring."""
    blocks = split_blocks(source)
    markers = find_markers(source, blocks)

    # Which note-like paragraphs are notes is decided by linking, by position.
    note_blocks = [b for b in blocks if b.kind == "note"]
    in_section = _notes_section_start(source, blocks)
    note_refs = [
        NoteRef(i, b.label or "", b.start, b.index, in_notes_section=b.index > in_section)
        for i, b in enumerate(note_blocks)
    ]
    # A marker inside a note-like paragraph only counts if that paragraph is body text;
    # link on all of them, then drop markers that fell inside real notes.
    marker_refs = [MarkerRef(i, m.printed, m.source_start) for i, m in enumerate(markers)]
    result = link_footnotes(marker_refs, note_refs)
    if any(_inside_note(m, note_blocks, result.note_indexes) for m in markers):
        keep = [m for m in markers if not _inside_note(m, note_blocks, result.note_indexes)]
        markers = keep
        marker_refs = [MarkerRef(i, m.printed, m.source_start) for i, m in enumerate(markers)]
        result = link_footnotes(marker_refs, note_refs)
    for i, b in enumerate(note_blocks):
        if i not in result.note_indexes:  # a numbered paragraph, not a note
            b.kind, b.text_start = "body", b.start
            if (d := DEBRIS.search(source, b.start, b.end)) is not None:
                b.content_end = d.start()

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
                for page in pages:
                    if page.source_start > prev.end:
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
    _infer_first_page(pages, text)
    for m in markers:
        m.page = _page_of(pages, m.start)

    notes = {i: _build_note(source, b) for i, b in enumerate(note_blocks) if i in result.note_indexes}
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


def _notes_section_start(source: str, blocks: list[Block]) -> int:
    """Block index of a "Notes" heading, or past the end if there is none."""
    for b in blocks:
        if b.kind in ("heading", "body") and NOTES_HEADING.fullmatch(source[b.start : b.end]):
            return b.index
    return len(blocks) + 1


def _inside_note(marker: Marker, note_blocks: list[Block], real: set[int]) -> bool:
    return any(
        i in real and b.start <= marker.source_start < b.end for i, b in enumerate(note_blocks)
    )


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
    for m in re.finditer(r"[ \t]*\r?\n\s*|[ \t]{2,}", source[block.text_start : block.end]):
        s, e = block.text_start + m.start(), block.text_start + m.end()
        builder.copy(pos, s)
        builder.replace(" ", s, e)
        pos = e
    builder.copy(pos, block.end)
    text, offsets = builder.build()
    return Note(block.label or "", block.start, block.end, text, offsets)


def _infer_first_page(pages: list[PageStart], text: str) -> None:
    """Text before the first page break is on the page before it."""
    if not pages or pages[0].start == 0 or not text[: pages[0].start].strip():
        return
    label = pages[0].label
    if label.isdigit() and int(label) > 1:
        pages.insert(0, PageStart(str(int(label) - 1), 0, 0, inferred=True))


def _page_of(pages: list[PageStart], offset: int) -> str | None:
    label = None
    for page in pages:
        if page.start <= offset:
            label = page.label
        else:
            break
    return label
