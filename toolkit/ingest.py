"""Read documents from disk, parse them, and store each one in its own transaction.

`ingest_paths(engine, paths)` never stops at a bad file: each document's outcome
is a `FileResult` (added, new-version, unchanged or failed, with the reason), and
a failed file leaves nothing behind in the store. A file may hold several
documents (a TEI volume): each is a result of its own. A document stored with
footnotes the reader saw but could not link carries `problems`: it is in the
store, flagged, and the run does not count as clean.

Parsing runs in worker processes that die with the parent and ignore Ctrl-C:
an interrupt stops the pool at once, and the report says what was stored.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import select

from toolkit.chunks import chunked
from toolkit.gc_tuning import spared_heap
from toolkit.errors import (
    EmptyFileError,
    InputError,
    MissingPathError,
    UnreadableFileError,
)
from toolkit.models import DocumentVersion
from toolkit.archives_config import load_archives
from toolkit.leads import update_leads
from toolkit.parsing.archives import Archives
from toolkit.parsing.document import KINDS, ParsedDocument, analyze, document_problems
from toolkit.readers import SUFFIXES, ReaderError, read_bytes
from toolkit.store import transaction
from toolkit.terms import Format
from toolkit.writer import ADDED, NEW_VERSION, Written, write_documents  # noqa: F401  (statuses, re-exported)

SKIPPED_NAMES = ("README", "LICENSE", "CHANGELOG")  # a folder's own documentation
UNCHANGED, FAILED = "unchanged", "failed"
INTERRUPTED = "interrupted"  # read, not stored: the run was stopped first


@dataclass
class FileResult:
    path: str
    status: str
    document: str | None = None
    version_id: str | None = None
    version: int | None = None
    kind: str | None = None
    format: str | None = None
    footnotes: int = 0
    references: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # stored, but not everything was understood
    error: str | None = None
    note: str | None = None


@dataclass
class IngestReport:
    results: list[FileResult]
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """Nothing failed (documents stored with problems count as stored)."""
        return all(r.status not in (FAILED, INTERRUPTED) for r in self.results) and not self.interrupted

    @property
    def clean(self) -> bool:
        """Nothing failed and every document went in whole."""
        return self.ok and not any(r.problems for r in self.results)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def collect_files(paths: Iterable[str | Path]) -> list[tuple[Path, InputError | None]]:
    """Files named, and the files of a known format inside folders named (sorted).
    Missing paths, and paths that are neither file nor folder, become errors."""
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
                if p.suffix.lower() in SUFFIXES and p.is_file()
                and not p.name.upper().startswith(SKIPPED_NAMES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                out.append((path, InputError(str(path), "folder holds no document of a format the toolkit reads",
                                             "give .txt, .md, .xml (TEI), .docx, .html or .pdf files")))
            for p in found:
                add(p)
        elif path.exists():
            if not stat.S_ISREG(path.stat().st_mode):
                out.append((path, UnreadableFileError(
                    str(path), "is not a regular file (a pipe, socket or device)",
                    "save what it would give to a file and ingest that")))
                continue
            add(path)
        else:
            out.append((path, MissingPathError(str(path), "no such file or folder", "check the path")))
    return out


def read_source(path: Path) -> bytes:
    """The bytes of a file, or an InputError saying what is wrong."""
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
    return data


def refuse_nul(doc: ParsedDocument) -> str | None:
    """A NUL character is stored by SQLite and refused by PostgreSQL: refuse it on both."""
    texts = [doc.layout.text] + [fn.note.text for fn in doc.layout.footnotes if fn.note is not None]
    for text in texts:
        at = text.find("\x00")
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            return (f"holds a NUL character (line {line} of its text); remove it, e.g. "
                    "tr -d '\\000' < FILE > CLEAN, and ingest the clean file")
    return None


@dataclass
class _Pending:
    """A file read and hashed, waiting to be parsed and written."""

    index: int
    path: Path
    sha: str
    size: int
    data: bytes
    format: str | None = None  # forced with --format
    docs: list[ParsedDocument] = field(default_factory=list)


@dataclass
class _Item:
    """One parsed document of a file, ready for the writer."""

    path: Path  # the source path; for a part of a volume, "<file>#<part>"
    sha: str
    size: int
    doc: ParsedDocument
    name: str  # what the document is called: the file's stem, or the part's id


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    *,
    archives: Archives | None = None,
    kind: str | None = None,
    fmt: Format | str | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    jobs: int | None = None,
    batch_size: int = 64,
) -> IngestReport:
    """Ingest files and folders. See the module docstring.

    Files are read and hashed first (bytes already stored are skipped), parsed in
    `jobs` processes (default: one per CPU), and written in transactions of up to
    `batch_size` documents. A file that cannot be parsed fails alone, before
    anything is written; if the database refuses a batch, its documents are written
    again one transaction each, so only the document at fault fails.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    archives = archives or load_archives()
    results: list[list[FileResult] | None] = []
    pending: list[_Pending] = []
    for path, problem in collect_files(paths):
        results.append(None)
        if problem is not None:
            results[-1] = [FileResult(str(path), FAILED, error=str(problem))]
            continue
        try:
            data = read_source(path)
        except InputError as exc:
            results[-1] = [FileResult(str(path), FAILED, error=str(exc))]
            continue
        pending.append(_Pending(len(results) - 1, path, hashlib.sha256(data).hexdigest(), len(data), data,
                                format=fmt))

    # Bytes already stored, or met earlier in this run, are unchanged.
    known = _stored_versions(engine, [p.sha for p in pending])
    fresh: list[_Pending] = []
    first_of: dict[str, _Pending] = {}
    for item in pending:
        if item.sha in known:
            dv = known[item.sha]
            results[item.index] = [FileResult(str(item.path), UNCHANGED, dv.document_id, dv.id, dv.version,
                                              dv.kind, dv.format)]
        elif item.sha in first_of:
            results[item.index] = [FileResult(str(item.path), UNCHANGED,
                                              note=f"same bytes as {first_of[item.sha].path}")]
        else:
            first_of[item.sha] = item
            fresh.append(item)

    emitted = 0

    def emit_ready() -> None:
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            if on_result is not None:
                for result in results[emitted]:  # type: ignore[union-attr]
                    on_result(result)
            emitted += 1

    def write(batch: list[_Pending]) -> None:
        items = [(file, it) for file in batch for it in _items(file)]
        parts = _stored_versions(engine, [it.sha for _, it in items])
        out: dict[int, list[FileResult]] = {file.index: [] for file in batch}
        todo = []
        for file, it in items:
            if it.sha in parts:
                dv = parts[it.sha]
                out[file.index].append(FileResult(str(it.path), UNCHANGED, dv.document_id, dv.id, dv.version,
                                                  dv.kind, dv.format))
            else:
                todo.append((file, it))
        written = _write(engine, [it for _, it in todo])
        for (file, it), result in zip(todo, written):
            out[file.index].append(result)
        for file in batch:
            results[file.index] = out[file.index] or [FileResult(str(file.path), UNCHANGED,
                                                                 note="every document in it is already stored")]
        emit_ready()

    emit_ready()
    interrupted = False
    batch: list[_Pending] = []
    size = 0
    with spared_heap() as spare:
        parsed = _parse_all(fresh, archives, kind, jobs, loaded=spare)
        try:
            # Parsing runs ahead in the worker processes while this one writes batches.
            for item, outcome in zip(fresh, parsed):
                if isinstance(outcome, str):
                    results[item.index] = [FileResult(str(item.path), FAILED, error=outcome)]
                    emit_ready()
                    continue
                item.docs = outcome
                item.data = b""  # the parse holds what is needed now
                batch.append(item)
                size += len(outcome)
                if size >= batch_size:
                    write(batch)
                    batch, size = [], 0
            if batch:
                write(batch)
                batch = []
        except KeyboardInterrupt:
            interrupted = True
            for k, slot in enumerate(results):
                if slot is None:
                    results[k] = [FileResult(str(pending_path(pending, k)), INTERRUPTED,
                                             note="not stored: the run was interrupted first")]
        finally:
            parsed.close()  # stop the workers now, while they can still be stopped cleanly
        emit_ready()
        stored = [r for slot in results if slot is not None for r in slot if r.status in (ADDED, NEW_VERSION)]
        if stored and not interrupted:
            # Where citations lead, over the whole store: the new documents may be cited, or cite.
            try:
                with transaction(engine) as session:
                    update_leads(session)
            except KeyboardInterrupt:  # the documents are stored; the leads stay as they were
                interrupted = True
    return IngestReport([r for slot in results if slot is not None for r in slot], interrupted)


