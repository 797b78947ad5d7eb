"""The way back to the file: a block's virtual text, and the writer of the reading text.

A block's lines are not contiguous in the file (quote marks, bullets and indentation
sit between them), so inlines are found in a `Virtual` text, the lines joined by "\\n",
which maps every index back to its file offset. The `Emitter` then writes the items
into a `TextBuilder`, so that every character of the reading text keeps the offset it
came from: it squashes spaces, renders markers as superscript digits (through the
reader), records emphasis and moves `[Page N]` tokens into the page map.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from toolkit.parsing.layout import PageStart
from toolkit.parsing.offsets import TextBuilder

if TYPE_CHECKING:
    from toolkit.readers.markdown.inlines import Item
    from toolkit.readers.markdown.reader import MarkdownReader


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

    def copy(self, out: Emitter, v0: int, v1: int) -> None:
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


class Emitter:
    """Writes items into a TextBuilder: squashes spaces, renders markers, records emphasis."""

    def __init__(self, builder: TextBuilder, reader: MarkdownReader | None, note_mode: bool = False) -> None:
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

