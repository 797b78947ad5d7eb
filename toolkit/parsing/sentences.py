"""Sentence boundaries with a blank English spaCy pipeline and our own rules.

No model is downloaded: the tokenizer of `spacy.blank("en")` plus tokenizer exceptions
for the abbreviations of scholarly prose (so "p. 304", "F.O. 371", "V. I. Lenin" do not
end a sentence) and the rule of spaCy's rule-based sentencizer. A footnote marker
rendered as superscript digits belongs to the sentence before it.

Only the tokenizer is built, and the sentencizer's rule is applied to the tokens as
arrays: the same sentences as `spacy.blank("en")` with the sentencizer added (the tests
compare the two), in a third of the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # spaCy is heavy: imported only when sentences are needed
    from spacy.tokenizer import Tokenizer

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Characters handed to spaCy at once past spaCy's own limit (nlp.max_length).
PIECE = 1_000_000
MAX_LENGTH = 1_000_000  # spaCy's own limit: `Language.max_length` unless set otherwise
# Where the tokenizer may be called on the text before and the text after separately and
# give the same tokens as on the whole: after a run of whitespace that is a token of its
# own (anything but the single space that only separates two tokens), before a word.
CUT = re.compile(r"(?:\s{2,}|[^\S ])(?=\S)")
# The tokenizer is called on chunks of at least this many characters, cut at CUT (see
# `_raw_sentences`): short enough for its cache to work, long enough that a text with a
# line break after every word is not a call per word.
CHUNK = 200
SUPERSCRIPTS_AND_SPACE = SUPERSCRIPTS + " "
ABBREVIATIONS = [
    "Ibid.", "ibid.", "IBID.", "Id.", "p.", "pp.", "P.", "Pp.", "vol.", "Vol.", "vols.", "Vols.",
    "no.", "No.", "nos.", "Nos.", "F.O.", "C.O.", "W.O.", "H.O.", "cf.", "Cf.", "ed.", "eds.", "Ed.",
    "Eds.", "ff.", "fol.", "fols.", "col.", "ch.", "chap.", "op.", "cit.", "loc.", "esp.", "trans.",
    "repr.", "n.", "nn.", "ms.", "MS.", "mss.", "Messrs.", "Sept.", "Rs.", "viz.", "ca.", "c.",
    "et al.", "i.e.", "e.g.", "Gen.", "Col.", "Maj.", "Capt.", "Lt.", "Adm.", "Hon.", "Rev.", "Dept.",
]


@dataclass(frozen=True)
class Pipeline:
    """What sentence splitting uses: the tokenizer of `spacy.blank("en")` with our rules, and
    the rule-based sentencizer's punctuation (see `_raw_sentences`)."""

    tokenizer: "Tokenizer"
    punct: "Any"  # numpy array: the ORTH ids of the sentencizer's punctuation characters
    max_length: int = MAX_LENGTH


@lru_cache(maxsize=1)
def load_pipeline() -> Pipeline:
    """The tokenizer of `spacy.blank("en")` with our tokenizer exceptions, and a sentencizer.

    Built directly, as `spacy.blank("en")` builds its tokenizer (the same vocabulary,
    exceptions, prefix, suffix and infix rules), with our changes given at once: adding
    the exceptions one by one and then replacing the suffix and URL rules reloads every
    exception each time, which made loading take three times as long."""
    import numpy
    from spacy.attrs import IS_PUNCT, ORTH
    from spacy.lang.en import English
    from spacy.lang.lex_attrs import LEX_ATTRS
    from spacy.pipeline.sentencizer import Sentencizer
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
    from spacy.vocab import Vocab

    defaults = English.Defaults
    # The tokens do not depend on the lexemes' attributes, and the sentencizer reads one
    # of them: a vocabulary that computes only that one makes each new word three times
    # cheaper than the twenty-odd attributes of spacy.blank("en")'s (`create_vocab`).
    vocab = Vocab(lex_attr_getters={IS_PUNCT: {**LEX_ATTRS, **defaults.lex_attr_getters}[IS_PUNCT]})
    rules = dict(defaults.tokenizer_exceptions)
    rules.update({abbr: [{ORTH: abbr}] for abbr in ABBREVIATIONS})
    tokenizer = Tokenizer(
        vocab,
        rules=rules,
        prefix_search=compile_prefix_regex(defaults.prefixes).search,
        # Initials ("V. I.", "L.M.", "H. H.") are kept whole by the default rules for
        # one capital and a period; dotted runs such as "L.M." and "N.K.I.D." too.
        suffix_search=compile_suffix_regex([f"[{SUPERSCRIPTS}]+", *defaults.suffixes]).search,
        infix_finditer=compile_infix_regex(defaults.infixes).finditer,
        token_match=defaults.token_match,
        # The URL rule is a large regex tried on every token; historical prose has no
        # URLs worth keeping whole, and without it tokenizing is a third faster.
        url_match=None,
    )
    punct = numpy.array(sorted(vocab.strings.add(c) for c in Sentencizer.default_punct_chars), dtype="uint64")
    return Pipeline(tokenizer, punct)


