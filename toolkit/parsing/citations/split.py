"""Splitting a note into citations: where one citation ends and the next begins.

`segment_note` cuts at "; " and at sentence ends (not after an abbreviation or an
initial), outside parentheses, quotations, italics and archival references, and then
splits works joined by "and" or set in parentheses. `merge_shared_locations` joins
letters whose location is stated once for all of them ("..., both in NARA, RG 59").
"""

from __future__ import annotations

import re

from toolkit.parsing.citations.citation import (
    ARCHIVAL, COMMENTARY, MANUSCRIPT, SHORT_FORM, UNPARSED, Citation,
)
from toolkit.parsing.citations.forms import LETTER, strip_signal

ABBREVIATIONS = {
    "p", "pp", "vol", "vols", "no", "nos", "ed", "eds", "trans", "cf", "ff", "f", "fol", "fols",
    "col", "cols", "ch", "chap", "art", "n", "nn", "op", "cit", "esp", "ser", "pt", "bk", "repr",
    "mass", "calif", "conn", "st", "mr", "mrs", "messrs", "dr", "jr", "sr", "gen", "maj",
    "capt", "lt", "adm", "rev", "hon", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct",
    "nov", "dec", "dept", "univ", "ms", "mss", "comp", "et", "al", "viz", "approx", "ca", "c",
    # Congress, statutes, places, publishers
    "cong", "sess", "rpt", "rept", "doc", "docs", "stat", "ct", "mich", "wis", "ill", "va", "md",
    "pa", "ny", "co", "inc", "ltd", "bros", "misc", "supp", "sec", "seq",
    # German and French
    "vgl", "hrsg", "bd", "bde", "s", "ders", "dies", "aufl", "anm", "t", "éd", "coll",
    "ms", "fasc", "liv", "cf", "dir",
    # classical authors and works
    "thuc", "hdt", "cic", "att", "fam", "tac", "ann", "hist", "plut", "suet", "polyb", "xen",
    "hell", "arist", "pol", "eth", "nic", "plin", "ep", "sall", "cat", "caes", "gal", "verg",
    "aen", "hom", "il", "od", "diod", "strab", "ov", "met", "hor", "sen", "quint", "inst", "aug",
    "civ", "amm", "marc", "juv", "mart", "app", "bc", "dio", "cass", "livy", "agr", "germ",
}
# "..., both in NARA, RG 59, ...": the location of the letters cited before it
SHARED_LOCATION = re.compile(r"\b(?:both|all)\s+(?:in|at)\s*$|\bin\s*$")


