"""Readers: one per format, each a pure function from a file's bytes to `ReadDocument`s.

    text.py      plain text and text-style Markdown: <sup>N</sup>, [N], ¹², "N. note" paragraphs
    markdown/    Pandoc / CommonMark Markdown: [^label] notes, ^[inline] notes, YAML front matter
    tei.py       TEI P5 (FRUS volumes, digital editions): <note>, <pb n>, one document per div
    docx.py      Word: the body, word/footnotes.xml and endnotes.xml, core properties
    html.py      journal and repository pages, pandoc's HTML: footnote links and note lists
    pdf/         PDF with a text layer, born digital or OCR'd: superscript markers, page-foot notes

`detect_format(name, data)` chooses by content, then by extension; `read_bytes`
dispatches. Readers import their libraries lazily, so `toolkit --help` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import PurePath

from toolkit.readers.base import Anchor, ReadDocument, ReaderError
from toolkit.terms import Format

__all__ = ["Anchor", "ReadDocument", "ReaderError", "SUFFIXES", "detect_format", "read_bytes"]

# File name endings each format is known by (a folder is scanned for these).
SUFFIXES: dict[str, Format] = {
    ".txt": Format.TEXT, ".text": Format.TEXT,
    ".md": Format.MARKDOWN, ".markdown": Format.MARKDOWN,
    ".xml": Format.TEI, ".tei": Format.TEI,
    ".docx": Format.DOCX,
    ".html": Format.HTML, ".htm": Format.HTML, ".xhtml": Format.HTML,
    ".pdf": Format.PDF,
}
_MODULES = {Format.TEXT: "text", Format.MARKDOWN: "markdown", Format.TEI: "tei", Format.DOCX: "docx",
            Format.HTML: "html", Format.PDF: "pdf"}


def detect_format(name: str, data: bytes) -> Format | None:
    """The format of a file, by what it holds first and by its name second; None if unknown."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        return Format.DOCX if b"word/" in data[:65536] or PurePath(name).suffix.lower() == ".docx" else None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith(b"<tei") or text.startswith(b"<!--"):
        if b"<tei" in head.lower() and b"tei-c.org" in data[:8192].lower() or b"<tei" in text[:200]:
            return Format.TEI
    if text.startswith(b"<!doctype html") or text.startswith(b"<html") or b"<html" in text[:512]:
        return Format.HTML
    suffix = SUFFIXES.get(PurePath(name).suffix.lower())
    if suffix is Format.MARKDOWN and not _has_pandoc_notes(data):
        return Format.TEXT  # Markdown without Pandoc notes: the text reader's layouts
    return suffix


def _has_pandoc_notes(data: bytes) -> bool:
    import re

    return re.search(rb"(?m)^ {0,3}\[\^[^\]\s]+\]:|\^\[", data) is not None


def read_bytes(name: str, data: bytes, fmt: Format | str | None = None) -> list[ReadDocument]:
    """Read a file's bytes as `fmt` (detected when None). ReaderError if it cannot be read."""
    chosen = Format(fmt) if fmt else detect_format(name, data)
    if chosen is None:
        raise ReaderError("is in no format the toolkit reads",
                          "give a .txt, .md, .xml (TEI), .docx, .html or .pdf file, or name the format with --format")
    module = import_module(f"toolkit.readers.{_MODULES[chosen]}")
    return module.read(data, name)
