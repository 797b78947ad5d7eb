"""Export and audit benchmark: a store of 100,000 claims over 5,000 documents.

    .venv/bin/python bench/export.py [--documents 5000] [--claims 100000]

Builds the store from the FRUS documents of ../shared/corpus (each copy with its
own closing line), keeps their suggested claims and adds annotator claims on
their sentences, with evidence links to the notes, until there are --claims in
all. Then times `export` (build, validate against the schema, write atomically)
and `audit`, and prints the peak memory of the process.
Targets (issue #4): export under 10 s, audit under 5 s, memory under 1 GB.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from toolkit.audit import audit_dataset  # noqa: E402
from toolkit.export import Filters, build_dataset, write_export  # noqa: E402
from toolkit.models import Claim, DocumentVersion, EvidenceLink, Footnote, utcnow  # noqa: E402
from toolkit.parsing.offsets import OffsetMap  # noqa: E402
from toolkit.store import transaction  # noqa: E402

from _corpus import build_store  # noqa: E402


def add_annotator_claims(engine, wanted: int) -> int:
    """Claims by three annotators on the documents' sentences, linked to a note where there is one."""
    rng = random.Random(1918)
    with Session(engine) as session:
        have = session.exec(select(func.count()).select_from(Claim)).one()
        versions = list(session.exec(select(DocumentVersion)))
        notes: dict[str, list[str]] = {}
        for version_id, footnote_id in session.exec(select(Footnote.version_id, Footnote.id)):
            notes.setdefault(version_id, []).append(footnote_id)
    claims, links = [], []
    now = utcnow()
    k = 0
    while have + len(claims) < wanted:
        v = versions[k % len(versions)]
        k += 1
        start, end = rng.choice(v.sentences)
        source_start, source_end = OffsetMap.from_json(v.offsets).source_span(start, end)
        claim_id = f"bench-{k}"
        claims.append({"id": claim_id, "version_id": v.id, "start": start, "end": end,
                       "source_start": source_start, "source_end": source_end, "text": v.text[start:end],
                       "origin": "annotator", "rule": None, "annotator": rng.choice(["ada", "bea", "cai"]),
                       "status": "active", "guidelines_version": "1.0.0", "created_at": now, "updated_at": now,
                       "doccano_project_id": None, "doccano_example_id": None, "doccano_span_id": None})
        if notes.get(v.id) and rng.random() < 0.8:
            links.append({"claim_id": claim_id, "footnote_id": rng.choice(notes[v.id]),
                          "stance": "supports" if rng.random() < 0.9 else "disputes", "link": "explicit",
                          "doccano_relation_id": None})
    with transaction(engine) as session:
        for start in range(0, len(claims), 5000):
            session.execute(insert(Claim), claims[start : start + 5000])
        for start in range(0, len(links), 5000):
            session.execute(insert(EvidenceLink), links[start : start + 5000])
    return have + len(claims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--claims", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="toolkit-bench-export-"))
    try:
        started = time.perf_counter()
        engine, _, _ = build_store(work, args.documents)
        total = add_annotator_claims(engine, args.claims)
        print(f"store: {args.documents} documents, {total} claims, built in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        with Session(engine) as session:
            dataset = build_dataset(session, Filters(include_suggested=True), guidelines_version="1.0.0")
        built = time.perf_counter() - started
        result = write_export(dataset, work / "exports" / "claims.json")
        export_seconds = time.perf_counter() - started
        size = Path(result.path).stat().st_size
        print(f"export: {export_seconds:.1f} s for {result.claims} claims and {result.documents} documents "
              f"(build {built:.1f} s, validate and write {export_seconds - built:.1f} s; {size / 1e6:.0f} MB)")

        del dataset  # as in `toolkit audit`, a process of its own
        started = time.perf_counter()
        with Session(engine) as session:
            dataset = build_dataset(session, Filters(include_suggested=True))
        report = audit_dataset(dataset)
        audit_seconds = time.perf_counter() - started
        print(f"audit: {audit_seconds:.1f} s ({len(report.archives)} archive series, "
              f"{len(report.findings)} findings)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process: {peak:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
