"""Pandoc / CommonMark Markdown: `[^label]` notes, `^[inline]` notes, YAML front matter.

Why a hand parser and not markdown-it-py: the toolkit needs, for every character of
the reading text, the offset in the file it came from (escapes, emphasis markers,
link syntax and page tokens are dropped; everything else is copied). markdown-it-py
gives block tokens line ranges but inline tokens no offsets at all, so its output
would have to be searched back in the file. The note syntax is small, and the rest of
Markdown only has to be *removed* (not rendered), so a two-pass reader is shorter and
exact:

1. blocks, line by line: YAML front matter, fenced and indented code (text, never
   notes), note definitions with their lazy and indented continuation lines,
   reference-link definitions, headings (ATX, setext), block quotes, list items,
   horizontal rules, lines that are only an HTML tag or a Jekyll/Hugo tag;
2. inlines, over each block's lines (with a map back to the file): backslash escapes,
   code spans, `[^label]` references, `^[...]` inline notes, links and images (their
   text kept), raw HTML tags and comments (dropped, `<em>`/`<i>` noted as emphasis),
   Jekyll/Hugo tags (dropped), entities, `*`/`_` emphasis (CommonMark's flanking rules,
   simplified), FRUS `[Page N]` tokens (out of the text, into `Layout.pages`).

Pandoc numbers notes 1..n in order of reference and prints a note once per
reference; so does this reader: one `Footnote` per reference, the marker rendered as
the superscript of its number, `Footnote.label` the identifier. Smart punctuation is
off (straight quotes stay), as in the answer keys. References without a definition and
definitions never referenced are kept, flagged, and named in `ReadDocument.problems`.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
import unicodedata
from dataclasses import dataclass, field, replace

from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.parsing.layout import (
    SUPERSCRIPT, Footnote, Layout, Marker, Note, PageStart, Paragraph, infer_first_page, page_of,
)
from toolkit.parsing.offsets import TextBuilder
from toolkit.readers.base import ReadDocument, decode_text
from toolkit.terms import Format

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})")
NOTE_DEF = re.compile(r" {0,3}\[\^(?P<label>[^\]\s]+)\]:[ \t]*")
REF_DEF = re.compile(r" {0,3}\[(?!\^)[^\]]+\]:[ \t]*\S+[ \t]*(?:[\"'(].*)?$")
ATX = re.compile(r" {0,3}(?P<hashes>#{1,6})(?:[ \t]+|$)")
ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")
HEADING_ATTRS = re.compile(r"[ \t]*\{[#.][^{}]*\}[ \t]*$")
SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
BULLET = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)]|#\.|\(?[a-zA-Z][.)]\)?(?=[ \t]{2}|\t))(?:[ \t]+|$)")
QUOTE = re.compile(r" {0,3}>[ \t]?")
TAG_LINE = re.compile(r"\s*(?:</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|<!--.*?-->|\{%.*?%\}|\{\{[<%].*?[%>]\}\})\s*$")
BLANK = re.compile(r"[ \t]*$")
TABLE_RULE = re.compile(r" {0,3}\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*$")

ESCAPABLE = set("\\`*_{}[]()#+-.!|>~<$&\"'^:;,/=?@%")
PAGE_TOKEN = re.compile(r"\\?\[Page\s+(?P<label>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\\?\]")
HTML_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][\w-]*)(?:\s[^<>]*?)?\s*/?>|<!--.*?-->", re.S)
AUTOLINK = re.compile(r"<(?P<url>(?:https?|ftp|mailto):[^\s<>]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
LIQUID = re.compile(r"\{%.*?%\}|\{\{[<%].*?[%>]\}\}|\{\{.*?\}\}", re.S)
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
FOOTREF = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
EMPHASIS_TAGS = {"em", "i", "cite"}


# ---------------------------------------------------------------- blocks


@dataclass
class Block:
    kind: str  # "body", "heading", "code", "title", "author"
    pieces: list[tuple[int, int]]  # file ranges of the block's lines (content only)


@dataclass
class NoteDef:
    label: str
    line: int
    start: int  # the `[^` of the definition
    end: int
    paragraphs: list[list[tuple[int, int]]] = field(default_factory=list)


def _lines(source: str, start: int) -> list[tuple[int, int]]:
    lines = []
    pos = start
    n = len(source)
    while pos < n:
        nl = source.find("\n", pos)
        end = n if nl < 0 else nl
        stop = end - 1 if end > pos and source[end - 1] == "\r" else end
        lines.append((pos, stop))
        pos = end + 1 if nl >= 0 else n
    return lines


def _indent(text: str) -> int:
    col = 0
    for ch in text:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def _dedent(source: str, s: int, e: int, width: int) -> int:
    """Start of a line's content after `width` columns of indentation."""
    col = 0
    while s < e and col < width and source[s] in " \t":
        col += 1 if source[s] == " " else 4 - col % 4
        s += 1
    return s


