"""Read documents from disk, parse them, and store each one in its own transaction.

`ingest_paths(engine, paths)` never stops at a bad file: each file's outcome is
a `FileResult` (added, new-version, unchanged or failed, with the reason), and
a failed file leaves nothing behind in the store.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    InputError,
    LayoutError,
    MissingPathError,
    UnreadableFileError,
)
from toolkit.models import (
    ArchivalReference,
    Citation,
    Claim,
    Document,
    DocumentVersion,
    EvidenceLink,
    Footnote,
)
from toolkit.parsing.archives import Archives, load_archives
from toolkit.parsing.document import KINDS, ParsedDocument, parse_document
from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.store import transaction

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SKIPPED_NAMES = ("README", "LICENSE", "CHANGELOG")  # a folder's own documentation
ADDED, NEW_VERSION, UNCHANGED, FAILED = "added", "new-version", "unchanged", "failed"


@dataclass
class FileResult:
    path: str
    status: str
    document: str | None = None
    version_id: str | None = None
    version: int | None = None
    kind: str | None = None
    footnotes: int = 0
    references: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class IngestReport:
    results: list[FileResult]

    @property
    def ok(self) -> bool:
        return all(r.status != FAILED for r in self.results)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def collect_files(paths: Iterable[str | Path]) -> list[tuple[Path, InputError | None]]:
    """Files named, and the text files inside folders named (sorted). Missing paths become errors."""
    out: list[tuple[Path, InputError | None]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                and not p.name.upper().startswith(SKIPPED_NAMES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                out.append((path, InputError(str(path), "folder holds no .txt or .md files",
                                             "point at the documents themselves")))
            out.extend((p, None) for p in found)
        elif path.exists():
            out.append((path, None))
        else:
            out.append((path, MissingPathError(str(path), "no such file or folder", "check the path")))
    return out


def read_source(path: Path) -> tuple[bytes, str]:
    """The bytes of a text file and their UTF-8 decoding, or an InputError saying what is wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MissingPathError(str(path), "no such file", "check the path") from None
    except IsADirectoryError:
        raise UnreadableFileError(str(path), "is a folder, not a file") from None
    except PermissionError:
        raise UnreadableFileError(str(path), "permission denied", "make it readable (chmod u+r)") from None
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise EmptyFileError(str(path), "is empty", "nothing to ingest; remove it or fill it")
    if b"\x00" in data[:8192]:
        raise BinaryFileError(str(path), "is a binary file, not text",
                              "convert it to UTF-8 plain text or Markdown first")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise EncodingError(
            str(path),
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}, column {col}, offset {exc.start})",
            "re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]  # offsets then count from after the byte-order mark
    return data, text


def check_layout(path: Path, text: str, doc: ParsedDocument) -> None:
    """Refuse a document whose footnotes mostly cannot be linked: its layout is not one we read."""
    fns = doc.layout.footnotes
    unlinked = [f for f in fns if MARKER_WITHOUT_NOTE in f.flags or NOTE_WITHOUT_MARKER in f.flags]
    if len(unlinked) >= 3 and len(unlinked) * 2 > len(fns):
        markers = sum(1 for f in fns if MARKER_WITHOUT_NOTE in f.flags)
        notes = sum(1 for f in fns if NOTE_WITHOUT_MARKER in f.flags)
        first = unlinked[0]
        where = first.marker.source_start if first.marker else first.note.source_start  # type: ignore[union-attr]
        raise LayoutError(
            str(path),
            f"{len(unlinked)} of {len(fns)} footnotes cannot be linked ({markers} markers without a note, "
            f"{notes} notes without a marker; first at line {text.count(chr(10), 0, where) + 1})",
            "notes must be paragraphs 'N. text' after the text carrying marker N; "
            "use --allow-unlinked to store it anyway",
        )


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    *,
    archives: Archives | None = None,
    kind: str | None = None,
    allow_unlinked: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Ingest files and folders; one transaction per file. See the module docstring."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    archives = archives or load_archives()
    results = []
    for path, problem in collect_files(paths):
        if problem is not None:
            result = FileResult(str(path), FAILED, error=str(problem))
        else:
            try:
                result = ingest_file(engine, path, archives, kind=kind, allow_unlinked=allow_unlinked)
            except InputError as exc:
                result = FileResult(str(path), FAILED, error=str(exc))
        results.append(result)
        if on_result is not None:
            on_result(result)
    return IngestReport(results)


