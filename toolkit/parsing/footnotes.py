"""Link footnote markers to their notes, by position.

Pure: takes the markers and the note-like paragraphs of a document in source
order and decides which paragraph is the note of which marker. Numbers alone are
not enough: FRUS numbers notes per printed page (a document may start at 2,
repeat a number, or use ``*``), and OCR misreads digits (``85`` for ``35``).

The rules, in order, for each note-like paragraph as it is met:
1. the earliest marker still waiting whose printed label equals the note's label;
2. otherwise a waiting marker whose label is one OCR-confusable digit away and
   that no note of the document carries: linked and flagged ``marker-repaired``;
3. otherwise, if it stands beside a linked note and its number continues theirs
   (or it sits under a "Notes" heading), it is a note without a marker;
4. otherwise it is not a note at all (a numbered paragraph such as a telegram
   number "2057. Judson's visit ...") and stays in the body.
Markers still waiting at the end have no note.

Books add four guards. Among waiting markers with the note's label, one that a
later, already linked marker has overtaken is taken last, and flagged
``note-out-of-order`` (a note whose marker was left behind by a missed note would
otherwise reach back across chapters). When a chapter that has notes of its own
ends, its waiting markers stop waiting: chapters that restart their numbering
never lend a marker to the next one. A note in the text of a chapter takes a
marker of its own chapter first, and one of another chapter only flagged
``note-in-other-chapter``; notes gathered at the end (under a "Notes" heading,
or after the last marker) take markers from anywhere, in order. And a run of numbered paragraphs where most
have no marker ("1. ... 2. ... 3." after one marker 1), or whose numbers a
"Notes" section (not "References": a bibliography) repeats as notes left without
a marker, is a list in the body: linking is done again without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Digit pairs that OCR of printed superscripts is known to confuse.
OCR_CONFUSABLE = {
    frozenset(p)
    for p in ("38", "35", "58", "56", "68", "89", "08", "09", "17", "14", "27", "13", "69", "06")
}

LABEL_PARTS = re.compile(r"(\d+)([a-z]?)")

MARKER_REPAIRED = "marker-repaired"
MARKER_WITHOUT_NOTE = "marker-without-note"
NOTE_WITHOUT_MARKER = "note-without-marker"
NOTE_OUT_OF_ORDER = "note-out-of-order"
NOTE_IN_OTHER_CHAPTER = "note-in-other-chapter"


@dataclass(frozen=True)
class MarkerRef:
    """A footnote marker as found in the text."""

    index: int  # position among the document's markers
    label: str  # as printed: "12", "*"
    position: int  # source offset, for ordering
    chapter: int = 0  # chapter number in the document, for scoping


@dataclass(frozen=True)
class NoteRef:
    """A paragraph that looks like a note ("12. text")."""

    index: int  # position among the note-like paragraphs
    label: str
    position: int  # source offset
    block: int  # block number in the document, for adjacency
    in_notes_section: bool = False  # under a "Notes" heading
    in_references: bool = False  # the heading says "References": a bibliography, perhaps
    chapter: int = 0
    list_like: bool = True  # False for forms only notes take ("[Footnote 3: ...]")


@dataclass
class Link:
    """One footnote: a marker, a note, or both."""

    marker: int | None
    note: int | None
    flags: list[str] = field(default_factory=list)


@dataclass
class LinkResult:
    links: list[Link]
    note_indexes: set[int]  # note-like paragraphs that really are notes

    def by_note(self) -> dict[int, Link]:
        return {ln.note: ln for ln in self.links if ln.note is not None}


def ocr_confusable(printed: str, label: str) -> bool:
    """True when `printed` may be an OCR misreading of `label` (one digit off)."""
    if len(printed) != len(label) or not printed.isdigit() or not label.isdigit():
        return False
    diffs = [(a, b) for a, b in zip(printed, label) if a != b]
    return len(diffs) == 1 and frozenset(diffs[0]) in OCR_CONFUSABLE


def link_footnotes(markers: list[MarkerRef], notes: list[NoteRef]) -> LinkResult:
    """Decide which note belongs to which marker. See the module docstring."""
    excluded: set[int] = set()
    while True:
        result = _link([n for n in notes if n.index not in excluded], markers)
        lists = _body_lists(notes, excluded, result)
        if not lists:
            return result
        excluded |= lists


def _link(notes: list[NoteRef], markers: list[MarkerRef]) -> LinkResult:
    note_labels = {n.label for n in notes}
    events = sorted(
        [(m.position, 0, m) for m in markers] + [(n.position, 1, n) for n in notes],
        key=lambda e: (e[0], e[1]),
    )
    waiting: dict[int, MarkerRef] = {}  # by marker index, in order
    by_label: dict[str, list[MarkerRef]] = {}
    expired: list[MarkerRef] = []
    links: list[Link] = []
    linked_notes: dict[int, Link] = {}
    unlinked: list[NoteRef] = []
    corrected: dict[int, str] = {}  # marker index -> label after an OCR repair
    overtaken_before = -1  # position of the latest linked marker
    chapter, chapter_has_notes = 0, False
    last_marker = max((m.position for m in markers), default=-1)

    for position, kind, item in events:
        if item.chapter != chapter:
            if chapter_has_notes:  # the chapter's own notes are over
                for m in [m for m in waiting.values() if m.chapter == chapter]:
                    del waiting[m.index]
                    by_label[m.label].remove(m)
                    expired.append(m)
            chapter, chapter_has_notes = item.chapter, False
        if kind == 0:
            waiting[item.index] = item  # type: ignore[assignment]
            by_label.setdefault(item.label, []).append(item)  # type: ignore[arg-type]
            continue
        note: NoteRef = item  # type: ignore[assignment]
        flags: list[str] = []
        same = by_label.get(note.label, [])
        gathered = note.in_notes_section or note.position > last_marker
        if not gathered:
            same = [m for m in same if m.chapter == note.chapter] or same
        match = next((m for m in same if m.position > overtaken_before), None)
        if match is None and same:
            match = same[0]
            flags.append(NOTE_OUT_OF_ORDER)
        if match is not None and not gathered and match.chapter != note.chapter:
            flags.append(NOTE_IN_OTHER_CHAPTER)
        if match is None:
            match = next(
                (
                    m
                    for m in waiting.values()
                    if m.label not in note_labels
                    and ocr_confusable(m.label, note.label)
                    and _fits_sequence(markers, corrected, m.index, note.label)
                ),
                None,
            )
            if match is not None:
                flags.append(MARKER_REPAIRED)
                corrected[match.index] = note.label
        if match is None:
            unlinked.append(note)
            continue
        del waiting[match.index]
        by_label[match.label].remove(match)
        overtaken_before = max(overtaken_before, match.position)
        chapter_has_notes = True
        link = Link(marker=match.index, note=note.index, flags=flags)
        links.append(link)
        linked_notes[note.index] = link

    # Notes without markers: only where they sit among real notes and continue
    # their numbering, or in a notes section. Repeat until nothing changes so a
    # run of orphan notes is found from either end.
    by_block = {n.block: n for n in notes}
    changed = True
    orphans: dict[int, Link] = {}
    while changed:
        changed = False
        for note in unlinked:
            if note.index in orphans:
                continue
            if note.in_notes_section or _continues_neighbour(
                note, by_block, linked_notes, orphans
            ):
                orphans[note.index] = Link(marker=None, note=note.index, flags=[NOTE_WITHOUT_MARKER])
                changed = True

    for m in expired + list(waiting.values()):
        links.append(Link(marker=m.index, note=None, flags=[MARKER_WITHOUT_NOTE]))
    links.extend(orphans.values())
    note_at = {n.index: n.position for n in notes}
    links.sort(key=lambda ln: markers[ln.marker].position if ln.marker is not None else note_at[ln.note])
    return LinkResult(links=links, note_indexes=set(linked_notes) | set(orphans))


def _body_lists(notes: list[NoteRef], excluded: set[int], result: LinkResult) -> set[int]:
    """Numbered paragraphs that linking took for notes but that form a list in the body."""
    with_marker = {ln.note for ln in result.links if ln.note is not None and ln.marker is not None}
    kept = [n for n in notes if n.index not in excluded and n.list_like and not n.in_notes_section]
    lists: set[int] = set()
    # Runs of adjacent paragraphs numbered upwards: most without a marker means a list.
    run: list[NoteRef] = []
    for n in kept + [None]:  # type: ignore[list-item]
        if n is not None and run and n.block == run[-1].block + 1 and label_follows(run[-1].label, n.label):
            run.append(n)
            continue
        linked = sum(1 for r in run if r.index in with_marker)
        if linked and len(run) - linked > linked:
            lists.update(r.index for r in run)
        run = [n] if n is not None else []
    # Numbers a notes section repeats as notes without a marker: the body took their markers.
    orphaned = {n.label for n in notes if n.in_notes_section and not n.in_references
                and n.index in result.note_indexes and n.index not in with_marker}
    lists.update(n.index for n in kept if n.index in with_marker and n.label in orphaned)
    return lists


def label_follows(prev: str, label: str) -> bool:
    """`label` comes next after `prev`: 3 then 4, and a note added after numbering:
    3 then 3a, 3a then 3b, 3a then 4."""
    a, b = LABEL_PARTS.fullmatch(prev), LABEL_PARTS.fullmatch(label)
    if a is None or b is None:
        return False
    (n, x), (k, y) = (int(a.group(1)), a.group(2)), (int(b.group(1)), b.group(2))
    return (k == n + 1 and not y) or (k == n and y == (chr(ord(x) + 1) if x else "a"))


def _fits_sequence(markers: list[MarkerRef], corrected: dict[int, str], i: int, label: str) -> bool:
    """Would marker i, read as `label`, sit in order between its neighbours (34, [85->35], 86)?"""
    value = int(label)
    if i > 0:
        prev = corrected.get(i - 1, markers[i - 1].label)
        if prev.isdigit() and int(prev) >= value:
            return False
    if i + 1 < len(markers):
        nxt = markers[i + 1].label
        if nxt.isdigit() and int(nxt) <= value:
            return False
    return True


def _continues_neighbour(
    note: NoteRef,
    by_block: dict[int, NoteRef],
    linked: dict[int, Link],
    orphans: dict[int, Link],
) -> bool:
    for step in (-1, 1):
        other = by_block.get(note.block + step)
        if other is None or (other.index not in linked and other.index not in orphans):
            continue
        if label_follows(other.label, note.label) if step == -1 else label_follows(note.label, other.label):
            return True
    return False


