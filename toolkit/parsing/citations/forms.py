"""How citations are written: the patterns every stage of the parser recognises them by.

Signals ("See also", "Cf.", "Vgl."), Ibid. and its kin, locators and pages, dates,
letters ("Seward to Adams, March 2, 1864"), authors, quoted and italic titles,
publication facts ("(London, 1930)"), journals, newspapers, printed primary sources
(FRUS, congressional documents, Hansard, ...), classical references ("Thuc. 1.22"),
pointers into the same publication, "hereafter" definitions.
"""

from __future__ import annotations

import re

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
DEFINES = re.compile(r"\((?:hereafter|henceforth|hereinafter)(?:\s+(?:cited|referred to)\s+as)?\s+(?P<abbr>[^()]+?)\)", re.I)
ITALIC = re.compile(r"\*[^*]+\*")
AUTHOR_LEAD = re.compile(r"^[^,;:]{0,60}?\b(?:are|is|was|were|include|includes|by|in)\s+(?=[A-Z])")


def strip_signal(raw: str) -> str:
    """A citation without its leading connective ("and", "also") and signal ("See", "Cf.")."""
    body = raw
    if (m := CONNECTIVE.match(body)) is not None and not re.match(r"(?:and|or|also)\s+[A-Z]\w+,", body):
        body = body[m.end():]
    if (m := SIGNAL.match(body)) is not None:
        body = body[m.end():]
    return body
