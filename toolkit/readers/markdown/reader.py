"""The Markdown reader: front matter, then blocks, then inlines, then notes, into one document.

A two-pass reader (see the package's docstring): `blocks.parse_blocks` cuts the body
into blocks and note definitions; each block's inlines (`inlines.tokenize`) are written
by an `offsets.Emitter` into one reading text, blocks separated by a blank line, every
character mapped back to the file; `notes.link_notes` turns references and definitions
into footnotes.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from toolkit.parsing.layout import SUPERSCRIPT, Layout, Marker, PageStart, Paragraph, infer_first_page
from toolkit.parsing.offsets import TextBuilder
from toolkit.readers.base import ReadDocument, decode_text
from toolkit.readers.markdown.blocks import Block, link_labels, parse_blocks
from toolkit.readers.markdown.front_matter import FRONT_MATTER, apply_front_matter, front_matter
from toolkit.readers.markdown.inlines import Item, tokenize
from toolkit.readers.markdown.notes import NoteRef, link_notes, render_note
from toolkit.readers.markdown.offsets import Emitter, Virtual
from toolkit.terms import Format


class MarkdownReader:
    """One decoded Markdown file; `read()` gives its document. Keeps the note references and
    the page starts met while the reading text is written."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pages: list[PageStart] = []
        self.refs: list[NoteRef] = []
        self.link_refs: set[str] = set()

    def line_of(self, offset: int) -> int:
        if not hasattr(self, "_line_starts"):
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        return bisect_right(self._line_starts, offset)

    def marker(self, out: Emitter, vt: Virtual, it: Item, label: str | None) -> None:
        """Render a note reference (`[^label]`, or an inline note when `label` is None) as its number."""
        seq = len(self.refs) + 1
        s, e = vt.src(it.v0), vt.src_end(it.v1)
        m = Marker(label if label is not None else str(seq), "pandoc", s, e)
        m.start = out.b.length
        out.put(str(seq).translate(SUPERSCRIPT), s, e)
        m.end = out.b.length
        ref = NoteRef(label, m, self.line_of(s))
        if label is None:
            a, b = it.inner
            ref.inline_note = render_note(self.source, str(seq), s, e, [(vt, a, b)], self.link_refs)
        self.refs.append(ref)

    def read(self) -> ReadDocument:
        source = self.source
        meta: dict[str, object] = {}
        title_pieces: list[tuple[int, int]] = []
        author_pieces: list[list[tuple[int, int]]] = []
        body_start = 0
        if (m := FRONT_MATTER.match(source)) is not None:
            meta, title_pieces, author_pieces = front_matter(source, m.start("body"), m.end("body"))
            body_start = m.end()
        line_base = source.count("\n", 0, body_start)
        blocks, defs, problems = parse_blocks(source, body_start, line_base)
        self.link_refs = link_labels(source, body_start)

        builder = TextBuilder(source)
        out = Emitter(builder, self)
        paragraphs: list[Paragraph] = []
        heads: list[Block] = []
        if title_pieces:
            heads.append(Block("title", title_pieces))
        heads += [Block("author", p) for p in author_pieces]
        prev_end = None
        for block in heads + blocks:
            if not block.pieces:
                continue
            vt = Virtual(source, block.pieces)
            if block.kind == "code":
                items = [Item("code", 0, len(vt.text))]
            else:
                items = tokenize(vt, 0, len(vt.text), self.link_refs, table=block.kind == "table")
            s0, s1 = block.pieces[0][0], block.pieces[-1][1]
            if prev_end is not None and builder.length:
                out.rstrip()
                out.put("\n\n", prev_end, s0)
            start = builder.length
            out.last = ""
            out.emit(vt, items)
            out.rstrip()
            if builder.length > start:
                kind = "heading" if block.kind in ("heading", "title") else "body"
                paragraphs.append(Paragraph(kind, start, builder.length, s0, s1))
                prev_end = s1
            elif builder.length and builder.parts[-1] == "\n\n":
                # nothing written: take the separator back
                builder.parts.pop()
                builder.segments.pop()
                builder.length -= 2
        text, offsets = builder.build()

        infer_first_page(self.pages, text)
        footnotes, note_problems = link_notes(source, self.refs, defs, self.pages, self.link_refs)
        problems += note_problems
        layout = Layout(text, offsets, paragraphs, footnotes, self.pages)
        doc = ReadDocument(layout, source, Format.MARKDOWN, problems=problems)
        apply_front_matter(doc, meta)
        return doc


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    """One Markdown file as one document."""
    source = decode_text(data)
    return [MarkdownReader(source).read()]
