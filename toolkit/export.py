"""`toolkit export`: the claims dataset with full provenance, validated, written atomically.

`build_dataset` reads the store into one dict (the `json` format); `as_jsonl`
and `as_webanno` reshape it; `write_export` validates what it is about to write
against the JSON Schema shipped in ``toolkit/data/claims.schema.json`` and
writes nothing at all if validation fails, else writes it through a temporary
file and an atomic rename, with the schema beside it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from sqlmodel import Session, select

from toolkit import __version__
from toolkit.errors import ToolkitError
from toolkit.models import Claim, DoccanoProject, DocumentVersion, EvidenceLink, Footnote
from toolkit.views import document_views, find_version, iso

SCHEMA_VERSION = "1.0.0"
FORMATS = ("json", "jsonl", "webanno")
QUOTE_CONTEXT = 32  # characters of prefix and suffix in a TextQuoteSelector


class ValidationError(ToolkitError):
    """What was to be written does not match the schema; nothing was written."""

    def __init__(self, errors: list[str], what: str = "the export") -> None:
        self.errors = errors
        shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        super().__init__(f"{what} does not match the schema, so nothing was written: {shown}")


# -- the schema -----------------------------------------------------------------------------


def schema_text() -> str:
    return resources.files("toolkit.data").joinpath("claims.schema.json").read_text("utf-8")


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    return json.loads(schema_text())


@lru_cache(maxsize=8)
def _validator(definition: str | None):  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator

    schema = load_schema()
    validator = Draft202012Validator(schema)
    if definition is None:
        return validator
    return validator.evolve(schema={"$ref": f"{schema['$id']}#/$defs/{definition}"})


def schema_errors(instance: Any, definition: str | None = None, path_prefix: str = "$") -> list[str]:
    """Readable `path -> message` lines; empty when `instance` is valid.
    `definition` names a part of the schema ("claim", "webAnnotation"); None is the dataset."""
    errors = sorted(_validator(definition).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{_json_path(path_prefix, e.absolute_path)} -> {e.message}" for e in errors]


def _json_path(prefix: str, parts: Iterable[Any]) -> str:
    out = prefix
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# -- building the dataset -------------------------------------------------------------------


@dataclass
class Filters:
    documents: list[str] | None = None
    annotator: str | None = None
    include_suggested: bool = False


def build_dataset(session: Session, filters: Filters | None = None, guidelines_version: str | None = None) -> dict[str, Any]:
    """The claims (annotators', and suggested ones if asked) with the documents they are in."""
    filters = filters or Filters()
    if filters.documents:
        wanted = [find_version(session, name).document_id for name in filters.documents]
        version_rows = list(session.exec(select(DocumentVersion).where(
            DocumentVersion.document_id.in_(wanted))))  # type: ignore[attr-defined]
    else:
        version_rows = list(session.exec(select(DocumentVersion)))
    by_id = {v.id: v for v in version_rows}

    query = select(Claim).where(Claim.status == "active")
    if not filters.include_suggested:
        query = query.where(Claim.origin == "annotator")
    if filters.annotator:
        query = query.where(Claim.annotator == filters.annotator)
    claims = [c for c in session.exec(query) if c.version_id in by_id]
    claims.sort(key=lambda c: (by_id[c.version_id].document_id, by_id[c.version_id].version, c.start, c.end, c.id))

    # The documents: current versions, and any older version a claim was made on.
    used = {c.version_id for c in claims}
    versions = sorted((v for v in version_rows if v.is_current or v.id in used),
                      key=lambda v: (v.document_id, v.version))
    views = {v["id"]: v for v in document_views(session, versions)}

    links: dict[str, list[tuple[EvidenceLink, int]]] = defaultdict(list)
    claim_ids = [c.id for c in claims]
    for k in range(0, len(claim_ids), 500):
        for link, seq in session.exec(select(EvidenceLink, Footnote.seq).join(Footnote).where(
                EvidenceLink.claim_id.in_(claim_ids[k : k + 500]))):  # type: ignore[attr-defined]
            links[link.claim_id].append((link, seq))
    projects = {p.id: p for p in session.exec(select(DoccanoProject))}

    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(datetime.now(timezone.utc).replace(microsecond=0)),
        "toolkit_version": __version__,
        "guidelines_version": guidelines_version,
        "filters": {"documents": filters.documents, "annotator": filters.annotator,
                    "include_suggested": filters.include_suggested},
        "documents": list(views.values()),
        "claims": [claim_record(c, views[c.version_id], links.get(c.id, []), projects) for c in claims],
    }


