"""UTF-16 offsets at the doccano boundary, and the example layout (pure, no server)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.doccano.example_layout import build_layout, expected_signature, exported_signature, import_record, preannotations
from toolkit.doccano.utf16 import Utf16Offsets

TEXT = st.text(alphabet=st.sampled_from(["a", "é", " ", "¹", "🙂", "𝔄", "中", "\n"]), max_size=60)


@given(TEXT, st.data())
def test_utf16_round_trip(text, data):
    u = Utf16Offsets(text)
    assert u.length16 == len(text.encode("utf-16-le")) // 2
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    a, b = u.to_utf16(i), u.to_utf16(j)
    assert u.from_utf16(a) == i and u.from_utf16(b) == j
    # what a browser would select with those indices is the same text
    assert text.encode("utf-16-le")[2 * a:2 * b].decode("utf-16-le") == text[i:j]


def test_offsets_inside_a_surrogate_pair_are_refused():
    u = Utf16Offsets("a🙂b")
    assert [u.to_utf16(i) for i in range(4)] == [0, 1, 3, 4]
    with pytest.raises(ValueError, match="surrogate pair"):
        u.from_utf16(2)


def test_layout_maps_spans_to_body_and_notes():
    footnotes = [
        {"seq": 1, "label": "1", "text": "PRO F.O. 371/1/2.", "marker": {"start": 9, "end": 10}},
        {"seq": 2, "label": "2", "text": None, "marker": {"start": 20, "end": 21}},  # marker without note
        {"seq": 3, "label": "3", "text": "Ibid.", "marker": None},  # note without marker
    ]
    body = "A claim 🙂¹ and more.² end"
    layout = build_layout(body, footnotes)
    assert layout.text == body + "\n\nNotes\n\n1. PRO F.O. 371/1/2.\n3. Ibid."
    n1, n3 = layout.notes
    assert layout.text[n1.start:n1.end] == "PRO F.O. 371/1/2." and layout.text[n3.start:n3.end] == "Ibid."
    assert layout.locate(0, 5) == ("body", None)
    assert layout.locate(n1.start, n1.end) == ("note", 1)
    assert layout.locate(n1.start, n3.end) is None  # straddles two notes
    assert layout.locate(len(body) - 3, len(body) + 2) is None
    assert layout.footnotes_in(0, len(body)) == [1, 2]


def test_preannotations_and_import_record_use_utf16():
    body = "🙂 Claim one.¹"
    layout = build_layout(body, [{"seq": 1, "label": "1", "text": "A note.", "marker": {"start": 13, "end": 14}}])
    spans, relations = preannotations(layout, [("s-1", 2, 14, [1])], suggest=True)
    assert [(s.key, s.label) for s in spans] == [("m1", "EVIDENCE"), ("n1", "EVIDENCE"), ("cs-1", "CLAIM")]
    record = import_record(layout, spans, relations, {"document": "d", "version": 1, "sha256": "x", "title": "t"})
    marker = record["entities"][0]
    assert (marker["start_offset"], marker["end_offset"]) == (14, 15)  # one more than Python: the emoji
    assert record["relations"] == [{"from_id": 3, "to_id": 1, "type": "SUPPORTED_BY"}]  # the claim to the marker inside it
    # the export of an untouched example has the same signature as the pre-annotations
    exported = {"entities": [dict(e, id=100 + e["id"]) for e in record["entities"]],
                "relations": [{"id": 7, "from_id": 103, "to_id": 101, "type": "SUPPORTED_BY"}]}
    assert exported_signature(exported) == expected_signature(layout, spans, relations)
    exported["relations"] = []
    assert exported_signature(exported) != expected_signature(layout, spans, relations)
