"""What every reader returns: one document's text, notes, pages and the way back to its source.

A reader is a pure function from a file's bytes to a list of `ReadDocument`
(one, or many for a file that holds several documents: a TEI volume). It
touches neither the database nor the network, and never prints. What comes
after reading (citations, sentences, suggested claims) is the same for every
format: see `toolkit.parsing.document.analyze`.

Offsets, in one picture:

    layout.text     the normalized reading text: title, author, body; notes taken
                    out; each marker rendered as superscript digits (¹²) or as
                    printed ("*", "12a")
    layout.offsets  an OffsetMap from layout.text to `source`
    source          the text the reader read: the decoded file for text formats
                    (Markdown, plain text, TEI, HTML), the extracted text for DOCX
                    and PDF (runs of paragraphs or lines)
    anchors         runs of `source` and where they sit in the file, in the form the
                    format allows: {"xpath": ..., "offset": n} for TEI and HTML,
                    {"part": "document"|"footnotes"|"endnotes", "paragraph": n,
                    "offset": n} for DOCX, {"page": n, "bbox": [x0, y0, x1, y1]}
                    for PDF. Empty for text formats, where `source` is the file.

A footnote marker's `source_start`/`source_end` and a note's index `source`;
`Note.offsets` maps the note's text to `source` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.parsing.layout import Layout


@dataclass(frozen=True)
class Anchor:
    """A run of `ReadDocument.source` and where it sits in the original file."""

    start: int
    end: int
    locator: dict[str, Any]


@dataclass
class ReadDocument:
    """One document as a reader found it. See the module docstring for the offsets."""

    layout: Layout
    source: str
    format: str  # a `toolkit.terms.Format` value
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    file_numbers: list[str] = field(default_factory=list)
    part: str | None = None  # a document inside a larger file: the TEI div's xml:id
    collection: str | None = None  # the larger file's title (a TEI volume's teiHeader title)
    kind: str | None = None  # a hint: "primary-source" for an edition's documents
    anchors: list[Anchor] = field(default_factory=list)
    # What the reader saw and could not make sense of: footnote syntax it could not
    # link, pages it could not read. Never silent: the document is stored flagged.
    problems: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. {"url": ...}


class ReaderError(Exception):
    """A file this reader cannot read at all (the caller names the file and the fix)."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(problem + (f"; {fix}" if fix else ""))


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped: offsets count from after it), or UTF-16 with its
    byte-order mark; ReaderError naming the place of the first bad byte otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and data.count(0) * 5 >= len(data):
        # UTF-16 (every other byte NUL in Latin text): read it, and offsets count characters.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReaderError(f"is UTF-16 but has a bad sequence at byte {exc.start}",
                              "re-save it as UTF-8, e.g. iconv -f utf-16 -t utf-8") from None
    if b"\x00" in data[:8192]:
        raise ReaderError("is a binary file, not text",
                          "give a .txt, .md, .xml (TEI), .docx, .html or .pdf file, or convert it to UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise ReaderError(
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}, column {col}, offset {exc.start})"
            + ("; it starts like UTF-16" if utf16 else ""),
            "re-save it as UTF-8, e.g. " + ("iconv -f utf-16 -t utf-8" if utf16 else "iconv -f latin1 -t utf-8"),
        ) from None
    text = text[1:] if text.startswith("\ufeff") else text
    if "\x00" in text:
        at = text.index("\x00")
        raise ReaderError(f"holds a NUL character at line {text.count(chr(10), 0, at) + 1}",
                          "remove it, e.g. tr -d '\\000' < FILE > CLEAN, and ingest the clean file")
    return text
