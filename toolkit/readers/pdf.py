"""PDF with a text layer, born digital or OCR'd: superscript markers, page-foot notes.

PDFium gives every character with its box, font size and font. Characters are
grouped into lines by position; each page's lines are then sorted into running
head, page number, body and notes (below the short footnote rule: a drawn path,
or on an OCR'd scan a row of the page image). A marker is a small raised digit
in a body line; a note starts with one at its line's start and runs on, across
the page turn if need be. OCR turns markers into ’ ” ° ® * or plain digits, or
drops them: on scanned pages each note is given the likeliest glyph glued after
a word on its page (or the page before), in order, and the footnote is flagged
repaired.

`source` is the text read: each page's lines joined by "\\n", pages by "\\n\\f\\n";
one anchor per line gives its page and box in PDF points.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from statistics import median
from typing import NamedTuple

from toolkit.parsing.footnotes import MARKER_REPAIRED, MarkerRef, NoteRef, link_footnotes
from toolkit.parsing.layout import (
    SUPERSCRIPT,
    Footnote,
    Layout,
    Marker,
    Note,
    PageStart,
    Paragraph,
    Repair,
)
from toolkit.parsing.offsets import OffsetMap, TextBuilder
from toolkit.readers.base import Anchor, ReadDocument, ReaderError
from toolkit.terms import Format

# Tesseract's readings of "Ibid." in notes (the I as T or l, the b as h).
OCR_IBID = re.compile(r"\b[Tl1][hb]id\.")
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
PAGE_TOKEN = re.compile(r"\[Page\s+(?:[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\] ?")
PAGE_HEAD = re.compile(r"\[Page(?:\s+[0-9ivxlcdmIVXLCDM]+[a-z]?)?$")
PAGE_TAIL = re.compile(r"(?:[0-9ivxlcdmIVXLCDM]+[a-z]?)?\] ?")
PAGE_NUMBER = re.compile(r"[0-9]{1,4}|[ivxlcdm]{1,6}", re.I)
TERMINAL = re.compile(r"[.!?:][\"'”’)\]]*$|[”’\"]$")
WORD = re.compile(r"[^\W\d_]+")
COMPOUND = re.compile(r"([^\W\d_]+)-([^\W\d_]+)")
# What tesseract makes of a superscript number glued to the word before it.
OCR_MARK = re.compile(r"(?<=\S)([’‘“”\"'*®°?™©!]{1,2}|[0-9]{1,2})(?=\s|$)")
OCR_LABEL = re.compile(r"[0-9’‘“”\"'*®°?™©!%»«•§#^~]{1,3} (?=[A-Z])|[’‘“”\"'*®°?™©!%»«•§#^~]{1,2}(?=[A-Z])")
MARK_CHARS = set("0123456789*†‡")
WHITE = re.compile(r"\s")
ITALIC_FLAG = 64  # the Italic bit of a PDF font descriptor's flags (the standard 14 fonts have none)
ITALIC_NAME = re.compile(rb"Italic|Oblique", re.I)


@dataclass
class Line:
    """One printed line: its glyphs and where it sits."""

    page: int  # 1-based
    text: str
    raised: list[bool]  # per character: a small raised glyph (superscript)
    bbox: tuple[float, float, float, float]
    baseline: float
    size: float  # the body size of the line
    start: int = 0  # in source
    kind: str = "body"  # "body", "title", "head", "folio", "note"
    ocr: bool = False  # on a scanned page (one image) whose OCR text has no raised glyphs
    italic: list[bool] = field(default_factory=list)  # per character: set in an italic font
    # Marker spans of `text` with the number each stands for (a note's own label first).
    marks: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class NoteLines:
    label: str
    lines: list[Line]


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReaderError("is encrypted (it needs a password)",
                              "remove the password, e.g. qpdf --decrypt --password=... in.pdf out.pdf") from None
        detail = re.search(r"PDFium: ([^)]*)", str(exc))
        raise ReaderError(f"is not a readable PDF ({detail.group(1) if detail else exc})",
                          "repair or re-save it, e.g. qpdf in.pdf out.pdf") from None
    try:
        pages, rules, labels = _extract(pdf)
    finally:
        pdf.close()
    if not any(line.text.strip() for lines in pages for line in lines):
        raise ReaderError("has no text layer", "OCR it first, e.g. ocrmypdf in.pdf out.pdf")
    return [_document(pages, rules, labels)]


def _extract(pdf) -> tuple[list[list[Line]], list[float | None], list[str]]:
    """Lines of every page, the height of each page's footnote rule, the page labels."""
    import pypdfium2.raw as raw

    pages, rules, labels = [], [], []
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        lines = _lines(raw, textpage, i + 1)
        margin = min((ln.bbox[0] for ln in lines), default=0)
        paths, images = _object_bounds(raw, page)
        rule = _rule(paths, margin)
        if lines and not any(True in ln.raised for ln in lines) and _scanned(images, page):
            for line in lines:
                line.ocr = True
            if rule is None:
                rule = _drawn_rule(page, margin)  # an OCR'd scan: the rule is in the image
        pages.append(lines)
        rules.append(rule)
        labels.append(pdf.get_page_label(i) or str(i + 1))
        textpage.close()
        page.close()
    return pages, rules, labels


