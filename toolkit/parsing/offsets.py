"""Normalized text that remembers where every character came from.

Layout repair rewrites the source (joins paragraphs, drops page markers, renders
footnote markers), so every piece of normalized text is built through a
`TextBuilder`, which records one segment per run:

    (norm_start, norm_end, source_start, source_end, verbatim)

A *copy* segment (verbatim = 1) has the same text on both sides and maps
character by character; a *replace* segment (a rendered marker, a collapsed
line break, an inserted paragraph break) maps its whole normalized run onto its
whole source run, or character by character when both runs have one length.
Offsets are Python string indices (Unicode code points) into the decoded file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

Segment = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets of a normalized text back to offsets of its source file."""

    segments: tuple[Segment, ...]

    @classmethod
    def from_json(cls, data: list[list[int]]) -> "OffsetMap":
        return cls(tuple((a, b, c, d, v) for a, b, c, d, v in data))

    def to_json(self) -> list[list[int]]:
        return [list(s) for s in self.segments]

    @property
    def _starts(self) -> list[int]:
        # Cached lazily: frozen dataclass, so stash on the instance dict.
        cached = self.__dict__.get("_starts_cache")
        if cached is None:
            cached = [s[0] for s in self.segments]
            object.__setattr__(self, "_starts_cache", cached)
        return cached

    def _segment_at(self, offset: int) -> Segment | None:
        if not self.segments:
            return None
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        return self.segments[i]

    def source_start(self, offset: int) -> int:
        """Source offset of the character at normalized `offset`."""
        seg = self._segment_at(offset)
        if seg is None:
            return 0
        n0, n1, s0, s1, _ = seg
        if offset >= n1:  # past the end of the text
            return s1
        if n1 - n0 == s1 - s0:
            return s0 + (offset - n0)
        return s0

    def source_end(self, offset: int) -> int:
        """Source offset just past the character before normalized `offset`."""
        if offset <= 0:
            return self.source_start(0)
        seg = self._segment_at(offset - 1)
        if seg is None:
            return 0
        n0, n1, s0, s1, _ = seg
        if n1 - n0 == s1 - s0:
            return s0 + (offset - n0)
        return s1

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of the normalized span [start, end)."""
        if end <= start:
            s = self.source_start(start)
            return s, s
        return self.source_start(start), self.source_end(end)

    def is_verbatim(self, start: int, end: int) -> bool:
        """True when [start, end) is an unchanged, contiguous run of the source."""
        if end <= start:
            return True
        i = max(0, bisect_right(self._starts, start) - 1)
        last_source_end: int | None = None
        while i < len(self.segments):
            n0, n1, s0, s1, verbatim = self.segments[i]
            if n0 >= end:
                break
            if n1 > start:
                if not verbatim or (last_source_end is not None and s0 != last_source_end):
                    return False
                last_source_end = s1
            i += 1
        return True


@dataclass
class TextBuilder:
    """Accumulates normalized text and its offset segments."""

    source: str
    parts: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    length: int = 0

    def copy(self, start: int, end: int) -> None:
        """Append source[start:end] unchanged."""
        if end <= start:
            return
        text = self.source[start:end]
        self.append(text, start, end, copy=True)

    def replace(self, text: str, start: int, end: int) -> None:
        """Append `text` standing for source[start:end] (either may be empty)."""
        if not text:
            return
        self.append(text, start, end, copy=False)

    def append(self, text: str, s0: int, s1: int, *, copy: bool) -> None:
        """Append `text` standing for source[s0:s1]; `copy`: the same text on both sides (a reader
        whose source is not one string, such as a PDF's lines, says so itself)."""
        n0 = self.length
        n1 = n0 + len(text)
        prev = self.segments[-1] if self.segments else None
        if copy and prev is not None and prev[4] and prev[1] == n0 and prev[3] == s0:
            self.segments[-1] = (prev[0], n1, prev[2], s1, 1)
        else:
            self.segments.append((n0, n1, s0, s1, int(copy)))
        self.parts.append(text)
        self.length = n1

    def endswith(self, suffix: str) -> bool:
        return "".join(self.parts[-3:]).endswith(suffix) if self.parts else False

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self.parts), OffsetMap(tuple(self.segments))
