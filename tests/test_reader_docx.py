"""The DOCX reader: a tiny .docx built here with zipfile, and every formats/docx document against its key."""

from __future__ import annotations

import io
import zipfile

import pytest

from answer_keys import Score, load_key, score
from conftest import SAMPLES, corpus_path
from toolkit.parsing.footnotes import MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.readers import detect_format, read_bytes
from toolkit.readers.base import ReaderError
from toolkit.readers.docx import read
from toolkit.terms import Format

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def run(text: str, italic: bool = False) -> str:
    rpr = "<w:rPr><w:i/></w:rPr>" if italic else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def ref(kind: str, i: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:{kind}Reference w:id="{i}"/></w:r>'


def note(kind: str, i: int, *runs: str) -> str:
    return (f'<w:{kind} w:id="{i}"><w:p><w:r><w:{kind}Ref/></w:r>{run(" ")}{"".join(runs)}</w:p></w:{kind}>')


def make_docx(body: str, footnotes: str = "", endnotes: str = "", core: str = "", custom: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {NS}><w:body>{body}</w:body></w:document>")
        seps = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                '</w:r></w:p></w:footnote>')
        z.writestr("word/footnotes.xml", f"<w:footnotes {NS}>{seps}{footnotes}</w:footnotes>")
        if endnotes:
            z.writestr("word/endnotes.xml", f"<w:endnotes {NS}>{endnotes}</w:endnotes>")
        z.writestr("word/header1.xml", f'<w:hdr {NS}><w:p>{run("Running head")}</w:p></w:hdr>')
        if core:
            z.writestr("docProps/core.xml", core)
        if custom:
            z.writestr("docProps/custom.xml", custom)
    return buf.getvalue()


def test_tiny_docx() -> None:
    body = (
        f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{run("A Memo")}{ref("footnote", 7)}</w:p>'
        f"<w:p>{run('The consul  wrote.')}{ref('footnote', 3)}{run(' [Page 12] Then')}"
        f"<w:r><w:tab/></w:r>{run('more')}<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>"
        f"<w:ins>{run(' kept')}</w:ins>{ref('endnote', 5)}{ref('footnote', 99)}.</w:p>"
        f"<w:p/>"
    )
    footnotes = (note("footnote", 7, run("On the title.")) + note("footnote", 3, run("See "),
                 run("Papers", italic=True), run(", box 2.")) + note("footnote", 8, run("Orphan note.")))
    endnotes = note("endnote", 5, run("An endnote."))
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Core title</dc:title>'
            '<dc:creator>A. Historian</dc:creator></cp:coreProperties>')
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property name="url"><vt:lpwstr>https://example.org/memo</vt:lpwstr></property></Properties>')
    data = make_docx(body, footnotes, endnotes, core, custom)
    assert detect_format("memo.docx", data) is Format.DOCX
    (doc,) = read_bytes("memo.docx", data)
    assert doc.title == "A Memo" and doc.authors == ["A. Historian"]
    assert doc.meta["url"] == "https://example.org/memo"
    layout = doc.layout
    assert layout.text == "A Memo¹\n\nThe consul wrote.² Then more kept¹³"
    assert "Running head" not in doc.source and "gone" not in doc.source
    assert [p.kind for p in layout.paragraphs] == ["heading", "body"]
    fns = layout.footnotes
    assert [fn.label for fn in fns] == ["1", "2", "1", "3", ""]
    assert [fn.note.text if fn.note else None for fn in fns] == [
        "On the title.", "See Papers, box 2.", "An endnote.", None, "Orphan note."]
    assert fns[3].flags == [MARKER_WITHOUT_NOTE] and fns[4].flags == [NOTE_WITHOUT_MARKER]
    assert fns[4].marker is None
    assert doc.problems and "without a note" in doc.problems[0]
    second = fns[1].note
    assert [second.text[s:e] for s, e in second.emphasis] == ["Papers"]
    assert [(p.label, p.inferred) for p in layout.pages] == [("11", True), ("12", False)]
    assert layout.text[layout.pages[1].start:].startswith("Then")
    assert [fn.marker.page for fn in fns[:4]] == ["11", "11", "12", "12"]
    for n0, n1, s0, s1, verbatim in layout.offsets.segments:
        if verbatim:
            assert layout.text[n0:n1] == doc.source[s0:s1]
    assert {a.locator["part"] for a in doc.anchors} == {"document", "footnotes", "endnotes"}
    for a in doc.anchors:
        assert a.locator["offset"] == 0 and doc.source[a.end:a.end + 1] == "\n"


def test_docx_title_from_core_and_bad_input() -> None:
    core = ('<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<dc:title>Core title</dc:title></cp:coreProperties>')
    (doc,) = read(make_docx(f"<w:p>{run('Body.')}</w:p>", core=core), "x.docx")
    assert doc.title == "Core title" and doc.layout.footnotes == []
    with pytest.raises(ReaderError):
        read(b"PK\x03\x04 not really a zip", "broken.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", "<x/>")
    with pytest.raises(ReaderError):
        read(buf.getvalue(), "odt-like.docx")


@pytest.mark.corpus
def test_docx_answer_keys() -> None:
    folder = corpus_path("formats", "docx")
    total = Score()
    files = sorted(folder.glob("*.docx"))
    assert len(files) == 31
    for path in files:
        (doc,) = read(path.read_bytes(), path.name)
        key = load_key(path.with_suffix(".key.json"))
        total.add(score(doc, key, "exact", path.stem))
        assert [fn.label for fn in doc.layout.footnotes] == [f["label"] for f in key["footnotes"]]
        assert doc.title == key["title"]
    print(f"DOCX: {total.notes}/{total.items} notes, {total.before}/{total.items} markers")
    assert total.items == 139
    assert total.notes / total.items >= 0.99, total.misses[:10]
    assert total.before / total.items >= 0.99, total.misses[:10]


def test_sample_memo() -> None:
    path = SAMPLES / "sample-memo.docx"
    if not path.exists():
        pytest.skip("toolkit/samples/sample-memo.docx is not built")
    (doc,) = read(path.read_bytes(), path.name)
    assert doc.title and len(doc.layout.footnotes) >= 3
    assert all(fn.note is not None and fn.marker is not None for fn in doc.layout.footnotes)
