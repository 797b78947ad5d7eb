"""Quoted words and where they are in a document: exactly, then tolerant of OCR noise and spelling.

`quotes_in(text)` gives the quotations of a claim or a note (“...”, "...": three words or
more); `find_quote(quote, text)` gives `(start, end, score)` in `text` or None. Both sides
are compared folded (case, curly quotes, dashes, hyphenation at line ends, "[Page N]"
markers, runs of spaces); then word windows of the quote's length are scored with difflib
(stdlib): a score of `THRESHOLD` or more is a match. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

THRESHOLD = 0.86
QUOTED = re.compile(r"“(?P<a>[^”]{8,}?)”|\"(?P<b>[^\"]{8,}?)\"")
FOLD = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "“": '"', "”": '"', "–": "-", "—": "-", "ſ": "s"})
PAGE_MARK = re.compile(r"\[Page [^\]]*\]")
WORD = re.compile(r"\w+(?:['-]\w+)*")


def quotes_in(text: str) -> list[str]:
    out = []
    for m in QUOTED.finditer(text or ""):
        q = (m.group("a") or m.group("b")).strip(" ,.;:")
        if len(WORD.findall(q)) >= 3:
            out.append(q)
    return out


def _folded_words(text: str) -> list[tuple[str, int, int]]:
    """Words of the text, folded, with their offsets in the text."""
    text = PAGE_MARK.sub(lambda m: " " * len(m.group(0)), text)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", lambda m: m.group(1) + "\x00" * (len(m.group(0)) - 2) + m.group(2), text)
    words = []
    for m in WORD.finditer(text):
        w = unicodedata.normalize("NFKC", m.group(0).replace("\x00", "")).translate(FOLD).casefold()
        words.append((w, m.start(), m.end()))
    return words


def find_quote(quote: str, text: str, threshold: float = THRESHOLD) -> tuple[int, int, float] | None:
    q = [w for w, _, _ in _folded_words(quote)]
    words = _folded_words(text)
    n = len(q)
    if not n or not words:
        return None
    target = " ".join(q)
    # exactly (folded)
    for i in range(len(words) - n + 1):
        if words[i][0] == q[0] and [w for w, _, _ in words[i:i + n]] == q:
            return words[i][1], words[i + n - 1][2], 1.0
    # tolerant: windows of n-1..n+1 words sharing enough of the quote's words
    wanted = set(q)
    best: tuple[int, int, float] | None = None
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for size in (n, n - 1, n + 1):
        if size < 1:
            continue
        for i in range(len(words) - size + 1):
            window = words[i:i + size]
            if len(wanted & {w for w, _, _ in window}) < max(1, n // 2):
                continue
            matcher.set_seq1(" ".join(w for w, _, _ in window))
            if matcher.quick_ratio() < threshold:
                continue
            score = matcher.ratio()
            if score >= threshold and (best is None or score > best[2]):
                best = (window[0][1], window[-1][2], score)
    return best


def page_at(pages: list[dict], offset: int) -> str | None:
    """The label of the page holding `offset` in a version's page map."""
    label = None
    for p in pages or []:
        if p.get("start", 0) <= offset:
            label = p.get("label")
        else:
            break
    return label
