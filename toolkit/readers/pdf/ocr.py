"""Markers on OCR'd pages: tesseract turns a superscript number into ’ ” ° ® * or plain
digits glued to the word before it, or drops it; each note is given the likeliest place."""

from __future__ import annotations

import re

from toolkit.readers.pdf.lines import Line, NoteLines

# What tesseract makes of a superscript number glued to the word before it.
OCR_MARK = re.compile(r"(?<=\S)([’‘“”\"'*®°?™©!]{1,2}|[0-9]{1,2})(?=\s|$)")


def _ocr_candidates(body: list[Line], spacing: float) -> list[tuple[float, Line, int, int]]:
    """Glyphs glued after words that may be markers, in reading order, each with a strength: by
    what it can be besides a marker (® ° * ‘ or a doubled quote nothing else, a closing quote
    with no quote open little else, one that closes a quotation most likely itself)."""
    candidates = []
    quote_open = False
    prev = None
    for line in body:
        if prev is not None and (prev.page != line.page or prev.baseline - line.baseline > 1.3 * spacing):
            quote_open = False
        prev = line
        text = line.text
        found = {m.start(1): m.group(1) for m in OCR_MARK.finditer(text)}
        for i, ch in enumerate(text):
            glyph = found.get(i)
            if glyph is not None:
                strength = _mark_strength(glyph, text[i - 1], text[i - 2:i - 1], quote_open)
                if strength:
                    offset = i + len(glyph) - 1 if len(glyph) == 2 else i
                    candidates.append((strength, line, offset, i + len(glyph)))
            if ch == "“" or ch == "\"" and text[i + 1:i + 2].isalnum():
                quote_open = True
            elif ch in "”\"":
                quote_open = False
    return candidates


SKIP = 0.5  # what leaving a note without a marker is worth, against a candidate's strength


def _assign(notes: list[NoteLines], candidates: list[tuple[float, Line, int, int]]) -> list[tuple[NoteLines, tuple]]:
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
