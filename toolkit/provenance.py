"""Where a span of a stored document came from, in the form its format allows.

A version keeps its reader's `anchors`: runs of the reader's source text, each
with where it sits in the file (see `toolkit.readers.base`). `locate` turns a
source span (what `OffsetMap.source_span` gives for a span of the normalized
text) into one `where` dict; `selectors` turns that into W3C Web Annotation
selectors. Text formats keep no anchors: the source offsets are the provenance.

    text, Markdown   {"start": 120, "end": 180}                 code points of the file
    TEI, HTML        {"xpath": "/TEI/text[1]/.../p[3]", "start": 4, "end": 64}
    DOCX             {"part": "document", "paragraph": 12, "start": 0, "end": 60}
    PDF              {"page": 3, "bbox": [72.0, 400.1, 523.3, 441.9]}
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Sequence

Anchors = Sequence[Sequence[Any]]  # [start, end, locator] as stored


def locate(anchors: Anchors, start: int, end: int) -> dict[str, Any]:
    """Where the source span [start, end) lies in the original file."""
    return Locator(anchors)(start, end)


class Locator:
    """`locate` for many spans of one document: the anchors' starts are sorted once."""

    def __init__(self, anchors: Anchors) -> None:
        self.anchors = anchors or []
        self.starts = [a[0] for a in self.anchors]

    def __call__(self, start: int, end: int) -> dict[str, Any]:
        anchors = self.anchors
        if not anchors:
            return {"start": start, "end": end}
        i = max(0, bisect_right(self.starts, start) - 1)
        a_start, a_end, locator = anchors[i]
        if "page" in locator:
            page = locator["page"]
            boxes = []
            for s, _, loc in anchors[i:]:
                if s >= max(end, start + 1) or loc.get("page") != page:
                    break
                if "bbox" in loc:
                    boxes.append(loc["bbox"])
            where: dict[str, Any] = {"page": page}
            if boxes:
                where["bbox"] = [round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
                                 round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1)]
            return where
        base = int(locator.get("offset", 0))
        inside_start = base + max(0, start - a_start)
        inside_end = base + max(0, min(end, a_end) - a_start)
        where = {k: v for k, v in locator.items() if k != "offset"}
        where.update({"start": inside_start, "end": max(inside_start, inside_end)})
        return where


def selectors(where: dict[str, Any] | None) -> list[dict[str, Any]]:
    """W3C selectors for a `where`: TextPosition, XPath refined by TextPosition, or a PDF fragment."""
    if not where:
        return []
    if "page" in where:
        value = f"page={where['page']}"
        if "bbox" in where:
            x0, y0, x1, y1 = where["bbox"]
            value += f"&viewrect={x0:g},{y0:g},{x1 - x0:g},{y1 - y0:g}"
        return [{"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778", "value": value}]
    position = {"type": "TextPositionSelector", "start": where["start"], "end": where["end"]}
    if "xpath" in where:
        return [{"type": "XPathSelector", "value": where["xpath"], "refinedBy": position}]
    if "paragraph" in where:
        root = {"document": "/w:document/w:body", "footnotes": "/w:footnotes", "endnotes": "/w:endnotes"}
        path = f"({root.get(where.get('part', 'document'), '/w:document/w:body')}//w:p)[{where['paragraph'] + 1}]"
        return [{"type": "XPathSelector", "value": path, "refinedBy": position}]
    return [position]


def file_selectors(where: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The selectors that point into a structured file (XPath, Word paragraph, PDF page); none for
    plain text, whose position in the file is already given by source offsets."""
    if not where or not ({"page", "xpath", "paragraph"} & set(where)):
        return []
    return selectors(where)
