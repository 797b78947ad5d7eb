"""The plain-text reader on the shapes books take: Gutenberg notes, endnotes one per line,
notes glued to the line above, lettered and four-digit labels, lists in the body, chapters
that restart their numbering, and books longer than spaCy's limit."""

from __future__ import annotations

import re
import time

from toolkit.parsing.document import parse_document
from toolkit.parsing.footnotes import (MARKER_WITHOUT_NOTE, NOTE_IN_OTHER_CHAPTER, NOTE_OUT_OF_ORDER,
                                      NOTE_WITHOUT_MARKER)
from toolkit.parsing.layout import parse_layout
from toolkit.parsing.sentences import load_pipeline
from toolkit.readers.text import read_text


def links(layout):
    """(printed marker, note label, note text, flags) per footnote, in order."""
    return [(fn.marker.printed if fn.marker else None, fn.note.label if fn.note else None,
             fn.note.text if fn.note else None, fn.flags) for fn in layout.footnotes]


def chapter_of(source: str, offset: int) -> int:
    return source.count("CHAPTER ", 0, offset)


# 1. Project Gutenberg

def test_gutenberg_footnote_blocks_after_the_paragraph_and_at_the_chapter_end():
    source = (
        "CHAPTER I.\n\n"
        "The envoy arrived in March.[1] He left in May.[2]\n\n"
        "[Footnote 1: Letter of the envoy, 3 March, in the\n"
        "Foreign Office papers.]\n\n"
        "[Footnote 2: Ibid.]\n\n"
        "The treaty of 1918 followed.[3]\n\n"
        "1. A numbered paragraph of the body, not a note.\n\n"
        "[Footnote 3: See the first paragraph,\n\n"
        "and the second paragraph of the same note [sic].]\n"
    )
    layout = read_text(source).layout
    assert links(layout) == [
        ("1", "1", "Letter of the envoy, 3 March, in the Foreign Office papers.", []),
        ("2", "2", "Ibid.", []),
        ("3", "3", "See the first paragraph, and the second paragraph of the same note [sic].", []),
    ]
    assert layout.text == ("CHAPTER I.\n\nThe envoy arrived in March.¹ He left in May.²\n\n"
                           "The treaty of 1918 followed.³\n\n"
                           "1. A numbered paragraph of the body, not a note.")


def test_gutenberg_notes_gathered_at_the_book_end_or_under_footnotes_per_chapter():
    # numbered through the book, every note at the end: markers wait across chapters
    source = ("CHAPTER I\n\nA.[1] B.[2]\n\nCHAPTER II\n\nC.[3]\n\n"
              "[Footnote 1: One.]\n\n[Footnote 2: Two.]\n\n[Footnote 3: Three.]\n")
    assert links(parse_layout(source)) == [("1", "1", "One.", []), ("2", "2", "Two.", []),
                                           ("3", "3", "Three.", [])]
    # "FOOTNOTES:" closing each chapter, numbers restarting; chapter II's note 2 is lost
    source = ("CHAPTER I.\n\nA.[1] B.[2]\n\nFOOTNOTES:\n\n[1] I-one.\n\n[2] I-two.\n\n"
              "CHAPTER II.\n\nC.[1] D.[2]\n\nFOOTNOTES:\n\n[1] II-one.\n\n"
              "CHAPTER III.\n\nE.[2]\n\nFOOTNOTES:\n\n[2] III-two.\n")
    layout = parse_layout(source)
    assert [(source[fn.marker.source_start - 2 : fn.marker.source_start], fn.note and fn.note.text, fn.flags)
            for fn in layout.footnotes] == [
        ("A.", "I-one.", []), ("B.", "I-two.", []), ("C.", "II-one.", []),
        ("D.", None, [MARKER_WITHOUT_NOTE]), ("E.", "III-two.", [])]
    assert "FOOTNOTES:" in layout.text and "I-one" not in layout.text


def test_gutenberg_lettered_footnotes_and_bracket_notes():
    layout = parse_layout("A claim.[A] Another.[B]\n\n[Footnote A: First.]\n\n[Footnote B: Second.]\n")
    assert links(layout) == [("A", "A", "First.", []), ("B", "B", "Second.", [])]
    assert layout.text == "A claim.A Another.B"
    layout = parse_layout("A claim.[1] Another.[2]\n\n[1] First.\n\n[2] Second,\non two lines.\n")
    assert links(layout) == [("1", "1", "First.", []), ("2", "2", "Second, on two lines.", [])]
    # no lettered notes: "[A]" is text
    assert parse_layout("Plan [A] and plan [B].").footnotes == []


# 2. Endnotes one per line

