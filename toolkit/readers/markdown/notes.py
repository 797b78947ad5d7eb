"""Pandoc's notes: `[^label]` references and their definitions, `^[...]` inline notes.

Pandoc numbers notes 1..n in order of reference and prints a note once per
reference; so does this reader: one `Footnote` per reference, the marker rendered as
the superscript of its number, `Footnote.label` the identifier. References without a
definition and definitions never referenced are kept, flagged, and named in
`ReadDocument.problems`; a label defined twice keeps its first definition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.parsing.layout import Footnote, Marker, Note, PageStart, page_of
from toolkit.parsing.offsets import TextBuilder
from toolkit.readers.markdown.blocks import NoteDef
from toolkit.readers.markdown.inlines import tokenize
from toolkit.readers.markdown.offsets import Emitter, Virtual


@dataclass
class NoteRef:
    """A note's reference in the text, in reading order."""

    label: str | None  # None: an inline note
    marker: Marker
    line: int
    inline_note: Note | None = None


def render_note(source: str, label: str, start: int, end: int,
                paragraphs: list[tuple[Virtual, int, int]], link_refs: set[str]) -> Note:
    """A note from spans of virtual text, one a paragraph, joined by a space."""
    nb = TextBuilder(source)
    ne = Emitter(nb, None, note_mode=True)
    for k, (vt, v0, v1) in enumerate(paragraphs):
        if k and nb.length:
            at = vt.runs[0][2]  # where the paragraph's first line starts in the file
            ne.space(at, at)
        ne.emit(vt, tokenize(vt, v0, v1, link_refs, in_note=True))
        ne.rstrip()
    text, offsets = nb.build()
    return Note(label, start, end, text, offsets, sorted(ne.emphasis))


def definition_note(source: str, d: NoteDef, link_refs: set[str]) -> Note:
    """The note of a `[^label]: ...` definition."""
    vts = [Virtual(source, para) for para in d.paragraphs]
    return render_note(source, d.label, d.start, d.end, [(vt, 0, len(vt.text)) for vt in vts], link_refs)


def link_notes(source: str, refs: list[NoteRef], defs: list[NoteDef], pages: list[PageStart],
               link_refs: set[str]) -> tuple[list[Footnote], list[str]]:
    """One footnote per reference, in order, then one per definition never referenced; and the problems."""
    problems: list[str] = []
    notes: dict[str, Note] = {}
    lines: dict[str, int] = {}
    for d in defs:
        if d.label in notes:
            problems.append(f"note [^{d.label}] is defined twice (line {lines[d.label]} and line {d.line}); "
                            "the first definition is used")
            continue
        notes[d.label] = definition_note(source, d, link_refs)
        lines[d.label] = d.line
    used: set[str] = set()
    footnotes: list[Footnote] = []
    for k, ref in enumerate(refs):
        ref.marker.page = page_of(pages, ref.marker.start)
        if ref.label is None:
            footnotes.append(Footnote(k + 1, ref.marker, ref.inline_note, []))
        elif ref.label in notes:
            used.add(ref.label)
            footnotes.append(Footnote(k + 1, ref.marker, replace(notes[ref.label]), []))
        else:
            footnotes.append(Footnote(k + 1, ref.marker, None, [MARKER_WITHOUT_NOTE]))
            problems.append(f"reference [^{ref.label}] at line {ref.line} has no note definition")
    for label, note in notes.items():
        if label not in used:
            footnotes.append(Footnote(len(footnotes) + 1, None, note, [NOTE_WITHOUT_MARKER]))
            problems.append(f"note [^{label}] defined at line {lines[label]} is never referenced")
    return footnotes, problems
