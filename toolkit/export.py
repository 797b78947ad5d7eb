"""`toolkit export`: the claims dataset with full provenance, validated, written atomically.

`build_dataset` reads the store into one dict (the `json` format); `as_jsonl`
and `as_webanno` reshape it; `write_export` validates what it is about to write
against the JSON Schema shipped in ``toolkit/data/claims.schema.json`` and
writes nothing at all if validation fails, else writes it through a temporary
file and an atomic rename, with the schema beside it.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterable

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from toolkit import __version__
from toolkit.errors import NotFoundError, ValidationError
from toolkit.files import write_atomically
from toolkit.models import Claim, DoccanoExample, DoccanoProject, DocumentVersion, EvidenceLink, Footnote
from toolkit.provenance import file_selectors, locate
from toolkit.views import document_views, find_version, iso

SCHEMA_VERSION = "1.1.0"
FORMATS = ("json", "jsonl", "webanno")
QUOTE_CONTEXT = 32  # characters of prefix and suffix in a TextQuoteSelector


# -- the schema -----------------------------------------------------------------------------


def schema_text() -> str:
    return resources.files("toolkit.data").joinpath("claims.schema.json").read_text("utf-8")


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    return json.loads(schema_text())


# Valid results of "$ref" checks, by (id of the instance, reference), for one validation run.
# A citation or a reference appears in every claim that rests on its note: the same Python
# object, checked once instead of once per claim. Only valid results are kept, so error
# paths are always computed afresh.
_REF_CACHE: dict[tuple[int, str], bool] | None = None


def _cached_ref(validator, ref, instance, schema):  # type: ignore[no-untyped-def]
    cache = _REF_CACHE
    if cache is None or not isinstance(instance, (dict, list)):
        yield from validator._validate_reference(ref=ref, instance=instance)
        return
    key = (id(instance), ref)
    if key in cache:
        return
    errors = list(validator._validate_reference(ref=ref, instance=instance))
    if errors:
        yield from errors
    else:
        cache[key] = True


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
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"$ref": _cached_ref})(_subschema(definition))


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
    global _REF_CACHE
    fast = _fast_validator(definition)
    if fast is not None and fast.is_valid(instance):
        return []
    _REF_CACHE = {}
    try:
        errors = sorted(_validator(definition).iter_errors(instance), key=lambda e: list(e.absolute_path))
    finally:
        _REF_CACHE = None
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
    done_only: bool = False  # only claims in examples marked done in doccano


def build_dataset(session: Session, filters: Filters | None = None, guidelines_version: str | None = None) -> dict[str, Any]:
    """The claims (annotators', and suggested ones if asked) with the documents they are in."""
    # Hundreds of thousands of small dicts and no cycles among them: the cyclic garbage
    # collector would only walk them again and again while they are built.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_dataset(session, filters or Filters(), guidelines_version)
    finally:
        if was_enabled:
            gc.enable()


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
    from sqlmodel import func

    counts = dict(session.exec(select(Claim.origin, func.count()).where(Claim.status == "active")  # type: ignore[arg-type]
                               .group_by(Claim.origin)).all())
    suggested, annotated = counts.get("suggested", 0), counts.get("annotator", 0)
    if not suggested and not annotated:
        return "the store holds no claims: ingest documents first (`toolkit ingest FILES`)"
    if not filters.include_suggested and not annotated:
        return (f"0 claims: no annotator's claims are in the store yet (annotate in doccano, then `toolkit pull`); "
                f"{suggested} suggested claims were left out: add --include-suggested to include them")
    if filters.documents:
        return "0 claims in the documents named; `toolkit documents` lists them, and --include-suggested adds " \
               "the suggested claims"
    return None


def _build_dataset(session: Session, filters: Filters, guidelines_version: str | None) -> dict[str, Any]:
    check_annotator(session, filters.annotator)
    # The offset maps and sentence lists are the bulk of a version row and are not exported.
    light = select(DocumentVersion).options(defer(DocumentVersion.offsets), defer(DocumentVersion.sentences),  # type: ignore[arg-type]
                                            defer(DocumentVersion.paragraphs))  # type: ignore[arg-type]
    if filters.documents:
        wanted = [find_version(session, name).document_id for name in filters.documents]
        version_rows = list(session.exec(light.where(DocumentVersion.document_id.in_(wanted))))  # type: ignore[attr-defined]
    else:
        version_rows = list(session.exec(light))
    by_id = {v.id: v for v in version_rows}

    columns = [Claim.id, Claim.version_id, Claim.start, Claim.end, Claim.source_start, Claim.source_end,
               Claim.origin, Claim.annotator, Claim.status, Claim.created_at, Claim.updated_at,
               Claim.guidelines_version, Claim.doccano_project_id, Claim.doccano_example_id, Claim.doccano_span_id,
               Claim.adjudicated_from]
    query = select(*columns).where(Claim.status == "active")
    if not filters.include_suggested:
        query = query.where(Claim.origin != "suggested")
    if filters.annotator:
        query = query.where(Claim.annotator == filters.annotator)
    claims = [row for row in session.execute(query) if row.version_id in by_id]  # rows read like ClaimRow
    # A document with gold (toolkit review) is exported with its gold instead of its annotators' claims.
    gold = {c.version_id for c in claims if c.origin == "adjudicated"} if filters.annotator is None else set()
    claims = [c for c in claims if not (c.origin == "annotator" and c.version_id in gold)]
    if filters.done_only:
        done = set(session.execute(select(DoccanoExample.project_id, DoccanoExample.remote_id)
                                   .where(DoccanoExample.done)).all())
        claims = [c for c in claims if c.origin == "adjudicated"
                  or (c.doccano_project_id, c.doccano_example_id) in done]
    claims.sort(key=lambda c: (by_id[c.version_id].document_id, by_id[c.version_id].version, c.start, c.end, c.id))

    # The documents: current versions, and any older version a claim was made on.
    used = {c.version_id for c in claims}
    versions = sorted((v for v in version_rows if v.is_current or v.id in used),
                      key=lambda v: (v.document_id, v.version))
    views = {v["id"]: v for v in document_views(session, versions)}
    for v in versions:
        views[v.id]["_anchors"] = v.anchors
        if v.id in gold:
            views[v.id]["adjudicated"] = True

    links: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    used_ids = sorted(used)
    for k in range(0, len(used_ids), 500):
        for claim_id, stance, link, seq in session.execute(
                select(EvidenceLink.claim_id, EvidenceLink.stance, EvidenceLink.link, Footnote.seq)
                .join(Footnote).where(Footnote.version_id.in_(used_ids[k : k + 500]))):  # type: ignore[attr-defined]
            links[claim_id].append((stance, link, seq))
    projects = {p.id: p for p in session.exec(select(DoccanoProject))}

    dataset = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(datetime.now(timezone.utc).replace(microsecond=0)),
        "toolkit_version": __version__,
        "guidelines_version": guidelines_version,
        "filters": {"documents": filters.documents, "annotator": filters.annotator,
                    "include_suggested": filters.include_suggested,
                    **({"done_only": True} if filters.done_only else {})},
        "documents": list(views.values()),
        "claims": [claim_record(c, views[c.version_id], links.get(c.id, []), projects) for c in claims],
    }
    for view in views.values():
        view.pop("_by_seq", None)
        view.pop("_anchors", None)
    return dataset


