"""Every table of the store, in one module.

    Document            one logical document (a file the user ingests, across its edits)
    └── DocumentVersion one exact text of it: id from the SHA-256 of the source bytes
        ├── Footnote    a marker and its note (either may be missing: flagged), and the note's role
        │   └── Citation          one citation in the note (kind, repository, CSL-JSON)
        │       └── Reach         an archival item it reaches, after Ibid. and short forms
        ├── ArchivalReference     {archive, series, volume, item}; footnote_id None = the document's own
        └── Claim                 a span of the text claimed to be true (suggested or annotated)
            └── EvidenceLink      claim -> footnote, with stance and how the link was made

    Lead                a citation resolved to a stored document (page, TEI target, file number)

    Assignment          a document version given to one annotator of a team project (`toolkit push --annotators`)

    DoccanoProject      a project on a doccano server that documents were pushed to
    ├── PushRecord      a document version sent there, and whether with suggested claims
    ├── DoccanoExample  one document version there, as one example (known from the server)
    └── GuidelinePush   each version of the guidelines set as the project's guideline

Ids are derived, not counted, wherever a row has a natural identity (a version
from its bytes, a footnote from its version and position, a suggested claim from
its span), so that they are stable across machines and re-ingests.

Offsets: `start`/`end` index the version's normalized `text`; `source_start`/
`source_end` index the decoded source file (Python string indices, i.e. Unicode
code points, of the UTF-8 file whose SHA-256 is recorded). JSON columns hold
the maps (pages, offsets, sentences) that are read whole and never queried.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from toolkit.terms import CitationKind, ClaimStatus, DocumentKind, Format, LinkKind, NoteRole, Origin, Stance


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def term(length: int, **kwargs: Any) -> Any:
    """A field holding a word of one of `toolkit.terms`' vocabularies, annotated with its StrEnum
    and stored as the plain VARCHAR(length) it has always been. (An Enum annotation alone
    makes SQLModel declare a SQL ENUM of the members' names: a schema change, and a type of
    its own on PostgreSQL.) A member compares equal to the string the column holds."""
    return Field(sa_type=AutoString(length=length), **kwargs)


class Document(SQLModel, table=True):
    """A document as the user knows it: one source file, all its versions."""

    id: str = Field(primary_key=True, max_length=200)  # a slug of the file name
    source_path: str = Field(index=True, unique=True)  # absolute, resolved
    created_at: datetime = Field(default_factory=utcnow)


class DocumentVersion(SQLModel, table=True):
    """One exact text of a document; re-ingesting the same bytes adds nothing."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: str = Field(primary_key=True, max_length=64)  # first 16 hex digits of sha256
    document_id: str = Field(foreign_key="document.id", index=True)
    version: int
    is_current: bool = True
    sha256: str = Field(index=True, unique=True, max_length=64)
    source_path: str
    source_bytes: int
    title: str
    kind: DocumentKind = term(32)
    format: Format = term(16, default=Format.TEXT, sa_column_kwargs={"server_default": "text"})
    part: Optional[str] = None  # a document inside a larger file: the TEI div's xml:id
    collection: Optional[str] = None  # the larger file's title (a TEI volume)
    authors: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    date: Optional[str] = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    pages: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    offsets: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paragraphs: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sentences: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    repairs: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    file_numbers: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Runs of the reader's source text and where they sit in the file (XPath, DOCX
    # paragraph, PDF page and box): see `toolkit.readers.base`. Empty for text formats.
    anchors: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # What the reader saw and could not make sense of: the version is stored, flagged.
    problems: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    ingested_at: datetime = Field(default_factory=utcnow)


