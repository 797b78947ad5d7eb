"""Resolving Ibid. and short forms to the citation they lean on, and what each citation reaches.

`resolve_citations` works within one document: an Ibid. leans on the citation just
before it (in its note, or the last source of the note before), following chains; "X,
op. cit." on the last work by X; a short form on the full citation it abbreviates (by
a "hereafter" title, by author and title words, or on the blanket location of letters
given earlier), and where the full citation only comes later, on that. `resolve_publication`
does the same across the documents of one publication. Afterwards every citation's
`reaches` holds the archival references it reaches, its own or those it leans on.
"""

from __future__ import annotations

import re
import unicodedata

from toolkit.parsing.archives import Reference
from toolkit.parsing.citations.citation import (
    ARCHIVAL, COMMENTARY, CROSS_REFERENCE, FULL, IBID, MANUSCRIPT, PRINTED_PRIMARY, PUBLISHED, SHORT_FORM,
    UNPARSED, Citation, ParsedNote,
)
from toolkit.parsing.citations.forms import DATE, FACTS, LETTER, PAGES, URL, strip_signal
from toolkit.parsing.citations.roles import note_role

NAME_STOP = {"the", "a", "an", "of", "and", "in", "on", "to", "for", "at", "by", "with", "from", "vol", "p", "pp", "no"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec"}


def _words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", s.lower())


def _keywords(cit: Citation) -> set[str]:
    """The words a short form must share with its full citation: author and title, no locator."""
    body = strip_signal(cit.raw)
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
    body = strip_signal(cit.raw)
    return not re.search(r"\bCong\.|\bStat\.|\bSess\.|^Foreign Relations,\s*\d{4}", body)


def _volume_of(raw: str) -> str | None:
    m = re.search(r"\b(?:Vol\.|Volume)\s*([\dIVXivx]+)\b", raw)
    return m.group(1).upper() if m else None


def _matches(short: Citation, full: Citation) -> int:
    """0: no; 1: author/title words; 2: the short title it defined ("hereafter Message, 1861")."""
    if full.kind not in FULL or full is short or not _is_full(full):
        return 0
    body = strip_signal(short.raw)
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


def _best_match(short: Citation, cits: list[Citation], upto: int) -> tuple[int, int] | None:
    """(score, index) of the full citation `short` best matches among cits[:upto]; of equal
    scores, the later citation."""
    best: tuple[int, int] | None = None
    for j in range(upto - 1, -1, -1):
        score = _matches(short, cits[j])
        if score and (best is None or score > best[0]):
            best = (score, j)
            if score == 2:
                break
    return best


def resolve_citations(notes: list[ParsedNote]) -> None:
    """Point every Ibid. and short form at the note it leans on, and fill `reaches`."""
    for n, note in enumerate(notes):
        for k, cit in enumerate(note.citations):
            if cit.kind == SHORT_FORM:
                found = _find_full(notes, n, k, cit)
                if found is not None:
                    cit.resolves_to, cit.target = found
                    cit.chain = [found[0]]
                elif not cit.author and not LETTER.match(strip_signal(cit.raw)):
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
    body = strip_signal(cit.raw)
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
        hit = _best_match(cit, cits, k if i == n else len(cits))
        if hit is not None and (best is None or hit[0] > best[0]):
            best = (hit[0], i, hit[1])
            if hit[0] == 2:
                return i, hit[1]
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
                        hit = _best_match(cit, on.citations, len(on.citations))
                        if hit is not None and (best is None or hit[0] > best[0]):
                            best = (hit[0], i, hit[1])
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