@dataclass(frozen=True)
class ClaimRow:
    id: str
    version_id: str
    start: int
    end: int
    source_start: int
    source_end: int
    origin: str
    annotator: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    guidelines_version: str | None
    doccano_project_id: int | None
    doccano_example_id: int | None
    doccano_span_id: int | None
    adjudicated_from: list[str] | None = None


def claim_record(claim: ClaimRow, view: dict[str, Any], links: list[tuple[str, str, int]],
                 projects: dict[int | None, DoccanoProject]) -> dict[str, Any]:
    """One claim with what it rests on."""
    notes = view.setdefault("_by_seq", {f["seq"]: f for f in view["footnotes"]})
    evidence = []
    for stance, link, seq in sorted(links, key=lambda triple: triple[2]):
        note = notes.get(seq, {})
        evidence.append({"footnote": seq, "label": note.get("label"), "stance": stance, "link": link,
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
        "where": locate(view.get("_anchors") or [], claim.source_start, claim.source_end),
        "quote": view["text"][claim.start:claim.end], "page": _page(view["pages"], claim.start),
        "origin": claim.origin, "annotator": claim.annotator, "status": claim.status,
        "created_at": iso(claim.created_at), "updated_at": iso(claim.updated_at),
        "guidelines_version": claim.guidelines_version, "doccano": doccano,
        "evidence": evidence, "support": support,
        **({"adjudicated_from": list(claim.adjudicated_from or [])} if claim.origin == "adjudicated" else {}),
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
                    # Where the claim is in the original file: an XPath, a Word paragraph, a PDF page.
                    *file_selectors(c["where"]),
                ],
            },
        }
        item["creator"] = ({"type": "Person", "name": c["annotator"]} if c["annotator"] and c["origin"] != "suggested"
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
        return [re.sub(r"^\$\[(\d+)\]", lambda m: f"line {int(m.group(1)) + 1}: $", e)
                for e in schema_errors(list(payload), "claim[]")]
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


def render(payload: Any, fmt: str, out: IO[str]) -> None:
    """Write `payload` as `fmt` to `out`, in pieces: a large export never sits in memory as one
    string, and each item goes through the C encoder (one item a line: greppable, diffable)."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    if fmt == "jsonl":
        for line in payload:
            out.write(dump(line))
            out.write("\n")
        return
    out.write("{")
    for k, (key, value) in enumerate(payload.items()):
        out.write(",\n" if k else "\n")
        out.write(f" {dump(key)}: ")
        if isinstance(value, list) and value:
            out.write("[")
            for i, item in enumerate(value):
                out.write(",\n  " if i else "\n  ")
                out.write(dump(item))
            out.write("\n ]")
        else:
            out.write(dump(value))
    out.write("\n}\n")


def write_export(dataset: dict[str, Any], out: str | Path, fmt: str = "json") -> ExportResult:
    """Validate, then write atomically (or to stdout for "-"), with the schema beside the file."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    payload: Any = dataset if fmt == "json" else as_jsonl(dataset) if fmt == "jsonl" else as_webanno(dataset)
    errors = validate_export(payload, fmt)
    if errors:
        raise ValidationError(errors)
    counts = (len(dataset["claims"]), len(dataset["documents"]))
    if str(out) == "-":
        render(payload, fmt, sys.stdout)
        sys.stdout.flush()
        return ExportResult("-", None, fmt, *counts)
    target = Path(out)
    write_atomically(target, lambda handle: render(payload, fmt, handle))
    schema_path = target.parent / "claims.schema.json"
    write_atomically(schema_path, schema_text())
    return ExportResult(str(target), str(schema_path), fmt, *counts)


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
