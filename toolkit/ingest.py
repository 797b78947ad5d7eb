"""Read documents from disk, parse them, and store each one in its own transaction.

`ingest_paths(engine, paths)` never stops at a bad file: each file's outcome is
a `FileResult` (added, new-version, unchanged or failed, with the reason), and
a failed file leaves nothing behind in the store.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from toolkit.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    InputError,
    LayoutError,
    MissingPathError,
    UnreadableFileError,
)
from toolkit.models import DocumentVersion
from toolkit.archives_config import load_archives
from toolkit.parsing.archives import Archives
from toolkit.parsing.document import KINDS, ParsedDocument, parse_document
from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.store import transaction
from toolkit.writer import ADDED, NEW_VERSION, Written, write_documents  # noqa: F401  (statuses, re-exported)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SKIPPED_NAMES = ("README", "LICENSE", "CHANGELOG")  # a folder's own documentation
UNCHANGED, FAILED = "unchanged", "failed"


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
    note: str | None = None


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
    seen: set[Path] = set()

    def add(path: Path) -> None:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            out.append((path, None))

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
            for p in found:
                add(p)
        elif path.exists():
            add(path)
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


@dataclass
class _Pending:
    """A file read and hashed, waiting to be parsed and written."""

    index: int
    path: Path
    sha: str
    size: int
    text: str
    doc: ParsedDocument | None = None


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    *,
    archives: Archives | None = None,
    kind: str | None = None,
    allow_unlinked: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
    jobs: int | None = None,
    batch_size: int = 64,
) -> IngestReport:
    """Ingest files and folders. See the module docstring.

    Files are read and hashed first (bytes already stored are skipped), parsed in
    `jobs` processes (default: one per CPU), and written in transactions of up to
    `batch_size` files. A file that cannot be parsed fails alone, before anything
    is written; if the database refuses a batch, its files are written again one
    transaction each, so only the file at fault fails.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    archives = archives or load_archives()
    results: list[FileResult | None] = []
    pending: list[_Pending] = []
    for path, problem in collect_files(paths):
        results.append(None)
        if problem is not None:
            results[-1] = FileResult(str(path), FAILED, error=str(problem))
            continue
        try:
            data, text = read_source(path)
        except InputError as exc:
            results[-1] = FileResult(str(path), FAILED, error=str(exc))
            continue
        pending.append(_Pending(len(results) - 1, path, hashlib.sha256(data).hexdigest(), len(data), text))

    # Bytes already stored, or met earlier in this run, are unchanged.
    known = _stored_versions(engine, [p.sha for p in pending])
    fresh: list[_Pending] = []
    first_of: dict[str, _Pending] = {}
    for item in pending:
        if item.sha in known:
            dv = known[item.sha]
            results[item.index] = FileResult(str(item.path), UNCHANGED, dv.document_id, dv.id, dv.version, dv.kind)
        elif item.sha in first_of:
            results[item.index] = FileResult(str(item.path), UNCHANGED,
                                             note=f"same bytes as {first_of[item.sha].path}")
        else:
            first_of[item.sha] = item
            fresh.append(item)

    emitted = 0

    def emit_ready() -> None:
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            if on_result is not None:
                on_result(results[emitted])  # type: ignore[arg-type]
            emitted += 1

    def write(batch: list[_Pending]) -> None:
        try:
            with transaction(engine) as session:
                written = [_result(item, w) for item, w in zip(batch, write_documents(session, batch))]
        except SQLAlchemyError:
            written = []
            for item in batch:  # find the file at fault; the others go in
                try:
                    with transaction(engine) as session:
                        written.append(_result(item, write_documents(session, [item])[0]))
                except SQLAlchemyError as exc:
                    orig = getattr(exc, "orig", None) or exc
                    written.append(FileResult(str(item.path), FAILED, error=(
                        f"{item.path}: the store refused it ({type(orig).__name__}: "
                        f"{str(orig).splitlines()[0]}); nothing of it was written")))
        for item, result in zip(batch, written):
            results[item.index] = result
        emit_ready()

    emit_ready()
    # Parsing runs ahead in the worker processes while this one writes batches.
    batch: list[_Pending] = []
    for item, outcome in zip(fresh, _parse_all(fresh, archives, kind, allow_unlinked, jobs)):
        if isinstance(outcome, str):
            results[item.index] = FileResult(str(item.path), FAILED, error=outcome)
            continue
        item.doc = outcome
        item.text = ""  # the parse holds what is needed now
        batch.append(item)
        if len(batch) >= batch_size:
            write(batch)
            batch = []
    if batch:
        write(batch)
    emit_ready()
    return IngestReport([r for r in results if r is not None])


def _stored_versions(engine: Engine, shas: list[str]) -> dict[str, DocumentVersion]:
    found: dict[str, DocumentVersion] = {}
    with transaction(engine) as session:
        for k in range(0, len(shas), 500):
            chunk = shas[k : k + 500]
            for dv in session.exec(select(DocumentVersion).where(DocumentVersion.sha256.in_(chunk))):  # type: ignore[attr-defined]
                found[dv.sha256] = dv
    return found


# Set in the parent before the pool forks, so workers inherit them without pickling.
_WORKER_ARCHIVES: Archives | None = None


def _parse_one(item: _Pending, archives: Archives, kind: str | None, allow_unlinked: bool) -> ParsedDocument | str:
    """Parse a file's text; a message instead where its layout makes no sense."""
    doc = parse_document(item.text, archives, kind=kind, fallback_title=_title_from_name(item.path))
    if not allow_unlinked:
        try:
            check_layout(item.path, item.text, doc)
        except InputError as exc:
            return str(exc)
    return doc


def _parse_job(args: tuple[_Pending, str | None, bool]) -> ParsedDocument | str:
    item, kind, allow_unlinked = args
    assert _WORKER_ARCHIVES is not None
    return _parse_one(item, _WORKER_ARCHIVES, kind, allow_unlinked)


def _parse_all(items: list[_Pending], archives: Archives, kind: str | None, allow_unlinked: bool,
               jobs: int | None) -> Iterator[ParsedDocument | str]:
    """Parse in order, in a pool of processes when it pays (several files, several CPUs)."""
    global _WORKER_ARCHIVES
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(items) < 16 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield _parse_one(item, archives, kind, allow_unlinked)
        return
    from toolkit.parsing.sentences import load_pipeline

    load_pipeline()  # loaded once here; the forked workers inherit it
    _WORKER_ARCHIVES = archives
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            yield from pool.map(_parse_job, [(item, kind, allow_unlinked) for item in items],
                                chunksize=max(1, min(16, len(items) // (jobs * 4))))
    finally:
        _WORKER_ARCHIVES = None


def _result(item: _Pending, written: Written) -> FileResult:
    doc = item.doc
    assert doc is not None
    flags: dict[str, int] = {}
    for fn in doc.layout.footnotes:
        for flag in fn.flags:
            flags[flag] = flags.get(flag, 0) + 1
    return FileResult(
        str(item.path), written.status, written.document_id, written.version_id, written.version, doc.kind,
        footnotes=len(doc.layout.footnotes),
        references=sum(len(r) for r in doc.note_references) + len(doc.references),
        flags=flags,
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize()
