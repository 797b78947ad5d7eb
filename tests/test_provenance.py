"""Where spans come from: locate() over a reader's anchors, and the W3C selectors made of it."""

from toolkit.provenance import file_selectors, locate, selectors

PDF = [[0, 40, {"page": 1, "bbox": [72, 700, 520, 712]}], [41, 80, {"page": 1, "bbox": [72, 686, 500, 698]}],
       [81, 120, {"page": 2, "bbox": [72, 700, 510, 712]}]]
TEI = [[0, 50, {"xpath": "/TEI/text[1]/body[1]/div[1]/head[1]", "offset": 0}],
       [50, 90, {"xpath": "/TEI/text[1]/body[1]/div[1]/p[1]", "offset": 10}]]


def test_text_formats_are_located_by_source_offsets():
    assert locate([], 12, 30) == {"start": 12, "end": 30}
    assert file_selectors(locate([], 12, 30)) == []


def test_a_pdf_span_is_its_page_and_the_box_of_its_lines():
    where = locate(PDF, 10, 60)
    assert where == {"page": 1, "bbox": [72, 686, 520, 712]}
    assert locate(PDF, 90, 100) == {"page": 2, "bbox": [72, 700, 510, 712]}
    [fragment] = selectors(where)
    assert fragment["type"] == "FragmentSelector" and fragment["value"] == "page=1&viewrect=72,686,448,26"


def test_a_tei_span_is_its_element_and_the_offsets_inside_it():
    where = locate(TEI, 55, 70)
    assert where == {"xpath": "/TEI/text[1]/body[1]/div[1]/p[1]", "start": 15, "end": 30}
    [xpath] = file_selectors(where)
    assert xpath == {"type": "XPathSelector", "value": "/TEI/text[1]/body[1]/div[1]/p[1]",
                     "refinedBy": {"type": "TextPositionSelector", "start": 15, "end": 30}}


def test_a_docx_span_is_its_paragraph():
    where = locate([[0, 30, {"part": "footnotes", "paragraph": 2, "offset": 0}]], 5, 9)
    assert where == {"part": "footnotes", "paragraph": 2, "start": 5, "end": 9}
    assert selectors(where)[0]["value"] == "(/w:footnotes//w:p)[3]"