def split_sentences(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans of `text`, kept inside the given paragraphs (never crossing one's edge)."""
    spans = sorted(paragraphs)
    if not spans or not text.strip():
        return []
    # One pass over the whole text, boundaries read as arrays (a Python object per
    # token costs more than the rest), then cut at the paragraph edges. A book longer
    # than spaCy's limit goes through in pieces cut at paragraph starts, which no
    # sentence crosses.
    nlp = load_pipeline()
    raw: list[tuple[int, int]] = []
    for p0, p1 in _pieces(text, spans, min(nlp.max_length, PIECE)):
        raw.extend(_raw_sentences(nlp, text, p0, p1))

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


def _raw_sentences(nlp: Pipeline, text: str, p0: int, p1: int) -> list[tuple[int, int]]:
    """The sentences of text[p0:p1] as spaCy's tokenizer and rule-based sentencizer find them
    (first token to last token of each, whitespace tokens included), as offsets in `text`.

    The same tokens as one tokenizer call on the whole piece, for less: the tokenizer stops
    adding to its cache for the rest of a call once it has met one of its exceptions ("p.",
    "Mr.", "'s"), so on a long text nearly every word went through the prefix, suffix and
    infix rules again. Called on chunks cut where tokens cannot depend on each other (CUT:
    a word starts after a whitespace token; no exception holds such whitespace and more),
    the cache works as on short texts and tokenizing takes about a quarter of the time
    (the TEI volume's 478 documents: 0.76 -> 0.21 s).

    The sentencizer's rule, on arrays: a token starts a sentence when it is neither
    punctuation nor one of the sentence-ending characters, and one of those came after
    the previous such token (the piece's first token always starts one).
    """
    import numpy
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

    tokenizer = nlp.tokenizer
    arrays = []
    begin = p0
    for m in CUT.finditer(text, p0, p1):
        if m.end() - begin >= CHUNK:
            arrays.append((begin, tokenizer(text[begin:m.end()]).to_array([ORTH, IS_PUNCT, IDX, LENGTH])))
            begin = m.end()
    if begin < p1:
        arrays.append((begin, tokenizer(text[begin:p1]).to_array([ORTH, IS_PUNCT, IDX, LENGTH])))
    arrays = [(at, a) for at, a in arrays if len(a)]
    if not arrays:
        return []
    table = numpy.concatenate([a for _, a in arrays])
    orth, punct = table[:, 0], table[:, 1].astype(bool)
    idx = numpy.concatenate([a[:, 2].astype("int64") + at for at, a in arrays])
    length = table[:, 3].astype("int64")
    at = nlp.punct.searchsorted(orth).clip(0, len(nlp.punct) - 1)
    ender = nlp.punct[at] == orth  # the token is one of the sentence-ending characters
    plain = (~punct & ~ender).nonzero()[0]
    enders_before = numpy.concatenate([[0], numpy.cumsum(ender)])  # enders among tokens [0, i)
    seen = enders_before[plain]
    # an ender after the previous plain token (or after the start, for the first one)
    starts = plain[seen > numpy.concatenate([[0], seen[:-1]])].tolist()
    firsts = [0, *starts]
    lasts = [f - 1 for f in firsts[1:]] + [len(table) - 1]
    begins, finishes = idx.tolist(), (idx + length).tolist()
    return [(begins[f], finishes[la]) for f, la in zip(firsts, lasts)]