class Footnote(SQLModel, table=True):
    """A footnote: the marker in the text and the note it links to."""

    __table_args__ = (UniqueConstraint("version_id", "seq"),)

    id: str = Field(primary_key=True, max_length=80)  # "<version id>-<seq>"
    version_id: str = Field(foreign_key="document_version.id", index=True)
    seq: int  # 1-based position in the document
    label: str  # the note's number as printed ("12", "*"), or the marker's if there is no note
    number: Optional[int] = None
    marker_printed: Optional[str] = None  # as printed: "85" where OCR misread 35
    marker_style: Optional[str] = None  # sup, unicode, bracket
    marker_start: Optional[int] = None
    marker_end: Optional[int] = None
    marker_source_start: Optional[int] = None
    marker_source_end: Optional[int] = None
    page: Optional[str] = None
    note_text: Optional[str] = Field(default=None, sa_column=Column(Text))
    note_source_start: Optional[int] = None
    note_source_end: Optional[int] = None
    note_offsets: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flags: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # A NoteRole: evidence, editorial, cross-reference or mixed. Only evidence (and mixed)
    # notes support a claim. None in stores made before roles were known: read as evidence.
    role: Optional[NoteRole] = term(16, default=None)


class Citation(SQLModel, table=True):
    """One citation inside a note; offsets index the note's text."""

    id: str = Field(primary_key=True, max_length=90)  # "<footnote id>-<seq>"
    footnote_id: str = Field(foreign_key="footnote.id", index=True)
    seq: int
    raw: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    kind: CitationKind = term(32)
    signal: Optional[str] = None
    locator: Optional[str] = None
    author: Optional[str] = None
    title: Optional[str] = None
    resolves_to: Optional[int] = None  # seq of the footnote it finally leans on
    resolves_to_citation: Optional[int] = None  # seq of the citation in that footnote
    resolves_to_document: Optional[str] = None  # set when the full citation is in another document
    chain: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    repository: Optional[str] = None  # normalized: "NARA", "Library of Congress", "The National Archives (Kew)"
    collection_or_series: Optional[str] = None  # "RG 59", "Root Papers", "FO 371"
    unit: Optional[str] = None  # box, roll, volume as written
    item: Optional[str] = None
    year: Optional[str] = None
    pages: Optional[str] = None
    # The citation as CSL-JSON (Zotero, citeproc), made once by the parser.
    csl: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON, nullable=True))


