"""Archival references, citation kinds, Ibid. chains and short forms."""

from __future__ import annotations

import re

import pytest

from toolkit.errors import ConfigError
from toolkit.archives_config import load_archives
from toolkit.parsing.citations import (
    ARCHIVAL, COMMENTARY, CROSS_REFERENCE, IBID, PUBLISHED, SHORT_FORM, UNPARSED, parse_note, parse_notes,
)
from toolkit.parsing.document import parse_document


def keys(archives, text, definitions=None):
    return [r.key for r in archives.find(text, definitions)]


@pytest.mark.parametrize("text, expected", [
    ("PRO F.O. 371/3298/1957.", [("PRO", "FO 371", "3298", "1957")]),
    ("Great Britain, Public Record Office, London. Foreign Office Papers, Record Group 371, "
     "Volume 3020, Document 237030.", [("PRO", "FO 371", "3020", "237030")]),
    ("Great Britain, Public Record Office, London. Cabinet Papers, Record Group 23, Volume 4, Folio 278.",
     [("PRO", "CAB 23", "4", "278")]),
    ("MAE, Guerre, Russie, Action des Allies, 32/74-75.",
     [("MAE", "Guerre, Russie, Action des Allies", "32", "74-75")]),
    ("MAE, *Guerre, Russie, Action des Allies*, 32/76-78, 86.",
     [("MAE", "Guerre, Russie, Action des Allies", "32", "76-78"),
      ("MAE", "Guerre, Russie, Action des Allies", "32", "86")]),
    ("See also PRO F.O. 371/3019/229362; 371/3020/233970, 242028.",
     [("PRO", "FO 371", "3019", "229362"), ("PRO", "FO 371", "3020", "233970"),
      ("PRO", "FO 371", "3020", "242028")]),
    ("France, Archives du Ministère des Affaires Étrangères, Quai d'Orsay, Paris. Record Group: "
     "La Guerre de 1914–1918. Russie, Action des Allies; Volume 32; Folios 62–63.",
     [("MAE", "Guerre, Russie, Action des Allies", "32", "62-63")]),
    ("File No. 861.00/763", [("NARA", "RG 59", None, "861.00/763")]),
    ("File Nos. 661.119/3420, 304g, 304h, and 861.51/451c.",
     [("NARA", "RG 59", None, "661.119/3420"), ("NARA", "RG 59", None, "661.119/304g"),
      ("NARA", "RG 59", None, "661.119/304h"), ("NARA", "RG 59", None, "861.51/451c")]),
    ("TNA, FO 371/3315/19692.", [("PRO", "FO 371", "3315", "19692")]),
    ("Ullman, *Intervention and the War*, pp. 58–60.", []),
    ("371/3020/233970 with nothing before it.", []),  # a continuation needs a reference first
])
def test_references_are_normalized(archives, text, expected):
    assert keys(archives, text) == expected


def test_definition_teaches_an_archive_the_patterns_do_not_know(archives):
    note = parse_note("Arkhiv vneshnei politiki Rossiiskoi Federatsii, Moscow. Hereafter cited as "
                      "AVPRF, followed by fond, volume and item.", archives)
    assert [d.abbreviation for d in note.definitions] == ["AVPRF"]
    later = parse_note("AVPRF, Fond Chicherina, 4/12-14, 16.", archives, note.definitions)
    assert [c.kind for c in later.citations] == [ARCHIVAL]
    assert [r.key for r in later.citations[0].references] == [
        ("AVPRF", "Fond Chicherina", "4", "12-14"), ("AVPRF", "Fond Chicherina", "4", "16")]
    # without the definition it is not an archival reference
    assert parse_note("AVPRF, Fond Chicherina, 4/12-14, 16.", archives).citations[0].kind != ARCHIVAL


def test_user_archive_file_extends_the_patterns(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[archive]]\nid = "RGASPI"\nname = "Russian State Archive of Socio-Political History"\n'
        '[[archive.pattern]]\nname = "f./op./d."\n'
        "regex = '''RGASPI,\\s+f\\.\\s*(?P<fond>\\d+),\\s+op\\.\\s*(?P<opis>\\d+),\\s+d\\.\\s*(?P<items>{items})'''\n"
        'series = "f. {fond}, op. {opis}"\n', "utf-8")
    archives = load_archives([extra])
    assert keys(archives, "RGASPI, f. 17, op. 3, d. 45, 47.") == [
        ("RGASPI", "f. 17, op. 3", None, "45"), ("RGASPI", "f. 17, op. 3", None, "47")]
    assert keys(archives, "PRO F.O. 371/3298/1957.") == [("PRO", "FO 371", "3298", "1957")]


def test_bad_archive_file_names_the_file_and_the_fix(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[archive]]\nid = \"X\"\n[[archive.pattern]]\nregex = '''(unclosed'''\n", "utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml, archive #1 \(X\), pattern #1, field `regex`: the regex does not compile"):
        load_archives([bad])


