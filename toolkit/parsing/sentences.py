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
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans of `text`, never crossing a paragraph boundary."""
    nlp = load_pipeline()
    spans = list(paragraphs)
    out: list[tuple[int, int]] = []
    for (p0, _), doc in zip(spans, nlp.pipe(text[p0:p1] for p0, p1 in spans)):
        sents: list[list[int]] = []
        for sent in doc.sents:
            s, e = sent.start_char, sent.end_char
            lead = 0
            while s + lead < e and (doc.text[s + lead] in SUPERSCRIPTS or doc.text[s + lead] == " "):
                lead += 1
            if lead and sents:  # "Europe.¹ Success": the marker closes the sentence before
                sents[-1][1] = s + len(doc.text[s : s + lead].rstrip())
                s += lead
            if s < e:
                sents.append([s, e])
            elif sents:
                sents[-1][1] = e
        out.extend((p0 + s, p0 + e) for s, e in sents)
    return out
