"""What parsing a note gives: `Citation`s in a `ParsedNote`, and the kinds a citation can be."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.parsing.archives import Definition, Reference
from toolkit.terms import CitationKind, NoteRole

ARCHIVAL = CitationKind.ARCHIVAL
MANUSCRIPT = CitationKind.MANUSCRIPT_COLLECTION
PRINTED_PRIMARY = CitationKind.PRINTED_PRIMARY
PUBLISHED = CitationKind.PUBLISHED
SHORT_FORM = CitationKind.SHORT_FORM
IBID = CitationKind.IBID
CROSS_REFERENCE = CitationKind.CROSS_REFERENCE
COMMENTARY = CitationKind.COMMENTARY
UNPARSED = CitationKind.UNPARSED
KINDS = tuple(CitationKind)
SOURCES = (ARCHIVAL, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED, SHORT_FORM, IBID)
FULL = (ARCHIVAL, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED)


@dataclass
class Citation:
    """One citation in a note; offsets are into the note's normalized text."""

    raw: str
    start: int
    end: int
    kind: str
    signal: str | None = None
    locator: str | None = None
    author: str | None = None
    title: str | None = None
    references: list[Reference] = field(default_factory=list)
    resolves_to: int | None = None  # index of the note it finally leans on
    target: int | None = None  # index of that citation in the note
    chain: list[int] = field(default_factory=list)  # notes followed on the way
    # Fields as the gold has them
    repository: str | None = None  # normalized: "NARA", "Library of Congress", "The National Archives (Kew)"
    collection_or_series: str | None = None  # "RG 59", "Root Papers", "FO 371"
    unit: str | None = None  # box, roll, volume as written; a journal's volume and issue
    item: str | None = None  # file or document number
    year: str | None = None
    pages: str | None = None
    container: str | None = None  # journal, newspaper or series the work appears in
    publisher: str | None = None
    place: str | None = None
    url: str | None = None
    defines: str | None = None  # "(hereafter Message, 1861)": the short title this citation defines
    resolves_to_document: str | None = None  # set when the full citation is in another document
    reaches: list[Reference] = field(default_factory=list)  # archival references reached (own or leaned on)


@dataclass
class ParsedNote:
    citations: list[Citation]
    definitions: list[Definition]
    role: str = NoteRole.EDITORIAL
    blanket: bool = False  # "Unless otherwise noted, ... see NARA, RG 59, ...": a location for later letters
