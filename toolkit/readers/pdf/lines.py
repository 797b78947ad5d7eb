"""A PDF's lines, from PDFium: the glyphs of each page grouped into lines, with what a line
needs to be told apart (size, baseline, box, superscripts, italics); the page's footnote rule."""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import NamedTuple

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
