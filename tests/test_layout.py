"""Layout repair and footnote linking on the seeds and on small hand-made cases."""

from __future__ import annotations

import re

from toolkit.parsing.footnotes import MARKER_REPAIRED, MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.parsing.layout import SUPERSCRIPT, parse_layout


def notes_in_source(source: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"(?m)^(\d+)\. (.+)$", source)}


def test_debo_every_marker_links_to_its_note(seeds):
    source = (seeds / "debo-litvinov-kamenev.txt").read_text("utf-8")
    layout = parse_layout(source)
    notes = notes_in_source(source)
    assert len(layout.footnotes) == 67
    assert [fn.label for fn in layout.footnotes] == [str(n) for n in range(1, 68)]
    for fn in layout.footnotes:
        assert fn.marker is not None and fn.note is not None
        assert fn.note.text == notes[fn.label]
        # the marker is where the source has it, and renders as superscript digits
        assert source[fn.marker.source_start : fn.marker.source_end] == f"<sup>{fn.marker.printed}</sup>"
        assert layout.text[fn.marker.start : fn.marker.end] == fn.marker.printed.translate(SUPERSCRIPT)
    repaired = [(fn.marker.printed, fn.label) for fn in layout.footnotes if MARKER_REPAIRED in fn.flags]
    assert repaired == [("85", "35"), ("86", "36"), ("87", "37")]
    assert all(fn.flags == [] for fn in layout.footnotes if fn.label not in ("35", "36", "37"))


def test_debo_page_breaks_are_repaired(seeds):
    source = (seeds / "debo-litvinov-kamenev.txt").read_text("utf-8")
    layout = parse_layout(source)
    text = layout.text
    assert "failed to provide the Bolsheviks with the continental stage" in text
    assert "representatives in Western Europe—necessary" in text
    assert "West-" not in text and "fur- ther" not in text and "further concessions" in text
    assert "receive a Soviet ambassador the other Allies" in text
    # no note text leaked into the body
    assert "PRO F.O." not in text and "\n\n1. The literature" not in text
    kinds = [r.kind for r in layout.repairs]
    assert kinds.count("dehyphenated") == 2 and kinds.count("rejoined") == 14


def test_abstract_has_no_notes_and_loses_web_debris(seeds):
    source = (seeds / "karakhan-abstract.txt").read_text("utf-8")
    layout = parse_layout(source)
    assert layout.footnotes == []
    assert layout.text.endswith("practices of tsarist Russia.")
    assert [r.kind for r in layout.repairs] == ["debris-removed"]


def test_telegram_page_283_starts_where_the_marker_stood(seeds):
    source = (seeds / "frus-1918-russia-861.00-763.txt").read_text("utf-8")
    layout = parse_layout(source)
    assert [p.label for p in layout.pages] == ["282", "283"]
    page = layout.pages[1]
    assert source[page.source_start :].startswith("[Page 283]")
    assert layout.text[page.start :].startswith("upon explanations")
    assert layout.text[: page.start].endswith("People’s Commissaire insists ")
    assert "[Page" not in layout.text
    assert layout.page_at(page.start - 1) == "282" and layout.page_at(page.start) == "283"


def test_frus_numbering_links_by_position_not_number():
    source = (
        "Heading<sup>2</sup>\n\n2. First note.\n\n"
        "Body one.<sup>1</sup> Body two.<sup>*</sup>\n\n1. Second note.\n\n*. Third note.\n\n"
        "More text.<sup>1</sup>\n\n1. Fourth note, same number again.\n"
    )
    layout = parse_layout(source)
    got = [(fn.marker.printed, fn.note.text) for fn in layout.footnotes]
    assert got == [("2", "First note."), ("1", "Second note."), ("*", "Third note."),
                   ("1", "Fourth note, same number again.")]
    assert all(not fn.flags for fn in layout.footnotes)


def test_numbered_paragraphs_are_not_notes():
    source = ("2057. Judson's visit to Trotsky exciting comment.<sup>1</sup>\n\n"
              "1. A note.\n\n521. Another numbered telegram paragraph.\n")
    layout = parse_layout(source)
    assert len(layout.footnotes) == 1
    assert layout.text.startswith("2057. Judson's visit") and "521. Another" in layout.text


def test_markers_without_notes_and_notes_without_markers_are_flagged():
    source = ("One.<sup>1</sup> Two.<sup>2</sup> Three.<sup>4</sup>\n\n"
              "1. First.\n\n2. Second.\n\n3. Third, whose marker is gone.\n")
    layout = parse_layout(source)
    flags = {fn.label: fn.flags for fn in layout.footnotes}
    assert flags["3"] == [NOTE_WITHOUT_MARKER]
    assert flags["4"] == [MARKER_WITHOUT_NOTE]
    assert flags["1"] == flags["2"] == []


def test_unicode_and_bracket_markers():
    layout = parse_layout("A claim.¹ Another claim.²\n\n¹ First note.\n\n² Second note.\n")
    assert [(fn.marker.style, fn.note.text) for fn in layout.footnotes] == [
        ("unicode", "First note."), ("unicode", "Second note.")]
    layout = parse_layout("A claim.[1]\n\n[1] The note.\n")
    assert [(fn.marker.style, fn.label, fn.note.text) for fn in layout.footnotes] == [
        ("bracket", "1", "The note.")]
    assert layout.text == "A claim.¹"


def test_hyphen_kept_where_the_document_writes_the_word_with_one():
    source = ("The treaty of Brest-Litovsk was signed.<sup>1</sup> The delegates left Brest-\n\n"
              "1. A note.\n\nLitovsk at once. They met in a self-\n\n"
              "contained room; self-contained rooms were rare.\n")
    text = parse_layout(source).text
    assert "left Brest-Litovsk at once" in text  # capital after the break: a real hyphen
    assert "a self-contained room" in text  # the document writes "self-contained"


def test_crlf_and_bom_free_offsets():
    source = "Line one\r\ncontinues.<sup>1</sup>\r\n\r\n1. The note.\r\n"
    layout = parse_layout(source)
    assert layout.text == "Line one continues.¹"
    fn = layout.footnotes[0]
    assert source[fn.marker.source_start : fn.marker.source_end] == "<sup>1</sup>"
    assert fn.note.text == "The note."
