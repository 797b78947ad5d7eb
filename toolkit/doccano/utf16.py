"""Offsets at the doccano boundary: Python counts code points, the web UI UTF-16 units.

doccano stores whatever integers it is sent; its web UI (grapheme mode off, the
default) counts JavaScript string indices, i.e. UTF-16 code units. Every
character outside the Basic Multilingual Plane (emoji, mathematical letters, some
CJK) counts once in Python and twice in the browser. Convert here, both ways.
"""

from __future__ import annotations

from bisect import bisect_left


class Utf16Offsets:
    """Converts offsets of one text between code points and UTF-16 code units."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Code-point positions of the characters that take two UTF-16 units.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # Their positions in UTF-16 units (the first unit of each pair).
        self._astral16 = [i + k for k, i in enumerate(self._astral)]
        self.length16 = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of the code-point `offset`."""
        if not self._astral:
            return offset
        return offset + bisect_left(self._astral, offset)

    def from_utf16(self, offset: int) -> int:
        """Code-point offset of the UTF-16 `offset`; ValueError inside a surrogate pair."""
        if not self._astral:
            return offset
        k = bisect_left(self._astral16, offset)
        # offset is after k astral characters, unless it points at the second unit of one
        if k > 0 and offset == self._astral16[k - 1] + 1:
            raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair")
        return offset - k
