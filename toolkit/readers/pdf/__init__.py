"""PDF with a text layer, born digital or OCR'd: superscript markers, page-foot notes.

PDFium gives every character with its box, font size and font. Characters are
grouped into lines by position; each page's lines are then sorted into running
head, page number, body and notes (below the short footnote rule: a drawn path,
or on an OCR'd scan a row of the page image). A marker is a small raised digit
in a body line; a note starts with one at its line's start and runs on, across
the page turn if need be. OCR turns markers into ’ ” ° ® * or plain digits, or
drops them: on scanned pages each note is given the likeliest place on its page
(or the page before), in order: a glyph glued after a word, or the end of a word
after which the page image shows a raised glyph the OCR text lacks (and whose
box is wider than its letters); the footnote is flagged repaired. A note with
no likely place keeps no marker, and is flagged.

`source` is the text read: each page's lines joined by "\\n", pages by "\\n\\f\\n";
one anchor per line gives its page and box in PDF points.
"""

from __future__ import annotations

import re

from toolkit.readers.base import ReadDocument, ReaderError
from toolkit.readers.pdf.document import _document
from toolkit.readers.pdf.lines import _extract

__all__ = ["read"]


def read(data: bytes, name: str = "") -> list[ReadDocument]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReaderError("is encrypted (it needs a password)",
                              "remove the password, e.g. qpdf --decrypt --password=... in.pdf out.pdf") from None
        detail = re.search(r"PDFium: ([^)]*)", str(exc))
        raise ReaderError(f"is not a readable PDF ({detail.group(1) if detail else exc})",
                          "repair or re-save it, e.g. qpdf in.pdf out.pdf") from None
    try:
        pages, rules, labels = _extract(pdf)
    finally:
        pdf.close()
    if not any(line.text.strip() for lines in pages for line in lines):
        raise ReaderError("has no text layer", "OCR it first, e.g. ocrmypdf in.pdf out.pdf")
    return [_document(pages, rules, labels)]