Box = tuple[float, float, float, float]


def _object_bounds(raw, page) -> tuple[list[Box], list[Box]]:
    """The boxes of the page's paths and of its images (not inside form objects)."""
    paths: list[Box] = []
    images: list[Box] = []
    box = [ctypes.c_float() for _ in range(4)]
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        kind = raw.FPDFPageObj_GetType(obj) if obj else None
        if kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE) and raw.FPDFPageObj_GetBounds(obj, *box):
            (paths if kind == raw.FPDF_PAGEOBJ_PATH else images).append(tuple(v.value for v in box))
    return paths, images


def _rule(paths: list[Box], margin: float) -> float | None:
    """The height of the short horizontal rule LibreOffice and Word draw at the left margin
    above the notes (the lowest such, as an underlined word higher up is one too)."""
    best = None
    for x0, y0, x1, y1 in paths:
        if y1 - y0 < 3 and 30 < x1 - x0 < 300 and x0 < margin + 5 and (best is None or y0 < best):
            best = y0
    return best


def _scanned(images: list[Box], page) -> bool:
    """A page that is one picture (a scan, with OCR text over it, if any)."""
    width, height = page.get_size()
    return any(x1 - x0 > 0.8 * width and y1 - y0 > 0.8 * height for x0, y0, x1, y1 in images)


def _drawn_rule(page, margin: float) -> float | None:
    """The footnote rule of a scanned page: a pixel row dark from the left margin for about
    110 points and blank to its right (rendered at 72 dpi, a pixel a point; numpy comes with spaCy)."""
    import numpy as np

    pixels = page.render(scale=1, grayscale=True).to_numpy()
    if pixels.ndim == 3:
        pixels = pixels[:, :, 0]
    width, height = page.get_size()
    x = max(int(margin), 0)
    left, right = pixels[:, x + 4:x + 114], pixels[:, x + 123:int(width) - x]
    if left.shape[1] < 100 or right.shape[1] < 100:
        return None
    rows = np.nonzero(((left < 160).mean(axis=1) > 0.9) & ((right > 230).mean(axis=1) > 0.97))[0]
    rows = rows[rows > 60]
    return float(height - rows[0]) if len(rows) else None


class _Piece(NamedTuple):
    """Glyphs of one text object on one line: they share font, size and baseline."""

    text: str
    size: float
    y: float  # the baseline (the glyphs' origin)
    italic: bool
    box: tuple[float, float, float, float] | None  # of the glyphs other than white space
    first: float  # left edge of the first glyph other than a space
    last: float  # left edge of the last glyph other than a space


