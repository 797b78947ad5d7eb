"""Export and audit benchmark: article-size documents, whole commands, time and peak memory.

    .venv/bin/python bench/export.py [--sizes 300 1500]

For each size, builds a store of that many copies of the Debo article (67 notes rich
in citations, about 64 suggested claims each: about 100,000 claims for 1,500 copies):
the article is ingested once and its rows are copied, each copy a document and a
version of its own. Then runs `toolkit export --include-suggested` and `toolkit audit
--include-suggested --json` as commands, each in a process of its own, and prints the
wall time and the peak resident memory of each.
Targets (issue #10): export under 10 s and 300 MB, the 1,500 peak within 1.2x of the
300 peak; audit under 2 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from toolkit.ingest import ingest_paths  # noqa: E402
from toolkit.models import (  # noqa: E402
    ArchivalReference, Citation, Claim, Document, DocumentVersion, EvidenceLink, Footnote, Reach,
)
from toolkit.store import make_engine, transaction  # noqa: E402

DEBO = ROOT.parent / "shared" / "corpus" / "seeds" / "debo-litvinov-kamenev.txt"
# Runs a command and prints its own peak memory (kB): the child's, not this script's.
MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
           "print(r.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
           "repr(r.stderr[-300:]))")


def rows_of(session: Session, model, **where):  # type: ignore[no-untyped-def]
    query = select(model)
    for key, value in where.items():
        query = query.where(getattr(model, key).in_(value) if isinstance(value, list) else getattr(model, key) == value)
    return [row.model_dump() for row in session.exec(query)]


def build_store(work: Path, copies: int) -> str:
    """A store holding `copies` copies of the Debo article, made by copying the rows of one ingest."""
    if not DEBO.exists():
        raise SystemExit(f"{DEBO} is missing: the benchmark reads ../shared/corpus beside the repository")
    url = f"sqlite:///{work / 'store.sqlite'}"
    engine = make_engine(url)
    assert ingest_paths(engine, [DEBO]).ok
    with Session(engine) as session:
        [version] = rows_of(session, DocumentVersion)
        [document] = rows_of(session, Document)
        footnotes = rows_of(session, Footnote)
        fids = [f["id"] for f in footnotes]
        citations = rows_of(session, Citation, footnote_id=fids)
        references = rows_of(session, ArchivalReference, version_id=version["id"])
        reach = rows_of(session, Reach, version_id=version["id"])
        claims = rows_of(session, Claim, version_id=version["id"])
        links = rows_of(session, EvidenceLink, claim_id=[c["id"] for c in claims])
    old = version["id"]
    with transaction(engine) as session:
        for k in range(1, copies):
            vid = hashlib.sha256(f"copy {k}".encode()).hexdigest()[:16]

            def swap(value):  # type: ignore[no-untyped-def]
                return value.replace(old, vid) if isinstance(value, str) else value

            tables = {
                Document: [{**document, "id": f"{document['id']}-{k:05d}", "source_path": f"{document['source_path']}#{k}"}],
                DocumentVersion: [{**version, "id": vid, "document_id": f"{document['id']}-{k:05d}",
                                   "sha256": hashlib.sha256(f"copy {k}".encode()).hexdigest(),
                                   "source_path": f"{version['source_path']}#{k}"}],
                Footnote: [{**f, "id": swap(f["id"]), "version_id": vid} for f in footnotes],
                Citation: [{**c, "id": swap(c["id"]), "footnote_id": swap(c["footnote_id"])} for c in citations],
                ArchivalReference: [{**r, "id": None, "version_id": vid, "footnote_id": swap(r["footnote_id"]),
                                     "citation_id": swap(r["citation_id"])} for r in references],
                Reach: [{**r, "id": None, "version_id": vid, "footnote_id": swap(r["footnote_id"]),
                         "citation_id": swap(r["citation_id"])} for r in reach],
                Claim: [{**c, "id": f"{c['id']}-{k}", "version_id": vid} for c in claims],
                EvidenceLink: [{**ln, "id": None, "claim_id": f"{ln['claim_id']}-{k}",
                                "footnote_id": swap(ln["footnote_id"])} for ln in links],
            }
            for model, rows in tables.items():
                for row in rows:
                    if row.get("id") is None:
                        row.pop("id", None)
                session.execute(insert(model), rows)
    engine.dispose()
    return url


def measure(argv: list[str], cwd: Path) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, cwd=cwd)
    code, seconds, peak_kb, err = done.stdout.split(maxsplit=3)
    if code != "0":
        raise SystemExit(f"{' '.join(argv[:3])} failed: {err}")
    return float(seconds), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1500])
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the stores in DIR/<size>/ and keep them; a store already there is reused "
                             "(for profiling: the store takes longer to build than the commands take to run)")
    parser.add_argument("--only", choices=["export", "audit"], help="run one of the two commands")
    args = parser.parse_args()
    toolkit = str(Path(sys.executable).with_name("toolkit"))
    peaks = {}
    for size in args.sizes:
        work = args.keep / str(size) if args.keep else Path(tempfile.mkdtemp(prefix="toolkit-bench-export-"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            started = time.perf_counter()
            url = f"sqlite:///{work / 'store.sqlite'}" if (work / "store.sqlite").exists() else build_store(work, size)
            with Session(make_engine(url)) as session:
                claims = len(session.exec(select(Claim.id)).all())
            print(f"{size} copies of the Debo article: {claims} suggested claims "
                  f"(store built in {time.perf_counter() - started:.1f} s)")
            if args.only != "audit":
                seconds, peak = measure([toolkit, "export", "--include-suggested", "--db", url, "-o",
                                         str(work / "claims.json")], work)
                size_mb = (work / "claims.json").stat().st_size / 1e6
                with open(work / "claims.json", encoding="utf-8") as handle:
                    assert len(json.load(handle)["claims"]) == claims
                print(f"  export: {seconds:.1f} s, peak memory {peak:.0f} MB, {size_mb:.0f} MB written")
                peaks[size] = peak
            if args.only != "export":
                audit_seconds, audit_peak = measure([toolkit, "audit", "--include-suggested", "--json", "--db", url],
                                                    work)
                print(f"  audit:  {audit_seconds:.1f} s, peak memory {audit_peak:.0f} MB")
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    if len(peaks) >= 2:
        small, large = min(peaks), max(peaks)
        print(f"export peak memory, {large} against {small} copies: {peaks[large] / peaks[small]:.2f}x")


if __name__ == "__main__":
    main()
