"""`toolkit export`: the claims dataset with full provenance, validated, written atomically.

The store is read one slice of documents at a time (`iter_pieces`: a version and
its claims) and written as it is read, each piece checked against the JSON Schema
shipped in ``toolkit/data/claims.schema.json`` before it is written: memory is
bounded by the largest slice, not by the corpus. If any piece fails, nothing is
written at all; otherwise the file appears whole, by an atomic rename, with the
schema beside it. `build_dataset` gathers the same pieces into one dict, for
small stores and tests.

The data contract (schema 2.1.0, see CHANGELOG.md): claims and documents join on
`version_id`; evidence and notes on `note_id`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import msgspec
from sqlalchemy import or_
from sqlmodel import Session, func, select

from toolkit import __version__
from toolkit.chunks import chunked
from toolkit.errors import NotFoundError, ValidationError
from toolkit.files import write_atomically
from toolkit.gc_tuning import fewer_collections
from toolkit.models import Claim, DoccanoExample, DoccanoProject, DocumentVersion, EvidenceLink, Footnote
from toolkit.provenance import Locator, file_selectors
from toolkit.store import all_rows
from toolkit.terms import SUPPORTING_ROLES, ClaimStatus, ExportFormat, Origin, Support
from toolkit.views import VERSION_COLUMNS, document_views, find_version, iso

SCHEMA_VERSION = "2.1.0"
FORMATS = tuple(ExportFormat)
QUOTE_CONTEXT = 32  # characters of prefix and suffix in a TextQuoteSelector
SLICE = 50  # documents read from the store at a time
_ENCODER = msgspec.json.Encoder()


# -- the schema -----------------------------------------------------------------------------


def schema_text() -> str:
    return resources.files("toolkit.data").joinpath("claims.schema.json").read_text("utf-8")


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    return json.loads(schema_text())


def _subschema(definition: str | None) -> dict[str, Any]:
    """The schema, or a schema for one of its definitions ("claim"), or for an array of them ("claim[]")."""
    schema = load_schema()
    if definition is None:
        return schema
    ref = {"$ref": f"#/$defs/{definition.removesuffix('[]')}"}
    body: dict[str, Any] = {"type": "array", "items": ref} if definition.endswith("[]") else ref
    name = definition.replace("[]", "-list")
    return {"$schema": schema["$schema"], "$id": f"{schema['$id']}:{name}", "$defs": schema["$defs"], **body}


@lru_cache(maxsize=8)
def _validator(definition: str | None):  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_subschema(definition))


@lru_cache(maxsize=8)
def _fast_validator(definition: str | None):  # type: ignore[no-untyped-def]
    """jsonschema-rs, when installed: the same schema, checked a hundred times faster."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.validator_for(_subschema(definition))


