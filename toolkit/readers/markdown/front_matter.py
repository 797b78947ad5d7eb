"""YAML front matter: the fields a document is described by, and where title and authors stand.

No YAML library: only top-level keys are read, with plain, quoted (`'...'` with `''`,
`"..."`, over several lines), block (`|`, `>`) and list values (`- a`, `[a, b]`,
`- name: a`). The title and the authors are text of the document too, so `front_matter`
gives the file ranges of their values as well; `apply_front_matter` fills in what
`ReadDocument` knows (title, authors, date, url, doi, slug).
"""

from __future__ import annotations

import re

from toolkit.readers.base import ReadDocument
from toolkit.readers.markdown.blocks import dedent, line_ranges
from toolkit.readers.markdown.inlines import FOOTREF
from toolkit.readers.markdown.offsets import Virtual
from toolkit.readers.text import FRONT_MATTER

__all__ = ["FRONT_MATTER", "apply_front_matter", "front_matter"]


def front_matter(source: str, start: int, end: int) -> tuple[dict[str, object], list[tuple[int, int]],
                                                                 list[list[tuple[int, int]]]]:
    """Top-level fields of YAML front matter, and the file ranges of the title and author values."""
    meta: dict[str, object] = {}
    title: list[tuple[int, int]] = []
    authors: list[list[tuple[int, int]]] = []
    lines = [ln for ln in line_ranges(source, start) if ln[0] < end]
    i = 0
    while i < len(lines):
        s, e = lines[i]
        e = min(e, end)
        m = re.match(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)", source[s:e])
        if not m:
            i += 1
            continue
        key = m.group(1).lower()
        vs = s + m.end()
        while vs < e and source[vs] in " \t":
            vs += 1
        ve = e
        while ve > vs and source[ve - 1] in " \t":
            ve -= 1
        # the lines indented under the key
        j = i + 1
        nested: list[tuple[int, int]] = []
        while j < len(lines) and (not source[lines[j][0]:lines[j][1]].strip()
                                   or source[lines[j][0]] in " \t-"):
            nested.append(lines[j])
            j += 1
        while nested and not source[nested[-1][0]:nested[-1][1]].strip():
            nested.pop()
        value_pieces: list[list[tuple[int, int]]] = []
        if vs >= ve or source[vs] in "|>":
            if vs < ve and source[vs] in "|>":
                pieces = [(dedent(source, a, b, 99), b) for a, b in nested if source[a:b].strip()]
                value_pieces = [pieces] if pieces else []
            else:
                for a, b in nested:
                    lm = re.match(r"[ \t]*-[ \t]+", source[a:b])
                    if lm:
                        value_pieces.append([_scalar(source, a + lm.end(), b)])
                    elif re.match(r"[ \t]*name[ \t]*:", source[a:b]):
                        nm = re.match(r"[ \t]*name[ \t]*:[ \t]*", source[a:b])
                        value_pieces.append([_scalar(source, a + nm.end(), b)])
        elif source[vs] == "[" and source[ve - 1] == "]":
            for part in re.finditer(r"[^,\[\]]+", source[vs + 1:ve - 1]):
                a, b = vs + 1 + part.start(), vs + 1 + part.end()
                while a < b and source[a] == " ":
                    a += 1
                value_pieces.append([_scalar(source, a, b)])
        elif source[vs] in "'\"":
            q = source[vs]
            # a quoted scalar may run over several lines
            full_end = ve
            if not (ve - vs >= 2 and source[ve - 1] == q and (q == '"' or not source[vs + 1:ve].endswith("''")
                                                                   or source[vs + 1:ve - 1].count("'") % 2 == 0)):
                for a, b in nested:
                    full_end = b
                    if source[a:b].rstrip().endswith(q):
                        full_end = a + len(source[a:b].rstrip())
                        break
            value_pieces = [_quoted(source, vs, full_end)]
        else:
            value_pieces = [[(vs, ve)]]
        values = [Virtual(source, p).text for p in value_pieces]
        if key in ("title", "date", "url", "doi", "slug"):
            raw = _unquote(values[0]) if values else ""
            meta.setdefault(key, " ".join(raw.split()))
            if key == "title" and value_pieces and not title:
                title = value_pieces[0]
        elif key in ("author", "authors"):
            names = [" ".join(_unquote(v).split()) for v in values]
            meta.setdefault(key, names if len(names) != 1 or key == "authors" or nested else names[0])
            if key == "author" and not authors:
                authors = value_pieces
        else:
            meta.setdefault(key, _unquote(values[0]) if values else "")
        i = j
    return meta, title, authors


def apply_front_matter(doc: ReadDocument, meta: dict[str, object]) -> None:
    """The document's title, authors, date, url, doi and slug, from the fields of its front matter."""
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        doc.title = " ".join(FOOTREF.sub("", title).split())
    authors = meta.get("author") or meta.get("authors")
    if isinstance(authors, str) and authors.strip():
        doc.authors = [authors.strip()]
    elif isinstance(authors, list):
        doc.authors = [a for a in authors if isinstance(a, str) and a.strip()]
    if isinstance(meta.get("date"), str) and meta["date"]:
        doc.date = str(meta["date"])
    extra = {k: v for k, v in meta.items() if k in ("url", "doi", "slug") and isinstance(v, str)}
    if extra:
        doc.meta.update(extra)


def _scalar(source: str, a: int, b: int) -> tuple[int, int]:
    while b > a and source[b - 1] in " \t":
        b -= 1
    if b - a >= 2 and source[a] in "'\"" and source[b - 1] == source[a]:
        return a + 1, b - 1
    return a, b


def _quoted(source: str, a: int, b: int) -> list[tuple[int, int]]:
    """File pieces of a quoted YAML scalar's value (`''` in single quotes stands for `'`)."""
    q = source[a]
    inner0, inner1 = a + 1, b - 1 if b - a >= 2 and source[b - 1] == q else b
    pieces: list[tuple[int, int]] = []
    pos = inner0
    if q == "'":
        k = source.find("''", pos, inner1)
        while k >= 0:
            pieces.append((pos, k + 1))
            pos = k + 2
            k = source.find("''", pos, inner1)
    pieces.append((pos, inner1))
    # line breaks inside: split so that each piece is one line's content
    out: list[tuple] = []
    for n, (s, e) in enumerate(pieces):
        for k, m in enumerate(re.finditer(r"[^\r\n]+", source[s:e])):
            ls, le = s + m.start(), s + m.end()
            while ls < le and source[ls] in " \t" and out:
                ls += 1
            if le > ls:
                out.append((ls, le, True) if n and k == 0 and out else (ls, le))
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value
