"""Sentences and suggested claims."""

from __future__ import annotations

import functools

from toolkit.parsing import sentences as sentences_module
from toolkit.parsing.document import parse_document
from toolkit.parsing.sentences import split_sentences


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text, [(0, len(text))])]


def test_scholarly_abbreviations_do_not_end_sentences():
    text = ("Developed by V. I. Lenin and Leon Trotsky this policy spread. The figure of L.M. Karakhan "
            "is remarkable. See PRO F.O. 371 for the papers, cf. p. 304 and pp. 58-60. Ibid. was cited.")
    assert sentences(text) == [
        "Developed by V. I. Lenin and Leon Trotsky this policy spread.",
        "The figure of L.M. Karakhan is remarkable.",
        "See PRO F.O. 371 for the papers, cf. p. 304 and pp. 58-60.",
        "Ibid. was cited.",
    ]


def test_a_marker_closes_the_sentence_before_it():
    assert sentences("Revolution failed in Europe.¹² Success came later.³") == [
        "Revolution failed in Europe.¹²", "Success came later.³"]


def test_suggested_claims(seeds, archives):
    debo = parse_document((seeds / "debo-litvinov-kamenev.txt").read_text("utf-8"), archives)
    markers = {fn.marker.start: i for i, fn in enumerate(debo.layout.footnotes)}
    claimed = sorted(i for c in debo.claims for i in c.footnotes)
    assert claimed == list(range(67))  # every marker sits in exactly one suggested claim
    for c in debo.claims:
        assert c.rule == "marker"
        assert all(c.start <= debo.layout.footnotes[i].marker.start < c.end for i in c.footnotes)
    assert all(any(c.start <= pos < c.end for c in debo.claims) for pos in markers)

    abstract = parse_document((seeds / "karakhan-abstract.txt").read_text("utf-8"), archives)
    assert abstract.kind == "abstract"
    assert len(abstract.claims) == len(abstract.sentences) == 16
    assert all(c.footnotes == [] and c.rule == "sentence" for c in abstract.claims)

    telegram = parse_document((seeds / "frus-1918-russia-861.00-763.txt").read_text("utf-8"), archives)
    assert telegram.kind == "primary-source"
    texts = [telegram.text[c.start:c.end] for c in telegram.claims]
    assert texts[0].startswith("Judson’s visit to Trotsky exciting comment")
    assert not any(t.startswith(("File No.", "[Telegram]", "The Ambassador in Russia")) for t in texts)


def test_long_texts_go_through_in_pieces_with_the_same_sentences(monkeypatch):
    paragraph = "The envoy left on 3 March. He met V. I. Lenin at once.¹ Nothing came of it. "
    text = "\n\n".join((paragraph * k).strip() for k in (1, 3, 2, 8, 1, 3))
    paras, pos = [], 0
    for part in text.split("\n\n"):
        paras.append((pos, pos + len(part)))
        pos += len(part) + 2
    whole = split_sentences(text, paras)
    assert len(whole) == 18 * 3
    monkeypatch.setattr(sentences_module, "PIECE", 700)  # pieces cut at paragraph starts only
    assert len(sentences_module._pieces(text, paras, 700)) == 3
    assert split_sentences(text, paras) == whole
    # a paragraph longer than a piece is cut at a space: no crash, sentences split there
    monkeypatch.setattr(sentences_module, "PIECE", 300)
    cut = split_sentences(text, paras)
    assert len(cut) > len(whole) and all(e - s <= 300 for s, e in cut)


@functools.lru_cache(maxsize=1)
def _spacy_blank():
    import spacy
    from spacy.attrs import ORTH
    from spacy.util import compile_suffix_regex

    nlp = spacy.blank("en")
    for abbr in sentences_module.ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    nlp.tokenizer.suffix_search = compile_suffix_regex(
        [f"[{sentences_module.SUPERSCRIPTS}]+", *nlp.Defaults.suffixes]).search
    nlp.tokenizer.url_match = None
    nlp.add_pipe("sentencizer")
    return nlp


def _spacy_sentences(text, spans):
    """The reference: `spacy.blank("en")` with our exceptions, suffix and URL rules and the
    sentencizer, one call on the whole text, sentences read from `doc.sents` and cut at the
    paragraphs as `split_sentences` cuts them (what `split_sentences` did before it built only
    the tokenizer and applied the sentencizer's rule to arrays)."""
    raw = [(s.start_char, s.end_char) for s in _spacy_blank()(text).sents]
    out = []
    for p0, p1 in spans:
        para = []
        for s0, s1 in raw:
            s, e = max(s0, p0), min(s1, p1)
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            lead = s
            while lead < e and text[lead] in sentences_module.SUPERSCRIPTS_AND_SPACE:
                lead += 1
            if lead > s and para:
                end = lead
                while end > s and text[end - 1] == " ":
                    end -= 1
                para[-1][1] = end
                s = lead
            if s < e:
                para.append([s, e])
        out.extend(tuple(p) for p in para)
    return out


def test_the_sentences_are_spacys_blank_english_with_the_sentencizer(monkeypatch, seeds):
    """The tokenizer is called on chunks and the sentencizer's rule applied to arrays: the
    sentences are still those of the whole spaCy pipeline, whatever the whitespace between
    the chunks and however small they are."""
    tricky = ("The envoy left on 3 March.  He met V. I. Lenin at once.¹\n\nNothing (et al.) came of it!\t"
              "“Yes,” he said. \n  p. 304 and F.O. 371.\xa0Then\u2003the end...\n\n\n\"Quote.\" Next;"
              " i.e. this ? and that !? ¹² Another. \r\nU.S. Mr. Smith's dog didn't. et\nal. et  al. et al.")
    texts = [tricky, " " + tricky, "\n" + tricky + "\n"]
    texts += [(seeds / name).read_text("utf-8") for name in
              ("debo-litvinov-kamenev.txt", "frus-1918-russia-861.00-763.txt", "karakhan-abstract.txt")]
    for chunk in (1, 50, sentences_module.CHUNK):
        monkeypatch.setattr(sentences_module, "CHUNK", chunk)
        for text in texts:
            paras, pos = [], 0
            for part in text.split("\n\n"):
                paras.append((pos, pos + len(part)))
                pos += len(part) + 2
            for spans in ([(0, len(text))], paras):
                assert split_sentences(text, spans) == _spacy_sentences(text, spans), (chunk, text[:40])