def test_debo_citations_resolve(seeds, archives):
    doc = parse_document((seeds / "debo-litvinov-kamenev.txt").read_text("utf-8"), archives)
    by_label = {fn.label: (i, note) for i, (fn, note) in enumerate(zip(doc.layout.footnotes, doc.notes))}

    def cits(label):
        return by_label[label][1].citations

    def refs(label):
        return [r.key for r in doc.note_references[by_label[label][0]]]

    label_of = [fn.label for fn in doc.layout.footnotes]
    # Ibid. resolves to the note before, with its own locator where it has one
    assert [(c.kind, label_of[c.resolves_to]) for c in cits("7")] == [(IBID, "6")]
    assert refs("7") == [("PRO", "FO 371", "3298", "2689")]
    assert refs("20") == [("PRO", "FO 371", "3299", "37234")]
    assert (cits("28")[0].kind, label_of[cits("28")[0].resolves_to], cits("28")[0].locator) == (IBID, "27", "p. 304")
    # a chain: 33 is Ibid. of 32, a short form of 24
    ibid33 = cits("33")[0]
    assert ibid33.kind == IBID and label_of[ibid33.resolves_to] == "24"
    assert [label_of[i] for i in ibid33.chain] == ["32", "24"]
    assert ibid33.locator == "p. 215"
    # short forms point at the full citation
    assert [(c.kind, label_of[c.resolves_to]) for c in cits("32")] == [(SHORT_FORM, "24")]
    assert (cits("34")[0].kind, label_of[cits("34")[0].resolves_to]) == (SHORT_FORM, "22")
    assert (cits("25")[0].signal, label_of[cits("25")[0].resolves_to]) == ("cited in", "2")
    # "henceforth cited as" notes and the references that follow them
    assert refs("4") == [("PRO", "FO 371", "3020", "237030"), ("PRO", "FO 371", "3019", "229362"),
                         ("PRO", "FO 371", "3020", "233970"), ("PRO", "FO 371", "3020", "242028")]
    assert [c.kind for c in cits("4")] == [ARCHIVAL, COMMENTARY, ARCHIVAL, ARCHIVAL]
    assert refs("9") == [("PRO", "CAB 23", "4", "278")]
    assert refs("53") == [("PRO", "FO 371", "3315", "46733"), ("PRO", "FO 371", "3299", "36404")]
    assert refs("38") == [("MAE", "Guerre, Russie", "29", "5"), ("PRO", "FO 371", "3299", "32015")]
    assert len(refs("56")) == 5
    assert [c.kind for c in cits("1")].count(PUBLISHED) == 5


def test_every_archival_reference_in_debo_is_normalized(seeds, archives):
    """Every "N/N/N" or "N/N" item in the notes ends up in a normalized reference."""
    source = (seeds / "debo-litvinov-kamenev.txt").read_text("utf-8")
    doc = parse_document(source, archives)
    for fn, note in zip(doc.layout.footnotes, doc.notes):
        text = fn.note.text
        found = {r.item for c in note.citations for r in c.references}
        for m in re.finditer(r"\b\d+/(\d+[-–]?\d*)(?:/(\d+))?", text):
            item = (m.group(2) or m.group(1)).replace("–", "-")
            assert item in found, (fn.label, m.group(0))
        for r in (r for c in note.citations for r in c.references):
            assert r.archive in ("PRO", "MAE") and r.series and r.volume and r.item


def test_nothing_in_a_note_is_dropped(seeds, archives):
    doc = parse_document((seeds / "debo-litvinov-kamenev.txt").read_text("utf-8"), archives)
    for fn, note in zip(doc.layout.footnotes, doc.notes):
        covered = set()
        for c in note.citations:
            assert fn.note.text[c.start : c.end] == c.raw
            covered.update(range(c.start, c.end))
        leftover = "".join(ch for i, ch in enumerate(fn.note.text) if i not in covered)
        # only separators (closing periods included) and connectives between citations are left over
        assert re.sub(r"\b(?:and|or)\b", "", leftover).strip(" ;,.") == "", (fn.label, leftover)


def test_kinds_on_small_notes(archives):
    def kinds(*notes):
        return [[c.kind for c in n.citations] for n in parse_notes(list(notes), archives)]

    assert kinds("Vol. ii, p. 122.", "Printed in full, ante, p. 6.") == [[CROSS_REFERENCE], [CROSS_REFERENCE]]
    assert kinds("Francis O. Lindley, British Commissioner in Russia.") == [[COMMENTARY]]
    assert kinds("Smith, *A Book of Some Kind* (London, 1930), p. 4; Jones, *Other* (Paris, 1931).") == [
        [PUBLISHED, PUBLISHED]]
    assert kinds("*Secret Notes of Nobody*, fol. 7 (typescript).") == [[UNPARSED]]
    unresolved = parse_notes(["Nobody, *Unknown Book*, p. 3."], archives)[0].citations[0]
    assert unresolved.kind == SHORT_FORM and unresolved.resolves_to is None


def test_frus_cross_references_agree_with_the_answer_key(archives):
    """Measured, not exact: FRUS's own kinds differ from ours at the edges ("The same, ...")."""
    import json

    from conftest import corpus_path

    folder = corpus_path("frus-dev", "russia-1918-v3")
    agree = total = 0
    for txt in sorted(folder.glob("d*.txt")):
        key = json.loads(txt.with_suffix(".json").read_text("utf-8"))
        doc = parse_document(txt.read_text("utf-8"), archives)
        for note, k in zip(doc.notes, key["footnotes"]):
            if k["kind"] != "cross-reference":
                continue
            total += 1
            agree += any(c.kind in (CROSS_REFERENCE, IBID) for c in note.citations)
    assert total == 99
    assert agree / total >= 0.9, f"{agree}/{total}"
