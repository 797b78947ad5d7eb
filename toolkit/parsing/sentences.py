"""Sentence boundaries with a blank English spaCy pipeline and our own rules.

No model is downloaded: `spacy.blank("en")` plus tokenizer exceptions for the
abbreviations of scholarly prose (so "p. 304", "F.O. 371", "V. I. Lenin" do not
end a sentence) and the rule-based sentencizer. A footnote marker rendered as
superscript digits belongs to the sentence before it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # spaCy is heavy: imported only when sentences are needed
    from spacy.language import Language

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Characters handed to spaCy at once past spaCy's own limit (nlp.max_length).
PIECE = 1_000_000
SUPERSCRIPTS_AND_SPACE = SUPERSCRIPTS + " "
ABBREVIATIONS = [
    "Ibid.", "ibid.", "IBID.", "Id.", "p.", "pp.", "P.", "Pp.", "vol.", "Vol.", "vols.", "Vols.",
    "no.", "No.", "nos.", "Nos.", "F.O.", "C.O.", "W.O.", "H.O.", "cf.", "Cf.", "ed.", "eds.", "Ed.",
    "Eds.", "ff.", "fol.", "fols.", "col.", "ch.", "chap.", "op.", "cit.", "loc.", "esp.", "trans.",
    "repr.", "n.", "nn.", "ms.", "MS.", "mss.", "Messrs.", "Sept.", "Rs.", "viz.", "ca.", "c.",
    "et al.", "i.e.", "e.g.", "Gen.", "Col.", "Maj.", "Capt.", "Lt.", "Adm.", "Hon.", "Rev.", "Dept.",
]


@lru_cache(maxsize=1)
def load_pipeline() -> "Language":
    """`spacy.blank("en")` with our tokenizer exceptions and a sentencizer."""
    import spacy
    from spacy.attrs import ORTH
    from spacy.util import compile_suffix_regex

    nlp = spacy.blank("en")
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    # Initials ("V. I.", "L.M.", "H. H.") are kept whole by the default rules for
    # one capital and a period; dotted runs such as "L.M." and "N.K.I.D." too.
    suffixes = [f"[{SUPERSCRIPTS}]+", *nlp.Defaults.suffixes]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    # The URL rule is a large regex tried on every token; historical prose has no
    # URLs worth keeping whole, and without it tokenizing is a third faster.
    nlp.tokenizer.url_match = None
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans of `text`, kept inside the given paragraphs (never crossing one's edge)."""
    from spacy.attrs import IDX, LENGTH, SENT_START

    spans = sorted(paragraphs)
    if not spans or not text.strip():
        return []
    # One pass over the whole text (one spaCy call per paragraph costs five times
    # more), boundaries read as arrays (iterating doc.sents builds a Python object
    # per token), then cut at the paragraph edges. A book longer than spaCy's limit
    # goes through in pieces cut at paragraph starts, which no sentence crosses.
    nlp = load_pipeline()
    pieces = _pieces(text, spans, min(nlp.max_length, PIECE))
    docs = [nlp(text)] if len(pieces) == 1 else nlp.pipe(text[p0:p1] for p0, p1 in pieces)
    raw: list[tuple[int, int]] = []
    for (p0, _), doc in zip(pieces, docs):
        if not len(doc):
            continue
        starts, idx, length = doc.to_array([SENT_START, IDX, LENGTH]).astype("int64").T
        firsts = (starts == 1).nonzero()[0].tolist()
        if not firsts or firsts[0] != 0:
            firsts.insert(0, 0)
        lasts = [f - 1 for f in firsts[1:]] + [len(doc) - 1]
        begin, finish = (idx + p0).tolist(), (idx + length + p0).tolist()
        raw.extend((begin[f], finish[la]) for f, la in zip(firsts, lasts))

    out: list[list[int]] = []
    j = 0
    for p0, p1 in spans:
        para: list[list[int]] = []
        while j < len(raw) and raw[j][1] <= p0:
            j += 1
        k = j
        while k < len(raw) and raw[k][0] < p1:
            s, e = max(raw[k][0], p0), min(raw[k][1], p1)
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            lead = s
            while lead < e and text[lead] in SUPERSCRIPTS_AND_SPACE:
                lead += 1
            if lead > s and para:  # "Europe.¹ Success": the marker closes the sentence before
                end = lead
                while end > s and text[end - 1] == " ":
                    end -= 1
                para[-1][1] = end
                s = lead
            if s < e:
                para.append([s, e])
            k += 1
        out.extend(para)
    return [(s, e) for s, e in out]


def _pieces(text: str, spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """`text` cut at paragraph starts into pieces of at most `size` characters (a longer
    paragraph is cut at a space, the only place a sentence may then be split)."""
    cuts = [0]
    last = 0  # the latest paragraph start, where the next cut may go
    for p0 in [p for p, _ in spans] + [len(text)]:
        if p0 - cuts[-1] > size:
            if last > cuts[-1]:
                cuts.append(last)
            while p0 - cuts[-1] > size:
                cut = text.rfind(" ", cuts[-1] + 1, cuts[-1] + size)
                cuts.append(cut if cut > cuts[-1] else cuts[-1] + size)
        last = p0
    return list(zip(cuts, cuts[1:] + [len(text)]))