def claim_record(claim: Claim, view: dict[str, Any], links: list[tuple[EvidenceLink, int]],
                 projects: dict[int | None, DoccanoProject]) -> dict[str, Any]:
    """One claim with what it rests on."""
    notes = {f["seq"]: f for f in view["footnotes"]}
    evidence = []
    for link, seq in sorted(links, key=lambda pair: pair[1]):
        note = notes.get(seq, {})
        evidence.append({"footnote": seq, "label": note.get("label"), "stance": link.stance, "link": link.link,
                         "citations": note.get("citations", []), "references": note.get("references", [])})
    if view["kind"] == "primary-source" and view["references"]:
        # A claim in a primary source rests on the document itself.
        evidence.append({"footnote": None, "label": None, "stance": "supports", "link": "document",
                         "citations": [], "references": view["references"]})
    if any(e["references"] for e in evidence):
        support = "archival"
    elif evidence:
        support = "published"
    else:
        support = "none"
    doccano = None
    project = projects.get(claim.doccano_project_id)
    if project is not None and claim.doccano_span_id is not None:
        doccano = {"url": project.url, "project": project.remote_id, "example": claim.doccano_example_id,
                   "span": claim.doccano_span_id}
    return {
        "id": claim.id, "document": view["document"], "version": view["id"], "title": view["title"],
        "kind": view["kind"], "source_sha256": view["source"]["sha256"],
        "start": claim.start, "end": claim.end, "source_start": claim.source_start, "source_end": claim.source_end,
        "quote": view["text"][claim.start:claim.end], "page": _page(view["pages"], claim.start),
        "origin": claim.origin, "annotator": claim.annotator, "status": claim.status,
        "created_at": iso(claim.created_at), "updated_at": iso(claim.updated_at),
        "guidelines_version": claim.guidelines_version, "doccano": doccano,
        "evidence": evidence, "support": support,
    }


def _page(pages: list[dict[str, Any]], offset: int) -> str | None:
    label = None
    for page in pages:
        if page["start"] <= offset:
            label = page["label"]
        else:
            break
    return label


# -- other shapes ---------------------------------------------------------------------------


def as_jsonl(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    """One self-contained claim a line (it names its document, version, title and source)."""
    return list(dataset["claims"])


def as_webanno(dataset: dict[str, Any]) -> dict[str, Any]:
    """The claims as a W3C Web Annotation collection (JSON-LD)."""
    texts = {d["id"]: d["text"] for d in dataset["documents"]}
    items = []
    for c in dataset["claims"]:
        text = texts[c["version"]]
        body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                                      {"type": "TextualBody", "purpose": "describing", "value": f"support: {c['support']}"}]
        for e in c["evidence"]:
            where = f"note {e['label']}" if e["footnote"] is not None else "the document itself"
            refs = "; ".join(" ".join(x for x in (r["archive"], r["series"], r["volume"], r["item"]) if x)
                             for r in e["references"])
            body.append({"type": "TextualBody", "purpose": "linking",
                         "value": f"{e['stance']} {where}" + (f": {refs}" if refs else "")})
        item = {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": f"urn:historians-toolkit:claim:{c['id']}",
            "type": "Annotation",
            "motivation": "classifying",
            "created": c["created_at"],
            "modified": c["updated_at"],
            "body": body,
            "target": {
                "source": f"urn:historians-toolkit:text:{c['version']}",
                "selector": [
                    {"type": "TextPositionSelector", "start": c["start"], "end": c["end"]},
                    {"type": "TextQuoteSelector", "exact": c["quote"],
                     "prefix": text[max(0, c["start"] - QUOTE_CONTEXT):c["start"]],
                     "suffix": text[c["end"]:c["end"] + QUOTE_CONTEXT]},
                ],
            },
        }
        item["creator"] = ({"type": "Person", "name": c["annotator"]} if c["origin"] == "annotator"
                           else {"type": "Software", "name": f"historians-toolkit {dataset['toolkit_version']}"})
        items.append(item)
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
            "generator": {"type": "Software", "name": f"historians-toolkit {dataset['toolkit_version']}"},
            "generated": dataset["generated_at"], "total": len(items), "items": items}


# -- validating and writing -----------------------------------------------------------------


def validate_export(payload: Any, fmt: str) -> list[str]:
    """Schema errors of what an export of format `fmt` would write."""
    if fmt == "json":
        return schema_errors(payload)
    if fmt == "jsonl":
        errors = []
        for n, line in enumerate(payload, start=1):
            errors += schema_errors(line, "claim", path_prefix=f"line {n}: $")
        return errors
    if fmt == "webanno":
        return schema_errors(payload, "webAnnotationCollection")
    raise ValueError(f"unknown format {fmt!r}")


@dataclass
class ExportResult:
    path: str  # "-" for standard output
    schema_path: str | None
    format: str
    claims: int
    documents: int


def render(payload: Any, fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in payload)
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def write_export(dataset: dict[str, Any], out: str | Path, fmt: str = "json") -> ExportResult:
    """Validate, then write atomically (or to stdout for "-"), with the schema beside the file."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    payload: Any = dataset if fmt == "json" else as_jsonl(dataset) if fmt == "jsonl" else as_webanno(dataset)
    errors = validate_export(payload, fmt)
    if errors:
        raise ValidationError(errors)
    text = render(payload, fmt)
    counts = (len(dataset["claims"]), len(dataset["documents"]))
    if str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return ExportResult("-", None, fmt, *counts)
    target = Path(out)
    write_atomically(target, text)
    schema_path = target.parent / "claims.schema.json"
    write_atomically(schema_path, schema_text())
    return ExportResult(str(target), str(schema_path), fmt, *counts)


def write_atomically(target: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def validate_file(path: Path) -> tuple[str, list[str]]:
    """Check a file written by `toolkit export` (any format); returns (format, errors)."""
    from toolkit.errors import InputError

    try:
        text = path.read_text("utf-8")
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