def segment_note(text: str, protected: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of the citations in a note: cut at "; " and at sentence ends, outside
    parentheses, quotes, italics and archival references."""
    protected = protected or []
    cuts: list[int] = []
    depth = 0
    italic = quote = False
    curly = 0
    i = 0
    n = len(text)
    while i < n:
        inside = next((e for s, e in protected if s <= i < e), None)
        if inside is not None:
            i = inside
            continue
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "*":
            if italic and text[i - 1] == "." and depth == 0 and _sentence_end(text, i):
                cuts.append(i + 1)  # "*Ibid.* Also see ..."
            italic = not italic
        elif ch == '"':
            quote = not quote
        elif ch == "“":
            if text.find("”", i) != -1:  # an unclosed quotation protects nothing; quotations do not nest
                curly = 1
        elif ch == "”":
            curly = 0
            if curly == 0 and depth == 0 and text[i - 1] == "." and _sentence_end(text, i):
                cuts.append(i + 1)  # a sentence ending in a quotation
        elif depth == 0 and not italic and not quote and curly == 0:
            if ch == ";" and i + 1 < n and text[i + 1].isspace():
                cuts.append(i + 1)
            elif ch == "." and _sentence_end(text, i):
                cuts.append(i + 1)
        i += 1
    spans = []
    pos = 0
    for cut in cuts + [n]:
        spans.extend(_split_works(text, pos, cut))
        pos = cut
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _sentence_end(text: str, i: int) -> bool:
    """Is the period at `i` the end of a sentence (not an abbreviation or initial)?"""
    after = text[i + 1 : i + 4]
    if not after[:1].isspace():
        return False
    nxt = text[i + 1 :].lstrip()
    if not nxt or not (nxt[0].isupper() or nxt[0] in "*\"“‘'"):
        return False
    word = re.search(r"[\w.'’-]*$", text[:i]).group(0)  # type: ignore[union-attr]
    bare = word.strip(".").lower()
    if not bare:
        return True
    if bare in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", bare):
        return False
    if re.fullmatch(r"\d+(?:st|nd|rd|th|d)", bare):  # "50th Cong., 1st. Sess."
        return False
    if word[:1].isupper() and len(bare) <= 2 and bare.isalpha():  # initials such as "Ia." or "St."
        return False
    if re.match(r"[A-Z]\.\s", nxt):  # followed by an initial: "Ia. G. Temkin"
        return False
    if re.match(r"(?:Sess|Cong|Rpt|Doc|Stat)\.", nxt):  # "63rd Cong. 2nd Sess."
        return False
    return True


PAREN_FILE = re.compile(r"\((?P<cit>File Nos?\.\s[^()]*)\)")
SPLIT_AND = re.compile(
    r"(?<=[\d)])\s+and\s+(?=“|(?:[A-Z][\w.'’-]*\s+){1,4}to\s+[A-Z])"
    r"|\s+and\s+(?=the [^.;]*?\b(?:discussed|cited) in (?:chapter|appendix)\b)"
    r"|(?<=\band in)\s+(?=(?:[Aa]ppendix\s+[A-Z]|[Cc]hapter\s+\d+)\s*\.?\s*$)"
    r"|,?\s+and\s+(?=(?:for [^;]{3,120}?,\s*)?see\s)"
    r"|(?<=\bpublished in)\s+(?=(?:the )?[A-Z])|(?<=\bpreface to)\s+(?=[A-Z])"
    r"|,\s+(?=(?:Jan|Feb|Mar|Apr|May|June|July|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2},\s+(?:ante|post|supra|infra)\b)"
)
LEFT_PAGES = re.compile(r"(?:pp?\.\s*[\divxlc]+(?:\s*[-–]\s*\d+)?|\))$")
TRAILING_PAREN = re.compile(
    r"\s*\((?P<cit>(?:[Ii]bid|[Ss]ee|[Cc]f\.|[Qq]uoted in|[Cc]ited in)\b[^()]*|[^()]*\b(?:ante|post|supra|infra)\b[^()]*"
    r"|(?<=[”a-z]\s\()[A-Z][^()]*,\s*pp?\.\s*[\dxivlc][^()]*)\)\s*[.;,]?\s*$")
SPLIT_AFTER_PUBLICATION = re.compile(r"(?<=\))(?:,\s*(?:pp?\.\s*[\d–-]+\s*,\s*)?)?\s*and\s+(?=[A-Z])")


def _split_works(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """"*A* (Place, 1935), and B, *C* (Place, 1940)": one span per work; "… see" framing cut off."""
    spans = []
    pos = start
    for m in SPLIT_AFTER_PUBLICATION.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s] in " \t;,":
            s += 1
        # "… two paragraphs as follows (File No. 861.51/293):": the reference is a citation of its own
        if (pm := PAREN_FILE.search(text, s, e)) is not None:
            out.extend(_split_works(text, s, pm.start()))
            out.append((pm.start("cit"), pm.end("cit")))
            out.extend(_split_works(text, pm.end(), e))
            continue
        # "…, pp. 77–87 and Low to Fish, August 4, 1872, …": two works
        if (am := SPLIT_AND.search(text, s, e)) is not None and (
                not text[am.start() - 1 : am.start()].isdigit() and text[am.start() - 1] != ")"
                or text[am.end()] == "“" or LEFT_PAGES.search(text, s, am.start())):
            out.extend(_split_works(text, s, am.start()))
            out.extend(_split_works(text, am.end(), e))
            continue
        # "… maritime rights (ibid., pp. 459–460)": the citation in parentheses is one of its own
        if (pm := TRAILING_PAREN.search(text, s, e)) is not None and pm.start() > s:
            out.extend(_split_works(text, s, pm.start()))
            out.append((pm.start("cit"), pm.end("cit")))
            continue
        # "Knox delivered the papers ... See note 5 above and The Papers of ..., Vol. 10" -> two
        m = re.match(r"(?:See\s+)?(?:(?:foot)?notes?\s+\d+(?:\s+and\s+\d+)?\s+(?:above|below)|chapter\s+\d+\s+above)"
                     r"(?:\s+and\s+(?:especially\s+)?|,\s+and\s+|;\s*)(?=[A-Z])", text[s:e], re.I)
        if m is None:
            m2 = re.match(r"(?:For [^;]{3,200}?,\s*)?see\s+(?:(?:foot)?notes?\s+\d+\s+(?:above|below))"
                          r"\s+and\s+(?:especially\s+)?(?=[A-Z])", text[s:e], re.I)
            m = m2
        if m is not None:
            cut = s + m.end()
            conn = re.search(r"(?:\s+and\s+(?:especially\s+)?|,\s+and\s+|;\s*)$", m.group(0))
            out.append((s, s + conn.start()))  # type: ignore[union-attr]
            out.append((cut, e))
        else:
            out.append((s, e))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t;,":
        start += 1
    while end > start and text[end - 1] in " \t;,.":
        if text[end - 1] == "." and _keeps_period(text[start:end]):
            break
        end -= 1
    return start, end


def _keeps_period(raw: str) -> bool:
    """"Ibid.", "op. cit.", "Ante, p. 5." keep nothing; abbreviations such as "Sess." or "Ibid." keep their period."""
    word = re.search(r"[\w.'’-]*$", raw).group(0).strip(".").lower()  # type: ignore[union-attr]
    return word in {"ibid", "cit", "ebd", "sess", "cong", "ff", "al", "seq", "eds", "ed", "o"} or bool(
        re.fullmatch(r"(?:[a-z]\.)*[a-z]", word))


def merge_shared_locations(text: str, cits: list[Citation]) -> list[Citation]:
    """"X to Y, date; Z to W, date, both in NARA, RG 59, …": one citation from the first letter
    to the location, which is stated once for all of them."""
    out: list[Citation] = []
    for cit in cits:
        if cit.kind in (ARCHIVAL, MANUSCRIPT) and cit.references:
            before = text[cit.start : cit.references[0].start]
            if SHARED_LOCATION.search(before) or re.search(r"\bboth\b|\ball\b", before):
                k = len(out)
                while k > 0 and out[k - 1].kind in (SHORT_FORM, UNPARSED, COMMENTARY) and LETTER.match(
                        strip_signal(out[k - 1].raw)) and re.fullmatch(r"[\s.,]*(?:;|and)\s*(?:see also\s+)?",
                                                                    text[out[k - 1].end : (out[k].start if k < len(out) else cit.start)], re.I):
                    k -= 1
                if k < len(out):
                    first = out[k]
                    cit.raw = text[first.start : cit.end]
                    cit.start = first.start
                    if cit.signal is None:
                        cit.signal = first.signal
                    out = out[:k]
        out.append(cit)
    return out