def parse_blocks(source: str, start: int, line_base: int) -> tuple[list[Block], list[NoteDef], list[str]]:
    """The body's blocks (in order) and the note definitions."""
    blocks: list[Block] = []
    notes: list[NoteDef] = []
    problems: list[str] = []
    lines = _lines(source, start)
    n = len(lines)
    cur: Block | None = None  # open paragraph
    note: NoteDef | None = None  # open note definition
    note_blank = False  # a blank line since the note's last line
    in_list = False
    i = 0
    while i < n:
        s, e = lines[i]
        text = source[s:e]
        if BLANK.match(text):
            cur = None
            if note is not None:
                note_blank = True
            i += 1
            continue
        # An open note: lazy continuation, or indented paragraphs after a blank line.
        if note is not None:
            if not note_blank and not NOTE_DEF.match(text) and not FENCE.match(text):
                note.paragraphs[-1].append((_dedent(source, s, e, 4), e))
                note.end = e
                i += 1
                continue
            if note_blank and _indent(text) >= 4:
                note.paragraphs.append([(_dedent(source, s, e, 4), e)])
                note.end = e
                note_blank = False
                i += 1
                continue
            note = None
            note_blank = False
        # Fenced code: text, never notes.
        if (m := FENCE.match(text)) is not None and (m.group("fence")[0] == "~" or "`" not in text[m.end():]):
            fence = m.group("fence")
            body: list[tuple[int, int]] = []
            j = i + 1
            while j < n:
                fs, fe = lines[j]
                if re.match(r" {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", source[fs:fe]):
                    break
                body.append((fs, fe))
                j += 1
            if body:
                blocks.append(Block("code", body))
            cur = None
            in_list = False
            i = j + 1
            continue
        # Indented code (not inside a paragraph, a list item or a note).
        if cur is None and not in_list and _indent(text) >= 4:
            body = []
            j = i
            while j < n:
                fs, fe = lines[j]
                t = source[fs:fe]
                if BLANK.match(t):
                    k = j
                    while k < n and BLANK.match(source[lines[k][0]:lines[k][1]]):
                        k += 1
                    if k < n and _indent(source[lines[k][0]:lines[k][1]]) >= 4:
                        j = k
                        continue
                    break
                if _indent(t) < 4:
                    break
                body.append((_dedent(source, fs, fe, 4), fe))
                j += 1
            blocks.append(Block("code", body))
            i = j
            continue
        if (m := NOTE_DEF.match(text)) is not None:
            note = NoteDef(m.group("label"), line_base + i + 1, s + text.index("[^"), e, [[(s + m.end(), e)]])
            notes.append(note)
            note_blank = False
            cur = None
            i += 1
            continue
        if cur is None and REF_DEF.match(text):
            i += 1
            continue
        # Containers: block quotes, then list bullets.
        cs = s
        quoted = False
        while (q := QUOTE.match(source, cs, e)) is not None:
            cs = q.end()
            quoted = True
        content = source[cs:e]
        if quoted and BLANK.match(content):
            cur = None
            i += 1
            continue
        if TABLE_RULE.match(content) and "|" in content:  # a pipe table's rule: its rows are text
            if cur is not None:
                cur.kind = "table"
            i += 1
            continue
        if TAG_LINE.match(content):
            cur = None
            i += 1
            continue
        if RULE.match(content) and not (cur is not None and SETEXT.match(content)):
            cur = None
            i += 1
            continue
        if cur is not None and cur.kind == "body" and SETEXT.match(content) and not quoted:
            cur.kind = "heading"
            cur = None
            i += 1
            continue
        if (m := ATX.match(content)) is not None:
            hs = cs + m.end()
            he = e
            if (c := ATX_CLOSE.search(source, hs, e)) is not None and c.start() >= hs:
                he = c.start()
            if (c := HEADING_ATTRS.search(source, hs, he)) is not None:  # `## Title {#id .class}`
                he = c.start()
            blocks.append(Block("heading", [(hs, he)] if he > hs else []))
            cur = None
            in_list = False
            i += 1
            continue
        bullet = BULLET.match(content) if (cur is None or in_list) else None
        if bullet is not None and not (cur is not None and not in_list):
            cur = Block("body", [(cs + bullet.end(), e)])
            blocks.append(cur)
            in_list = True
            i += 1
            continue
        if cur is None:
            if _indent(text) < 2 and not quoted:
                in_list = False
            cur = Block("body", [])
            blocks.append(cur)
        cur.pieces.append((cs, e))
        i += 1
    return blocks, notes, problems