def _lines(raw, textpage, page_no: int) -> list[Line]:
    """Characters grouped into lines: a new line when the pen moves back left or jumps down.

    PDFium is asked about runs of characters, not about each character (a call per character
    was most of the time of reading a PDF): the characters of one text object share font,
    size and baseline, so a run's first and last glyphs give its edges and one call its box."""
    tp = textpage.raw
    count = raw.FPDFText_CountChars(tp)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    if len(text) != count:  # characters outside the BMP came as surrogate pairs: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(tp, i)) for i in range(count))
    keys = _object_keys(raw, tp, count)
    glyphs = _Glyphs(raw, tp, text)
    lines: list[Line] = []
    pieces: list[_Piece] = []  # the line being built
    last: _Piece | None = None  # the piece holding the line's last glyph other than a space
    i = 0
    while i < count:
        key = keys[i]
        j = i + 1
        while j < count and keys[j] == key:
            j += 1
        if key is None:  # generated by PDFium: a space between words (kept) or a line break
            for k in range(i, j):
                if text[k] == " " and pieces:
                    prev = pieces[-1]
                    pieces.append(_Piece(" ", prev.size, prev.y, prev.italic, None, 0.0, 0.0))
            i = j
            continue
        for run in glyphs.runs(i, j):
            lead = len(run.text) - len(run.text.lstrip(" "))
            if lead:
                if pieces:
                    pieces.append(run._replace(text=run.text[:lead], box=None))
                if lead == len(run.text):
                    continue
                run = run._replace(text=run.text[lead:])
            if last is not None:
                back = run.first < last.last - 1 and abs(run.y - last.y) > 2
                if back or abs(run.y - last.y) > 0.75 * max(run.size, last.size):
                    lines.append(_line(pieces, page_no))
                    pieces = []
            pieces.append(run)
            last = run
        i = j
    if pieces:
        lines.append(_line(pieces, page_no))
    return [line for line in lines if line.text]


def _object_keys(raw, tp, count: int) -> list:
    """Per character, what identifies its text object (None: a character PDFium generated)."""
    get = getattr(raw, "FPDFText_GetTextObject", None)
    if get is None:  # an older PDFium: every character is a run of its own
        return [None if raw.FPDFText_IsGenerated(tp, i) == 1 else i for i in range(count)]
    # The same function returning the object's address as an int (ctypes pointers do not compare).
    address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(ctypes.cast(get, ctypes.c_void_p).value)
    handle = ctypes.cast(tp, ctypes.c_void_p).value
    return [address(handle, i) for i in range(count)]


