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
    # The glyphs of each text object: span of `text` (white space trimmed) and left and right
    # edges. On an OCR'd page a text object is a word and its box where tesseract saw its ink.
    runs: list[tuple[int, int, float, float]] = field(default_factory=list)
    # On a scanned page, per run: the width (points) of the raised ink that ends the run's box
    # in the image (a superscript, a closing quote), whatever the OCR text says is there.
    tails: list[float] = field(default_factory=list)

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
            pixels = _render(page, SCAN_SCALE)
            for line in lines:
                line.ocr = True
            _raised_tails(lines, pixels, SCAN_SCALE, page.get_size()[1])
            if rule is None:
                rule = _drawn_rule(pixels, SCAN_SCALE, page, margin)  # an OCR'd scan: the rule is in the image
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


SCAN_SCALE = 2  # scanned pages are looked at in 144 dpi grey (numpy comes with spaCy)


def _render(page, scale: float):
    pixels = page.render(scale=scale, grayscale=True, no_smoothimage=True).to_numpy()
    return pixels[:, :, 0] if pixels.ndim == 3 else pixels


def _drawn_rule(pixels, scale: float, page, margin: float) -> float | None:
    """The footnote rule of a scanned page: a pixel row dark from the left margin for about
    110 points and blank to its right."""
    import numpy as np

    width, height = page.get_size()
    x = max(int(margin), 0)
    left = pixels[:, int((x + 4) * scale):int((x + 114) * scale)]
    right = pixels[:, int((x + 123) * scale):int((width - x) * scale)]
    if left.shape[1] < 100 * scale or right.shape[1] < 100 * scale:
        return None
    rows = np.nonzero(((left < 160).mean(axis=1) > 0.9) & ((right > 230).mean(axis=1) > 0.97))[0]
    rows = rows[rows > 60 * scale]
    return float(height - int(rows[0] / scale)) if len(rows) else None


def _raised_tails(lines: list[Line], pixels, scale: float, height: float) -> None:
    """Line.tails: for each run (an OCR word), how wide the ink that ends it in the image is that
    sits well above the baseline and stands tall, a glyph of its own: a superscript number or a
    closing quote; not a letter, a full stop, a comma, a hyphen, the hook of an f or the arm of
    a y. Measured in the line's own x-height in the image (the commonest top of its columns of
    ink above the commonest bottom): its lowest point 0.57 of it over the baseline or higher,
    and half of it from top to bottom. The word's ink is followed past its box (tesseract's
    boxes fall short by a few points) across gaps of up to 2.5 points, short of the next word's
    box (whose left edge is where its ink starts)."""
    import numpy as np

    gap = int(2.5 * scale)
    for line in lines:
        top = max(int((height - line.baseline - 1.0 * line.size) * scale), 0)
        bottom = min(int((height - line.baseline + 0.35 * line.size) * scale), pixels.shape[0])
        line.tails = [0.0] * len(line.runs)
        if bottom - top < 8 or not line.runs:
            continue
        dark = pixels[top:bottom] < 128
        ink = dark.any(axis=0)
        if not ink.any():
            continue
        lowest = dark.shape[0] - 1 - np.argmax(dark[::-1], axis=0)  # per column, the row of its lowest ink
        highest = np.argmax(dark, axis=0)
        base = int(np.bincount(lowest[ink]).argmax())  # the baseline and the x-height line as the image has them
        xtop = int(np.bincount(highest[ink]).argmax())
        xheight = base - xtop
        if xheight < 3:
            continue
        low = (ink & (base - lowest < 0.57 * xheight)).tolist()
        ink, lowest, highest = ink.tolist(), lowest.tolist(), highest.tolist()
        n = len(ink)
        tails = []
        nexts = [int(run[2] * scale) - 1 for run in line.runs[1:]] + [n]
        for (_, _, x0, x1), limit in zip(line.runs, nexts):
            start, end = int(x0 * scale), min(int(x1 * scale), n - 1)
            while end > start and not ink[end]:
                end -= 1
            k, j = end, end + 1
            while j < min(n, limit) and j - k - 1 <= gap:  # at most `gap` blank columns
                if ink[j]:
                    k = j
                j += 1
            end = k
            while k > start and not low[k]:  # back to the last column reaching down to the baseline
                k -= 1
            if k == start and not low[k]:  # no such column: the whole word is raised
                k -= 1
            else:  # raised ink that touches it is part of its glyph (the bowl of a 9, an f's hook)
                k += 1
                while k <= end and ink[k]:
                    k += 1
            cols = [c for c in range(k + 1, end + 1) if ink[c]]
            tall = bool(cols) and max(lowest[c] for c in cols) - min(highest[c] for c in cols) >= 0.5 * xheight
            tails.append((end - k) / scale if tall else 0.0)
        line.tails = tails


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
    runs: list[tuple[int, int, float, float]] = []
    for p in pieces:
        if p.size < 0.85 * size and p.y > baseline + 0.15 * size:
            raised.extend(not ch.isspace() for ch in p.text)
        else:
            raised.extend([False] * len(p.text))
        if p.box is not None:
            start = len(italic) + len(p.text) - len(p.text.lstrip())
            runs.append((start, len(italic) + len(p.text.rstrip()), p.box[0], p.box[2]))
        italic.extend([p.italic] * len(p.text))
    boxes = [p.box for p in pieces if p.box is not None]
    bbox = ((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            if boxes else (0.0, 0.0, 0.0, 0.0))
    line = Line(page_no, text, raised, bbox, baseline, size)
    line.italic = italic
    line.runs = runs
    return line