# ---------------------------------------------------------------- inlines


class Virtual:
    """A block's lines joined by "\\n", with a way back to the file."""

    def __init__(self, source: str, pieces: list[tuple[int, int]]) -> None:
        self.source = source
        parts: list[str] = []
        self.runs: list[tuple[int, int, int]] = []  # (v0, v1, s0) of copied pieces
        self.joins: dict[int, tuple[int, int]] = {}  # v index of a "\n" -> source gap
        v = 0
        for k, piece in enumerate(pieces):
            s, e = piece[0], piece[1]
            if k and not (len(piece) > 2 and piece[2]):  # a third item True: glued to the last
                self.joins[v] = (pieces[k - 1][1], s)
                parts.append("\n")
                v += 1
            parts.append(source[s:e])
            self.runs.append((v, v + e - s, s))
            v += e - s
        self.text = "".join(parts)
        self._starts = [r[0] for r in self.runs]

    def _run(self, v: int) -> tuple[int, int, int] | None:
        k = bisect_right(self._starts, v) - 1
        if k >= 0 and self.runs[k][0] <= v < self.runs[k][1]:
            return self.runs[k]
        return None

    def src(self, v: int) -> int:
        """File offset of virtual offset `v` (start side)."""
        if v in self.joins:
            return self.joins[v][0]
        if (run := self._run(v)) is not None:
            return run[2] + v - run[0]
        if self.runs:
            v0, v1, s0 = self.runs[-1]
            if v >= v1:
                return s0 + v1 - v0
        return 0

    def src_end(self, v: int) -> int:
        """File offset just past virtual offset `v - 1`."""
        if v <= 0:
            return self.src(0)
        w = v - 1
        if w in self.joins:
            return self.joins[w][1]
        if (run := self._run(w)) is not None:
            return run[2] + w - run[0] + 1
        return self.src(v)

    def copy(self, out: "Emitter", v0: int, v1: int) -> None:
        k = max(0, bisect_right(self._starts, v0) - 1)
        while k < len(self.runs):
            r0, r1, s0 = self.runs[k]
            k += 1
            if r0 >= v1:
                break
            a, b = max(v0, r0), min(v1, r1)
            if a < b:
                out.copy(s0 + a - r0, s0 + b - r0)
            if r1 < v1 and r1 in self.joins and v0 <= r1:
                out.space(*self.joins[r1])


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _is_punct(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch)[0] in "PS")


@dataclass
class Item:
    kind: str  # text, rep, space, delim, marker, inline, page, em_open, em_close, drop
    v0: int
    v1: int
    text: str = ""
    char: str = ""
    count: int = 0
    can_open: bool = False
    can_close: bool = False
    opens: list[tuple[int, int]] = field(default_factory=list)  # (pair id, n) in emission order
    closes: list[tuple[int, int]] = field(default_factory=list)
    inner: tuple[int, int] = (0, 0)


