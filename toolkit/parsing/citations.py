"""Split notes into citations, classify them, resolve Ibid. and short forms.

`parse_notes(notes, archives)` takes the texts of a document's notes in order
and returns, for each note, its citations (kinds: `toolkit.terms.CitationKind`):

- ``archival``: records of an institution, one `Reference` per item cited (see `archives`);
- ``manuscript-collection``: personal papers ("LCM, Root Papers, Box 186");
- ``printed-primary``: FRUS, congressional documents, statutes, newspapers, editions of papers;
- ``published``: a book, article or web page (Chicago, British, French, German styles);
- ``short-form``: "Nevins, *Fish*, p. 632", "Message, 1861, p. 4", resolved to the full citation;
- ``ibid``: Ibid., idem, id., op. cit., loc. cit., ebd., a.a.O., resolved along chains;
- ``cross-reference``: another place of the same publication ("vol. ii, p. 28", "ante", "note 5 above");
- ``commentary``: the author's or editor's own words, one per sentence;
- ``unparsed``: looks like a citation but fits no form; kept verbatim, never dropped.

Each note gets a role (`note_role`: evidence, editorial, cross-reference, mixed), and
each citation the archival references it *reaches* (`Citation.reaches`: its own, or
those of the citation its Ibid. or short form leans on) so that storage and views
read them instead of working them out again. `resolve_publication` resolves short
forms across the documents of one publication (chapters of a book); `to_csl` gives
a CSL-JSON item for a citation.

Pure: text in, data out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from toolkit.parsing.archives import Archives, Definition, Reference
from toolkit.terms import CitationKind, NoteRole

ARCHIVAL = CitationKind.ARCHIVAL
MANUSCRIPT = CitationKind.MANUSCRIPT_COLLECTION
PRINTED_PRIMARY = CitationKind.PRINTED_PRIMARY
PUBLISHED = CitationKind.PUBLISHED
SHORT_FORM = CitationKind.SHORT_FORM
IBID = CitationKind.IBID
CROSS_REFERENCE = CitationKind.CROSS_REFERENCE
COMMENTARY = CitationKind.COMMENTARY
UNPARSED = CitationKind.UNPARSED
KINDS = tuple(CitationKind)
SOURCES = (ARCHIVAL, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED, SHORT_FORM, IBID)
FULL = (ARCHIVAL, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED)

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
SIGNAL = re.compile(
    r"(?P<signal>See also|Also see|See especially|See generally|But see|See, for example,|See, e\.g\.,|See"
    r"|Cited in|Quoted in|Quote from|Cf\.|Compare|Vgl\.|Voir|For [^;]{3,200}?,\s*see(?: also| especially)?)\s+",
    re.I,
)
CONNECTIVE = re.compile(r"(?:and|or|also)\s+", re.I)
IBID_RE = re.compile(
    r"\*?\s*(?:ibid(?:em)?|ebd|ebenda|a\.\s?a\.\s?O|idem|id|op\.\s*cit|loc\.\s*cit)\b\.?\s*\*?(?:[.,:]\s*|\s+|$)",
    re.I,
)
AUTHOR_OP_CIT = re.compile(
    r"(?P<author>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2}),\s+\*?(?:op\.\s*cit|loc\.\s*cit|a\.\s?a\.\s?O)\b\.?\*?", re.I)
LOCATOR = re.compile(
    r"(?:\b(?:pp?|vol|fols?|ff|cols?|S)\.\s*[\divxlcIVXLC]+(?:\s*[-–]\s*[\divxlc]+)?"
    r"(?:\s*,\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?(?!\d*\)))*(?:,\s*(?:footnote|n\.)\s*\d+)?"
    r"|\b\d+:\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)"
)
PAGES = re.compile(
    r"(?:(?:notes on )?\b(?:pp?|S|ff?)\.\s*[\dxivlc]+[a-zA-Z]*(?:\s*[-–]\s*\d+(?:ff)?)?"
    r"(?:(?:\s*,\s*|\s+and\s+)\d+(?:\s*[-–]\s*\d+)?(?:ff)?)*(?:ff\.?)?|(?<=\d{4}\)),\s*\d+(?:\s*[-–]\s*\d+)?)"
)
CROSS_REF = re.compile(
    r"(?:^(?:[Aa]nte|[Pp]ost|[Ss]upra|[Ii]nfra)|\b(?:ante|post|supra|infra))\b(?!-)"
    r"|\b[Vv]ol\.\s+[ivx]+\b(?=,\s*pp?\.)"
    r"|\b(?:foot)?notes?\s+\d+(?:\s*(?:,|and)\s*\d+)*\s+(?:above|below)\b|^(?:foot)?notes?\s+\d+(?:\s+and\s+\d+)*$"
    r"|\bfootnote\s+\d+\b"
    r"|^(?:[Cc]hapter\s+\d+|[Aa]ppendix\s+[A-Z]|[Pp]art\s+[IVX]+)\b|\b(?:in|see|of)\s+(?:[Cc]hapter\s+\d+|[Aa]ppendix\s+[A-Z]\b|[Pp]art\s+[IVX]+\b)"
    r"|\b(?:[Cc]hapter\s+\d+|[Aa]ppendix\s+[A-Z])\s+(?:above|below)\b|\b(?:discussed|cited) in (?:chapter|appendix)\b"
    r"|^(?:Printed|Not printed; see|Aide-mémoire|Dated)\b|^in full\b",
)
CHAPTER_POINTER = re.compile(r"^(?:[Cc]hapter\s+\d+|[Aa]ppendix\s+[A-Z]|[Pp]art\s+[IVX]+)\s+\w+")
TITLE_QUOTED = re.compile(r"“(?P<t>[^”]+?)[,.]?”|\"(?P<t2>[^\"]+?)[,.]?\"|(?<![\w’'])‘(?P<t3>[^’]+?)[,.]?’(?!\w)|(?<![\w'])'(?P<t4>[^']+?)[,.]?'(?!\w)|\*(?P<t5>[^*]+)\*")
FACTS = re.compile(  # (Place: Publisher, 1981); (London, 1930); (1885); [Washington: ..., 1901]
    r"[(\[](?P<facts>[^()\[\]]*?\b(?P<year>1[4-9]\d\d|20\d\d)(?:\s*[-–]\s*\d{2,4})?)\s*[)\]]"
)
YEAR = re.compile(r"\b(1[4-9]\d\d|20\d\d)(?:\s*[-–]\s*(?:1[4-9]\d\d|20\d\d))?\b")
URL = re.compile(r"https?://\S+|\bwww\.\S+")
DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\s*,?\s*\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
)
LETTER = re.compile(  # "Seward to Adams, March 2, 1864", "Hanna memo of April 3, 1907"
    r"^(?P<author>(?:[A-Z][\w.'’-]*\s+){0,5}?[A-Z][\w.'’-]*(?:\s+\([^)]*\))?)\s+(?:to\s+(?:[A-Za-z][\w.'’-]*\s*){1,8}?"
    r"|memo(?:randum)? of\s+),?\s*(?:" + DATE.pattern[2:] + r")"
)
AUTHOR = re.compile(  # "Daniel N. Hoffman, ", "Sara A. Wallace and Frances E. Gillespie, eds., "
    r"^(?!(?:When|In|After|Before|While|Although|Because|Since|For|The|This|That|Nevertheless|However|Moreover)\b)(?P<author>(?:[A-Z][\w'’.-]*\.?\s+){0,4}[A-Z][\w'’-]+(?:\s+(?:and|&)\s+(?:[A-Z][\w'’.-]*\.?\s+){0,4}[A-Z][\w'’-]+)?)"
    r",\s+(?:(?:ed|eds|hrsg|dir|comp|trans)\.,\s+)?(?=\S)"
)
JOURNAL = re.compile(  # ", Duke Law Journal 77, no. 1 (March 1977)", ", Journal of the Statistical Society, 48 (1885)"
    r"(?P<container>[A-Z][^,“”\"()]*?),?\s+(?P<volume>\d{1,3}|[ivxlc]+)(?:,\s*(?P<issue>no\.\s*\d+))?,?\s*\((?P<date>[^()]*\d{4}[^()]*)\)"
)
NEWSPAPER = re.compile(
    r"\b(?:The\s+)?(?:New York|Washington|Chicago|London|Boston|Baltimore|Philadelphia|Manchester|St\. Louis)?\s*"
    r"(?:Daily\s+)?(?:Herald|Times|Post|Tribune|Gazette|Chronicle|Sun|World|Guardian|Courier|Journal|Izvestiia|Izvestia|Pravda"
    r"|Le Temps|Le Monde|Le Figaro|Frankfurter Zeitung|Vossische Zeitung)\b(?:\s*\([A-Z][a-z]+\))?,\s*"
    r"(?:(?:No\.\s*\d+,\s*)?(?:of\s+)?)?(?:" + DATE.pattern[2:] + r"|(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.\s+\d{1,2}\b)"
)
PRINTED_PRIMARY_RE = re.compile(
    r"\bForeign Relations(?:,\s*\d{4}|\s+of the United States)|\bFRUS\b(?:,\s*\d{4})|\bPapers Relating to the Foreign Relations"
    r"|\bAnnals of Congress\b|\bCongressional (?:Globe|Record)\b|\b\d+(?:st|nd|rd|th|d)\s+Cong\.|\b\d+\s+Stat\.\s+\d+"
    r"|\b(?:HED|SED|HMD|SMD)\s+\d+|\b[HS]\.\s?(?:Ex\.\s?)?(?:Doc|Rpt|Rept|rpt|Misc)\.|\bHearings?\b(?: Before| on|,)|\bHouse Committee on"
    r"|\bRegister of the Department of State\b|\bAmerican State Papers\b|\bPapers of (?:George|Thomas|John|James|Abraham)\b"
    r"|\bCollected Works of\b|\bWorks of (?:Alexander|Thomas|John)\b|\bJournal of (?:Benjamin|the (?:House|Senate)\b)|\bMessage (?:of|from) the President\b"
    r"|\bStatutes at Large\b|\bChecklist of United States Public Documents\b|\bForeign Affairs Handbook\b|\bHistorical Tables: Budget\b"
    r"|\bCollection of Decrees\b|\bGazette of the\b|\bHouse of Commons\b|\bHouse of Lords\b|\bHansard\b|\bParliamentary (?:Debates|Papers|History)\b"
    r"|\bBills? of Mortality\b|\bJournals? of the House\b|\b(?:Cmd|Cd|Command)\.?\s*\d+|\bDocuments diplomatiques\b|\bDocuments on British Foreign Policy\b"
    r"|\bBritish Documents on the Origins\b|\bAkten zur deutschen auswärtigen Politik\b|\bDie [Gg]ro(?:ss|ß)e Politik\b|\bDokumenty vneshnei politiki\b"
    r"|\bReichsgesetzblatt\b|\bJournal officiel\b|\bMoniteur\b|\bCalendar of State Papers\b|\bState Papers,? (?:Domestic|Foreign)\b"
    r"|\bRules and Regulations Governing\b|\bAppropriation Bill\b|\bSundry Civil Bill\b|\bReport of (?:the )?Congressional\b"
    r"|\bInternational Union of American Republics\b|\bPublic Law\s+\d+|\bExecutive Documents?\b"
)
GOVERNMENT_PRINTER = re.compile(r"Government Printing Office|GPO|H\.?M\.?S\.?O\.?|Imprimerie [Nn]ationale|Gales and Seaton")
CLASSICAL = re.compile(
    r"^(?P<author>[A-Z][a-z]{1,7}\.?)(?:\s+(?P<work>[A-Z][a-z]{1,7}\.?))?\s+(?P<loc>[\divxlc]+(?:\.\d+){1,3}(?:\s*[-–]\s*\d+)?)(?:\s*[,;]\s*\d+(?:\.\d+)*)*\.?$"
)
WEB = re.compile(r"\bwebsite\b|https?://", re.I)
DEFINES = re.compile(r"\((?:hereafter|henceforth|hereinafter)(?:\s+(?:cited|referred to)\s+as)?\s+(?P<abbr>[^()]+?)\)", re.I)
BLANKET = re.compile(r"\b(?:Unless otherwise (?:noted|stated|indicated)|All documents cited)\b", re.I)
SHARED_LOCATION = re.compile(r"\b(?:both|all)\s+(?:in|at)\s*$|\bin\s*$")
PROSE = {
    "was", "were", "is", "are", "had", "has", "have", "did", "not", "which", "that", "would", "could", "also",
    "because", "when", "but", "this", "these", "it", "he", "she", "they", "his", "her", "their", "its", "there",
    "been", "be", "only", "who", "whom", "than", "then", "however", "although", "while", "should", "may", "might",
    "will", "can", "any", "such", "more", "most", "very", "even", "so", "as", "if", "all", "one", "we",
}
NAME_STOP = {"the", "a", "an", "of", "and", "in", "on", "to", "for", "at", "by", "with", "from", "vol", "p", "pp", "no"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec"}


@dataclass
class Citation:
    """One citation in a note; offsets are into the note's normalized text."""

    raw: str
    start: int
    end: int
    kind: str
    signal: str | None = None
    locator: str | None = None
    author: str | None = None
    title: str | None = None
    references: list[Reference] = field(default_factory=list)
    resolves_to: int | None = None  # index of the note it finally leans on
    target: int | None = None  # index of that citation in the note
    chain: list[int] = field(default_factory=list)  # notes followed on the way
    # Fields as the gold has them
    repository: str | None = None  # normalized: "NARA", "Library of Congress", "The National Archives (Kew)"
    collection_or_series: str | None = None  # "RG 59", "Root Papers", "FO 371"
    unit: str | None = None  # box, roll, volume as written; a journal's volume and issue
    item: str | None = None  # file or document number
    year: str | None = None
    pages: str | None = None
    container: str | None = None  # journal, newspaper or series the work appears in
    publisher: str | None = None
    place: str | None = None
    url: str | None = None
    defines: str | None = None  # "(hereafter Message, 1861)": the short title this citation defines
    resolves_to_document: str | None = None  # set when the full citation is in another document
    reaches: list[Reference] = field(default_factory=list)  # archival references reached (own or leaned on)


