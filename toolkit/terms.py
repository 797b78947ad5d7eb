"""One name for each allowed value: the vocabularies the store, the CLI and the views share.

Each is a `StrEnum`, so a member *is* its string: it compares equal to the text
stored in the database and written in exports, and Typer lists the members of
an option typed with it in `--help`.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """The file formats `toolkit ingest` reads (one reader each, in `toolkit.readers`)."""

    TEXT = "text"
    MARKDOWN = "markdown"
    TEI = "tei"
    DOCX = "docx"
    HTML = "html"
    PDF = "pdf"


class DocumentKind(StrEnum):
    ARTICLE = "article"
    ABSTRACT = "abstract"
    PRIMARY_SOURCE = "primary-source"