def test_endnotes_one_per_line_in_a_notes_section():
    source = (
        "The envoy arrived.<sup>1</sup> He left.<sup>2</sup> He came back.<sup>3</sup>\n\n"
        "Notes\n\n"
        "1. Letter of 3 March.\n"
        "2. Smith, Letters\n"
        "3. Ibid., p. 4, a note that wraps\n"
        "onto a second line.\n"
    )
    layout = parse_layout(source)
    assert links(layout) == [
        ("1", "1", "Letter of 3 March.", []),
        ("2", "2", "Smith, Letters", []),
        ("3", "3", "Ibid., p. 4, a note that wraps onto a second line.", []),
    ]
    assert layout.text == "The envoy arrived.¹ He left.² He came back.³\n\nNotes"
    # the heading glued to the notes, too
    layout = parse_layout("He left.[1] He came back.[2]\n\nNotes\n[1] Letter.\n[2] Diary.\n")
    assert links(layout) == [("1", "1", "Letter.", []), ("2", "2", "Diary.", [])]


# 3. A note glued to the line above

def test_a_note_glued_to_the_body_line_above_is_found():
    source = (
        "CHAPTER I\n\n"
        "He went to Moscow.<sup>1</sup> He met Trotsky.<sup>2</sup>\n"
        "1. Letter of 3 March.\n\n"
        "2. Letter of 4 March.\n\n"
        "CHAPTER II\n\n"
        "He came back.<sup>1</sup>\n\n"
        "1. Diary, 5 May.\n"
    )
    layout = parse_layout(source)
    assert links(layout) == [
        ("1", "1", "Letter of 3 March.", []),
        ("2", "2", "Letter of 4 March.", []),
        ("1", "1", "Diary, 5 May.", []),
    ]
    assert "Letter" not in layout.text
    # a line starting with a number inside a sentence stays in the body
    layout = parse_layout("He went there in\n1918. The visit failed.<sup>1</sup>\n\n1. A note.\n")
    assert layout.text == "He went there in 1918. The visit failed.¹"
    # and so does a list announced by a colon, though a marker 1 waits above it
    layout = parse_layout("He went.<sup>1</sup> His conditions:\n1. Withdrawal.\n2. Recognition.\n\n"
                          "1. Real note.\n")
    assert links(layout) == [("1", "1", "Real note.", [])]
    assert layout.text == "He went.¹ His conditions: 1. Withdrawal. 2. Recognition."


def test_a_marker_never_reaches_across_a_chapter_for_its_note():
    # Chapter I has notes of its own; its note 3 is lost, so marker 3 has no note:
    # chapter II's note 3 belongs to chapter II's marker 3.
    source = (
        "CHAPTER I\n\nOne.<sup>1</sup> Two.<sup>2</sup> Three.<sup>3</sup>\n\n"
        "1. First.\n\n2. Second.\n\n"
        "CHAPTER II\n\n" + "Long prose. " * 2000 + "\n\nOne.<sup>1</sup> Three.<sup>3</sup>\n\n"
        "1. II first.\n\n3. II third.\n"
    )
    layout = parse_layout(source)
    got = [(chapter_of(source, fn.marker.source_start) if fn.marker else None,
            chapter_of(source, fn.note.source_start) if fn.note else None, fn.label, fn.flags)
           for fn in layout.footnotes]
    assert got == [(1, 1, "1", []), (1, 1, "2", []), (1, None, "3", [MARKER_WITHOUT_NOTE]),
                   (2, 2, "1", []), (2, 2, "3", [])]


def test_a_chapter_that_lost_its_notes_lends_no_marker_to_the_next():
    source = ("CHAPTER I\n\nOne.<sup>1</sup> Two.<sup>2</sup>\n\n"
              "CHAPTER II\n\nOne.<sup>1</sup>\n\n1. II first.\n\nThree.<sup>3</sup>\n\n"
              "CHAPTER III\n\nFour.<sup>2</sup>\n\n2. III second.\n\nFive.<sup>4</sup>\n\n4. III fourth.\n")
    layout = parse_layout(source)
    got = [(chapter_of(source, fn.marker.source_start) if fn.marker else None,
            chapter_of(source, fn.note.source_start) if fn.note else None, fn.label, fn.flags)
           for fn in layout.footnotes]
    assert got == [(1, None, "1", [MARKER_WITHOUT_NOTE]), (1, None, "2", [MARKER_WITHOUT_NOTE]),
                   (2, 2, "1", []), (2, None, "3", [MARKER_WITHOUT_NOTE]), (3, 3, "2", []),
                   (3, 3, "4", [])]
    # no marker of its own chapter carries the label: linked across, and flagged
    source = "CHAPTER I\n\nOne.<sup>1</sup>\n\nCHAPTER II\n\n1. A note.\n\nMore.<sup>2</sup>\n\n2. Two.\n"
    assert [(fn.label, fn.flags) for fn in parse_layout(source).footnotes] == [
        ("1", [NOTE_IN_OTHER_CHAPTER]), ("2", [])]