def schema_errors(instance: Any, definition: str | None = None, path_prefix: str = "$") -> list[str]:
    """Readable `path -> message` lines; empty when `instance` is valid.
    `definition` names a part of the schema ("claim", "webAnnotation"); None is the dataset.

    A valid instance is recognized by jsonschema-rs where it is installed; the
    messages of an invalid one always come from the jsonschema library."""
    fast = _fast_validator(definition)
    if fast is not None and fast.is_valid(instance):
        return []
    errors = sorted(_validator(definition).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{_json_path(path_prefix, e.absolute_path)} -> {e.message}" for e in errors]


def _json_path(prefix: str, parts: Iterable[Any]) -> str:
    out = prefix
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# -- reading the store, a slice at a time ----------------------------------------------------


@dataclass
class Filters:
    documents: list[str] | None = None
    annotator: str | None = None
    include_suggested: bool = False
    done_only: bool = False  # only claims in examples marked done in doccano (and gold)


def document_ids(session: Session, names: list[str]) -> list[str]:
    """The documents named (by name, version id or path); NotFoundError for one that is not stored."""
    return sorted({find_version(session, name).document_id for name in names})


def check_annotator(session: Session, annotator: str | None) -> None:
    """A filter by an annotator nobody is called in the store is a mistake: say so, with the names."""
    if annotator is None:
        return
    names = sorted(n for n in session.exec(select(Claim.annotator).where(Claim.annotator.is_not(None))  # type: ignore[union-attr]
                                           .distinct()) if n)
    if annotator not in names:
        listed = ", ".join(names) if names else "none yet (pull their work with `toolkit pull`)"
        raise NotFoundError(f"no claims by an annotator called {annotator!r}; annotators in the store: {listed}")


def empty_export_hint(session: Session, filters: Filters) -> str | None:
    """Why an export or audit holds no claims, and how to get some."""
    counts = dict(session.exec(select(Claim.origin, func.count()).where(Claim.status == ClaimStatus.ACTIVE)  # type: ignore[arg-type]
                               .group_by(Claim.origin)).all())
    suggested, annotated = counts.get(Origin.SUGGESTED, 0), counts.get(Origin.ANNOTATOR, 0)
    if not suggested and not annotated:
        return "the store holds no claims: ingest documents first (`toolkit ingest FILES`)"
    if not filters.include_suggested and not annotated:
        return (f"0 claims: no annotator's claims are in the store yet (annotate in doccano, then `toolkit pull`); "
                f"{suggested} suggested claims were left out: add --include-suggested to include them")
    if filters.documents:
        return "0 claims in the documents named; `toolkit documents` lists them, and --include-suggested adds " \
               "the suggested claims"
    return None


CLAIM_COLUMNS = [Claim.id, Claim.version_id, Claim.start, Claim.end, Claim.source_start, Claim.source_end,
                 Claim.origin, Claim.annotator, Claim.status, Claim.created_at, Claim.updated_at,
                 Claim.guidelines_version, Claim.doccano_project_id, Claim.doccano_example_id, Claim.doccano_span_id,
                 Claim.adjudicated_from]


def claim_conditions(filters: Filters) -> list[Any]:
    """Which claims count, for the export and the audit alike (a query joined to DocumentVersion):
    active ones, the annotators' and the gold (of any version), and the suggestions of current
    versions if asked (a superseded version's suggestions are not claims any more)."""
    suggested = Claim.origin != Origin.SUGGESTED
    conditions = [Claim.status == ClaimStatus.ACTIVE,
                  or_(suggested, DocumentVersion.is_current) if filters.include_suggested else suggested]
    if filters.annotator:
        conditions.append(Claim.annotator == filters.annotator)
    return conditions


def _claim_query(filters: Filters):  # type: ignore[no-untyped-def]
    return select(*CLAIM_COLUMNS).join(DocumentVersion, DocumentVersion.id == Claim.version_id) \
        .where(*claim_conditions(filters))


@dataclass
class Piece:
    """One document version and its claims, as written."""

    document: dict[str, Any]
    claims: list[dict[str, Any]]


def dataset_header(filters: Filters, guidelines_version: str | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(datetime.now(timezone.utc).replace(microsecond=0)),
        "toolkit_version": __version__,
        "guidelines_version": guidelines_version,
        "filters": {"documents": filters.documents, "annotator": filters.annotator,
                    "include_suggested": filters.include_suggested,
                    **({"done_only": True} if filters.done_only else {})},
    }


def iter_pieces(session: Session, filters: Filters | None = None, slice_size: int = SLICE) -> Iterator[Piece]:
    """The documents (current versions, and any older version a claim was made on) with their claims,
    in document order, read from the store `slice_size` versions at a time."""
    filters = filters or Filters()
    check_annotator(session, filters.annotator)
    wanted = document_ids(session, filters.documents) if filters.documents else None
    versions = select(DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.version,
                      DocumentVersion.is_current)
    claimed = {v for (v,) in session.execute(select(_claim_query(filters).subquery().c.version_id).distinct())}
    if wanted is not None:
        versions = versions.where(DocumentVersion.document_id.in_(wanted))  # type: ignore[attr-defined]
    chosen = sorted(((doc, n, vid) for vid, doc, n, current in session.execute(versions)
                     if current or vid in claimed), key=lambda row: (row[0], row[1]))
    projects = {p.id: p for p in session.exec(select(DoccanoProject))}
    done = set(session.execute(select(DoccanoExample.project_id, DoccanoExample.remote_id)
                               .where(DoccanoExample.done)).all()) if filters.done_only else set()
    for part in chunked([vid for _, _, vid in chosen], slice_size):
        # Plain columns: the offset maps and sentence lists, the bulk of a version row, are not exported.
        rows = {v.id: v for v in all_rows(session, select(*VERSION_COLUMNS)  # type: ignore[call-overload]
                                                 .where(DocumentVersion.id.in_(part)))}  # type: ignore[attr-defined]
        ordered = [rows[vid] for vid in part]
        views = document_views(session, ordered)
        claims: dict[str, list[Any]] = defaultdict(list)
        for row in all_rows(session, _claim_query(filters).where(Claim.version_id.in_(part))):  # type: ignore[attr-defined]
            claims[row.version_id].append(row)
        links: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for claim_id, stance, link, seq in all_rows(
                session, select(EvidenceLink.claim_id, EvidenceLink.stance, EvidenceLink.link, Footnote.seq)
                .join(Footnote).where(Footnote.version_id.in_(part))):  # type: ignore[attr-defined]
            links[claim_id].append((stance, link, seq))
        for version, view in zip(ordered, views):
            rows = claims[version.id]
            # A document with gold (toolkit review) is exported with its gold, not its annotators' claims.
            if filters.annotator is None and any(c.origin == Origin.ADJUDICATED for c in rows):
                rows = [c for c in rows if c.origin != Origin.ANNOTATOR]
                view["adjudicated"] = True
            if filters.done_only:
                rows = [c for c in rows if c.origin == Origin.ADJUDICATED
                        or (c.doccano_project_id, c.doccano_example_id) in done]
            build = ClaimRecords(view, Locator(version.anchors), projects)
            yield Piece(view, [build.record(c, links.get(c.id, []))
                               for c in sorted(rows, key=lambda c: (c.start, c.end, c.id))])


def build_dataset(session: Session, filters: Filters | None = None,
                  guidelines_version: str | None = None) -> dict[str, Any]:
    """The whole dataset as one dict (the `json` format): for small stores and tests."""
    filters = filters or Filters()
    dataset = dataset_header(filters, guidelines_version)
    pieces = list(iter_pieces(session, filters))
    dataset["documents"] = [p.document for p in pieces]
    dataset["claims"] = [c for p in pieces for c in p.claims]
    return dataset


class ClaimRecords:
    """Claims of one document version as records: what every claim of the document shares
    (the document's fields, each note's part of an evidence entry, the page starts) is
    worked out once, not once per claim."""

    def __init__(self, view: dict[str, Any], where: Locator, projects: dict[int | None, DoccanoProject]) -> None:
        self.view, self.where, self.projects = view, where, projects
        self.text = view["text"]
        self.shared = {"document": view["document"], "version_id": view["version_id"], "version": view["version"],
                       "title": view["title"], "kind": view["kind"], "source_sha256": view["source"]["sha256"]}
        # The note itself (its citations, CSL-JSON) is in the dataset's documents, joined on note_id;
        # a claim carries what it needs to stand alone: the note's text and what it reaches.
        self.notes = {f["seq"]: ({"note_id": f["note_id"], "label": f["label"], "role": f["role"], "text": f["text"]},
                                 f["references"]) for f in view["footnotes"]}
        self.page_starts = [page["start"] for page in view["pages"]]
        self.page_labels = [page["label"] for page in view["pages"]]
        # A claim in a primary source rests on the document itself.
        self.document_evidence = (
            {"seq": None, "note_id": None, "label": None, "role": None, "text": None, "stance": "supports",
             "link": "document", "references": view["references"]}
            if view["kind"] == "primary-source" and view["references"] else None)

    def record(self, claim: Any, links: list[tuple[str, str, int]]) -> dict[str, Any]:
        """One claim with what it rests on."""
        evidence = []
        for stance, link, seq in sorted(links, key=lambda triple: triple[2]):
            note, references = self.notes.get(seq, (_NO_NOTE, []))
            evidence.append({"seq": seq, **note, "stance": stance, "link": link, "references": references})
        if self.document_evidence is not None:
            evidence.append(dict(self.document_evidence))  # each claim's own, as every other entry
        # Only evidence notes support a claim; an editor's identification or a pointer is shown, not counted.
        supporting = [e for e in evidence if e["role"] is None or e["role"] in SUPPORTING_ROLES]  # None: before roles
        if any(e["references"] for e in supporting):
            support = Support.ARCHIVAL
        elif supporting:
            support = Support.PUBLISHED
        else:
            support = Support.NONE
        doccano = None
        project = self.projects.get(claim.doccano_project_id)
        if project is not None and claim.doccano_span_id is not None:
            doccano = {"url": project.url, "project": project.remote_id, "example": claim.doccano_example_id,
                       "span": claim.doccano_span_id}
        page = bisect_right(self.page_starts, claim.start)
        return {
            "id": claim.id, **self.shared,
            "start": claim.start, "end": claim.end, "source_start": claim.source_start,
            "source_end": claim.source_end, "where": self.where(claim.source_start, claim.source_end),
            "quote": self.text[claim.start:claim.end], "page": self.page_labels[page - 1] if page else None,
            "origin": claim.origin, "annotator": claim.annotator, "status": claim.status,
            "created_at": iso(claim.created_at), "updated_at": iso(claim.updated_at),
            "guidelines_version": claim.guidelines_version, "doccano": doccano,
            "evidence": evidence, "support": support,
            **({"adjudicated_from": list(claim.adjudicated_from or [])} if claim.origin == Origin.ADJUDICATED else {}),
        }


_NO_NOTE: dict[str, Any] = {"note_id": None, "label": None, "role": None, "text": None}


# -- W3C Web Annotation -----------------------------------------------------------------------


def webanno_item(c: dict[str, Any], text: str, toolkit_version: str) -> dict[str, Any]:
    """One claim as a W3C Web Annotation; each piece of evidence is a body pointing at its note."""
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                                  {"type": "TextualBody", "purpose": "describing", "value": f"support: {c['support']}"}]
    for e in c["evidence"]:
        refs = [" ".join(x for x in (r["archive"], r["series"], r["volume"], r["item"]) if x) for r in e["references"]]
        if e["note_id"] is not None:
            body.append({"id": f"urn:historians-toolkit:note:{e['note_id']}", "type": "TextualBody",
                         "purpose": "linking", "value": e["text"] or "", "stance": e["stance"],
                         "label": e["label"], "references": refs})
        else:
            body.append({"type": "TextualBody", "purpose": "linking", "stance": e["stance"],
                         "value": "the document itself" + (f": {'; '.join(refs)}" if refs else "")})
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:historians-toolkit:claim:{c['id']}",
        "type": "Annotation",
        "motivation": "classifying",
        "created": c["created_at"],
        "modified": c["updated_at"],
        "body": body,
        "target": {
            "source": f"urn:historians-toolkit:text:{c['version_id']}",
            "selector": [
                {"type": "TextPositionSelector", "start": c["start"], "end": c["end"]},
                {"type": "TextQuoteSelector", "exact": c["quote"],
                 "prefix": text[max(0, c["start"] - QUOTE_CONTEXT):c["start"]],
                 "suffix": text[c["end"]:c["end"] + QUOTE_CONTEXT]},
                # Where the claim is in the original file: an XPath, a Word paragraph, a PDF page.
                *file_selectors(c["where"]),
            ],
        },
    }
    item["creator"] = ({"type": "Person", "name": c["annotator"]} if c["annotator"] and c["origin"] != Origin.SUGGESTED
                       else {"type": "Software", "name": f"historians-toolkit {toolkit_version}"})
    return item


