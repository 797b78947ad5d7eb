"""`toolkit audit`: which claims rest on which archive, and what deserves a second look.

Counts with SQL aggregates over the store (memory does not grow with the corpus),
by the rules the export writes: what a note reaches is stored once, at ingest;
only evidence notes support a claim; scholarship and primary sources apart. Findings have stable codes that
scripts and tests may rely on; their wording may change, the codes do not:

    A101 warning  unsourced-claim      a claim with no evidence at all
    A102 info     published-only       a claim resting only on published works
    A103 info     ibid-chain           a claim resting on an Ibid. (and the note it finally leans on)
    A104 warning  disputing-note       a note linked to a claim disputes it
    A105 info     marker-repaired      a footnote marker misread by OCR, repaired
    A106 warning  marker-without-note  a footnote marker whose note was not found
    A107 warning  note-without-marker  a note whose marker was not found
    A108 info     unused-note          a note that no claim of its document uses
    A109 error    stale-offsets        a claim whose text is not at its offsets in the current version
    A110 warning  quote-not-found      words a claim or its note quotes are not in the stored document cited
    A111 info     quote-on-other-page  the quoted words are in the document cited, on another page than the note's
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.parsing.footnotes import MARKER_REPAIRED, MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER
from toolkit.terms import SUPPORTING_ROLES, ClaimStatus, Origin, Support

if TYPE_CHECKING:
    from sqlmodel import Session

    from toolkit.export import Filters

SEVERITIES = ("info", "warning", "error")
CODES: dict[str, tuple[str, str]] = {
    "A101": ("unsourced-claim", "warning"),
    "A102": ("published-only", "info"),
    "A103": ("ibid-chain", "info"),
    "A104": ("disputing-note", "warning"),
    "A105": (MARKER_REPAIRED, "info"),
    "A106": (MARKER_WITHOUT_NOTE, "warning"),
    "A107": (NOTE_WITHOUT_MARKER, "warning"),
    "A108": ("unused-note", "info"),
    "A109": ("stale-offsets", "error"),
    "A110": ("quote-not-found", "warning"),
    "A111": ("quote-on-other-page", "info"),
}


@dataclass
class Finding:
    code: str
    name: str
    severity: str
    document: str
    claim: str | None
    note: str | None
    message: str


@dataclass
class AuditReport:
    claims: int
    support: dict[str, int]  # archival / published / none, over all claims
    archives: list[dict[str, Any]]  # per archive and series, over all documents
    documents: list[dict[str, Any]]  # per document: support counts and archives
    findings: list[Finding] = field(default_factory=list)
    # Scholarship's claims and the statements inside primary sources, apart: one must not drown
    # the other (a FRUS volume's telegrams would fill the archive chart with one bar).
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each stored primary source that citations lead to (toolkit.leads), and how often it is cited.
    cited_sources: list[dict[str, Any]] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, threshold: str) -> bool:
        """Is there a finding at `threshold` severity or above?"""
        rank = SEVERITIES.index(threshold)
        return any(SEVERITIES.index(f.severity) >= rank for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        import msgspec

        return self._json(msgspec.to_builtins(self.findings))

    def to_json_bytes(self) -> bytes:
        """`to_json()` as UTF-8 JSON indented by 2, the bytes of `json.dumps(..., ensure_ascii=False,
        indent=2)`; the findings are encoded as they are, without a dict for each."""
        import msgspec

        return msgspec.json.format(msgspec.json.encode(self._json(self.findings)), indent=2)

    def _json(self, findings: list[Any]) -> dict[str, Any]:
        return {"claims": self.claims, "support": self.support, "archives": self.archives,
                "groups": self.groups, "documents": self.documents, "cited_sources": self.cited_sources,
                "findings": findings, "counts": {s: self.count(s) for s in SEVERITIES}}


def _finding(code: str, document: str, claim: str | None, note: str | None, message: str) -> Finding:
    name, severity = CODES[code]
    return Finding(code, name, severity, document, claim, note, message)


def _excerpt(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


SCHOLARSHIP, PRIMARY = "scholarship", "primary-sources"  # the two groups the audit keeps apart


def _claims(filters: "Filters", version_ids: list[str] | None):  # type: ignore[no-untyped-def]
    """The claims the audit counts: active ones, annotators' (and suggestions of current versions if
    asked), of the documents named; as a subquery of (id, version_id, document, kind, text, start, end)."""
    from sqlalchemy import or_, select
    from sqlalchemy.orm import aliased

    from toolkit.models import Claim, DocumentVersion

    query = (select(Claim.id, Claim.version_id, DocumentVersion.document_id.label("document"),
                    DocumentVersion.kind.label("kind"), DocumentVersion.is_current.label("current"),
                    Claim.text.label("text"), Claim.start.label("start"), Claim.end.label("end"))
             .join(DocumentVersion, DocumentVersion.id == Claim.version_id)
             .where(Claim.status == ClaimStatus.ACTIVE))
    origin = Claim.origin != Origin.SUGGESTED
    if filters.include_suggested:  # a superseded version's suggestions are not claims any more
        origin = or_(origin, DocumentVersion.is_current)
    query = query.where(origin)
    if not filters.annotator:
        # A document with gold (toolkit review) counts its gold, not its annotators' claims.
        gold = aliased(Claim)
        has_gold = (select(gold.id).where(gold.version_id == Claim.version_id, gold.origin == Origin.ADJUDICATED,
                                          gold.status == ClaimStatus.ACTIVE).exists())
        query = query.where(~((Claim.origin == Origin.ANNOTATOR) & has_gold))
    if filters.annotator:
        query = query.where(Claim.annotator == filters.annotator)
    if version_ids is not None:
        query = query.where(DocumentVersion.document_id.in_(version_ids))
    return query.subquery("c")


def audit_store(session: "Session", filters: "Filters | None" = None) -> AuditReport:
    """The audit of the store, from SQL aggregates: memory does not grow with the corpus.

    It counts what `toolkit export` would write for the same filters: a claim rests on the
    archival items its supporting notes reach (after Ibid. and short forms, as stored at
    ingest); a claim in a primary source also on the document itself (its file number).
    Editorial and cross-reference notes never count as support."""
    from sqlalchemy import String, case, cast, distinct, func, literal, select, union_all

    from toolkit.export import Filters, check_annotator, document_ids
    from toolkit.models import ArchivalReference, Citation, DocumentVersion, EvidenceLink, Footnote, Reach

    filters = filters or Filters()
    check_annotator(session, filters.annotator)
    names = document_ids(session, filters.documents) if filters.documents else None
    c = _claims(filters, names)
    supporting = Footnote.role.is_(None) | Footnote.role.in_(SUPPORTING_ROLES)  # None: a store before roles
    group = case((c.c.kind == "primary-source", literal(PRIMARY)), else_=literal(SCHOLARSHIP))

    # What each claim reaches: through its supporting notes, and (primary sources) the document itself.
    via_notes = (select(c.c.id.label("claim"), c.c.document, c.c.kind, Reach.archive, Reach.series,
                        Reach.version_id, Reach.volume, Reach.item)
                 .join(EvidenceLink, EvidenceLink.claim_id == c.c.id)
                 .join(Footnote, Footnote.id == EvidenceLink.footnote_id)
                 .join(Reach, Reach.footnote_id == Footnote.id)
                 .where(supporting))
    via_document = (select(c.c.id.label("claim"), c.c.document, c.c.kind, ArchivalReference.archive,
                           ArchivalReference.series, ArchivalReference.version_id, ArchivalReference.volume,
                           ArchivalReference.item)
                    .join(ArchivalReference, (ArchivalReference.version_id == c.c.version_id)
                          & ArchivalReference.footnote_id.is_(None))
                    .where(c.c.kind == "primary-source"))
    reached = union_all(via_notes, via_document).subquery("r")
    ref_key = func.coalesce(reached.c.version_id, "") + "|" + func.coalesce(reached.c.volume, "") + "|" \
        + func.coalesce(reached.c.item, "")
    r_group = case((reached.c.kind == "primary-source", literal(PRIMARY)), else_=literal(SCHOLARSHIP))

    # Per document, archive and series: a claim and a reference belong to one document each, so the
    # groups' counts are sums of these.
    kind_of: dict[str, str] = {}
    per_doc_archives: dict[str, list[dict[str, Any]]] = defaultdict(list)
    merged: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for doc, g, archive, series, claims, refs in session.execute(
            select(reached.c.document, r_group, reached.c.archive, reached.c.series,
                   func.count(distinct(reached.c.claim)), func.count(distinct(ref_key)))
            .group_by(reached.c.document, r_group, reached.c.archive, reached.c.series)):
        per_doc_archives[doc].append({"archive": archive, "series": series, "claims": claims, "references": refs})
        row = merged.setdefault((g, archive, series), {"archive": archive, "series": series, "claims": 0,
                                                       "references": 0})
        row["claims"] += claims
        row["references"] += refs
    archives: dict[str, list[dict[str, Any]]] = {SCHOLARSHIP: [], PRIMARY: []}
    for (g, _, _), row in merged.items():
        archives[g].append(row)

    # Each claim's support: archival if it reaches an archive, published if it has supporting notes.
    reaches_archive = (select(literal(1)).select_from(EvidenceLink)
                       .join(Footnote, Footnote.id == EvidenceLink.footnote_id)
                       .join(Reach, Reach.footnote_id == Footnote.id)
                       .where(EvidenceLink.claim_id == c.c.id, supporting).exists())
    own = (select(literal(1)).select_from(ArchivalReference)
           .where(ArchivalReference.version_id == c.c.version_id, ArchivalReference.footnote_id.is_(None)).exists())
    has_note = (select(literal(1)).select_from(EvidenceLink).join(Footnote, Footnote.id == EvidenceLink.footnote_id)
                .where(EvidenceLink.claim_id == c.c.id, supporting).exists())
    support = case((reaches_archive, literal("archival")),
                   ((c.c.kind == "primary-source") & own, literal("archival")),
                   (has_note, literal("published")), else_=literal("none"))
    per_claim = select(c.c.id, c.c.document, group.label("group"), support.label("support"), c.c.text).subquery("pc")
    totals: dict[str, Counter[str]] = {SCHOLARSHIP: Counter(), PRIMARY: Counter()}
    per_doc: dict[str, Counter[str]] = defaultdict(Counter)
    findings: list[Finding] = []
    for claim_id, doc, g, sup, text in session.execute(
            select(per_claim.c.id, per_claim.c.document, per_claim.c.group, per_claim.c.support,
                   case((per_claim.c.support == "archival", literal(None)), else_=per_claim.c.text))
            .order_by(per_claim.c.document, per_claim.c.id)):
        totals[g][sup] += 1
        per_doc[doc][sup] += 1
        if sup == "none":
            findings.append(_finding("A101", doc, claim_id, None, f"“{_excerpt(text, 50)}” has no evidence"))
        elif sup == "published":
            findings.append(_finding("A102", doc, claim_id, None,
                                     f"“{_excerpt(text, 50)}” rests only on published works"))

    # A103: claims resting on an Ibid.; A104: notes disputing the claim linked to them.
    for claim_id, doc, text, label, chain, target, stance in session.execute(
            select(c.c.id, c.c.document, c.c.text, Footnote.label, Citation.chain, Citation.resolves_to,
                   EvidenceLink.stance)
            .join(EvidenceLink, EvidenceLink.claim_id == c.c.id)
            .join(Footnote, Footnote.id == EvidenceLink.footnote_id)
            .outerjoin(Citation, (Citation.footnote_id == Footnote.id) & (Citation.kind == "ibid")
                       & Citation.resolves_to.is_not(None))
            .where((EvidenceLink.stance == "disputes") | Citation.id.is_not(None))
            .order_by(c.c.document, c.c.id, Footnote.seq)):
        where = f"“{_excerpt(text, 50)}”"
        if stance == "disputes":
            findings.append(_finding("A104", doc, claim_id, label,
                                     f"note {label} disputes the claim it is linked to: {where}"))
        if target is not None:
            steps = " → ".join(str(x) for x in [label, *(chain or [])])
            findings.append(_finding("A103", doc, claim_id, label,
                                     f"{where} rests on an Ibid. (notes {steps}); it finally leans on "
                                     f"note {(chain or [target])[-1]}"))

    # A105-A108: the notes of the current versions of the documents audited; only those flagged,
    # and (in documents with claims) those no claim uses.
    docs_with_claims = sorted(per_doc)
    used = (select(literal(1)).select_from(EvidenceLink).join(c, c.c.id == EvidenceLink.claim_id)
            .where(EvidenceLink.footnote_id == Footnote.id).exists())
    unused = DocumentVersion.document_id.in_(docs_with_claims) & Footnote.note_text.is_not(None) & ~used
    notes_query = (select(DocumentVersion.document_id, Footnote.label, Footnote.flags, Footnote.marker_printed,
                          Footnote.note_text, unused)
                   .join(DocumentVersion, DocumentVersion.id == Footnote.version_id)
                   .where(DocumentVersion.is_current, (cast(Footnote.flags, String) != "[]") | unused)
                   .order_by(DocumentVersion.document_id, Footnote.seq))
    if names is not None:
        notes_query = notes_query.where(DocumentVersion.document_id.in_(names))
    for doc, label, flags, printed, text, is_unused in session.execute(notes_query):
        if MARKER_REPAIRED in flags:
            findings.append(_finding("A105", doc, None, label, f"marker printed {printed} was linked to note {label}"))
        if MARKER_WITHOUT_NOTE in flags:
            findings.append(_finding("A106", doc, None, label, f"marker {label} has no note"))
        if NOTE_WITHOUT_MARKER in flags:
            findings.append(_finding("A107", doc, None, label, f"note {label} has no marker in the text"))
        if is_unused:
            findings.append(_finding("A108", doc, None, label,
                                     f"note {label} is used by no claim: {_excerpt(text, 60)}"))

    # A109: a claim on an older version whose text is not where it was in the current one.
    stale = list(session.execute(select(c.c.id, c.c.document, c.c.text, c.c.start, c.c.end, c.c.version_id)
                                 .where(~c.c.current)))
    if stale:
        current = {d: (v, text) for d, v, text in session.execute(
            select(DocumentVersion.document_id, DocumentVersion.id, DocumentVersion.text)
            .where(DocumentVersion.is_current, DocumentVersion.document_id.in_(sorted({s[1] for s in stale}))))}
        for claim_id, doc, text, start, end, version in stale:
            now = current.get(doc)
            if now is not None and now[1][start:end] != text:
                findings.append(_finding("A109", doc, claim_id, None,
                                         f"“{_excerpt(text, 50)}” was made on version {version}; the current "
                                         f"version ({now[0]}) has other text at {start}-{end}: re-annotate it"))

    # A110, A111: words quoted by a claim or its note, looked up in the stored documents the note leads to.
    findings += quote_findings(session, c, supporting)

    titles = dict(session.execute(select(DocumentVersion.document_id, DocumentVersion.title).where(
        DocumentVersion.is_current, DocumentVersion.document_id.in_(docs_with_claims))).all())
    documents = []
    for doc in sorted(per_doc):
        counts = per_doc[doc]
        documents.append({
            "document": doc, "title": titles.get(doc, ""), "claims": sum(counts.values()),
            "support": {k: counts.get(k, 0) for k in SUPPORT_LEVELS},
            "archives": sorted(per_doc_archives.get(doc, []), key=lambda a: (-a["claims"], a["archive"], a["series"] or "")),
        })
    groups = {g: {"claims": sum(totals[g].values()), "support": {k: totals[g].get(k, 0) for k in SUPPORT_LEVELS},
                  "archives": _ordered(archives[g])} for g in (SCHOLARSHIP, PRIMARY)}
    order = {code: k for k, code in enumerate(CODES)}
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


def quote_findings(session: "Session", c: Any, supporting: Any) -> list[Finding]:
    """A110 when quoted words are in none of the stored documents the claim's notes lead to;
    A111 when they are, but not on the page the note cites."""
    import re

    from sqlalchemy import select

    from toolkit.chunks import chunked
    from toolkit.models import Citation, DocumentVersion, EvidenceLink, Footnote, Lead
    from toolkit.parsing.quotes import find_quote, page_at, quotes_in

    rows = list(session.execute(
        select(c.c.id, c.c.document, c.c.text, Footnote.id, Footnote.label, Footnote.note_text)
        .join(EvidenceLink, EvidenceLink.claim_id == c.c.id)
        .join(Footnote, Footnote.id == EvidenceLink.footnote_id).where(supporting)))
    rows = [r for r in rows if quotes_in(r[2]) or quotes_in(r[5] or "")]
    if not rows:
        return []
    leads: dict[str, list[tuple[str, str | None]]] = defaultdict(list)  # footnote -> (version, page cited)
    for chunk in chunked(sorted({r[3] for r in rows})):
        for fid, pages, vid, detail in session.execute(
                select(Citation.footnote_id, Citation.pages, Lead.version_id, Lead.detail)
                .join(Lead, Lead.citation_id == Citation.id).where(Citation.footnote_id.in_(chunk))):  # type: ignore[attr-defined]
            cited = re.search(r"\bp\.\s*(\w+)", detail or "") if detail and " p. " in detail else None
            cited = cited or re.search(r"\bpp?\.\s*(\w+)", pages or "")
            leads[fid].append((vid, cited.group(1) if cited else None))
    targets = {vid: (text, pages) for vid, text, pages in session.execute(
        select(DocumentVersion.id, DocumentVersion.text, DocumentVersion.pages).where(
            DocumentVersion.id.in_(sorted({v for ls in leads.values() for v, _ in ls}))))} if leads else {}  # type: ignore[attr-defined]
    out: list[Finding] = []
    seen: set[tuple] = set()
    for claim_id, doc, claim_text, fid, label, note_text in rows:
        if not leads.get(fid):
            continue
        for quote in quotes_in(claim_text) + quotes_in(note_text or ""):
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


# -- rendering ------------------------------------------------------------------------------


def render_text(report: AuditReport, max_findings: int = 60) -> str:
    """The terminal table: scholarship and primary sources apart, then per document and findings."""
    s = report.support
    lines = [f"{report.claims} claims: {s['archival']} rest on an archive, {s['published']} on published "
             f"works only, {s['none']} on nothing"]
    for key, heading in ((SCHOLARSHIP, "Claims made in scholarship"), (PRIMARY, "Statements inside primary sources")):
        group = report.groups.get(key)
        if not group or not group["claims"]:
            continue
        g = group["support"]
        lines += ["", f"{heading}: {group['claims']} ({g['archival']} archival, {g['published']} published only, "
                      f"{g['none']} none), per archive and series"]
        lines.append(f"  {'archive':<8} {'series':<38} {'claims':>6} {'refs':>5}")
        for a in group["archives"]:
            lines.append(f"  {a['archive']:<8} {(a['series'] or '-')[:38]:<38} {a['claims']:>6} {a['references']:>5}")
        if not group["archives"]:
            lines.append("  (no claim reaches an archive)")
    lines += ["", "Per document"]
    for d in report.documents:
        sup = d["support"]
        lines.append(f"  {d['document']}: {d['claims']} claims ({sup['archival']} archival, "
                     f"{sup['published']} published only, {sup['none']} none)")
        for a in d["archives"][:6]:
            lines.append(f"      {a['archive']} {a['series'] or ''}: {a['claims']} claims, {a['references']} references")
    plural = {"error": "errors", "warning": "warnings", "info": "notes"}
    counts = ", ".join(f"{report.count(sev)} {plural[sev]}" for sev in reversed(SEVERITIES))
    lines += ["", f"Findings ({counts})"]
    for f in report.findings[:max_findings]:
        target = f"claim {f.claim}" if f.claim else f"note {f.note}"
        lines.append(f"  {f.code} {f.severity:<7} {f.document} {target}: {f.message}")
    if len(report.findings) > max_findings:
        lines.append(f"  … and {len(report.findings) - max_findings} more (--json or --html for all)")
    return "\n".join(lines) + "\n"


def render_html(report: AuditReport, title: str = "Audit of claims and their evidence") -> str:
    """One self-contained page: tables, a bar chart of claims per archive; all text escaped."""
    e = html.escape

    def chart(rows: list[dict[str, Any]]) -> str:
        most = max((a["claims"] for a in rows), default=1) or 1
        return "\n".join(
            f'<div class="bar"><span class="label">{e(a["archive"])} {e(a["series"] or "")}</span>'
            f'<span class="fill" style="width:{max(1, round(60 * a["claims"] / most))}%"></span>'
            f'<span class="n">{a["claims"]}</span></div>' for a in rows)

    scholarship = report.groups.get(SCHOLARSHIP, {"claims": 0, "archives": []})
    primary = report.groups.get(PRIMARY, {"claims": 0, "archives": []})
    bars = chart(scholarship["archives"])
    primary_bars = chart(primary["archives"])
    archive_rows = "\n".join(
        f"<tr><td>{e(a['archive'])}</td><td>{e(a['series'] or '-')}</td><td>{a['claims']}</td>"
        f"<td>{a['references']}</td></tr>" for a in report.archives)
    doc_rows = "\n".join(
        f"<tr><td>{e(d['document'])}</td><td>{e(d['title'])}</td><td>{d['claims']}</td>"
        f"<td>{d['support']['archival']}</td><td>{d['support']['published']}</td><td>{d['support']['none']}</td></tr>"
        for d in report.documents)
    finding_rows = "\n".join(
        f'<tr class="{e(f.severity)}"><td>{e(f.code)}</td><td>{e(f.severity)}</td><td>{e(f.name)}</td>'
        f"<td>{e(f.document)}</td><td>{'<br>'.join(e(x) for x in (f.claim, f'note {f.note}' if f.note else None) if x)}</td>"
        f"<td>{e(f.message)}</td></tr>" for f in report.findings)
    s = report.support
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font: 15px/1.45 Georgia, serif; margin: 2em auto; max-width: 72em; color: #222; padding: 0 1em; }}
h1 {{ font-size: 1.6em; }} h2 {{ font-size: 1.2em; margin-top: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}
th {{ background: #f4f1ea; }}
.bar {{ display: flex; align-items: center; margin: 0.25em 0; }}
.bar .label {{ width: 22em; }}
.bar .fill {{ display: inline-block; height: 1em; background: #8c5a2b; margin-right: 0.5em; }}
tr.error td {{ background: #fbe3e1; }} tr.warning td {{ background: #fdf3dc; }}
.summary {{ font-size: 1.05em; }}
</style>
</head>
<body>
<h1>{e(title)}</h1>
<p class="summary">{report.claims} claims: <b>{s['archival']}</b> rest on an archive, <b>{s['published']}</b>
on published works only, <b>{s['none']}</b> on nothing.
Findings: {report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} notes.</p>
<h2>Claims made in scholarship, per archive ({scholarship['claims']} claims)</h2>
<div class="chart">
{bars or '<p>No claim made in scholarship reaches an archive.</p>'}
</div>
<h2>Statements inside primary sources, per archive ({primary['claims']} statements)</h2>
<div class="chart primary">
{primary_bars or '<p>No statement of a primary source is audited.</p>'}
</div>
<table><thead><tr><th>Archive</th><th>Series</th><th>Claims</th><th>References</th></tr></thead>
<tbody>
{archive_rows}
</tbody></table>
<h2>Per document</h2>
<table><thead><tr><th>Document</th><th>Title</th><th>Claims</th><th>Archival</th><th>Published only</th><th>None</th></tr></thead>
<tbody>
{doc_rows}
</tbody></table>
<h2>Findings</h2>
<table><thead><tr><th>Code</th><th>Severity</th><th>Kind</th><th>Document</th><th>Claim / note</th><th>Message</th></tr></thead>
<tbody>
{finding_rows}
</tbody></table>
</body>
</html>
"""
