"""Inter-annotator agreement, pure: spans and codes in, figures out. No store, no I/O.

    span_agreement      CLAIM span F1 between two annotators, exact or relaxed
                        (character-overlap IoU >= 0.5, one-to-one matching)
    relation_agreement  F1 over (claim, footnote, type) links, claims matched as above
    sentence_codes      sentence-level coding: 1 if a claim of the annotator overlaps the sentence
    cohen_kappa         two annotators, the same items
    krippendorff_alpha  any number of annotators, nominal data, missing values allowed

F1 between two annotators is symmetric (neither is the reference): with m matched
pairs, F1 = 2m / (|A| + |B|). Figures that are undefined (no spans on either side,
one category only) are None, never a made-up 0 or 1.

Krippendorff's alpha is implemented here (the `krippendorff` package would add numpy
for 30 lines): the coincidence-matrix form of Krippendorff (2011), "Computing
Krippendorff's Alpha-Reliability", for nominal data; units with fewer than two
values are not pairable and drop out. tests/test_agreement.py checks it against the
worked examples of that paper.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

Span = tuple[int, int]
RELAXED_IOU = 0.5


@dataclass(frozen=True)
class Agreement:
    """Matched items and the sizes of both sides; F1 = 2 * matched / (a + b)."""

    matched: int
    a: int
    b: int

    @property
    def f1(self) -> float | None:
        return None if self.a + self.b == 0 else 2 * self.matched / (self.a + self.b)

    def __add__(self, other: "Agreement") -> "Agreement":
        return Agreement(self.matched + other.matched, self.a + other.a, self.b + other.b)


NOTHING = Agreement(0, 0, 0)


def iou(x: Span, y: Span) -> float:
    """Characters both spans cover over characters either covers."""
    inter = max(0, min(x[1], y[1]) - max(x[0], y[0]))
    union = (x[1] - x[0]) + (y[1] - y[0]) - inter
    return inter / union if union > 0 else 0.0


def match_spans(a: Sequence[Span], b: Sequence[Span], relaxed: bool = True) -> dict[int, int]:
    """One-to-one matching {index in a: index in b}: exact equality, or (relaxed) IoU >= 0.5,
    best overlaps first (ties by position, so the result is deterministic)."""
    if not relaxed:
        free = {}
        for j, span in enumerate(b):
            free.setdefault(tuple(span), []).append(j)
        out = {}
        for i, span in enumerate(a):
            if free.get(tuple(span)):
                out[i] = free[tuple(span)].pop(0)
        return out
    pairs = sorted(((iou(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)
                    if iou(x, y) >= RELAXED_IOU), key=lambda t: (-t[0], t[1], t[2]))
    out, used = {}, set()
    for _, i, j in pairs:
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def span_agreement(a: Sequence[Span], b: Sequence[Span], relaxed: bool = False) -> Agreement:
    return Agreement(len(match_spans(a, b, relaxed)), len(a), len(b))


def relation_agreement(a_spans: Sequence[Span], a_links: Iterable[tuple[int, Hashable, str]],
                       b_spans: Sequence[Span], b_links: Iterable[tuple[int, Hashable, str]],
                       relaxed: bool = True) -> Agreement:
    """Links are (index of the claim span, footnote, type); a link matches when its claim is
    matched to the other's claim (see match_spans) and footnote and type are the same."""
    mapping = match_spans(a_spans, b_spans, relaxed)
    a_set = set(a_links)
    b_set = set(b_links)
    matched = sum(1 for i, foot, kind in a_set if i in mapping and (mapping[i], foot, kind) in b_set)
    return Agreement(matched, len(a_set), len(b_set))


def sentence_codes(sentences: Sequence[Span], claims: Sequence[Span]) -> list[int]:
    """1 for each sentence that a claim overlaps by at least one character, else 0."""
    return [int(any(min(e, ce) > max(s, cs) for cs, ce in claims)) for s, e in sentences]


def cohen_kappa(x: Sequence[Hashable], y: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two annotators over the same items; None when chance agreement is 1."""
    if len(x) != len(y):
        raise ValueError("cohen_kappa needs two codings of the same items")
    n = len(x)
    if n == 0:
        return None
    observed = sum(1 for p, q in zip(x, y) if p == q) / n
    cx, cy = Counter(x), Counter(y)
    expected = sum(cx[c] * cy[c] for c in cx) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data. Each unit is the values the coders gave it,
    None where a coder gave none. None when undefined (fewer than two pairable values, or
    one category only)."""
    coincidence: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue  # not pairable
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidence[(c, k)] += 1 / (m - 1)
    totals: Counter[Hashable] = Counter()
    for (c, _), count in coincidence.items():
        totals[c] += count
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(count for (c, k), count in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected
