"""Ingest benchmark: documents/s and MB/s for the whole ingest (parse, sentences, store).

    .venv/bin/python bench/ingest.py [FOLDER ...] [--db URL] [--repeat N]

Default input: the 200 FRUS documents of ../shared/corpus/frus-dev/russia-1918-v3
plus the seeds. Each run ingests into a fresh SQLite store in a temporary folder
(or into --db, emptied first). The spaCy pipeline is loaded before the clock
starts and its load time is printed on its own line. Target (issue #2): the 200
FRUS documents in under 5 s, at least 1 MB/s overall.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.ingest import collect_files, ingest_paths  # noqa: E402
from toolkit.archives_config import load_archives  # noqa: E402
from toolkit.parsing.sentences import load_pipeline  # noqa: E402
from toolkit.store import make_engine  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--db", help="SQLAlchemy URL to benchmark against (emptied first)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folders = args.folders or [CORPUS / "frus-dev" / "russia-1918-v3", CORPUS / "seeds"]
    files = [p for p, problem in collect_files(folders) if problem is None]
    size = sum(p.stat().st_size for p in files)
    print(f"input: {len(files)} documents, {size / 1e6:.2f} MB, from {', '.join(map(str, folders))}")

    t0 = time.perf_counter()
    load_pipeline()
    archives = load_archives()
    print(f"spaCy pipeline and archive patterns loaded once in {time.perf_counter() - t0:.2f} s")

    times = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{tmp}/bench.sqlite"
            engine = make_engine(url)
            if args.db:
                from sqlmodel import SQLModel

                SQLModel.metadata.drop_all(engine)
                SQLModel.metadata.create_all(engine)
            start = time.perf_counter()
            report = ingest_paths(engine, folders, archives=archives)
            times.append(time.perf_counter() - start)
            engine.dispose()
            assert report.ok, [r.error for r in report.results if r.error]
    best, median = min(times), statistics.median(times)
    print(f"ingest (parse + sentences + store), best of {args.repeat}: {best:.2f} s "
          f"(median {median:.2f} s)")
    print(f"  {len(files) / best:.0f} documents/s, {size / 1e6 / best:.2f} MB/s")


if __name__ == "__main__":
    main()