def webanno_head(header: dict[str, Any]) -> dict[str, Any]:
    """The collection around the annotations (its one page holds them all)."""
    collection = f"urn:historians-toolkit:collection:{header['generated_at']}"
    software = {"type": "Software", "name": f"historians-toolkit {header['toolkit_version']}"}
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "id": collection, "type": "AnnotationCollection",
            "label": "Claims and their evidence", "generator": software, "generated": header["generated_at"],
            "first": {"id": f"{collection}#page-1", "type": "AnnotationPage", "partOf": collection,
                      "startIndex": 0, "items": []}}


def as_webanno(dataset: dict[str, Any]) -> dict[str, Any]:
    """A dataset dict as a W3C Web Annotation collection (JSON-LD)."""
    texts = {d["version_id"]: d["text"] for d in dataset["documents"]}
    collection = webanno_head(dataset)
    collection["first"]["items"] = [webanno_item(c, texts[c["version_id"]], dataset["toolkit_version"])
                                    for c in dataset["claims"]]
    collection["total"] = len(dataset["claims"])
    return collection


# -- validating and writing, a piece at a time -------------------------------------------------


@dataclass
class ExportResult:
    path: str  # "-" for standard output
    schema_path: str | None
    format: str
    claims: int
    documents: int


def _dump(value: Any) -> bytes:
    """One item as compact UTF-8 JSON, non-ASCII kept (msgspec: the same text as json.dumps, several
    times faster, which counts when a dataset has a hundred thousand claims)."""
    return _ENCODER.encode(value)