@dataclass
class ParsedNote:
    citations: list[Citation]
    definitions: list[Definition]
    role: str = NoteRole.EDITORIAL
    blanket: bool = False  # "Unless otherwise noted, ... see NARA, RG 59, ...": a location for later letters


def parse_notes(notes: list[str], archives: Archives) -> list[ParsedNote]:
    """Parse every note of a document, in order, and resolve them against each other."""
    definitions: list[Definition] = []
    parsed: list[ParsedNote] = []
    for text in notes:
        note = parse_note(text, archives, definitions)
        definitions = definitions + note.definitions
        parsed.append(note)
    resolve_citations(parsed)
    return parsed


def parse_note(text: str, archives: Archives, definitions: list[Definition] | None = None) -> ParsedNote:
    """Split one note into classified citations (not yet resolved)."""
    refs = archives.find(text, definitions)
    learned = archives.learn_definitions(text, refs)
    protected = sorted({(r.start, r.end) for r in refs})
    citations = []
    for start, end in segment_note(text, protected):
        cit = _classify(text, start, end, [r for r in refs if start <= r.start < end])
        if cit is not None:
            citations.append(cit)
    citations = _merge_shared_locations(text, citations)
    note = ParsedNote(citations, learned)
    note.blanket = bool(BLANKET.search(text)) and any(c.kind in (ARCHIVAL, MANUSCRIPT) for c in citations)
    note.role = note_role(note)
    return note


