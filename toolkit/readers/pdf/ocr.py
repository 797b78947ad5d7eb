"""Markers on OCR'd pages: tesseract turns a superscript number into ’ ” ° ® * or plain
digits glued to the word before it, or drops it; each note is given the likeliest place."""

from __future__ import annotations

import re

from toolkit.readers.pdf.lines import Line, NoteLines

# What tesseract makes of a superscript number glued to the word before it.
OCR_MARK = re.compile(r"(?<=\S)([’‘“”\"'*®°?™©!]{1,2}|[0-9]{1,2})(?=\s|$)")
# A quote between punctuation and the next word, no space between: a marker (`p.m.’and`).
OCR_INNER = re.compile(r"(?<=[.,;:])[’'”\"](?=[^\W\d_])")
Candidate = tuple[float, Line, int, int]  # strength, line, span of the line's text the marker takes


def _ink_excess(body: list[Line], spacing: float) -> dict[int, dict[int, tuple[float, float]]]:
    """How much wider than its letters the ink of each word on OCR'd body lines is, and how wide
    the raised ink that ends it (Line.tails), in widths of a superscript digit (about a quarter
    of the line spacing): by line (`id`) and word end.

    Tesseract's text layer puts each word in the box where it saw the word's ink, including
    glyphs it did not read: a superscript number it dropped, or one it read as a single quote,
    widens the word by a digit or two. A word's width is predicted from its letters (an advance
    per character, a correction for the first and the last), fitted over the document's body
    words by least squares with outliers left out; each word is judged by a fit without it."""
    import numpy as np

    words = [(line, e, line.text[s:e], x1 - x0, tail) for line in body
             for (s, e, x0, x1), tail in zip(line.runs, line.tails or [0.0] * len(line.runs)) if e > s]
    digit = 0.25 * spacing
    found: dict[int, dict[int, tuple[float, float]]] = {}
    if len(words) < 30 or sum(len(w[2]) for w in words) < 2 * len(words):
        # Too few words to learn widths from, or no word boxes (runs of single glyphs): the image only.
        for line, end, _, _, tail in words:
            found.setdefault(id(line), {})[end] = (0.0, tail / digit)
        return found
    chars = {c: k for k, c in enumerate(sorted({c for w in words for c in w[2]}))}
    n = len(chars)
    x = np.zeros((len(words), 3 * n))
    for row, (_, _, text, _, _) in enumerate(words):
        for c in text:
            x[row, chars[c]] += 1
        x[row, n + chars[text[0]]] += 1
        x[row, 2 * n + chars[text[-1]]] += 1
    width = np.array([w[3] for w in words])
    prior = np.zeros(3 * n)
    prior[:n] = width.sum() / x[:, :n].sum()  # the mean advance; first and last corrections 0
    y = width - x @ prior
    gram, moment = x.T @ x + 0.1 * np.eye(3 * n), x.T @ y  # with a ridge toward the prior
    kept = np.ones(len(words), bool)
    for _ in range(3):
        out = x[~kept]  # the few outliers, taken out of the sums rather than the sums made again
        inverse = np.linalg.inv(gram - out.T @ out)
        residual = y - x @ (inverse @ (moment - out.T @ y[~kept]))
        spread = 1.4826 * float(np.median(np.abs(residual[kept])))
        kept = np.abs(residual) < max(4 * spread, 0.5)
    leverage = ((x @ inverse) * x).sum(axis=1)
    excess = np.where(kept, residual / (1 - np.minimum(leverage, 0.95)), residual)
    for (line, end, _, _, tail), extra in zip(words, excess):
        found.setdefault(id(line), {})[end] = (float(extra) / digit, tail / digit)
    return found


def _ocr_candidates(body: list[Line], spacing: float,
                    evidence: dict[int, dict[int, tuple[float, float]]] | None = None) -> list[Candidate]:
    """Places after words that may hold a marker, in reading order, each with a strength.

    A glyph glued after a word is judged by what it can be besides a marker (® ° * ‘ or a
    doubled quote nothing else, a closing quote with no quote open little else, one that closes
    a quotation most likely itself); a quote glued between punctuation and the next word
    (`p.m.’and`) is a marker. Then what the page image shows (`evidence`: the ink the letters
    do not explain, the raised ink that ends the word, in digits) decides more: ? ! or a digit
    that stands raised, or ? ! before a word in lower case, is a marker misread; raised ink
    after a word whose text ends in a letter or punctuation, or after ? ! or a quote closing a
    quotation when there is more ink than they explain, is a marker tesseract dropped: an empty
    span at the word's end."""
    candidates: list[Candidate] = []
    quote_open = False
    prev = None
    evidence = evidence or {}
    for line in body:
        if prev is not None and (prev.page != line.page or prev.baseline - line.baseline > 1.3 * spacing):
            quote_open = False
        prev = line
        text = line.text
        seen = evidence.get(id(line), {})
        found = {m.start(1): m.group(1) for m in OCR_MARK.finditer(text)}
        found.update((m.start(), m.group()) for m in OCR_INNER.finditer(text))
        here: list[Candidate] = []
        ends = set()
        for i, ch in enumerate(text):
            glyph = found.get(i)
            if glyph is not None:
                end = i + len(glyph)
                ends.add(end)
                ink, tail = seen.get(end, (0.0, 0.0))
                strength = _mark_strength(glyph, text[i - 1], text[i - 2:i - 1], quote_open)
                after = False  # the glyph is what it reads, and the marker after it
                if len(glyph) == 1 and glyph in "?!" or glyph.isdigit():  # on the baseline when real
                    after = tail >= 0.5 and ink >= 0.6 and glyph in "?!" and text[i - 1].isalpha()
                    if tail >= 0.5:  # it stands raised: a marker misread
                        strength = max(strength, 3.0)
                    elif glyph in "?!" and text[end:].lstrip()[:1].islower():  # no sentence ends there
                        strength = max(strength, 2.5)
                else:
                    after = glyph in "”\"" and quote_open and ink >= 0.9 and tail >= 1.8
                if after:
                    here.append((2.5 + min(ink, 1.0), line, end, end))
                elif strength:
                    offset = i + len(glyph) - 1 if len(glyph) == 2 else i
                    here.append((strength + (ink >= 0.6), line, offset, end))
            if ch == "“" or ch == "\"" and text[i + 1:i + 2].isalnum():
                quote_open = True
            elif ch in "”\"":
                quote_open = False
        here.extend((2.5 + min(max(ink, 0.0), 1.0), line, end, end) for end, (ink, tail) in seen.items()
                    if end not in ends and tail >= 0.5)
        candidates.extend(sorted(here, key=lambda c: c[2]))
    return candidates


# What leaving a note without a marker (flagged) is worth against a candidate's strength: no
# less than a quote that closes a quotation or a ? ! ending a sentence with nothing to show
# in the image that they are more (1), nor than a place on the page before (costing 1) that
# is no better than 2.
SKIP = 1.0


def _assign(notes: list[NoteLines], candidates: list[Candidate]) -> list[tuple[NoteLines, tuple]]:
    """Give each note at most one candidate, in order, maximizing the strengths taken. A marker
    sits on its note's page, or (costing 1) on the page before when the note was pushed over."""
    n, c = len(notes), len(candidates)
    best = [[0.0] * (c + 1) for _ in range(n + 1)]
    step = [[0] * (c + 1) for _ in range(n + 1)]  # 0: candidate j-1 unused, 1: taken by note i-1, 2: note i-1 skipped
    for i in range(1, n + 1):
        page = notes[i - 1].lines[0].page
        row, above = best[i], best[i - 1]
        row[0], step[i][0] = above[0] + SKIP, 2
        for j in range(1, c + 1):
            strength, line = candidates[j - 1][:2]
            options = [(row[j - 1], 0), (above[j] + SKIP, 2)]
            if line.page in (page, page - 1):
                options.append((above[j - 1] + strength - (line.page != page), 1))
            row[j], step[i][j] = max(options)
    chosen = []
    i, j = n, c
    while i > 0:
        move = step[i][j]
        if move == 0:
            j -= 1
        else:
            if move == 1:
                chosen.append((notes[i - 1], candidates[j - 1][1:]))
                j -= 1
            i -= 1
    return chosen[::-1]


def _mark_strength(glyph: str, before: str, before2: str, quote_open: bool) -> float:
    if glyph.isdigit():  # glued to a word, or to punctuation after one: not "9.25" nor "1918,"
        return 3 if before.isalpha() or before in ".,;:)”’\"" and not before2.isdigit() else 0
    if len(glyph) == 2:  # "?”" ends a quoted question; "””" or ".”°" is a quote and a marker
        return _mark_strength(glyph[1], glyph[0], before, quote_open) if glyph[0] in "?!" else 3
    if glyph in "*®°™©“‘":
        return 3
    if glyph in "?!":  # a real one never follows punctuation
        return 3 if before in ".,;:" else 1
    if glyph in "”\"":
        return 1 if quote_open else 2.5
    if before in ".,;:)":  # ’ or ' after punctuation: this text quotes with double marks
        return 2.5
    return 1.5 if before == "s" else 2
