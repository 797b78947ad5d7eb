"""What the benchmarks share: distinct FRUS-sized documents made from ../shared/corpus."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRUS = ROOT.parent / "shared" / "corpus" / "frus-dev" / "russia-1918-v3"


def make_documents(folder: Path, count: int) -> None:
    """`count` documents cycling through the 200 FRUS ones; each copy gets its own closing
    line, so its own SHA-256 (a store keeps identical bytes once)."""
    sources = sorted(FRUS.glob("d*.txt"))
    if not sources:
        raise SystemExit(f"{FRUS} is missing: the benchmarks read ../shared/corpus beside the repository")
    for k in range(count):
        source = sources[k % len(sources)]
        (folder / f"{source.stem}-{k:05d}.txt").write_text(
            source.read_text("utf-8").rstrip("\n") + f"\n\nBenchmark copy {k}.\n", "utf-8")


def build_store(work: Path, count: int):  # type: ignore[no-untyped-def]
    """A fresh SQLite store in `work` holding `count` ingested documents; (engine, seconds, bytes)."""
    from toolkit.ingest import ingest_paths
    from toolkit.store import make_engine

    docs = work / "docs"
    docs.mkdir()
    make_documents(docs, count)
    engine = make_engine(f"sqlite:///{work / 'store.sqlite'}")
    started = time.perf_counter()
    assert ingest_paths(engine, [docs]).ok
    size = sum(p.stat().st_size for p in docs.iterdir())
    return engine, time.perf_counter() - started, size
