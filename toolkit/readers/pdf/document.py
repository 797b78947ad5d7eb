"""A PDF's lines made a document: running heads, page numbers, title, body and notes told
apart, markers found (on OCR'd pages: guessed), linked to their notes, the reading text built."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from statistics import median

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
from toolkit.readers.base import Anchor, ReadDocument
from toolkit.readers.pdf.lines import Line, NoteLines
from toolkit.readers.pdf.ocr import _assign, _ink_excess, _ocr_candidates
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
OCR_LABEL = re.compile(r"[0-9’‘“”\"'*®°?™©!%»«•§#^~]{1,3} (?=[A-Z])|[’‘“”\"'*®°?™©!%»«•§#^~]{1,2}(?=[A-Z])")
MARK_CHARS = set("0123456789*†‡")


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
    candidates = _ocr_candidates(body, spacing, _ink_excess([ln for ln in body if ln.kind == "body"], spacing))
    for note, (line, s, e) in _assign(ocr_notes, candidates):
        line.marks.append((s, e, note.label))
        guessed.add(line.start + s)
        detail = (f"OCR glyph {line.text[s:e]!r} read as marker {note.label}" if e > s else
                  f"marker {note.label} placed where the OCR dropped it: after {_word_before(line.text, s)!r}, "
                  f"whose ink is wider than its letters")
        repairs.append(Repair("marker-repaired", -1, line.start + s, line.start + e, detail))
    for line in body:
        line.marks.sort()
    return guessed


def _word_before(text: str, end: int) -> str:
    return text[:end].rsplit(None, 1)[-1] if text[:end].strip() else ""


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