class _Checker:
    """Checks each piece against the schema before it is written. After the first failure nothing
    more is written, but checking goes on (up to `limit` messages), so one run shows the errors."""

    def __init__(self, limit: int = 20) -> None:
        self.errors: list[str] = []
        self.limit = limit

    def ok(self, instance: Any, definition: str | None, where: str) -> bool:
        if len(self.errors) >= self.limit:
            return False
        found = schema_errors(instance, definition, where)
        self.errors += found
        return not self.errors

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _write_pieces(out: IO[bytes], header: dict[str, Any], pieces: Iterable[Piece], fmt: str) -> tuple[int, int]:
    """Write `pieces` as `fmt` to `out`, checking each against the schema before it is written.
    One item a line (greppable, diffable); the json format's claims wait in an unnamed temporary
    file until the documents are written, so nothing but one slice is ever in memory."""
    check = _Checker()
    claims = documents = 0
    if fmt == "jsonl":
        for piece in pieces:
            documents += 1
            for claim in piece.claims:
                if check.ok(claim, "claim", f"line {claims + 1}: $"):
                    out.write(_dump(claim) + b"\n")
                claims += 1
        check.done()
        return claims, documents
    if fmt == "webanno":
        head = webanno_head(header)
        check.ok({**head, "total": 0}, "webAnnotationCollection", "$")
        page = head.pop("first")
        out.write(b"{\n" + b"".join(b" %s: %s,\n" % (_dump(k), _dump(v)) for k, v in head.items()))
        out.write(b' "first": {' + b"".join(b"%s: %s, " % (_dump(k), _dump(v)) for k, v in page.items() if k != "items"))
        out.write(b'"items": [')
        for piece in pieces:
            documents += 1
            for claim in piece.claims:
                item = webanno_item(claim, piece.document["text"], header["toolkit_version"])
                if check.ok(item, "webAnnotation", f"$.first.items[{claims}]"):
                    out.write((b",\n  " if claims else b"\n  ") + _dump(item))
                claims += 1
        out.write(b'\n ]},\n "total": %d\n}\n' % claims)
        check.done()
        return claims, documents
    check.ok({**header, "documents": [], "claims": []}, None, "$")
    out.write(b"{\n" + b"".join(b" %s: %s,\n" % (_dump(k), _dump(v)) for k, v in header.items()))
    out.write(b' "documents": [')
    with tempfile.TemporaryFile("w+b") as held:
        for piece in pieces:
            if check.ok(piece.document, "document", f"$.documents[{documents}]"):
                out.write((b",\n  " if documents else b"\n  ") + _dump(piece.document))
            documents += 1
            for claim in piece.claims:
                if check.ok(claim, "claim", f"$.claims[{claims}]"):
                    held.write((b",\n  " if claims else b"\n  ") + _dump(claim))
                claims += 1
        check.done()
        out.write(b'\n ],\n "claims": [')
        held.seek(0)
        shutil.copyfileobj(held, out, 1 << 20)
    out.write(b"\n ]\n}\n")
    return claims, documents