def pending_path(pending: list[_Pending], index: int) -> Path | str:
    return next((p.path for p in pending if p.index == index), "?")


def _items(file: _Pending) -> list[_Item]:
    """The documents of a parsed file, each with its own identity: a volume's parts are
    known by the file's SHA-256 and their id, so each part is a version of its own."""
    if len(file.docs) == 1 and (file.docs[0].read is None or file.docs[0].read.part is None):
        return [_Item(file.path, file.sha, file.size, file.docs[0], file.path.stem)]
    out = []
    for doc in file.docs:
        part = doc.read.part if doc.read is not None and doc.read.part else f"part-{len(out) + 1}"
        sha = hashlib.sha256(f"{file.sha}#{part}".encode()).hexdigest()
        out.append(_Item(Path(f"{file.path}#{part}"), sha, file.size, doc, part))
    return out


def _write(engine: Engine, items: list[_Item]) -> list[FileResult]:
    """Write documents in one transaction; if the store refuses, one by one, so only the one at fault fails."""
    if not items:
        return []
    refused = {id(it): refuse_nul(it.doc) for it in items}
    good = [it for it in items if refused[id(it)] is None]
    done: dict[int, FileResult] = {}
    try:
        with transaction(engine) as session:
            for it, w in zip(good, write_documents(session, good)):
                done[id(it)] = _result(it, w)
    except SQLAlchemyError:
        done = {}
        for it in good:
            try:
                with transaction(engine) as session:
                    done[id(it)] = _result(it, write_documents(session, [it])[0])
            except IntegrityError:
                stored = _stored_versions(engine, [it.sha]).get(it.sha)
                if stored is not None:  # another ingest stored the same bytes meanwhile
                    done[id(it)] = FileResult(str(it.path), UNCHANGED, stored.document_id, stored.id,
                                              stored.version, stored.kind, stored.format,
                                              note="stored meanwhile by another ingest")
                else:
                    done[id(it)] = _refused(it, "a document of the same name or path was stored meanwhile; "
                                                "run the ingest again")
            except SQLAlchemyError as exc:
                orig = getattr(exc, "orig", None) or exc
                done[id(it)] = _refused(it, f"the store refused it ({type(orig).__name__}: "
                                            f"{str(orig).splitlines()[0]})")
    out = []
    for it in items:
        if refused[id(it)] is not None:
            out.append(FileResult(str(it.path), FAILED, error=f"{it.path}: {refused[id(it)]}"))
        else:
            out.append(done[id(it)])
    return out