class ArchivalReference(SQLModel, table=True):
    """One archival item. Without a footnote it is the document's own (a FRUS file number)."""

    __tablename__ = "archival_reference"
    __table_args__ = (Index("ix_reference_archive_series", "archive", "series"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version_id: str = Field(foreign_key="document_version.id", index=True)
    footnote_id: Optional[str] = Field(default=None, foreign_key="footnote.id", index=True)
    citation_id: Optional[str] = Field(default=None, foreign_key="citation.id")
    archive: str
    series: Optional[str] = None
    volume: Optional[str] = None
    item: Optional[str] = None
    raw: str = Field(sa_column=Column(Text, nullable=False))
    start: int  # in the note's text, or in the document's text for its own reference
    end: int
    pattern: str
    kind: CitationKind = term(32, default=CitationKind.ARCHIVAL,  # or manuscript-collection
                              sa_column_kwargs={"server_default": "archival"})
    repository: Optional[str] = None


class Reach(SQLModel, table=True):
    """An archival item a citation reaches: its own, or what its Ibid. or short form leans on.

    Worked out once, by the parser, at ingest; inspect, export and audit only read it."""

    __table_args__ = (Index("ix_reach_archive_series", "archive", "series"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version_id: str = Field(foreign_key="document_version.id", index=True)
    footnote_id: str = Field(foreign_key="footnote.id", index=True)
    citation_id: str = Field(foreign_key="citation.id", index=True)
    archive: str
    series: Optional[str] = None
    volume: Optional[str] = None
    item: Optional[str] = None
    kind: CitationKind = term(32, default=CitationKind.ARCHIVAL)  # or manuscript-collection
    repository: Optional[str] = None
    raw: str = Field(sa_column=Column(Text, nullable=False))


class Claim(SQLModel, table=True):
    """A span of a document version that asserts something."""

    __table_args__ = (Index("ix_claim_version_origin", "version_id", "origin"),)

    id: str = Field(primary_key=True, max_length=64)  # stable: derived, not a counter
    version_id: str = Field(foreign_key="document_version.id")
    start: int
    end: int
    source_start: int
    source_end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    origin: Origin = term(16)
    rule: Optional[str] = None  # for suggestions: marker, sentence; for gold: consensus, adjudicator
    annotator: Optional[str] = None
    # An annotator's claim that keeps a suggestion (team projects): relabelled to CLAIM, or left in
    # place in an example the annotator marked done.
    accepted_suggestion: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # Gold (origin "adjudicated"): the annotators whose version of the claim was chosen.
    adjudicated_from: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    status: ClaimStatus = term(16, default=ClaimStatus.ACTIVE)
    guidelines_version: Optional[str] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    doccano_project_id: Optional[int] = Field(default=None, foreign_key="doccano_project.id")
    doccano_example_id: Optional[int] = None
    doccano_span_id: Optional[int] = None


class EvidenceLink(SQLModel, table=True):
    """Claim -> footnote: what the claim rests on."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("claim_id", "footnote_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: str = Field(foreign_key="claim.id", index=True)
    footnote_id: str = Field(foreign_key="footnote.id", index=True)
    stance: Stance = term(16, default=Stance.SUPPORTS)
    link: LinkKind = term(16, default=LinkKind.IMPLICIT)
    doccano_relation_id: Optional[int] = None
    annotator: Optional[str] = None  # who drew the relation (or kept a pre-made one); None: made at ingest
    created_at: Optional[datetime] = None  # when the relation was made in doccano


class DoccanoProject(SQLModel, table=True):
    """A project on a doccano server (the URL is kept; credentials never are)."""

    __tablename__ = "doccano_project"
    __table_args__ = (UniqueConstraint("url", "name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    url: str
    name: str
    remote_id: int  # the project's id on the server
    created_at: datetime = Field(default_factory=utcnow)


class DoccanoExample(SQLModel, table=True):
    """One document version as an example of a doccano project."""

    __tablename__ = "doccano_example"
    __table_args__ = (UniqueConstraint("project_id", "remote_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="doccano_project.id", index=True)
    remote_id: int  # the example's id on the server
    version_id: str = Field(foreign_key="document_version.id", index=True)
    complete: bool = False  # every pre-annotation seen on the server
    signature: Optional[str] = None  # of its spans and relations at the last pull
    done: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})  # marked done (is_confirmed) at the last pull
    pushed_at: datetime = Field(default_factory=utcnow)
    pulled_at: Optional[datetime] = None


class PushRecord(SQLModel, table=True):
    """A version sent to a project: what the server cannot tell us back (were suggestions sent?)."""

    __tablename__ = "push_record"
    __table_args__ = (UniqueConstraint("project_id", "version_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="doccano_project.id", index=True)
    version_id: str = Field(foreign_key="document_version.id")
    suggested: bool = False
    pushed_at: datetime = Field(default_factory=utcnow)


class GuidelinePush(SQLModel, table=True):
    """A version of the guidelines set as a project's guideline, and when."""

    __tablename__ = "guideline_push"

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="doccano_project.id", index=True)
    version: str
    sha256: str
    pushed_at: datetime = Field(default_factory=utcnow)


class Assignment(SQLModel, table=True):
    """A document version given to one annotator of a team project; never moved once made.

    `project` is the team's project name; the annotator works in the doccano project
    `<project>--<annotator>` (see toolkit.team.assign)."""

    __table_args__ = (UniqueConstraint("project", "annotator", "version_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project: str = Field(index=True)
    annotator: str
    version_id: str = Field(foreign_key="document_version.id", index=True)
    assigned_at: datetime = Field(default_factory=utcnow)


class Lead(SQLModel, table=True):
    """A citation resolved to a document in the store: "ante, p. 283", a TEI <ref>, "File No. 861.00/763".

    Worked out over the whole store after each ingest (`toolkit.leads`), so that a volume
    ingested after the article that cites it is found; `how`: tei-target, page, file-number,
    telegram (see `toolkit.parsing.leads`)."""

    __table_args__ = (UniqueConstraint("citation_id", "version_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    citation_id: str = Field(foreign_key="citation.id", index=True)
    version_id: str = Field(foreign_key="document_version.id", index=True)  # the document led to
    how: str = Field(max_length=16)
    detail: Optional[str] = None  # what was matched: "frus1918Russiav03 p. 283", "861.00/763", a TEI target
