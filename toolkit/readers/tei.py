"""TEI P5: FRUS volumes and other digital editions. One document per `<div type="document">`.

A footnote is a `<note>` standing at the place of its marker (`type="source"` is not a
footnote: it is the source note, body text, whose "File No. ..." names the document's file);
`n` is the printed label (per printed page in FRUS: repeats, may start at 2, "98a", "*").
`<pb n>` marks where a printed page starts, between or inside paragraphs; a document's
first page is the last `<pb>` before its div.

`source` is the text of the document's text nodes, concatenated in document order (the
string value of the div); one `Anchor` per non-blank text node gives the element that holds
it as an XPath (`/TEI/text[1]/body[1]/div[2]/div[5]/p[3]`, TEI names without prefix) and
`offset`, where the run starts in that element's string value: XPath finds a span again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from toolkit.parsing.layout import SUPERSCRIPT, Footnote, Layout, Marker, Note, PageStart, Paragraph, page_of
from toolkit.parsing.offsets import TextBuilder
from toolkit.readers.base import Anchor, ReadDocument, ReaderError
from toolkit.terms import Format

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
PREFIXES = {"http://www.tei-c.org/ns/1.0": "", "http://history.state.gov/frus/ns/1.0": "frus:"}

# Elements that begin a paragraph of the reading text (the rest are inline).
BLOCKS = frozenset({
    "head", "p", "item", "row", "dateline", "closer", "opener", "signed", "salute", "quote",
    "list", "table", "div", "attachment", "postscript", "byline", "docAuthor", "lg", "l",
    "sp", "speaker", "ab", "epigraph", "figure", "trailer", "argument", "titlePart", "docTitle",
    "docImprint", "docDate", "listBibl", "bibl", "titlePage",
})
# Skipped with their content (the tail is still text).
SKIP = frozenset({"teiHeader", "facsimile", "graphic", "figDesc"})
# Whitespace that is not a single space: collapsed to one space.
BAD_SPACE = re.compile(r"\s{2,}|[^\S ]")
FILE_NUMBERS = re.compile(r"File\s+Nos?\.\s+(?P<list>.+)", re.S)
# "861.00/2619½", "661.119/342a", "360d.1121 R25/18"
FILE_NUMBER = re.compile(r"[0-9][^\s/,;]*\s+R\d+/\d+|[0-9][^\s/,;]*(?:/[^\s,;/]+)+")


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    """Every document of a TEI file (one per `<div type="document">`, or the whole text)."""
    try:
        from lxml import etree
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ReaderError("needs lxml to read TEI", "pip install lxml") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReaderError(f"is not well-formed XML ({exc})",
                          "check the file with xmllint --noout, or export it again from the edition") from None
    if root is not None and isinstance(root.tag, str) and not root.tag.startswith("{"):
        for el in root.iter():  # TEI written without its namespace: read it as TEI
            if isinstance(el.tag, str) and not el.tag.startswith("{"):
                el.tag = TEI + el.tag
    if root is None or not isinstance(root.tag, str) or _local(root.tag) not in ("TEI", "teiCorpus"):
        raise ReaderError("is XML but not TEI (its root element is not <TEI>)",
                          "give a TEI P5 file, or name another format with --format")
    collection = _header_title(root)
    frus_id = root.findtext(f".//{TEI}publicationStmt/{TEI}idno[@type='frus']")

    # One pass in document order: each document div and the last page break before it.
    divs: list[tuple[Any, str | None]] = []
    last_page: str | None = None
    inside_doc: Any = None
    for el in root.iter(f"{TEI}pb", f"{TEI}div"):
        if _local(el.tag) == "pb":
            last_page = el.get("n") or last_page
        elif el.get("type") == "document":
            if inside_doc is not None and _is_ancestor(inside_doc, el):
                continue  # a document inside a document is part of it
            inside_doc = el
            divs.append((el, last_page))

    docs: list[ReadDocument] = []
    if divs:
        for div, first_page in divs:
            doc = _Walker(div, _xpath(div), first_page).read()
            doc.part = div.get(XML_ID)
            doc.collection = collection
            doc.kind = "primary-source"
            if frus_id and doc.part:
                doc.meta["url"] = f"https://history.state.gov/historicaldocuments/{frus_id.strip()}/{doc.part}"
            docs.append(doc)
        return docs
    text = root.find(f"{TEI}text")
    if text is None:
        text = root.find(f".//{TEI}text")
    if text is None:
        raise ReaderError("is TEI without a <text> element", "give a TEI file with its text, not only a header")
    doc = _Walker(text, _xpath(text), None).read()
    doc.title = collection  # the header's title names the whole file
    return [doc]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _name(tag: str) -> str:
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return PREFIXES.get(ns, "") + local
    return tag


def _is_ancestor(a: Any, el: Any) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is a:
            return True
        parent = parent.getparent()
    return False


def _xpath(el: Any) -> str:
    """/TEI/text[1]/body[1]/div[2]: positions among siblings of the same name."""
    steps: list[str] = []
    while el is not None:
        parent = el.getparent()
        if parent is None:
            steps.append(_name(el.tag))
        else:
            k = 1
            for sib in el.itersiblings(preceding=True):
                if sib.tag == el.tag:
                    k += 1
            steps.append(f"{_name(el.tag)}[{k}]")
        el = parent
    return "/" + "/".join(reversed(steps))


def squash(text: str) -> str:
    return " ".join(text.split())


def _header_title(root: Any) -> str | None:
    stmt = root.find(f"{TEI}teiHeader/{TEI}fileDesc/{TEI}titleStmt")
    if stmt is None:
        return None
    titles = [t for t in stmt.findall(f"{TEI}title")]
    for t in titles:
        if t.get("type") in ("complete", "main") and squash("".join(t.itertext())):
            return squash("".join(t.itertext()))
    for t in titles:
        if squash("".join(t.itertext())):
            return squash("".join(t.itertext()))
    return None


def file_numbers(source_note: str) -> list[str]:
    """The file numbers of a FRUS source note: "File No. 861.00/2353, 2354" names two files."""
    m = FILE_NUMBERS.search(source_note)
    if m is None:
        return []
    found: list[str] = []
    stem = None
    for piece in re.split(r"\s*[,;]\s*|\s+and\s+", m.group("list").strip().rstrip(".")):
        n = FILE_NUMBER.match(piece)
        if n is not None:
            found.append(n.group(0))
            stem = n.group(0).rsplit("/", 1)[0] if "/" in n.group(0) else None
        elif stem is not None and re.fullmatch(r"\d+[a-z]?", piece):
            found.append(f"{stem}/{piece}")  # "861.00/2353, 2354": the same stem
        else:
            break
    return found


class _Flow:
    """Normalized text built from raw text runs: whitespace squashed, trimmed at the ends."""

    def __init__(self) -> None:
        self.builder = TextBuilder("")
        self.pending: tuple[int, int] | None = None  # a space waiting for the next word
        self.start = 0  # where the current paragraph's text starts
        # Page breaks (label, source offset) waiting for the next word, which starts the page.
        self.breaks: list[tuple[str, int]] = []
        self.page_sink: Any = None

    def text(self, s: str, base: int, opener: Any = None) -> None:
        pos = 0
        for m in BAD_SPACE.finditer(s):
            self._chunk(s, pos, m.start(), base, opener)
            self._space(base + m.start(), base + m.end())
            pos = m.end()
        self._chunk(s, pos, len(s), base, opener)

    def _space(self, s0: int, s1: int) -> None:
        self.pending = (self.pending[0], s1) if self.pending else (s0, s1)

    def _chunk(self, s: str, a: int, b: int, base: int, opener: Any) -> None:
        if a >= b:
            return
        if s[a] == " ":
            self._space(base + a, base + a + 1)
            a += 1
        trailing = b > a and s[b - 1] == " "
        if trailing:
            b -= 1
        if a < b:
            if opener is not None:
                opener()
            self.word(s[a:b], base + a, base + b)
        if trailing:
            self._space(base + b, base + b + 1)

    def word(self, text: str, s0: int, s1: int, copy: bool = True) -> None:
        b = self.builder
        if self.pending is not None and b.length > self.start:
            b.append(" ", self.pending[0], self.pending[1], copy=False)
        self.pending = None
        if self.breaks:
            for label, at in self.breaks:
                self.page_sink(label, b.length, at)
            self.breaks = []
        b.append(text, s0, s1, copy=copy)


class _Walker:
    """Reads one document element: reading text, paragraphs, pages, notes, anchors."""

    def __init__(self, root: Any, root_path: str, first_page: str | None) -> None:
        self.root = root
        self.root_path = root_path
        self.parts: list[str] = []
        self.part_starts: list[int] = []
        self.pos = 0  # length of the source so far
        self.anchors: list[Anchor] = []
        self.flow = _Flow()
        self.flow.page_sink = self._page
        self.paragraphs: list[Paragraph] = []
        self.kinds: list[str] = []  # the block kind stack
        self.open = False
        self.para_source_start = 0
        self.pages: list[PageStart] = []
        self.waiting_pages: list[tuple[str, int]] = []
        if first_page:
            self.pages.append(PageStart(first_page, 0, 0, inferred=True))
        self.footnotes: list[Footnote] = []
        self.refs: dict[int, list[str]] = {}
        self.note_ids: dict[int, str] = {}
        self.file_numbers: list[str] = []
        self.problems: list[str] = []
        self.title: str | None = None
        self.date: str | None = None
        self.heading_depth = 0

    # -- source and anchors
    def _run(self, text: str | None, path: str, entered: int) -> int:
        """Append a text node to the source; returns where it starts."""
        start = self.pos
        if text:
            self.part_starts.append(start)
            self.parts.append(text)
            self.pos += len(text)
            if not text.isspace():
                self.anchors.append(Anchor(start, self.pos, {"xpath": path, "offset": start - entered}))
        return start

    # -- paragraphs
    def _open(self) -> None:
        if self.open:
            return
        b = self.flow.builder
        if b.length:
            b.append("\n\n", self.pos, self.pos, copy=False)
        self.flow.pending = None
        self.flow.start = b.length
        self.open = True
        self.para_source_start = self.pos
        for label, at in self.waiting_pages:
            self._page(label, b.length, at)
        self.waiting_pages = []

    def _close(self) -> None:
        if not self.open:
            return
        self.flow.pending = None
        # A page break at the end of a paragraph: the next paragraph starts the page.
        self.waiting_pages.extend(self.flow.breaks)
        self.flow.breaks = []
        kind = "heading" if self.heading_depth else "body"
        self.paragraphs.append(Paragraph(kind, self.flow.start, self.flow.builder.length,
                                         self.para_source_start, self.pos))
        self.open = False

    def _page(self, label: str, start: int, source_start: int) -> None:
        if self.pages and self.pages[-1].start == start:
            self.pages.pop()  # a page without text before this one: it begins here
        self.pages.append(PageStart(label, start, source_start))

    # -- walking
    def read(self) -> ReadDocument:
        self._walk(self.root, self.root_path, 1)
        self._close()
        text, offsets = self.flow.builder.build()
        source = "".join(self.parts)
        for fn in self.footnotes:
            m = fn.marker
            assert m is not None
            m.page = page_of(self.pages, m.start)
        layout = Layout(text, offsets, self.paragraphs, self.footnotes, self.pages)
        doc = ReadDocument(layout, source, Format.TEI, title=self.title, date=self.date,
                           file_numbers=self.file_numbers, anchors=self.anchors, problems=self.problems)
        if self.refs:
            doc.meta["refs"] = self.refs
        if self.note_ids:
            doc.meta["note_ids"] = self.note_ids
        return doc

    def _walk(self, el: Any, path: str, depth: int) -> None:
        entered = self.pos
        if el.text:
            self._text(el.text, path, entered)
        counts: dict[str, int] = {}
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comment, processing instruction
                if child.tail:
                    self._text(child.tail, path, entered)
                continue
            counts[tag] = k = counts.get(tag, 0) + 1
            child_path = f"{path}/{_name(tag)}[{k}]"
            self._element(child, child_path, depth + 1)
            if child.tail:
                self._text(child.tail, path, entered)

    def _text(self, text: str, path: str, entered: int) -> None:
        start = self._run(text, path, entered)
        self.flow.text(text, start, self._open)

    def _element(self, el: Any, path: str, depth: int) -> None:
        local = _local(el.tag)
        if local == "note" and el.get("type") != "source":
            self._note(el, path)
            return
        if local == "pb":
            label = el.get("n") or ""
            if self.open:  # the page starts at the next word
                self.flow.breaks.append((label, self.pos))
            else:
                self.waiting_pages.append((label, self.pos))
            return
        if local == "lb":
            self.flow._space(self.pos, self.pos)
            return
        if local in SKIP:
            self._skip(el, path)
            return
        if local == "cell":
            self.flow._space(self.pos, self.pos)
            self._walk(el, path, depth)
            self.flow._space(self.pos, self.pos)
            return
        is_source = local == "note"  # a source note: body text
        block = is_source or local in BLOCKS
        if not block:
            if local == "date" and self.date is None and el.get("when"):
                self.date = el.get("when")
            self._walk(el, path, depth)
            return
        self._close()
        head = local == "head"
        if head:
            self.heading_depth += 1
        start = self.pos
        mark = len(self.footnotes)
        self._walk(el, path, depth)
        self._close()
        if head:
            self.heading_depth -= 1
            if self.title is None:
                self.title = squash(self._text_between(start, self.pos, mark)) or None
        if is_source:
            for number in file_numbers(squash(self._text_between(start, self.pos, mark))):
                if number not in self.file_numbers:
                    self.file_numbers.append(number)

    def _text_between(self, start: int, end: int, first_note: int) -> str:
        """The source text of [start, end) without the notes that stand in it."""
        first = max(0, bisect_right(self.part_starts, start) - 1)  # join only the parts needed
        base = self.part_starts[first] if self.part_starts else 0
        source = "".join(self.parts[first:])
        pieces, pos = [], start
        for fn in self.footnotes[first_note:]:
            note = fn.note
            if note is None or note.source_start >= end:
                continue
            pieces.append(source[pos - base:note.source_start - base])
            pos = note.source_end
        pieces.append(source[pos - base:end - base])
        return "".join(pieces)

    def _skip(self, el: Any, path: str) -> None:
        """An element whose text is not reading text: in the source, nowhere else."""
        for node in el.iter():
            if isinstance(node.tag, str) and node.text:
                self._run(node.text, path, self.pos)
            if node is not el and node.tail:
                self._run(node.tail, path, self.pos)

    def _note(self, el: Any, path: str) -> None:
        seq = len(self.footnotes) + 1
        label = (el.get("n") or "").strip()
        if not label:
            label = "*"
            self.problems.append(f"note {seq} ({el.get(XML_ID) or 'no xml:id'}) has no n attribute: marked *")
        self._open()
        b = self.flow.builder
        for page_label, at in self.flow.breaks:  # "<pb/><note/>": the page starts at the marker
            self._page(page_label, b.length, at)
        self.flow.breaks = []
        rendered = label.translate(SUPERSCRIPT) if label.isdigit() else label
        m_start = b.length
        b.append(rendered, self.pos, self.pos, copy=False)
        marker = Marker(label, "tei", self.pos, self.pos, m_start, b.length)
        note_flow = _Flow()
        note_start = self.pos
        emphasis: list[tuple[int, int]] = []
        targets: list[str] = []
        self._note_walk(el, path, note_flow, emphasis, targets, False)
        text, offsets = note_flow.builder.build()
        emphasis = _trim_spans(text, emphasis)
        note = Note(label, note_start, self.pos, text, offsets, emphasis)
        self.footnotes.append(Footnote(seq, marker, note, []))
        if targets:
            self.refs[seq] = targets
        if el.get(XML_ID):
            self.note_ids[seq] = el.get(XML_ID)

    def _note_walk(self, el: Any, path: str, flow: _Flow, emphasis: list[tuple[int, int]],
                   targets: list[str], italic: bool) -> None:
        entered = self.pos
        local = _local(el.tag)
        if local == "ref" and el.get("target"):
            targets.append(el.get("target"))
        rend = el.get("rend") or ""
        here_italic = not italic and local == "hi" and "italic" in rend
        begin = flow.builder.length + (1 if flow.pending and flow.builder.length else 0)
        if local in BLOCKS or local in ("lb", "cell", "label"):
            flow._space(self.pos, self.pos)
        if el.text:
            start = self._run(el.text, path, entered)
            flow.text(el.text, start)
        counts: dict[str, int] = {}
        for child in el:
            if isinstance(child.tag, str):
                counts[child.tag] = k = counts.get(child.tag, 0) + 1
                if _local(child.tag) not in ("pb",):
                    self._note_walk(child, f"{path}/{_name(child.tag)}[{k}]", flow, emphasis, targets,
                                    italic or here_italic)
            if child.tail:
                start = self._run(child.tail, path, entered)
                flow.text(child.tail, start)
        if local in BLOCKS or local in ("cell", "label"):
            flow._space(self.pos, self.pos)
        if here_italic and flow.builder.length > begin:
            emphasis.append((begin, flow.builder.length))


def _trim_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    trimmed = []
    for s, e in spans:
        e = min(e, len(text))
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed

