"""HTML: journal and repository pages, pandoc's `--standalone` HTML. Footnote links and note lists.

Read with the standard library's `html.parser` (no dependency, forgiving of broken
markup) with character references left unconverted, so that every text node and
every entity has its exact place in the file: `source` is the decoded file and
`layout.offsets` maps the reading text back into it. A small tree is built first
(implied end tags of `p`, `li`, table cells; void elements), then walked:

- markers: `<a>` with class `footnote-ref` / role `doc-noteref` / `epub:type="noteref"`,
  or a bare `<a href="#...">` inside (or around) a `<sup>` with a short label; the
  printed label is `Footnote.label`; rendered in `layout.text` as superscript digits;
- notes: the elements the markers link to, and the `<li id>` items of note lists
  (`<section class="footnotes">`, `role="doc-endnotes"`, `<ol class="footnotes">`,
  `<div class="footnotes">`, `<aside>`); back links (`↩︎`, `footnote-back`,
  `doc-backlink`) are not note text; `<em>`/`<i>`/`<cite>` are `Note.emphasis`;
- not text: `<head>` (its `<title>` is the metadata title), `<script>`, `<style>`,
  `<nav>`, `<noscript>`, `<template>`, `<svg>`, `<form>`, hidden elements, and a
  `<header>`'s navigation (its title `h1`, subtitle and author are the start of the
  reading text);
- block elements (p, h1-h6, li, blockquote, pre, table rows, div, ...) are paragraphs;
  whitespace is squashed; FRUS `[Page N]` tokens (also broken over lines) go into
  `layout.pages`;
- `anchors`: one per text run, `{"xpath": "/html/body/p[3]", "offset": n}` with n the
  run's character offset in that element's string value.

Markers whose target the page lacks, and listed notes no marker links to, are kept,
flagged, and named in `ReadDocument.problems`.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.parsing.layout import (
    SUPERSCRIPT, Footnote, Layout, Marker, Note, PageStart, Paragraph, infer_first_page, page_of,
)
from toolkit.parsing.offsets import TextBuilder
from toolkit.readers.base import Anchor, ReadDocument, ReaderError, decode_text
from toolkit.terms import Format

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "keygen"}
SKIP = {"head", "script", "style", "nav", "noscript", "template", "svg", "math", "form", "button", "select",
        "textarea", "iframe", "object", "canvas", "video", "audio", "map"}
BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "div", "dd", "dt", "dl",
         "figcaption", "caption", "section", "article", "header", "footer", "address", "table", "ul", "ol",
         "hr", "main", "aside", "figure", "body", "html", "details", "summary", "center", "thead", "tbody",
         "tfoot", "hgroup", "fieldset", "legend"}
CELL = {"td", "th"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
EMPHASIS = {"em", "i", "cite"}
# Start tags that close an open element of the listed kinds (HTML's implied end tags).
CLOSES = {
    "p": {"p"}, "li": {"li", "p"}, "dt": {"dd", "dt", "p"}, "dd": {"dd", "dt", "p"},
    "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"},
}
for _tag in ("div", "ul", "ol", "dl", "table", "blockquote", "pre", "section", "article", "header", "footer",
             "h1", "h2", "h3", "h4", "h5", "h6", "hr", "aside", "nav", "figure", "address", "main"):
    CLOSES.setdefault(_tag, set()).add("p")
PAGE_TOKEN = re.compile(r"\[Page\s+(?P<label>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\]")
NOTE_CLASS = re.compile(r"(?:^|[\s_-])(?:foot|end)?notes?(?:$|[\s_-])|footnote|endnote", re.I)
MARKER_CLASS = re.compile(r"footnote-?ref|fn-?ref|noteref|note-?ref|footnote-?link|xref-?fn", re.I)
BACK_CLASS = re.compile(r"footnote-?back|fn-?back|backlink|back-?ref|reversefootnote", re.I)
NOTE_ID = re.compile(r"_?(?:fn|ftn|edn|en|note|footnote|endnote|cite_note|n)[-_:.]?[\w-]*\d", re.I)
NOT_NOTES = {"html", "body", "main", "article", "section", "header", "nav", "h1", "h2", "h3", "h4", "h5", "h6",
             "table", "form"}
LABEL = re.compile(r"[\[(]?(?P<label>[0-9]{1,4}[a-z]?|[*†‡§¶]{1,3}|[ivxlc]{1,6}|[a-z])[\])]?")


@dataclass(eq=False)
class Node:
    tag: str  # "" for text
    attrs: dict[str, str] = field(default_factory=dict)
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    start: int = 0  # the start tag (or text) in the file
    end: int = 0  # past the end tag
    text: str = ""  # text nodes: the decoded text
    verbatim: bool = True  # text nodes: text == file[start:end]
    length: int = 0  # the string value's length
    xpath: str | None = None
    index: int = 0  # among siblings of the same name, from 1
    counts: dict[str, int] | None = None

    def cls(self) -> str:
        return self.attrs.get("class", "") or ""


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self.root = Node("#document")
        self.stack = [self.root]

    def _at(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col if line - 1 < len(self.line_starts) else len(self.source)

    def _close_to(self, index: int, end: int) -> None:
        while len(self.stack) > index:
            node = self.stack.pop()
            node.end = end

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """Word's conditional comments (`<![if !supportFootnotes]>`): skipped, their content read."""
        rawdata = self.rawdata
        if not rawdata.startswith("<![CDATA[", i):
            j = rawdata.find("]>", i + 3)
            if j >= 0:
                return j + 2
        return super().parse_marked_section(i, report)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._at()
        raw = self.get_starttag_text() or ""
        closes = CLOSES.get(tag)
        if closes:
            # close an open element it implies the end of (not past a table or list boundary)
            for k in range(len(self.stack) - 1, 0, -1):
                t = self.stack[k].tag
                if t in closes:
                    self._close_to(k, start)
                    break
                if t in ("table", "ul", "ol", "dl", "div", "blockquote", "section", "body", "td", "th") and \
                        not (tag in ("td", "th") and t in ("td", "th")):
                    break
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.stack[-1], start=start, end=start + len(raw))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._at()
        raw = self.get_starttag_text() or ""
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.stack[-1], start=start, end=start + len(raw))
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        start = self._at()
        gt = self.source.find(">", start)
        end = gt + 1 if gt >= 0 else len(self.source)
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                self._close_to(k, end)
                return

    def _text(self, text: str, start: int, end: int, verbatim: bool) -> None:
        parent = self.stack[-1]
        if parent.children and not parent.children[-1].tag and parent.children[-1].end == start and verbatim \
                and parent.children[-1].verbatim:
            last = parent.children[-1]
            last.text += text
            last.end = end
            return
        parent.children.append(Node("", parent=parent, start=start, end=end, text=text, verbatim=verbatim))

    def handle_data(self, data: str) -> None:
        start = self._at()
        if self.source.startswith(data, start):
            self._text(data, start, start + len(data), True)
        else:  # CDATA content or an odd spot: keep the text, map the run
            self._text(data, start, start + len(data), False)

    def handle_entityref(self, name: str) -> None:
        start = self._at()
        raw = f"&{name};" if self.source.startswith(f"&{name};", start) else f"&{name}"
        self._text(html_lib.unescape(raw), start, start + len(raw), False)

    def handle_charref(self, name: str) -> None:
        start = self._at()
        raw = f"&#{name};" if self.source.startswith(f"&#{name};", start) else f"&#{name}"
        self._text(html_lib.unescape(raw), start, start + len(raw), False)

    def close_all(self) -> None:
        self._close_to(1, len(self.source))


def _lengths(node: Node) -> int:
    if not node.tag:
        node.length = len(node.text)
    else:
        node.length = sum(_lengths(c) for c in node.children)
    return node.length


def _xpath(node: Node) -> str:
    """`/html/body/p[3]`: the position among siblings of the same name, when there are several."""
    if node.xpath is None:
        parent = node.parent
        if parent is None:
            node.xpath = ""
        else:
            if parent.counts is None:
                parent.counts = {}
                for c in parent.children:
                    if c.tag:
                        parent.counts[c.tag] = parent.counts.get(c.tag, 0) + 1
                        c.index = parent.counts[c.tag]
            step = node.tag if parent.counts.get(node.tag, 0) == 1 else f"{node.tag}[{node.index}]"
            node.xpath = _xpath(parent) + "/" + step
    return node.xpath


def _text_of(node: Node) -> str:
    if not node.tag:
        return node.text
    return "".join(_text_of(c) for c in node.children)


def _is_marker(node: Node) -> bool:
    if node.tag != "a":
        return False
    href = node.attrs.get("href", "")
    if not href.startswith("#") or len(href) < 2:
        return False
    if MARKER_CLASS.search(node.cls()) or node.attrs.get("role") == "doc-noteref" \
            or node.attrs.get("epub:type") == "noteref":
        return True
    label = " ".join(_text_of(node).split())
    if not LABEL.fullmatch(label):
        return False
    up = node.parent
    in_sup = up is not None and up.tag == "sup"
    has_sup = any(c.tag == "sup" for c in node.children)
    # Word's and many journals' links: no <sup>, but a target named like a note
    return in_sup or has_sup or bool(NOTE_ID.fullmatch(href[1:]))


def _is_back(node: Node) -> bool:
    if node.tag != "a":
        return False
    if BACK_CLASS.search(node.cls()) or node.attrs.get("role") == "doc-backlink":
        return True
    text = _text_of(node).strip()
    return node.attrs.get("href", "").startswith("#") and (text in ("↩︎", "↩", "^", "↑", "⤴") or "↩" in text)


def _is_notes_container(node: Node) -> bool:
    if node.tag not in ("section", "ol", "ul", "div", "aside", "footer"):
        return False
    role = node.attrs.get("role", "")
    return role in ("doc-endnotes", "doc-footnotes") or node.attrs.get("epub:type", "") in (
        "footnotes", "endnotes") or bool(NOTE_CLASS.search(node.cls())) or (
        node.tag == "aside" and any(c.tag in ("ol", "ul", "li") or c.attrs.get("id") for c in node.children))


@dataclass
class _Ref:
    node: Node
    marker: Marker
    target: str


class Walker:
    """Writes the reading text (or a note's text) of a subtree into a TextBuilder."""

    def __init__(self, reader: "HtmlReader", builder: TextBuilder, note_mode: bool = False) -> None:
        self.r = reader
        self.b = builder
        self.note_mode = note_mode
        self.last = ""  # "" at a paragraph start, " " after a space
        self.absorb = False  # drop the spaces after a page token
        self.para_start = 0
        self.para_source = 0
        self.pending_break: tuple[int, int] | None = None
        self.in_para = False
        self.emphasis: list[tuple[int, int]] = []

    # -- output
    def _before_text(self, source_at: int) -> None:
        if self.pending_break is not None:
            if self.b.length:
                self.b.replace("\n\n" if not self.note_mode else " ", self.pending_break[0], source_at)
            self.pending_break = None
        if not self.in_para:
            self.in_para = True
            self.para_start = self.b.length
            self.para_source = source_at

    def block_break(self, source_at: int) -> None:
        if self.last:
            self.close_paragraph(source_at)
            self.pending_break = (source_at, source_at)
            self.last = ""
            self.absorb = False

    def close_paragraph(self, source_at: int) -> None:
        b = self.b
        if b.parts and b.parts[-1] == " " and not b.segments[-1][4]:
            b.parts.pop()
            b.segments.pop()
            b.length -= 1
        self.in_para = False
        if not self.note_mode and b.length > self.para_start:
            kind = "heading" if self.r.heading_depth else "body"
            self.r.paragraphs.append(Paragraph(kind, self.para_start, b.length, self.para_source, source_at))

    def text(self, node: Node, offset_in_parent: int) -> None:
        t = node.text
        if not t:
            return
        if not node.verbatim:
            value = t
            if not value.strip():
                self.space(node.start, node.end)
                return
            self._before_text(node.start)
            start = self.b.length
            self.b.replace(value, node.start, node.end)
            self.last = value[-1]
            self.absorb = False
            self._anchor(node, offset_in_parent, start)
            return
        pos = 0
        run_start = None
        for m in re.finditer(r"\s+|\[Page\s+[0-9ivxlcdmIVXLCDM]+[a-z]?\]", t):
            if m.start() > pos:
                self._before_text(node.start + pos)
                if run_start is None:
                    run_start = self.b.length
                self.b.copy(node.start + pos, node.start + m.start())
                self.last = t[m.start() - 1]
                self.absorb = False
            g = m.group(0)
            if g[0] == "[":
                page = PAGE_TOKEN.fullmatch(g)
                if page is not None and not self.note_mode:
                    self.r.pages.append(PageStart(page.group("label"), self.b.length + (
                        1 if self.last and self.last != " " else 0), node.start + m.start()))
                    if not self.last or self.last == " ":
                        self.absorb = True
                else:
                    self._before_text(node.start + m.start())
                    self.b.copy(node.start + m.start(), node.start + m.end())
                    self.last = g[-1]
            else:
                self.space(node.start + m.start(), node.start + m.end())
            pos = m.end()
        if pos < len(t):
            self._before_text(node.start + pos)
            if run_start is None:
                run_start = self.b.length
            self.b.copy(node.start + pos, node.end)
            self.last = t[-1]
            self.absorb = False
        if run_start is not None:
            self._anchor(node, offset_in_parent, run_start)

    def _anchor(self, node: Node, offset: int, start: int) -> None:
        if node.parent is not None:
            self.r.anchors.append(Anchor(node.start, node.end, {"xpath": _xpath(node.parent) or "/", "offset": offset}))

    def space(self, s: int, e: int) -> None:
        if self.last and self.last != " " and not self.absorb:
            self.b.replace(" ", s, e)
            self.last = " "

    # -- walking
    def walk(self, node: Node) -> None:
        offset = 0
        for child in node.children:
            if not child.tag:
                self.text(child, offset)
            else:
                self.element(child)
            offset += child.length

    def element(self, node: Node) -> None:
        tag = node.tag
        if tag in SKIP or "hidden" in node.attrs:
            return
        if node in self.r.note_nodes and not self.note_mode:
            return
        if _is_notes_container(node) and not self.note_mode and self.r.is_list_of_notes(node):
            return
        if self.note_mode and self.r.is_back(node):
            return
        if self.r.is_marker(node):
            if not self.note_mode:
                self.r.marker(self, node)
                return
        if tag == "header" and not self.note_mode:
            self.block_break(node.start)
            for child in node.children:
                if child.tag in HEADINGS or re.search(r"\b(?:title|subtitle|author)\b", child.cls()):
                    self.element(child)
            self.block_break(node.end)
            return
        if tag == "br":
            self.space(node.start, node.end)
            return
        block = tag in BLOCK
        if block:
            self.block_break(node.start)
        elif tag in CELL:
            self.space(node.start, node.start)
        heading = tag in HEADINGS
        if heading:
            self.r.heading_depth += 1
        em = tag in EMPHASIS and self.note_mode
        em_start = self.b.length
        self.walk(node)
        if em and self.b.length > em_start:
            written = "".join(self.b.parts)
            start, end = em_start, self.b.length
            while start < end and written[start].isspace():
                start += 1
            while end > start and written[end - 1].isspace():
                end -= 1
            if end > start:
                self.emphasis.append((start, end))
        if block:
            self.block_break(node.end)
        elif tag in CELL:
            self.space(node.end, node.end)
        if heading:
            self.r.heading_depth -= 1

    def finish(self, source_at: int) -> None:
        if self.last:
            self.close_paragraph(source_at)
        elif self.b.parts and self.b.parts[-1] == " " and not self.b.segments[-1][4]:
            self.close_paragraph(source_at)


class HtmlReader:
    def __init__(self, source: str) -> None:
        self.source = source
        builder = _TreeBuilder(source)
        try:
            builder.feed(source)
            builder.close()
        except Exception as exc:  # html.parser is forgiving; anything else is unreadable
            raise ReaderError(f"is not HTML that can be read ({exc})", "save the page again from the browser") from None
        builder.close_all()
        self.root = builder.root
        _lengths(self.root)
        self.line_starts = builder.line_starts
        self.ids: dict[str, Node] = {}
        self._index(self.root)
        self.pages: list[PageStart] = []
        self.paragraphs: list[Paragraph] = []
        self.anchors: list[Anchor] = []
        self.refs: list[_Ref] = []
        self.heading_depth = 0
        self.note_nodes: set[Node] = set()
        self._find_notes()

    def _index(self, node: Node) -> None:
        for c in node.children:
            if c.tag:
                if c.attrs.get("id"):
                    self.ids.setdefault(c.attrs["id"], c)
                if c.attrs.get("name") and c.tag == "a":
                    self.ids.setdefault(c.attrs["name"], c)
                self._index(c)

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def _iter(self, node: Node):
        for c in node.children:
            if c.tag:
                yield c
                yield from self._iter(c)

    def is_marker(self, node: Node) -> bool:
        """A footnote link whose target (if the page has it) can be a note."""
        if not _is_marker(node):
            return False
        target = self.ids.get(node.attrs["href"][1:])
        if target is None:
            return True
        if target.tag == "a" and target.start < node.start and target.attrs.get("href", "")[1:] in (
                node.attrs.get("id"), node.attrs.get("name")):
            return False  # the note's link back to its marker (Word: [1] at the note's start)
        target = self._note_node(target)
        return target.tag not in NOT_NOTES and not self._contains(target, node)

    def is_back(self, node: Node) -> bool:
        """A note's link back to its marker (not note text)."""
        if _is_back(node):
            return True
        href = node.attrs.get("href", "")
        return node.tag == "a" and href.startswith("#") and href[1:] in self.marker_ids

    def _find_notes(self) -> None:
        """Targets of markers, and the items of note lists."""
        self.listed: list[Node] = []  # note items of note lists, in order
        self.marker_ids: set[str] = set()
        for node in self._iter(self.root):
            if node.tag in SKIP:
                continue
            if self.is_marker(node):
                for n in (node, node.parent, *node.children):
                    if n is not None and n.tag:
                        self.marker_ids.update(v for k, v in n.attrs.items() if k in ("id", "name") and v)
                target = self.ids.get(node.attrs["href"][1:])
                if target is not None:
                    self.note_nodes.add(self._note_node(target))
        for node in self._iter(self.root):
            if _is_notes_container(node) and self.is_list_of_notes(node):
                for item in self._iter(node):
                    if item.tag == "li" and item.attrs.get("id") and item not in self.listed:
                        self.listed.append(item)

    def _note_node(self, target: Node) -> Node:
        """An anchor `<a id="fn1"></a>` at the start of a note stands for its paragraph or item."""
        node = target
        if node.tag in ("a", "span", "sup"):
            while node.parent is not None and node.tag not in ("p", "li", "div", "dd", "aside", "td") \
                    and node.parent.tag not in NOT_NOTES:
                node = node.parent
            if node.tag not in ("p", "li", "div", "dd", "aside", "td"):
                return target
        # Word: <div id="ftn1"><p><a name="_ftn1">[1]</a> text</p></div>
        if node.tag == "p" and node.parent is not None and node.parent.tag == "div" and re.fullmatch(
                r"_?(?:ftn|edn)\d+", node.parent.attrs.get("id", "")):
            return node.parent
        return node

    @staticmethod
    def _contains(outer: Node, inner: Node) -> bool:
        n: Node | None = inner
        while n is not None:
            if n is outer:
                return True
            n = n.parent
        return False

    def is_list_of_notes(self, node: Node) -> bool:
        """A notes container holds note items (or is named so by role)."""
        if node.attrs.get("role") in ("doc-endnotes", "doc-footnotes"):
            return True
        return any(n in self.note_nodes or (n.tag == "li" and n.attrs.get("id")) for n in self._iter(node))

    def marker(self, walker: Walker, node: Node) -> None:
        printed = " ".join(_text_of(node).split())
        label = LABEL.fullmatch(printed)
        printed = label.group("label") if label else printed
        walker._before_text(node.start)
        # the marker's source: the <sup> around it when the sup holds nothing else
        s, e = node.start, node.end
        up = node.parent
        if up is not None and up.tag == "sup" and len([c for c in up.children if c.tag or c.text.strip()]) == 1:
            s, e = up.start, up.end
        seq = len(self.refs) + 1
        m = Marker(printed, "link", s, e)
        m.start = walker.b.length
        rendered = printed.translate(SUPERSCRIPT) if printed.isdigit() else printed
        walker.b.replace(rendered or str(seq).translate(SUPERSCRIPT), s, e)
        m.end = walker.b.length
        walker.last = rendered[-1:] or "¹"
        walker.absorb = False
        self.refs.append(_Ref(node, m, node.attrs.get("href", "")[1:]))

    def build_note(self, node: Node, label: str) -> Note:
        builder = TextBuilder(self.source)
        w = Walker(self, builder, note_mode=True)
        w.walk(node)
        w.finish(node.end)
        b = builder
        while b.parts and b.parts[-1].strip() == "" and not b.segments[-1][4]:
            b.parts.pop()
            b.segments.pop()
            b.length = b.segments[-1][1] if b.segments else 0
        text, offsets = builder.build()
        emphasis = sorted({(a, min(z, len(text))) for a, z in w.emphasis if a < min(z, len(text))})
        return Note(label, node.start, node.end, text, offsets, emphasis)

    def read(self) -> ReadDocument:
        builder = TextBuilder(self.source)
        walker = Walker(self, builder)
        body = self._find(self.root, "body") or self.root
        walker.walk(body)
        walker.finish(body.end)
        text, offsets = builder.build()

        infer_first_page(self.pages, text)
        problems: list[str] = []
        footnotes: list[Footnote] = []
        notes: dict[int, Note] = {}
        used: set[int] = set()
        for k, ref in enumerate(self.refs):
            target = self.ids.get(ref.target)
            ref.marker.page = page_of(self.pages, ref.marker.start)
            if target is None:
                footnotes.append(Footnote(k + 1, ref.marker, None, [MARKER_WITHOUT_NOTE]))
                problems.append(f"marker {ref.marker.printed} at line {self.line_of(ref.node.start)} links to "
                                f"#{ref.target}, which the page does not have")
                continue
            target = self._note_node(target)
            if id(target) not in notes:
                notes[id(target)] = self.build_note(target, ref.marker.printed)
            used.add(id(target))
            note = replace(notes[id(target)], label=ref.marker.printed)
            footnotes.append(Footnote(k + 1, ref.marker, note, []))
        for item in self.listed:
            if id(item) not in used:
                label = item.attrs.get("id", "")
                note = self.build_note(item, label)
                footnotes.append(Footnote(len(footnotes) + 1, None, note, [NOTE_WITHOUT_MARKER]))
                problems.append(f"note #{label} at line {self.line_of(item.start)} has no marker linking to it")
        layout = Layout(text, offsets, self.paragraphs, footnotes, self.pages)
        doc = ReadDocument(layout, self.source, Format.HTML, anchors=self.anchors, problems=problems)
        self._metadata(doc)
        return doc

    def _find(self, node: Node, tag: str) -> Node | None:
        for n in self._iter(node):
            if n.tag == tag:
                return n
        return None

    def _metadata(self, doc: ReadDocument) -> None:
        def clean(node: Node) -> str:
            parts = []

            def collect(n: Node) -> None:
                for c in n.children:
                    if not c.tag:
                        parts.append(c.text)
                    elif not _is_marker(c) and c.tag not in SKIP:
                        collect(c)
            collect(node)
            return " ".join("".join(parts).split())

        metas: dict[str, str] = {}
        for n in self._iter(self.root):
            if n.tag == "meta" and n.attrs.get("content"):
                key = (n.attrs.get("name") or n.attrs.get("property") or "").lower()
                if key:
                    metas.setdefault(key, n.attrs["content"].strip())
        title_node = None
        for n in self._iter(self.root):
            if n.tag == "h1" and "title" in n.cls().split():
                title_node = n
                break
        if title_node is not None:
            doc.title = clean(title_node) or None
        if not doc.title:
            t = self._find(self.root, "title")
            doc.title = (clean(t) if t is not None else "") or metas.get("citation_title") or None
        authors = [clean(n) for n in self._iter(self.root)
                   if n.tag in ("p", "div", "span") and "author" in n.cls().split()]
        if not authors:
            authors = [n.attrs["content"].strip() for n in self._iter(self.root) if n.tag == "meta" and (
                n.attrs.get("name", "").lower() in ("citation_author", "dc.creator", "author"))
                and n.attrs.get("content")]
        doc.authors = [a for a in authors if a]
        dates = [clean(n) for n in self._iter(self.root) if n.tag in ("p", "div", "span", "time")
                 and "date" in n.cls().split()]
        doc.date = (dates[0] if dates else None) or metas.get("citation_publication_date") or metas.get(
            "citation_date") or metas.get("dc.date") or None
        for n in self._iter(self.root):
            if n.tag == "link" and n.attrs.get("rel", "").lower() == "canonical" and n.attrs.get("href"):
                doc.meta["url"] = n.attrs["href"]
                break



def read(data: bytes, name: str = "") -> list[ReadDocument]:
    """One HTML page as one document."""
    source = decode_text(data)
    return [HtmlReader(source).read()]