class _Glyphs:
    """What PDFium knows of a page's characters, asked for a run at a time."""

    CONTROL = re.compile("[\x00-\x1f\ufffe]")

    def __init__(self, raw, tp, text: str) -> None:
        self.raw, self.tp, self.text = raw, tp, text
        self.fonts: dict[bytes, bool] = {}  # font name: italic
        self.name = ctypes.create_string_buffer(80)
        self.flags = ctypes.c_int()
        self.a, self.b, self.c, self.d = (ctypes.c_double() for _ in range(4))

    def runs(self, i: int, j: int) -> list[_Piece]:
        """The characters i..j-1 of one text object as pieces: one, or one per character where
        they do not share a baseline (rotated text)."""
        raw, tp = self.raw, self.tp
        chars = self.text[i:j]
        index: range | list[int] = range(i, j)
        if self.CONTROL.search(chars):  # line breaks and control codes dropped, PDFium's hyphen (2) kept
            kept = []
            for k in range(i, j):
                ch = self.text[k]
                if ch == "\ufffe" or ch < " ":
                    code = raw.FPDFText_GetUnicode(tp, k)
                    if code in (10, 13) or (code < 32 and code != 2) or code == 0xFFFE:
                        continue
                    ch = "-" if code == 2 else chr(code)
                kept.append((k, ch))
            index, chars = [k for k, _ in kept], "".join(ch for _, ch in kept)
        if not chars:
            return []
        if len(chars) > 1 and self._origin_y(index[0]) != self._origin_y(index[-1]):
            return [self._piece(ch, [k]) for k, ch in zip(index, chars)]
        return [self._piece(chars, index)]

    def _origin_y(self, k: int) -> float:
        self.raw.FPDFText_GetCharOrigin(self.tp, k, self.a, self.b)
        return self.b.value

    def _left(self, k: int) -> float:
        self.raw.FPDFText_GetCharBox(self.tp, k, self.a, self.b, self.c, self.d)
        return self.a.value

    def _piece(self, chars: str, index) -> _Piece:
        raw, tp = self.raw, self.tp
        k0 = index[0]
        raw.FPDFText_GetFontInfo(tp, k0, self.name, 80, self.flags)
        font = self.name.value
        italic = self.fonts.get(font)
        if italic is None:
            italic = self.fonts[font] = bool(self.flags.value & ITALIC_FLAG or ITALIC_NAME.search(font))
        box = None
        if not chars.isspace():  # the box of the glyphs from the first to the last other than white space
            start, end = index[len(chars) - len(chars.lstrip())], index[len(chars.rstrip()) - 1]
            rects = []
            for r in range(raw.FPDFText_CountRects(tp, start, end - start + 1)):
                raw.FPDFText_GetRect(tp, r, self.a, self.d, self.c, self.b)
                rects.append((self.a.value, self.b.value, self.c.value, self.d.value))
            if rects:
                box = (min(r[0] for r in rects), min(r[1] for r in rects),
                       max(r[2] for r in rects), max(r[3] for r in rects))
        lead, tail = len(chars) - len(chars.lstrip(" ")), len(chars.rstrip(" ")) - 1  # glyphs other than spaces
        first = self._left(index[lead]) if lead <= tail else 0.0
        last = self._left(index[tail]) if lead < tail else first
        return _Piece(chars, raw.FPDFText_GetFontSize(tp, k0), self._origin_y(k0), italic, box, first, last)