def _pieces_of(dataset: dict[str, Any]) -> tuple[dict[str, Any], list[Piece]]:
    header = {k: v for k, v in dataset.items() if k not in ("documents", "claims")}
    by_version: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in dataset["claims"]:
        by_version[claim["version_id"]].append(claim)
    return header, [Piece(d, by_version.get(d["version_id"], [])) for d in dataset["documents"]]


def write_export(source: dict[str, Any] | tuple[dict[str, Any], Iterable[Piece]], out: str | Path,
                 fmt: str = "json") -> ExportResult:
    """Write a dataset (a dict, or a header and its pieces as `iter_pieces` gives them) as `fmt`:
    atomically to a file with the schema beside it, or to standard output for "-" (held back
    until every piece has passed the schema). Nothing is written if any piece fails."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    header, pieces = _pieces_of(source) if isinstance(source, dict) else source
    counts = (0, 0)

    def write(handle: IO[bytes]) -> None:
        nonlocal counts
        counts = _write_pieces(handle, header, pieces, fmt)

    if str(out) == "-":
        with tempfile.TemporaryFile("w+b") as held:
            write(held)
            held.seek(0)
            sys.stdout.flush()
            shutil.copyfileobj(held, sys.stdout.buffer, 1 << 20)
        sys.stdout.flush()
        return ExportResult("-", None, fmt, *counts)
    target = Path(out)
    write_atomically(target, write, binary=True)
    schema_path = target.parent / "claims.schema.json"
    write_atomically(schema_path, schema_text())
    return ExportResult(str(target), str(schema_path), fmt, *counts)


def export_store(session: Session, out: str | Path, fmt: str = "json", filters: Filters | None = None,
                 guidelines_version: str | None = None) -> ExportResult:
    """Stream the store's claims dataset to `out` (see the module docstring)."""
    filters = filters or Filters()
    with fewer_collections():
        return write_export((dataset_header(filters, guidelines_version), iter_pieces(session, filters)), out, fmt)


