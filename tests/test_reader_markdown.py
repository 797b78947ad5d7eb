"""The Pandoc Markdown reader: answer keys of formats/md and formats/md-real, and the note syntax."""

from __future__ import annotations

import pytest

from answer_keys import Score, check_verbatim_runs, load_key, note_texts, reading_before, score
from conftest import corpus_path
from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.readers import detect_format, read_bytes
from toolkit.readers.markdown import read
from toolkit.terms import Format


def one(text: str):
    docs = read(text.encode("utf-8"), "t.md")
    assert len(docs) == 1
    return docs[0]


def check_offsets(doc) -> None:
    """Every copied run of layout.text is the file's text at the mapped place; markers map to `[^..]`."""
    check_verbatim_runs(doc)
    for fn in doc.layout.footnotes:
        if fn.marker is not None:
            assert doc.source[fn.marker.source_start:fn.marker.source_end][:2] in ("[^", "^[")


@pytest.mark.corpus
@pytest.mark.parametrize("folder", ["md", "md-real"])
def test_answer_keys(folder):
    path = corpus_path("formats", folder)
    total = Score()
    labels = 0
    keys = sorted(path.glob("*.key.json"))
    assert keys
    for key_path in keys:
        doc_path = key_path.with_name(key_path.name[: -len(".key.json")] + ".md")
        data = doc_path.read_bytes()
        assert detect_format(doc_path.name, data) is Format.MARKDOWN
        doc = read_bytes(doc_path.name, data)[0]
        key = load_key(key_path)
        total.add(score(doc, key, "exact", doc_path.name))
        labels += sum(1 for fn, want in zip(doc.layout.footnotes, key["footnotes"]) if fn.label == want["label"])
        assert not doc.problems, doc.problems
        check_offsets(doc)
        if key.get("title"):
            assert doc.title == key["title"]
    assert total.rate() >= 0.99, "\n".join(total.misses[:20])
    assert labels >= 0.99 * total.items


def test_multi_paragraph_note_with_lazy_and_indented_lines():
    doc = one(
        "Text with a note.[^long] More text.\n\n"
        "[^long]: First paragraph of the note\n"
        "lazy continuation with *Title of a Book* in it.\n\n"
        "    Second paragraph, indented, with a [link](https://example.org).\n\n"
        "After the note.\n"
    )
    assert note_texts(doc) == ["First paragraph of the note lazy continuation with Title of a Book in it. "
                          "Second paragraph, indented, with a link."]
    note = doc.layout.footnotes[0].note
    assert [note.text[a:b] for a, b in note.emphasis] == ["Title of a Book"]
    assert doc.layout.text == "Text with a note.¹ More text.\n\nAfter the note."
    assert doc.layout.footnotes[0].label == "long"
    check_offsets(doc)


def test_inline_note():
    doc = one("Claim.^[See _The Book_, p. 4.] Next.[^a]\n\n[^a]: Second.\n")
    assert note_texts(doc) == ["See The Book, p. 4.", "Second."]
    assert doc.layout.text == "Claim.¹ Next.²"
    note = doc.layout.footnotes[0].note
    assert [note.text[a:b] for a, b in note.emphasis] == ["The Book"]
    check_offsets(doc)


def test_note_referenced_twice():
    doc = one("First.[^2] Second.[^2]\n\n[^2]: Same note.\n")
    fns = doc.layout.footnotes
    assert [fn.label for fn in fns] == ["2", "2"]
    assert note_texts(doc) == ["Same note.", "Same note."]
    assert doc.layout.text == "First.¹ Second.²"
    assert not doc.problems


def test_code_blocks_and_inline_code_hold_no_notes():
    doc = one(
        "Real.[^1] And `x^[not a note]` and `[^1]`.\n\n"
        "```python\nnames = ['Madison'][^1]\n[^1]: not a definition\n```\n\n"
        "    A sentence that needs a note.[^1]\n\n    [^1]: my first footnote!\n\n"
        "[^1]: The real note.\n"
    )
    assert note_texts(doc) == ["The real note."]
    assert "names = ['Madison'][^1]" in doc.layout.text  # code is text
    assert "A sentence that needs a note.[^1]" in doc.layout.text
    assert "x^[not a note]" in doc.layout.text
    assert "The real note" not in doc.layout.text
    check_offsets(doc)


