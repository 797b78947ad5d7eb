"""Split notes into citations, classify them, resolve Ibid. and short forms.

`parse_notes(notes, archives)` takes the texts of a document's notes in order
and returns, for each note, its citations (kinds: `toolkit.terms.CitationKind`):

- ``archival``: records of an institution, one `Reference` per item cited (see `archives`);
- ``manuscript-collection``: personal papers ("LCM, Root Papers, Box 186");
- ``printed-primary``: FRUS, congressional documents, statutes, newspapers, editions of papers;
- ``published``: a book, article or web page (Chicago, British, French, German styles);
- ``short-form``: "Nevins, *Fish*, p. 632", "Message, 1861, p. 4", resolved to the full citation;
- ``ibid``: Ibid., idem, id., op. cit., loc. cit., ebd., a.a.O., resolved along chains;
- ``cross-reference``: another place of the same publication ("vol. ii, p. 28", "ante", "note 5 above");
- ``commentary``: the author's or editor's own words, one per sentence;
- ``unparsed``: looks like a citation but fits no form; kept verbatim, never dropped.

Each note gets a role (`note_role`: evidence, editorial, cross-reference, mixed), and
each citation the archival references it *reaches* (`Citation.reaches`: its own, or
those of the citation its Ibid. or short form leans on) so that storage and views
read them instead of working them out again. `resolve_publication` resolves short
forms across the documents of one publication (chapters of a book); `to_csl` gives
a CSL-JSON item for a citation.

Pure: text in, data out.

    citation.py  the kinds, `Citation` and `ParsedNote`
    forms.py     how citations are written: signals, Ibid., pages, dates, letters, titles,
                 publication facts, newspapers, printed primary sources (patterns)
    split.py     a note into spans, one per citation; letters sharing one location joined
    classify.py  each span's kind and signal, or commentary
    fields.py    what a citation says: author, title, container, volume, year, publisher
    roles.py     a note's role
    resolve.py   Ibid. and short forms, in a document and across a publication; reach
    csl.py       CSL-JSON
"""

from __future__ import annotations

import re

from toolkit.parsing.archives import Archives, Definition
from toolkit.parsing.citations.citation import (
    ARCHIVAL, COMMENTARY, CROSS_REFERENCE, FULL, IBID, KINDS, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED,
    SHORT_FORM, SOURCES, UNPARSED, Citation, ParsedNote,
)
from toolkit.parsing.citations.classify import classify_citation
from toolkit.parsing.citations.csl import to_csl
from toolkit.parsing.citations.resolve import (
    effective_references, resolve_citations, resolve_publication,
)
from toolkit.parsing.citations.roles import note_role
from toolkit.parsing.citations.split import merge_shared_locations, segment_note

__all__ = [
    "ARCHIVAL", "COMMENTARY", "CROSS_REFERENCE", "FULL", "IBID", "KINDS", "MANUSCRIPT", "PRINTED_PRIMARY",
    "PUBLISHED", "SHORT_FORM", "SOURCES", "UNPARSED", "Citation", "ParsedNote",
    "effective_references", "note_role", "parse_note", "parse_notes", "resolve_citations",
    "resolve_publication", "segment_note", "to_csl",
]

BLANKET = re.compile(r"\b(?:Unless otherwise (?:noted|stated|indicated)|All documents cited)\b", re.I)


def parse_notes(notes: list[str], archives: Archives) -> list[ParsedNote]:
    """Parse every note of a document, in order, and resolve them against each other."""
    definitions: list[Definition] = []
    parsed: list[ParsedNote] = []
    for text in notes:
        note = parse_note(text, archives, definitions)
        definitions = definitions + note.definitions
        parsed.append(note)
    resolve_citations(parsed)
    return parsed


def parse_note(text: str, archives: Archives, definitions: list[Definition] | None = None) -> ParsedNote:
    """Split one note into classified citations (not yet resolved)."""
    refs = archives.find(text, definitions)
    learned = archives.learn_definitions(text, refs)
    protected = sorted({(r.start, r.end) for r in refs})
    citations = []
    for start, end in segment_note(text, protected):
        cit = classify_citation(text, start, end, [r for r in refs if start <= r.start < end])
        if cit is not None:
            citations.append(cit)
    citations = merge_shared_locations(text, citations)
    note = ParsedNote(citations, learned)
    note.blanket = bool(BLANKET.search(text)) and any(c.kind in (ARCHIVAL, MANUSCRIPT) for c in citations)
    note.role = note_role(note)
    return note
