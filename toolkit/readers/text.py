"""Plain text, and Markdown written in the text layouts: the layout repair of `parsing.layout`.

Markers are `<sup>N</sup>`, `[N]` or superscript digits, N up to four digits and a
letter for a note added after numbering ("98a"). Notes are paragraphs `N. text` or
`[N] text` after the paragraph carrying the marker, wherever a printed page ended,
or under a "Notes" heading (one a line is fine); a note may sit on the line right
under the body text; Project Gutenberg's `[Footnote N: text]` may run over several
lines and paragraphs. Books: chapters ("CHAPTER IV", "# Chapter 4") may restart
their numbering, and any length goes. YAML front matter at the top (title, author,
date) is metadata, not text.
"""

from __future__ import annotations

import re

from toolkit.parsing.layout import parse_layout
from toolkit.readers.base import ReadDocument, decode_text
from toolkit.terms import Format

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    return [read_text(decode_text(data))]


def read_text(source: str) -> ReadDocument:
    """One decoded text file as a document."""
    meta: dict[str, str] = {}
    body = source
    if (m := FRONT_MATTER.match(source)) is not None:
        meta = front_matter_fields(m.group("body"))
        # Blanked, not cut: offsets still count from the start of the file.
        body = re.sub(r"[^\n]", " ", source[: m.end()]) + source[m.end():]
    layout = parse_layout(body)
    doc = ReadDocument(layout, source, Format.TEXT, title=meta.get("title") or None,
                       date=meta.get("date") or None)
    if meta.get("author"):
        doc.authors = [meta["author"]]
    return doc


def front_matter_fields(body: str) -> dict[str, str]:
    """Top-level `key: value` lines of YAML front matter (quotes removed); lists are skipped."""
    fields: dict[str, str] = {}
    for line in body.splitlines():
        m = re.match(r"([A-Za-z_][\w-]*):\s*(.*)$", line)
        if m and m.group(2):
            fields[m.group(1).lower()] = m.group(2).strip().strip("'\"")
    return fields
