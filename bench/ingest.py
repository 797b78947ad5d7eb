"""Ingest benchmark: documents/s and MB/s for the whole ingest (parse, sentences, store).

    .venv/bin/python bench/ingest.py [FOLDER ...] [--db URL] [--repeat N]
    .venv/bin/python bench/ingest.py --formats      # per format, as whole commands

`--formats` runs `toolkit ingest` as a command (interpreter start included) on each
folder of ../shared/corpus/formats/ and on the TEI volume, a 30-page PDF (the Debo PDF's
pages, which the PDF reader's test builds the same way) and a 2 MB book, and prints
documents/s (and pages/s for PDF). Targets (issue #7): the FRUS volume's documents from
the TEI in under 3 s; a 30-page PDF in under 2 s; a 2 MB book in under 5 s.

Default input: the 200 FRUS documents of ../shared/corpus/frus-dev/russia-1918-v3
plus the seeds. Each run ingests into a fresh SQLite store in a temporary folder
(or into --db, emptied first). The spaCy pipeline is loaded before the clock
starts and its load time is printed on its own line. Target (issue #2): the 200
FRUS documents in under 5 s, at least 1 MB/s overall.
"""

from __future__ import annotations

import argparse
import json
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


def formats(repeat: int) -> None:
    """Whole `toolkit ingest` commands, one per format, best of `repeat`."""
    import subprocess

    toolkit = str(Path(sys.executable).with_name("toolkit"))
    base = CORPUS / "formats"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = [(name, [base / name]) for name in ("md", "md-real", "docx", "html", "pdf", "ocr-pdf")]
        cases.append(("tei (the whole volume)", [base / "tei" / "frus1918Russiav03.xml"]))
        pdf30 = work / "thirty-pages.pdf"
        pages = _thirty_pages(base / "pdf" / "debo-litvinov-kamenev.pdf", pdf30)
        cases.append((f"a {pages}-page PDF", [pdf30]))
        book = work / "book.txt"
        sys.path.insert(0, str(ROOT / "tests"))
        from test_text_reader import make_book  # noqa: E402  (the 2 MB book the tests use)

        book.write_text(make_book()[0], "utf-8")
        cases.append((f"a {book.stat().st_size / 1e6:.1f} MB book", [book]))
        print(f"{'input':<24} {'docs':>5} {'pages':>6} {'best s':>7} {'docs/s':>7} {'pages/s':>8}")
        for name, paths in cases:
            times = []
            for k in range(repeat):
                db = work / f"{abs(hash(name))}-{k}.sqlite"
                started = time.perf_counter()
                done = subprocess.run([toolkit, "ingest", *map(str, paths), "--db", str(db), "--json"],
                                      capture_output=True, text=True)
                times.append(time.perf_counter() - started)
            lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
            docs = sum(1 for r in lines if r["status"] in ("added", "new-version"))
            npages = sum(_pdf_pages(p) for p in _files(paths)) if "pdf" in name.lower() else 0
            best = min(times)
            print(f"{name:<24} {docs:>5} {npages or '':>6} {best:>7.2f} {docs / best:>7.1f} "
                  f"{(f'{npages / best:.1f}' if npages else ''):>8}")


def _files(paths: list[Path]) -> list[Path]:
    return [f for p in paths for f in (sorted(p.glob("*.pdf")) if p.is_dir() else [p])]


def _pdf_pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


def _thirty_pages(source: Path, target: Path) -> int:
    """A 30-page PDF made of the source's pages, repeated."""
    import pypdfium2

    src = pypdfium2.PdfDocument(str(source))
    out = pypdfium2.PdfDocument.new()
    while len(out) < 30:
        out.import_pages(src, list(range(min(len(src), 30 - len(out)))))
    out.save(str(target))
    return len(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--db", help="SQLAlchemy URL to benchmark against (emptied first)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", action="store_true", help="per format, as whole commands")
    args = parser.parse_args()
    if args.formats:
        formats(args.repeat)
        return
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