def ingest_file(engine: Engine, path: Path, archives: Archives, *, kind: str | None = None,
                allow_unlinked: bool = False) -> FileResult:
    """Parse and store one file; raises InputError for a file that cannot be ingested."""
    data, text = read_source(path)
    sha = hashlib.sha256(data).hexdigest()
    source_path = str(path.resolve())
    with transaction(engine) as session:
        existing = session.exec(select(DocumentVersion).where(DocumentVersion.sha256 == sha)).first()
        if existing is not None:
            return FileResult(str(path), UNCHANGED, existing.document_id, existing.id,
                              existing.version, existing.kind)
    doc = parse_document(text, archives, kind=kind, fallback_title=_title_from_name(path))
    if not allow_unlinked:
        check_layout(path, text, doc)
    with transaction(engine) as session:
        document = session.exec(select(Document).where(Document.source_path == source_path)).first()
        status = NEW_VERSION if document is not None else ADDED
        if document is None:
            document = Document(id=_unique_slug(session, path), source_path=source_path)
            session.add(document)
            session.flush()
            version = 1
        else:
            version = 1 + (session.exec(
                select(func.max(DocumentVersion.version)).where(DocumentVersion.document_id == document.id)
            ).one() or 0)
            for old in session.exec(select(DocumentVersion).where(
                    DocumentVersion.document_id == document.id, DocumentVersion.is_current)):
                old.is_current = False
                session.add(old)
        stored = store_document(session, document.id, version, sha, source_path, len(data), doc)
        flags: dict[str, int] = {}
        for fn in doc.layout.footnotes:
            for flag in fn.flags:
                flags[flag] = flags.get(flag, 0) + 1
        return FileResult(
            str(path), status, document.id, stored.id, version, doc.kind,
            footnotes=len(doc.layout.footnotes),
            references=sum(len(r) for r in doc.note_references) + len(doc.references),
            flags=flags,
        )


def store_document(session: Session, document_id: str, version: int, sha: str, source_path: str,
                   size: int, doc: ParsedDocument) -> DocumentVersion:
    """Write one parsed version and everything under it; the caller commits."""
    layout = doc.layout
    dv = DocumentVersion(
        id=sha[:16], document_id=document_id, version=version, sha256=sha, source_path=source_path,
        source_bytes=size, title=doc.title, kind=doc.kind, text=layout.text,
        pages=[{"label": p.label, "start": p.start, "source_start": p.source_start,
                "inferred": p.inferred} for p in layout.pages],
        offsets=layout.offsets.to_json(),
        paragraphs=[[p.kind, p.start, p.end] for p in layout.paragraphs],
        sentences=[list(s) for s in doc.sentences],
        repairs=[{"kind": r.kind, "start": r.start, "source_start": r.source_start,
                  "source_end": r.source_end, "detail": r.detail} for r in layout.repairs],
        file_numbers=list(doc.file_numbers),
    )
    session.add(dv)
    session.flush()
    for ref, (start, end) in zip(doc.references, doc.reference_spans):
        session.add(ArchivalReference(version_id=dv.id, archive=ref.archive, series=ref.series,
                                      volume=ref.volume, item=ref.item, raw=ref.raw, start=start,
                                      end=end, pattern=ref.pattern))
    footnote_rows: list[Footnote] = []
    for fn, note in zip(layout.footnotes, doc.notes):
        m, n = fn.marker, fn.note
        row = Footnote(
            version_id=dv.id, seq=fn.seq, label=fn.label,
            number=int(fn.label) if fn.label.isdigit() else None,
            marker_printed=m.printed if m else None, marker_style=m.style if m else None,
            marker_start=m.start if m else None, marker_end=m.end if m else None,
            marker_source_start=m.source_start if m else None,
            marker_source_end=m.source_end if m else None,
            page=m.page if m else None,
            note_text=n.text if n else None,
            note_source_start=n.source_start if n else None,
            note_source_end=n.source_end if n else None,
            note_offsets=n.offsets.to_json() if n else [], flags=list(fn.flags),
        )
        footnote_rows.append(row)
    session.add_all(footnote_rows)
    session.flush()
    for row, note in zip(footnote_rows, doc.notes):
        if note is None:
            continue
        cits = []
        for k, cit in enumerate(note.citations, start=1):
            target = cit.resolves_to
            cits.append((cit, Citation(
                footnote_id=row.id, seq=k, raw=cit.raw, start=cit.start, end=cit.end, kind=cit.kind,
                signal=cit.signal, locator=cit.locator, author=cit.author, title=cit.title,
                resolves_to=layout.footnotes[target].seq if target is not None else None,
                resolves_to_citation=cit.target + 1 if cit.target is not None else None,
                chain=[layout.footnotes[x].seq for x in cit.chain],
            )))
        session.add_all([c for _, c in cits])
        session.flush()
        for cit, crow in cits:
            for ref in cit.references:
                session.add(ArchivalReference(
                    version_id=dv.id, footnote_id=row.id, citation_id=crow.id, archive=ref.archive,
                    series=ref.series, volume=ref.volume, item=ref.item, raw=ref.raw,
                    start=ref.start, end=ref.end, pattern=ref.pattern))
    for claim in doc.claims:
        source_start, source_end = layout.offsets.source_span(claim.start, claim.end)
        claim_id = suggested_claim_id(dv.id, claim.start, claim.end)
        session.add(Claim(id=claim_id, version_id=dv.id, start=claim.start, end=claim.end,
                          source_start=source_start, source_end=source_end,
                          text=layout.text[claim.start:claim.end], origin="suggested", rule=claim.rule))
        for i in claim.footnotes:
            session.add(EvidenceLink(claim_id=claim_id, footnote_id=footnote_rows[i].id,
                                     stance="supports", link="implicit"))
    session.flush()
    return dv


def suggested_claim_id(version_id: str, start: int, end: int) -> str:
    """Stable id of a suggested claim: the same span of the same text, the same id."""
    return "s-" + hashlib.sha256(f"{version_id}:{start}:{end}".encode()).hexdigest()[:16]


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize()


def _unique_slug(session: Session, path: Path) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-").lower() or "document"
    slug, n = base, 1
    while session.get(Document, slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug
