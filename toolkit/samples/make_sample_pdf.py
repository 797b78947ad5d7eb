"""Make toolkit/samples/sample-report.pdf, the PDF reader's sample and test fixture.

Run from the repository root, with reportlab installed in the venv only for this
(it is not a dependency of the toolkit):

    .venv/bin/pip install reportlab && .venv/bin/python toolkit/samples/make_sample_pdf.py

Every line is placed by hand, as a word processor would print it, so that the
sample holds what the reader must undo: superscript markers, notes below a short
rule at the page foot (note 3 runs on to page 2), a running head from page 2,
page numbers, a word hyphenated at a line end ("propa-" / "ganda"), a compound
broken at its own hyphen ("Brest-" / "Litovsk") and a title in italics in note 4. The text is invented for the
toolkit's demo; its archival references are illustrative.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

TITLE = "Couriers and Cyphers: A Sample Report"
AUTHOR = "Ada Example"
LEFT, BODY, NOTE, LEAD = 72, 11, 9, 14

# Each body line is a list of (text, is_marker) runs.
PAGE1 = [
    [("A sample report written for the toolkit's demo; its references are illustrative.", False)],
    None,
    [("In January 1918 the Foreign Office had to decide whether a Soviet agent in London", False)],
    [("could send sealed bags to Petrograd.", False), ("1", True),
     (" Officials feared that any concession would look", False)],
    [("like recognition, and the Home Office warned that the bags would carry propa-", False)],
    [("ganda rather than dispatches.", False), ("2", True),
     (" The question came to a head after the talks at Brest-", False)],
    [("Litovsk broke down, when the agent asked for the privileges of the British", False)],
    [("embassy.", False), ("3", True)],
]
NOTES1 = [
    ("1", "PRO F.O. 371/3300/1001."),
    ("2", "PRO F.O. 371/3300/1017; see also PRO F.O. 371/3301/2101."),
    ("3", "Great Britain, Public Record Office, London. Foreign Office Papers, Record Group 371,"),
    (None, "Volume 3300, Document 1044. Foreign Office papers will henceforth be cited as"),
]
PAGE2 = [
    [("The Cabinet agreed in February that the bags could travel under seal.", False), ("4", True),
     (" By March the", False)],
    [("arrangement had lapsed, and the agent's couriers were turned back at Aberdeen.", False)],
]
NOTES2 = [
    (None, "PRO F.O. 371 followed by the volume and document numbers."),
    ("4", "Cabinet Papers, PRO CAB 23/5/311; compare *The Courier Question*, p. 4."),
]


def body_line(c: canvas.Canvas, y: float, runs: list[tuple[str, bool]]) -> None:
    x = LEFT
    for text, marker in runs:
        size, rise = (7, 4) if marker else (BODY, 0)
        c.setFont("Times-Roman", size)
        c.drawString(x, y + rise, text)
        x += c.stringWidth(text, "Times-Roman", size)


def notes(c: canvas.Canvas, y: float, items: list[tuple[str | None, str]]) -> None:
    c.setLineWidth(0.5)
    c.line(LEFT, y + NOTE + 6, LEFT + 144, y + NOTE + 6)
    for label, text in items:
        x = LEFT
        if label is not None:
            c.setFont("Times-Roman", 6)
            c.drawString(x, y + 3, label)
            x += c.stringWidth(label + " ", "Times-Roman", 6)
        for k, part in enumerate(text.split("*")):  # *...*: italics, as for a title
            font = "Times-Italic" if k % 2 else "Times-Roman"
            c.setFont(font, NOTE)
            c.drawString(x, y, part)
            x += c.stringWidth(part, font, NOTE)
        y -= NOTE + 2


def main() -> None:
    out = Path(__file__).with_name("sample-report.pdf")
    c = canvas.Canvas(str(out), pagesize=letter, invariant=1)
    c.setTitle(TITLE)
    c.setAuthor(AUTHOR)
    width, height = letter
    c.setFont("Times-Bold", 16)
    c.drawCentredString(width / 2, 700, TITLE)
    c.setFont("Times-Roman", BODY)
    c.drawCentredString(width / 2, 676, AUTHOR)
    y = 646
    for runs in PAGE1:
        if runs is None:
            y -= LEAD / 2
            continue
        body_line(c, y, runs)
        y -= LEAD
    notes(c, 150, NOTES1)
    c.setFont("Times-Roman", 9)
    c.drawCentredString(width / 2, 50, "1")
    c.showPage()
    c.setFont("Times-Roman", 9)
    c.drawCentredString(width / 2, 750, TITLE)
    y = 710
    for runs in PAGE2:
        body_line(c, y, runs)
        y -= LEAD
    notes(c, 150, NOTES2)
    c.setFont("Times-Roman", 9)
    c.drawCentredString(width / 2, 50, "2")
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
