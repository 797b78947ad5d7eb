"""Markdown inlines: one block's text as a list of items, each a span of its virtual text.

`tokenize` finds backslash escapes, code spans, `[^label]` references, `^[...]` inline
notes, links and images (their text kept), raw HTML tags and comments (dropped, `<em>`
and `<i>` kept as emphasis), Jekyll/Hugo tags (dropped), entities, `*`/`_` emphasis
(CommonMark's flanking rules, simplified) and FRUS `[Page N]` tokens. Everything else
is plain text. What the items become is `offsets.Emitter`'s work.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.readers.markdown.offsets import Virtual

ESCAPABLE = set("\\`*_{}[]()#+-.!|>~<$&\"'^:;,/=?@%")
PAGE_TOKEN = re.compile(r"\\?\[Page\s+(?P<label>[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)\\?\]")
HTML_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][\w-]*)(?:\s[^<>]*?)?\s*/?>|<!--.*?-->", re.S)
AUTOLINK = re.compile(r"<(?P<url>(?:https?|ftp|mailto):[^\s<>]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
LIQUID = re.compile(r"\{%.*?%\}|\{\{[<%].*?[%>]\}\}|\{\{.*?\}\}", re.S)
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
FOOTREF = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
EMPHASIS_TAGS = {"em", "i", "cite"}


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _is_punct(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch)[0] in "PS")


@dataclass
class Item:
    kind: str  # text, rep, space, delim, marker, inline, page, em_open, em_close, drop
    v0: int
    v1: int
    text: str = ""
    char: str = ""
    count: int = 0
    can_open: bool = False
    can_close: bool = False
    opens: list[tuple[int, int]] = field(default_factory=list)  # (pair id, n) in emission order
    closes: list[tuple[int, int]] = field(default_factory=list)
    inner: tuple[int, int] = (0, 0)


def _match_bracket(text: str, i: int, open_: str = "[", close: str = "]") -> int:
    """Index of the bracket closing the one at `i`, or -1 (escapes and code skipped)."""
    depth = 0
    k = i
    n = len(text)
    while k < n:
        ch = text[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "`":
            run = len(text[k:]) - len(text[k:].lstrip("`"))
            end = text.find("`" * run, k + run)
            if end >= 0:
                k = end + run
                continue
            k += run
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return -1


def tokenize(vt: Virtual, v0: int, v1: int, refs: set[str], in_note: bool = False,
             table: bool = False) -> list[Item]:
    """Inline items of vt.text[v0:v1]."""
    t = vt.text
    items: list[Item] = []
    text_start = v0

    def flush(upto: int) -> None:
        if upto > text_start:
            items.append(Item("text", text_start, upto))

    i = v0
    while i < v1:
        ch = t[i]
        nxt = None
        if ch == "\\" and i + 1 < v1:
            c2 = t[i + 1]
            if c2 == "\n":
                nxt = [Item("space", i, i + 2)]
                end = i + 2
            elif (m := PAGE_TOKEN.match(t, i, v1)) is not None:
                nxt, end = _page_item(t, i, m, v0, v1)
            elif c2 in ESCAPABLE:
                nxt = [Item("drop", i, i + 1), Item("text", i + 1, i + 2)]
                end = i + 2
        elif ch in " \t\n":
            j = i
            while j < v1 and t[j] in " \t\n":
                j += 1
            if not (j - i == 1 and ch == " "):
                nxt = [Item("space", i, j)]
                end = j
        elif ch == "`":
            run = 1
            while i + run < v1 and t[i + run] == "`":
                run += 1
            close = t.find("`" * run, i + run, v1)
            while close >= 0 and close + run < v1 and t[close + run] == "`":
                close = t.find("`" * run, close + run + 1, v1)
            if close >= 0:
                a, b = i + run, close
                while a < b and t[a] in " \n":
                    a += 1
                while b > a and t[b - 1] in " \n":
                    b -= 1
                nxt = [Item("drop", i, a), Item("code", a, b), Item("drop", b, close + run)]
                end = close + run
            else:
                nxt = [Item("text", i, i + run)]
                end = i + run
        elif ch == "[":
            if (m := PAGE_TOKEN.match(t, i, v1)) is not None:
                nxt, end = _page_item(t, i, m, v0, v1)
            elif not in_note and (m := FOOTREF.match(t, i, v1)) is not None and not (
                    t.startswith(":", m.end()) and (i == v0 or t[i - 1] == "\n")):
                nxt = [Item("marker", i, m.end(), text=m.group("label"))]
                end = m.end()
            elif (link := _link_items(vt, i, i, v1, refs, in_note)) is not None:
                nxt, end = link
        elif ch == "!" and i + 1 < v1 and t[i + 1] == "[":
            if (link := _link_items(vt, i, i + 1, v1, refs, in_note)) is not None:
                nxt, end = link
        elif ch == "^" and i + 1 < v1 and t[i + 1] == "[" and not in_note:
            close = _match_bracket(t, i + 1)
            if 0 <= close < v1:
                nxt = [Item("inline", i, close + 1, inner=(i + 2, close))]
                end = close + 1
        elif ch == "<":
            if (m := AUTOLINK.match(t, i, v1)) is not None:
                nxt = [Item("drop", i, i + 1), Item("text", i + 1, m.end() - 1), Item("drop", m.end() - 1, m.end())]
                end = m.end()
            elif (m := HTML_TAG.match(t, i, v1)) is not None:
                name = (m.group("name") or "").lower()
                kind = "drop"
                if name in EMPHASIS_TAGS:
                    kind = "em_close" if m.group("close") else "em_open"
                elif name in ("br", "p", "div", "li", "tr", "td", "th"):
                    kind = "space"
                nxt = [Item(kind, i, m.end())]
                end = m.end()
        elif ch == "|" and (table or t[v0:i].rsplit("\n", 1)[-1].strip() == ""):
            nxt = [Item("space", i, i + 1)]  # a table's cell rule, a line block's bar
            end = i + 1
        elif ch == "{":
            if (m := LIQUID.match(t, i, v1)) is not None:
                nxt = [Item("drop", i, m.end())]
                end = m.end()
        elif ch == "&":
            if (m := ENTITY.match(t, i, v1)) is not None:
                value = html.unescape(m.group(0))
                if value != m.group(0):
                    nxt = [Item("rep", i, m.end(), text=value)]
                    end = m.end()
        elif ch in "*_~":
            j = i
            while j < v1 and t[j] == ch:
                j += 1
            before = t[i - 1] if i > 0 else ""
            after = t[j] if j < len(t) else ""
            if ch == "~":
                if j - i == 2:
                    nxt = [Item("drop", i, j)]
                    end = j
            else:
                left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
                right = not _is_space(before) and (not _is_punct(before) or _is_space(after) or _is_punct(after))
                if ch == "*":
                    can_open, can_close = left, right
                else:
                    can_open = left and (not right or _is_punct(before))
                    can_close = right and (not left or _is_punct(after))
                nxt = [Item("delim", i, j, char=ch, count=j - i, can_open=can_open, can_close=can_close)]
                end = j
        if nxt is None:
            i += 1
            continue
        flush(i)
        items.extend(nxt)
        i = end
        text_start = end
    flush(v1)
    _pair_delimiters(items)
    return items


def _page_item(t: str, i: int, m: re.Match, v0: int, v1: int) -> tuple[list[Item], int]:
    """A `[Page N]` token; with a space on its left, the spaces on its right go with it."""
    end = m.end()
    if i == v0 or t[i - 1] in " \t\n":
        while end < v1 and t[end] in " \t\n":
            end += 1
    return [Item("page", i, m.end(), text=m.group("label")), Item("drop", m.end(), end)], end


def _link(t: str, i: int, v1: int, refs: set[str]) -> tuple[int, int, int] | None:
    """A link or bracketed span starting at `[` (t[i]): (text start, text end, end)."""
    close = _match_bracket(t, i)
    if close < 0 or close >= v1:
        return None
    after = close + 1
    if after < v1 and t[after] == "(":
        end = _match_bracket(t, after, "(", ")")
        if 0 <= end < v1:
            return i + 1, close, end + 1
        return None
    if after < v1 and t[after] == "{":
        end = t.find("}", after, v1)
        if end >= 0:
            return i + 1, close, end + 1
    if after < v1 and t[after] == "[":
        end = t.find("]", after, v1)
        if end >= 0 and (t[after + 1:end].lower() in refs or (end == after + 1 and t[i + 1:close].lower() in refs)):
            return i + 1, close, end + 1
        return None
    if " ".join(t[i + 1:close].split()).lower() in refs:
        return i + 1, close, close + 1
    return None


def _link_items(vt: Virtual, i: int, bracket: int, v1: int, refs: set[str],
                in_note: bool) -> tuple[list[Item], int] | None:
    """A link at `i` (an image from its `!`) whose text opens at `bracket`: the text's items, the syntax
    dropped, and where it ends."""
    link = _link(vt.text, bracket, v1, refs)
    if link is None:
        return None
    inner0, inner1, end = link
    return [Item("drop", i, inner0)] + tokenize(vt, inner0, inner1, refs, in_note) + [Item("drop", inner1, end)], end


def _pair_delimiters(items: list[Item]) -> None:
    stack: list[int] = []
    pair = 0
    for idx, it in enumerate(items):
        if it.kind != "delim":
            continue
        while it.can_close and it.count > 0:
            found = None
            for j in range(len(stack) - 1, -1, -1):
                op = items[stack[j]]
                if op.char == it.char and op.count > 0:
                    if (op.can_close or it.can_open) and (op.count + it.count) % 3 == 0 and not (
                            op.count % 3 == 0 and it.count % 3 == 0):
                        continue
                    found = j
                    break
            if found is None:
                break
            op = items[stack[found]]
            n = 2 if op.count >= 2 and it.count >= 2 else 1
            op.count -= n
            it.count -= n
            pair += 1
            op.opens.insert(0, (pair, n))
            it.closes.append((pair, n))
            del stack[found + 1:]
            if op.count == 0:
                stack.pop()
        if it.can_open and it.count > 0:
            stack.append(idx)

