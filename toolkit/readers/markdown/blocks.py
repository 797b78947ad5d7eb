"""Markdown blocks, line by line: what is text, what is code, what is a note definition.

`parse_blocks` walks the body's lines once and returns its blocks in order (paragraphs,
headings, code, table rows) as file ranges of their content, with the container syntax
(`>` quotes, list bullets, `#` marks, fences) already left out, and the note definitions
(`[^label]: ...` with their lazy and indented continuation lines). Reference-link
definitions, rules, and lines that are only an HTML or Jekyll/Hugo tag are not text.
Fenced and indented code is text, never notes. Inlines are `inlines.tokenize`'s work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass
class Block:
    kind: str  # "body", "heading", "code", "table", "title", "author"
    pieces: list[tuple[int, int]]  # file ranges of the block's lines (content only)


@dataclass
class NoteDef:
    label: str
    line: int
    start: int  # the `[^` of the definition
    end: int
    paragraphs: list[list[tuple[int, int]]] = field(default_factory=list)


def line_ranges(source: str, start: int) -> list[tuple[int, int]]:
    """File ranges of the lines from `start` on, without their line ends (\\n or \\r\\n)."""
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
    """Columns of indentation (a tab goes to the next multiple of 4)."""
    col = 0
    for ch in text:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def dedent(source: str, s: int, e: int, width: int) -> int:
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
    lines = line_ranges(source, start)
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
                note.paragraphs[-1].append((dedent(source, s, e, 4), e))
                note.end = e
                i += 1
                continue
            if note_blank and _indent(text) >= 4:
                note.paragraphs.append([(dedent(source, s, e, 4), e)])
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
                body.append((dedent(source, fs, fe, 4), fe))
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


def link_labels(source: str, start: int) -> set[str]:
    """Labels of the reference-link definitions (`[label]: url`), squashed and lower-cased."""
    labels = set()
    for m in re.finditer(r"(?m)^ {0,3}\[(?!\^)([^\]]+)\]:[ \t]*\S", source[start:]):
        labels.add(" ".join(m.group(1).split()).lower())
    return labels
