"""What the benchmarks share: distinct FRUS-sized documents made from ../shared/corpus."""

from __future__ import annotations

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