def test_a_note_reaching_back_past_later_notes_is_flagged():
    # No chapter headings: marker 3 of the first part is overtaken, so the second
    # part's note 3 goes to its own marker 3; the first stays without a note.
    source = ("One.<sup>1</sup> Three.<sup>3</sup>\n\n1. First.\n\n"
              "Again.<sup>1</sup> Three again.<sup>3</sup>\n\n1. Second first.\n\n3. Second third.\n")
    got = [(source[:fn.marker.source_start].split()[-1], fn.note and fn.note.text, fn.flags)
           for fn in parse_layout(source).footnotes]
    assert got == [("One.", "First.", []), ("Three.", None, [MARKER_WITHOUT_NOTE]),
                   ("Again.", "Second first.", []), ("again.", "Second third.", [])]
    # the only marker with the label was overtaken: linked, and flagged
    source = "One.<sup>1</sup> Two.<sup>2</sup>\n\n2. Second.\n\n1. First, printed late.\n"
    assert [(fn.label, fn.flags) for fn in parse_layout(source).footnotes] == [
        ("1", [NOTE_OUT_OF_ORDER]), ("2", [])]


# 4. Lettered and four-digit labels

def test_lettered_and_four_digit_labels():
    source = ("Text.<sup>98</sup> Added later.<sup>98a</sup> Far on.<sup>1234</sup>\n\n"
              "98. Note 98.\n\n98a. Note added after numbering.\n\n1234. Note 1234.\n")
    layout = parse_layout(source)
    assert links(layout) == [("98", "98", "Note 98.", []),
                             ("98a", "98a", "Note added after numbering.", []),
                             ("1234", "1234", "Note 1234.", [])]
    assert layout.text == "Text.⁹⁸ Added later.98a Far on.¹²³⁴"
    layout = parse_layout("A claim.[12] Added.[12a]\n\n[12] Twelve.\n\n[12a] Twelve a.\n")
    assert links(layout) == [("12", "12", "Twelve.", []), ("12a", "12a", "Twelve a.", [])]
    # a lettered note whose marker is lost still continues the numbering of its neighbour
    layout = parse_layout("A claim.<sup>51</sup> More.<sup>52</sup>\n\n51. Fifty-one.\n\n"
                          "51a. Added, marker lost.\n\n52. Fifty-two.\n")
    assert links(layout) == [("51", "51", "Fifty-one.", []), ("52", "52", "Fifty-two.", []),
                             (None, "51a", "Added, marker lost.", [NOTE_WITHOUT_MARKER])]
    # endnotes one per line, 98 then 98a then 99, the lines not ending a sentence
    layout = parse_layout("A.[98] B.[98a] C.[99]\n\nNotes\n\n98. Smith\n98a. Jones\n99. Brown\n")
    assert [(fn.label, fn.note.text) for fn in layout.footnotes] == [
        ("98", "Smith"), ("98a", "Jones"), ("99", "Brown")]
    # a year in brackets is no marker unless a note carries it as its label
    layout = parse_layout("Published [1914] in London.[1]\n\n[1] A note.\n")
    assert layout.text == "Published [1914] in London.¹" and links(layout) == [("1", "1", "A note.", [])]
    # a telegram number is still a numbered paragraph
    layout = parse_layout("2057. Judson's visit.<sup>1</sup>\n\n1. A note.\n")
    assert layout.text == "2057. Judson's visit.¹" and len(layout.footnotes) == 1


# 5. A numbered list in the body

def test_a_numbered_list_in_the_body_is_not_taken_for_notes():
    source = ("He set three conditions.<sup>1</sup> They were:\n\n"
              "1. Withdrawal of troops.\n\n2. Recognition.\n\n3. Trade.\n\n"
              "1. Letter of 3 March.\n")
    layout = parse_layout(source)
    assert links(layout) == [("1", "1", "Letter of 3 March.", [])]
    assert "1. Withdrawal of troops.\n\n2. Recognition.\n\n3. Trade." in layout.text


def test_a_numbered_list_before_the_notes_section_is_not_taken_for_notes():
    source = ("He went.<sup>1</sup> He saw.<sup>2</sup> The terms:\n\n"
              "1. Withdrawal.\n\n2. Recognition.\n\n"
              "Notes\n\n1. Letter of 3 March.\n\n2. Diary.\n")
    layout = parse_layout(source)
    assert links(layout) == [("1", "1", "Letter of 3 March.", []), ("2", "2", "Diary.", [])]
    assert "1. Withdrawal.\n\n2. Recognition." in layout.text
    # a numbered bibliography under "References" takes no marker from the notes
    layout = parse_layout("A.<sup>1</sup> B.<sup>2</sup>\n\n1. Note one.\n\n2. Note two.\n\n"
                          "References\n\n1. Smith, Book.\n\n2. Jones, Book.\n")
    assert links(layout) == [("1", "1", "Note one.", []), ("2", "2", "Note two.", []),
                             (None, "1", "Smith, Book.", [NOTE_WITHOUT_MARKER]),
                             (None, "2", "Jones, Book.", [NOTE_WITHOUT_MARKER])]
    # a list and no notes at all: body text
    layout = parse_layout("The terms:\n\n1. Withdrawal.\n\n2. Recognition.\n")
    assert layout.footnotes == [] and layout.text.endswith("2. Recognition.")