def _refused(it: _Item, why: str) -> FileResult:
    return FileResult(str(it.path), FAILED, error=f"{it.path}: {why}; nothing of it was written")


def _stored_versions(engine: Engine, shas: list[str]) -> dict[str, DocumentVersion]:
    found: dict[str, DocumentVersion] = {}
    with transaction(engine) as session:
        for chunk in chunked(shas):
            for dv in session.exec(select(DocumentVersion).where(DocumentVersion.sha256.in_(chunk))):  # type: ignore[attr-defined]
                found[dv.sha256] = dv
    return found


def parse_file(path: Path, data: bytes, archives: Archives, kind: str | None = None,
               fmt: Format | str | None = None) -> list[ParsedDocument] | str:
    """Read and analyze one file's bytes; a one-line message instead when it cannot be read."""
    try:
        reads = read_bytes(path.name, data, fmt)
    except ReaderError as exc:
        return str(InputError(str(path), exc.problem, exc.fix))
    except Exception as exc:  # a reader's bug must not sink the run: name the file and the fault
        return (f"{path}: could not be read ({type(exc).__name__}: {str(exc)[:200]}); please report it "
                "with the file, and ingest the others")
    if not reads:
        return str(InputError(str(path), "holds no document", "check that it is the file you meant"))
    out = []
    for read in reads:
        title = _title_from_name(path) if read.part is None else read.part
        out.append(analyze(read, archives, kind=kind, fallback_title=title))
    return out


# Set in the parent before the pool forks, so workers inherit them without pickling.
_WORKER_ARCHIVES: Archives | None = None


def _parse_job(args: tuple[_Pending, str | None]) -> list[ParsedDocument] | str:
    item, kind = args
    assert _WORKER_ARCHIVES is not None
    return parse_file(item.path, item.data, _WORKER_ARCHIVES, kind, item.format)


def _worker_init() -> None:
    """A worker ignores Ctrl-C (the parent stops the pool) and dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's exit closes the pool's pipes
        pass


def _parse_all(items: list[_Pending], archives: Archives, kind: str | None, jobs: int | None,
               loaded: Callable[[], None] = lambda: None) -> Iterator[list[ParsedDocument] | str]:
    """Parse in order, in a pool of processes when it pays (several files, several CPUs).
    spaCy's pipeline, which every document's sentences need, is loaded before the first
    parse (in the parent: forked workers inherit it); then `loaded` is called."""
    global _WORKER_ARCHIVES
    if not items:
        return
    from toolkit.parsing.sentences import load_pipeline

    load_pipeline()
    loaded()
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(items) < 16 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield parse_file(item.path, item.data, archives, kind, item.format)
        return
    _WORKER_ARCHIVES = archives
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_init)
    try:
        yield from pool.imap(_parse_job, [(item, kind) for item in items],
                             chunksize=max(1, min(16, len(items) // (jobs * 4))))
        pool.close()
    finally:
        pool.terminate()  # at once: on an interrupt nothing waits for the workers' queues
        pool.join()
        _WORKER_ARCHIVES = None


def _result(item: _Item, written: Written) -> FileResult:
    doc = item.doc
    flags: dict[str, int] = {}
    for fn in doc.layout.footnotes:
        for flag in fn.flags:
            flags[flag] = flags.get(flag, 0) + 1
    return FileResult(
        str(item.path), written.status, written.document_id, written.version_id, written.version, doc.kind,
        doc.read.format if doc.read is not None else Format.TEXT,
        footnotes=len(doc.layout.footnotes),
        references=sum(len(r) for r in doc.note_references) + len(doc.references),
        flags=flags, problems=document_problems(doc),
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize()