def _line(pieces: list[_Piece], page_no: int) -> Line:
    """A line from its pieces: its body size (the commonest), baseline and box, and which glyphs
    are small and raised (superscripts)."""
    while pieces and pieces[-1].text[-1:].isspace():
        tail = pieces[-1].text.rstrip()
        pieces[-1:] = [pieces[-1]._replace(text=tail)] if tail else []
    text = "".join(p.text for p in pieces)
    if not text:
        return Line(page_no, "", [], (0.0, 0.0, 0.0, 0.0), 0.0, 0.0)
    inked = [(p, n) for p in pieces if (n := len(p.text) - len(WHITE.findall(p.text)))]
    inked = inked or [(p, len(p.text)) for p in pieces]
    sizes: Counter = Counter()
    for p, n in inked:
        sizes[round(p.size, 1)] += n
    size = sizes.most_common(1)[0][0]
    baseline = median([p.y for p, n in inked if round(p.size, 1) == size for _ in range(n)])
    raised: list[bool] = []
    italic: list[bool] = []
    for p in pieces:
        if p.size < 0.85 * size and p.y > baseline + 0.15 * size:
            raised.extend(not ch.isspace() for ch in p.text)
        else:
            raised.extend([False] * len(p.text))
        italic.extend([p.italic] * len(p.text))
    boxes = [p.box for p in pieces if p.box is not None]
    bbox = ((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            if boxes else (0.0, 0.0, 0.0, 0.0))
    line = Line(page_no, text, raised, bbox, baseline, size)
    line.italic = italic
    return line


def _squash(text: str) -> str:
    return " ".join(text.split())


def _loose(text: str) -> str:
    return re.sub(r"[\W\d_]+", "", text).lower()


def _document(pages: list[list[Line]], rules: list[float | None], labels: list[str]) -> ReadDocument:
    source_parts, anchors, pos = [], [], 0
    for k, lines in enumerate(pages):
        if k:
            source_parts.append("\n\f\n")
            pos += 3
        for j, line in enumerate(lines):
            if j:
                source_parts.append("\n")
                pos += 1
            line.start = pos
            source_parts.append(line.text)
            pos += len(line.text)
            anchors.append(Anchor(line.start, line.end, {"page": line.page, "bbox": [round(v, 2) for v in line.bbox]}))
    source = "".join(source_parts)

    sizes: Counter = Counter()  # by characters
    for ln in (ln for lines in pages for ln in lines):
        sizes[round(ln.size)] += len(ln.text)
    body_size = sizes.most_common(1)[0][0]
    spacing = _line_spacing(pages, body_size)
    title_lines = _classify(pages, rules, body_size, spacing)
    notes = _notes(pages, spacing)
    repairs: list[Repair] = []
    guessed = _find_markers(pages, notes, repairs, spacing)
    return _build(source, pages, labels, notes, guessed, repairs, anchors, title_lines, spacing)


def _line_spacing(pages: list[list[Line]], body_size: float) -> float:
    gaps = [a.baseline - b.baseline for lines in pages for a, b in zip(lines, lines[1:])
            if 0.9 * body_size < a.baseline - b.baseline < 2 * body_size]
    return median(gaps) if gaps else 1.2 * body_size


def _classify(pages: list[list[Line]], rules: list[float | None], body_size: float, spacing: float) -> list[Line]:
    """Mark running heads, page numbers, the title and note lines; return the title's lines."""
    title_lines: list[Line] = []
    for line in pages[0] if pages else []:
        if line.size < 1.2 * body_size:
            break
        line.kind = "title"
        title_lines.append(line)
    title = _loose(" ".join(ln.text for ln in title_lines))
    tops = Counter(_loose(lines[0].text) for lines in pages if lines)
    for k, lines in enumerate(pages):
        if len(lines) < 2:
            continue
        for edge in (min(lines, key=lambda ln: ln.baseline), max(lines, key=lambda ln: ln.baseline)):
            if PAGE_NUMBER.fullmatch(edge.text.strip()):
                edge.kind = "folio"
        body = [ln for ln in lines if ln.kind == "body"]
        head = max(body, key=lambda ln: ln.baseline) if body else None
        if k and head is not None:  # the running head: the title again, or a line every page repeats
            loose = _loose(head.text)
            like_title = bool(title) and SequenceMatcher(None, loose, title, autojunk=False).ratio() >= 0.8
            small = head.size < 0.85 * body_size and _gap_below(head, lines) > 2 * spacing
            if like_title or small or (loose and tops[loose] > 1):
                head.kind = "head"
        rule = rules[k]
        for line in lines:
            if rule is not None and line.kind == "body" and line.baseline < rule:
                line.kind = "note"
    return title_lines


def _gap_below(line: Line, lines: list[Line]) -> float:
    below = [line.baseline - ln.baseline for ln in lines if ln.baseline < line.baseline]
    return min(below) if below else 0.0


def _notes(pages: list[list[Line]], spacing: float) -> list[NoteLines]:
    """Note lines grouped into notes. A note starts at a raised number; on an OCR'd page (no
    raised glyphs) after a gap wider than a line, or at the region's top with a label-like token."""
    notes: list[NoteLines] = []
    ended = True  # the last note so far ended on its page (a short last line after a full stop)
    for lines in pages:
        ocr = bool(lines) and lines[0].ocr
        prev = None
        for line in (ln for ln in lines if ln.kind == "note"):
            n = 0
            while n < len(line.text) and line.raised[n] and line.text[n] in MARK_CHARS:
                n += 1
            label = line.text[:n]
            if ocr:
                m = OCR_LABEL.match(line.text)
                gap = prev is not None and prev.baseline - line.baseline > 1.4 * spacing
                if gap or prev is None and (m is not None or ended or not notes):
                    n, label = (m.end() if m else 0), str(len(notes) + 1)
                    if m is None:  # the label was lost: the note starts at the line start
                        notes.append(NoteLines(label, [line]))
                        prev = line
                        continue
            prev = line
            if n:
                line.marks = [(0, n, label)]
                notes.append(NoteLines(label, [line]))
            elif notes:
                notes[-1].lines.append(line)
        if lines and notes and notes[-1].lines[-1].page == lines[0].page:
            last = notes[-1].lines[-1]
            left, right = min(ln.bbox[0] for ln in lines), max(ln.bbox[2] for ln in lines)
            ended = bool(TERMINAL.search(last.text)) and last.bbox[2] < right - 0.15 * (right - left)
    return notes


def _find_markers(pages: list[list[Line]], notes: list[NoteLines], repairs: list[Repair], spacing: float) -> set[int]:
    """Marker spans of body lines (Line.marks); source offsets of the markers guessed (OCR)."""
    ocr_pages = set()
    for k, lines in enumerate(pages, start=1):
        if lines and lines[0].ocr:
            ocr_pages.add(k)
            continue
        for line in lines:
            if line.kind not in ("body", "title") or True not in line.raised:
                continue
            i = 1
            while i < len(line.text):
                j = i
                while j < len(line.text) and line.raised[j] and line.text[j] in MARK_CHARS:
                    j += 1
                if j > i:
                    line.marks.append((i, j, line.text[i:j]))
                i = j + 1
    guessed: set[int] = set()
    ocr_notes = [n for n in notes if n.lines[0].page in ocr_pages]
    if not ocr_notes:
        return guessed
    body = [ln for k in sorted(ocr_pages) for ln in pages[k - 1] if ln.kind in ("body", "title")]
    for note, (line, s, e) in _assign(ocr_notes, _ocr_candidates(body, spacing)):
        line.marks.append((s, e, note.label))
        guessed.add(line.start + s)
        repairs.append(Repair("marker-repaired", -1, line.start + s, line.start + e,
                              f"OCR glyph {line.text[s:e]!r} read as marker {note.label}"))
    for line in body:
        line.marks.sort()
    return guessed


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


def _build(source: str, pages: list[list[Line]], labels: list[str], notes: list[NoteLines], guessed: set[int],
           repairs: list[Repair], anchors: list[Anchor], title_lines: list[Line], spacing: float) -> ReadDocument:
    compounds = {f"{a}-{b}".lower() for ln in (ln for lines in pages for ln in lines)
                 for a, b in COMPOUND.findall(ln.text[:-1])}
    builder = TextBuilder(source)
    paragraphs: list[Paragraph] = []
    page_starts: list[PageStart] = []
    markers: list[Marker] = []

    body = [ln for lines in pages for ln in lines if ln.kind in ("title", "body")]
    groups: list[list[Line]] = []
    for line in body:
        prev = groups[-1][-1] if groups else None
        if prev is None or _breaks(prev, line, spacing):
            groups.append([line])
        else:
            groups[-1].append(line)
    seen_pages: set[int] = set()
    author = None
    for g, group in enumerate(groups):
        if paragraphs:
            builder.replace("\n\n", groups[g - 1][-1].end, group[0].start)
        start = builder.length
        kind = "heading" if group[0].kind == "title" else "body"
        _emit(builder, group, compounds, repairs, markers,
              on_line=lambda line: _page_turn(line, labels, page_starts, seen_pages, builder))
        paragraphs.append(Paragraph(kind, start, builder.length, group[0].start, group[-1].end))
        if title_lines and g == 1 and _is_author(group):
            author = _squash(group[0].text)
    for p in range(len(seen_pages) + 1, len(pages) + 1):
        first = pages[p - 1][0].start if pages[p - 1] else len(source)
        page_starts.append(PageStart(labels[p - 1], builder.length, first))
    text, offsets = builder.build()
    for m in markers:
        m.page = next((ps.label for ps in reversed(page_starts) if ps.start <= m.start), None)

    built = [_note(source, n, compounds) for n in notes]
    marker_refs = [MarkerRef(i, m.printed, m.source_start) for i, m in enumerate(markers)]
    note_refs = [NoteRef(i, n.label, n.source_start, i, in_notes_section=True) for i, n in enumerate(built)]
    result = link_footnotes(marker_refs, note_refs)
    footnotes = []
    for k, ln in enumerate(result.links):
        flags = list(ln.flags)
        if ln.marker is not None and markers[ln.marker].source_start in guessed and MARKER_REPAIRED not in flags:
            flags.append(MARKER_REPAIRED)
        footnotes.append(Footnote(k + 1, markers[ln.marker] if ln.marker is not None else None,
                                  built[ln.note] if ln.note is not None else None, flags))
    for r in repairs:
        if r.start < 0:
            r.start = _repair_start(offsets, r.source_start, text)
    layout = Layout(text, offsets, paragraphs, footnotes, page_starts, repairs)
    problems = []
    linked = sum(1 for f in footnotes if f.marker is not None and f.note is not None)
    if markers and linked < len(markers):
        problems.append(f"{len(markers)} footnote markers seen but only {linked} linked to a note")
    if built and linked < len(built):
        problems.append(f"{len(built)} notes at page feet but only {linked} linked to a marker")
    title = _squash(" ".join(_strip_labels(ln) for ln in title_lines)) or None
    return ReadDocument(layout, source, Format.PDF, title=title, authors=[author] if author else [],
                        anchors=anchors, problems=problems)


def _repair_start(offsets, source_offset: int, text: str) -> int:
    """The normalized offset of the first segment reaching `source_offset` (where a repair shows)."""
    for n0, n1, s0, s1, _ in offsets.segments:
        if s1 > source_offset:
            return n0 if s0 >= source_offset else n0 + min(source_offset - s0, n1 - n0)
    return len(text)


def _strip_labels(line: Line) -> str:
    text = line.text
    for s, e, _ in reversed(line.marks):
        text = text[:s] + text[e:]
    return text


def _is_author(group: list[Line]) -> bool:
    """A short centred line without digits right after the title: the byline."""
    line = group[0]
    text = line.text.strip()
    return (len(group) == 1 and len(text) < 60 and not any(c.isdigit() for c in text)
            and not TERMINAL.search(text) and line.bbox[0] > 120)


def _page_turn(line: Line, labels: list[str], page_starts: list[PageStart], seen: set[int],
               builder: TextBuilder) -> None:
    for p in range(len(seen) + 1, line.page + 1):
        page_starts.append(PageStart(labels[p - 1], builder.length, line.start))
        seen.add(p)


def _breaks(prev: Line, line: Line, spacing: float) -> bool:
    """Does `line` start a new paragraph after `prev`?"""
    if prev.kind != line.kind:
        return True
    if line.kind == "title":
        return False
    if prev.page == line.page:
        return prev.baseline - line.baseline > 1.3 * spacing
    tail = _strip_labels(prev).rstrip()
    return bool(TERMINAL.search(tail)) and not line.text[:1].islower()


def _note(source: str, note: NoteLines, compounds: set[str]) -> Note:
    """A note's lines (across a page turn too) as one whitespace-squashed text, label left out.
    Its repairs are not recorded: `Repair.start` counts in the reading text, which notes are not in."""
    builder = TextBuilder(source)
    _emit(builder, note.lines, compounds, [], None)
    text, offsets = builder.build()
    if text[:1].isspace():  # a label alone on its line: drop the space that joined the next
        lead = len(text) - len(text.lstrip())
        text = text[lead:]
        offsets = OffsetMap(tuple((max(n0 - lead, 0), n1 - lead, s0 + (max(lead - n0, 0) if v else 0), s1, v)
                                  for n0, n1, s0, s1, v in offsets.segments if n1 > lead))
    text = text.rstrip()
    italic = {ln.start + i for ln in note.lines for i, it in enumerate(ln.italic) if it}
    emphasis = _emphasis(text, offsets, italic) if italic else []
    return Note(note.label, note.lines[0].start, note.lines[-1].end, text, offsets, emphasis)


def _emphasis(text: str, offsets: OffsetMap, italic: set[int]) -> list[tuple[int, int]]:
    """Runs of the note's text set in italics; the spaces between italic words join a run."""
    spans: list[list[int]] = []
    for n0, n1, s0, s1, verbatim in offsets.segments:
        for k in range(n0, min(n1, len(text))):
            src = s0 + (k - n0) if verbatim else s0
            if src in italic and not text[k].isspace():
                if spans and not text[spans[-1][1]:k].strip():
                    spans[-1][1] = k + 1
                else:
                    spans.append([k, k + 1])
    return [(a, b) for a, b in spans]


def _split_page_tokens(lines: list[Line]) -> dict[int, list[tuple[int, int]]]:
    """The pieces of `[Page N]` tokens that a line end cut in two, by line index."""
    pieces: dict[int, list[tuple[int, int]]] = {}
    for k in range(len(lines) - 1):
        head = PAGE_HEAD.search(lines[k].text)
        if head is None:
            continue
        tail = PAGE_TAIL.match(lines[k + 1].text)
        if tail is not None and PAGE_TOKEN.fullmatch(f"{head.group(0)} {tail.group(0).strip()} "):
            pieces.setdefault(k, []).append((head.start(), len(lines[k].text)))
            pieces.setdefault(k + 1, []).append((0, tail.end()))
    return pieces


def _emit(builder: TextBuilder, lines: list[Line], compounds: set[str], repairs: list[Repair],
          markers: list[Marker] | None, on_line=None) -> None:
    """Append lines as one run of text: markers rendered (a note's label dropped), ligatures
    undone, [Page N] dropped, line ends joined with a space or a rejoined hyphenated word."""
    split_tokens = _split_page_tokens(lines)
    for k, line in enumerate(lines):
        if on_line is not None:
            on_line(line)
        text, base = line.text, line.start
        events: list[tuple[int, int, str, str]] = []  # (start, end, replacement, kind) in the line
        events.extend((s, e, "", "page") for s, e in split_tokens.get(k, ()))
        for s, e, label in line.marks:
            if markers is None:
                events.append((s, e + (1 if text[e:e + 1] == " " else 0), "", "label"))
            else:
                events.append((s, e, label, "marker"))
        for m in PAGE_TOKEN.finditer(text):
            events.append((m.start(), m.end(), "", "page"))
        for m in re.finditer(r"[ﬀ-ﬆ]| {2,}", text):
            events.append((m.start(), m.end(), LIGATURES.get(m.group(0), " "), "fix"))
        if line.ocr and markers is None:
            events.extend((m.start(), m.end(), "Ibid.", "fix") for m in OCR_IBID.finditer(text))
        events.sort()
        pos = 0
        for s, e, rep, kind in events:
            if s < pos:
                continue
            builder.copy(base + pos, base + s)
            if kind == "marker":
                marker = Marker(rep, "sup", base + s, base + e, start=builder.length)
                builder.replace(rep.translate(SUPERSCRIPT), base + s, base + e)
                marker.end = builder.length
                markers.append(marker)
            else:
                builder.replace(rep, base + s, base + e)
            pos = e
        end = len(text)
        if k + 1 == len(lines):
            builder.copy(base + pos, base + end)
            break
        nxt = lines[k + 1]
        tail = text[pos:end]
        if tail.endswith("-") and len(tail) > 1 and tail[-2].isalpha() and nxt.text[:1].isalpha():
            left = WORD.findall(text[:-1])
            right = WORD.match(nxt.text)
            word = f"{left[-1] if left else ''}-{right.group(0) if right else ''}".lower()
            keep = nxt.text[0].isupper() or word in compounds
            builder.copy(base + pos, base + end - (0 if keep else 1))
            if not keep:
                repairs.append(Repair("dehyphenated", builder.length, base + end - 1, nxt.start, word))
        else:
            builder.copy(base + pos, base + end)
            if not builder.endswith(" "):
                builder.replace(" ", base + end, nxt.start)
