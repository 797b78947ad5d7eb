"""The HTML reader: answer keys of formats/html, and pages that are not pandoc's."""

from __future__ import annotations

import pytest

from answer_keys import Score, check_verbatim_runs, load_key, note_texts, reading_before, score
from conftest import corpus_path
from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.readers import detect_format, read_bytes
from toolkit.readers.html import read
from toolkit.terms import Format


def one(page: str):
    docs = read(page.encode("utf-8"), "t.html")
    assert len(docs) == 1
    return docs[0]


def check_offsets(doc) -> None:
    check_verbatim_runs(doc)
    for anchor in doc.anchors:
        assert anchor.locator["xpath"].startswith("/") and anchor.locator["offset"] >= 0
        assert 0 <= anchor.start < anchor.end <= len(doc.source)


@pytest.mark.corpus
def test_answer_keys():
    path = corpus_path("formats", "html")
    total = Score()
    labels = 0
    keys = sorted(path.glob("*.key.json"))
    assert keys
    for key_path in keys:
        doc_path = key_path.with_name(key_path.name[: -len(".key.json")] + ".html")
        data = doc_path.read_bytes()
        assert detect_format(doc_path.name, data) is Format.HTML
        doc = read_bytes(doc_path.name, data)[0]
        key = load_key(key_path)
        total.add(score(doc, key, "exact", doc_path.name))
        labels += sum(1 for fn, want in zip(doc.layout.footnotes, key["footnotes"]) if fn.label == want["label"])
        assert not doc.problems, doc.problems
        assert "↩" not in "".join(note_texts(doc))
        check_offsets(doc)
        if key.get("title"):
            assert doc.title == key["title"]
    assert total.rate() >= 0.99, "\n".join(total.misses[:20])
    assert labels >= 0.99 * total.items


PAGE = """<!DOCTYPE html>
<html><head><title>A Report</title><style>p { color: red }</style>
<script>var x = "<p>not text[1]</p>";</script></head>
<body>
<header><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<h1 class="title">A Report<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a></h1>
<p class="author">A. Writer</p><p class="date">1918</p></header>
<nav class="toc"><ul><li>Contents</li></ul></nav>
<p>Grain stores in western [Page
131] Siberia &amp; elsewhere.<sup><a href="#note2">2</a></sup> A missing one.<sup><a href="#gone">3</a></sup></p>
<table><tr><td>June</td><td>29</td></tr></table>
<script>document.write("nope")</script>
<aside><ol><li id="note2"><p>See <em>The Book</em>, p. 4. <a href="#r2">↩︎</a></p></li>
<li id="note9"><p>Never cited.</p></li></ol></aside>
<section class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr />
<ol><li id="fn1"><p>On the title.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol>
</section>
</body></html>
"""


def test_small_page_with_nav_script_style():
    doc = one(PAGE)
    text = doc.layout.text
    assert text == ("A Report¹\n\nA. Writer\n\nGrain stores in western Siberia & elsewhere.² A missing one.³"
                    "\n\nJune 29")
    for debris in ("Home", "About", "Contents", "color", "var x", "nope", "1918", "On the title", "Never"):
        assert debris not in text
    assert doc.title == "A Report" and doc.authors == ["A. Writer"] and doc.date == "1918"
    fns = doc.layout.footnotes
    assert [fn.label for fn in fns] == ["1", "2", "3", "note9"]
    assert note_texts(doc) == ["On the title.", "See The Book, p. 4.", None, "Never cited."]
    assert fns[2].flags == [MARKER_WITHOUT_NOTE] and fns[3].flags == [NOTE_WITHOUT_MARKER]
    assert any("#gone" in p and "line" in p for p in doc.problems)
    assert any("#note9" in p for p in doc.problems)
    note = fns[1].note
    assert [note.text[a:b] for a, b in note.emphasis] == ["The Book"]
    assert reading_before(doc, 0) == "A Report"
    assert [(p.label, text[p.start:p.start + 7]) for p in doc.layout.pages if not p.inferred] == [
        ("131", "Siberia")]
    assert doc.source == PAGE
    check_offsets(doc)
    xpaths = {a.locator["xpath"] for a in doc.anchors}
    assert "/html/body/p" in xpaths and "/html/body/aside/ol/li[1]/p/em" in xpaths and "/html/body/header/h1" in xpaths


@pytest.mark.parametrize("page", ["", "<", "<p>", "</p></div>", "<a href='#'>1</a>", "<sup><a href='#x'>1</a>",
                                  "<html><body><p>&bogus; &#xZZ; &#99999999;</p>", "<!-- open",
                                  "<table><td>a<td>b</table><li id=x>y", "<script>"])
def test_odd_pages_never_crash(page):
    doc = one(page)
    check_offsets(doc)


def test_word_html_and_bare_links():
    """Word's "Save as web page": no <sup>, targets named _ftn1, the note starts with its back link."""
    page = ("<html><body><div class=WordSection1><p class=MsoNormal>A claim.<a style='mso-footnote-id:ftn1' "
            "href=\"#_ftn1\" name=\"_ftnref1\"><span class=MsoFootnoteReference><![if !supportFootnotes]>[1]"
            "<![endif]></span></a> More text.</p></div>\n<div style='mso-element:footnote-list'>"
            "<div style='mso-element:footnote' id=ftn1><p class=MsoFootnoteText><a href=\"#_ftnref1\" "
            "name=\"_ftn1\">[1]</a> Kennan, <i>Russia Leaves the War</i>, 12.</p></div></div></body></html>")
    doc = one(page)
    assert doc.layout.text == "A claim.¹ More text."
    assert note_texts(doc) == ["Kennan, Russia Leaves the War, 12."]
    note = doc.layout.footnotes[0].note
    assert [note.text[a:b] for a, b in note.emphasis] == ["Russia Leaves the War"]
    assert not doc.problems
    check_offsets(doc)


def test_cross_reference_to_a_heading_is_not_a_note():
    page = ('<html><body><h2 id="History">History</h2><p>Fact.<sup id="cite_ref-1" class="reference">'
            '<a href="#cite_note-1">[1]</a></sup> See section<sup><a href="#History">2</a></sup>.</p>'
            '<ol class="references"><li id="cite_note-1"><span class="mw-cite-backlink"><b>'
            '<a href="#cite_ref-1">^</a></b></span> <span class="reference-text">Smith, <i>Book</i>.</span>'
            '</li></ol></body></html>')
    doc = one(page)
    assert doc.layout.text == "History\n\nFact.¹ See section2."
    assert note_texts(doc) == ["Smith, Book."]
    assert doc.layout.paragraphs[0].kind == "heading"
