"""The PDF reader: the bundled sample (no corpus needed) and the answer keys of formats/pdf, ocr-pdf."""

from __future__ import annotations

import pytest

from answer_keys import Score, check_verbatim_runs, load_key, score
from conftest import SAMPLES, corpus_path
from toolkit.parsing.footnotes import MARKER_REPAIRED, NOTE_WITHOUT_MARKER
from toolkit.readers import detect_format, read_bytes
from toolkit.readers.base import ReaderError
from toolkit.readers.pdf import read
from toolkit.terms import Format


@pytest.fixture(scope="module")
def sample():
    data = (SAMPLES / "sample-report.pdf").read_bytes()
    assert detect_format("sample-report.pdf", data) is Format.PDF
    (doc,) = read_bytes("sample-report.pdf", data)
    return doc


def test_sample_title_author_and_reading_text(sample):
    assert sample.format == Format.PDF
    assert sample.title == "Couriers and Cyphers: A Sample Report"
    assert sample.authors == ["Ada Example"]
    text = sample.layout.text
    assert text.startswith("Couriers and Cyphers: A Sample Report\n\nAda Example\n\n")
    assert "sealed bags to Petrograd.¹ Officials" in text
    assert sample.problems == []


def test_sample_markers_link_to_notes_across_the_page_turn(sample):
    fns = sample.layout.footnotes
    assert [f.label for f in fns] == ["1", "2", "3", "4"]
    assert all(f.flags == [] and f.marker is not None for f in fns)
    assert fns[0].note.text == "PRO F.O. 371/3300/1001."
    four = fns[3].note
    assert four.text == "Cabinet Papers, PRO CAB 23/5/311; compare The Courier Question, p. 4."
    assert [four.text[a:b] for a, b in four.emphasis] == ["The Courier Question"]
    # Note 3 starts at the foot of page 1 and ends below the rule of page 2.
    assert fns[2].note.text.endswith(
        "will henceforth be cited as PRO F.O. 371 followed by the volume and document numbers.")
    assert [f.marker.page for f in fns] == ["1", "1", "1", "2"]
    for f in fns:
        m = f.marker
        assert sample.layout.text[m.start:m.end] == "¹²³⁴"[int(f.label) - 1]
        assert sample.source[m.source_start:m.source_end] == f.label
        note = f.note
        assert sample.source[note.source_start:note.source_end].startswith(f.label)
        s0, s1 = note.offsets.source_span(0, 3)
        assert sample.source[s0:s1] == note.text[:3]


def test_sample_running_head_page_numbers_and_hyphens(sample):
    text = sample.layout.text
    assert text.count("Couriers and Cyphers") == 1  # the running head of page 2 is gone
    assert "\n1\n" not in text and not text.rstrip().endswith("2")
    assert "propaganda rather" in text  # "propa-" / "ganda": the line-end hyphen dropped
    assert "Brest-Litovsk broke" in text  # "Brest-" / "Litovsk": a real hyphen kept
    assert [p.label for p in sample.layout.pages] == ["1", "2"]
    assert text[sample.layout.pages[1].start:].startswith("The Cabinet agreed")
    assert any(r.kind == "dehyphenated" for r in sample.layout.repairs)


def test_sample_anchors_give_page_and_box(sample):
    m = sample.layout.footnotes[3].marker
    anchor = next(a for a in sample.anchors if a.start <= m.source_start < a.end)
    assert anchor.locator["page"] == 2
    x0, y0, x1, y1 = anchor.locator["bbox"]
    assert 70 < x0 < x1 < 612 and 0 < y0 < y1 < 792
    start = sample.layout.offsets.source_start(sample.layout.text.index("The Cabinet"))
    assert sample.source[start:start + 11] == "The Cabinet"


def test_pdf_without_text_layer_and_broken_pdf():
    pdfium = pytest.importorskip("pypdfium2")
    blank = pdfium.PdfDocument.new()
    blank.new_page(612, 792)
    import io

    buf = io.BytesIO()
    blank.save(buf)
    with pytest.raises(ReaderError, match="has no text layer") as exc:
        read(buf.getvalue())
    assert "ocrmypdf" in exc.value.fix
    with pytest.raises(ReaderError, match="not a readable PDF"):
        read(b"%PDF-1.4\nnot really a pdf")


