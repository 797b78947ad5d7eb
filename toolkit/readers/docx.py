"""Word (.docx): the body, word/footnotes.xml and word/endnotes.xml, the core properties.

The body is word/document.xml's paragraphs (`w:p`: runs `w:t`, `w:tab`, `w:br`; deleted
text `w:del` skipped, inserted text `w:ins` kept; running heads and footers are other parts
and are not read). A `w:footnoteReference w:id` / `w:endnoteReference w:id` in the body is a
marker; its note is the `w:footnote` / `w:endnote` with that id (ids -1 and 0 are the
separators, not notes). Word generates the printed mark: 1..n in order of reference,
footnotes and endnotes numbered apart; that number is the label. FRUS's `[Page N]` tokens
leave the text and become page starts.

`source` is the extracted text: each paragraph's text (tabs and breaks as "\t" and "\n"),
one paragraph a line, the body's, then the footnotes', then the endnotes'. One `Anchor` per
paragraph: {"part": "document"|"footnotes"|"endnotes", "paragraph": n, "offset": 0}, n
counting the part's `w:p` elements in order.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.parsing.layout import (
    SUPERSCRIPT, Footnote, Layout, Marker, Note, PageStart, Paragraph, infer_first_page, page_of,
)
from toolkit.readers.base import Anchor, ReadDocument, ReaderError
from toolkit.readers.tei import _Flow, _trim_spans, squash
from toolkit.terms import Format

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DC = "{http://purl.org/dc/elements/1.1/}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
PAGE = re.compile(r"\[Page\s+(?P<label>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\]")
# Skipped with everything inside: deletions, moved-away text, field codes, duplicates.
SKIP = frozenset({f"{W}del", f"{W}moveFrom", f"{W}instrText", f"{W}delText", f"{W}footnoteRef",
                  f"{W}endnoteRef", f"{W}pPr", f"{W}rPr", MC_FALLBACK})
PARTS = {"footnote": ("word/footnotes.xml", "footnotes"), "endnote": ("word/endnotes.xml", "endnotes")}


@dataclass
class _Para:
    """One w:p: its text, where its references stand, its italic runs."""

    part: str
    index: int
    style: str
    text: str = ""
    refs: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, "footnote"|"endnote", id)
    italics: list[tuple[int, int]] = field(default_factory=list)
    start: int = 0  # in the source


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    try:
        from lxml import etree
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ReaderError("needs lxml to read DOCX", "pip install lxml") from exc
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReaderError(f"is not a readable .docx (zip) file ({exc})",
                          "open it in Word or LibreOffice and save it again as .docx") from None
    if "word/document.xml" not in names:
        raise ReaderError("is a zip file without word/document.xml, so not a Word document",
                          "give a .docx saved by Word, LibreOffice or pandoc")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

    def part(path: str) -> Any:
        if path not in names:
            return None
        try:
            return etree.fromstring(archive.read(path), parser)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, KeyError) as exc:
            raise ReaderError(f"has a damaged {path} ({exc})",
                              "open it in Word or LibreOffice and save it again") from None

    document = part("word/document.xml")
    body = document.find(f"{W}body") if document is not None else None
    if body is None:
        raise ReaderError("has no document body in word/document.xml", "save it again as .docx")
    headings = _heading_styles(part("word/styles.xml"))
    paras = [_paragraph("document", i, p) for i, p in enumerate(body.iter(f"{W}p"))]
    notes: dict[str, dict[str, list[_Para]]] = {}
    for kind, (path, label) in PARTS.items():
        notes[kind] = {}
        root = part(path)
        if root is None:
            continue
        k = 0
        for note in root.iter(f"{W}{kind}"):
            note_id = note.get(f"{W}id") or ""
            note_paras = []
            for p in note.iter(f"{W}p"):
                note_paras.append(_paragraph(label, k, p))
                k += 1
            if note_id in ("-1", "0") or note.get(f"{W}type") in ("separator", "continuationSeparator",
                                                                  "continuationNotice"):
                continue
            notes[kind][note_id] = note_paras

    # The source: every paragraph's text, a line each.
    pieces: list[str] = []
    anchors: list[Anchor] = []
    pos = 0
    for para in paras + [p for kind in notes.values() for ps in kind.values() for p in ps]:
        para.start = pos
        pieces.append(para.text + "\n")
        anchors.append(Anchor(pos, pos + len(para.text),
                              {"part": para.part, "paragraph": para.index, "offset": 0}))
        pos += len(para.text) + 1
    source = "".join(pieces)

    doc = _Builder(notes, headings).build(paras, source)
    doc.anchors = anchors
    title_para = next((p for p in paras if p.style in headings and headings[p.style] == "title"), None)
    if title_para is not None:
        doc.title = squash(title_para.text) or None
    core = part("docProps/core.xml")
    if core is not None:
        if doc.title is None:
            doc.title = squash(core.findtext(f"{DC}title") or "") or None
        creator = squash(core.findtext(f"{DC}creator") or "")
        if creator:
            doc.authors = [a.strip() for a in creator.split(";") if a.strip()]
    custom = part("docProps/custom.xml")
    if custom is not None:
        for prop in custom.iter(f"{CUSTOM}property"):
            if prop.get("name") == "url":
                value = squash("".join(prop.itertext()))
                if value:
                    doc.meta["url"] = value
    return [doc]


def _heading_styles(styles: Any) -> dict[str, str]:
    """Style ids of the title ("title") and of headings ("heading")."""
    found = {"Title": "title"}
    if styles is None:
        return found
    for style in styles.iter(f"{W}style"):
        sid = style.get(f"{W}styleId") or ""
        name_el = style.find(f"{W}name")
        name = (name_el.get(f"{W}val") if name_el is not None else "") or ""
        if name.lower() == "title" or sid == "Title":
            found[sid] = "title"
        elif re.fullmatch(r"heading \d", name.lower()) or re.fullmatch(r"Heading\d", sid):
            found[sid] = "heading"
    return found


def _paragraph(part: str, index: int, p: Any) -> _Para:
    style_el = p.find(f"{W}pPr/{W}pStyle")
    para = _Para(part, index, style_el.get(f"{W}val") if style_el is not None else "")
    texts: list[str] = []
    length = 0

    def walk(el: Any, italic: bool) -> None:
        nonlocal length
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag == f"{W}p":  # a paragraph in a text box: its own paragraph
                continue
            if tag == f"{W}r":
                walk(child, _italic(child))
                continue
            piece = None
            if tag == f"{W}t":
                piece = child.text or ""
            elif tag == f"{W}tab":
                piece = "\t"
            elif tag in (f"{W}br", f"{W}cr"):
                piece = "\n"
            elif tag == f"{W}noBreakHyphen":
                piece = "-"
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                kind = "footnote" if tag == f"{W}footnoteReference" else "endnote"
                para.refs.append((length, kind, child.get(f"{W}id") or ""))
            else:
                walk(child, italic)
            if piece:
                if italic:
                    para.italics.append((length, length + len(piece)))
                texts.append(piece)
                length += len(piece)

    walk(p, False)
    para.text = "".join(texts)
    return para


def _italic(run: Any) -> bool:
    i = run.find(f"{W}rPr/{W}i")
    return i is not None and (i.get(f"{W}val") or "true").lower() not in ("0", "false", "off")


class _Builder:
    def __init__(self, notes: dict[str, dict[str, list[_Para]]], headings: dict[str, str]) -> None:
        self.notes = notes
        self.headings = headings
        self.flow = _Flow()
        self.flow.page_sink = self._page
        self.pages: list[PageStart] = []
        self.paragraphs: list[Paragraph] = []
        self.footnotes: list[Footnote] = []
        self.problems: list[str] = []
        self.counters = {"footnote": 0, "endnote": 0}
        self.used: dict[str, set[str]] = {"footnote": set(), "endnote": set()}
        self.open = False
        self.source = ""

    def _page(self, label: str, start: int, source_start: int) -> None:
        if self.pages and self.pages[-1].start == start:
            self.pages.pop()
        self.pages.append(PageStart(label, start, source_start))

    def _open(self, para: _Para) -> None:
        if self.open:
            return
        b = self.flow.builder
        if b.length:
            b.append("\n\n", para.start, para.start, copy=False)
        self.flow.pending = None
        self.flow.start = b.length
        self.open = True

    def build(self, paras: list[_Para], source: str) -> ReadDocument:
        self.source = source
        for para in paras:
            self._body(para)
        for kind, by_id in self.notes.items():  # notes nothing refers to
            for note_id, note_paras in by_id.items():
                if note_id not in self.used[kind]:
                    note = self._note(note_paras, "")
                    if note.text:
                        self.footnotes.append(Footnote(len(self.footnotes) + 1, None, note,
                                                       [NOTE_WITHOUT_MARKER]))
        text, offsets = self.flow.builder.build()
        infer_first_page(self.pages, text)
        for fn in self.footnotes:
            if fn.marker is not None:
                fn.marker.page = page_of(self.pages, fn.marker.start)
        missing = [fn for fn in self.footnotes if fn.note is None]
        if missing:
            self.problems.append(f"{len(missing)} note reference(s) without a note in the file: "
                                 + ", ".join(fn.marker.printed for fn in missing if fn.marker))
        layout = Layout(text, offsets, self.paragraphs, self.footnotes, self.pages)
        return ReadDocument(layout, source, Format.DOCX, problems=self.problems)

    def _body(self, para: _Para) -> None:
        start_len = self.flow.builder.length
        self.open = False
        opener = lambda: self._open(para)  # noqa: E731
        cuts = [0] + [off for off, _, _ in para.refs] + [len(para.text)]
        for k in range(len(cuts) - 1):
            self._text(para, cuts[k], cuts[k + 1], opener)
            if k < len(para.refs):
                self._marker(para, *para.refs[k])
        if self.open:
            self.flow.pending = None
            kind = self.headings.get(para.style)
            self.paragraphs.append(Paragraph("heading" if kind else "body", self.flow.start,
                                             self.flow.builder.length, para.start,
                                             para.start + len(para.text)))
        elif self.flow.builder.length != start_len:  # pragma: no cover - defensive
            self.problems.append(f"paragraph {para.index} left text without opening")
        self.open = False

    def _text(self, para: _Para, a: int, b: int, opener: Any) -> None:
        text = para.text
        pos = a
        for m in PAGE.finditer(text, a, b):
            self.flow.text(text[pos:m.start()], para.start + pos, opener)
            self.flow._space(para.start + m.start(), para.start + m.end())
            self.flow.breaks.append((m.group("label"), para.start + m.start()))
            pos = m.end()
        self.flow.text(text[pos:b], para.start + pos, opener)

    def _marker(self, para: _Para, offset: int, kind: str, note_id: str) -> None:
        self._open(para)
        self.counters[kind] += 1
        label = str(self.counters[kind])
        b = self.flow.builder
        for page_label, at in self.flow.breaks:
            self._page(page_label, b.length, at)
        self.flow.breaks = []
        at = para.start + offset
        start = b.length
        b.append(label.translate(SUPERSCRIPT), at, at, copy=False)
        marker = Marker(label, "docx", at, at, start, b.length)
        seq = len(self.footnotes) + 1
        note_paras = self.notes[kind].get(note_id)
        if note_paras is None:
            self.footnotes.append(Footnote(seq, marker, None, [MARKER_WITHOUT_NOTE]))
            return
        self.used[kind].add(note_id)
        self.footnotes.append(Footnote(seq, marker, self._note(note_paras, label), []))

    def _note(self, paras: list[_Para], label: str) -> Note:
        flow = _Flow()
        emphasis: list[tuple[int, int]] = []
        for para in paras:
            flow._space(para.start, para.start)
            cuts = sorted({0, len(para.text)} | {x for s, e in para.italics for x in (s, e)})
            for a, b in zip(cuts, cuts[1:]):
                italic = any(s <= a and b <= e for s, e in para.italics)
                begin = flow.builder.length
                flow.text(para.text[a:b], para.start + a)
                if italic and flow.builder.length > begin:
                    emphasis.append((begin, flow.builder.length))
        text, offsets = flow.builder.build()
        start = paras[0].start if paras else 0
        end = paras[-1].start + len(paras[-1].text) if paras else 0
        return Note(label, start, end, text, offsets, _merge(_trim_spans(text, emphasis)))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