# 6. Chapters that restart their numbering; books past spaCy's limit

def test_chapters_restart_numbering_with_notes_per_chapter():
    source = (
        "# Chapter 1\n\nA.<sup>1</sup> B.<sup>2</sup>\n\nNotes\n\n1. One-one.\n2. One-two.\n\n"
        "# Chapter 2\n\nC.<sup>1</sup> D.<sup>2</sup>\n\nNotes\n\n1. Two-one.\n2. Two-two.\n"
    )
    layout = parse_layout(source)
    assert [(fn.label, fn.note.text, fn.flags) for fn in layout.footnotes] == [
        ("1", "One-one.", []), ("2", "One-two.", []), ("1", "Two-one.", []), ("2", "Two-two.", [])]
    assert [source[fn.marker.source_start - 2 : fn.marker.source_start] for fn in layout.footnotes] == [
        "A.", "B.", "C.", "D."]


def test_notes_gathered_at_the_book_end_by_chapter():
    source = (
        "CHAPTER I\nTHE ENVOY\n\nA.[1] B.[2]\n\nCHAPTER II\n\nC.[1]\n\n"
        "NOTES\n\nCHAPTER I\n\n[1] One-one.\n\n[2] One-two.\n\nCHAPTER II\n\n[1] Two-one.\n"
    )
    layout = parse_layout(source)
    assert [(source[fn.marker.source_start - 2 : fn.marker.source_start], fn.note.text, fn.flags)
            for fn in layout.footnotes] == [("A.", "One-one.", []), ("B.", "One-two.", []),
                                            ("C.", "Two-one.", [])]


PROSE = (
    "The delegation reached the frontier on the third day, and the officers who met it were "
    "courteous but guarded. Nobody on either side of the line could say with confidence what the "
    "government in the capital intended, for the telegrams of the previous week contradicted one "
    "another. The ambassador, who had waited for instructions since the spring, resolved to act "
    "on his own judgement. He wrote to his colleagues that evening, and his letter survives in the "
    "archive of the ministry. "
)


def wrap(text: str) -> str:
    """Lines of at most 70 characters, as Project Gutenberg prints them."""
    return re.sub(r"(.{1,70})(?: +|$)", "\\1\n", text).rstrip("\n")


def make_book(chapters: int = 40, paragraphs: int = 48) -> tuple[str, int]:
    """A Gutenberg-style book, lines wrapped: chapters restarting their note numbers at 1,
    notes after the paragraph carrying the marker. Returns the text and the number of notes."""
    parts = ["THE DELEGATION\n\nA History\n\n"]
    total = 0
    for c in range(1, chapters + 1):
        parts.append(f"CHAPTER {c}.\n\n")
        for p in range(1, paragraphs + 1):
            parts.append(wrap(f"{PROSE}The chapter is {c}.[{p}] {PROSE}") + "\n\n"
                         + wrap(f"[Footnote {p}: Ministry archive, file {c}/{p}, letter of 3 March"
                                f" {c + 1800}, from the ambassador to the minister.]") + "\n\n")
            total += 1
    return "".join(parts), total


def test_a_two_megabyte_book(archives):
    source, total = make_book()
    assert len(source) > 2_000_000 > load_pipeline().max_length
    t0 = time.perf_counter()
    doc = parse_document(source, archives)
    elapsed = time.perf_counter() - t0
    layout = doc.layout
    assert len(layout.footnotes) == total
    for fn in layout.footnotes:
        assert fn.flags == [] and fn.marker is not None and fn.note is not None
        c = chapter_of(source, fn.marker.source_start)
        assert chapter_of(source, fn.note.source_start) == c
        assert fn.note.text == (f"Ministry archive, file {c}/{fn.label}, letter of 3 March {c + 1800},"
                                " from the ambassador to the minister.")
    # sentences across the whole book, past the first million characters
    assert len(doc.sentences) == total * 9 + 40 + 2  # 9 a paragraph, the chapter headings, the title
    assert len(layout.text) > 1_000_000 and doc.sentences[-1][1] == len(layout.text)
    assert layout.text[doc.sentences[-1][0]:doc.sentences[-1][1]] == PROSE.split(". ")[-2].strip() + "."
    assert elapsed < 5, elapsed  # about 1.5 s on the 2-core dev machine
