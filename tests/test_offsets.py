"""Every normalized character maps back to the source character it came from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.parsing.layout import parse_layout
from toolkit.parsing.offsets import OffsetMap, TextBuilder

WORDS = st.sampled_from(["the", "Bolsheviks", "West-", "ern", "Europe.", "“quoted”", "p.", "🙂", "𝔄",
                         "naïve", "<sup>1</sup>", "<sup>2</sup>", "[Page 12]", "Ibid.", "1917,"])
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
NOTE = st.sampled_from(["1. PRO F.O. 371/3298/1957.", "2. Ibid.", "3. Sadoul, *Notes*, p. 215."])
DOCUMENT = st.lists(st.one_of(PARAGRAPH, NOTE), min_size=1, max_size=8).map("\n\n".join)


def assert_maps_back(source: str, text: str, offsets: OffsetMap) -> None:
    for i, ch in enumerate(text):
        if offsets.is_verbatim(i, i + 1):
            assert source[offsets.source_start(i)] == ch, (i, ch)
        s0, s1 = offsets.source_span(i, i + 1)
        assert 0 <= s0 <= s1 <= len(source)


@settings(max_examples=300, deadline=None)
@given(DOCUMENT)
def test_layout_text_maps_back_to_source(source):
    layout = parse_layout(source)
    assert_maps_back(source, layout.text, layout.offsets)
    for fn in layout.footnotes:
        if fn.note is not None:
            assert_maps_back(source, fn.note.text, fn.note.offsets)
        if fn.marker is not None:
            assert layout.offsets.source_span(fn.marker.start, fn.marker.end) == (
                fn.marker.source_start, fn.marker.source_end)


@settings(max_examples=300, deadline=None)
@given(DOCUMENT, st.data())
def test_any_span_maps_to_an_ordered_source_span(source, data):
    layout = parse_layout(source)
    n = len(layout.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    s0, s1 = layout.offsets.source_span(start, end)
    assert 0 <= s0 <= s1 <= len(source)
    if layout.offsets.is_verbatim(start, end):
        assert source[s0:s1] == layout.text[start:end]


def test_builder_copy_and_replace():
    source = "abc<sup>1</sup>def"
    b = TextBuilder(source)
    b.copy(0, 3)
    b.replace("¹", 3, 15)
    b.copy(15, 18)
    text, offsets = b.build()
    assert text == "abc¹def"
    assert offsets.source_span(3, 4) == (3, 15)
    assert offsets.source_span(4, 7) == (15, 18)
    assert offsets.source_span(0, 7) == (0, 18)
    assert not offsets.is_verbatim(2, 5) and offsets.is_verbatim(4, 7)
    assert OffsetMap.from_json(offsets.to_json()) == offsets