def _turned_text_pdf() -> bytes:
    """A page with a straight line and a line turned by 0.5 radians (Times-Roman, via PDFium)."""
    import ctypes
    import io
    import math

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument.new()
    page = doc.new_page(612, 792)
    c, s = math.cos(0.5), math.sin(0.5)
    for text, matrix in (("A straight line of text", (1, 0, 0, 1, 72, 700)),
                         ("Turned text here", (c, s, -s, c, 100, 400))):
        obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Times-Roman", 12)
        wide = (text + "\0").encode("utf-16-le")
        raw.FPDFText_SetText(obj, ctypes.cast(ctypes.c_char_p(wide), ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, *matrix)
        raw.FPDFPage_InsertObject(page.raw, obj)
    raw.FPDFPage_GenerateContent(page.raw)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_lines_read_by_text_object_equal_lines_read_by_character():
    """The reader asks PDFium about a text object's run of characters at once; asked about
    each character (a PDFium without FPDFText_GetTextObject) it must find the very same lines."""
    pdfium = pytest.importorskip("pypdfium2")
    import pypdfium2.raw as raw

    from toolkit.readers.pdf.lines import _lines, _object_keys

    class PerCharacter:  # PDFium as an older pypdfium2 gives it
        def __getattr__(self, name):
            if name == "FPDFText_GetTextObject":
                raise AttributeError(name)
            return getattr(raw, name)

    fields = ("text", "raised", "italic", "bbox", "baseline", "size")
    seen: list = []
    for data in ((SAMPLES / "sample-report.pdf").read_bytes(), _turned_text_pdf()):
        pdf = pdfium.PdfDocument(data)
        for k in range(len(pdf)):
            textpage = pdf[k].get_textpage()
            count = textpage.count_chars()
            keys = _object_keys(raw, textpage.raw, count)
            assert len(set(keys)) < count / 4  # runs of many characters: the fast path is taken
            fast, slow = _lines(raw, textpage, k + 1), _lines(PerCharacter(), textpage, k + 1)
            assert [[getattr(ln, f) for f in fields] for ln in fast] == \
                [[getattr(ln, f) for f in fields] for ln in slow]
            seen += fast
    assert any(True in ln.raised for ln in seen) and any(True in ln.italic for ln in seen)
    turned = _lines(raw, pdfium.PdfDocument(_turned_text_pdf())[0].get_textpage(), 1)
    assert [ln.text for ln in turned] == ["A straight line of text", "Turned text here"]
    assert turned[1].bbox[3] - turned[1].bbox[1] > 40  # the turned line climbs: its box is tall


def _score_folder(folder: str, mode: str) -> Score:
    total = Score()
    paths = sorted(corpus_path("formats", folder).glob("*.pdf"))
    assert paths
    for path in paths:
        (doc,) = read(path.read_bytes(), path.name)
        total.add(score(doc, load_key(path.with_suffix(".key.json")), mode, path.stem))
    print(f"\n{folder}: {total.items} footnotes, notes {total.notes}, marker place {total.before}, "
          f"page {total.pages}, rate {total.rate():.3f}")
    return total


@pytest.mark.corpus
def test_answer_keys_pdf():
    total = _score_folder("pdf", "pdf")
    assert total.rate() >= 0.99, total.misses[:10]


@pytest.mark.corpus
def test_answer_keys_ocr_pdf():
    # Markers tesseract dropped (4 in the Debo article) or glued to a quote are found from
    # the page image and the words' boxes (readers/pdf/ocr.py).
    total = _score_folder("ocr-pdf", "ocr")
    assert total.rate() >= 0.99, total.misses[:10]
    assert total.notes / total.items >= 0.99


@pytest.mark.corpus
def test_ocr_markers_tesseract_dropped_are_placed_from_the_image_and_flagged():
    """The Debo article's markers 46, 56 and 60 left no glyph in the OCR text ("in France. Across"):
    each is placed after its word, an empty span of the source, flagged and recorded."""
    path = corpus_path("formats", "ocr-pdf", "debo-litvinov-kamenev.pdf")
    (doc,) = read(path.read_bytes(), path.name)
    fns = {f.label: f for f in doc.layout.footnotes}
    for label, word in (("46", "France."), ("56", "Switzerland,"), ("60", "France.")):
        m = fns[label].marker
        assert m.source_start == m.source_end and MARKER_REPAIRED in fns[label].flags
        assert doc.layout.text[:m.start].endswith(word)
        assert doc.layout.text[m.start:m.end] == label.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    dropped = [r for r in doc.layout.repairs if r.kind == "marker-repaired" and r.source_start == r.source_end]
    assert {r.detail.split()[1] for r in dropped} >= {"46", "56", "60"}
    check_verbatim_runs(doc)


@pytest.mark.corpus
def test_ocr_note_whose_marker_left_no_trace_is_flagged_not_placed(monkeypatch):
    """A note left without a likely place keeps no marker: the footnote is flagged and the
    document has a problem, rather than a marker put on a real closing quote."""
    from toolkit.readers.pdf import document

    found = document._ocr_candidates

    def without_place_of_note_3(body, spacing, evidence=None):  # d227's marker 3: "to-day:?"
        return [c for c in found(body, spacing, evidence) if "to-day:" not in c[1].text[:c[2] + 1][-8:]]

    monkeypatch.setattr(document, "_ocr_candidates", without_place_of_note_3)
    path = corpus_path("formats", "ocr-pdf", "frus1918Russiav03-d227.pdf")
    (doc,) = read(path.read_bytes(), path.name)
    fns = doc.layout.footnotes
    unplaced = [f for f in fns if f.marker is None]
    assert len(fns) == 4 and len(unplaced) == 1 and NOTE_WITHOUT_MARKER in unplaced[0].flags
    assert doc.problems == ["4 notes at page feet but only 3 linked to a marker"]
    # The real closing quote of "United States Russian Bureau, Incorporated.” is no marker.
    assert not any(doc.layout.text[:f.marker.start].endswith("Incorporated.") for f in fns if f.marker)


@pytest.mark.corpus
def test_ocr_markers_are_flagged_repaired():
    path = corpus_path("formats", "ocr-pdf", "frus1918Russiav03-d227.pdf")
    (doc,) = read(path.read_bytes(), path.name)
    assert all(MARKER_REPAIRED in f.flags for f in doc.layout.footnotes if f.marker is not None)
    assert any(r.kind == "marker-repaired" for r in doc.layout.repairs)


def test_ocr_markers_chosen_in_order_on_the_notes_pages():
    """Tesseract's markers (’ ® a doubled quote) beat real closing quotes; each note gets one."""
    from toolkit.readers.pdf.lines import Line, NoteLines
    from toolkit.readers.pdf.ocr import _assign, _ocr_candidates

    def line(page: int, y: float, text: str) -> Line:
        return Line(page, text, [False] * len(text), (72, y - 3, 500, y + 8), y, 11.0)

    body = [line(1, 700, "He wrote that “the war is over.” Peace came in Europe.’ Then"),
            line(1, 686, "the talks failed.®"),
            line(2, 700, "Nobody said “enough.”” The end came.")]
    notes = [NoteLines(str(k), [line(page, 100, "note")]) for k, page in ((1, 1), (2, 1), (3, 2))]
    chosen = _assign(notes, _ocr_candidates(body, 14.0))
    assert [(n.label, ln.text[s:e]) for n, (ln, s, e) in chosen] == [("1", "’"), ("2", "®"), ("3", "”")]
    assert chosen[2][1][1] == len("Nobody said “enough.”")


def test_ocr_candidates_from_what_the_page_image_shows():
    """Evidence (ink the letters do not explain, raised ink ending the word; in digits) makes
    places: raised ink after "France." is a marker tesseract dropped (an empty span); a "?"
    before a word in lower case, or standing raised, is a marker misread; a quote closing a
    quotation, with ink for more than a quote, keeps its quote and takes the marker after it."""
    from toolkit.readers.pdf.lines import Line
    from toolkit.readers.pdf.ocr import _ocr_candidates

    def line(y: float, text: str) -> Line:
        return Line(1, text, [False] * len(text), (72, y - 3, 500, y + 8), y, 11.0)

    dropped = line(700, "the envoys in France. Across the sea")
    asked = line(686, "but Lindley? was not asked, nor Japan? Then")
    quoted = line(672, "an “admirable suggestion,” and then")
    end = len("the envoys in France.")
    evidence = {id(dropped): {end: (1.9, 1.5), len("the envoys in"): (0.1, 0.0)},
                id(quoted): {len("an “admirable suggestion,”"): (1.6, 3.2)}}
    found = _ocr_candidates([dropped, asked, quoted], 14.0, evidence)
    places = [(ln.text[:s].split()[-1] if s == e else ln.text[s:e], s == e, strength) for strength, ln, s, e in found]
    assert ("France.", True, 3.5) in places
    assert not any(p[0] == "in" for p in places)  # no raised ink there: no place
    assert [p[2] for p in places if p[0] == "?"] == [2.5, 1]  # "Lindley? was" beats "Japan? Then"
    assert ("suggestion,”", True, 3.5) in places
    assert _ocr_candidates([dropped], 14.0) == []  # without evidence, a bare word is no place


@pytest.mark.corpus
def test_an_ocrd_article_reaches_the_same_archives_as_the_born_digital_one(archives):
    """Tesseract reads "PRO F.O. 371/3298/3346" as "PRO F.0. 371/3298 /3346" or "FO.", and
    "Ministère des Affaires Étrangères" with other accents; the notes still reach their archives."""
    from toolkit.parsing.document import analyze

    def reached(folder: str) -> list[tuple]:
        path = corpus_path("formats", folder, "debo-litvinov-kamenev.pdf")
        (doc,) = read(path.read_bytes(), path.name)
        parsed = analyze(doc, archives)
        return [(n, r.archive, r.series, r.volume, r.item) for n, refs in enumerate(parsed.note_references)
                for r in refs]

    born_digital, ocrd = reached("pdf"), reached("ocr-pdf")
    assert len(born_digital) >= 60
    assert ocrd == born_digital
