"""Sentences and suggested claims."""

from __future__ import annotations

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
