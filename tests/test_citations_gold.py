"""The parser measured against the hand-labelled gold (../shared/corpus/citations/notes.jsonl).

Each document's notes are parsed in order from the gold's own note texts (the
`text` of every record, in `seq` order; the FRUS-history chapters are the first N
notes of each chapter, contiguous), and the five chapters are then resolved
against each other as one publication (`resolve_publication`). Our citations are
aligned to the gold's by the overlap of their spans in the note (`raw` is a
substring of the note). Figures are printed (pytest -s shows them).

    .venv/bin/python -m pytest -q -s tests/test_citations_gold.py
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest

from conftest import corpus_path
from toolkit.parsing.citations import (
    ARCHIVAL, IBID, MANUSCRIPT, SHORT_FORM, parse_notes, resolve_publication,
)

CHAPTERS = ["frus-history-ch1", "frus-history-ch2", "frus-history-ch4", "frus-history-ch5", "frus-history-ch6"]
THRESHOLD = 0.95


def _spans(text: str, raws: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for raw in raws:
        i = text.find(raw, pos)
        if i < 0:
            i = text.find(raw)
        out.append((i, i + len(raw)))
        pos = max(pos, i + 1)
    return out


def _align(gold_spans, ours):
    """For every gold citation, our citation overlapping it most (or None)."""
    out = []
    for gs, ge in gold_spans:
        best, size = None, 0
        for c in ours:
            ov = min(ge, c.end) - max(gs, c.start)
            if ov > size:
                best, size = c, ov
        out.append(best)
    return out


def measure(archives):
    rows = [json.loads(line) for line in
            (corpus_path("citations") / "notes.jsonl").read_text("utf-8").splitlines() if line.strip()]
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_doc[r["doc"]].append(r)
    parsed: dict[str, list] = {}
    for doc, recs in by_doc.items():
        recs.sort(key=lambda r: r["seq"])
        parsed[doc] = parse_notes([r["text"] for r in recs], archives)
    resolve_publication([(d, parsed[d]) for d in CHAPTERS if d in parsed])

    counts: Counter = Counter()
    misses: dict[str, list[str]] = defaultdict(list)
    for doc, recs in by_doc.items():
        labels = [r["label"] for r in recs]
        for r, note in zip(recs, parsed[doc]):
            where = f"{doc}:{r['label']}"
            counts["roles"] += 1
            if note.role == r["role"]:
                counts["roles_ok"] += 1
            else:
                misses["roles"].append(f"{where} gold {r['role']} ours {note.role}")
            gold = r["citations"]
            aligned = _align(_spans(r["text"], [g["raw"] for g in gold]), note.citations)
            for g, c in zip(gold, aligned):
                counts["kinds"] += 1
                ours = c.kind if c else None
                if ours == g["kind"]:
                    counts["kinds_ok"] += 1
                else:
                    misses["kinds"].append(f"{where} gold {g['kind']} ours {ours}: {g['raw'][:90]}")
                if g["kind"] in (ARCHIVAL, MANUSCRIPT):
                    counts["series"] += 1
                    got = (c.repository, c.collection_or_series) if c else None
                    if got == (g["repository"], g["collection_or_series"]):
                        counts["series_ok"] += 1
                    else:
                        misses["series"].append(
                            f"{where} gold {g['repository']}/{g['collection_or_series']} ours {got}: {g['raw'][:60]}")
                if g["kind"] in (IBID, SHORT_FORM):
                    counts["resolve"] += 1
                    got = None
                    if c is not None and c.kind in (IBID, SHORT_FORM) and c.resolves_to is not None:
                        if c.resolves_to_document:
                            other = sorted(by_doc[c.resolves_to_document], key=lambda x: x["seq"])
                            got = f"{c.resolves_to_document}:{other[c.resolves_to]['label']}"
                        else:
                            got = labels[c.resolves_to]
                    if got == g["resolves_to"] or got in (g.get("resolves_to_alt") or []):
                        counts["resolve_ok"] += 1
                    else:
                        misses["resolve"].append(f"{where} gold {g['resolves_to']} ours {got}: {g['raw'][:60]}")
    figures = {k: counts[f"{k}_ok"] / counts[k] for k in ("roles", "kinds", "series", "resolve")}
    return figures, counts, misses


@pytest.mark.corpus
def test_gold_figures(archives):
    figures, counts, misses = measure(archives)
    for key, value in figures.items():
        print(f"{key:8s} {counts[key + '_ok']:4d}/{counts[key]:4d} = {value:.3f}")
    for key, value in figures.items():
        if value < THRESHOLD:
            print(f"--- {key} misses:")
            print("\n".join(misses[key]))
    assert all(v >= THRESHOLD for v in figures.values()), figures


if __name__ == "__main__":  # .venv/bin/python tests/test_citations_gold.py: every miss
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from toolkit.archives_config import load_archives

    figures, counts, misses = measure(load_archives())
    for key in figures:
        print(f"{key:8s} {counts[key + '_ok']:4d}/{counts[key]:4d} = {figures[key]:.3f}")
    for key in figures:
        print(f"--- {key}")
        print("\n".join(misses[key]))
