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
    # As tesseract reads it from a scan: a zero for O, a period lost, a space before a slash.
    ("PRO F.0. 371/3298 /3346.", [("PRO", "FO 371", "3298", "3346")]),
    ("PRO FO. 371/3298/4558.", [("PRO", "FO 371", "3298", "4558")]),
    ("PRO F.0. 371/3298/2880; 371/3299 /3167.", [("PRO", "FO 371", "3298", "2880"), ("PRO", "FO 371", "3299", "3167")]),
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
    # The same as OCR'd: the grave accents read as acute, the capital's lost, the dashes plain.
    ("France, Archives du Ministére des Affaires Etrangéres, Quai d'Orsay, Paris. Record Group: "
     "La Guerre de 1914-1918. Russie, Action des Allies; Volume 32; Folios 62-63.",
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


# --- styles ------------------------------------------------------------------------------------

from toolkit.parsing.citations import MANUSCRIPT, PRINTED_PRIMARY, resolve_publication, to_csl  # noqa: E402
from toolkit.terms import CitationKind, NoteRole  # noqa: E402


def one(archives, *notes):
    return parse_notes(list(notes), archives)


def test_kinds_are_the_terms_enum(archives):
    note = one(archives, "PRO F.O. 371/3298/1957.")[0]
    assert isinstance(note.citations[0].kind, CitationKind) and note.citations[0].kind == "archival"
    assert note.role == NoteRole.EVIDENCE == "evidence"


def test_chicago_archival_nara_hierarchy(archives):
    cit = one(archives, "George Williamson to Fish, June 24, 1874, NARA, RG 59, M219, Despatches From U.S. "
                        "Ministers to Central America, 1824–1906, Roll 28.")[0].citations[0]
    assert cit.kind == ARCHIVAL
    assert (cit.repository, cit.collection_or_series, cit.unit) == ("NARA", "RG 59", "M219, Roll 28")
    assert (cit.author, cit.title, cit.year) == ("George Williamson", "George Williamson to Fish, June 24, 1874", "1874")
    cdf = one(archives, "Grew to Margaret Hanna, April 30, 1926, NARA, RG 59, CDF 1910–1929, 116.3/1047.")[0].citations[0]
    assert (cdf.unit, cdf.item) == ("CDF 1910–1929", "116.3/1047")


def test_nara_microfilm_rolls_give_one_reference_each(archives):
    cit = one(archives, "Bingham to Fish, 1874–1876, NARA, RG 59, M133, Despatches from U.S. Ministers to Japan, "
                        "Rolls 28, 29, 30, 31, 32 and 33.")[0].citations[0]
    assert [r.volume for r in cit.references] == [f"M133, Roll {n}" for n in range(28, 34)]
    assert len(cit.reaches) == 6


def test_library_of_congress_and_university_papers(archives):
    note = one(archives, "Fish to Marsh, May 3, 1870, LCM, Fish Papers, Container 67; Marsh to Fish, June 1, 1870, "
                         "University of Vermont, George P. Marsh Papers.")[0]
    assert [c.kind for c in note.citations] == [MANUSCRIPT, MANUSCRIPT]
    assert [(c.repository, c.collection_or_series, c.unit) for c in note.citations] == [
        ("Library of Congress", "Fish Papers", "Container 67"),
        ("University of Vermont", "George P. Marsh Papers", None)]


def test_british_journal_page_after_the_year_is_not_a_volume(archives):
    cit = one(archives, "E. G. Ravenstein, 'The Laws of Migration', Journal of the Statistical Society of London, "
                        "48 (1885), 167-235.")[0].citations[0]
    assert cit.kind == PUBLISHED
    assert (cit.author, cit.title, cit.unit, cit.year, cit.pages) == (
        "E. G. Ravenstein", "The Laws of Migration", "48", "1885", "167-235")


def test_classical_citations_are_not_split_at_their_abbreviations(archives):
    note = one(archives, "Thuc. 1.22.1; Cic. Att. 5.10.3; Tac. Ann. 15.44.")[0]
    assert [c.raw for c in note.citations] == ["Thuc. 1.22.1", "Cic. Att. 5.10.3", "Tac. Ann. 15.44"]
    assert {c.kind for c in note.citations} == {PRINTED_PRIMARY}
    assert note.citations[1].pages == "5.10.3"


def test_printed_primary_sources(archives):
    note = one(archives, "Journals of the House of Commons, vol. 23 (1737–41), p. 45; London Bills of Mortality, 1665; "
                         "Congressional Record, 64th Cong., 1st Sess., p. 3; New York Times, May 10, 1895; "
                         "Foreign Relations, 1871, pp. 97–111.")[0]
    assert [c.kind for c in note.citations] == [PRINTED_PRIMARY] * 5
    assert note.citations[3].author is None and note.citations[3].container == "New York Times"


def test_authors_after_a_lead_in_and_identifications(archives):
    note = one(archives, "The two classics are Merle Fainsod, *How Russia is Ruled* (Cambridge, MA, 1953), and "
                         "Adam Ulam, *The Bolsheviks* (New York, 1965).")[0]
    assert [(c.kind, c.author) for c in note.citations] == [(PUBLISHED, "Merle Fainsod"), (PUBLISHED, "Adam Ulam")]
    ident = one(archives, "Boris A. Bakhmeteff, head of the Russian mission to the United States, and later, "
                          "July 5, 1917, Ambassador at Washington.")[0]
    assert [c.kind for c in ident.citations] == [COMMENTARY] and ident.role == NoteRole.EDITORIAL


def test_german_ebd_and_aao(archives):
    notes = one(archives, "Hans Meyer, *Die Politik des Reiches* (Berlin, 1925), S. 45.", "Ebd., S. 47.",
                "Vgl. Karl Schulz, *Der Krieg* (Leipzig, 1930), S. 3.", "Meyer, a.a.O., S. 50.",
                "BArch, R 43 I/1234; PA AA, R 14433.")
    assert (notes[1].citations[0].kind, notes[1].citations[0].resolves_to, notes[1].citations[0].locator) == (IBID, 0, "S. 47")
    assert (notes[3].citations[0].kind, notes[3].citations[0].resolves_to) == (IBID, 0)  # Meyer, not Schulz
    assert [(r.archive, r.series, r.item) for c in notes[4].citations for r in c.references] == [
        ("BArch", "R 43 I", "1234"), ("PAAA", "R", "14433")]


def test_french_archives_nationales_and_op_cit(archives):
    notes = one(archives, "Pierre Renouvin, *La crise européenne* (Paris, 1934), p. 12.",
                "AN, F7 13489; Renouvin, op. cit., p. 45.")
    an, opcit = notes[1].citations
    assert (an.kind, an.repository, an.collection_or_series, an.item) == (ARCHIVAL, "Archives nationales", "F7", "13489")
    assert (opcit.kind, opcit.resolves_to, opcit.target) == (IBID, 0, 0)


def test_russian_fond_opis_delo(archives):
    note = one(archives, "AVPRF, f. 04, op. 32, d. 12, l. 34; GARF, f. 5881, op. 2, d. 7.")[0]
    assert [r.key for c in note.citations for r in c.references] == [
        ("AVPRF", "f. 04, op. 32", "12", "34"), ("GARF", "f. 5881, op. 2", "7", None)]


def test_ibid_leans_on_the_citation_just_before_not_the_archive(archives):
    note = one(archives, "PRO F.O. 371/3298/1957; Smith, *A Book* (London, 1930), p. 3; ibid., p. 5.")[0]
    pro, smith, ibid = note.citations
    assert (ibid.kind, ibid.resolves_to, ibid.target) == (IBID, 0, 1)
    assert ibid.reaches == [] and smith.reaches == []
    assert [r.key for r in pro.reaches] == [("PRO", "FO 371", "3298", "1957")]


def test_ibid_after_a_note_not_recognized_as_a_citation(archives):
    notes = one(archives, "Francis O. Lindley, British Commissioner in Russia.", "Ibid.")
    assert (notes[1].citations[0].kind, notes[1].citations[0].resolves_to) == (IBID, 0)


def test_short_forms_by_author_and_title_keyword(archives):
    notes = one(archives, "Allan Nevins, *Hamilton Fish: The Inner History of the Grant Administration* (New York, 1936).",
                "Nevins, *Fish*, p. 632.", "*Hamilton Fish*, p. 640.")
    assert [(c.kind, c.resolves_to) for n in notes[1:] for c in n.citations] == [(SHORT_FORM, 0), (SHORT_FORM, 0)]


def test_short_forms_across_the_documents_of_a_publication(archives):
    ch1 = one(archives, "Message of the President of the United States to the Two Houses of Congress (Washington: "
                        "Government Printing Office, 1861) (hereafter Message, 1861), p. 4.")
    ch2 = one(archives, "Seward to Adams, April 10, 1861, Message, 1861, p. 76.", "Ibid., p. 77.")
    resolve_publication([("ch1", ch1), ("ch2", ch2)])
    short, ibid = ch2[0].citations[0], ch2[1].citations[0]
    assert (short.kind, short.resolves_to_document, short.resolves_to) == (SHORT_FORM, "ch1", 0)
    assert (ibid.resolves_to_document, ibid.resolves_to) == ("ch1", 0)


def test_csl_json(archives):
    journal = one(archives, "E. G. Ravenstein, 'The Laws of Migration', Journal of the Statistical Society of London, "
                            "48 (1885), 167-235.")[0].citations[0]
    assert to_csl(journal, "r1") == {
        "id": "r1", "type": "article-journal", "author": [{"family": "Ravenstein", "given": "E. G."}],
        "title": "The Laws of Migration", "container-title": "Journal of the Statistical Society of London",
        "issued": {"date-parts": [[1885]]}, "page": "167-235", "volume": "48"}
    papers = one(archives, "Root to Roosevelt, July 2, 1906, LCM, Root Papers, Box 186, Part 2, p. 405.")[0].citations[0]
    csl = to_csl(papers)
    assert (csl["type"], csl["archive"], csl["archive_location"], csl["page"]) == (
        "manuscript", "Library of Congress", "Root Papers, Box 186, Part 2", "405")
    book = one(archives, "Daniel N. Hoffman, Governmental Secrecy and the Founding Fathers (Westport, CT: "
                         "Greenwood Press, 1981), p. 165.")[0].citations[0]
    assert {k: to_csl(book)[k] for k in ("type", "title", "publisher", "publisher-place")} == {
        "type": "book", "title": "Governmental Secrecy and the Founding Fathers", "publisher": "Greenwood Press",
        "publisher-place": "Westport, CT"}


def test_pydantic_error_names_file_entry_and_field(tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text('[[archive]]\nid = "RGASPI"\n[[archive.pattern]]\nname = "x"\nregx = "typo"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"mine\.toml, archive #1 \(RGASPI\), pattern #1, field `regex`: is missing"):
        load_archives([bad])
    bad.write_text('[[archive]]\nid = "X"\nkind = "papers"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"mine\.toml, archive #1 \(X\), field `kind`"):
        load_archives([bad])


def test_load_archives_reads_the_environment_only_outside_parsing(tmp_path):
    import toolkit.parsing.archives as parsing_archives

    assert not hasattr(parsing_archives, "load_archives")
    extra = tmp_path / "env.toml"
    extra.write_text('[[archive]]\nid = "Y"\n[[archive.pattern]]\nregex = \'\'\'YARCH (?P<items>{items})\'\'\'\n'
                     'series = "all"\n', "utf-8")
    archives = load_archives(environ={"TOOLKIT_ARCHIVES": str(extra)})
    assert [r.key for r in archives.find("YARCH 12")] == [("Y", "all", None, "12")]
