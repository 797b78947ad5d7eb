"""What one document version looks like as a doccano example, and back.

The example's text is the normalized body, then a "Notes" section with one line
per note ("12. text"), so annotators can see the notes and link claims to them:

    <body text>

    Notes

    1. First note.
    2. Second note.

`ExampleLayout` knows where each note sits, so a span pulled back can be mapped
to the body or to one note, and from there to the source file. Pure: built from
what the store holds, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from toolkit.doccano.utf16 import Utf16Offsets
from toolkit.terms import Stance

NOTES_HEADING = "Notes"
CLAIM, EVIDENCE = "CLAIM", "EVIDENCE"
# In team projects a suggestion has its own label (and colour): an annotator accepts it by
# relabelling it CLAIM, or by marking the example done with the suggestion left in place.
SUGGESTED_CLAIM = "SUGGESTED_CLAIM"
SUPPORTED_BY, DISPUTED_BY = "SUPPORTED_BY", "DISPUTED_BY"
STANCE = {SUPPORTED_BY: Stance.SUPPORTS, DISPUTED_BY: Stance.DISPUTES}


@dataclass(frozen=True)
class NoteLine:
    seq: int  # the footnote's position in the document
    label: str
    start: int  # the note's text in the example (after "12. ")
    end: int


@dataclass(frozen=True)
class PreSpan:
    key: str  # "m3" marker of footnote 3, "n3" its note, "c<claim id>" a suggested claim
    start: int  # code points in the example text
    end: int
    label: str


@dataclass(frozen=True)
class PreRelation:
    from_key: str
    to_key: str
    type: str


@dataclass
class ExampleLayout:
    text: str
    body_end: int
    notes: list[NoteLine]
    markers: dict[int, tuple[int, int]] = field(default_factory=dict)  # footnote seq -> marker span
    _utf16: Utf16Offsets | None = None

    @property
    def utf16(self) -> Utf16Offsets:
        if self._utf16 is None:
            self._utf16 = Utf16Offsets(self.text)
        return self._utf16

    def locate(self, start: int, end: int) -> tuple[str, int | None] | None:
        """("body", None) or ("note", seq) for a span inside one region; None if it straddles."""
        if 0 <= start < end <= self.body_end:
            return ("body", None)
        for note in self.notes:
            if note.start <= start < end <= note.end:
                return ("note", note.seq)
        return None

    def footnotes_in(self, start: int, end: int) -> list[int]:
        """Footnotes whose marker (in the body) or note line lies inside [start, end)."""
        found = [seq for seq, (s, e) in self.markers.items() if start <= s and e <= end]
        found += [n.seq for n in self.notes if start <= n.start and n.end <= end and n.seq not in found]
        return sorted(found)


def build_layout(body: str, footnotes: list[dict[str, Any]]) -> ExampleLayout:
    """Layout of the example for a version: `footnotes` as in `toolkit inspect --json`."""
    parts = [body]
    length = len(body)
    notes: list[NoteLine] = []
    with_text = [f for f in footnotes if f.get("text") is not None]
    if with_text:
        head = f"\n\n{NOTES_HEADING}\n\n"
        parts.append(head)
        length += len(head)
        for k, f in enumerate(with_text):
            prefix = f"{f['label']}. "
            start = length + len(prefix)
            line = prefix + f["text"]
            if k:
                parts.append("\n")
                length += 1
                start += 1
            parts.append(line)
            length += len(line)
            notes.append(NoteLine(f["seq"], f["label"], start, start + len(f["text"])))
    markers = {f["seq"]: (f["marker"]["start"], f["marker"]["end"]) for f in footnotes if f.get("marker")}
    return ExampleLayout("".join(parts), len(body), notes, markers)


def preannotations(layout: ExampleLayout, claims: list[tuple[str, int, int, list[int]]],
                   suggest: bool, team: bool = False) -> tuple[list[PreSpan], list[PreRelation]]:
    """EVIDENCE on every marker and note; with `suggest`, the suggested claims, each linked to
    the markers inside it: a short arc each, not a wall of arcs down to the notes at the end
    of the example (which a linked marker stands for: pull reads it as its note).

    `claims` are (claim id, start, end, footnote seqs) of the suggested claims. In a team
    project (one annotator's), suggestions are SUGGESTED_CLAIM spans, for the annotator to
    keep (relabel CLAIM) or delete; in a shared project they are CLAIM spans.
    """
    spans = [PreSpan(f"m{seq}", s, e, EVIDENCE) for seq, (s, e) in sorted(layout.markers.items())]
    spans += [PreSpan(f"n{n.seq}", n.start, n.end, EVIDENCE) for n in layout.notes if n.end > n.start]
    relations: list[PreRelation] = []
    if suggest:
        label = SUGGESTED_CLAIM if team else CLAIM
        for claim_id, start, end, seqs in claims:
            spans.append(PreSpan(f"c{claim_id}", start, end, label))
            relations += [PreRelation(f"c{claim_id}", f"m{seq}", SUPPORTED_BY) for seq in seqs
                          if seq in layout.markers and start <= layout.markers[seq][0]
                          and layout.markers[seq][1] <= end]
    return spans, relations


def import_record(layout: ExampleLayout, spans: list[PreSpan], relations: list[PreRelation],
                  meta: dict[str, Any]) -> dict[str, Any]:
    """One line of doccano's RelationExtraction JSONL import, offsets in UTF-16 units."""
    ids = {span.key: k for k, span in enumerate(spans, start=1)}
    u = layout.utf16
    return {
        "text": layout.text,
        "entities": [{"id": ids[s.key], "start_offset": u.to_utf16(s.start),
                      "end_offset": u.to_utf16(s.end), "label": s.label} for s in spans],
        "relations": [{"from_id": ids[r.from_key], "to_id": ids[r.to_key], "type": r.type}
                      for r in relations],
        **meta,
    }


def span_signature(spans: list[tuple[int, int, str]], relations: list[tuple[int, int, int, int, str]]) -> str:
    """A digest of an example's annotations: (start, end, label) spans and
    (from start, from end, to start, to end, type) relations, in UTF-16 offsets."""
    payload = json.dumps([sorted(spans), sorted(relations)])
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def expected_signature(layout: ExampleLayout, spans: list[PreSpan], relations: list[PreRelation]) -> str:
    """The signature an example has when it holds exactly its pre-annotations."""
    u = layout.utf16
    by_key = {s.key: s for s in spans}
    return span_signature(
        [(u.to_utf16(s.start), u.to_utf16(s.end), s.label) for s in spans],
        [(u.to_utf16(by_key[r.from_key].start), u.to_utf16(by_key[r.from_key].end),
          u.to_utf16(by_key[r.to_key].start), u.to_utf16(by_key[r.to_key].end), r.type)
         for r in relations],
    )


def exported_signature(example: dict[str, Any]) -> str:
    """The signature of an example as doccano's JSONL export gives it."""
    by_id = {e["id"]: e for e in example.get("entities", [])}
    spans = [(e["start_offset"], e["end_offset"], e["label"]) for e in by_id.values()]
    relations = []
    for r in example.get("relations", []):
        a, b = by_id.get(r["from_id"]), by_id.get(r["to_id"])
        if a is not None and b is not None:
            relations.append((a["start_offset"], a["end_offset"], b["start_offset"], b["end_offset"], r["type"]))
    return span_signature(spans, relations)