def validate_export(payload: Any, fmt: str) -> list[str]:
    """Schema errors of what an export of format `fmt` holds."""
    if fmt == "json":
        return schema_errors(payload)
    if fmt == "jsonl":
        return [re.sub(r"^\$\[(\d+)\]", lambda m: f"line {int(m.group(1)) + 1}: $", e)
                for e in schema_errors(list(payload), "claim[]")]
    if fmt == "webanno":
        return schema_errors(payload, "webAnnotationCollection")
    raise ValueError(f"unknown format {fmt!r}")


def validate_file(path: Path | str) -> tuple[str, list[str]]:
    """Check a file written by `toolkit export` (any format; "-" is standard input); returns (format, errors)."""
    from toolkit.errors import InputError

    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text("utf-8")
        path = Path(path)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text") from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if path.suffix == ".jsonl":
                return _validate_lines(text)
            raise InputError(str(path), f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        if isinstance(data, dict) and data.get("type") == "AnnotationCollection":
            return "webanno", validate_export(data, "webanno")
        if isinstance(data, dict) and "schema_version" in data:
            return "json", validate_export(data, "json")
        return "jsonl", validate_export([data], "jsonl")
    if not stripped:
        raise InputError(str(path), "is empty")
    raise InputError(str(path), "is neither JSON nor JSON Lines")


def _validate_lines(text: str) -> tuple[str, list[str]]:
    lines = []
    errors = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: not valid JSON ({exc.msg})")
    return "jsonl", errors + validate_export(lines, "jsonl")