# --- splitting -------------------------------------------------------------------------------


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


def _merge_shared_locations(text: str, cits: list[Citation]) -> list[Citation]:
    """"X to Y, date; Z to W, date, both in NARA, RG 59, …": one citation from the first letter
    to the location, which is stated once for all of them."""
    out: list[Citation] = []
    for cit in cits:
        if cit.kind in (ARCHIVAL, MANUSCRIPT) and cit.references:
            before = text[cit.start : cit.references[0].start]
            if SHARED_LOCATION.search(before) or re.search(r"\bboth\b|\ball\b", before):
                k = len(out)
                while k > 0 and out[k - 1].kind in (SHORT_FORM, UNPARSED, COMMENTARY) and LETTER.match(
                        _strip_signal(out[k - 1].raw)) and re.fullmatch(r"[\s.,]*(?:;|and)\s*(?:see also\s+)?",
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


def _strip_signal(raw: str) -> str:
    body = raw
    if (m := CONNECTIVE.match(body)) is not None and not re.match(r"(?:and|or|also)\s+[A-Z]\w+,", body):
        body = body[m.end():]
    if (m := SIGNAL.match(body)) is not None:
        body = body[m.end():]
    return body


# --- classifying -----------------------------------------------------------------------------


def _classify(text: str, start: int, end: int, refs: list[Reference]) -> Citation | None:
    raw = text[start:end]
    body = raw
    signal = None
    if (m := CONNECTIVE.match(body)) is not None:
        body = body[m.end() :]
    if (m := SIGNAL.match(body)) is not None:
        signal = m.group("signal").lower()
        if signal.startswith("for "):
            signal = "see"
        body = body[m.end() :]
    cit = Citation(raw=raw, start=start, end=end, kind=UNPARSED, signal=signal)
    locators = LOCATOR.findall(body)
    cit.locator = locators[-1].strip() if locators else None
    pages = PAGES.findall(body)
    cit.pages = pages[-1].strip(" ,") if pages else None
    if (m := DEFINES.search(body)) is not None:
        cit.defines = m.group("abbr").strip(" ,.")
    if (m := IBID_RE.match(body)) is not None or (m := AUTHOR_OP_CIT.match(body)) is not None:
        cit.kind = IBID
        if "author" in m.groupdict():
            cit.author = m.group("author")
        rest = body[m.end() :]
        own = LOCATOR.findall(rest)
        cit.locator = own[-1].strip() if own else None
        cit.pages = cit.locator
        if CROSS_REF.search(rest) and not own:
            cit.kind = CROSS_REFERENCE
        return cit
    if refs:
        cit.references = refs
        cit.reaches = list(refs)
        cit.kind = MANUSCRIPT if all(r.kind == MANUSCRIPT for r in refs) else ARCHIVAL
        first = refs[0]
        cit.repository = first.repository or first.archive
        cit.collection_or_series = first.series
        cit.unit = first.volume
        cit.item = first.item if len(refs) == 1 else ", ".join(dict.fromkeys(r.item for r in refs if r.item)) or None
        outside = text[start:refs[0].start] + " " + text[refs[-1].end:end]  # pages are not in the reference
        pages = PAGES.findall(outside)
        cit.pages = pages[-1].strip(" ,") if pages else None
        _letter_fields(cit, body)
        return cit
    if EDITORIAL_START.match(body):  # "The same, mutatis mutandis, ...", "Note in the margin of MS.: ..."
        return _commentary(cit)
    if (a := AUTHOR.match(body)) is not None and re.match(r"[a-z]", body[a.end():]) and not (
            TITLE_QUOTED.search(body) or PAGES.search(body) or FACTS.search(body) or refs):
        return _commentary(cit)  # "Boris A. Bakhmeteff, head of the Russian mission ...": an identification
    if CROSS_REF.search(body) and not FACTS.search(body) and not _prose(body, strict=True):
        cit.kind = CROSS_REFERENCE
        return cit
    if CHAPTER_POINTER.match(body):
        cit.kind = CROSS_REFERENCE
        return cit
    if (m := CLASSICAL.match(body)) is not None:
        cit.kind = PRINTED_PRIMARY
        cit.author = m.group("author")
        cit.title = m.group("work")
        cit.pages = cit.locator = m.group("loc")
        return cit
    facts = FACTS.search(body)
    _publication_fields(cit, body, facts)
    looks_cited = bool(facts or cit.pages or URL.search(body) or DATE.search(body) or TITLE_QUOTED.search(body)
                       or JOURNAL.search(body) or cit.defines)
    if _prose(body) and not (facts or cit.pages or URL.search(body)):
        return _commentary(cit)
    if not looks_cited and not PRINTED_PRIMARY_RE.search(body) and not NEWSPAPER.search(body):
        if ITALIC.search(body) or cit.locator:
            return cit  # citation-like, no known form: unparsed
        return _commentary(cit)
    if _prose(body, strict=True) and not facts and not cit.pages:
        return _commentary(cit)
    if (paper := NEWSPAPER.search(body)) is not None and (paper.start() < 3 or quoted_before(body, paper.start())):
        cit.kind = PRINTED_PRIMARY
        cit.author = None
        cit.container = re.sub(r",\s*(?:No\.|of\b).*$|,\s*\S+\s+\d.*$", "", paper.group(0)).strip(" ,")
        cit.title = cit.title if TITLE_QUOTED.search(body) else cit.container
        return cit
    if PRINTED_PRIMARY_RE.search(body) or NEWSPAPER.search(body):
        if not (cit.author and GOVERNMENT_PRINTER.search(body) and not re.search(r"\beds?\.", body)
                and not PRINTED_PRIMARY_RE.search(body)):
            cit.kind = PRINTED_PRIMARY
            return cit
    if facts and GOVERNMENT_PRINTER.search(body) and not cit.author:
        cit.kind = PRINTED_PRIMARY
        return cit
    if facts or URL.search(body) or JOURNAL.search(body):
        cit.kind = PUBLISHED
        if re.search(r"\beds?\.,", body) and LETTER.match(body):
            cit.kind = PRINTED_PRIMARY
        return cit
    # No publication facts: a short form of a work cited in full elsewhere (or a letter
    # whose location is given once for many, "Unless otherwise noted").
    if cit.title or cit.author or LETTER.match(body) or cit.pages:
        cit.kind = SHORT_FORM
        return cit
    return cit


ITALIC = re.compile(r"\*[^*]+\*")
AUTHOR_LEAD = re.compile(r"^[^,;:]{0,60}?\b(?:are|is|was|were|include|includes|by|in)\s+(?=[A-Z])")
EDITORIAL_START = re.compile(r"^(?:The same\b|Not printed\b|Not found\b|Not received\b|Note (?:in the margin|on)\b"
                             r"|Footnote in the original\b|Sent (?:at|to)\b)")


def quoted_before(body: str, pos: int) -> bool:
    """Is the newspaper named right after a quoted headline ("“Gaillard Hunt Dies,” Washington Post, ...")?"""
    return bool(re.search(r"[”\"'’*]\s*,?\s*(?:the\s+)?$", body[:pos]))


def _commentary(cit: Citation) -> Citation:
    cit.kind = COMMENTARY
    cit.locator = cit.pages = cit.author = cit.title = cit.year = None
    cit.container = cit.unit = cit.publisher = cit.place = cit.url = None
    return cit


SUBJECT_VERB = re.compile(
    r"^(?:(?:The|This|That|These|Those|In|On|By|At|For|After|Before|When|While|Although)\s+)?(?:[A-Z][\w’'.-]*\s+){1,4}"
    r"(?:\w+ed|was|were|had|did|wrote|told|made|became|took|sent|gave|led|held|left|began|met|saw|knew|thought"
    r"|found|noted|served|joined|include[sd]?|contained|is|are|has|have|appears?|seems?)\b(?!\s+(?:in|by)\s+[A-Z][\w\s]*,\s*\d)"
)


PASSIVE = re.compile(
    r"\b(?:was|were|is|are|has been|have been|had been|had|has)\s+(?:(?:first|also|not|then|later|originally|only|"
    r"usually|routinely|still)\s+)?(?:\w+ed|\w+en|been|made|sent|held|led|left|assigned|written|given|known|a|an|the)\b"
)


def _prose(body: str, strict: bool = False) -> bool:
    """Does this read as the author's own sentence rather than a citation?"""
    words = re.findall(r"[A-Za-z’']+", URL.sub("", body))
    if not words:
        return False
    lower = [w.lower() for w in words]
    hits = sum(1 for w in lower if w in PROSE)
    if strict:
        return hits >= 3 and hits / len(words) > 0.12
    if not strict and (SUBJECT_VERB.match(body) or PASSIVE.search(body)) and not LETTER.match(body):
        return True
    verbs = sum(1 for w in lower if re.fullmatch(r"\w+ed|\w+ing", w) and w not in {"united", "limited", "red"})
    return (hits >= 2 and hits / len(words) > 0.08) or (hits >= 1 and verbs >= 2 and len(words) > 8)


def _letter_fields(cit: Citation, body: str) -> None:
    m = LETTER.match(body)
    if m is not None:
        cit.author = m.group("author").strip()
        cit.title = body[: m.end()].strip()
    elif (q := TITLE_QUOTED.search(body)) is not None:
        cit.title = next(g for g in q.groups() if g)
        a = AUTHOR.match(body)
        cit.author = a.group("author") if a and a.end() <= q.start() + 1 else None
    years = YEAR.findall(body[: cit.references[0].start - cit.start] if cit.references else body)
    cit.year = years[-1] if years else None


def _publication_fields(cit: Citation, body: str, facts: re.Match[str] | None) -> None:
    """Author, title, container, volume, year, place and publisher of a printed work."""
    letter = LETTER.match(body)
    author = AUTHOR.match(body)
    quoted = TITLE_QUOTED.search(body)
    if letter is not None:
        cit.author = letter.group("author").strip()
    elif author is not None and not PRINTED_PRIMARY_RE.match(body) and not re.match(r"(?:The|A|An)\s", body):
        name = author.group("author")
        if len(name.split()) <= 9 and not DATE.search(name) and not re.search(r"\d", name):
            cit.author = name
    elif (lead := AUTHOR_LEAD.match(body)) is not None and (a2 := AUTHOR.match(body[lead.end():])) is not None:
        cit.author = a2.group("author")  # "The two classics are Merle Fainsod, *How Russia is Ruled* ..."
    elif (m := re.match(r"(?:statement of |testimony of )?(?P<a>(?:[A-Z][\w.]*\s+){0,3}[A-Z][\w]+)’s testimony\b|statement of (?P<b>(?:[A-Z][\w.]*\s+){1,3}[A-Z]\w+)", body)):
        cit.author = m.group("a") or m.group("b")
    if quoted is not None:
        cit.title = next(g for g in quoted.groups() if g).strip()
        after = body[quoted.end():]
        if (j := JOURNAL.match(after.lstrip(" ,"))) is not None:
            cit.container = j.group("container").strip()
            cit.unit = j.group("volume") + (f", {j.group('issue')}" if j.group("issue") else "")
        elif (c := re.match(r"[,\s]*([A-Z][^,()]+?)\s*[,(]", after)) is not None:
            cit.container = c.group(1).strip()
    else:
        rest = body[author.end():] if cit.author and author is not None and letter is None else body
        if letter is not None:
            rest = body[letter.end():].lstrip(" ,")
            rest = re.sub(r"^(?:printed |reprinted )?in\s+", "", rest)
        stop = re.search(r"\s*(?:\(|,\s*(?:Vol\.|Volume|\d+(?:st|nd|rd|th|d) (?:ed\.|Cong\.)|\d+ vols\.|pp?\.|p\.|S\.)|\[|,?\s*https?://|,\s*\d{1,4}(?:,|\s*$)|$)", rest)
        title = rest[: stop.start()] if stop else rest
        title = re.sub(r"^(?:in|the)\s+(?=[A-Z])", "", title.strip(" ,.")) if title else title
        cit.title = title or None
    vol = re.search(r"\b(?:Vol\.|Volume|Bd\.|t\.)\s*[\dIVXLivxl]+\b|\b\d+ vols\.", body)
    if vol is not None and cit.unit is None:
        cit.unit = vol.group(0)
    if (m := re.search(r"\b\d+(?:st|nd|rd|th|d)\s+Cong\.,?\s+\d+(?:st|nd|rd|th|d)\.?\s+Sess\.(?:,\s*[HS][^,]*?\d+\s*\((?:Ser|Serial)\.?\s*\d+\))?", body)):
        cit.unit = m.group(0)
    if facts is not None:
        cit.year = facts.group("year")
        parts = facts.group("facts")
        pm = re.match(r"\s*(?P<place>[^:,]+(?:,\s*[A-Z]{2}\b)?):\s*(?P<pub>[^,]+),", parts)
        if pm is not None:
            cit.place, cit.publisher = pm.group("place").strip(), pm.group("pub").strip()
        elif (pm := re.match(r"\s*(?P<place>[A-Z][^,\d]+),\s*\d{4}", parts)) is not None:
            cit.place = pm.group("place").strip()
        yr = re.search(r"(1[4-9]\d\d|20\d\d)\s*[-–]\s*(\d{2,4})", parts)
        if yr is not None and "(" + parts + ")" in body and re.fullmatch(r"\s*\d{4}\s*[-–]\s*\d{2,4}\s*", parts):
            cit.year = yr.group(0)
        # British and French journals: "48 (1885), 167-235": the number after the year is a page range
        if cit.pages is None and (pg := re.match(r"\s*[,:]\s*(\d+(?:\s*[-–]\s*\d+)?)\s*\.?$", body[facts.end():])):
            cit.pages = pg.group(1)
    else:
        years = YEAR.findall(body)
        cit.year = years[-1] if years else None
    if (u := URL.search(body)) is not None:
        cit.url = u.group(0).rstrip(".,;)")


# --- roles -----------------------------------------------------------------------------------


def note_role(note: ParsedNote) -> str:
    """evidence, editorial, cross-reference or mixed (definitions in the gold's README)."""
    kinds = [c.kind for c in note.citations]
    sources = any(k in SOURCES or k == UNPARSED for k in kinds)
    pointers = any(k == CROSS_REFERENCE for k in kinds)
    comments = [c for c in note.citations if c.kind == COMMENTARY]
    if sources and pointers:
        return NoteRole.MIXED
    if pointers:
        return NoteRole.MIXED if comments else NoteRole.CROSS_REFERENCE
    if not sources:
        return NoteRole.EDITORIAL
    if comments and any(_editorial_comment(c, note) for c in comments):
        return NoteRole.MIXED
    return NoteRole.EVIDENCE


EDITORIAL_HINTS = re.compile(
    r"^(?:Not printed|Not found|Text corrected|This telegram|This decree|The translation|The same\b|In a despatch|The decree"
    r"|The “|The heads|The plan|Landing of|Footnote in)|\b(?:was|were) (?:a member|the (?:only|first))\b"
    r"|\bwas itself\b|\bconsisted of\b|\bIronically\b|\bBy way of comparison\b|\bIn the 19th century\b|\bNevertheless\b"
    r"|\bmay (?:also )?(?:have|be)\b|\bwas a member of\b|\bwas organized\b|\bHanna’s areas\b",
)


def _editorial_comment(cit: Citation, note: ParsedNote) -> bool:
    """Commentary that does editorial work of its own (identifies, gives background), not
    commentary that reports what the cited sources say."""
    return bool(EDITORIAL_HINTS.search(cit.raw))


# --- resolving -------------------------------------------------------------------------------


def _words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", s.lower())


def _keywords(cit: Citation) -> set[str]:
    """The words a short form must share with its full citation: author and title, no locator."""
    body = _strip_signal(cit.raw)
    body = PAGES.sub(" ", body)
    body = re.sub(r"\b(?:Vol\.|Volume)\s*[\dIVXivx]+\b|\bnotes? on\b", " ", body)
    body = DATE.sub(" ", body)
    return {w for w in _words(body)
            if w not in NAME_STOP and w not in MONTHS and (not w.isdigit() or re.fullmatch(r"1[5-9]\d\d", w))}


def _full_words(cit: Citation) -> set[str]:
    facts = FACTS.search(cit.raw)
    head = cit.raw[: facts.start()] if facts else cit.raw
    return set(_words(head)) | set(_words(cit.defines or ""))


def _is_full(cit: Citation) -> bool:
    """Does the citation give the work in full (publication facts, a location, a URL, a defined short title)?"""
    return bool(cit.references or cit.defines or FACTS.search(cit.raw) or URL.search(cit.raw))


def _maybe_short(cit: Citation) -> bool:
    """A printed citation without publication facts may be a short form of a full one."""
    if cit.kind not in (PRINTED_PRIMARY, PUBLISHED, UNPARSED) or _is_full(cit):
        return False
    body = _strip_signal(cit.raw)
    return not re.search(r"\bCong\.|\bStat\.|\bSess\.|^Foreign Relations,\s*\d{4}", body)


def _volume_of(raw: str) -> str | None:
    m = re.search(r"\b(?:Vol\.|Volume)\s*([\dIVXivx]+)\b", raw)
    return m.group(1).upper() if m else None


def _matches(short: Citation, full: Citation) -> int:
    """0: no; 1: author/title words; 2: the short title it defined ("hereafter Message, 1861")."""
    if full.kind not in FULL or full is short or not _is_full(full):
        return 0
    body = _strip_signal(short.raw)
    if full.defines and _words(full.defines) and " ".join(_words(full.defines)) in " ".join(_words(body)):
        return 2
    keys = _keywords(short)
    if not keys:
        return 0
    words = _full_words(full)
    if keys <= words:
        return 1
    # "Basler, Papers of Abraham Lincoln, Vol. IV" -> "Roy Basler, ed., Collected Works of Abraham Lincoln, Vol. IV"
    if short.author and full.author:
        surname = _words(short.author)[-1:]
        if surname and surname[0] in _words(full.author) and len(keys & words) >= 3 and len(keys & words) > 0.6 * len(keys):
            return 1
    return 0


def resolve_citations(notes: list[ParsedNote]) -> None:
    """Point every Ibid. and short form at the note it leans on, and fill `reaches`."""
    for n, note in enumerate(notes):
        for k, cit in enumerate(note.citations):
            if cit.kind == SHORT_FORM:
                found = _find_full(notes, n, k, cit)
                if found is not None:
                    cit.resolves_to, cit.target = found
                    cit.chain = [found[0]]
                elif not cit.author and not LETTER.match(_strip_signal(cit.raw)):
                    cit.kind = UNPARSED  # a bare title no full citation explains (another document may)
            elif cit.kind == IBID:
                _resolve_ibid(notes, n, k, cit)
            elif _maybe_short(cit):  # "Moran, Journal, December 22, 1862, Vol. II, p. 1099"
                found = _find_full(notes, n, k, cit)
                if found is not None:
                    cit.kind = SHORT_FORM
                    cit.resolves_to, cit.target = found
                    cit.chain = [found[0]]
    for n, note in enumerate(notes):
        for cit in note.citations:
            _fill_reach(notes, n, cit)
        note.role = note_role(note)


def _find_full(notes: list[ParsedNote], n: int, k: int, cit: Citation) -> tuple[int, int] | None:
    body = _strip_signal(cit.raw)
    letter = LETTER.match(body)
    bare_letter = letter is not None and not re.search(
        r",\s*[A-Z][^,]*,\s*(?:\d{4}|p\.|pp\.)|\bp\.|\bpp\.|\bVol\.", DATE.sub("", body[letter.end():]))
    if bare_letter:  # "Wilson to Root, March 11, 1907": the blanket location given earlier
        for i in range(n, -1, -1):
            if notes[i].blanket and i != n:
                j = next(j for j, c in enumerate(notes[i].citations) if c.kind in (ARCHIVAL, MANUSCRIPT))
                return i, j
    best: tuple[int, int, int] | None = None
    for i in range(n, -1, -1):
        cits = notes[i].citations
        upto = k if i == n else len(cits)
        for j in range(upto - 1, -1, -1):
            score = _matches(cit, cits[j])
            if score and (best is None or score > best[0]):
                best = (score, i, j)
                if score == 2:
                    return i, j
        if best is not None and best[0] == 1 and i < n:
            vol = _volume_of(cit.raw)
            if vol is None or _volume_of(notes[best[1]].citations[best[2]].raw) == vol:
                return best[1], best[2]
    if best is not None:
        return best[1], best[2]
    # "where the full citation only comes later, that note"
    vol = _volume_of(cit.raw)
    for i in range(n + 1, len(notes)):
        for j, full in enumerate(notes[i].citations):
            if _matches(cit, full) and (vol is None or _volume_of(full.raw) in (vol, None)):
                return i, j
    return None


def _resolve_ibid(notes: list[ParsedNote], n: int, k: int, cit: Citation) -> None:
    if cit.author:  # "Renouvin, op. cit., p. 45": the last work by that author
        surname = _words(cit.author)[-1:]
        for i in range(n, -1, -1):
            cits = notes[i].citations
            for j in range(min(k, len(cits)) - 1 if i == n else len(cits) - 1, -1, -1):
                if cits[j].kind in FULL and surname and surname[0] in _words(cits[j].author or cits[j].raw[:60]):
                    cit.resolves_to, cit.target, cit.chain = i, j, [i]
                    return
    sources = [c for c in notes[n].citations[:k] if c.kind not in (COMMENTARY,)]
    if sources:  # "…; see also ibid., p. 571": the citation just before, same note
        j = notes[n].citations.index(sources[-1])
        target_note, target = n, j
    elif n > 0:
        target_note = n - 1
        cits = notes[n - 1].citations
        cands = [j for j, c in enumerate(cits) if c.kind != COMMENTARY]
        if not cands:  # "Ibid." after a note not recognized as a citation: it is one
            if not cits:
                return
            cands = [len(cits) - 1]
        target = cands[-1]  # the source cited immediately before
    else:
        return
    chain = [target_note]
    leaned = notes[target_note].citations[target]
    if leaned.kind == CROSS_REFERENCE:  # FRUS: "Ibid., p. 31, footnote 1" after a pointer into the series
        cit.kind = CROSS_REFERENCE
        return
    if leaned.kind in (IBID, SHORT_FORM) and leaned.resolves_to is not None and leaned.target is not None:
        chain.extend(x for x in leaned.chain if x not in chain)
        target_note, target = leaned.resolves_to, leaned.target
    cit.resolves_to, cit.target, cit.chain = target_note, target, chain
    if cit.locator is None:
        cit.locator = notes[target_note].citations[target].locator


def _fill_reach(notes: list[ParsedNote], n: int, cit: Citation) -> None:
    if cit.kind in (ARCHIVAL, MANUSCRIPT):
        cit.reaches = list(cit.references)
    elif cit.kind in (IBID, SHORT_FORM) and cit.resolves_to is not None and cit.target is not None \
            and cit.resolves_to_document is None:
        target = notes[cit.resolves_to].citations[cit.target]
        cit.reaches = list(target.reaches if target.kind in (IBID, SHORT_FORM) else target.references)
        if target.kind in (ARCHIVAL, MANUSCRIPT) and cit.repository is None:
            cit.repository, cit.collection_or_series = target.repository, target.collection_or_series
    elif cit.kind not in (IBID, SHORT_FORM):
        cit.reaches = []


def resolve_publication(documents: list[tuple[str, list[ParsedNote | None]]]) -> None:
    """Resolve short forms across the documents of one publication (chapters of a book, in order):
    a short form left unresolved in its own document leans on the latest earlier document
    holding the full citation; it gets `resolves_to_document`, `resolves_to` (the note's
    index in that document's list), `target` and `reaches`."""
    for d, (_, notes) in enumerate(documents):
        for n, note in enumerate(notes):
            if note is None:
                continue
            for cit in note.citations:
                if cit.resolves_to is not None or not (cit.kind == SHORT_FORM or _maybe_short(cit)):
                    continue
                found = None
                for e in range(d - 1, -1, -1):
                    other = documents[e][1]
                    best = None
                    for i in range(len(other) - 1, -1, -1):
                        on = other[i]
                        if on is None:
                            continue
                        for j in range(len(on.citations) - 1, -1, -1):
                            score = _matches(cit, on.citations[j])
                            if score and (best is None or score > best[0]):
                                best = (score, i, j)
                        if best is not None and best[0] == 2:
                            break
                    if best is not None:
                        found = (e, best[1], best[2])
                        break
                if found is None:
                    continue
                e, i, j = found
                target = documents[e][1][i].citations[j]  # type: ignore[union-attr]
                cit.kind = SHORT_FORM
                cit.resolves_to_document = documents[e][0]
                cit.resolves_to, cit.target, cit.chain = i, j, [i]
                cit.reaches = list(target.reaches)
        # Ibid. leaning on a short form resolved just now follows it
        for n, note in enumerate(notes):
            for cit in note.citations if note else []:
                if cit.kind == IBID and cit.resolves_to is not None and cit.target is not None:
                    leaned = notes[cit.resolves_to].citations[cit.target]  # type: ignore[union-attr]
                    if leaned.resolves_to_document is not None and cit.resolves_to_document is None:
                        cit.resolves_to_document = leaned.resolves_to_document
                        cit.resolves_to, cit.target = leaned.resolves_to, leaned.target
                        cit.reaches = list(leaned.reaches)


def effective_references(notes: list[ParsedNote], n: int) -> list[Reference]:
    """A note's archival references after following Ibid. and short forms (read from `reaches`)."""
    out: list[Reference] = []
    seen: set[tuple] = set()
    for cit in notes[n].citations:
        for ref in cit.reaches:
            if ref.key not in seen:
                seen.add(ref.key)
                out.append(ref)
    return out


def citation_references(notes: list[ParsedNote], n: int, cit: Citation) -> list[Reference]:
    """The archival references a citation reaches (its own, or those it leans on)."""
    return list(cit.reaches)


# --- CSL-JSON --------------------------------------------------------------------------------


def _csl_name(name: str) -> list[dict[str, str]]:
    out = []
    for person in re.split(r"\s+(?:and|&)\s+", re.sub(r",?\s*\beds?\.$", "", name.strip())):
        parts = person.split()
        if len(parts) == 1:
            out.append({"family": parts[0]})
        else:
            out.append({"family": parts[-1], "given": " ".join(parts[:-1])})
    return out


def to_csl(citation: Citation, id: str | None = None) -> dict[str, Any]:
    """A CSL-JSON item (Zotero, citeproc) for one parsed citation; for Ibid. and short forms,
    what the citation itself says (resolve first, and export the target's for the full item)."""
    c = citation
    kind = c.kind
    item: dict[str, Any] = {"id": id or f"cit-{c.start}-{c.end}"}
    if kind in (ARCHIVAL, MANUSCRIPT):
        item["type"] = "manuscript"
        ref = c.references[0] if c.references else None
        item["archive"] = c.repository or (ref.archive if ref else None)
        location = [x for x in (c.collection_or_series, c.unit, c.item) if x]
        item["archive_location"] = ", ".join(location) or None
        item["archive_collection"] = c.collection_or_series
    elif kind == PRINTED_PRIMARY:
        if NEWSPAPER.search(c.raw):
            item["type"] = "article-newspaper"
        elif re.search(r"\bStat\.|Public Law", c.raw):
            item["type"] = "legislation"
        elif re.search(r"\bCong\.|Hearings?\b|\bHED\b|\bSED\b|Doc\.|Rpt\.", c.raw):
            item["type"] = "report"
        else:
            item["type"] = "book"
    elif kind == PUBLISHED:
        if c.container and c.unit and re.match(r"\d", c.unit):
            item["type"] = "article-journal"
        elif c.url and not c.publisher:
            item["type"] = "webpage"
        else:
            item["type"] = "book"
    elif kind in (IBID, SHORT_FORM):
        item["type"] = "document"
        item["note"] = kind
    else:
        item["type"] = "document"
    if c.author:
        item["author"] = _csl_name(c.author)
    if c.title:
        item["title"] = c.title
    if c.container:
        item["container-title"] = c.container
    if c.year:
        parts = [int(y) for y in re.findall(r"\d{4}", c.year)[:1]]
        if parts:
            item["issued"] = {"date-parts": [parts]}
    if c.pages or c.locator:
        item["page"] = re.sub(r"^(?:pp?|S)\.\s*", "", c.pages or c.locator or "")
    if c.unit and kind not in (ARCHIVAL, MANUSCRIPT):
        if (m := re.match(r"(\d+|[ivxlc]+)(?:,\s*no\.\s*(\d+))?$", c.unit)):
            item["volume"] = m.group(1)
            if m.group(2):
                item["issue"] = m.group(2)
        elif (m := re.search(r"\b(?:Vol\.|Volume)\s*([\dIVXivx]+)", c.unit)):
            item["volume"] = m.group(1)
        else:
            item["collection-number"] = c.unit
    if c.publisher:
        item["publisher"] = c.publisher
    if c.place:
        item["publisher-place"] = c.place
    if c.url:
        item["URL"] = c.url
    return {k: v for k, v in item.items() if v is not None}
