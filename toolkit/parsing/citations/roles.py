"""A note's role: evidence (it cites sources), editorial, cross-reference, or mixed."""

from __future__ import annotations

import re

from toolkit.parsing.citations.citation import COMMENTARY, CROSS_REFERENCE, SOURCES, UNPARSED, Citation, ParsedNote
from toolkit.terms import NoteRole


def note_role(note: ParsedNote) -> str:
    """evidence, editorial, cross-reference or mixed (definitions in the gold's README)."""
    kinds = [c.kind for c in note.citations]
    sources = any(k in SOURCES or k == UNPARSED for k in kinds)
    pointers = any(k == CROSS_REFERENCE for k in kinds)
    comments = [c for c in note.citations if c.kind == COMMENTARY]
    if sources and pointers:
        return NoteRole.MIXED
    if pointers:
        return NoteRole.MIXED if comments else NoteRole.CROSS_REFERENCE
    if not sources:
        return NoteRole.EDITORIAL
    if comments and any(_editorial_comment(c, note) for c in comments):
        return NoteRole.MIXED
    return NoteRole.EVIDENCE


EDITORIAL_HINTS = re.compile(
    r"^(?:Not printed|Not found|Text corrected|This telegram|This decree|The translation|The same\b|In a despatch|The decree"
    r"|The “|The heads|The plan|Landing of|Footnote in)|\b(?:was|were) (?:a member|the (?:only|first))\b"
    r"|\bwas itself\b|\bconsisted of\b|\bIronically\b|\bBy way of comparison\b|\bIn the 19th century\b|\bNevertheless\b"
    r"|\bmay (?:also )?(?:have|be)\b|\bwas a member of\b|\bwas organized\b|\bHanna’s areas\b",
)


def _editorial_comment(cit: Citation, note: ParsedNote) -> bool:
    """Commentary that does editorial work of its own (identifies, gives background), not
    commentary that reports what the cited sources say."""
    return bool(EDITORIAL_HINTS.search(cit.raw))
