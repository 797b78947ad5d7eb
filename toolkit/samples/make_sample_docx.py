"""Write sample-memo.docx: a short memo with real Word footnotes, for the demo and tests.

Standard library only (zipfile and XML strings), byte for byte the same on every run:

    python toolkit/samples/make_sample_docx.py [OUT.docx]

The text was written for the toolkit's demo; its archival references are invented, in
the formats of sample-article.md. Do not cite them.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

TITLE = "Memorandum on the Courier Question, Spring 1918"
AUTHOR = "Historians' Toolkit (sample)"

# Paragraphs: a list of pieces, each text or ("note", footnote id).
BODY: list[list[object]] = [
    ["A sample memo written for the toolkit's demo; its archival references are illustrative."],
    ["By March 1918 the Foreign Office had accepted, with visible reluctance, that a Soviet agent "
     "in London could send and receive sealed bags of his own.", ("note", 1),
     " The Home Office never regarded the arrangement as binding on the police."],
    ["The French refused to extend the concession to Paris, and their representatives in the "
     "Nordic capitals were told to stop any Soviet envoy bound for Western Europe.", ("note", 2),
     " [Page 2] London, reconsidering its whole Russian policy, heard the request with sympathy.",
     ("note", 3)],
    ["The last courier left Britain in September, his bags unopened but his mission at an end.",
     ("note", 4)],
]
# Footnotes: id -> pieces, text or ("i", italic text).
NOTES: dict[int, list[object]] = {
    1: ["PRO F.O. 371/3300/1017; 371/3301/2040, 2046."],
    2: ["France, Archives du Ministère des Affaires Étrangères, Quai d'Orsay, Paris. Record Group: "
        "La Guerre de 1914–1918. Russie, Action des Allies; Volume 40; Folios 12–14. Hereafter cited "
        "as MAE, followed by collection title, volume and folio numbers."],
    3: ["MAE, Guerre, Russie, Action des Allies, 40/21-22; see also Richard H. Ullman, ",
        ("i", "Intervention and the War"), " (Princeton, 1961), p. 61."],
    4: ["Ibid."],
}

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _run(text: str, italic: bool = False) -> str:
    rpr = "<w:rPr><w:i/></w:rPr>" if italic else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _ref(note_id: int) -> str:
    return (f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{note_id}"/></w:r>')


def document_xml() -> str:
    paras = [f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{_run(TITLE)}</w:p>']
    for pieces in BODY:
        runs = "".join(_ref(p[1]) if isinstance(p, tuple) else _run(str(p)) for p in pieces)
        paras.append(f'<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>{runs}</w:p>')
    return f'{HEAD}<w:document {W} {R}><w:body>{"".join(paras)}<w:sectPr/></w:body></w:document>'


def footnotes_xml() -> str:
    notes = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
             '</w:r></w:p></w:footnote>']
    for note_id, pieces in NOTES.items():
        runs = "".join(_run(p[1], italic=True) if isinstance(p, tuple) else _run(str(p)) for p in pieces)
        notes.append(f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
                     f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                     f'{_run(" ")}{runs}</w:p></w:footnote>')
    return f'{HEAD}<w:footnotes {W} {R}>{"".join(notes)}</w:footnotes>'


STYLES = f"""{HEAD}<w:styles {W}>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="20"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
</w:styles>"""

CONTENT_TYPES = f"""{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

RELS = f"""{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

DOCUMENT_RELS = f"""{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>
</Relationships>"""

CORE = f"""{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{escape(TITLE)}</dc:title><dc:creator>{escape(AUTHOR)}</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>
</cp:coreProperties>"""


def build(out: Path) -> None:
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document_xml()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/footnotes.xml", footnotes_xml()),
        ("docProps/core.xml", CORE),
    ]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("sample-memo.docx"))
