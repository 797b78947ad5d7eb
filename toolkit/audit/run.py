"""`audit_store`: the store read a slice of documents at a time, as plain rows, and the audit's rules
applied to each slice (see `toolkit.audit` for what is counted and the findings' codes)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from toolkit.audit.report import CODES, PRIMARY, SCHOLARSHIP, SEVERITIES, AuditReport, Finding, _excerpt, _finding
from toolkit.gc_tuning import fewer_collections
from toolkit.parsing.footnotes import MARKER_REPAIRED, MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.store import all_rows
from toolkit.terms import SUPPORTING_ROLES, CitationKind, ClaimStatus, Origin, Stance, Support

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from toolkit.export import Filters

# The store is read a slice of documents at a time, all the versions of a document in one slice: memory
# holds one slice's claims, notes and what they reach, not the corpus's. A slice ends after the document
# that brings it to SLICE_CLAIMS claims or SLICE_VERSIONS versions (its IN lists stay short).
SLICE_CLAIMS = 6000
SLICE_VERSIONS = 500


def _claims(filters: "Filters", version_ids: list[str]):  # type: ignore[no-untyped-def]
    """The claims the audit counts, of these versions: active ones, annotators' (and suggestions of current
    versions if asked). One row for each note linked to a claim, or one row without a note:
    (id, version_id, text, start, end, footnote_id); start and end only on a version no longer current."""
    from sqlalchemy import case, select
    from sqlalchemy.orm import aliased

    from toolkit.export import claim_conditions
    from toolkit.models import Claim, DocumentVersion, EvidenceLink

    superseded = ~DocumentVersion.is_current
    query = (select(Claim.id, Claim.version_id, Claim.text, case((superseded, Claim.start)),
                    case((superseded, Claim.end)), EvidenceLink.footnote_id)
             .join(DocumentVersion, DocumentVersion.id == Claim.version_id)
             .outerjoin(EvidenceLink, EvidenceLink.claim_id == Claim.id)
             .where(*claim_conditions(filters), Claim.version_id.in_(version_ids)))  # type: ignore[attr-defined]
    if not filters.annotator:
        # A document with gold (toolkit review) counts its gold, not its annotators' claims.
        gold = aliased(Claim)
        has_gold = (select(gold.id).where(gold.version_id == Claim.version_id, gold.origin == Origin.ADJUDICATED,
                                          gold.status == ClaimStatus.ACTIVE).exists())
        query = query.where(~((Claim.origin == Origin.ANNOTATOR) & has_gold))
    return query


def _ref_key(table: Any) -> Any:
    """What makes two archival references the same item: version, volume and item."""
    from sqlalchemy import func

    return (func.coalesce(table.version_id, "") + "|" + func.coalesce(table.volume, "") + "|"
            + func.coalesce(table.item, ""))


@dataclass
class _Version:
    document: str
    group: str  # SCHOLARSHIP or PRIMARY
    current: bool
    title: str | None  # of a current version


_Cell = tuple[str, "str | None"]  # an archive and series
_Reached = list[tuple[_Cell, str]]  # the archive and series, and the item (its key: version, volume and item)


@dataclass
class _Notes:
    """Notes, as plain tuples and sets: there are as many as claims, and the audit looks each up per link."""

    facts: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # note -> (version, seq, label)
    # What a note supports a claim with: None if its role does not let it (terms.SUPPORTING_ROLES; no role:
    # a store made before roles), else the archival items it reaches (none: published works only).
    support: dict[str, _Reached | tuple[()] | None] = field(default_factory=dict)
    flagged: dict[str, tuple[list[str], str | None]] = field(default_factory=dict)  # note -> (flags, printed)
    with_text: set[str] = field(default_factory=set)

    def read(self, db: "Connection", *, versions: list[str] | None = None, ids: list[str] | None = None) -> None:
        """Add the notes of these versions, or with these ids, and what each reaches."""
        import msgspec
        from sqlalchemy import String, case, cast, select

        from toolkit.models import Footnote, Reach

        if versions is not None:  # what a note reaches is stored with the note's version (Reach.version_id)
            of_notes, of_reach = Footnote.version_id.in_(versions), Reach.version_id.in_(versions)  # type: ignore[attr-defined]
        else:
            of_notes, of_reach = Footnote.id.in_(ids), Reach.footnote_id.in_(ids)  # type: ignore[attr-defined]
        supporting = Footnote.role.is_(None) | Footnote.role.in_(SUPPORTING_ROLES)  # type: ignore[union-attr]
        flagged = cast(Footnote.flags, String) != "[]"
        facts, support, with_text = self.facts, self.support, self.with_text
        # 1 or 0 rather than booleans: a boolean column is converted value by value (on SQLite, an int to a bool)
        for fid, vid, seq, label, sup, flags, printed, has_text in all_rows(db, select(
                Footnote.id, Footnote.version_id, Footnote.seq, Footnote.label, case((supporting, 1), else_=0),
                case((flagged, cast(Footnote.flags, String))), case((flagged, Footnote.marker_printed)),
                case((Footnote.note_text.is_not(None), 1), else_=0)).where(of_notes)):  # type: ignore[union-attr]
            facts[fid] = (vid, seq, label)
            support[fid] = () if sup else None
            if flags is not None:
                self.flagged[fid] = (msgspec.json.decode(flags), printed)
            if has_text:
                with_text.add(fid)
        for fid, archive, series, key in all_rows(db, select(Reach.footnote_id, Reach.archive, Reach.series,
                                                          _ref_key(Reach)).where(of_reach)):
            reached = support.get(fid)
            if reached is None:  # not a supporting note
                continue
            if reached:
                reached.append(((archive, series), key))
            else:
                support[fid] = [((archive, series), key)]


@dataclass
class _StoreWide:
    """The few facts read once for the whole store, small beside it: disputing links, resolved Ibid.s (9,000
    of the 142,500 citations of the 1,500-copy benchmark), notes that lead to a stored document."""

    disputes: dict[str, set[str]]  # claim -> the notes linked to it that dispute it
    ibid: dict[str, list[tuple[list[Any], int]]]  # note -> (chain, note it resolves to) of its resolved Ibid.s
    leads: set[str]  # the notes with a citation that leads to a stored document

    @classmethod
    def read(cls, db: "Connection") -> "_StoreWide":
        from sqlalchemy import select

        from toolkit.models import Citation, EvidenceLink, Lead

        disputes: dict[str, set[str]] = defaultdict(set)
        for claim_id, footnote_id in all_rows(db, select(EvidenceLink.claim_id, EvidenceLink.footnote_id)
                                           .where(EvidenceLink.stance == Stance.DISPUTES)):
            disputes[claim_id].add(footnote_id)
        ibid: dict[str, list[tuple[list[Any], int]]] = defaultdict(list)
        # In the table's order (SQLite reads the table through; ordered, it would go through an index), then
        # each note's in the order of its citations.
        for footnote_id, _, chain, target in sorted(all_rows(db, select(
                Citation.footnote_id, Citation.seq, Citation.chain, Citation.resolves_to)
                .where(Citation.kind == CitationKind.IBID, Citation.resolves_to.is_not(None))),  # type: ignore[union-attr]
                key=lambda row: (row[0], row[1])):
            ibid[footnote_id].append((chain, target))
        # From the leads (there are few) to their citations, not the other way round.
        leads = {fid for fid, in all_rows(db, select(Citation.footnote_id).where(Citation.id.in_(select(Lead.citation_id)))  # type: ignore[attr-defined]
                                       .distinct())}
        return cls(dict(disputes), dict(ibid), leads)


@dataclass
class _Tally:
    """What the slices add up to."""

    counts: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)  # (document, group) -> support
    per_doc_archives: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    merged: dict[tuple[str, str, str | None], dict[str, Any]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # A108 apart, by note, until the end: a claim of a later slice may link to the note (the toolkit makes no
    # link from one document to another; a store may hold one all the same).
    unused: dict[str, Finding] = field(default_factory=dict)
    used_elsewhere: set[str] = field(default_factory=set)  # notes linked to a claim of another slice


def audit_store(session: "Session", filters: "Filters | None" = None) -> AuditReport:
    """The audit of the store, read a slice of documents at a time: memory holds a slice and the findings.

    It counts what `toolkit export` would write for the same filters: a claim rests on the
    archival items its supporting notes reach (after Ibid. and short forms, as stored at
    ingest); a claim in a primary source also on the document itself (its file number).
    Editorial and cross-reference notes never count as support."""
    from toolkit.export import Filters, check_annotator, document_ids

    filters = filters or Filters()
    check_annotator(session, filters.annotator)
    names = document_ids(session, filters.documents) if filters.documents else None
    session.flush()  # what the session holds and has not written yet, as an ORM query would see it
    db = session.connection()  # plain rows: no ORM objects, and none of the ORM's work on each row
    tally = _Tally()
    with fewer_collections():  # 100,000s of rows read, none in a cycle
        store = _StoreWide.read(db)
        for versions in _slices(db, names):
            _audit_slice(db, filters, versions, store, tally)

    totals: dict[str, Counter[str]] = {SCHOLARSHIP: Counter(), PRIMARY: Counter()}
    per_doc: dict[str, Counter[str]] = defaultdict(Counter)
    for (doc, g), counts in tally.counts.items():
        totals[g].update(counts)
        per_doc[doc].update(counts)
    archives: dict[str, list[dict[str, Any]]] = {SCHOLARSHIP: [], PRIMARY: []}
    for (g, _, _), row in tally.merged.items():
        archives[g].append(row)
    documents = []
    for doc in sorted(per_doc):
        counts = per_doc[doc]
        documents.append({
            "document": doc, "title": tally.titles.get(doc, ""), "claims": sum(counts.values()),
            "support": {k: counts.get(k, 0) for k in SUPPORT_LEVELS},
            "archives": sorted(tally.per_doc_archives.get(doc, []),
                               key=lambda a: (-a["claims"], a["archive"], a["series"] or "")),
        })
    groups = {g: {"claims": sum(totals[g].values()), "support": {k: totals[g].get(k, 0) for k in SUPPORT_LEVELS},
                  "archives": _ordered(archives[g])} for g in (SCHOLARSHIP, PRIMARY)}
    order = {code: k for k, code in enumerate(CODES)}
    findings = tally.findings
    findings += tally.unused.values()
    findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), order[f.code], f.document, f.note or "", f.claim or ""))
    overall = Counter(totals[SCHOLARSHIP]) + Counter(totals[PRIMARY])
    both: dict[tuple, dict[str, Any]] = {}
    for g in (SCHOLARSHIP, PRIMARY):
        for a in archives[g]:
            row = both.setdefault((a["archive"], a["series"]), {**a, "claims": 0, "references": 0})
            row["claims"] += a["claims"]
            row["references"] += a["references"]
    return AuditReport(sum(overall.values()), {k: overall.get(k, 0) for k in SUPPORT_LEVELS},
                       _ordered(list(both.values())), documents, findings, groups,
                       cited_sources(session, names))


def _slices(db: "Connection", names: list[str] | None) -> Iterator[dict[str, _Version]]:
    """The versions of the documents audited (all, or those named), in slices of whole documents, in the
    order of their documents (sorted here, not by the database's collation: the same on every database)."""
    from sqlalchemy import case, func, select

    from toolkit.models import Claim, DocumentVersion

    claims = dict(all_rows(db, select(Claim.version_id, func.count()).group_by(Claim.version_id)))
    query = select(DocumentVersion.document_id, DocumentVersion.version, DocumentVersion.id, DocumentVersion.kind,
                   DocumentVersion.is_current, case((DocumentVersion.is_current, DocumentVersion.title)))
    if names is not None:
        query = query.where(DocumentVersion.document_id.in_(names))  # type: ignore[attr-defined]
    piece: dict[str, _Version] = {}
    size, last = 0, None
    for doc, _, vid, kind, current, title in sorted(all_rows(db, query), key=lambda row: (row[0], row[1])):
        if doc != last and (size >= SLICE_CLAIMS or len(piece) >= SLICE_VERSIONS):
            yield piece
            piece, size = {}, 0
        last = doc
        piece[vid] = _Version(doc, PRIMARY if kind == "primary-source" else SCHOLARSHIP, bool(current), title)
        size += claims.get(vid, 0)
    if piece:
        yield piece


def _audit_slice(db: "Connection", filters: "Filters", versions: dict[str, _Version], store: _StoreWide,
                 tally: _Tally) -> None:
    from sqlalchemy import select

    from toolkit.chunks import chunked
    from toolkit.models import ArchivalReference, DocumentVersion

    vids = list(versions)
    # The claims of the slice, each with the notes linked to it.
    claims: dict[str, tuple[str, str, int | None, int | None, list[str]]] = {}
    rows = all_rows(db, _claims(filters, vids))
    for claim_id, vid, text, start, end, footnote_id in rows:
        entry = claims.get(claim_id)
        if entry is None:
            entry = claims[claim_id] = (vid, text, start, end, [])
        if footnote_id is not None:
            entry[4].append(footnote_id)
    used = {row[5] for row in rows}  # the notes some claim is linked to
    used.discard(None)
    del rows
    notes = _Notes()
    notes.read(db, versions=vids)
    elsewhere = sorted(used - notes.facts.keys())
    for piece in chunked(elsewhere):  # a link to a note of another slice's version
        notes.read(db, ids=piece)
    tally.used_elsewhere.update(elsewhere)
    for fid in elsewhere:
        tally.unused.pop(fid, None)
    # A primary source's own references (its file number): each of its claims reaches them.
    own: dict[str, _Reached] = defaultdict(list)
    for piece in chunked([vid for vid, v in versions.items() if v.group == PRIMARY]):
        for vid, archive, series, key in all_rows(db, select(
                ArchivalReference.version_id, ArchivalReference.archive, ArchivalReference.series,
                _ref_key(ArchivalReference))
                .where(ArchivalReference.version_id.in_(piece), ArchivalReference.footnote_id.is_(None))):  # type: ignore[attr-defined, union-attr]
            own[vid].append(((archive, series), key))

    findings = tally.findings
    support_of, ibid, disputes, leads = notes.support, store.ibid, store.disputes, store.leads
    none, published, archival = Support.NONE, Support.PUBLISHED, Support.ARCHIVAL
    # (document, group) -> archive and series -> [claims, the last claim counted, items]
    cells: dict[tuple[str, str], dict[_Cell, list[Any]]] = defaultdict(dict)
    with_claims: set[str] = set()
    stale: list[tuple[str, str, str, int, int, str]] = []
    quoting: list[tuple[str, str, str, str, str]] = []  # (claim, document, text, note, label): notes that lead
    last_vid = None
    for claim_id, (vid, text, start, end, linked) in claims.items():
        if vid != last_vid:  # a version's claims mostly come together: what depends on it, looked up once
            last_vid, version = vid, versions[vid]
            doc, g = version.document, version.group
            counts = tally.counts.setdefault((doc, g), Counter())
            doc_cells = cells[(doc, g)]
            with_claims.add(doc)
            own_items = own.get(vid) if g == PRIMARY else None
        # Each claim's support: archival if it reaches an archive, published if it has supporting notes.
        support = none
        reached = own_items
        marked = claim_id in disputes  # A103, A104 below
        for fid in linked:
            if fid in ibid:
                marked = True
            items = support_of[fid]
            if items is not None:
                support = published
                if items:
                    reached = items if not reached else reached + items
                if fid in leads:
                    quoting.append((claim_id, doc, text, fid, notes.facts[fid][2]))
        if reached:
            support = archival
            for cell_key, item in reached:
                cell = doc_cells.get(cell_key)
                if cell is None:
                    cell = doc_cells[cell_key] = [0, None, set()]
                if cell[1] != claim_id:  # count each claim once
                    cell[0] += 1
                    cell[1] = claim_id
                cell[2].add(item)
        counts[support] += 1
        if support is none:
            findings.append(_finding("A101", doc, claim_id, None, f"“{_excerpt(text, 50)}” has no evidence"))
        elif support is published:
            findings.append(_finding("A102", doc, claim_id, None,
                                     f"“{_excerpt(text, 50)}” rests only on published works"))
        # A103: claims resting on an Ibid.; A104: notes disputing the claim linked to them.
        if marked:
            findings += _ibid_and_disputes(claim_id, doc, text, linked, notes, ibid, disputes.get(claim_id, set()))
        if start is not None and end is not None:
            stale.append((claim_id, doc, text, start, end, vid))

    # Per document, archive and series: a claim and a reference belong to one document each, so the
    # groups' counts are sums of these. In the order of documents, groups, archives, series (none first).
    for (doc, g), of_doc in sorted(cells.items()):
        for (archive, series), (n, _, items) in sorted(of_doc.items(), key=lambda kv: (
                kv[0][0], kv[0][1] is not None, kv[0][1] or "")):
            tally.per_doc_archives[doc].append({"archive": archive, "series": series, "claims": n,
                                                "references": len(items)})
            row = tally.merged.setdefault((g, archive, series), {"archive": archive, "series": series,
                                                                 "claims": 0, "references": 0})
            row["claims"] += n
            row["references"] += len(items)
    for version in versions.values():
        if version.current and version.document in with_claims:
            tally.titles[version.document] = version.title or ""

    _note_findings(db, versions, notes, with_claims, used | tally.used_elsewhere, tally)

    # A109: a claim on an older version whose text is not where it was in the current one.
    if stale:
        current = {}
        for piece in chunked(sorted({s[1] for s in stale})):
            current.update({d: (v, text) for d, v, text in all_rows(db, select(
                DocumentVersion.document_id, DocumentVersion.id, DocumentVersion.text)
                .where(DocumentVersion.is_current, DocumentVersion.document_id.in_(piece)))})  # type: ignore[attr-defined]
        for claim_id, doc, text, start, end, version_id in stale:
            now = current.get(doc)
            if now is not None and now[1][start:end] != text:
                findings.append(_finding("A109", doc, claim_id, None,
                                         f"“{_excerpt(text, 50)}” was made on version {version_id}; the current "
                                         f"version ({now[0]}) has other text at {start}-{end}: re-annotate it"))

    # A110, A111: words quoted by a claim or its note, looked up in the stored documents the note leads to.
    if quoting:
        findings += quote_findings(db, quoting, _note_texts(db, sorted({q[3] for q in quoting})))


def _ibid_and_disputes(claim_id: str, doc: str, text: str, linked: list[str], notes: _Notes,
                       ibid: dict[str, list[tuple[list[Any], int]]], disputing: set[str]) -> list[Finding]:
    """A103 for each resolved Ibid. in a note linked to the claim; A104 for a linked note that disputes it
    (once for each of its resolved Ibid.s, if any); note by note, in their order."""
    out = []
    where = f"“{_excerpt(text, 50)}”"
    for fid in sorted((f for f in linked if f in ibid or f in disputing), key=lambda f: notes.facts[f][1]):
        label = notes.facts[fid][2]
        for resolved in ibid.get(fid) or [None]:
            if fid in disputing:
                out.append(_finding("A104", doc, claim_id, label,
                                    f"note {label} disputes the claim it is linked to: {where}"))
            if resolved is not None:
                chain, target = resolved
                steps = " → ".join(str(x) for x in [label, *(chain or [])])
                out.append(_finding("A103", doc, claim_id, label,
                                    f"{where} rests on an Ibid. (notes {steps}); it finally leans on "
                                    f"note {(chain or [target])[-1]}"))
    return out


def _note_findings(db: "Connection", versions: dict[str, _Version], notes: _Notes, with_claims: set[str],
                   used: set[str], tally: _Tally) -> None:
    """A105-A108: the notes of the current versions; those flagged, and (in documents with claims) those no
    claim uses; in the order of documents and notes."""
    current = {vid: v.document for vid, v in versions.items() if v.current}
    in_use = {vid for vid, doc in current.items() if doc in with_claims}
    unused = {fid for fid in notes.with_text - used if notes.facts[fid][0] in in_use}
    listed = sorted((current[notes.facts[fid][0]], notes.facts[fid][1], fid)
                    for fid in unused | {f for f in notes.flagged if notes.facts[f][0] in current})
    texts = _note_texts(db, sorted(unused))
    out = tally.findings
    for doc, _, fid in listed:
        label = notes.facts[fid][2]
        flags, printed = notes.flagged.get(fid, ([], None))
        if MARKER_REPAIRED in flags:
            out.append(_finding("A105", doc, None, label, f"marker printed {printed} was linked to note {label}"))
        if MARKER_WITHOUT_NOTE in flags:
            out.append(_finding("A106", doc, None, label, f"marker {label} has no note"))
        if NOTE_WITHOUT_MARKER in flags:
            out.append(_finding("A107", doc, None, label, f"note {label} has no marker in the text"))
        if fid in unused:
            tally.unused[fid] = _finding("A108", doc, None, label,
                                         f"note {label} is used by no claim: {_excerpt(texts[fid], 60)}")


def _note_texts(db: "Connection", footnote_ids: list[str]) -> dict[str, str | None]:
    from sqlalchemy import select

    from toolkit.chunks import chunked
    from toolkit.models import Footnote

    texts: dict[str, str | None] = {}
    for piece in chunked(footnote_ids):
        texts.update(all_rows(db, select(Footnote.id, Footnote.note_text).where(Footnote.id.in_(piece))))  # type: ignore[attr-defined, arg-type]
    return texts


def quote_findings(db: "Connection", rows: list[tuple[str, str, str, str, str]],
                   note_texts: dict[str, str | None]) -> list[Finding]:
    """A110 when quoted words are in none of the stored documents the claim's notes lead to;
    A111 when they are, but not on the page the note cites. `rows`: (claim, document, claim's text,
    note, note's label) for each supporting note linked to a claim that leads to a stored document."""
    import re

    from sqlalchemy import select

    from toolkit.chunks import chunked
    from toolkit.models import Citation, DocumentVersion, Lead
    from toolkit.parsing.quotes import find_quote, page_at, quotes_in

    quoted: dict[str, list[str]] = {}  # quotes in each claim's text and in each note's, worked out once

    def quotes(key: str, text: str | None) -> list[str]:
        found = quoted.get(key)
        if found is None:
            found = quoted[key] = quotes_in(text or "")
        return found

    rows = [r for r in rows if quotes("c" + r[0], r[2]) or quotes("n" + r[3], note_texts.get(r[3]))]
    if not rows:
        return []
    leads: dict[str, list[tuple[str, str | None]]] = defaultdict(list)  # footnote -> (version, page cited)
    for chunk in chunked(sorted({r[3] for r in rows})):
        for fid, pages, vid, detail in all_rows(db, 
                select(Citation.footnote_id, Citation.pages, Lead.version_id, Lead.detail)
                .join(Lead, Lead.citation_id == Citation.id).where(Citation.footnote_id.in_(chunk))):  # type: ignore[attr-defined]
            cited = re.search(r"\bp\.\s*(\w+)", detail or "") if detail and " p. " in detail else None
            cited = cited or re.search(r"\bpp?\.\s*(\w+)", pages or "")
            leads[fid].append((vid, cited.group(1) if cited else None))
    targets: dict[str, tuple[str, list[dict]]] = {}
    for chunk in chunked(sorted({v for ls in leads.values() for v, _ in ls})):
        targets.update({vid: (text, pages) for vid, text, pages in all_rows(db, 
            select(DocumentVersion.id, DocumentVersion.text, DocumentVersion.pages).where(
                DocumentVersion.id.in_(chunk)))})  # type: ignore[attr-defined]
    out: list[Finding] = []
    seen: set[tuple] = set()
    for claim_id, doc, claim_text, fid, label in rows:
        if not leads.get(fid):
            continue
        for quote in quotes("c" + claim_id, claim_text) + quotes("n" + fid, note_texts.get(fid)):
            if (claim_id, fid, quote) in seen:
                continue
            seen.add((claim_id, fid, quote))
            found = []
            for vid, cited in leads[fid]:
                text, pages = targets[vid]
                hit = find_quote(quote, text)
                if hit is not None:
                    found.append((vid, cited, {page_at(pages, hit[0]), page_at(pages, max(hit[0], hit[1] - 1))}, hit))
            if not found:
                out.append(_finding("A110", doc, claim_id, label,
                                    f"“{_excerpt(quote, 50)}” is not in the document{'s' if len(leads[fid]) > 1 else ''} "
                                    f"note {label} cites ({', '.join(v for v, _ in leads[fid])})"))
                continue
            if any(cited is None or cited in on or None in on for _, cited, on, _ in found):  # unknown: no finding
                continue
            vid, cited, on, hit = found[0]
            printed = ", ".join(sorted(p for p in on if p)) or "an unnumbered page"
            out.append(_finding("A111", doc, claim_id, label,
                                f"“{_excerpt(quote, 50)}” is on p. {printed} of {vid}, not p. {cited} as note {label} says"))
    return out


def cited_sources(session: "Session", citing: list[str] | None = None) -> list[dict[str, Any]]:
    """Each stored primary source (current version) that citations lead to: how many citations,
    notes and documents cite it (of the `citing` documents only, when given), most cited first."""
    from sqlalchemy import distinct, func, select
    from sqlalchemy.orm import aliased

    from toolkit.models import Citation, DocumentVersion, Footnote, Lead

    source, cites = aliased(DocumentVersion), aliased(DocumentVersion)
    query = (select(source.document_id, source.id, source.title, source.part,
                    func.count(distinct(Lead.citation_id)), func.count(distinct(Footnote.id)),
                    func.count(distinct(cites.document_id)))
             .join(source, source.id == Lead.version_id)
             .join(Citation, Citation.id == Lead.citation_id)
             .join(Footnote, Footnote.id == Citation.footnote_id)
             .join(cites, cites.id == Footnote.version_id)
             .where(source.kind == "primary-source", source.is_current, cites.is_current)
             .group_by(source.document_id, source.id, source.title, source.part))
    if citing is not None:
        query = query.where(cites.document_id.in_(citing))  # type: ignore[attr-defined]
    rows = [{"document": doc, "version_id": vid, "title": title, "part": part, "citations": n,
             "notes": notes, "citing_documents": docs}
            for doc, vid, title, part, n, notes, docs in session.execute(query)]
    return sorted(rows, key=lambda r: (-r["citations"], r["document"]))


SUPPORT_LEVELS = tuple(Support)


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda a: (-a["claims"], a["archive"], a["series"] or ""))
