"""Check what a reader found against an answer key of ../shared/corpus/formats/.

One rule for every format (the key's own, from formats/README.md): a key footnote is
found when the reader has a footnote at the same position in reading order whose note
text equals the key's `text` (whitespace squashed) and whose marker has the key's
`before` as the last 60 characters of the reading text before it (markup, page-break
tokens and every other marker removed, whitespace squashed). PDF compares without
whitespace, hyphens and digits (line-end hyphenation, running numbers) and checks the
page; OCR'd PDF compares fuzzily (difflib ratio >= 0.8), as `check_keys.py` does.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.readers.base import ReadDocument

PAGE_TOKEN = re.compile(r"\[Page\s+[0-9ivxlcdm]+[a-z]?\]", re.I)


def squash(text: str) -> str:
    return " ".join(text.split())


def reading_before(doc: ReadDocument, index: int, width: int = 60) -> str:
    """The last `width` characters of the reading text before footnote `index`'s marker."""
    layout = doc.layout
    marker = layout.footnotes[index].marker
    assert marker is not None
    cuts = sorted((fn.marker.start, fn.marker.end) for fn in layout.footnotes
                  if fn.marker is not None and fn.marker.end <= marker.start)
    pieces, pos = [], 0
    for s, e in cuts:
        if s >= pos:
            pieces.append(layout.text[pos:s])
            pos = e
    pieces.append(layout.text[pos:marker.start])
    text = squash(PAGE_TOKEN.sub(" ", " ".join(pieces)))
    return text[-width:]


def _loose(text: str) -> str:
    return re.sub(r"[\s\-‐‑–—\d]+", "", text)


def same(got: str | None, want: str, mode: str) -> bool:
    if got is None:
        return False
    if mode == "exact":
        return squash(got) == squash(want)
    if mode == "tei":
        return re.sub(r"\s+", "", got) == re.sub(r"\s+", "", want)
    if mode == "pdf":
        return _loose(got) == _loose(want)
    if mode == "ocr":
        a, b = _loose(got), _loose(want)
        return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8
    raise ValueError(mode)


@dataclass
class Score:
    items: int = 0
    notes: int = 0
    before: int = 0
    pages: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.items += other.items
        self.notes += other.notes
        self.before += other.before
        self.pages += other.pages
        self.misses += other.misses

    def rate(self) -> float:
        """The share of key footnotes found with note, marker place (and page) right."""
        if not self.items:
            return 1.0
        return min(self.notes, self.before, self.pages) / self.items


def score(doc: ReadDocument, key: dict, mode: str = "exact", name: str = "") -> Score:
    """Compare one document with its key (`footnotes`: seq, label, text, before, page)."""
    result = Score()
    got = doc.layout.footnotes
    for k, want in enumerate(key["footnotes"]):
        result.items += 1
        if k >= len(got):
            result.misses.append(f"{name} #{want['seq']}: missing ({len(got)} found)")
            continue
        fn = got[k]
        note = fn.note.text if fn.note is not None else None
        if same(note, want["text"], "exact" if mode == "tei" else mode):
            result.notes += 1
        else:
            result.misses.append(f"{name} #{want['seq']}: note {note!r:.80} != {want['text']!r:.80}")
        before = reading_before(doc, k, 120) if fn.marker is not None else None
        if before is not None and before_matches(before, want["before"], mode):
            result.before += 1
        else:
            result.misses.append(f"{name} #{want['seq']}: before {before and before[-60:]!r} != {want['before']!r}")
        if want.get("page") is None or (fn.marker is not None and marker_page_index(doc, k) == want["page"]):
            result.pages += 1
        else:
            result.misses.append(f"{name} #{want['seq']}: page {marker_page_index(doc, k)} != {want['page']}")
    if len(got) > len(key["footnotes"]):
        result.misses.append(f"{name}: {len(got) - len(key['footnotes'])} footnotes more than the key")
    return result


def before_matches(window: str, want: str, mode: str) -> bool:
    """Does the reading text before the marker (a window longer than the key's) end as the key says?"""
    if mode in ("exact", "tei"):
        return same(window[-len(want):], want, mode)
    a, b = _loose(window), _loose(want)
    if mode == "pdf":
        return a.endswith(b)
    tail = a[-len(b):]
    return difflib.SequenceMatcher(None, tail, b, autojunk=False).ratio() >= 0.8


def marker_page_index(doc: ReadDocument, index: int) -> int | None:
    """1-based position of the page holding footnote `index`'s marker (PDF: the PDF page)."""
    marker = doc.layout.footnotes[index].marker
    if marker is None:
        return None
    found = None
    for k, page in enumerate(doc.layout.pages, start=1):
        if page.start <= marker.start:
            found = k
    return found


def load_key(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def note_texts(doc: ReadDocument) -> list[str | None]:
    return [fn.note.text if fn.note else None for fn in doc.layout.footnotes]


def check_verbatim_runs(doc: ReadDocument) -> None:
    """Every run a reader copied unchanged (body and notes) is the source's text at the mapped place."""
    layout = doc.layout
    for n0, n1, s0, s1, verbatim in layout.offsets.segments:
        if verbatim:
            assert layout.text[n0:n1] == doc.source[s0:s1]
    for fn in layout.footnotes:
        if fn.note is not None:
            for n0, n1, s0, s1, verbatim in fn.note.offsets.segments:
                if verbatim:
                    assert fn.note.text[n0:n1] == doc.source[s0:s1]
