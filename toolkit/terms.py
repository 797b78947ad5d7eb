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


class ExportFormat(StrEnum):
    """What `toolkit export` writes: one dataset, a claim a line, or W3C Web Annotations."""

    JSON = "json"
    JSONL = "jsonl"
    WEBANNO = "webanno"


class Severity(StrEnum):
    """How much an audit finding matters, in rising order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Origin(StrEnum):
    """Who made a claim."""

    SUGGESTED = "suggested"  # the toolkit, at ingest: a sentence carrying a marker
    ANNOTATOR = "annotator"  # a person, in doccano
    ADJUDICATED = "adjudicated"  # gold: what all annotators agreed on, or what an adjudicator chose


class ClaimStatus(StrEnum):
    ACTIVE = "active"
    RETRACTED = "retracted"  # deleted in doccano: kept, never silently dropped


class Stance(StrEnum):
    SUPPORTS = "supports"
    DISPUTES = "disputes"


class LinkKind(StrEnum):
    """How a claim was tied to a note."""

    EXPLICIT = "explicit"  # an annotator drew the relation
    IMPLICIT = "implicit"  # the claim holds the note's marker
    DOCUMENT = "document"  # a claim in a primary source rests on the document itself


class Support(StrEnum):
    """What a claim rests on, in the audit's terms."""

    ARCHIVAL = "archival"
    PUBLISHED = "published"
    NONE = "none"


class CitationKind(StrEnum):
    """What one citation in a note is (the gold's kinds, ../shared/corpus/citations/README.md)."""

    ARCHIVAL = "archival"  # records of an institution: NARA record groups, TNA FO 371, AVPRF fond/opis'/delo
    MANUSCRIPT_COLLECTION = "manuscript-collection"  # personal papers: "LCM, Root Papers, Box 186"
    PRINTED_PRIMARY = "printed-primary"  # FRUS, congressional documents, statutes, newspapers, editions
    PUBLISHED = "published"  # scholarship: books, articles, theses, web pages
    IBID = "ibid"  # Ibid., idem, id., op. cit., loc. cit., ebd., a.a.O.
    SHORT_FORM = "short-form"  # "Nevins, *Fish*, p. 632": leans on a full citation elsewhere
    CROSS_REFERENCE = "cross-reference"  # another place of the same publication: "vol. ii, p. 28", "ante"
    COMMENTARY = "commentary"  # the author's or editor's own words
    UNPARSED = "unparsed"  # citation-like, but fits no form: kept verbatim


class NoteRole(StrEnum):
    """What a whole note does (the gold's roles)."""

    EVIDENCE = "evidence"  # cites sources for the text
    EDITORIAL = "editorial"  # identifies, explains, "Not printed": no source, no pointer
    CROSS_REFERENCE = "cross-reference"  # points to another place of the publication
    MIXED = "mixed"  # more than one of the above


# The roles of a note that can support a claim: one rule, for suggestions, export and audit.
SUPPORTING_ROLES = (NoteRole.EVIDENCE, NoteRole.MIXED)