def test_front_matter_title_with_reference():
    doc = one("---\ntitle: 'The Consul''s Report[^3]'\nauthor: 'A. Writer'\nurl: 'https://x'\ndate: 1918-07-06\n---\n\n"
              "Body.[^1]\n\n[^3]: On the title.\n\n[^1]: On the body.\n")
    assert doc.title == "The Consul's Report"
    assert doc.authors == ["A. Writer"]
    assert doc.date == "1918-07-06"
    assert doc.layout.text.startswith("The Consul's Report¹\n\nA. Writer\n\nBody.²")
    assert reading_before(doc, 0) == "The Consul's Report"
    assert note_texts(doc) == ["On the title.", "On the body."]
    assert "url" not in doc.layout.text and "https" not in doc.layout.text
    check_offsets(doc)


def test_escapes_markup_and_page_tokens():
    doc = one("# Heading\n\n521\\. Containing \\$5,000 \\(a) **bold** and [a link](http://x) in western "
              "\\[Page 81\\] Siberia.[^1]\n\n> Quoted text.[^2]\n\n- item one\n- item two [^3]\n\n"
              "{% include toc.html %}\n\n<div class=\"x\">\n\n[^1]: One.\n[^2]: Two.\n[^3]: Three.\n")
    text = doc.layout.text
    assert text.startswith("Heading\n\n521. Containing $5,000 (a) bold and a link in western Siberia.¹")
    assert "Quoted text.²" in text and "item one\n\nitem two ³" in text
    assert "{%" not in text and "<div" not in text and "[Page" not in text
    # the text before the first page break is on the page before it, as the text reader says
    assert [(p.label, text[p.start:p.start + 7], p.inferred) for p in doc.layout.pages] == [
        ("80", "Heading", True), ("81", "Siberia", False)]
    assert note_texts(doc) == ["One.", "Two.", "Three."]
    check_offsets(doc)


def test_unlinked_references_and_definitions_are_flagged():
    doc = one("Text.[^a] More.\n\n[^b]: Never used.\n")
    flags = [fn.flags for fn in doc.layout.footnotes]
    assert flags == [[MARKER_WITHOUT_NOTE], [NOTE_WITHOUT_MARKER]]
    assert any("[^a]" in p and "line 1" in p for p in doc.problems)
    assert any("[^b]" in p and "line 3" in p for p in doc.problems)


def test_pandoc_document_is_no_longer_zero_footnotes(archives):
    """The issue: a Pandoc file was stored with 0 footnotes, its definitions and YAML in the body."""
    from toolkit.parsing.document import analyze

    data = ("---\ntitle: 'A Report[^t]'\nurl: 'https://history.state.gov/x'\n---\n\n"
            "File No. 861.00/2484\n\n[^t]: Sent via Petrograd.\n\n"
            "The Union appeals to America.[^1] See my No. 683.[^1-2]\n\n"
            "[^1]: Not received at Department.\n[^1-2]: Charles R. Crane.\n").encode()
    assert detect_format("report.md", data) is Format.MARKDOWN
    doc = read_bytes("report.md", data)[0]
    parsed = analyze(doc, archives)
    assert len(parsed.layout.footnotes) == 3
    assert all(fn.marker is not None and fn.note is not None and not fn.flags for fn in parsed.layout.footnotes)
    assert [fn.label for fn in parsed.layout.footnotes] == ["t", "1", "1-2"]
    text = parsed.layout.text
    for debris in ("[^", "]:", "---", "title:", "url:", "Not received", "history.state.gov"):
        assert debris not in text
    assert text.startswith("A Report¹\n\nFile No. 861.00/2484")


@pytest.mark.parametrize("text", ["", "---\n", "---\ntitle: x\n", "[^", "^[", "```\n[^1]", "[^1]:", "*_`<",
                                  "---\ntitle: |\n---\n", "> [^x]: y\n", "\\", "[a](", "<!--", "{%"])
def test_odd_input_never_crashes(text):
    doc = one(text)
    check_offsets(doc)


def test_crlf_lines():
    doc = one("---\r\ntitle: T\r\n---\r\n\r\nA line\r\nand more.[^1]\r\n\r\n[^1]: Note\r\nmore.\r\n")
    assert doc.layout.text == "T\n\nA line and more.¹"
    assert note_texts(doc) == ["Note more."]


def test_heading_attributes_and_hard_breaks():
    doc = one("## Sources {#sources .unnumbered}\n\nA line\\\nbroken.[^1]\n\n[^1]: N.\n")
    assert doc.layout.text == "Sources\n\nA line broken.¹"
    assert doc.layout.paragraphs[0].kind == "heading"