def _match_bracket(text: str, i: int, open_: str = "[", close: str = "]") -> int:
    """Index of the bracket closing the one at `i`, or -1 (escapes and code skipped)."""
    depth = 0
    k = i
    n = len(text)
    while k < n:
        ch = text[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "`":
            run = len(text[k:]) - len(text[k:].lstrip("`"))
            end = text.find("`" * run, k + run)
            if end >= 0:
                k = end + run
                continue
            k += run
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return -1


def tokenize(vt: Virtual, v0: int, v1: int, refs: set[str], in_note: bool = False,
             table: bool = False) -> list[Item]:
    """Inline items of vt.text[v0:v1]."""
    t = vt.text
    items: list[Item] = []
    text_start = v0

    def flush(upto: int) -> None:
        if upto > text_start:
            items.append(Item("text", text_start, upto))

    i = v0
    while i < v1:
        ch = t[i]
        nxt = None
        if ch == "\\" and i + 1 < v1:
            c2 = t[i + 1]
            if c2 == "\n":
                nxt = [Item("space", i, i + 2)]
                end = i + 2
            elif (m := PAGE_TOKEN.match(t, i, v1)) is not None:
                nxt, end = _page_item(t, i, m, v0, v1)
            elif c2 in ESCAPABLE:
                nxt = [Item("drop", i, i + 1), Item("text", i + 1, i + 2)]
                end = i + 2
        elif ch in " \t\n":
            j = i
            while j < v1 and t[j] in " \t\n":
                j += 1
            if not (j - i == 1 and ch == " "):
                nxt = [Item("space", i, j)]
                end = j
        elif ch == "`":
            run = 1
            while i + run < v1 and t[i + run] == "`":
                run += 1
            close = t.find("`" * run, i + run, v1)
            while close >= 0 and close + run < v1 and t[close + run] == "`":
                close = t.find("`" * run, close + run + 1, v1)
            if close >= 0:
                a, b = i + run, close
                while a < b and t[a] in " \n":
                    a += 1
                while b > a and t[b - 1] in " \n":
                    b -= 1
                nxt = [Item("drop", i, a), Item("code", a, b), Item("drop", b, close + run)]
                end = close + run
            else:
                nxt = [Item("text", i, i + run)]
                end = i + run
        elif ch == "[":
            if (m := PAGE_TOKEN.match(t, i, v1)) is not None:
                nxt, end = _page_item(t, i, m, v0, v1)
            elif not in_note and (m := FOOTREF.match(t, i, v1)) is not None and not (
                    t.startswith(":", m.end()) and (i == v0 or t[i - 1] == "\n")):
                nxt = [Item("marker", i, m.end(), text=m.group("label"))]
                end = m.end()
            else:
                link = _link(t, i, v1, refs)
                if link is not None:
                    inner0, inner1, end = link
                    nxt = [Item("drop", i, inner0)] + tokenize(vt, inner0, inner1, refs, in_note) + [
                        Item("drop", inner1, end)]
        elif ch == "!" and i + 1 < v1 and t[i + 1] == "[":
            link = _link(t, i + 1, v1, refs)
            if link is not None:
                inner0, inner1, end = link
                nxt = [Item("drop", i, inner0)] + tokenize(vt, inner0, inner1, refs, in_note) + [
                    Item("drop", inner1, end)]
        elif ch == "^" and i + 1 < v1 and t[i + 1] == "[" and not in_note:
            close = _match_bracket(t, i + 1)
            if 0 <= close < v1:
                nxt = [Item("inline", i, close + 1, inner=(i + 2, close))]
                end = close + 1
        elif ch == "<":
            if (m := AUTOLINK.match(t, i, v1)) is not None:
                nxt = [Item("drop", i, i + 1), Item("text", i + 1, m.end() - 1), Item("drop", m.end() - 1, m.end())]
                end = m.end()
            elif (m := HTML_TAG.match(t, i, v1)) is not None:
                name = (m.group("name") or "").lower()
                kind = "drop"
                if name in EMPHASIS_TAGS:
                    kind = "em_close" if m.group("close") else "em_open"
                elif name in ("br", "p", "div", "li", "tr", "td", "th"):
                    kind = "space"
                nxt = [Item(kind, i, m.end())]
                end = m.end()
        elif ch == "|" and (table or t[v0:i].rsplit("\n", 1)[-1].strip() == ""):
            nxt = [Item("space", i, i + 1)]  # a table's cell rule, a line block's bar
            end = i + 1
        elif ch == "{":
            if (m := LIQUID.match(t, i, v1)) is not None:
                nxt = [Item("drop", i, m.end())]
                end = m.end()
        elif ch == "&":
            if (m := ENTITY.match(t, i, v1)) is not None:
                value = html.unescape(m.group(0))
                if value != m.group(0):
                    nxt = [Item("rep", i, m.end(), text=value)]
                    end = m.end()
        elif ch in "*_~":
            j = i
            while j < v1 and t[j] == ch:
                j += 1
            before = t[i - 1] if i > 0 else ""
            after = t[j] if j < len(t) else ""
            if ch == "~":
                if j - i == 2:
                    nxt = [Item("drop", i, j)]
                    end = j
            else:
                left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
                right = not _is_space(before) and (not _is_punct(before) or _is_space(after) or _is_punct(after))
                if ch == "*":
                    can_open, can_close = left, right
                else:
                    can_open = left and (not right or _is_punct(before))
                    can_close = right and (not left or _is_punct(after))
                nxt = [Item("delim", i, j, char=ch, count=j - i, can_open=can_open, can_close=can_close)]
                end = j
        if nxt is None:
            i += 1
            continue
        flush(i)
        items.extend(nxt)
        i = end
        text_start = end
    flush(v1)
    _pair_delimiters(items)
    return items


def _page_item(t: str, i: int, m: re.Match, v0: int, v1: int) -> tuple[list[Item], int]:
    """A `[Page N]` token; with a space on its left, the spaces on its right go with it."""
    end = m.end()
    if i == v0 or t[i - 1] in " \t\n":
        while end < v1 and t[end] in " \t\n":
            end += 1
    return [Item("page", i, m.end(), text=m.group("label")), Item("drop", m.end(), end)], end


def _link(t: str, i: int, v1: int, refs: set[str]) -> tuple[int, int, int] | None:
    """A link or bracketed span starting at `[` (t[i]): (text start, text end, end)."""
    close = _match_bracket(t, i)
    if close < 0 or close >= v1:
        return None
    after = close + 1
    if after < v1 and t[after] == "(":
        end = _match_bracket(t, after, "(", ")")
        if 0 <= end < v1:
            return i + 1, close, end + 1
        return None
    if after < v1 and t[after] == "{":
        end = t.find("}", after, v1)
        if end >= 0:
            return i + 1, close, end + 1
    if after < v1 and t[after] == "[":
        end = t.find("]", after, v1)
        if end >= 0 and (t[after + 1:end].lower() in refs or (end == after + 1 and t[i + 1:close].lower() in refs)):
            return i + 1, close, end + 1
        return None
    if " ".join(t[i + 1:close].split()).lower() in refs:
        return i + 1, close, close + 1
    return None


def _pair_delimiters(items: list[Item]) -> None:
    stack: list[int] = []
    pair = 0
    for idx, it in enumerate(items):
        if it.kind != "delim":
            continue
        while it.can_close and it.count > 0:
            found = None
            for j in range(len(stack) - 1, -1, -1):
                op = items[stack[j]]
                if op.char == it.char and op.count > 0:
                    if (op.can_close or it.can_open) and (op.count + it.count) % 3 == 0 and not (
                            op.count % 3 == 0 and it.count % 3 == 0):
                        continue
                    found = j
                    break
            if found is None:
                break
            op = items[stack[found]]
            n = 2 if op.count >= 2 and it.count >= 2 else 1
            op.count -= n
            it.count -= n
            pair += 1
            op.opens.insert(0, (pair, n))
            it.closes.append((pair, n))
            del stack[found + 1:]
            if op.count == 0:
                stack.pop()
        if it.can_open and it.count > 0:
            stack.append(idx)


class Emitter:
    """Writes items into a TextBuilder: squashes spaces, renders markers, records emphasis."""

    def __init__(self, builder: TextBuilder, reader: "MarkdownReader | None", note_mode: bool = False) -> None:
        self.b = builder
        self.reader = reader
        self.note_mode = note_mode
        self.emphasis: list[tuple[int, int]] = []
        self._open: dict[int, tuple[int, int]] = {}
        self._tags: list[int] = []
        self.last = ""

    def copy(self, s: int, e: int) -> None:
        if not self.last or self.last.isspace():  # no space at a paragraph start, none doubled
            while s < e and self.b.source[s] in " \t":
                s += 1
        if e > s:
            self.b.copy(s, e)
            self.last = self.b.source[e - 1]

    def put(self, text: str, s: int, e: int) -> None:
        if text:
            self.b.replace(text, s, e)
            self.last = text[-1]

    def space(self, s: int, e: int) -> None:
        if self.last and not self.last.isspace():
            self.put(" ", s, e)

    def emit(self, vt: Virtual, items: list[Item]) -> None:
        for it in items:
            k = it.kind
            if k == "text":
                vt.copy(self, it.v0, it.v1)
            elif k == "code":
                pos = it.v0
                for m in re.finditer(r"[ \t\n]{2,}|\n|\t", vt.text[it.v0:it.v1]):
                    vt.copy(self, pos, it.v0 + m.start())
                    self.put(" ", vt.src(it.v0 + m.start()), vt.src_end(it.v0 + m.end()))
                    pos = it.v0 + m.end()
                vt.copy(self, pos, it.v1)
            elif k == "rep":
                self.put(it.text, vt.src(it.v0), vt.src_end(it.v1))
            elif k == "space":
                self.space(vt.src(it.v0), vt.src_end(it.v1))
            elif k == "delim":
                lit = it.count
                if it.closes:
                    for pid, n in it.closes:
                        start, n0 = self._open.pop(pid, (self.b.length, n))
                        if n == 1 and self.b.length > start:
                            self.emphasis.append((start, self.b.length))
                if lit:
                    a = it.v0 + sum(n for _, n in it.closes)
                    vt.copy(self, a, a + lit)
                for pid, n in it.opens:
                    self._open[pid] = (self.b.length, n)
            elif k == "em_open":
                self._tags.append(self.b.length)
            elif k == "em_close":
                if self._tags:
                    start = self._tags.pop()
                    if self.b.length > start:
                        self.emphasis.append((start, self.b.length))
            elif k == "page":
                if self.reader is not None and not self.note_mode:
                    self.reader.pages.append(PageStart(it.text, self.b.length, vt.src(it.v0)))
                    self.last = self.last or ""
                else:
                    vt.copy(self, it.v0, it.v1)
            elif k == "marker" and self.reader is not None and not self.note_mode:
                self.reader.marker(self, vt, it, it.text)
            elif k == "inline" and self.reader is not None and not self.note_mode:
                self.reader.marker(self, vt, it, None)
            elif k in ("marker", "inline"):
                vt.copy(self, it.v0, it.v1)
            # "drop": nothing

    def rstrip(self) -> None:
        """Drop trailing spaces (inserted, or copied from the file)."""
        b = self.b
        while b.parts and b.segments and b.parts[-1][-1:] in (" ", "\t"):
            n0, n1, s0, s1, verbatim = b.segments[-1]
            part = b.parts[-1]
            if not verbatim:
                if part.strip():
                    break
                b.parts.pop()
                b.segments.pop()
                b.length = n0
            else:  # copied runs merge into one segment, so cut chars, not parts
                cut = len(part) - len(part.rstrip(" \t"))
                if cut == len(part):
                    b.parts.pop()
                else:
                    b.parts[-1] = part[:-cut]
                if n1 - n0 == cut:
                    b.segments.pop()
                else:
                    b.segments[-1] = (n0, n1 - cut, s0, s1 - cut, 1)
                b.length -= cut
        self.last = b.parts[-1][-1] if b.parts and b.parts[-1] else ""


# ---------------------------------------------------------------- the document


@dataclass
class _Ref:
    label: str | None  # None: an inline note
    marker: Marker
    line: int
    inline_note: Note | None = None


class MarkdownReader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pages: list[PageStart] = []
        self.refs: list[_Ref] = []
        self.link_refs: set[str] = set()

    def line_of(self, offset: int) -> int:
        if not hasattr(self, "_line_starts"):
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        return bisect_right(self._line_starts, offset)

    def marker(self, out: Emitter, vt: Virtual, it: Item, label: str | None) -> None:
        seq = len(self.refs) + 1
        s, e = vt.src(it.v0), vt.src_end(it.v1)
        m = Marker(label if label is not None else str(seq), "pandoc", s, e)
        m.start = out.b.length
        out.put(str(seq).translate(SUPERSCRIPT), s, e)
        m.end = out.b.length
        ref = _Ref(label, m, self.line_of(s))
        if label is None:
            nb = TextBuilder(self.source)
            ne = Emitter(nb, self, note_mode=True)
            a, b = it.inner
            ne.emit(vt, tokenize(vt, a, b, self.link_refs, in_note=True))
            ne.rstrip()
            text, offsets = nb.build()
            ref.inline_note = Note(str(seq), s, e, text, offsets, sorted(ne.emphasis))
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
        self.link_refs = _link_labels(source, body_start)

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

        notes: dict[str, Note] = {}
        lines: dict[str, int] = {}
        for d in defs:
            if d.label in notes:
                problems.append(f"note [^{d.label}] is defined twice (line {lines[d.label]} and line {d.line}); "
                                "the first definition is used")
                continue
            notes[d.label] = self.build_note(d)
            lines[d.label] = d.line
        used: set[str] = set()
        footnotes: list[Footnote] = []
        for k, ref in enumerate(self.refs):
            ref.marker.page = page_of(self.pages, ref.marker.start)
            if ref.label is None:
                footnotes.append(Footnote(k + 1, ref.marker, ref.inline_note, []))
            elif ref.label in notes:
                used.add(ref.label)
                footnotes.append(Footnote(k + 1, ref.marker, replace(notes[ref.label]), []))
            else:
                footnotes.append(Footnote(k + 1, ref.marker, None, [MARKER_WITHOUT_NOTE]))
                problems.append(f"reference [^{ref.label}] at line {ref.line} has no note definition")
        for label, note in notes.items():
            if label not in used:
                footnotes.append(Footnote(len(footnotes) + 1, None, note, [NOTE_WITHOUT_MARKER]))
                problems.append(f"note [^{label}] defined at line {lines[label]} is never referenced")

        layout = Layout(text, offsets, paragraphs, footnotes, self.pages)
        doc = ReadDocument(layout, source, Format.MARKDOWN, problems=problems)
        title = meta.get("title")
        if isinstance(title, str) and title.strip():
            doc.title = " ".join(FOOTREF.sub("", title).split())
        authors = meta.get("author") or meta.get("authors")
        if isinstance(authors, str) and authors.strip():
            doc.authors = [authors.strip()]
        elif isinstance(authors, list):
            doc.authors = [a for a in authors if isinstance(a, str) and a.strip()]
        if isinstance(meta.get("date"), str) and meta["date"]:
            doc.date = str(meta["date"])
        extra = {k: v for k, v in meta.items() if k in ("url", "doi", "slug") and isinstance(v, str)}
        if extra:
            doc.meta.update(extra)
        return doc

    def build_note(self, d: NoteDef) -> Note:
        nb = TextBuilder(self.source)
        ne = Emitter(nb, self, note_mode=True)
        for k, para in enumerate(d.paragraphs):
            vt = Virtual(self.source, para)
            if k and nb.length:
                ne.space(para[0][0], para[0][0])
            ne.emit(vt, tokenize(vt, 0, len(vt.text), self.link_refs, in_note=True))
            ne.rstrip()
        text, offsets = nb.build()
        return Note(d.label, d.start, d.end, text, offsets, sorted(ne.emphasis))



def _link_labels(source: str, start: int) -> set[str]:
    labels = set()
    for m in re.finditer(r"(?m)^ {0,3}\[(?!\^)([^\]]+)\]:[ \t]*\S", source[start:]):
        labels.add(" ".join(m.group(1).split()).lower())
    return labels


# ---------------------------------------------------------------- front matter


def front_matter(source: str, start: int, end: int) -> tuple[dict[str, object], list[tuple[int, int]],
                                                                 list[list[tuple[int, int]]]]:
    """Top-level fields of YAML front matter, and the file ranges of the title and author values."""
    meta: dict[str, object] = {}
    title: list[tuple[int, int]] = []
    authors: list[list[tuple[int, int]]] = []
    lines = [ln for ln in _lines(source, start) if ln[0] < end]
    i = 0
    while i < len(lines):
        s, e = lines[i]
        e = min(e, end)
        m = re.match(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)", source[s:e])
        if not m:
            i += 1
            continue
        key = m.group(1).lower()
        vs = s + m.end()
        while vs < e and source[vs] in " \t":
            vs += 1
        ve = e
        while ve > vs and source[ve - 1] in " \t":
            ve -= 1
        # the lines indented under the key
        j = i + 1
        nested: list[tuple[int, int]] = []
        while j < len(lines) and (not source[lines[j][0]:lines[j][1]].strip()
                                   or source[lines[j][0]] in " \t-"):
            nested.append(lines[j])
            j += 1
        while nested and not source[nested[-1][0]:nested[-1][1]].strip():
            nested.pop()
        value_pieces: list[list[tuple[int, int]]] = []
        if vs >= ve or source[vs] in "|>":
            if vs < ve and source[vs] in "|>":
                pieces = [(_dedent(source, a, b, 99), b) for a, b in nested if source[a:b].strip()]
                value_pieces = [pieces] if pieces else []
            else:
                for a, b in nested:
                    lm = re.match(r"[ \t]*-[ \t]+", source[a:b])
                    if lm:
                        value_pieces.append([_scalar(source, a + lm.end(), b)])
                    elif re.match(r"[ \t]*name[ \t]*:", source[a:b]):
                        nm = re.match(r"[ \t]*name[ \t]*:[ \t]*", source[a:b])
                        value_pieces.append([_scalar(source, a + nm.end(), b)])
        elif source[vs] == "[" and source[ve - 1] == "]":
            for part in re.finditer(r"[^,\[\]]+", source[vs + 1:ve - 1]):
                a, b = vs + 1 + part.start(), vs + 1 + part.end()
                while a < b and source[a] == " ":
                    a += 1
                value_pieces.append([_scalar(source, a, b)])
        elif source[vs] in "'\"":
            q = source[vs]
            # a quoted scalar may run over several lines
            full_end = ve
            if not (ve - vs >= 2 and source[ve - 1] == q and (q == '"' or not source[vs + 1:ve].endswith("''")
                                                                   or source[vs + 1:ve - 1].count("'") % 2 == 0)):
                for a, b in nested:
                    full_end = b
                    if source[a:b].rstrip().endswith(q):
                        full_end = a + len(source[a:b].rstrip())
                        break
            value_pieces = [_quoted(source, vs, full_end)]
        else:
            value_pieces = [[(vs, ve)]]
        values = [_piece_text(source, p) for p in value_pieces]
        if key in ("title", "date", "url", "doi", "slug"):
            raw = _unquote(values[0]) if values else ""
            meta.setdefault(key, " ".join(raw.split()))
            if key == "title" and value_pieces and not title:
                title = value_pieces[0]
        elif key in ("author", "authors"):
            names = [" ".join(_unquote(v).split()) for v in values]
            meta.setdefault(key, names if len(names) != 1 or key == "authors" or nested else names[0])
            if key == "author" and not authors:
                authors = value_pieces
        else:
            meta.setdefault(key, _unquote(values[0]) if values else "")
        i = j
    return meta, title, authors


def _piece_text(source: str, pieces: list[tuple]) -> str:
    out = []
    for k, piece in enumerate(pieces):
        if k and not (len(piece) > 2 and piece[2]):
            out.append("\n")
        out.append(source[piece[0]:piece[1]])
    return "".join(out)


def _scalar(source: str, a: int, b: int) -> tuple[int, int]:
    while b > a and source[b - 1] in " \t":
        b -= 1
    if b - a >= 2 and source[a] in "'\"" and source[b - 1] == source[a]:
        return a + 1, b - 1
    return a, b


def _quoted(source: str, a: int, b: int) -> list[tuple[int, int]]:
    """File pieces of a quoted YAML scalar's value (`''` in single quotes stands for `'`)."""
    q = source[a]
    inner0, inner1 = a + 1, b - 1 if b - a >= 2 and source[b - 1] == q else b
    pieces: list[tuple[int, int]] = []
    pos = inner0
    if q == "'":
        k = source.find("''", pos, inner1)
        while k >= 0:
            pieces.append((pos, k + 1))
            pos = k + 2
            k = source.find("''", pos, inner1)
    pieces.append((pos, inner1))
    # line breaks inside: split so that each piece is one line's content
    out: list[tuple] = []
    for n, (s, e) in enumerate(pieces):
        for k, m in enumerate(re.finditer(r"[^\r\n]+", source[s:e])):
            ls, le = s + m.start(), s + m.end()
            while ls < le and source[ls] in " \t" and out:
                ls += 1
            if le > ls:
                out.append((ls, le, True) if n and k == 0 and out else (ls, le))
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    """One Markdown file as one document."""
    source = decode_text(data)
    return [MarkdownReader(source).read()]
